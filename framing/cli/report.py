"""``framing report``: label rates and biased-sentence share per group of a scored corpus, with bootstrap CIs.

    framing report scores/ --by source --min-docs 20 --out by-source.csv   # and by-source.png
"""

from __future__ import annotations

import argparse
import sys

from framing.errors import EXIT_OK

NAME = "report"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="label rates and biased-sentence share per group, with bootstrap CIs",
                       description="Reads the documents table of a framing score output folder; writes a CSV and "
                       "a PNG (same name, .png) ranking the groups with 95% bootstrap intervals (documents resampled).")
    p.add_argument("folder", metavar="DIR", help="a framing score --out folder")
    p.add_argument("--by", required=True, metavar="COLUMN[,COLUMN...]",
                   help="metadata columns to group by, e.g. source or source,topic; month is taken from a date column")
    p.add_argument("--out", required=True, metavar="FILE", help="CSV file to write (the plot goes beside it, .png)")
    p.add_argument("--min-docs", type=int, default=1, metavar="N", help="leave out groups with fewer documents")
    p.add_argument("--resamples", type=int, default=1000, metavar="N", help="bootstrap resamples (default 1000)")
    p.add_argument("--voice", default="writer", choices=["writer", "quoted"],
                   help="count span labels in the writer's own words (default) or inside attributed quotations")
    return p


def run(args: argparse.Namespace) -> int:
    """Write the CSV and the PNG beside it."""
    from framing.batch.report import write_report

    by = [key.strip() for key in args.by.split(",") if key.strip()]
    csv, png = write_report(args.folder, by, args.out, args.min_docs, args.resamples, args.voice)
    print(f"framing: wrote {csv} and {png}", file=sys.stderr)
    return EXIT_OK
