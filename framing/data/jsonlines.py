"""One JSON Lines reader: every line a JSON value, blank lines skipped, errors naming ``path:line``.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"; _ = p.write_text('{"a": 1}\\n\\n[2\\n')
    >>> list(read_json_lines(p))
    Traceback (most recent call last):
    ...
    framing.errors.DataError: ...a.jsonl:3: not valid JSON (Expecting ',' delimiter)
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
    collect every problem). With ``objects`` every value must be a JSON object, holding every key of ``fields``."""
    from framing import guards

    path = Path(path)
    with open(path, encoding=encoding) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                value = guards.load_json(line, where)
                if objects and not isinstance(value, dict):
                    raise DataError(f"{where}: each line must be a JSON object")
                missing = [k for k in fields if k not in value] if objects else []
                if missing:
                    raise DataError(f"{where}: missing field(s) {', '.join(missing)}")
            except (json.JSONDecodeError, DataError) as e:
                reason = f"not valid JSON ({e.msg})" if isinstance(e, json.JSONDecodeError) else \
                    str(e).removeprefix(f"{where}: ")
                if on_error is None:
                    raise error(f"{where}: {reason}") from None
                on_error(where, reason)
                continue
            yield lineno, value
