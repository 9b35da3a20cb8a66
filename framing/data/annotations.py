"""Read annotations exported by annotation tools into one shape, :class:`AnnotatedDocument`.

Formats (``--format`` names; detected from the file when not given):

==============  =============================================================================
``labelstudio`` Label Studio JSON export: span ``labels`` results and ``choices`` (a choice with
                ``start``/``end`` labels that stretch, one without labels the whole text)
``doccano``     doccano JSONL: ``{"text", "label": [[start, end, "LABEL"], ...]}`` (or ``entities``);
                ``"label": ["A", "B"]`` or ``cats`` for labels of the whole text
``standoff``    PTC-style stand-off TSV ``doc_id<TAB>label<TAB>start<TAB>end`` with a folder of
                ``article<ID>.txt`` or ``<ID>.txt`` texts: ``TEXTS_DIR,LABELS.tsv`` (or just
                ``LABELS.tsv`` with the texts beside it)
``csv``         one text per row: a ``text`` column, optional ``id``, and either a ``labels`` column
                (names separated by ``|``, ``;`` or ``,``) or one 0/1 column per sentence label
``jsonl``       ours (also what ``framing evaluate --data jsonl:`` reads): ``{"id", "text", "spans":
                [{"start", "end", "label"}], "sentences": [{"start", "end", "labels": {"L": 1}}]}``
==============  =============================================================================

Importers never stop at the first bad record: each problem is collected with its file and
record or line, and :mod:`framing.data.validation` decides what is fatal. Offsets are Python ``str``
offsets, end exclusive (Label Studio's UTF-16 offsets are converted when the text needs it).

Example:
    >>> import json, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_text(json.dumps({"text": "It reportedly fell.", "label": [[3, 13, "HEDGE"]]}) + "\\n")
    >>> got = read_annotations(str(p))
    >>> got.format, [(d.text[s.start:s.end], s.label) for d in got.documents for s in d.spans]
    ('doccano', [('reportedly', 'HEDGE')])
"""


from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from framing.data import documents
from framing.data.annotated import (
    AnnotatedDocument,
    AnnotationFormatError,
    Imported,
    Problem,
    SpanAnnotation,
)
from framing.data.formats.csv_table import _sniff, read_csv
from framing.data.formats.doccano import read_doccano
from framing.data.formats.jsonl import read_jsonl, write_jsonl  # noqa: F401
from framing.data.formats.labelstudio import read_labelstudio
from framing.data.formats.standoff import _standoff_paths, read_standoff
from framing.errors import DataError
from framing.guards import check_chars, is_blank, load_json, read_text_file

# An annotation file is read whole, so it is capped before it is decoded; the largest file of the shared
# corpora is under 20 MB.
MAX_FILE_BYTES = 100_000_000

# ---- format detection --------------------------------------------------------------

READERS: dict[str, Callable[[str], Imported]] = {
    "labelstudio": lambda spec: read_labelstudio(Path(spec)),
    "doccano": lambda spec: read_doccano(Path(spec)),
    "standoff": read_standoff,
    "csv": lambda spec: read_csv(Path(spec)),
    "jsonl": lambda spec: read_jsonl(Path(spec)),
}


def _utf8_file(path: Path) -> str:
    """The text of an annotation file, or a one-line error: too large, not UTF-8
    (:func:`framing.guards.read_text_file`) or empty."""
    try:
        text = read_text_file(path, MAX_FILE_BYTES, strip_bom=True)
    except DataError as e:
        raise AnnotationFormatError(str(e)) from None
    if is_blank(text):
        raise AnnotationFormatError(f"{path}: empty (no annotations)")
    return text


def _first_json_record(path: Path):
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                try:
                    return load_json(line, str(path))
                except DataError:
                    return None
    return None


