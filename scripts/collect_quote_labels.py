"""Merge annotators' label files with the candidate batches into the stand-off corpus in data/quotes/.

    python scripts/collect_quote_labels.py --batches /tmp/quote_batches --labels /tmp/quote_labels

Records of batches that are not in --batches (an earlier round) are kept as they are; a batch that is
collected again replaces its own records. Batches of whole articles (``quote_candidates.py --whole-articles``)
are collected with ``--scope article``, which records that every quotation of those articles is labelled:

    python scripts/collect_quote_labels.py --batches /tmp/qdev_batches --labels /tmp/qdev_labels \
        --out data/quotes/dev_extension.jsonl --scope article
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

KEEP = ("id", "corpus", "doc_id", "source", "sha256", "start", "end", "inner_start", "inner_end")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--batches", type=Path, required=True)
    ap.add_argument("--labels", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("data/quotes/quotes.jsonl"))
    ap.add_argument("--scope", choices=("quote", "article"), default="quote",
                    help="article: the batches hold every quotation of their articles")
    args = ap.parse_args()
    batches = sorted(args.batches.glob("*batch_*.jsonl"))
    names = {b.stem for b in batches}
    out = []
    if args.out.exists():
        earlier = [json.loads(x) for x in args.out.read_text(encoding="utf-8").splitlines() if x.strip()]
        out = [r for r in earlier if r["batch"] not in names]
        print(f"{args.out}: {len(out)} records of earlier batches kept")
    for batch in batches:
        labels_path = args.labels / batch.name
        if not labels_path.exists():
            print(f"{labels_path}: missing, batch skipped")
            continue
        cands = [json.loads(x) for x in batch.read_text(encoding="utf-8").splitlines()]
        labels = {}
        for x in labels_path.read_text(encoding="utf-8").splitlines():
            if x.strip():
                rec = json.loads(x)
                labels[rec["id"]] = rec
        done = [c for c in cands if c["id"] in labels]
        print(f"{batch.name}: {len(done)}/{len(cands)} labelled")
        if args.scope == "article" and len(done) < len(cands):
            raise SystemExit(f"{labels_path}: {len(cands) - len(done)} quotations unlabelled; a whole-article batch "
                             "must be labelled completely")
        for c in done:
            lab = labels[c["id"]]
            out.append({**{k: c[k] for k in KEEP}, "label": lab["label"], "confidence": lab["confidence"],
                        "reason": lab["reason"], "batch": batch.stem,
                        **({"scope": "article"} if args.scope == "article" else {})})
    out.sort(key=lambda r: (r["corpus"], r["doc_id"], r["start"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(out)} records -> {args.out}: {dict(Counter(r['label'] for r in out))}; "
          f"{len({r['source'] for r in out})} sources")


if __name__ == "__main__":
    main()
