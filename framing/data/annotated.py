"""One annotated-document type for training and evaluation, whatever the format: :class:`AnnotatedDocument`;
the problems an importer collects (:class:`Problem`, :class:`Imported`), with the helpers importers share.

Example:
    >>> d = AnnotatedDocument("a", "It reportedly fell.", "a.jsonl:1", [SpanAnnotation(3, 13, "HEDGE")])
    >>> d.text[d.spans[0].start:d.spans[0].end]
    'reportedly'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from framing.data.jsonlines import read_json_lines
from framing.errors import FramingError


class AnnotationFormatError(FramingError, ValueError):
    """A file whose annotation format cannot be read or told apart; the message names the file."""


class SpanAnnotation(NamedTuple):
    """A labelled span ``text[start:end]``; ``where`` locates it when that is more precise than its document;
    ``voice`` is ``writer`` (the default) or ``quoted`` (inside an attributed quotation).

    ``(start, end, label)`` is the order of every span tuple in the package (training examples, decoded flags,
    corpus readers), so ``span[:3]`` of any of them compares with any other."""

    start: int
    end: int
    label: str
    where: str = ""
    voice: str = "writer"


class UnitLabels(NamedTuple):
    """Sentence labels of ``text[start:end]`` (a sentence, or the whole text): ``{label: 0 or 1}``.
    Labels not listed count as 0."""

    start: int
    end: int
    labels: dict[str, int]


@dataclass
class AnnotatedDocument:
    """One annotated text, for training and evaluation alike. ``has_spans`` is false, and ``units``,
    ``propaganda`` or ``quotes`` is ``None``, where the data carries no such annotation (as opposed to
    none being there).

    ``where`` locates the document (file and line or record) for messages; ``units`` are the sentences
    (or whole texts) with their sentence labels, and where given, the sentences scored at evaluation;
    ``voiced`` says the spans' voices were annotated (PTC's were not); ``propaganda`` holds the
    technique-agnostic spans of SemEval-2020's span identification; ``quotes`` the quotation marks as
    ``(open mark offset, quote class)``; ``group`` is what bootstrap resampling draws (the article, for a
    corpus of single sentences; by default the document itself); ``span_labels`` the labels whose spans
    were annotated, where that is not every label (the scare-quote dev extension marks scare quotes only).
    """

    doc_id: str
    text: str
    where: str
    spans: list[SpanAnnotation] = field(default_factory=list)
    units: list[UnitLabels] | None = None
    has_spans: bool = True
    group: str = ""
    voiced: bool = True
    propaganda: list[tuple[int, int]] | None = None
    quotes: list[tuple[int, str]] | None = None
    genre: str = "unknown"
    span_labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        self.group = self.group or self.doc_id

    @property
    def unit_bounds(self) -> list[tuple[int, int]] | None:
        """The ``(start, end)`` of every unit, or ``None`` where the data gives no sentence boundaries."""
        return None if self.units is None else [(u.start, u.end) for u in self.units]


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
    def problem(where: str, reason: str) -> None:
        problems.append(Problem(where, reason))

    for lineno, value in read_json_lines(path, on_error=problem, encoding="utf-8-sig"):
        yield f"{path}:{lineno}", value


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
