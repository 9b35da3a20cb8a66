"""Read a document for checking, refusing input that cannot be a text article with a one-line reason.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_bytes(b"\\xff bad")
    >>> try: read_document(str(p))
    ... except InputError as e: print(str(e).split(": ", 1)[1])
    not UTF-8 text (invalid byte 0xff at byte offset 0)
"""

from __future__ import annotations

import sys

from framing.errors import FramingError, TooLargeError
from framing.guards import is_blank, read_capped, text_problem

MAX_BYTES = 20_000_000  # far above any article; guards against being handed a disk image
MAX_CHARS = 1_000_000  # as framing score's cap: one text longer than this is not an article


class InputError(FramingError, ValueError):
    """Input that is not a readable, non-empty UTF-8 text."""


def decode_document(data: bytes, name: str) -> str:
    """Decode ``data`` as UTF-8 text or raise :class:`InputError` naming ``name`` and the problem."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})")
    problem = text_problem(data)
    if problem is not None:
        raise InputError(f"{name}: {problem}")
    text = data.decode("utf-8")
    if is_blank(text):
        raise InputError(f"{name}: empty (no text to check)")
    return text


def read_document(path: str) -> str:
    """Read ``path`` (or ``-`` for standard input) as a UTF-8 article."""
    name = "<stdin>" if path == "-" else path
    try:
        # at most MAX_BYTES + 1 bytes are read: /dev/zero or `yes |` stop at the cap
        data = read_capped(sys.stdin.buffer if path == "-" else path, MAX_BYTES, name)
    except TooLargeError as e:
        raise InputError(str(e)) from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as e:
        raise InputError(f"{name}: cannot be read ({e.strerror})") from None
    text = decode_document(data, name)
    if len(text) > MAX_CHARS:
        raise InputError(f"{name}: too long ({len(text):,} characters; the limit is {MAX_CHARS:,})")
    return text
