"""Typed prediction results with character offsets into the original text (end exclusive).

Example:
    >>> r = DocumentResult(text="a b", sentences=[], spans=[])
    >>> r.to_dict()["spans"]
    []
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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

    ``bias``/``biased`` are the first sentence label's probability and decision (``BIASED`` for the
    default model); ``sentence_scores`` holds every sentence label's probability and
    ``sentence_labels`` the ones at or above their thresholds, for label sets with several.
    """

    start: int
    end: int
    text: str
    bias: float
    biased: bool
    labels: list[str] = field(default_factory=list)
    sentence_scores: dict[str, float] = field(default_factory=dict)
    sentence_labels: list[str] = field(default_factory=list)


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

    def to_dict(self) -> dict:
        """JSON-ready dict (the document text itself is not repeated)."""
        return {
            "sentences": [asdict(s) for s in self.sentences],
            "spans": [asdict(s) for s in self.spans],
        }
