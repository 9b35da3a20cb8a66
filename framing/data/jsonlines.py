"""One JSON Lines reader: every line a JSON value, blank lines skipped, errors naming ``path:line``.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"; _ = p.write_text('{"a": 1}\\n\\n[2\\n')
    >>> list(read_json_lines(p))
    Traceback (most recent call last):
    ...
    framing.errors.DataError: ...a.jsonl:3: not valid JSON (Expecting ',' delimiter at column 3)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from framing.errors import DataError, FramingError


def read_json_lines(path: str | Path, error: type[FramingError] = DataError, objects: bool = False,
                    on_error: Callable[[str, str], None] | None = None,
                    encoding: str = "utf-8", fields: Sequence[str] = ()) -> Iterator[tuple[int, object]]:
    """``(line number, value)`` for every non-blank line of ``path``; a bad line raises ``error`` with
    ``path:line``, or, with ``on_error``, is reported as ``on_error(where, reason)`` and skipped (importers
    collect every problem). With ``objects`` every value must be a JSON object, holding every key of
    ``fields``. The file must be UTF-8
    (``encoding="utf-8-sig"`` also skips a byte-order mark); a line that is not says so in the words of
    :func:`framing.guards.text_problem`."""
    from framing import guards

    path = Path(path)
    offset = 0
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            where = f"{path}:{lineno}"
            start, offset = offset, offset + len(raw)
            if lineno == 1 and encoding == "utf-8-sig" and raw.startswith(b"\xef\xbb\xbf"):
                raw, start = raw[3:], 3
            problem = guards.text_problem(raw, start)  # the same words as every entry point's, file offsets
            if problem is None and guards.is_blank(raw):
                continue
            try:
                if problem is not None:
                    raise DataError(f"{where}: {problem}")
                value = guards.load_json(raw.rstrip(b"\r\n").decode("utf-8"), where)  # errors keep their column
                if objects and not isinstance(value, dict):
                    raise DataError(f"{where}: each line must be a JSON object")
                missing = [k for k in fields if k not in value] if objects else []
                if missing:
                    raise DataError(f"{where}: missing field(s) {', '.join(missing)}")
            except (json.JSONDecodeError, DataError) as e:
                # json's own message may end in "at" (its position follows): the column is said once
                reason = f"not valid JSON ({e.msg.removesuffix(' at')} at column {e.colno})" \
                    if isinstance(e, json.JSONDecodeError) else str(e).removeprefix(f"{where}: ")
                if on_error is None:
                    raise error(f"{where}: {reason}") from None
                on_error(where, reason)
                continue
            yield lineno, value
