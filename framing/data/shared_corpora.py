"""Readers for the public corpora staged in ``../shared/data`` (never copied into the repo).

Every reader yields ``(doc_id, text)`` with ``text`` exactly as the corpus' offsets expect,
and fails with a message that says where the data comes from when it is missing.

Example:
    >>> docs = dict(read_ptc_articles("train"))  # doctest: +SKIP
    >>> docs["111111111"][:20]  # doctest: +SKIP
    'Next plague outbreak'
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

from framing.errors import DataError, FramingError
from framing.guards import read_text_file

DATA_ENV = "FRAMING_DATA"


class DataMissingError(FramingError, FileNotFoundError):
    """A corpus file that training or evaluation needs is not on this machine."""


def data_root() -> Path:
    """The folder holding the shared corpora: ``$FRAMING_DATA`` or ``../shared/data`` beside the checkout."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2]
    return here.parent / "shared" / "data"


def corpus_path(*parts: str) -> Path:
    """Path to a corpus file, or a :class:`DataMissingError` saying how to get it."""
    path = data_root().joinpath(*parts)
    if not path.exists():
        raise DataMissingError(
            f"{path}: not found. The public corpora are not shipped with framing (licenses); "
            f"put the staged data folder at ../shared/data beside the checkout or set ${DATA_ENV} "
            f"(see data/README.md for where each corpus comes from)."
        )
    return path


def sha256_text(text: str) -> str:
    """Hex sha256 of the UTF-8 encoding of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path: Path) -> str:
    """A text file as it is, ``\r`` and byte-order mark included (PTC's gold offsets count them), with the byte
    cap and one-line errors of :func:`framing.guards.read_text_file`."""
    return read_text_file(path)


def read_article_folder(folder: Path) -> Iterator[tuple[str, str]]:
    """``(article_id, text)`` for every ``article<ID>.txt`` in ``folder``, in file-name order."""
    if not folder.is_dir():
        raise DataMissingError(f"{folder}: not a folder of article<ID>.txt files")
    for path in sorted(folder.glob("article*.txt")):
        yield path.stem.removeprefix("article"), read_text(path)


def read_span_tsv(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """A PTC-style label file (``id<TAB>technique<TAB>start<TAB>end``) as ``{id: [(start, end, technique)]}``
    (the package's one span order, :class:`framing.data.annotated.SpanAnnotation`'s)."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    with io.StringIO(read_text_file(path), newline=None) as f:  # universal newlines, as open() reads them
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                raise DataError(f"{path}:{lineno}: expected 4 tab-separated fields, got {len(parts)}")
            doc, technique, start, end = parts
            try:
                spans.setdefault(doc, []).append((int(start), int(end), technique))
            except ValueError:
                raise DataError(f"{path}:{lineno}: start and end must be integers, got {start!r}, {end!r}") from None
    return spans


def read_ptc_articles(split: str) -> Iterator[tuple[str, str]]:
    """PTC (SemEval-2020 Task 11) articles of ``split`` ('train' or 'dev') as ``(article_id, text)``."""
    return read_article_folder(corpus_path("ptc_semeval2020_task11", f"{split}-articles"))


def read_ptc_labels(split: str) -> dict[str, list[tuple[str, int, int]]]:
    """PTC technique spans of ``split``: ``{article_id: [(start, end, technique), ...]}``."""
    return read_span_tsv(corpus_path("ptc_semeval2020_task11", f"{split}-task-flc-tc.labels"))


def read_semeval2023_articles(split: str) -> Iterator[tuple[str, str]]:
    """SemEval-2023 Task 3 English subtask-3 articles ('train' or 'test') as ``(article_id, text)``.

    The train articles are the PTC train+dev articles re-laid-out in paragraphs: never put the two
    versions of one article on different sides of a split.
    """
    return read_article_folder(corpus_path("semeval2023_task3_en", f"{split}-articles-subtask-3"))


def read_semeval2023_labels() -> dict[str, list[tuple[str, int, int]]]:
    """SemEval-2023 Task 3 English train spans: ``{article_id: [(start, end, technique), ...]}``."""
    return read_span_tsv(corpus_path("semeval2023_task3_en", "train-labels-subtask-3-spans.txt"))


def read_semeval2023_test_articles() -> Iterator[tuple[str, str]]:
    """The 54 unlabeled SemEval-2023 Task 3 English test articles as ``(article_id, text)``."""
    return read_semeval2023_articles("test")


def read_allsides() -> Iterator[dict]:
    """AllSides articles (media/valid split) as dicts with ``ID``, ``source``, ``content_original``, ..."""
    path = corpus_path("allsides_article_bias_subset", "articles_media_valid.jsonl")
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise DataError(f"{path}:{lineno}: not valid JSON ({e.msg})") from None


def read_babe() -> list[dict[str, str]]:
    """BABE (SG2) rows with ``text``, ``outlet``, ``topic``, ``label_bias``, ``news_link``."""
    path = corpus_path("babe", "final_labels_SG2.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))
