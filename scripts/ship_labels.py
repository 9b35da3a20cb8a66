"""Keep in the default model only the span labels an editor would keep: news-dev precision >= 0.6 on >= 20 examples.

    python scripts/ship_labels.py /tmp/news-v1 --out models/framing-default

Measures every tagged span label on the news dev split (phrase level, writer voice; the split is not
trained or tuned on, and this is the only decision taken on it: keep the label or not, never a
threshold), and the quotation-mark label the same way on the news dev split pooled with the scare-quote
dev extension (data/quotes/dev_extension.jsonl: every quotation of 300 unseen New York Times news
articles), since the news dev split alone holds 11 writer-voice scare quotes. Labels that pass are kept
with their weights and thresholds; the others are removed from the label set, and the reason, with
the numbers, is recorded in the model's training record (shown in its model card).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from framing.data.gold import load_gold
from framing.evaluation.evaluate import evaluate
from framing.labels import LabelSet
from framing.modeling import FramingModel
from framing.training.run import start_model

MIN_PRECISION, MIN_EXAMPLES = 0.6, 20
DEV = Path(__file__).resolve().parent.parent / "data" / "framing" / "dev.jsonl"
EXTENSION = Path(__file__).resolve().parent.parent / "data" / "quotes" / "dev_extension.jsonl"


def decide(model: FramingModel) -> dict[str, dict]:
    """Per span label: its precision, gold examples, where measured, and whether it ships."""
    labels = model.config.labelset
    out = {}
    for names, spec in ((labels.tagged_labels, f"framing:{DEV}"),
                        ((labels.quote_label,) if labels.quote_label else (), f"framing:{DEV}+quotes:{EXTENSION}")):
        if not names:
            continue
        gold = load_gold(spec, labels)
        phrases = evaluate(model, [gold])["datasets"][gold.spec]["phrases"]["labels"]
        for name in names:
            row = phrases[name]["writer"]
            out[name] = {"data": "news dev split" + (" + scare-quote dev extension" if "+" in spec else "")
                         + ", writer voice", "precision": round(row["precision"]["value"], 3),
                         "precision_ci95": [round(x, 3) for x in row["precision"]["ci95"]], "gold": row["gold"],
                         "predicted": row["predicted"]}
    for row in out.values():
        row["ships"] = row["precision"] >= MIN_PRECISION and row["gold"] >= MIN_EXAMPLES
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    model = FramingModel.from_pretrained(args.model)
    decisions = decide(model)
    print(json.dumps(decisions, indent=1))
    old = model.config.labelset
    keep = [n for n in old.span_labels if decisions[n]["ships"]]
    labelset = LabelSet(tuple(keep), old.sentence_labels,
                        {n: old.description(n) for n in (*keep, *old.sentence_labels)},
                        old.quote_label if old.quote_label in keep else None)
    new = start_model(labelset, str(args.model))
    new.config.thresholds = {k: v for k, v in model.config.thresholds.items() if k in keep or k in old.sentence_labels}
    metrics = dict(model.record.metrics)
    metrics["spans"] = {k: v for k, v in metrics.get("spans", {}).items() if k in keep}
    if not metrics["spans"]:
        del metrics["spans"]  # the tagger's PTC figures belong to labels that were left out
    new.record.metrics = metrics
    # a model shipped before keeps the decisions on the labels it had already left out
    earlier = model.record.training.get("label_decision", {})
    earlier_out = [n for n in earlier.get("left_out", []) if n not in decisions]
    new.record.training = dict(model.record.training) | {"label_decision": {
        "rule": f"a span label ships only if its precision is at least {MIN_PRECISION} with at least {MIN_EXAMPLES} "
                "dev examples", "labels": {**{n: earlier["labels"][n] for n in earlier_out}, **decisions},
        "kept": keep, "left_out": earlier_out + [n for n in old.span_labels if n not in keep]}}
    new.network.eval()
    new.save_pretrained(args.out)
    print(f"kept {keep}; left out {[n for n in old.span_labels if n not in keep]}; written to {args.out}")


if __name__ == "__main__":
    main()
