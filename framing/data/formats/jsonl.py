"""Our own JSONL (also what ``framing evaluate --data jsonl:`` reads), and its writer."""

from __future__ import annotations

import json
from pathlib import Path

from framing.atomic import atomic_file
from framing.data.annotated import AnnotatedDocument, Imported, Problem, SpanAnnotation, UnitLabels, _json_objects


def _offset(value, where: str, what: str) -> int:
    """An offset as written: an integer, never a string, a float or a boolean (nothing is coerced)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: {what} must be an integer offset, got {type(value).__name__} {value!r:.40}")
    return value


def _records(rec: dict, key: str) -> list[dict]:
    items = rec.get(key, [])
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise ValueError(f"'{key}' must be a list of objects with 'start' and 'end'")
    return items


def _spans(rec: dict) -> list[SpanAnnotation]:
    out = []
    for k, sp in enumerate(_records(rec, "spans")):
        here = f"spans[{k}]"
        if not isinstance(sp.get("label"), str):
            raise ValueError(f"{here}: needs a 'label' (a string)")
        out.append(SpanAnnotation(_offset(sp.get("start"), here, "'start'"), _offset(sp.get("end"), here, "'end'"),
                                  sp["label"], "", str(sp.get("voice", "writer"))))
    return out


def _units(rec: dict) -> list[UnitLabels]:
    out = []
    for k, st in enumerate(_records(rec, "sentences")):
        here = f"sentences[{k}]"
        labels = st.get("labels", {})
        start, end = _offset(st.get("start"), here, "'start'"), _offset(st.get("end"), here, "'end'")
        if not isinstance(labels, dict):
            raise ValueError(f"{here}: 'labels' must be an object of label: 0 or 1, such as "
                             f'{{"BIASED": 1}}, got {type(labels).__name__}')
        for name, value in labels.items():
            if isinstance(value, bool) or value not in (0, 1):
                raise ValueError(f"{here}: label {name!r} must be 0 or 1, got {value!r:.40}")
        out.append(UnitLabels(start, end, {str(n): int(v) for n, v in labels.items()}))
    return out


def read_jsonl(path: Path) -> Imported:
    """Our JSONL (the ``framing evaluate`` ``jsonl:`` format), one document per line; a span may carry
    ``"voice": "quoted"`` (the default is ``"writer"``). Offsets must be integers and sentence label
    values 0 or 1: nothing is coerced."""
    problems: list[Problem] = []
    docs = []
    for where, rec, text in _json_objects(path, ("text",), problems):
        doc = AnnotatedDocument(str(rec.get("id", where.rsplit(":", 1)[1])), text, where, has_spans="spans" in rec)
        try:
            doc.spans = _spans(rec)
            if "sentences" in rec:
                doc.units = _units(rec)
        except ValueError as e:
            problems.append(Problem(where, str(e)))
            continue
        docs.append(doc)
    return Imported(str(path), "jsonl", docs, problems, [path])


def write_jsonl(documents: list[AnnotatedDocument], path: str | Path) -> None:
    """Write documents in our JSONL (readable by :func:`read_jsonl` and ``framing evaluate --data jsonl:``).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.jsonl"
        >>> write_jsonl([AnnotatedDocument("a", "It fell.", "x", [SpanAnnotation(3, 7, "DROP")])], p)
        >>> [(d.doc_id, d.spans[0][:3]) for d in read_jsonl(p).documents]
        [('a', (3, 7, 'DROP'))]
    """
    with atomic_file(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        for d in documents:
            rec: dict = {"id": d.doc_id, "text": d.text}
            if d.has_spans:
                rec["spans"] = [{"start": s.start, "end": s.end, "label": s.label}
                                | ({"voice": s.voice} if s.voice != "writer" else {}) for s in d.spans]
            if d.units is not None:
                rec["sentences"] = [{"start": u.start, "end": u.end, "labels": u.labels} for u in d.units]
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
