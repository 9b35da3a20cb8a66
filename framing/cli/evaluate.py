"""``framing evaluate``: measure a model on annotated data and write the report folder.

    framing evaluate --data babe:FILE.csv --out report/  # metrics.json, report.html, summary.md
"""

from __future__ import annotations

import argparse
import sys

from framing.cli.parents import MODEL, PRECISION
from framing.errors import EXIT_OK

NAME = "evaluate"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, parents=[MODEL, PRECISION], help="measure a model on annotated data and write a report",
                       description="Formats (SPEC = FORMAT:PATH): ptc:ARTICLES_DIR,LABELS.tsv, "
                       "semeval2023:ARTICLES_DIR,SPANS.tsv, babe:FILE.csv, mbic:FILE.csv, jsonl:FILE.jsonl, "
                       "quotes:FILE.jsonl. Documents the model trained or tuned on are left out.")
    p.add_argument("--data", action="append", required=True, metavar="SPEC", help="annotated data; repeatable")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="report folder: new, empty or an earlier report (replaced when complete)")
    p.add_argument("--update-model", action="store_true",
                   help="also write the headline figures into the model's config and model card")
    p.add_argument("--int8", action="store_true", help="evaluate the int8 variant (FramingModel(quantize=True))")
    return p


def run(args: argparse.Namespace) -> int:
    """Write the report folder; print the headline table (progress goes to standard error)."""
    from framing.evaluation.evaluate import run_evaluation
    from framing.evaluation.report import summary_markdown

    metrics = run_evaluation(args.model, args.data, args.out, args.update_model,
                             log=lambda line: print(line, file=sys.stderr, flush=True), quantize=args.int8,
                             precision=args.precision)
    print(summary_markdown(metrics), end="")
    print(f"framing: report written to {args.out}/report.html", file=sys.stderr)
    return EXIT_OK
