"""Metrics for spans, sentences and quotation marks, computed with scikit-learn where it has them.

Example:
    >>> semeval_span_prf([(0, 10)], [(5, 15)])  # half of the prediction and half of the gold overlap
    (0.5, 0.5, 0.5)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

_WORD = re.compile(r"\w[\w'’-]*")


def semeval_span_prf(pred: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]) -> tuple[float, float, float]:
    """SemEval-2020 Task 11 span-identification P/R/F1 with partial credit by overlap length.

    Precision averages, over predicted spans, the overlap with gold normalised by the predicted
    length; recall averages, over gold spans, the overlap normalised by the gold length.
    """
    def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
        return max(0, min(a[1], b[1]) - max(a[0], b[0]))

    p = sum(sum(overlap(s, g) for g in gold) / (s[1] - s[0]) for s in pred) / len(pred) if pred else 0.0
    r = sum(sum(overlap(g, s) for s in pred) / (g[1] - g[0]) for g in gold) / len(gold) if gold else 0.0
    p, r = min(p, 1.0), min(r, 1.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def word_flags(text: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """1 for each word of ``text`` that overlaps any of ``spans``, else 0."""
    spans = sorted(spans)
    return [int(any(s < m.end() and e > m.start() for s, e in spans)) for m in _WORD.finditer(text)]


def span_report(docs: Sequence[tuple[str, list[tuple[int, int, str]], list[tuple[int, int, str]]]],
                labels: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per-label word-level P/R/F1 (scikit-learn) and SemEval span F1 over ``(text, gold, pred)`` documents.

    SemEval precision and recall are pooled over all documents' spans, as the official scorer does.
    """
    out = {}
    for label in labels:
        y_true, y_pred, pred_all, gold_all = [], [], [], []
        for d, (text, gold, pred) in enumerate(docs):
            g = [(s, e) for s, e, lab in gold if lab == label]
            p = [(s, e) for s, e, lab in pred if lab == label]
            y_true += word_flags(text, g)
            y_pred += word_flags(text, p)
            # offset by document index so spans of different documents never overlap
            gold_all += [(s + d * 10**9, e + d * 10**9) for s, e in g]
            pred_all += [(s + d * 10**9, e + d * 10**9) for s, e in p]
        prec, rec, f1, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
        out[label] = {"precision": float(prec), "recall": float(rec), "f1": float(f1),
                      "span_f1": semeval_span_prf(pred_all, gold_all)[2], "support": int(np.sum(y_true))}
    return out


def best_threshold(scores: np.ndarray, y_true: np.ndarray, grid: Sequence[float] = tuple(np.arange(0.05, 0.96, 0.05))
                   ) -> tuple[float, float]:
    """The threshold on ``scores`` that maximises binary F1, and that F1."""
    best = (0.5, -1.0)
    for t in grid:
        f1 = precision_recall_fscore_support(y_true, scores >= t, average="binary", zero_division=0)[2]
        if f1 > best[1]:
            best = (round(float(t), 2), float(f1))
    return best
