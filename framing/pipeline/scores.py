"""The model's raw probabilities for one document, and their decoding into flags at given thresholds.

One encoder pass gives a :class:`DocumentScores`; turning it into a :class:`DocumentResult`
needs only thresholds, so evaluation can try many thresholds without running the model again.
All offsets are into the document text, end exclusive.

Example:
    >>> import numpy as np
    >>> s = SentenceScores(0, 9, units=[(0, 3), (4, 9)], inside=np.array([[0.1], [0.9]]),
    ...                    begins=np.array([[False], [True]]), sentence=np.array([0.7]))
    >>> from framing.labels import LabelSet
    >>> ls = LabelSet(("LOADED",), ("BIASED",), {"LOADED": "loaded", "BIASED": "biased"})
    >>> r = decode_document(DocumentScores("The thugs", [s]), ls, (), {"LOADED": 0.5, "BIASED": 0.5})
    >>> [(x.text, x.label, x.score) for x in r.spans], r.sentences[0].biased
    ([('thugs', 'LOADED', 0.9)], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from framing.labels import ATTRIBUTED_CLASS, SCARE_CLASS
from framing.pipeline.decode import snap_phrase, spans_from_units, trim_span
from framing.pipeline.quotes import Quote
from framing.pipeline.results import DocumentResult, Sentence, Span
from framing.pipeline.transcripts import speaker_turns


@dataclass
class SentenceScores:
    """Probabilities for one sentence ``text[start:end]``.

    ``units`` are whitespace-delimited units; ``inside[u, k]`` is ``1 - P(O)`` of unit ``u`` for
    tagged label ``k``; ``begins[u, k]`` says the unit prefers B over I (a new span starts);
    ``sentence`` holds one probability per sentence label; ``quote_probs[q]`` the class
    probabilities of ``quotes[q]``.
    """

    start: int
    end: int
    units: list[tuple[int, int]]
    inside: np.ndarray
    begins: np.ndarray
    sentence: np.ndarray
    quotes: list[Quote] = field(default_factory=list)
    quote_probs: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))


@dataclass
class DocumentScores:
    """A document's text and the scores of its sentences, in order."""

    text: str
    sentences: list[SentenceScores]


def attributed_quotations(scores: DocumentScores, quote_classes: Sequence[str]) -> list[tuple[int, int]]:
    """The inner ``(start, end)`` of every quotation the quote head calls attributed (its most likely class)."""
    if ATTRIBUTED_CLASS not in quote_classes:
        return []
    k = list(quote_classes).index(ATTRIBUTED_CLASS)
    return [(q.inner_start, q.inner_end) for s in scores.sentences for q, p in zip(s.quotes, s.quote_probs)
            if len(p) and int(np.argmax(p)) == k]


def voice_of(start: int, end: int, quotations: Sequence[tuple[int, int]]) -> str:
    """``"quoted"`` when most of ``start:end`` lies inside an attributed quotation, else ``"writer"``.

    Example:
        >>> voice_of(10, 15, [(8, 30)]), voice_of(2, 6, [(8, 30)])
        ('quoted', 'writer')
    """
    inside = sum(max(0, min(end, b) - max(start, a)) for a, b in quotations)
    return "quoted" if 2 * inside > end - start else "writer"


def decode_document(scores: DocumentScores, labelset, quote_classes: Sequence[str], thresholds: dict[str, float]
                    ) -> DocumentResult:
    """Flags of a whole document at ``thresholds`` (one per span and sentence label), each with its voice
    (a sentence's voice too: ``quoted`` when most of it is inside attributed quotations)."""
    text = scores.text
    tagged = labelset.tagged_labels
    name = labelset.bias_label
    scare = quote_classes.index(SCARE_CLASS) if labelset.quote_label else -1
    # quotations the head calls attributed (none where it did not run) and the speaker turns of a transcript
    quotations = attributed_quotations(scores, quote_classes) + speaker_turns(text)
    sentences, spans = [], []
    for k, s in enumerate(scores.sentences):
        local = spans_from_units(s.units, s.inside, s.begins, tagged, thresholds, text)
        if labelset.quote_label:
            for q, p in zip(s.quotes, s.quote_probs[:, scare] if len(s.quotes) else []):
                if p >= thresholds[labelset.quote_label]:
                    start, end = trim_span(text, q.inner_start, min(q.inner_end, s.end))
                    if end > start and snap_phrase(text, start, end)[1] > start:
                        local.append((start, end, labelset.quote_label, round(float(p), 4)))
        local.sort(key=lambda x: (x[0], x[1], x[2]))
        for a, b, label, score in local:
            # a scare quote's own marks are the writer's choice: only another, enclosing quotation makes it quoted
            around = [r for r in quotations if r[0] < a or r[1] > b] if label == labelset.quote_label else quotations
            spans.append(Span(a, b, text[a:b], label, score, k, voice_of(a, b, around)))
        raw = dict(zip(labelset.sentence_labels, map(float, s.sentence)))
        carried = [label for label, p in raw.items() if p >= thresholds[label]]
        probs = {label: round(p, 4) for label, p in raw.items()}
        sentences.append(Sentence(s.start, s.end, text[s.start : s.end], probs.get(name, 0.0), name in carried,
                                  sorted({x[2] for x in local}), probs, carried,
                                  voice_of(s.start, s.end, quotations)))
    return DocumentResult(text, sentences, spans)
