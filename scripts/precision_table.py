"""The accuracy rule for precision modes: fp32 against each faster mode, figure by figure.

Reads ``metrics.json`` of ``framing evaluate`` runs with forced modes (the ``make evaluate`` data), prints
the headline figures side by side with the change in points, and says whether each mode meets the rule
(every figure within 0.5 points of fp32). ``--update-model DIR`` writes the table into the model's
config (``metrics.precision``) and re-renders its model card.

    make evaluate EVAL_FLAGS="--precision fp32" && cp -r reports/default /tmp/fp32
    make evaluate EVAL_FLAGS="--precision bf16" && cp -r reports/default /tmp/bf16
    python scripts/precision_table.py /tmp/fp32/metrics.json bf16=/tmp/bf16/metrics.json [--update-model DIR]
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from framing.evaluation.report import headline, short_name  # noqa: E402

LIMIT = 0.5  # points


def figures(path: str) -> tuple[str, dict[tuple[str, str], float]]:
    """The precision a metrics.json was measured in and its headline values by (figure, data)."""
    metrics = json.loads(Path(path).read_text(encoding="utf-8"))
    mode = metrics["model"].get("precision", "int8" if metrics["model"].get("int8") else "fp32")
    values = {(r["figure"], short_name(r["data"])): r["model"]["value"] for r in headline(metrics)}
    for spec, ds in metrics["datasets"].items():  # the news dev split's phrase figures count too (writer voice)
        phrases = ds.get("phrases")
        if phrases:
            writer = phrases["micro"]["writer"]
            for kind in ("precision", "recall", "f1"):
                values[(f"micro phrase {kind}, writer voice", short_name(spec))] = writer[kind]["value"]
    return mode, values


def compare(fp32_path: str, others: dict[str, str]) -> dict:
    """``{"rows": [{"figure", "data", "fp32", MODE...}], "worst": {MODE: points}, "meets_rule": {MODE: bool}}``."""
    mode, base = figures(fp32_path)
    if mode != "fp32":
        raise SystemExit(f"{fp32_path}: measured in {mode}, not fp32")
    rows = [{"figure": f, "data": d, "fp32": round(v, 4)} for (f, d), v in base.items()]
    worst = {}
    for name, path in others.items():
        measured, values = figures(path)
        if measured != name:
            raise SystemExit(f"{path}: measured in {measured}, not {name}")
        if values.keys() != base.keys():
            raise SystemExit(f"{path}: other figures than {fp32_path} (evaluate both on the same data)")
        for row in rows:
            row[name] = round(values[(row["figure"], row["data"])], 4)
        worst[name] = max(abs(values[k] - base[k]) * 100 for k in base)
    return {"rows": rows, "worst": worst, "meets_rule": {m: w <= LIMIT for m, w in worst.items()}}


def markdown(table: dict) -> str:
    modes = list(table["worst"])
    lines = ["| figure | data | fp32 | " + " | ".join(f"{m} | change (points)" for m in modes) + " |",
             "|---|---|---|" + "---|---|" * len(modes)]
    for r in table["rows"]:
        cells = [f"{r[m]:.3f} | {100 * (r[m] - r['fp32']):+.2f}" for m in modes]
        lines.append(f"| {r['figure']} | `{r['data']}` | {r['fp32']:.3f} | " + " | ".join(cells) + " |")
    for m in modes:
        lines.append(f"\n{m}: largest change {table['worst'][m]:.2f} points; "
                     f"{'meets' if table['meets_rule'][m] else 'fails'} the {LIMIT}-point rule")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fp32", help="metrics.json of the fp32 run")
    ap.add_argument("modes", nargs="+", metavar="MODE=METRICS", help="e.g. bf16=/tmp/bf16/metrics.json")
    ap.add_argument("--update-model", metavar="DIR", help="write the table into this model's record and card")
    ap.add_argument("--note", default="", help="with --update-model: the sentence above the table")
    args = ap.parse_args()
    table = compare(args.fp32, dict(m.split("=", 1) for m in args.modes))
    print(markdown(table), end="")
    if args.update_model:
        from framing.model_card import update_folder
        from framing.model_files import CARD_NAME, RECORD_NAME

        precision = {"created": datetime.date.today().isoformat(), "note": args.note, "limit_points": LIMIT, **table}
        update_folder(args.update_model, lambda record: record.metrics.update(precision=precision))
        print(f"written into {args.update_model}/{RECORD_NAME} and {CARD_NAME}", file=sys.stderr)


if __name__ == "__main__":
    main()
