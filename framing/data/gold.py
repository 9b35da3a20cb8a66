"""Annotated evaluation data in the formats researchers have, read into one shape: :class:`GoldDocument`.

A data SPEC is ``FORMAT:PATH`` (two paths, comma-separated, where a format needs a text folder and
a label file). The format is always named, never guessed:

=============  ==========================================================================
``ptc``        ``ptc:ARTICLES_DIR,LABELS.tsv``: PTC / SemEval-2020 Task 11 articles and technique spans
``semeval2023`` ``semeval2023:ARTICLES_DIR,SPANS.tsv``: SemEval-2023 Task 3 subtask-3 spans
``babe``       ``babe:FILE.csv``: BABE (``;``-separated, ``text`` and ``label_bias``)
``mbic``       ``mbic:FILE.csv``: MBIC (``,``-separated, ``text`` and ``label_bias``)
``jsonl``      ``jsonl:FILE.jsonl``: our own format, see :func:`read_jsonl`
``quotes``     ``quotes:FILE.jsonl``: the quotation-mark corpus of ``data/quotes``
``framing``    ``framing:FILE.jsonl``: the news framing corpus of ``data/framing`` (voiced spans, whole articles)
=============  ==========================================================================

Example:
    >>> parse_spec("babe:../shared/data/babe/final_labels_SG2.csv")
    ('babe', [PosixPath('../shared/data/babe/final_labels_SG2.csv')])
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from framing.data.shared_corpora import read_article_folder, read_span_tsv
from framing.errors import FramingError
from framing.labels import PTC_TECHNIQUES, SEMEVAL2023_TECHNIQUES, LabelSet


class GoldDataError(FramingError, ValueError):
    """Evaluation data that cannot be used; the message names the file, line and problem."""


@dataclass
class GoldDocument:
    """One annotated document. ``None`` means "not annotated for this", not "nothing there".

    ``spans`` are ``(start, end, label)`` in the model's label names; ``propaganda`` the
    technique-agnostic spans of the SemEval-2020 span-identification task; ``sentences`` given
    sentence boundaries with ``sentence_labels`` (one ``{label: 0 or 1}`` per sentence);
    ``quotes`` the quotation marks as ``(open mark offset, class)``; ``group`` the unit that
    bootstrap resampling draws (the article for a corpus of sentences).
    """

    doc_id: str
    text: str
    group: str
    spans: list[tuple[int, int, str]] | None = None
    propaganda: list[tuple[int, int]] | None = None
    sentences: list[tuple[int, int]] | None = None
    sentence_labels: list[dict[str, int]] | None = None
    quotes: list[tuple[int, str]] | None = None
    span_voices: list[str] | None = None  # "writer" or "quoted" for each of ``spans``, where annotated
    genre: str = "unknown"


@dataclass
class GoldSet:
    """The documents read from one SPEC, with the sha256 of every file read."""

    spec: str
    format: str
    documents: list[GoldDocument]
    file_hashes: dict[str, str] = field(default_factory=dict)
    excluded: int = 0  # documents the model trained or tuned on, left out


def parse_spec(spec: str) -> tuple[str, list[Path]]:
    """``FORMAT:PATH[,PATH]`` -> ``(format, paths)``; checks the format name and that the paths exist."""
    fmt, sep, rest = spec.partition(":")
    if not sep or fmt not in READERS:
        raise GoldDataError(f"{spec}: unknown data format {fmt!r}; write FORMAT:PATH with FORMAT one of "
                            f"{', '.join(READERS)}")
    paths = [Path(p) for p in rest.split(",")] if rest else []
    want = 2 if fmt in ("ptc", "semeval2023") else 1
    if len(paths) != want:
        shape = "ARTICLES_DIR,LABELS.tsv" if want == 2 else "FILE"
        raise GoldDataError(f"{spec}: format {fmt!r} takes {fmt}:{shape}")
    for p in paths:
        if not p.exists():
            raise GoldDataError(f"{p}: file not found")
    return fmt, paths


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    for f in files:
        if f.is_file():
            h.update(f.read_bytes())
    return h.hexdigest()


def _check_span(where: str, doc_id: str, text: str, start: int, end: int) -> None:
    if not 0 <= start < end <= len(text):
        raise GoldDataError(f"{where}: span {start}-{end} is out of range for document {doc_id!r} "
                            f"({len(text)} characters)")


def _check_label(where: str, label: str, known: set[str]) -> None:
    if label not in known:
        raise GoldDataError(f"{where}: label {label!r} is not one of the model's labels ({', '.join(sorted(known))})")


def _read_technique_spans(paths: list[Path], mapping: dict[str, str], labelset: LabelSet) -> list[GoldDocument]:
    folder, labels_file = paths
    try:
        by_doc = read_span_tsv(labels_file)
    except ValueError as e:
        raise GoldDataError(str(e)) from None
    texts = dict(read_article_folder(folder))
    for doc_id in by_doc:
        if doc_id not in texts:
            raise GoldDataError(f"{labels_file}: article {doc_id!r} has labels but no article{doc_id}.txt in {folder}")
    line = {}  # first line of each article's labels, for error messages
    with open(labels_file, encoding="utf-8") as f:
        for lineno, row in enumerate(f, 1):
            line.setdefault(row.split("\t", 1)[0], lineno)
    docs = []
    for doc_id, text in texts.items():
        spans = by_doc.get(doc_id, [])
        for technique, s, e in spans:
            _check_span(f"{labels_file}:{line[doc_id]}", doc_id, text, s, e)
        docs.append(GoldDocument(
            doc_id, text, doc_id,
            spans=[(s, e, mapping[t]) for t, s, e in spans if mapping.get(t) in labelset.span_labels],
            propaganda=[(s, e) for _, s, e in spans]))
    return docs


def read_ptc(paths: list[Path], labelset: LabelSet) -> list[GoldDocument]:
    """PTC articles with their technique spans; techniques outside the model's labels count only
    towards technique-agnostic span identification."""
    return _read_technique_spans(paths, PTC_TECHNIQUES, labelset)


def read_semeval2023(paths: list[Path], labelset: LabelSet) -> list[GoldDocument]:
    """SemEval-2023 Task 3 subtask-3 articles and spans (same TSV layout as PTC, 2023 technique names)."""
    return _read_technique_spans(paths, SEMEVAL2023_TECHNIQUES, labelset)


def _read_sentence_csv(path: Path, delimiter: str, labelset: LabelSet) -> list[GoldDocument]:
    name = labelset.sentence_labels[0] if labelset.sentence_labels else None
    if name is None:
        raise GoldDataError(f"{path}: the model has no sentence label to compare with label_bias")
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=delimiter)
        missing = {"text", "label_bias"} - set(reader.fieldnames or [])
        if missing:
            raise GoldDataError(f"{path}:1: missing column(s) {', '.join(sorted(missing))}")
        docs = []
        for row in reader:
            where = f"{path}:{reader.line_num}"
            value = row["label_bias"]
            if value == "No agreement":  # BABE/MBIC rows the annotators could not settle
                continue
            if value not in ("Biased", "Non-biased"):
                raise GoldDataError(f"{where}: label_bias must be 'Biased', 'Non-biased' or 'No agreement', "
                                    f"got {value!r}")
            text = row["text"] or ""
            if not text.strip():
                raise GoldDataError(f"{where}: empty text")
            docs.append(GoldDocument(str(reader.line_num), text, row.get("news_link") or text,
                                     sentences=[(0, len(text))],
                                     sentence_labels=[{name: int(value == "Biased")}]))
    return docs


def read_babe(paths: list[Path], labelset: LabelSet) -> list[GoldDocument]:
    """BABE sentences (one document each, resampled by article link) with ``label_bias``."""
    return _read_sentence_csv(paths[0], ";", labelset)


def read_mbic(paths: list[Path], labelset: LabelSet) -> list[GoldDocument]:
    """MBIC sentences with ``label_bias`` (comma-separated, otherwise like BABE)."""
    return _read_sentence_csv(paths[0], ",", labelset)


def _json_lines(path: Path):
    from framing import guards

    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield lineno, guards.load_json(line, f"{path}:{lineno}")
                except json.JSONDecodeError as e:
                    raise GoldDataError(f"{path}:{lineno}: not valid JSON ({e.msg})") from None
                except guards.DataError as e:
                    raise GoldDataError(str(e)) from None


def _strict_offset(value, where: str, what: str) -> int:
    """An offset as written: an integer, never a string, a float or a boolean (those are not coerced)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise GoldDataError(f"{where}: {what} must be an integer offset, got {type(value).__name__} {value!r:.40}")
    return value


