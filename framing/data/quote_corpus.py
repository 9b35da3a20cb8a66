"""The quotation-mark corpus: stand-off labels in ``data/quotes/*.jsonl``, text re-attached from the shared corpora.

Each record names its corpus, document id and the sha256 of the document text, so a
changed or missing document is caught instead of silently shifting offsets.

Example:
    >>> recs = load_quote_corpus("data/quotes/quotes.jsonl")  # doctest: +SKIP
    >>> r = recs[0]; r.text[r.inner_start:r.inner_end] == r.inner  # doctest: +SKIP
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from framing.data.jsonlines import read_json_lines
from framing.data.shared_corpora import read_allsides, read_ptc_articles, read_semeval2023_test_articles, sha256_text
from framing.errors import FramingError
from framing.labels import QUOTE_CLASSES

SCOPES = ("quote", "article")  # a sampled quotation, or one of all the quotations of its article
FIELDS = ("corpus", "doc_id", "sha256", "start", "end", "inner_start", "inner_end", "label", "confidence", "reason")


class QuoteCorpusError(FramingError, ValueError):
    """A record that does not fit its source document or the schema."""


@dataclass(frozen=True)
class QuoteRecord:
    corpus: str
    doc_id: str
    source: str
    start: int
    end: int
    inner_start: int
    inner_end: int
    label: str
    confidence: str
    reason: str
    text: str  # the whole document, re-attached
    scope: str = "quote"  # "article": every quotation of the document has a record

    @property
    def inner(self) -> str:
        return self.text[self.inner_start : self.inner_end]


def annotation_round(batch: str) -> str:
    """The annotation round a record's ``batch`` belongs to: ``batch_NN`` is round 1, ``rK_batch_NN`` round K,
    and another ``NAME_batch_NN`` (the whole-article ``qdev`` batches of the dev extension) round ``NAME``.

    Example:
        >>> annotation_round("batch_03"), annotation_round("r2_batch_01"), annotation_round("qdev_batch_00")
        ('round 1', 'round 2', 'round qdev')
    """
    prefix, sep, _ = batch.partition("_batch")
    if not sep or not prefix:
        return "round 1"
    return f"round {prefix[1:]}" if prefix[0] == "r" and prefix[1:].isdigit() else f"round {prefix}"


def load_documents(corpora: set[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """``{(corpus, doc_id): (source, text)}`` for the named corpora."""
    docs: dict[tuple[str, str], tuple[str, str]] = {}
    for split in ("train", "dev"):
        if f"ptc_{split}" in corpora:
            docs.update({(f"ptc_{split}", i): ("ptc", t) for i, t in read_ptc_articles(split)})
    if "semeval2023_test" in corpora:
        docs.update({("semeval2023_test", i): ("semeval2023", t) for i, t in read_semeval2023_test_articles()})
    if "allsides" in corpora:
        docs.update({("allsides", r["ID"]): (r["source"], r["content_original"]) for r in read_allsides()})
    return docs


def load_quote_corpus(path: str | Path) -> list[QuoteRecord]:
    """Read stand-off quote labels and re-attach each document's text, checking hash and offsets."""
    path = Path(path)
    rows = []
    for lineno, row in read_json_lines(path, QuoteCorpusError, objects=True, fields=FIELDS):
        if row.get("scope", "quote") not in SCOPES:
            raise QuoteCorpusError(f"{path}:{lineno}: scope must be 'quote' or 'article', not {row['scope']!r}")
        if row["label"] not in QUOTE_CLASSES:
            raise QuoteCorpusError(
                f"{path}:{lineno}: unknown label {row['label']!r}, expected one of {', '.join(QUOTE_CLASSES)}")
        rows.append((lineno, row))
    docs = load_documents({row["corpus"] for _, row in rows})
    records = []
    for lineno, row in rows:
        key = (row["corpus"], str(row["doc_id"]))
        if key not in docs:
            raise QuoteCorpusError(f"{path}:{lineno}: document {key[0]}:{key[1]} not found in the shared data")
        source, text = docs[key]
        if sha256_text(text) != row["sha256"]:
            raise QuoteCorpusError(f"{path}:{lineno}: document {key[0]}:{key[1]} differs from the annotated "
                                   "version (sha256 mismatch)")
        if not (0 <= row["start"] < row["inner_start"] < row["inner_end"] < row["end"] <= len(text)):
            raise QuoteCorpusError(f"{path}:{lineno}: offsets out of order or out of range")
        records.append(QuoteRecord(key[0], key[1], source, row["start"], row["end"], row["inner_start"],
                                   row["inner_end"], row["label"], row["confidence"], row["reason"], text,
                                   row.get("scope", "quote")))
    return records
