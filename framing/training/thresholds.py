"""Tune a trained model's thresholds on annotated documents it did not train on; every trained model gets them.

Span labels are tuned for **phrase-level F0.5** in the writer voice (a flag is right when it
overlaps a gold phrase of its label; precision counts twice as much as recall), because a flag
is worth showing only if an editor would keep it. Sentence labels are tuned for F1. The documents
are scored once and decoded at every candidate threshold.

Example:
    >>> tune_thresholds(model, dev_documents)  # doctest: +SKIP
    {'HEDGE': 0.35, 'UNVERIFIED': 0.45}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from framing.data.annotated import AnnotatedDocument
from framing.evaluation.metrics import best_threshold
from framing.evaluation.phrases import f_beta, phrase_counts
from framing.modeling import FramingModel
from framing.pipeline.scores import DocumentScores
from framing.training.steps import sentence_label_probabilities

GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
BETA = 0.5


def phrase_fbeta(model: FramingModel, docs: Sequence[AnnotatedDocument], scores: Sequence[DocumentScores],
                 thresholds: dict[str, float], label: str | None = None, beta: float = BETA,
                 voice: str = "writer") -> float:
    """Phrase-level F-beta of ``docs`` decoded from their ``scores`` at ``thresholds`` (``label`` None: micro)."""
    counts = np.zeros(4)
    for d, sc in zip(docs, scores):
        pred = [(s.start, s.end, s.label, s.voice) for s in model.decode(sc, thresholds).spans]
        counts += phrase_counts(pred, [(s.start, s.end, s.label, s.voice) for s in d.spans], label, voice)
    return float(f_beta(counts, beta))


def tune_span_thresholds(model: FramingModel, docs: Sequence[AnnotatedDocument], grid: Sequence[float] = GRID,
                         beta: float = BETA, voice: str = "writer",
                         scores: Sequence[DocumentScores] | None = None) -> dict[str, float]:
    """Per tagged span label with gold phrases in ``docs``, the threshold with the best phrase-level F-beta.

    ``scores`` are the documents' scores when the caller has them already (the model then runs no pass)."""
    tagged = model.config.labelset.tagged_labels
    keep = [i for i, d in enumerate(docs) if d.has_spans]
    if not tagged or not keep:
        return {}
    docs = [docs[i] for i in keep]
    present = {s.label for d in docs for s in d.spans if voice == "all" or s.voice == voice}
    scores = [scores[i] for i in keep] if scores is not None else model.score_many([d.text for d in docs], 32)
    best: dict[str, tuple[float, float]] = {}
    for t in grid:
        thresholds = dict(model.config.thresholds) | {lab: t for lab in tagged}
        for lab in tagged:
            if lab not in present:
                continue
            value = phrase_fbeta(model, docs, scores, thresholds, lab, beta, voice)
            if lab not in best or value > best[lab][0] + 1e-12:  # ties keep the lower threshold's recall
                best[lab] = (value, t)
    return {lab: round(float(t), 2) for lab, (_, t) in best.items()}


def tune_sentence_thresholds(model: FramingModel, docs: Sequence[AnnotatedDocument]) -> dict[str, float]:
    """Per sentence label with positive and negative units in ``docs``, the threshold with the best F1."""
    names = model.config.labelset.sentence_labels
    units = [(d.text[u.start:u.end], u.labels) for d in docs for u in d.units or []]
    if not names or not units:
        return {}
    probs = sentence_label_probabilities(model, [t for t, _ in units])
    out = {}
    for k, name in enumerate(names):
        y = np.array([int(given.get(name, 0)) for _, given in units])
        if 0 < y.sum() < len(y):
            out[name] = best_threshold(probs[:, k], y)[0]
    return out


def tune_thresholds(model: FramingModel, docs: Sequence[AnnotatedDocument]) -> dict[str, float]:
    """Every threshold that ``docs`` can tune (span labels: phrase F0.5, writer voice; sentence labels: F1)."""
    return tune_span_thresholds(model, docs) | tune_sentence_thresholds(model, docs)