def _records(rec: dict, key: str, where: str) -> list[dict]:
    items = rec.get(key, [])
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise GoldDataError(f"{where}: '{key}' must be a list of objects with 'start' and 'end'")
    return items


def read_jsonl(paths: list[Path], labelset: LabelSet) -> list[GoldDocument]:
    """Our own JSONL, one document per line::

        {"id": "a1", "text": "...", "spans": [{"start": 0, "end": 5, "label": "LOADED_LANGUAGE", "voice": "writer"}],
         "sentences": [{"start": 0, "end": 40, "labels": {"BIASED": 1}}]}

    ``spans`` and ``sentences`` are optional; a document without ``spans`` is not used for span metrics.
    A span's ``voice`` (``writer``, the default, or ``quoted``) is used by the phrase-level figures.
    Offsets must be integers and sentence label values 0 or 1: nothing is coerced.
    """
    path = paths[0]
    known_spans, known_sent = set(labelset.span_labels), set(labelset.sentence_labels)
    docs = []
    for lineno, rec in _json_lines(path):
        where = f"{path}:{lineno}"
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            raise GoldDataError(f"{where}: each line must be an object with a string 'text'")
        text, doc_id = rec["text"], str(rec.get("id", lineno))
        doc = GoldDocument(doc_id, text, doc_id)
        if "spans" in rec:
            spans = _records(rec, "spans", where)
            doc.spans, doc.span_voices = [], []
            for k, sp in enumerate(spans):
                here = f"{where}: spans[{k}]"
                if not isinstance(sp.get("label"), str):
                    raise GoldDataError(f"{here}: needs a 'label' (a string)")
                doc.spans.append((_strict_offset(sp.get("start"), here, "'start'"),
                                  _strict_offset(sp.get("end"), here, "'end'"), sp["label"]))
                doc.span_voices.append(str(sp.get("voice", "writer")))
        if "sentences" in rec:
            doc.sentences, doc.sentence_labels = [], []
            for k, st in enumerate(_records(rec, "sentences", where)):
                here = f"{where}: sentences[{k}]"
                doc.sentences.append((_strict_offset(st.get("start"), here, "'start'"),
                                      _strict_offset(st.get("end"), here, "'end'")))
                labels = st.get("labels", {})
                if not isinstance(labels, dict):
                    raise GoldDataError(f"{here}: 'labels' must be an object of label: 0 or 1, such as "
                                        f'{{"{labelset.sentence_labels[0] if labelset.sentence_labels else "BIASED"}"'
                                        f": 1}}, got {type(labels).__name__}")
                for name, value in labels.items():
                    if isinstance(value, bool) or value not in (0, 1):
                        raise GoldDataError(f"{here}: label {name!r} must be 0 or 1, got {value!r:.40}")
                doc.sentence_labels.append({str(k2): int(v) for k2, v in labels.items()})
        for (s, e, label), voice in zip(doc.spans or [], doc.span_voices or []):
            _check_span(where, doc_id, text, s, e)
            _check_label(where, label, known_spans)
            if voice not in ("writer", "quoted"):
                raise GoldDataError(f"{where}: span {s}-{e}: voice must be 'writer' or 'quoted', not {voice!r}")
        for (s, e), labels in zip(doc.sentences or [], doc.sentence_labels or []):
            _check_span(where, doc_id, text, s, e)
            for label in labels:
                _check_label(where, label, known_sent)
        docs.append(doc)
    return docs


