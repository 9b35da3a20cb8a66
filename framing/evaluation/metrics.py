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
    p, r, f = span_prf(span_counts(pred, gold), "semeval")
    return float(p), float(r), float(f)


def word_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each word of ``text`` (letters, digits, inner apostrophes and hyphens).

    Example:
        >>> word_spans("so-called experts won't")
        [(0, 9), (10, 17), (18, 23)]
    """
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def overlap_flags(units: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """1 for each unit that overlaps any of ``spans``, else 0."""
    return np.array([any(s < ue and e > us for s, e in spans) for us, ue in units], dtype=int)


def word_flags(text: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """1 for each word of ``text`` that overlaps any of ``spans``, else 0."""
    return overlap_flags(word_spans(text), spans).tolist()


def span_report(docs: Sequence[tuple[str, list[tuple[int, int, str]], list[tuple[int, int, str]]]],
                labels: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per-label word-level P/R/F1 (scikit-learn) and SemEval span F1 over ``(text, gold, pred)`` documents.

    SemEval precision and recall are pooled over all documents' spans, as the official scorer does.
    """
    out = {}
    for label in labels:
        y_true, y_pred, counts = [], [], np.zeros(len(SPAN_COUNT_FIELDS))
        for text, gold, pred in docs:
            g = [(s, e) for s, e, lab in gold if lab == label]
            p = [(s, e) for s, e, lab in pred if lab == label]
            y_true += word_flags(text, g)
            y_pred += word_flags(text, p)
            counts += span_counts(p, g)
        prec, rec, f1, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
        out[label] = {"precision": float(prec), "recall": float(rec), "f1": float(f1),
                      "span_f1": float(span_prf(counts, "semeval")[2]), "support": int(np.sum(y_true))}
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


def merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined, as the SemEval-2020 span-identification task scores them.

    Example:
        >>> merge_spans([(5, 9), (0, 3), (2, 6), (12, 14)])
        [(0, 9), (12, 14)]
    """
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def span_counts(pred: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]) -> np.ndarray:
    """One document's span counts, summable over documents (see :data:`SPAN_COUNT_FIELDS`).

    ``semeval_p``/``semeval_r`` are the SemEval-2020 partial-credit numerators: the overlap of each
    predicted span with all gold spans over the predicted length, and of each gold span with all
    predictions over the gold length. ``exact`` counts identical spans; ``hit_pred``/``hit_gold``
    count spans that overlap any span of the other side.

    Example:
        >>> span_counts([(0, 10)], [(5, 25)]).tolist()  # P = 5/10 credit, R = 5/20 credit
        [1.0, 1.0, 0.5, 0.25, 0.0, 1.0, 1.0]
    """
    def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
        return max(0, min(a[1], b[1]) - max(a[0], b[0]))

    gold_set = set(gold)
    return np.array([
        len(pred), len(gold),
        sum(sum(overlap(s, g) for g in gold) / (s[1] - s[0]) for s in pred),
        sum(sum(overlap(g, s) for s in pred) / (g[1] - g[0]) for g in gold),
        sum(1 for s in set(pred) if s in gold_set),
        sum(1 for s in pred if any(overlap(s, g) for g in gold)),
        sum(1 for g in gold if any(overlap(g, s) for s in pred)),
    ], dtype=float)


SPAN_COUNT_FIELDS = ("n_pred", "n_gold", "semeval_p", "semeval_r", "exact", "hit_pred", "hit_gold")


def _prf(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(2 * p * r / (p + r))


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(a / b)


def span_prf(counts: np.ndarray, kind: str) -> np.ndarray:
    """P, R, F1 (last axis) from summed :func:`span_counts` (last axis), for ``kind`` in
    ``semeval`` (partial credit by overlap length), ``exact`` or ``overlap`` (any overlap counts).

    Example:
        >>> span_prf(span_counts([(0, 10)], [(5, 25)]), "semeval").round(3).tolist()
        [0.5, 0.25, 0.333]
    """
    n_pred, n_gold = counts[..., 0], counts[..., 1]
    if kind == "semeval":
        p, r = np.minimum(_ratio(counts[..., 2], n_pred), 1.0), np.minimum(_ratio(counts[..., 3], n_gold), 1.0)
    elif kind == "exact":
        p, r = _ratio(counts[..., 4], n_pred), _ratio(counts[..., 4], n_gold)
    elif kind == "overlap":
        p, r = _ratio(counts[..., 5], n_pred), _ratio(counts[..., 6], n_gold)
    else:
        raise ValueError(f"unknown span metric {kind!r}; expected 'semeval', 'exact' or 'overlap'")
    return np.stack([p, r, _prf(p, r)], axis=-1)


def binary_counts(y_true: Sequence[int], y_pred: Sequence[int]) -> np.ndarray:
    """``[tp, fp, fn, tn]`` of binary decisions, summable over documents."""
    t, p = np.asarray(y_true, dtype=bool), np.asarray(y_pred, dtype=bool)
    return np.array([np.sum(t & p), np.sum(~t & p), np.sum(t & ~p), np.sum(~t & ~p)], dtype=float)


def binary_f1(counts: np.ndarray) -> np.ndarray:
    """F1 of the positive class from summed :func:`binary_counts` (last axis)."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    return _ratio(2 * tp, 2 * tp + fp + fn)


def binary_macro_f1(counts: np.ndarray) -> np.ndarray:
    """Mean F1 of the positive and the negative class from summed :func:`binary_counts`.

    Example:
        >>> float(binary_macro_f1(binary_counts([1, 1, 0, 0], [1, 0, 0, 0])))  # F1 2/3 and 4/5
        0.7333333333333334
    """
    flipped = counts[..., [3, 2, 1, 0]]
    return (binary_f1(counts) + binary_f1(flipped)) / 2


def bootstrap_ci(per_group: np.ndarray, statistic, resamples: int = 1000, seed: int = 0,
                 level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` over resampled groups (documents).

    ``per_group`` has one row of summable counts per group; ``statistic`` maps summed counts
    (any leading axes) to a number.

    Example:
        >>> counts = np.array([binary_counts([1], [1]), binary_counts([1], [0])] * 20)
        >>> lo, hi = bootstrap_ci(counts, binary_f1); 0.4 < lo < 2 / 3 < hi < 0.85
        True
    """
    if len(per_group) == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(per_group), size=(resamples, len(per_group)))
    values = statistic(per_group[idx].sum(axis=1))
    alpha = (1 - level) / 2
    return float(np.quantile(values, alpha)), float(np.quantile(values, 1 - alpha))


def calibration(y_true: Sequence[int], prob: Sequence[float], bins: int = 10) -> dict:
    """Brier score (scikit-learn), expected calibration error over ``bins`` equal-width bins, and the
    reliability diagram's points (mean predicted probability, observed rate and count per bin).

    Example:
        >>> c = calibration([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]); round(c["brier"], 4), round(c["ece"], 4)
        (0.0375, 0.175)
    """
    from sklearn.metrics import brier_score_loss

    y, p = np.asarray(y_true, dtype=float), np.clip(np.asarray(prob, dtype=float), 0.0, 1.0)
    which = np.minimum((p * bins).astype(int), bins - 1)
    points, ece = [], 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            conf, rate = float(p[mask].mean()), float(y[mask].mean())
            ece += mask.sum() / len(p) * abs(conf - rate)
            points.append({"bin": b, "mean_probability": conf, "observed_rate": rate, "count": int(mask.sum())})
    brier = float(brier_score_loss(y, p)) if len(y) else 0.0
    return {"brier": brier, "ece": float(ece), "n": int(len(y)), "bins": points}
