"""Typed prediction results with character offsets into the original text (end exclusive).

The JSON shape (:meth:`DocumentResult.to_dict`, :meth:`DocumentResult.from_dict`), the API's Pydantic
schemas (:mod:`framing.web.schemas`, held to these by a contract test) and the sentences and spans tables
of ``framing score`` (:mod:`framing.batch.tables`, built from these) all follow these dataclasses.

Example:
    >>> r = DocumentResult("Thugs ran.", [Sentence(0, 10, "Thugs ran.", 0.9, True, ["NAME_CALLING"])],
    ...                    [Span(0, 5, "Thugs", "NAME_CALLING", 0.8, 0)])
    >>> r.to_dict()["spans"][0]["text"], DocumentResult.from_dict(r.to_dict(), r.text) == r
    ('Thugs', True)
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields

from framing.errors import DataError

VOICES = ("writer", "quoted")


@dataclass(frozen=True)
class Span:
    """A flagged phrase: ``text == document[start:end]``; ``sentence`` indexes ``DocumentResult.sentences``.

    ``voice`` is ``"writer"`` (the writer's own words) or ``"quoted"`` (inside a quotation attributed to
    a source): counts of an outlet's framing use the writer voice.
    """

    start: int
    end: int
    text: str
    label: str
    score: float
    sentence: int
    voice: str = "writer"


@dataclass(frozen=True)
class Sentence:
    """A sentence with its bias probability, the thresholded decision and the span labels inside it.

    ``bias``/``biased`` are the probability and decision of the bias label (:func:`framing.labels.bias_label`:
    ``BIASED`` for the default model); ``sentence_scores`` holds every sentence label's probability and
    ``sentence_labels`` the ones at or above their thresholds, for label sets with several. ``voice`` is
    ``"quoted"`` when most of the sentence lies inside quotations attributed to a source (its bias is the
    source's wording), else ``"writer"``: counts of an outlet's biased sentences use the writer voice.
    """

    start: int
    end: int
    text: str
    bias: float
    biased: bool
    labels: list[str] = field(default_factory=list)
    sentence_scores: dict[str, float] = field(default_factory=dict)
    sentence_labels: list[str] = field(default_factory=list)
    voice: str = "writer"


@dataclass(frozen=True)
class DocumentResult:
    """Everything the model found in one document."""

    text: str
    sentences: list[Sentence]
    spans: list[Span]

    def spans_in(self, voice: str | None = "writer") -> list[Span]:
        """The flags in one voice (``None``: all of them).

        Example:
            >>> r = DocumentResult("a b", [], [Span(0, 1, "a", "L", 0.9, 0), Span(2, 3, "b", "L", 0.9, 0, "quoted")])
            >>> [s.text for s in r.spans_in("writer")], len(r.spans_in(None))
            (['a'], 2)
        """
        return [s for s in self.spans if voice is None or s.voice == voice]

    def sentences_in(self, voice: str | None = "writer") -> list[Sentence]:
        """The sentences in one voice (``None``: all of them), as :meth:`spans_in` gives the flags.

        Example:
            >>> r = DocumentResult("a. b.", [Sentence(0, 2, "a.", 0.9, True), Sentence(3, 5, "b.", 0.9, True,
            ...                                                        voice="quoted")], [])
            >>> [s.text for s in r.sentences_in("writer")], len(r.sentences_in(None))
            (['a.'], 2)
        """
        return [s for s in self.sentences if voice is None or s.voice == voice]

    def to_dict(self) -> dict:
        """JSON-ready dict (the document text itself is not repeated)."""
        return {
            "sentences": [asdict(s) for s in self.sentences],
            "spans": [asdict(s) for s in self.spans],
        }

    @classmethod
    def from_dict(cls, data: dict, text: str) -> DocumentResult:
        """The result that :meth:`to_dict` gave ``data``, for the document ``text`` (which ``to_dict`` leaves out).

        Keys are checked against the dataclasses, and every offset against ``text``: a :class:`DataError` names
        the first that does not fit.

        Example:
            >>> DocumentResult.from_dict({"sentences": [], "spans": [{"start": 0, "end": 2, "text": "ab",
            ...     "label": "L", "score": 0.9, "sentence": 0}]}, "xy")
            Traceback (most recent call last):
            ...
            framing.errors.DataError: spans[0]: 'ab' is not text[0:2] ('xy')
        """
        sentences = [_build(Sentence, f"sentences[{i}]", row, text) for i, row in enumerate(data.get("sentences", []))]
        spans = [_build(Span, f"spans[{i}]", row, text) for i, row in enumerate(data.get("spans", []))]
        return cls(text, sentences, spans)


def _build(kind: type, where: str, row: dict, text: str):
    known = [f.name for f in fields(kind)]
    required = [f.name for f in fields(kind) if f.default is MISSING and f.default_factory is MISSING]
    unknown, missing = sorted(set(row) - set(known)), [k for k in required if k not in row]
    if unknown or missing:
        raise DataError(f"{where}: unknown key(s) {unknown}, missing key(s) {missing}; the keys are {known}")
    item = kind(**row)
    if text[item.start : item.end] != item.text:
        raise DataError(f"{where}: {item.text!r} is not text[{item.start}:{item.end}] "
                        f"({text[item.start : item.end]!r})")
    return item
