"""Phrase-level evaluation of framing spans, the way an editor meets them: per label and per voice.

A predicted phrase is right when it overlaps a gold phrase of the same label (and voice); a gold
phrase is found when some prediction of its label overlaps it. Precision counts predicted
phrases, recall counts gold phrases, so scattering tokens over one long gold span earns nothing
(unlike SemEval's partial credit). Flags per 1,000 words are reported next to the gold density.
Every figure has a 95% bootstrap interval over documents.

Predictions without a voice (models older than voice output) count as ``writer``: that is how
the tool shows them to users.

Example:
    >>> doc = PhraseDoc("d", "The regime's thugs came.", [(13, 18, "NAME_CALLING", "writer")], "news")
    >>> figs = phrase_section([doc], [[(4, 10, "NAME_CALLING", "writer"), (13, 18, "NAME_CALLING", "writer")]],
    ...                       ["NAME_CALLING"], resamples=10)
    >>> figs["labels"]["NAME_CALLING"]["writer"]["precision"]["value"], figs["micro"]["writer"]["recall"]["value"]
    (0.5, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from framing.evaluation.metrics import bootstrap_ci, span_counts

VOICES = ("writer", "quoted", "all")
Phrase = tuple[int, int, str, str]  # start, end (exclusive), label, voice


@dataclass(frozen=True)
class PhraseDoc:
    """A gold document for phrase evaluation: id, text, voiced gold phrases and genre."""

    doc_id: str
    text: str
    phrases: Sequence[Phrase]
    genre: str = "unknown"

    @property
    def words(self) -> int:
        return len(self.text.split())


def phrase_counts(pred: Sequence[Phrase], gold: Sequence[Phrase], label: str | None, voice: str) -> np.ndarray:
    """``[n_pred, n_gold, hit_pred, hit_gold]`` for one document, one label (None: any) and voice."""
    def keep(p: Phrase) -> bool:
        return (label is None or p[2] == label) and (voice == "all" or p[3] == voice)

    if label is None:  # any label: a hit must still match the label
        rows = [phrase_counts(pred, gold, lab, voice) for lab in sorted({p[2] for p in (*pred, *gold)})]
        return np.sum(rows, axis=0) if rows else np.zeros(4)
    c = span_counts([p[:2] for p in pred if keep(p)], [g[:2] for g in gold if keep(g)])
    return c[[0, 1, 5, 6]]


def _precision(c: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(c[..., 2] / c[..., 0])


def _recall(c: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(c[..., 3] / c[..., 1])


def f_beta(c: np.ndarray, beta: float = 1.0) -> np.ndarray:
    """F-beta of summed phrase counts ``[n_pred, n_gold, hit_pred, hit_gold]`` (beta 0.5 weighs precision more).

    Example:
        >>> float(f_beta(np.array([4, 2, 2, 2]), 0.5))  # P 0.5, R 1.0
        0.5555555555555556
    """
    p, r = _precision(c), _recall(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num((1 + beta**2) * p * r / (beta**2 * p + r))


def _f1(c: np.ndarray) -> np.ndarray:
    return f_beta(c, 1.0)


def _per_1k(which: int):
    def statistic(c: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.nan_to_num(1000 * c[..., which] / c[..., 4])
    return statistic


def _figure(rows: np.ndarray, statistic, resamples: int, seed: int) -> dict:
    value = float(statistic(rows.sum(0)))
    return {"value": value, "ci95": list(bootstrap_ci(rows, statistic, resamples, seed))}


def _prf(rows: np.ndarray, resamples: int, seed: int) -> dict:
    total = rows.sum(0)
    return {"precision": _figure(rows, _precision, resamples, seed), "recall": _figure(rows, _recall, resamples, seed),
            "f1": _figure(rows, _f1, resamples, seed), "predicted": int(total[0]), "gold": int(total[1])}


def phrase_section(docs: Sequence[PhraseDoc], preds: Sequence[Sequence[Phrase]], labels: Sequence[str],
                   baseline: Sequence[Sequence[Phrase]] | None = None, resamples: int = 1000, seed: int = 0) -> dict:
    """Phrase-level P/R/F1 per label and voice, micro over ``labels``, and flags per 1,000 words.

    ``preds[i]`` are the model's phrases for ``docs[i]``; ``baseline``, if given, a baseline's
    phrases (scored the same way, micro over the labels it predicts).
    """
    words = np.array([[d.words] for d in docs], dtype=float)
    label_set = set(labels)

    def rows(pred_sets, label, voice, labels: set[str] = label_set) -> np.ndarray:
        return np.array([phrase_counts([p for p in pr if p[2] in labels],
                                       [g for g in d.phrases if g[2] in labels], label, voice)
                         for d, pr in zip(docs, pred_sets)]).reshape(len(docs), 4)

    out: dict = {"matching": "overlap, same label (and voice)", "documents": len(docs), "words": int(words.sum()),
                 "labels": {}, "micro": {}, "density": {}}
    for label in labels:
        out["labels"][label] = {v: _prf(rows(preds, label, v), resamples, seed) for v in VOICES}
    for v in VOICES:
        r = rows(preds, None, v)
        out["micro"][v] = _prf(r, resamples, seed)
        with_words = np.hstack([r, words])
        out["density"][v] = {"predicted_per_1k": _figure(with_words, _per_1k(0), resamples, seed),
                             "gold_per_1k": _figure(with_words, _per_1k(1), resamples, seed)}
    by_genre: dict = {}
    for genre in sorted({d.genre for d in docs}):
        idx = [i for i, d in enumerate(docs) if d.genre == genre]
        r = np.hstack([rows(preds, None, "writer")[idx], words[idx]])
        by_genre[genre] = {"documents": len(idx), "predicted_per_1k": _figure(r, _per_1k(0), resamples, seed),
                           "gold_per_1k": _figure(r, _per_1k(1), resamples, seed)}
    out["density"]["writer_by_genre"] = by_genre
    if baseline is not None:
        base_labels = sorted({p[2] for pr in baseline for p in pr})
        out["baseline"] = {"labels": base_labels}
        for label in base_labels:  # against the gold of the baseline's own labels, whether the model has them or not
            out["baseline"][label] = {v: _prf(rows(baseline, label, v, set(base_labels)), resamples, seed)
                                      for v in ("writer", "all")}
        r = rows(baseline, None, "writer", set(base_labels))
        out["baseline"]["density_writer_per_1k"] = _figure(np.hstack([r, words]), _per_1k(0), resamples, seed)
    return out


def _ci(fig: dict) -> str:
    lo, hi = fig["ci95"]
    return f"{fig['value']:.3f} [{lo:.3f}, {hi:.3f}]"


def phrase_markdown(spec: str, section: dict) -> str:
    """The phrase-level table of one data set, as Markdown (printed by ``framing evaluate``)."""
    lines = [f"\nPhrase level on `{spec}` ({section['documents']} documents, {section['words']:,} words; "
             f"{section['matching']}):\n",
             "| label | voice | precision [95% CI] | recall [95% CI] | F1 [95% CI] | predicted | gold |",
             "|---|---|---|---|---|---|---|"]
    rows = [(label, v, section["labels"][label][v]) for label in section["labels"] for v in VOICES]
    rows += [("micro", v, section["micro"][v]) for v in VOICES]
    base = section.get("baseline", {})
    rows += [(f"lexicon baseline: {label}", v, base[label][v]) for label in base.get("labels", [])
             for v in ("writer", "all")]
    for label, v, f in rows:
        lines.append(f"| {label} | {v} | {_ci(f['precision'])} | {_ci(f['recall'])} | {_ci(f['f1'])} | "
                     f"{f['predicted']} | {f['gold']} |")
    lines += ["", "| flags per 1,000 words | documents | model [95% CI] | gold [95% CI] |", "|---|---|---|---|"]
    for v in VOICES:
        d = section["density"][v]
        lines.append(f"| {v} voice | {section['documents']} | {_ci(d['predicted_per_1k'])} | {_ci(d['gold_per_1k'])} |")
    for genre, d in section["density"]["writer_by_genre"].items():
        lines.append(f"| writer voice, {genre} | {d['documents']} | {_ci(d['predicted_per_1k'])} | "
                     f"{_ci(d['gold_per_1k'])} |")
    if "density_writer_per_1k" in base:
        lines.append(f"| lexicon baseline, writer voice | {section['documents']} | "
                     f"{_ci(base['density_writer_per_1k'])} | |")
    return "\n".join(lines) + "\n"
