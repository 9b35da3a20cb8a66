"""A document made ready for the encoder: its sentences, and the quotes found in each of them.

Preparing (segmentation and the quote finder) needs no model, so a caller may do it in its own thread and
hand the model only sentences to score (:meth:`FramingModel.score_sentences`), as the web app does to keep
one long request from holding up the others.

Example:
    >>> doc = prepare_document('One. He said "no" twice.')
    >>> doc.sentences, [[doc.text[doc.sentences[k][0]:][q.inner_start:q.inner_end] for q in qs]
    ...                 for k, qs in enumerate(doc.quotes)]
    ([(0, 4), (5, 24)], [[], ['no']])
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from framing.pipeline.quotes import Quote, find_quotes
from framing.pipeline.segment import split_sentences


@dataclass
class PreparedDocument:
    """``text``, its sentences as ``(start, end)`` and, per sentence, its quotes (offsets relative to the sentence)."""

    text: str
    sentences: list[tuple[int, int]]
    quotes: list[list[Quote]]

    def sentence_text(self, k: int) -> str:
        start, end = self.sentences[k]
        return self.text[start:end]


def prepare_document(text: str, sentences: list[tuple[int, int]] | None = None) -> PreparedDocument:
    """Segment ``text`` (unless ``sentences`` are given) and place each quote in the sentence it starts in."""
    sentences = split_sentences(text) if sentences is None else sentences
    quotes: list[list[Quote]] = [[] for _ in sentences]
    starts = [s for s, _ in sentences]
    for q in find_quotes(text):
        k = bisect_right(starts, q.start) - 1
        if k >= 0 and q.start < sentences[k][1]:
            base = sentences[k][0]
            quotes[k].append(Quote(q.start - base, q.end - base, q.inner_start - base, q.inner_end - base))
    return PreparedDocument(text, sentences, quotes)
