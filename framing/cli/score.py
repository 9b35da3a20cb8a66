"""``framing score``: score a whole corpus into documents, sentences, spans and errors tables.

    framing score articles.jsonl --id-field ID --text-field content --out scores/
"""

from __future__ import annotations

import argparse
import sys

from framing.cli.parents import FIELDS, MODEL, PRECISION
from framing.errors import EXIT_OK

NAME = "score"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, parents=[MODEL, PRECISION, FIELDS],
                       help="score a whole corpus into documents/sentences/spans/errors tables",
                       description="INPUT: a folder of .txt/.md/.html files, .jsonl/.csv/.parquet files with an id "
                       "and a text column (other columns are kept as metadata), or a datasets save_to_disk folder. "
                       "Rerun the same command after an interruption to continue where it stopped.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="corpus files or folders, read in this order")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (new, or a run to continue)")
    p.add_argument("--batch-size", type=int, default=16, metavar="N", help="sentences per forward pass (default 16)")
    p.add_argument("--format", default="parquet", choices=["parquet", "jsonl", "csv"], help="table format")
    p.add_argument("--chunk-size", type=int, default=64, metavar="N",
                   help="documents per committed chunk (default 64)")
    p.add_argument("--engine", default="local", choices=["local", "ray"],
                   help="where to run: local (default) or ray (Ray Data; a local Ray unless --address)")
    p.add_argument("--address", metavar="ADDR", help="with --engine ray: an existing Ray cluster, e.g. ray://head:10001")
    return p


def run(args: argparse.Namespace) -> int:
    """Score the corpus (or continue the run in ``--out``) and say where the tables are."""
    from framing.batch.score import score_corpus

    state = score_corpus(args.inputs, args.out, args.model, args.batch_size, args.id_field, args.text_field,
                         args.format, args.chunk_size, engine=args.engine, address=args.address,
                         precision=args.precision)
    print(f"framing: {state['documents']:,} documents scored ({state['sentences']:,} sentences, "
          f"{state['spans']:,} spans), {state['errors']:,} not scored (see errors.{state['format']}); "
          f"tables in {args.out}", file=sys.stderr)
    if not state.get("input_documents"):
        print("framing: warning: the input held no documents; the tables have their columns and no rows",
              file=sys.stderr)
    return EXIT_OK
