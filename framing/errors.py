"""The root of every error a user can cause: bad input, bad options, a damaged model folder, missing data.

``framing``'s command line catches :class:`FramingError` only and prints it as one line with exit
code 2; anything else is a bug and keeps its traceback. Each subclass is also a ``ValueError`` (or
``FileNotFoundError``) so that library callers catching those keep working.

Example:
    >>> try:
    ...     raise UsageError("--n must be at least 1, got 0")
    ... except FramingError as e:
    ...     print(f"framing: error: {e}")
    framing: error: --n must be at least 1, got 0
"""

from __future__ import annotations


class FramingError(Exception):
    """An error the user can fix; its message names the file, line or option and the problem."""


class UsageError(FramingError, ValueError):
    """An option or argument value that cannot work."""


class DataError(FramingError, ValueError):
    """A data file that cannot be read as what it claims to be."""


class ModelFolderError(FramingError, ValueError):
    """A model folder that is missing, incomplete or does not fit its config."""


class TooLargeError(DataError):
    """Input over one of the size caps (bytes, characters, expanded size, nesting): HTTP 413 in the web app."""


class InternalError(Exception):
    """Not a user error: the command line prints its traceback and exits with ``EXIT_INTERNAL``."""


# Exit codes of the ``framing`` command (README, "Exit codes").
EXIT_OK = 0
EXIT_FLAGGED = 1  # only ``framing check --fail-on``: a rule was broken
EXIT_BAD_INPUT = 2  # any FramingError: bad input, options, data or a damaged model folder
EXIT_INTERNAL = 70  # a bug (sysexits' EX_SOFTWARE); the traceback is printed
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
EXIT_PIPE_CLOSED = 141  # the reader of standard output closed it (128 + SIGPIPE, as the shell reports it)
