"""Tune a trained model's thresholds on annotated documents it did not train on; every trained model gets them.

Span labels are tuned for **phrase-level F0.5** in the writer voice (a flag is right when it
overlaps a gold phrase of its label; precision counts twice as much as recall), because a flag
is worth showing only if an editor would keep it. With a precision target, a label's threshold is
the best F0.5 among those whose precision reaches the target on at least ``min_flags`` flags (a label
that reaches it nowhere keeps its best F0.5 and is reported as short of the target). Sentence labels
are tuned for F1. The documents are scored once and decoded at every candidate threshold.

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

# finer at the top, where a precision target is met by few, confident flags
GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.72, 0.74, 0.76, 0.78, 0.8, 0.82,
        0.84, 0.86, 0.88, 0.9, 0.92, 0.94)
BETA = 0.5
MIN_FLAGS = 10


def _phrase_counts(model: FramingModel, docs: Sequence[AnnotatedDocument], scores: Sequence[DocumentScores],
                   thresholds: dict[str, float], label: str | None, voice: str) -> np.ndarray:
    counts = np.zeros(4)
    for d, sc in zip(docs, scores):
        pred = [(s.start, s.end, s.label, s.voice) for s in model.decode(sc, thresholds).spans]
        counts += phrase_counts(pred, [(s.start, s.end, s.label, s.voice) for s in d.spans], label, voice)
    return counts


def phrase_fbeta(model: FramingModel, docs: Sequence[AnnotatedDocument], scores: Sequence[DocumentScores],
                 thresholds: dict[str, float], label: str | None = None, beta: float = BETA,
                 voice: str = "writer") -> float:
    """Phrase-level F-beta of ``docs`` decoded from their ``scores`` at ``thresholds`` (``label`` None: micro)."""
    return float(f_beta(_phrase_counts(model, docs, scores, thresholds, label, voice), beta))


def tune_span_thresholds(model: FramingModel, docs: Sequence[AnnotatedDocument], grid: Sequence[float] = GRID,
                         beta: float = BETA, voice: str = "writer",
                         scores: Sequence[DocumentScores] | None = None, min_precision: float | None = None,
                         min_flags: int = MIN_FLAGS) -> dict[str, float]:
    """Per tagged span label with gold phrases in ``docs``, the threshold with the best phrase-level F-beta
    (with ``min_precision``: the best among those whose precision reaches it on ``min_flags`` flags or more).

    ``scores`` are the documents' scores when the caller has them already (the model then runs no pass)."""
    return {lab: t for lab, (t, _) in span_threshold_choices(model, docs, grid, beta, voice, scores, min_precision,
                                                            min_flags).items()}


def span_threshold_choices(model: FramingModel, docs: Sequence[AnnotatedDocument], grid: Sequence[float] = GRID,
                           beta: float = BETA, voice: str = "writer",
                           scores: Sequence[DocumentScores] | None = None, min_precision: float | None = None,
                           min_flags: int = MIN_FLAGS) -> dict[str, tuple[float, dict]]:
    """What :func:`tune_span_thresholds` chose, with the figures at that threshold: ``{label: (threshold,
    {"precision", "recall", "f_beta", "flags", "meets_target"})}``. ``min_precision`` None means no target;
    any number, 0 included, also asks for ``min_flags`` flags."""
    tagged = model.config.labelset.tagged_labels
    keep = [i for i, d in enumerate(docs) if d.has_spans]
    if not tagged or not keep:
        return {}
    docs = [docs[i] for i in keep]
    present = {s.label for d in docs for s in d.spans if voice == "all" or s.voice == voice}
    scores = [scores[i] for i in keep] if scores is not None else model.score_many([d.text for d in docs], 32)
    found: dict[str, list[tuple[float, float, dict]]] = {lab: [] for lab in tagged if lab in present}
    gold = [[(s.start, s.end, s.label, s.voice) for s in d.spans] for d in docs]
    for t in grid:
        thresholds = dict(model.config.thresholds) | {lab: t for lab in tagged}
        pred = [[(s.start, s.end, s.label, s.voice) for s in model.decode(sc, thresholds).spans] for sc in scores]
        for lab in found:
            c = sum((phrase_counts(p, g, lab, voice) for p, g in zip(pred, gold)), np.zeros(4))
            flags = int(c[0])  # c: flags, gold phrases, flags that hit gold, gold phrases found
            precision = float(c[2] / flags) if flags else 0.0
            value = float(f_beta(c, beta))
            meets = min_precision is None or (flags >= min_flags and precision >= min_precision)
            fig = {"precision": round(precision, 3), "recall": round(float(c[3] / c[1]), 3) if c[1] else 0.0,
                   "f_beta": round(value, 4), "flags": flags, "meets_target": meets}
            found[lab].append((round(float(t), 2), value, fig))
    out = {}
    for lab, rows in found.items():
        pool = [r for r in rows if r[2]["meets_target"]] or rows
        best = max(r[1] for r in pool)
        # ties (within float noise) keep the lower threshold's recall
        t, _, fig = min((r for r in pool if r[1] >= best - 1e-12), key=lambda r: r[0])
        out[lab] = (t, fig)
    return out


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


def tune_thresholds(model: FramingModel, docs: Sequence[AnnotatedDocument], min_precision: float | None = None,
                    min_flags: int = MIN_FLAGS) -> dict[str, float]:
    """Every threshold that ``docs`` can tune (span labels: phrase F0.5, writer voice, with an optional
    precision target; sentence labels: F1)."""
    return (tune_span_thresholds(model, docs, min_precision=min_precision, min_flags=min_flags)
            | tune_sentence_thresholds(model, docs))