def read_quotes(paths: list[Path], labelset: LabelSet) -> list[GoldDocument]:
    """The quotation-mark corpus (``data/quotes/quotes.jsonl``): one document per source article."""
    from framing.data.quote_corpus import load_quote_corpus

    if labelset.quote_label is None:
        raise GoldDataError(f"{paths[0]}: the model has no quotation-mark label to evaluate")
    try:
        records = load_quote_corpus(paths[0])
    except ValueError as e:
        raise GoldDataError(str(e)) from None
    by_doc: dict[tuple[str, str], GoldDocument] = {}
    for r in records:
        key = (r.corpus, r.doc_id)
        doc = by_doc.setdefault(key, GoldDocument(f"{r.corpus}:{r.doc_id}", r.text, f"{r.corpus}:{r.doc_id}",
                                                  quotes=[]))
        doc.quotes.append((r.start, r.label))
    return list(by_doc.values())


def read_framing(paths: list[Path], labelset: LabelSet) -> list[GoldDocument]:
    """The news framing corpus (``data/framing/dev.jsonl``): whole articles, spans with their voice."""
    from framing.data.framing_corpus import load_framing_corpus

    try:
        records = load_framing_corpus(*paths)
    except ValueError as e:
        raise GoldDataError(str(e)) from None
    return [GoldDocument(d.id, d.text, d.id, spans=[(s.start, s.end, s.label) for s in d.spans],
                         span_voices=[s.voice for s in d.spans], genre=d.genre) for d in records]


READERS: dict[str, Callable[[list[Path], LabelSet], list[GoldDocument]]] = {
    "ptc": read_ptc,
    "semeval2023": read_semeval2023,
    "babe": read_babe,
    "mbic": read_mbic,
    "jsonl": read_jsonl,
    "quotes": read_quotes,
    "framing": read_framing,
}


def load_gold(spec: str, labelset: LabelSet) -> GoldSet:
    """Read one SPEC for a model with ``labelset``; a :class:`GoldDataError` names any problem.

    Example:
        >>> from framing.labels import DEFAULT_LABELSET
        >>> load_gold("csv:x.csv", DEFAULT_LABELSET)
        Traceback (most recent call last):
        ...
        framing.data.gold.GoldDataError: csv:x.csv: unknown data format 'csv'; write FORMAT:PATH with FORMAT one of \
ptc, semeval2023, babe, mbic, jsonl, quotes, framing
    """
    fmt, paths = parse_spec(spec)
    docs = READERS[fmt](paths, labelset)
    if not docs:
        raise GoldDataError(f"{spec}: no documents")
    return GoldSet(spec, fmt, docs, {str(p): _sha256(p) for p in paths})


def fingerprint(text: str) -> str:
    """A short hash of a text's letters and digits, lower-cased, so that the same article laid out
    differently (PTC and SemEval-2023 versions) has the same fingerprint.

    Example:
        >>> fingerprint("The  “regime”\\nfell.") == fingerprint('the "regime" fell.')
        True
    """
    return hashlib.sha256(re.sub(r"[\W_]+", "", text.lower()).encode("utf-8")).hexdigest()[:16]
