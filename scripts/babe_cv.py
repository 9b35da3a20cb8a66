"""5-fold cross-validated sentence-bias macro-F1 on the BABE sentences available here.

    python scripts/babe_cv.py --out docs/babe_cv.json

The published BABE figure (Spinde et al. 2021, macro-F1 0.804) is a 5-fold cross-validation,
so this one is too: folds grouped by article link and stratified by label (the same folds as
framing/training/default_data.py), one model per fold trained from the base encoder with the default model's
LoRA settings on the sentence task alone. In each fold 10% of the training articles are held
back to tune the threshold; the held-out fold is scored once. Out-of-fold predictions are pooled
for macro-F1 with a 95% bootstrap interval over articles; per-fold figures give the spread.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold

from framing.config import FramingConfig
from framing.data.shared_corpora import read_babe
from framing.evaluation.metrics import best_threshold, binary_counts, binary_macro_f1, bootstrap_ci
from framing.modeling import FramingModel
from framing.training.default_data import bucket  # noqa: I001
from framing.training.examples import SentenceExample
from framing.training.loop import LoopOptions, fit
from framing.training.steps import sentence_probabilities


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("docs/babe_cv.json"))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()
    rows = [r for r in read_babe() if r["label_bias"] in ("Biased", "Non-biased")]
    y = np.array([int(r["label_bias"] == "Biased") for r in rows])
    groups = [r["news_link"] or r["text"] for r in rows]
    folds = list(StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=13).split(rows, y, groups))
    oof, oof_05 = np.zeros(len(rows), dtype=int), np.zeros(len(rows), dtype=int)
    per_fold = []
    for k, (train_idx, test_idx) in enumerate(folds):
        tune_idx = [i for i in train_idx if bucket("babe-cv" + groups[i]) == 0]
        fit_idx = [i for i in train_idx if bucket("babe-cv" + groups[i]) != 0]
        torch.manual_seed(args.seed + k)
        model = FramingModel.from_base(FramingConfig())
        train = [SentenceExample(rows[i]["text"], float(y[i])) for i in fit_idx]
        fit(model, {"sent": train}, LoopOptions(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                                                seed=args.seed + k), log=lambda line: None)
        threshold = best_threshold(sentence_probabilities(model, [rows[i]["text"] for i in tune_idx]), y[tune_idx])[0]
        prob = sentence_probabilities(model, [rows[i]["text"] for i in test_idx])
        oof[test_idx], oof_05[test_idx] = prob >= threshold, prob >= 0.5
        per_fold.append({"fold": k, "train": len(fit_idx), "tune": len(tune_idx), "test": len(test_idx),
                         "threshold": threshold, "macro_f1": float(f1_score(y[test_idx], oof[test_idx],
                                                                            average="macro")),
                         "macro_f1_at_0.5": float(f1_score(y[test_idx], oof_05[test_idx], average="macro"))})
        print(json.dumps(per_fold[-1]), flush=True)
    index: dict[str, int] = {}
    for g in groups:
        index.setdefault(g, len(index))

    def by_article(pred: np.ndarray) -> np.ndarray:
        out = np.zeros((len(index), 4))
        np.add.at(out, [index[g] for g in groups], np.array([binary_counts([a], [b]) for a, b in zip(y, pred)]))
        return out

    majority = np.full_like(y, int(y.mean() >= 0.5))
    result = {
        "data": f"BABE SG2 as staged here ({len(rows)} sentences with Biased/Non-biased, {len(index)} articles)",
        "protocol": __doc__.strip().split("\n\n", 2)[2].replace("\n", " "),
        "pooled_macro_f1": float(f1_score(y, oof, average="macro")),
        "pooled_macro_f1_ci95": list(bootstrap_ci(by_article(oof), binary_macro_f1)),
        "pooled_macro_f1_at_0.5": float(f1_score(y, oof_05, average="macro")),
        "fold_macro_f1_mean": float(np.mean([f["macro_f1"] for f in per_fold])),
        "fold_macro_f1_sd": float(np.std([f["macro_f1"] for f in per_fold], ddof=1)),
        "majority_macro_f1": float(f1_score(y, majority, average="macro")),
        "published_babe_macro_f1": 0.804,
        "folds": per_fold,
        "hyperparameters": vars(args) | {"out": str(args.out)},
        "minutes": round((time.time() - t0) / 60, 1),
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "folds"}, indent=1))


if __name__ == "__main__":
    main()
