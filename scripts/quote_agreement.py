"""Inter-annotator agreement on the doubly annotated quotes: Cohen's kappa (scikit-learn).

    python scripts/quote_agreement.py --second /tmp/quote_labels/kappa_200_second.jsonl

The second pass of the scare-quote dev extension (150 random quotations of data/quotes/dev_extension.jsonl):

    python scripts/quote_agreement.py --second /tmp/qdev_double_labels/qdev_double.jsonl

Merges the second pass into data/quotes/double_annotation.jsonl (ids with both labels, no text; rows
of other ids, e.g. an earlier round's, are kept) and prints kappa for the five labels and for SCARE
against the rest, with the confusion matrix, for all rows and for each annotation round.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sklearn.metrics import cohen_kappa_score, confusion_matrix

from framing.data.quote_corpus import annotation_round
from framing.labels import QUOTE_CLASSES

CORPORA = (Path("data/quotes/quotes.jsonl"), Path("data/quotes/dev_extension.jsonl"))
OUT = Path("data/quotes/double_annotation.jsonl")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--second", type=Path, help="second-pass labels to merge in (id, label, confidence, reason)")
    args = ap.parse_args()
    first = {r["id"]: r for path in CORPORA for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    rows = [json.loads(x) for x in OUT.read_text(encoding="utf-8").splitlines()] if OUT.exists() else []
    if args.second:
        new = {}
        for line in args.second.read_text(encoding="utf-8").splitlines():
            if line.strip():
                s = json.loads(line)
                new[s["id"]] = {"id": s["id"], "first": first[s["id"]]["label"], "second": s["label"],
                                "second_confidence": s["confidence"], "second_reason": s["reason"]}
        rows = [r for r in rows if r["id"] not in new] + list(new.values())
        OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    by_round: dict[str, list[dict]] = {}
    for r in rows:
        by_round.setdefault(annotation_round(first[r["id"]]["batch"]), []).append(r)
    for name, part in sorted(by_round.items()):
        print(f"{name}: {len(part)} quotes, Cohen's kappa 5 labels "
              f"{cohen_kappa_score([r['first'] for r in part], [r['second'] for r in part]):.3f}, SCARE vs rest "
              f"{cohen_kappa_score([r['first'] == 'SCARE' for r in part], [r['second'] == 'SCARE' for r in part]):.3f}")
    a, b = [r["first"] for r in rows], [r["second"] for r in rows]
    print(f"{len(rows)} quotes labelled twice")
    print(f"Cohen's kappa, 5 labels: {cohen_kappa_score(a, b):.3f}")
    scare = cohen_kappa_score([x == "SCARE" for x in a], [x == "SCARE" for x in b])
    print(f"Cohen's kappa, SCARE vs rest: {scare:.3f}")
    print(f"raw agreement: {sum(x == y for x, y in zip(a, b)) / len(rows):.3f}")
    print("confusion (rows first pass, columns second pass):", ", ".join(QUOTE_CLASSES))
    print(confusion_matrix(a, b, labels=list(QUOTE_CLASSES)))


if __name__ == "__main__":
    main()
