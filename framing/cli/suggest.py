"""``framing suggest``: the sentences a model is least sure about, as a Label Studio import file.

    framing suggest corpus.jsonl --n 200 --out tasks.json
"""

from __future__ import annotations

import argparse
import sys

from framing.cli.parents import FIELDS, MODEL
from framing.errors import EXIT_OK

NAME = "suggest"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, parents=[MODEL, FIELDS],
                       help="pick the sentences a model is least sure about, as Label Studio tasks")
    p.add_argument("corpus", nargs="+", metavar="CORPUS", help="as for framing score: a folder or .jsonl/.csv/.parquet")
    p.add_argument("--n", type=int, default=200, help="how many sentences (default 200)")
    p.add_argument("--per-document", type=int, default=3, metavar="N", help="at most N per document (default 3)")
    p.add_argument("--out", required=True, metavar="FILE", help="Label Studio import file (JSON)")
    return p


def run(args: argparse.Namespace) -> int:
    """Write the tasks file and say how many sentences it holds."""
    from framing.training.suggest import write_suggestions

    s = write_suggestions(args.corpus, args.out, args.model, args.n, args.per_document, args.id_field,
                          args.text_field)
    print(f"framing: {s.tasks} sentences from {s.documents} documents ({s.skipped} without text skipped) "
          f"written to {s.out}", file=sys.stderr)
    return EXIT_OK
