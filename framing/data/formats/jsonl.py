"""Our own JSONL (also what ``framing evaluate --data jsonl:`` reads), and its writer."""

from __future__ import annotations

import json
from pathlib import Path

from framing.data.annotated import AnnotatedDocument, Imported, Problem, SpanAnnotation, UnitLabels, _int, _json_objects


def read_jsonl(path: Path) -> Imported:
    """Our JSONL (the ``framing evaluate`` ``jsonl:`` format), one document per line; a span may carry
    ``"voice": "quoted"`` (the default is ``"writer"``)."""
    problems: list[Problem] = []
    docs = []
    for where, rec, text in _json_objects(path, ("text",), problems):
        doc = AnnotatedDocument(str(rec.get("id", where.rsplit(":", 1)[1])), text, where, has_spans="spans" in rec)
        try:
            doc.spans = [SpanAnnotation(_int(s["start"]), _int(s["end"]), str(s["label"]), "",
                                        str(s.get("voice", "writer"))) for s in rec.get("spans", [])]
            if "sentences" in rec:
                doc.units = [UnitLabels(_int(s["start"]), _int(s["end"]),
                                        {str(k): int(v) for k, v in s.get("labels", {}).items()})
                             for s in rec["sentences"]]
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            problems.append(Problem(where, "spans and sentences need integer 'start', 'end' and a 'label' or "
                                    f"'labels' ({type(e).__name__}: {e})"))
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
    with open(path, "w", encoding="utf-8") as f:
        for d in documents:
            rec: dict = {"id": d.doc_id, "text": d.text}
            if d.has_spans:
                rec["spans"] = [{"start": s.start, "end": s.end, "label": s.label}
                                | ({"voice": s.voice} if s.voice != "writer" else {}) for s in d.spans]
            if d.units is not None:
                rec["sentences"] = [{"start": u.start, "end": u.end, "labels": u.labels} for u in d.units]
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
