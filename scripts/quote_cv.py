"""Cross-validated quotation-mark classification, split by document, against the rule baseline.

    python scripts/quote_cv.py --folds 5 --epochs 3 --model-dir models/framing-default

Each fold trains the encoder's LoRA adapters and the quote head from the base encoder on the
quotes of the other folds' documents only (no document on both sides), then predicts the held-out
documents. Predictions of all folds are pooled for the report. The rule baseline (a quote of at most
4 words with no reporting verb in its sentence is SCARE) is scored on the same quotes. With
--model-dir the results are written into that model's card.

With --news, every fold also trains on the quotations of the news framing corpus's train articles that
are not in the quote corpus (SCARE where annotators marked a scare quote, else "not SCARE": a partial
label, see framing.training.steps.quote_loss). No news dev article is used, and the held-out documents
are only ever quote-corpus documents. Besides the most likely class, the report gives SCARE-vs-rest at
P(SCARE) >= --threshold, the decision rule the shipped model applies (its SCARE_QUOTE threshold).

The corpus grows in annotation rounds (a record's `batch`: `batch_NN` is round 1, `r2_batch_NN` round 2).
Folds are drawn per round and merged fold by fold, so round 1's held-out documents are the same in every
run whatever later rounds add: a paired comparison with earlier runs. The report gives the pooled
figures for all quotes and for each round.

With --work DIR every finished fold is kept there, and a rerun with the same settings starts at the first
missing fold (a long run survives an interruption).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import classification_report, confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold

from framing.config import FramingConfig
from framing.data.quote_corpus import annotation_round
from framing.evaluation.baselines import rule_is_scare
from framing.labels import QUOTE_CLASSES, SCARE_CLASS
from framing.modeling import FramingModel
from framing.training.default_data import quote_corpus_ids, quote_examples_by_document  # noqa: I001
from framing.training.examples import QuoteExample
from framing.training.loop import LoopOptions, fit
from framing.training.news_recipe import NewsData, quote_examples
from framing.training.steps import quote_probabilities

CORPUS = Path(__file__).resolve().parent.parent / "data" / "quotes" / "quotes.jsonl"


def news_quotes() -> list[QuoteExample]:
    """Quote examples from the news corpus's train articles that are not quote-corpus documents."""
    news = NewsData.load()
    return quote_examples(news.fit + news.tune, QUOTE_CLASSES, skip=quote_corpus_ids(CORPUS))


def document_rounds(path: Path) -> dict[str, str]:
    """``"corpus:doc_id"`` -> the annotation round of its records (``"round 1"``, ``"round 2"``, ...)."""
    rounds = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            rounds[f"{rec['corpus']}:{rec['doc_id']}"] = annotation_round(rec["batch"])
    return rounds


def folds_by_round(groups: list[str], rounds: dict[str, str], n_folds: int) -> list[np.ndarray]:
    """Held-out example indices of each fold: a GroupKFold split of every round on its own, merged."""
    held: list[list[int]] = [[] for _ in range(n_folds)]
    for name in sorted({rounds[g] for g in groups}):  # only the rounds present (e.g. under --limit)
        idx = [i for i, g in enumerate(groups) if rounds[g] == name]
        for k, (_, test) in enumerate(GroupKFold(n_splits=n_folds).split(idx, groups=[groups[i] for i in idx])):
            held[k] += [idx[j] for j in test]
    return [np.array(sorted(h)) for h in held]


def train_fold(train: list[QuoteExample], epochs: int, batch_size: int, lr: float, seed: int) -> FramingModel:
    torch.manual_seed(seed)
    model = FramingModel.from_base(FramingConfig())
    fit(model, {"quote": train}, LoopOptions(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed),
        log=lambda line: None)
    return model


