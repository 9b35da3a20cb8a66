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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from framing.data.shared_corpora import read_text
from framing.errors import FramingError


class AnnotationFormatError(FramingError, ValueError):
    """A file whose annotation format cannot be read or told apart; the message names the file."""


class SpanAnnotation(NamedTuple):
    """A labelled span ``text[start:end]``; ``where`` locates it when that is more precise than its document."""

    start: int
    end: int
    label: str
    where: str = ""


class UnitLabels(NamedTuple):
    """Sentence labels of ``text[start:end]`` (a sentence, or the whole text): ``{label: 0 or 1}``.
    Labels not listed count as 0."""

    start: int
    end: int
    labels: dict[str, int]


@dataclass
class AnnotatedDocument:
    """One annotated text. ``has_spans`` is false and ``units`` is ``None`` where the format carries
    no span annotation or no sentence labels (as opposed to none being there)."""

    doc_id: str
    text: str
    where: str
    spans: list[SpanAnnotation] = field(default_factory=list)
    units: list[UnitLabels] | None = None
    has_spans: bool = True


@dataclass(frozen=True)
class Problem:
    """Something wrong in the annotations: where (file and record or line), why, and whether it stops training."""

    where: str
    reason: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {'error' if self.fatal else 'warning'}: {self.reason}"


@dataclass
class Imported:
    """What one annotation file held: its format, documents and the problems met while reading."""

    source: str
    format: str
    documents: list[AnnotatedDocument]
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


# ---- reading helpers ---------------------------------------------------------------


