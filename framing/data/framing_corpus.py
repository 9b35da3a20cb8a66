"""The news framing corpus: whole articles with voiced framing spans, stand-off in ``data/framing/*.jsonl``.

One JSON line per article. No article text is stored: the text is re-attached from the shared
corpora (``../shared/data``) and checked against the recorded sha256, so a changed or missing
document fails loudly instead of shifting every offset. Every sentence of an article was read, so
an article's unmarked stretches are real negatives.

A record::

    {"id": "allsides:egyQ7UPYlvuNRhLw", "source": "The Epoch Times", "genre": "news", "split": "dev",
     "sha256": "...", "annotators": ["A4"], "furniture": [[0, 96]],
     "spans": [{"start": 170, "end": 179, "label": "NAME_CALLING", "voice": "writer", "confidence": "high"}]}

Example:
    >>> docs = load_framing_corpus("data/framing/dev.jsonl")  # doctest: +SKIP
    >>> s = docs[0].spans[0]; docs[0].text[s.start:s.end]  # doctest: +SKIP
    'CCP virus'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from framing.data.annotated import AnnotatedDocument, SpanAnnotation
from framing.data.jsonlines import read_json_lines
from framing.data.quote_corpus import load_documents
from framing.data.shared_corpora import sha256_text
from framing.errors import FramingError

FRAMING_LABELS = ("SCARE_QUOTE", "LOADED_LANGUAGE", "NAME_CALLING", "DOUBT", "EXAGGERATION", "APPEAL_TO_FEAR",
                  "FLAG_WAVING")
VOICES = ("writer", "quoted")
GENRES = ("news", "opinion", "satire", "other")
FIELDS = ("id", "source", "genre", "split", "sha256", "spans")


class FramingCorpusError(FramingError, ValueError):
    """A record that does not fit the schema or its source document; the message names file and line."""


@dataclass(frozen=True)
class FramingDocument:
    """One annotated article with its text re-attached."""

    id: str
    source: str
    genre: str
    split: str
    text: str
    spans: tuple[SpanAnnotation, ...]  # ``where`` is the document id
    furniture: tuple[tuple[int, int], ...] = ()
    annotators: tuple[str, ...] = ()

    @property
    def corpus(self) -> str:
        return self.id.partition(":")[0]

    def annotated(self) -> AnnotatedDocument:
        """This article as the one annotated-document type (spans keep their voice; every sentence was read)."""
        return AnnotatedDocument(self.id, self.text, self.id, list(self.spans), genre=self.genre)

    @property
    def words(self) -> int:
        return len(self.text.split())


def _span(where: str, raw: object, text: str, doc_id: str) -> SpanAnnotation:
    if not isinstance(raw, dict):
        raise FramingCorpusError(f"{where}: each span must be an object")
    start, end = raw.get("start"), raw.get("end")
    if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
        raise FramingCorpusError(f"{where}: span {start!r}-{end!r} is out of range (the text has {len(text)} "
                                 "characters)")
    if raw.get("label") not in FRAMING_LABELS:
        raise FramingCorpusError(f"{where}: unknown label {raw.get('label')!r}, expected one of "
                                 f"{', '.join(FRAMING_LABELS)}")
    if raw.get("voice") not in VOICES:
        raise FramingCorpusError(f"{where}: voice must be 'writer' or 'quoted', not {raw.get('voice')!r}")
    return SpanAnnotation(start, end, raw["label"], doc_id, raw["voice"])


def read_records(path: str | Path) -> list[tuple[int, dict]]:
    """The raw JSON records of a corpus file with their line numbers, schema-checked (no text needed)."""
    path = Path(path)
    if not path.is_file():
        raise FramingCorpusError(f"{path}: no such file")
    rows = []
    for lineno, row in read_json_lines(path, FramingCorpusError, objects=True, fields=FIELDS):
        if row["genre"] not in GENRES:
            raise FramingCorpusError(f"{path}:{lineno}: genre must be one of {', '.join(GENRES)}")
        rows.append((lineno, row))
    return rows


def load_framing_corpus(*paths: str | Path) -> list[FramingDocument]:
    """Read corpus files and re-attach each article's text, checking hash and offsets.

    Raises :class:`FramingCorpusError` naming the file and line of the first bad record, and
    :class:`framing.data.shared_corpora.DataMissingError` when the shared data is not on this machine.
    """
    rows = [(Path(p), lineno, row) for p in paths for lineno, row in read_records(p)]
    texts = load_documents({str(row["id"]).partition(":")[0] for _, _, row in rows})
    docs, seen = [], {}
    for path, lineno, row in rows:
        where = f"{path}:{lineno}"
        corpus, _, doc_id = str(row["id"]).partition(":")
        if (corpus, doc_id) not in texts:
            raise FramingCorpusError(f"{where}: document {row['id']} not found in the shared data")
        if row["id"] in seen:
            raise FramingCorpusError(f"{where}: document {row['id']} already at {seen[row['id']]}")
        seen[row["id"]] = where
        text = texts[(corpus, doc_id)][1]
        if sha256_text(text) != row["sha256"]:
            raise FramingCorpusError(f"{where}: document {row['id']} differs from the annotated version "
                                     "(sha256 mismatch)")
        spans = tuple(_span(f"{where}: span {k}", s, text, row["id"]) for k, s in enumerate(row["spans"]))
        furniture = tuple((int(a), int(b)) for a, b in row.get("furniture", []))
        docs.append(FramingDocument(row["id"], row["source"], row["genre"], row["split"], text, spans, furniture,
                                    tuple(row.get("annotators", ()))))
    return docs
