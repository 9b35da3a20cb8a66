"""doccano JSONL: ``{"text", "label": [[start, end, "LABEL"], ...]}``, ``entities`` or ``cats``."""

from __future__ import annotations

from pathlib import Path

from framing.data.annotated import AnnotatedDocument, Imported, Problem, SpanAnnotation, UnitLabels, _int, _json_objects


def read_doccano(path: Path) -> Imported:
    """doccano JSONL: sequence labels as ``label: [[start, end, "LABEL"]]`` or ``entities`` with
    ``start_offset``/``end_offset``; text labels as ``label: ["A"]`` or ``cats``."""
    problems: list[Problem] = []
    docs = []
    for where, rec, text in _json_objects(path, ("text", "data"), problems):
        doc = AnnotatedDocument(str(rec.get("id", where.rsplit(":", 1)[1])), text, where)
        whole: dict[str, int] = {}
        raw = rec.get("label", rec.get("labels", []))
        try:
            for item in raw:
                if isinstance(item, str):
                    whole[item] = 1
                elif isinstance(item, list) and len(item) == 3 and isinstance(item[2], str):
                    doc.spans.append(SpanAnnotation(_int(item[0]), _int(item[1]), item[2]))
                else:
                    raise ValueError(f"{item!r} is neither [start, end, \"LABEL\"] nor a label name")
            for ent in rec.get("entities", []):
                doc.spans.append(SpanAnnotation(_int(ent["start_offset"]), _int(ent["end_offset"]), str(ent["label"])))
            cats = rec.get("cats", [])
            if isinstance(cats, dict):
                for k, v in cats.items():  # 0/1, true/false or a probability; never a string such as "no"
                    if isinstance(v, str) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                        raise ValueError(f"cats[{k!r}] must be 0 or 1 (or true/false), got {v!r:.40}")
                whole |= {k: int(v >= 0.5) for k, v in cats.items()}
            else:
                whole |= {str(c): 1 for c in cats}
        except (KeyError, TypeError, ValueError) as e:
            problems.append(Problem(where, f"bad label entry ({e})"))
            continue
        doc.units = [UnitLabels(0, len(text), whole)]
        docs.append(doc)
    return Imported(str(path), "doccano", docs, problems, [path])


# ---- stand-off TSV -----------------------------------------------------------------