def detect_format(spec: str) -> str:
    """The annotation format of ``spec``, judged from its content; the error lists every format tried.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"; _ = p.write_text("id,text,UNVERIFIED\\n1,Hi,0\\n")
        >>> detect_format(str(p))
        'csv'
    """
    if "," in spec and Path(spec.split(",", 1)[0]).is_dir():
        return "standoff"
    path = Path(spec)
    tried = []
    head = _utf8_file(path)[:65536]
    body = head.lstrip()
    if body.startswith("["):
        try:
            tasks = load_json(path.read_text(encoding="utf-8-sig"), spec)
            if isinstance(tasks, list) and tasks and all(isinstance(t, dict) and "data" in t for t in tasks):
                return "labelstudio"
        except (json.JSONDecodeError, DataError):
            pass
    tried.append("labelstudio (not a JSON list of tasks with 'data')")
    record = None
    if body.startswith("{"):
        try:
            record = _first_json_record(path)
        except json.JSONDecodeError:
            pass
    if isinstance(record, dict) and any(k in record for k in ("label", "entities", "cats")):
        return "doccano"
    tried.append("doccano (first line is not a JSON object with 'label', 'entities' or 'cats')")
    first = body.split("\n", 1)[0].rstrip("\r").split("\t")
    if len(first) == 4 and all(x.strip().lstrip("-").isdigit() for x in first[2:]):
        return "standoff"
    tried.append("standoff (first line is not doc_id<TAB>label<TAB>start<TAB>end)")
    if not body.startswith(("{", "[")):
        dialect = _sniff(path)
        header = next(csv.reader([head.split("\n", 1)[0]], dialect=dialect), [])
        if "text" in [h.strip() for h in header]:
            return "csv"
    tried.append("csv (no 'text' column in the header)")
    if isinstance(record, dict) and isinstance(record.get("text"), str):
        return "jsonl"
    tried.append("jsonl (first line is not a JSON object with a string 'text')")
    raise AnnotationFormatError(f"{spec}: cannot tell the annotation format; tried {'; '.join(tried)}. "
                                f"Name it with --format ({', '.join(READERS)})")


def read_annotations(spec: str, fmt: str | None = None) -> Imported:
    """Read one annotation file (``TEXTS_DIR,LABELS.tsv`` for stand-off) in ``fmt``, or the detected format."""
    paths = list(_standoff_paths(spec)) if "," in spec else [Path(spec)]
    for p in paths:
        if not p.exists():
            raise AnnotationFormatError(f"{p}: no such file")
    if paths[-1].is_dir():
        raise AnnotationFormatError(f"{spec}: is a folder; for stand-off labels write TEXTS_DIR,LABELS.tsv")
    if fmt is not None and fmt not in READERS:
        raise AnnotationFormatError(f"unknown annotation format {fmt!r}; expected one of {', '.join(READERS)}")
    _utf8_file(paths[-1])  # the labels or export file; stand-off texts are checked one by one
    imported = READERS[fmt or detect_format(spec)](spec)
    kept = []
    for doc in imported.documents:
        try:  # the character cap of every entry point, and text that UTF-8 can hold
            check_chars(doc.text, documents.MAX_CHARS, doc.where)
        except DataError as e:
            imported.problems.append(Problem(doc.where, str(e).removeprefix(f"{doc.where}: ")))
            continue
        imported.problems += drop_repeated_spans(doc)
        kept.append(doc)
    imported.documents = kept
    return imported


def drop_repeated_spans(doc: AnnotatedDocument) -> list[Problem]:
    """Keep one of each identical span (same offsets, label and voice) in ``doc``, so that a span exported
    twice is counted and trained once; returns a warning per repeated span.

    Example:
        >>> doc = AnnotatedDocument("a", "It reportedly fell.", "a.json: task 1",
        ...                         [SpanAnnotation(3, 13, "HEDGE"), SpanAnnotation(3, 13, "HEDGE")])
        >>> [str(p) for p in drop_repeated_spans(doc)], len(doc.spans)
        (["a.json: task 1: warning: span 3-13 'reportedly' HEDGE is listed 2 times; counted once"], 1)
    """
    kept: dict[tuple, SpanAnnotation] = {}
    times: dict[tuple, int] = {}
    for span in doc.spans:
        key = (span.start, span.end, span.label, span.voice)
        kept.setdefault(key, span)
        times[key] = times.get(key, 0) + 1
    doc.spans = list(kept.values())
    return [Problem(kept[k].where or doc.where, f"span {k[0]}-{k[1]} {doc.text[k[0]:k[1]]!r} {k[2]} is listed "
                    f"{n} times; counted once", fatal=False) for k, n in times.items() if n > 1]

