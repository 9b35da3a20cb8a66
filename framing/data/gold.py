"""Annotated evaluation data in the formats researchers have, read into the one annotated-document type,
:class:`~framing.data.annotated.AnnotatedDocument` (the type training reads too).

A data SPEC is ``FORMAT:PATH`` (two paths, comma-separated, where a format needs a text folder and
a label file). The format is always named, never guessed. ``SPEC+SPEC`` pools several into one data set,
e.g. the news dev split and the scare-quote dev extension, so that one figure counts both:

=============  ==========================================================================
``ptc``        ``ptc:ARTICLES_DIR,LABELS.tsv``: PTC / SemEval-2020 Task 11 articles and technique spans
``semeval2023`` ``semeval2023:ARTICLES_DIR,SPANS.tsv``: SemEval-2023 Task 3 subtask-3 spans
``babe``       ``babe:FILE.csv``: BABE (``;``-separated, ``text`` and ``label_bias``)
``mbic``       ``mbic:FILE.csv``: MBIC (``,``-separated, ``text`` and ``label_bias``)
``jsonl``      ``jsonl:FILE.jsonl``: our own format (:mod:`framing.data.formats.jsonl`)
``labelstudio`` ``doccano`` ``standoff`` ``csv``: ``framing train``'s other annotation formats, same importers
``quotes``     ``quotes:FILE.jsonl``: the quotation-mark corpus of ``data/quotes``
``framing``    ``framing:FILE.jsonl``: the news framing corpus of ``data/framing`` (voiced spans, whole articles)
=============  ==========================================================================

Example:
    >>> import tempfile, pathlib
    >>> babe = pathlib.Path(tempfile.mkdtemp()) / "final_labels_SG2.csv"; _ = babe.write_text("text;label_bias")
    >>> parse_spec(f"babe:{babe}") == ("babe", [babe])
    True
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from framing.data.annotated import AnnotatedDocument, SpanAnnotation, UnitLabels
from framing.data.shared_corpora import read_article_folder, read_span_tsv
from framing.errors import FramingError
from framing.guards import read_text_file
from framing.labels import PTC_TECHNIQUES, SCARE_CLASS, SEMEVAL2023_TECHNIQUES, LabelSet


class GoldDataError(FramingError, ValueError):
    """Evaluation data that cannot be used; the message names the file, line and problem."""


@dataclass
class GoldSet:
    """The documents read from one SPEC, with the sha256 of every file read."""

    spec: str
    format: str
    documents: list[AnnotatedDocument]
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
    if fmt == "standoff":  # TEXTS_DIR,LABELS.tsv or LABELS.tsv with the texts beside it
        want = len(paths) if len(paths) in (1, 2) else 2
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


def _read_technique_spans(paths: list[Path], mapping: dict[str, str], labelset: LabelSet
                          ) -> list[AnnotatedDocument]:
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
    for lineno, row in enumerate(read_text_file(labels_file).splitlines(), 1):
        line.setdefault(row.split("\t", 1)[0], lineno)
    docs = []
    for doc_id, text in texts.items():
        spans = by_doc.get(doc_id, [])
        where = f"{labels_file}:{line[doc_id]}" if doc_id in line else str(folder / f"article{doc_id}.txt")
        for s, e, _ in spans:
            _check_span(where, doc_id, text, s, e)
        docs.append(AnnotatedDocument(
            doc_id, text, where, voiced=False,
            spans=[SpanAnnotation(s, e, mapping[t]) for s, e, t in spans if mapping.get(t) in labelset.span_labels],
            propaganda=[(s, e) for s, e, _ in spans]))
    return docs


def read_ptc(paths: list[Path], labelset: LabelSet) -> list[AnnotatedDocument]:
    """PTC articles with their technique spans; techniques outside the model's labels count only
    towards technique-agnostic span identification."""
    return _read_technique_spans(paths, PTC_TECHNIQUES, labelset)


def read_semeval2023(paths: list[Path], labelset: LabelSet) -> list[AnnotatedDocument]:
    """SemEval-2023 Task 3 subtask-3 articles and spans (same TSV layout as PTC, 2023 technique names)."""
    return _read_technique_spans(paths, SEMEVAL2023_TECHNIQUES, labelset)


def _read_sentence_csv(path: Path, delimiter: str, labelset: LabelSet) -> list[AnnotatedDocument]:
    name = labelset.bias_label
    if name is None:
        raise GoldDataError(f"{path}: the model has no sentence label to compare with label_bias")
    reader = csv.DictReader(io.StringIO(read_text_file(path, strip_bom=True), newline=""), delimiter=delimiter)
    try:
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
            docs.append(AnnotatedDocument(str(reader.line_num), text, where, has_spans=False,
                                          units=[UnitLabels(0, len(text), {name: int(value == "Biased")})],
                                          group=row.get("news_link") or text))
    except csv.Error as e:  # e.g. a field over the csv module's size limit; line_num counts the lines before it
        raise GoldDataError(f"{path}:{reader.line_num + 1}: not readable as CSV ({e})") from None
    return docs


def read_babe(paths: list[Path], labelset: LabelSet) -> list[AnnotatedDocument]:
    """BABE sentences (one document each, resampled by article link) with ``label_bias``."""
    return _read_sentence_csv(paths[0], ";", labelset)


def read_mbic(paths: list[Path], labelset: LabelSet) -> list[AnnotatedDocument]:
    """MBIC sentences with ``label_bias`` (comma-separated, otherwise like BABE)."""
    return _read_sentence_csv(paths[0], ",", labelset)


def read_annotation_file(fmt: str) -> Callable[[list[Path], LabelSet], list[AnnotatedDocument]]:
    """A reader for one of ``framing train``'s annotation formats (:mod:`framing.data.annotations`), the
    same importer training uses; for evaluation any importer problem is fatal, with its file and line."""

    def read(paths: list[Path], labelset: LabelSet) -> list[AnnotatedDocument]:
        from framing.data.annotations import read_annotations

        imported = read_annotations(",".join(str(p) for p in paths), fmt)
        fatal = [p for p in imported.problems if p.fatal]
        if fatal:
            raise GoldDataError(f"{fatal[0].where}: {fatal[0].reason}")
        known_spans, known_sent = set(labelset.span_labels), set(labelset.sentence_labels)
        for d in imported.documents:
            for s in d.spans:
                where = s.where or d.where
                _check_span(where, d.doc_id, d.text, s.start, s.end)
                _check_label(where, s.label, known_spans)
                if s.voice not in ("writer", "quoted"):
                    raise GoldDataError(f"{where}: span {s.start}-{s.end}: voice must be 'writer' or 'quoted', "
                                        f"not {s.voice!r}")
            for u in d.units or []:
                _check_span(d.where, d.doc_id, d.text, u.start, u.end)
                for label, value in u.labels.items():
                    _check_label(d.where, label, known_sent)
                    if value not in (0, 1):
                        raise GoldDataError(f"{d.where}: sentence label {label!r} must be 0 or 1, not {value!r}")
        return imported.documents

    return read


def read_quotes(paths: list[Path], labelset: LabelSet) -> list[AnnotatedDocument]:
    """The quotation-mark corpus (``data/quotes/quotes.jsonl``): one document per source article.

    Where every quotation of an article has a record (``"scope": "article"``, as in
    ``data/quotes/dev_extension.jsonl``), its ``SCARE`` quotations are also its gold spans of the quote label,
    so that flags are scored phrase by phrase; that label is the only one annotated there. A scare quote
    inside another quotation is the quoted speaker's (voice ``quoted``), as for the model's flags.
    """
    from framing.data.quote_corpus import load_quote_corpus

    if labelset.quote_label is None:
        raise GoldDataError(f"{paths[0]}: the model has no quotation-mark label to evaluate")
    try:
        records = load_quote_corpus(paths[0])
    except ValueError as e:
        raise GoldDataError(str(e)) from None
    by_doc: dict[tuple[str, str], list] = {}
    for r in records:
        by_doc.setdefault((r.corpus, r.doc_id), []).append(r)
    docs = []
    for (corpus, doc_id), recs in by_doc.items():
        doc = AnnotatedDocument(f"{corpus}:{doc_id}", recs[0].text, str(paths[0]), has_spans=False,
                                quotes=[(r.start, r.label) for r in recs])
        if all(r.scope == "article" for r in recs):
            doc.has_spans, doc.span_labels = True, (labelset.quote_label,)
            doc.spans = [SpanAnnotation(r.inner_start, r.inner_end, labelset.quote_label, doc.doc_id,
                                        "quoted" if any(o.start < r.start and r.end <= o.end for o in recs)
                                        else "writer")
                         for r in recs if r.label == SCARE_CLASS]
        docs.append(doc)
    return docs


def read_framing(paths: list[Path], labelset: LabelSet) -> list[AnnotatedDocument]:
    """The news framing corpus (``data/framing/dev.jsonl``): whole articles, spans with their voice."""
    from framing.data.framing_corpus import load_framing_corpus

    try:
        records = load_framing_corpus(*paths)
    except ValueError as e:
        raise GoldDataError(str(e)) from None
    return [d.annotated() for d in records]


READERS: dict[str, Callable[[list[Path], LabelSet], list[AnnotatedDocument]]] = {
    "ptc": read_ptc,
    "semeval2023": read_semeval2023,
    "babe": read_babe,
    "mbic": read_mbic,
    "quotes": read_quotes,
    "framing": read_framing,
    **{fmt: read_annotation_file(fmt) for fmt in ("jsonl", "labelstudio", "doccano", "standoff", "csv")},
}


def load_gold(spec: str, labelset: LabelSet) -> GoldSet:
    """Read one SPEC for a model with ``labelset``; a :class:`GoldDataError` names any problem.

    Example:
        >>> from framing.labels import DEFAULT_LABELSET
        >>> load_gold("conll:x.txt", DEFAULT_LABELSET)
        Traceback (most recent call last):
        ...
        framing.data.gold.GoldDataError: conll:x.txt: unknown data format 'conll'; write FORMAT:PATH with FORMAT one \
of ptc, semeval2023, babe, mbic, quotes, framing, jsonl, labelstudio, doccano, standoff, csv
    """
    if "+" in spec:
        parts = [load_gold(part, labelset) for part in spec.split("+")]
        twice = sorted(i for i, n in Counter(d.doc_id for g in parts for d in g.documents).items() if n > 1)
        if twice:
            raise GoldDataError(f"{spec}: document {twice[0]} is in more than one pooled data set")
        return GoldSet(spec, "+".join(g.format for g in parts), [d for g in parts for d in g.documents],
                       {k: v for g in parts for k, v in g.file_hashes.items()})
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
