"""Read a document for checking, refusing input that cannot be a text article with a one-line reason.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_bytes(b"\\xff\\xfe bad")
    >>> try: read_document(str(p))
    ... except InputError as e: print(str(e).split(": ", 1)[1])
    not UTF-8 text (invalid byte 0xff at byte offset 0)
"""

from __future__ import annotations

import sys
from pathlib import Path

from framing.errors import FramingError

MAX_BYTES = 20_000_000  # far above any article; guards against being handed a disk image


class InputError(FramingError, ValueError):
    """Input that is not a readable, non-empty UTF-8 text."""


def decode_document(data: bytes, name: str) -> str:
    """Decode ``data`` as UTF-8 text or raise :class:`InputError` naming ``name`` and the problem."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{name}: looks binary (a NUL byte at byte offset {nul}), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad = f"0x{data[e.start]:02x}"
        raise InputError(f"{name}: not UTF-8 text (invalid byte {bad} at byte offset {e.start})") from None
    if not text.strip():
        raise InputError(f"{name}: empty (no text to check)")
    return text


def read_document(path: str) -> str:
    """Read ``path`` (or ``-`` for standard input) as a UTF-8 article."""
    name = "<stdin>" if path == "-" else path
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as e:
        raise InputError(f"{name}: cannot be read ({e.strerror})") from None
    return decode_document(data, name)
