"""PTC-style stand-off TSV (``doc_id<TAB>label<TAB>start<TAB>end``) beside a folder of texts."""

from __future__ import annotations

from pathlib import Path

from framing.data.annotated import AnnotatedDocument, AnnotationFormatError, Imported, Problem, SpanAnnotation
from framing.guards import text_problem


def _standoff_paths(spec: str) -> tuple[Path, Path]:
    if "," in spec:
        folder, labels = spec.split(",", 1)
        return Path(folder), Path(labels)
    return Path(spec).parent, Path(spec)


def read_standoff(spec: str) -> Imported:
    """PTC-style stand-off labels (``doc_id label start end``, tab-separated) and a folder of texts
    named ``article<ID>.txt`` or ``<ID>.txt``; texts without labels are documents with no spans."""
    folder, labels_file = _standoff_paths(spec)
    if not folder.is_dir():
        raise AnnotationFormatError(f"{folder}: not a folder of texts (write TEXTS_DIR,LABELS.tsv)")
    problems: list[Problem] = []
    docs: dict[str, AnnotatedDocument] = {}
    unreadable = set()
    for p in sorted(folder.glob("*.txt")):
        doc_id = p.stem.removeprefix("article") if p.stem.startswith("article") else p.stem
        data = p.read_bytes()  # decoded whole: no newline translation, the BOM kept (PTC's offsets count it)
        problem = text_problem(data)
        if problem is not None:
            problems.append(Problem(str(p), problem))
            unreadable.add(doc_id)
            continue
        docs[doc_id] = AnnotatedDocument(doc_id, data.decode("utf-8"), str(p))
    with open(labels_file, encoding="utf-8-sig") as f:  # read_annotations has checked that it is UTF-8
        for lineno, line in enumerate(f, 1):
            where = f"{labels_file}:{lineno}"
            if not line.strip():
                continue
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) != 4:
                problems.append(Problem(where, f"expected 4 tab-separated fields (doc_id, label, start, end), "
                                        f"got {len(parts)}"))
                continue
            doc_id, label, start, end = parts
            if doc_id in unreadable:  # its text file is reported already
                continue
            if doc_id not in docs:
                problems.append(Problem(where, f"document {doc_id!r} has labels but no article{doc_id}.txt or "
                                        f"{doc_id}.txt in {folder}"))
                continue
            try:
                docs[doc_id].spans.append(SpanAnnotation(int(start), int(end), label, where))
            except ValueError:
                problems.append(Problem(where, f"start and end must be integers, got {start!r}, {end!r}"))
    return Imported(spec, "standoff", list(docs.values()), problems, [folder, labels_file])


# ---- CSV ---------------------------------------------------------------------------