def report(gold: np.ndarray, pred: np.ndarray, scare: int) -> dict:
    p, r, f, _ = precision_recall_fscore_support(gold == scare, pred == scare, average="binary", zero_division=0)
    return {"scare_precision": float(p), "scare_recall": float(r), "scare_f1": float(f)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--news", action="store_true", help="also train every fold on the news corpus's quotations")
    ap.add_argument("--threshold", type=float, default=0.4, help="P(SCARE) decision threshold also reported")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, help="only the first N documents (and N news sentences): a smoke test")
    ap.add_argument("--model-dir", type=Path, help="write the results into this model's card")
    ap.add_argument("--out", type=Path,
                    help="results file (default docs/quote_cv.json; with --news docs/quote_cv_news.json)")
    ap.add_argument("--card-only", action="store_true", help="no training: write --out's results into --model-dir")
    ap.add_argument("--predictions", type=Path,
                    help="also write every held-out quote's class probabilities here (JSON Lines: document, "
                         "sentence, inner offsets in it, gold class, probabilities), e.g. for a second-stage model")
    ap.add_argument("--work", type=Path, help="keep each finished fold here; a rerun resumes at the first missing one")
    args = ap.parse_args()
    args.out = args.out or Path("docs/quote_cv_news.json" if args.news else "docs/quote_cv.json")
    if args.card_only:
        if not args.model_dir:
            ap.error("--card-only needs --model-dir")
        write_card(args.model_dir, json.loads(args.out.read_text(encoding="utf-8")))
        return
    torch.set_num_threads(args.threads)
    t0 = time.time()
    examples, groups = [], []
    for (corpus, doc_id), found in list(quote_examples_by_document(CORPUS).items())[: args.limit]:
        examples += found
        groups += [f"{corpus}:{doc_id}"] * len(found)
    scare = QUOTE_CLASSES.index(SCARE_CLASS)
    extra = news_quotes()[: args.limit] if args.news else []
    if extra:
        print(f"news quotations: {sum(len(e.quotes) for e in extra)} in {len(extra)} sentences", flush=True)
    names = list(QUOTE_CLASSES)
    rounds = document_rounds(CORPUS)
    settings = {"folds": args.folds, "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
                "seed": args.seed, "news": args.news, "threads": args.threads, "limit": args.limit,
                "quotes": sum(len(e.quotes) for e in examples)}
    gold_all, pred_all, rule_all, p_scare, rows, round_all = [], [], [], [], [], []
    for fold, test_idx in enumerate(folds_by_round(groups, rounds, args.folds)):
        done = args.work / f"fold_{fold}.npz" if args.work else None
        kept = np.load(done) if done and done.exists() else None
        if kept is not None and json.loads(str(kept["settings"])) == settings:
            probs, gold = kept["probs"], kept["gold"]
            print(f"fold {fold}: kept from {done}", flush=True)
        else:
            held_out = set(test_idx.tolist())
            train = [e for i, e in enumerate(examples) if i not in held_out] + extra
            model = train_fold(train, args.epochs, args.batch_size, args.lr, args.seed + fold)
            probs, gold = quote_probabilities(model, [examples[i] for i in test_idx])
            if done:
                args.work.mkdir(parents=True, exist_ok=True)
                partial = done.with_suffix(".partial.npz")
                np.savez(partial, probs=probs, gold=gold, settings=json.dumps(settings))
                partial.replace(done)  # a fold file is whole or absent
        held = [examples[i] for i in test_idx]
        rule = np.array([scare if rule_is_scare(e.text, q.inner_start, q.inner_end) else -1
                         for e in held for q, _ in e.quotes])
        quotes = [(groups[i], examples[i].text, q) for i in test_idx for q, _ in examples[i].quotes]
        round_all += [rounds[doc] for doc, _, _ in quotes]
        rows += [{"document": doc, "sentence": text, "inner_start": q.inner_start, "inner_end": q.inner_end,
                  "gold": names[int(g)], "probabilities": [round(float(x), 6) for x in p]}
                 for (doc, text, q), g, p in zip(quotes, gold, probs)]
        gold_all.append(gold)
        pred_all.append(probs.argmax(1))
        p_scare.append(probs[:, scare])
        rule_all.append(rule)
        f1_at = report(gold, np.where(probs[:, scare] >= args.threshold, scare, -1), scare)["scare_f1"]
        print(f"fold {fold}: {len(gold)} quotes, SCARE F1 model {report(gold, probs.argmax(1), scare)['scare_f1']:.3f}"
              f", at P(SCARE) >= {args.threshold}: {f1_at:.3f}"
              f", rule {report(gold, rule, scare)['scare_f1']:.3f} ({(time.time() - t0) / 60:.1f} min)", flush=True)
    if args.predictions:
        args.predictions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    gold, pred, rule = np.concatenate(gold_all), np.concatenate(pred_all), np.concatenate(rule_all)
    at_threshold = np.where(np.concatenate(p_scare) >= args.threshold, scare, -1)
    in_round = np.array(round_all)
    by_round = {name: {"quotes": int((in_round == name).sum()),
                       "model": report(gold[in_round == name], pred[in_round == name], scare),
                       "model_at_threshold": report(gold[in_round == name], at_threshold[in_round == name], scare)}
                for name in sorted(set(round_all))}
    result = {
        "data": f"data/quotes/quotes.jsonl, {len(gold)} quotes in {len(set(groups))} documents, "
                f"{args.folds}-fold cross-validation grouped by document (quote head trained on quotes only"
                + (f", plus {sum(len(e.quotes) for e in extra)} news-corpus quotations" if extra else "") + ")",
        "model": report(gold, pred, scare),
        "model_at_threshold": {"threshold": args.threshold, **report(gold, at_threshold, scare)},
        "rule": report(gold, rule, scare),
        "by_round": by_round,
        "report": classification_report(gold, pred, labels=list(range(len(names))), target_names=names,
                                        zero_division=0, digits=3),
        "confusion": confusion_matrix(gold, pred, labels=list(range(len(names)))).tolist(),
        "rule_confusion_scare_vs_rest": confusion_matrix(gold == scare, rule == scare).tolist(),
        "labels": names,
        "settings": settings,
        "minutes": round((time.time() - t0) / 60, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("model", "model_at_threshold", "rule", "by_round", "confusion")},
                     indent=1))
    print(result["report"])
    if args.model_dir:
        write_card(args.model_dir, result)


def write_card(model_dir: Path, result: dict) -> None:
    """Store the cross-validation results in a model's record and re-render its card."""
    model = FramingModel.from_pretrained(model_dir)
    model.record.metrics["quotes_cv"] = result
    model.save_pretrained(model_dir)


if __name__ == "__main__":
    main()
