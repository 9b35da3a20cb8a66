"""Training examples for the three heads, each a sentence with character offsets relative to it.

Example:
    >>> TagExample("The regime fell.", [(4, 10, "NAME_CALLING")]).spans[0]
    (4, 10, 'NAME_CALLING')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from framing.pipeline.quotes import Quote


@dataclass
class TagExample:
    """A sentence with gold spans ``(start, end, label)`` for the token tagger."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class SentenceExample:
    """A sentence with a 0/1 label for the first sentence label (``BIASED`` by default), or with
    ``labels`` (``{name: 0 or 1}``) for several sentence labels; a label missing from ``labels``
    is not trained on for this sentence.

    Example:
        >>> SentenceExample("It is said to be true.", labels={"UNVERIFIED": 1.0}).labels
        {'UNVERIFIED': 1.0}
    """

    text: str
    label: float = 0.0
    labels: dict[str, float] | None = None


NOT_SCARE = -1  # a quote known not to be a scare quote, its class otherwise unknown


@dataclass
class QuoteExample:
    """A sentence with its quotes and each quote's class index in ``FramingConfig.quote_classes``, or
    :data:`NOT_SCARE` where only that is known (the news corpus marks scare quotes, not the other classes).
    """

    text: str
    quotes: list[tuple[Quote, int]] = field(default_factory=list)