def _json_lines(path: Path, problems: list[Problem]) -> Iterator[tuple[str, object]]:
    with open(path, encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                yield where, json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(Problem(where, f"not valid JSON ({e.msg})"))


def _json_objects(path: Path, text_keys: tuple[str, ...], problems: list[Problem]) -> Iterator[tuple[str, dict, str]]:
    """``(where, record, text)`` for each JSON-object line with a string text; other lines become problems."""
    for where, rec in _json_lines(path, problems):
        if not isinstance(rec, dict):
            problems.append(Problem(where, "each line must be a JSON object"))
            continue
        text = _text_of(where, rec, text_keys, problems)
        if text is not None:
            yield where, rec, text


def _int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise ValueError(f"{value!r} is not an integer offset")
    return int(value)


def _python_offset(text: str, utf16: int) -> int:
    """The ``str`` offset of UTF-16 code unit ``utf16`` (browsers count characters outside the BMP twice)."""
    units = 0
    for i, ch in enumerate(text):
        if units >= utf16:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def _text_of(where: str, rec: dict, keys: tuple[str, ...], problems: list[Problem]) -> str | None:
    for key in keys:
        if key in rec:
            if isinstance(rec[key], str):
                return rec[key]
            problems.append(Problem(where, f"'{key}' must be a string, got {type(rec[key]).__name__}"))
            return None
    problems.append(Problem(where, f"no '{keys[0]}' field"))
    return None


# ---- Label Studio ------------------------------------------------------------------


def _labelstudio_text(data: dict) -> str | None:
    if isinstance(data.get("text"), str):
        return data["text"]
    strings = [v for v in data.values() if isinstance(v, str)]
    return strings[0] if len(strings) == 1 else None


def read_labelstudio(path: Path) -> Imported:
    """A Label Studio JSON export (a list of tasks, each with ``data`` and ``annotations``).

    The first annotation that was not cancelled is used. A ``choices`` result without
    ``start``/``end`` labels the whole text; with them (per-region choices), that stretch.
    """
    problems: list[Problem] = []
    try:
        tasks = json.loads(read_text(path).lstrip("\ufeff"))
    except json.JSONDecodeError as e:
        raise AnnotationFormatError(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from None
    if not isinstance(tasks, list):
        raise AnnotationFormatError(f"{path}: a Label Studio export is a JSON list of tasks")
    docs = []
    for n, task in enumerate(tasks, 1):
        where = f"{path}: task {n}" + (f" (id {task['id']})" if isinstance(task, dict) and "id" in task else "")
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            problems.append(Problem(where, "not a task object with 'data'"))
            continue
        text = _labelstudio_text(task["data"])
        if text is None:
            problems.append(Problem(where, "data has no 'text' field (found: "
                                    f"{', '.join(sorted(task['data'])) or 'nothing'})"))
            continue
        done = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        if not done:
            problems.append(Problem(where, "no annotation (skipped)", fatal=False))
            continue
        doc = AnnotatedDocument(str(task.get("id", n)), text, where, units=[])
        doc_labels: dict[str, int] = {}
        astral = any(ord(ch) > 0xFFFF for ch in text)  # only then do UTF-16 and str offsets differ
        for k, result in enumerate(done[0].get("result") or [], 1):
            here = f"{where} result {k}"
            value = result.get("value") if isinstance(result, dict) else None
            kind = result.get("type") if isinstance(result, dict) else None
            if kind not in ("labels", "choices") or not isinstance(value, dict):
                if kind != "relation":
                    problems.append(Problem(here, f"result of type {kind!r} ignored (only 'labels' and 'choices' "
                                            "are read)", fatal=False))
                continue
            names = value.get(kind)
            if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
                problems.append(Problem(here, f"value.{kind} must be a list of label names"))
                continue
            has_range = "start" in value or "end" in value
            if kind == "choices" and not has_range:
                doc_labels.update({x: 1 for x in names})
                continue
            try:
                start, end = _int(value.get("start")), _int(value.get("end"))
            except ValueError as e:
                problems.append(Problem(here, f"start/end: {e}"))
                continue
            quoted = value.get("text")
            # Label Studio counts UTF-16 code units, as browsers do; other tools may write str offsets
            candidates = [(start, end)]
            if astral:
                candidates.insert(0, (_python_offset(text, start), _python_offset(text, end)))
            if isinstance(quoted, str):
                fitting = [(s, e) for s, e in candidates if text[s:e] == quoted]
                if not fitting:
                    problems.append(Problem(here, f"span {start}-{end}: the export says {quoted!r} but the text "
                                            f"there is {text[start:end]!r}"))
                    continue
                candidates = fitting
            start, end = candidates[0]
            if kind == "labels":
                doc.spans += [SpanAnnotation(start, end, x, here) for x in names]
            else:
                doc.units.append(UnitLabels(start, end, {x: 1 for x in names}))
        if not doc.units or doc_labels:
            doc.units.insert(0, UnitLabels(0, len(text), doc_labels))
        docs.append(doc)
    return Imported(str(path), "labelstudio", docs, problems, [path])


# ---- doccano -----------------------------------------------------------------------


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
            whole |= ({k: int(bool(v)) for k, v in cats.items()} if isinstance(cats, dict)
                      else {str(c): 1 for c in cats})
        except (KeyError, TypeError, ValueError) as e:
            problems.append(Problem(where, f"bad label entry ({e})"))
            continue
        doc.units = [UnitLabels(0, len(text), whole)]
        docs.append(doc)
    return Imported(str(path), "doccano", docs, problems, [path])


# ---- stand-off TSV -----------------------------------------------------------------


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
    for p in sorted(folder.glob("*.txt")):
        doc_id = p.stem.removeprefix("article") if p.stem.startswith("article") else p.stem
        docs[doc_id] = AnnotatedDocument(doc_id, read_text(p), str(p))
    with open(labels_file, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{labels_file}:{lineno}"
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) != 4:
                problems.append(Problem(where, f"expected 4 tab-separated fields (doc_id, label, start, end), "
                                        f"got {len(parts)}"))
                continue
            doc_id, label, start, end = parts
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

_TRUE, _FALSE = {"1", "true", "yes", "y"}, {"0", "false", "no", "n", ""}


def _sniff(path: Path) -> type[csv.Dialect]:
    """Excel's CSV dialect with the header's delimiter: the sniffer guesses quoting rules from the
    header alone, which has no quotes, and would then garble texts with doubled quotes (``""no""``)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        head = f.readline()
    try:
        delimiter = csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
    except csv.Error:
        return csv.excel
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter})


def read_csv(path: Path) -> Imported:
    """One text per row with sentence labels: a ``labels`` column (names separated by ``|``, ``;``
    or ``,``) or one column per label holding 1/0 (also true/false, yes/no; empty is 0)."""
    problems: list[Problem] = []
    docs = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, dialect=_sniff(path))
        columns = reader.fieldnames or []
        if "text" not in columns:
            raise AnnotationFormatError(f"{path}:1: no 'text' column (columns: {', '.join(columns) or 'none'})")
        label_columns = [c for c in columns if c not in ("text", "id", "labels")]
        for row in reader:
            where = f"{path}:{reader.line_num}"
            text = row["text"] or ""
            labels: dict[str, int] = {}
            if "labels" in columns:
                raw = (row["labels"] or "").replace(";", "|").replace(",", "|")
                labels |= {x.strip(): 1 for x in raw.split("|") if x.strip()}
            bad = False
            for c in label_columns:
                value = (row[c] or "").strip().lower()
                if value not in _TRUE | _FALSE:
                    problems.append(Problem(where, f"column {c!r} must be 1 or 0 (or true/false, yes/no), "
                                            f"got {row[c]!r}"))
                    bad = True
                labels[c] = int(value in _TRUE)
            if not bad:
                docs.append(AnnotatedDocument(row.get("id") or str(reader.line_num), text, where,
                                              units=[UnitLabels(0, len(text), labels)], has_spans=False))
    return Imported(str(path), "csv", docs, problems, [path])


# ---- our JSONL ---------------------------------------------------------------------


def read_jsonl(path: Path) -> Imported:
    """Our JSONL (the ``framing evaluate`` ``jsonl:`` format), one document per line."""
    problems: list[Problem] = []
    docs = []
    for where, rec, text in _json_objects(path, ("text",), problems):
        doc = AnnotatedDocument(str(rec.get("id", where.rsplit(":", 1)[1])), text, where, has_spans="spans" in rec)
        try:
            doc.spans = [SpanAnnotation(_int(s["start"]), _int(s["end"]), str(s["label"]))
                         for s in rec.get("spans", [])]
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
                rec["spans"] = [{"start": s.start, "end": s.end, "label": s.label} for s in d.spans]
            if d.units is not None:
                rec["sentences"] = [{"start": u.start, "end": u.end, "labels": u.labels} for u in d.units]
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


# ---- format detection --------------------------------------------------------------

READERS: dict[str, Callable[[str], Imported]] = {
    "labelstudio": lambda spec: read_labelstudio(Path(spec)),
    "doccano": lambda spec: read_doccano(Path(spec)),
    "standoff": read_standoff,
    "csv": lambda spec: read_csv(Path(spec)),
    "jsonl": lambda spec: read_jsonl(Path(spec)),
}


def _first_json_record(path: Path):
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                return json.loads(line)
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
    try:
        head = path.read_text(encoding="utf-8-sig")[:65536]
    except UnicodeDecodeError:
        raise AnnotationFormatError(f"{spec}: not UTF-8 text") from None
    body = head.lstrip()
    if body.startswith("["):
        try:
            tasks = json.loads(path.read_text(encoding="utf-8-sig"))
            if isinstance(tasks, list) and tasks and all(isinstance(t, dict) and "data" in t for t in tasks):
                return "labelstudio"
        except json.JSONDecodeError:
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
    try:
        return READERS[fmt or detect_format(spec)](spec)
    except UnicodeDecodeError as e:
        raise AnnotationFormatError(f"{spec}: not UTF-8 text ({e.reason} at byte {e.start})") from None
