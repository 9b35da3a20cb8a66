"""The ``framing`` command line. Each command parses its arguments and calls library functions.

    framing check article.txt                      # highlighted article and per-sentence summary
    framing check - --json < article.txt           # DocumentResult as JSON
    framing check draft.txt --fail-on SCARE_QUOTE  # exit 1 when a scare quote is flagged
    framing check --compare old.txt new.txt        # flags added and removed between drafts
    framing evaluate --data babe:FILE.csv --out report/  # metrics.json, report.html, summary.md
    framing serve                                  # the draft-check page on http://127.0.0.1:8000/
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from dataclasses import asdict

from framing.cli.prepare import add_prepare_parser, prepare_cli
from framing.data.documents import read_document
from framing.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_PIPE_CLOSED, FramingError
from framing.nn.precision import CHOICES as PRECISIONS
from framing.nn.precision import ENV_VAR as PRECISION_ENV


def check(path: str, as_json: bool, model_dir: str | None, fail_on: list[str] | None = None,
          show_quoted: bool = False, precision: str | None = None, sensitivity: float = 0.0) -> int:
    """Run the model over one document and print it; returns 1 when a ``--fail-on`` rule is broken.

    The terminal shows writer-voice flags (``show_quoted`` adds those inside attributed quotations);
    ``--json`` carries every flag with its ``voice``."""
    text = read_document(path)
    from rich.console import Console

    from framing.modeling import FramingModel
    from framing.pipeline.gate import failures, parse_fail_on

    model = FramingModel.from_pretrained(model_dir, precision=precision, one_shot=True)  # framing.runtime
    labels = model.config.labelset
    rules = [parse_fail_on(rule, labels) for rule in fail_on or []]
    result = model.predict(text, sensitivity)
    if as_json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from framing.cli.render import render

        render(result, labels, Console(highlight=False), show_quoted)
    broken = failures(result, rules, labels)
    for failure in broken:
        print(f"framing: fail: {failure.describe()}", file=sys.stderr)
    return 1 if broken else 0


def compare_drafts(old_path: str, new_path: str, as_json: bool, model_dir: str | None,
                   precision: str | None = None) -> int:
    """Print the flags added and removed between two drafts."""
    old_text, new_text = read_document(old_path), read_document(new_path)
    from framing.modeling import FramingModel
    from framing.pipeline.gate import compare

    model = FramingModel.from_pretrained(model_dir, precision=precision, one_shot=True)  # framing.runtime
    old, new = model.predict_many([old_text, new_text])
    added, removed = compare(old, new)
    if as_json:
        json.dump({"added": [asdict(s) for s in added], "removed": [asdict(s) for s in removed]},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    for sign, spans, result in (("+", added, new), ("-", removed, old)):
        for s in spans:
            print(f"{sign} {s.label} {s.text!r} ({s.score:.2f}) in: {result.sentences[s.sentence].text}")
    print(f"{len(added)} flag{'s' * (len(added) != 1)} added, {len(removed)} removed "
          f"({old_path}: {len(old.spans)}, {new_path}: {len(new.spans)}).")
    return 0


def evaluate(model_dir: str | None, specs: list[str], out: str, update_model: bool, int8: bool = False,
             precision: str | None = None) -> int:
    """Evaluate a model on annotated data and write the report folder; prints the headline table."""
    from framing.evaluation.evaluate import run_evaluation
    from framing.evaluation.report import summary_markdown

    metrics = run_evaluation(model_dir, specs, out, update_model,
                             log=lambda line: print(line, file=sys.stderr, flush=True), quantize=int8,
                             precision=precision)
    print(summary_markdown(metrics), end="")
    print(f"framing: report written to {out}/report.html", file=sys.stderr)
    return 0


def _sensitivity(value: str) -> float:
    try:
        s = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not -1.0 <= s <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is outside -1 to 1")
    return s


def add_precision(p: argparse.ArgumentParser) -> None:
    p.add_argument("--precision", choices=PRECISIONS, metavar="{" + ",".join(PRECISIONS) + "}",
                   help=f"inference precision (default: ${PRECISION_ENV}, else auto: bf16 where the CPU runs it "
                   "natively, fp32 elsewhere; int8 is for experiments)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Mark framing devices in news articles.")
    sub = parser.add_subparsers(dest="command", required=True)
    with_model = argparse.ArgumentParser(add_help=False)  # the one --model, shared by every command that loads one
    with_model.add_argument("--model", metavar="DIR", help="model folder (default: the shipped default model)")
    p = sub.add_parser("check", parents=[with_model], help="flag framing devices in one article")
    p.add_argument("file", nargs="?", help="UTF-8 text file, or - for standard input")
    p.add_argument("--json", action="store_true", help="print DocumentResult.to_dict() as JSON")
    add_precision(p)
    p.add_argument("--fail-on", action="append", metavar="LABEL[:THRESHOLD]",
                   help="exit 1 when LABEL is flagged (at or above THRESHOLD, if given); repeatable")
    p.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="show flags added and removed between drafts")
    p.add_argument("--sensitivity", type=_sensitivity, default=0.0, metavar="S",
                   help="-1 (only the surest flags) to 1 (more flags, more false alarms); 0 is the tuned thresholds; "
                        "the same scale as the page's slider")
    p.add_argument("--quoted", action="store_true",
                   help="also show flags inside attributed quotations (the writer's own words are shown by default)")
    p = sub.add_parser("evaluate", parents=[with_model], help="measure a model on annotated data and write a report",
                       description="Formats (SPEC = FORMAT:PATH): ptc:ARTICLES_DIR,LABELS.tsv, "
                       "semeval2023:ARTICLES_DIR,SPANS.tsv, babe:FILE.csv, mbic:FILE.csv, jsonl:FILE.jsonl, "
                       "quotes:FILE.jsonl. Documents the model trained or tuned on are left out.")
    add_precision(p)
    p.add_argument("--data", action="append", required=True, metavar="SPEC", help="annotated data; repeatable")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="report folder: new, empty or an earlier report (replaced when complete)")
    p.add_argument("--update-model", action="store_true",
                   help="also write the headline figures into the model's config and model card")
    p.add_argument("--int8", action="store_true", help="evaluate the int8 variant (FramingModel(quantize=True))")
    p = sub.add_parser("score", parents=[with_model],
                       help="score a whole corpus into documents/sentences/spans/errors tables",
                       description="INPUT: a folder of .txt/.md/.html files, .jsonl/.csv/.parquet files with an id "
                       "and a text column (other columns are kept as metadata), or a datasets save_to_disk folder. "
                       "Rerun the same command after an interruption to continue where it stopped.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="corpus files or folders, read in this order")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (new, or a run to continue)")
    add_precision(p)
    p.add_argument("--batch-size", type=int, default=16, metavar="N", help="sentences per forward pass (default 16)")
    p.add_argument("--id-field", default="id", metavar="NAME", help="id column of table inputs (default id)")
    p.add_argument("--text-field", default="text", metavar="NAME", help="text column of table inputs (default text)")
    p.add_argument("--format", default="parquet", choices=["parquet", "jsonl", "csv"], help="table format")
    p.add_argument("--chunk-size", type=int, default=64, metavar="N",
                   help="documents per committed chunk (default 64)")
    p.add_argument("--engine", default="local", choices=["local", "ray"],
                   help="where to run: local (default) or ray (Ray Data; a local Ray unless --address)")
    p.add_argument("--address", metavar="ADDR", help="with --engine ray: an existing Ray cluster, e.g. ray://head:10001")
    p = sub.add_parser("report", help="label rates and biased-sentence share per group, with bootstrap CIs",
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
    p = sub.add_parser("train", help="train a model on your own label set from annotation exports",
                       description="Validate annotations (Label Studio, doccano, stand-off TSV, CSV or our JSONL) "
                       "against a label-set file, then fine-tune a model folder like models/framing-default.")
    p.add_argument("--labels", required=True, metavar="LABELSET", help="label-set file (JSON or YAML)")
    p.add_argument("--train", required=True, metavar="FILE",
                   help="training annotations (stand-off: TEXTS_DIR,LABELS.tsv)")
    p.add_argument("--dev", required=True, metavar="FILE",
                   help="dev annotations: early stopping and the model card's metrics")
    p.add_argument("--out", required=True, metavar="DIR", help="new model folder (written when training ends)")
    p.add_argument("--format", choices=["labelstudio", "doccano", "standoff", "csv", "jsonl"],
                   help="annotation format of --train and --dev (default: detected from each file)")
    p.add_argument("--epochs", type=int, default=20, metavar="N", help="at most N epochs (default 20)")
    p.add_argument("--patience", type=int, default=3, metavar="N",
                   help="stop after N epochs without a better dev F1 (default 3)")
    p.add_argument("--base", metavar="DIR", help="start from this model folder instead of the bare base encoder")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from OUT.checkpoint/")
    p.add_argument("--dry-run", action="store_true", help="import and validate only; train nothing")
    p.add_argument("--batch-size", type=int, default=16, metavar="N", help="sentences per batch (default 16)")
    p.add_argument("--lr", type=float, default=1e-3, help="peak learning rate (default 0.001)")
    p.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
    p = sub.add_parser("suggest", parents=[with_model],
                       help="pick the sentences a model is least sure about, as Label Studio tasks")
    p.add_argument("corpus", nargs="+", metavar="CORPUS", help="as for framing score: a folder or .jsonl/.csv/.parquet")
    p.add_argument("--n", type=int, default=200, help="how many sentences (default 200)")
    p.add_argument("--per-document", type=int, default=3, metavar="N", help="at most N per document (default 3)")
    p.add_argument("--out", required=True, metavar="FILE", help="Label Studio import file (JSON)")
    p.add_argument("--id-field", default="id", metavar="NAME", help="id column of table inputs (default id)")
    p.add_argument("--text-field", default="text", metavar="NAME", help="text column of table inputs (default text)")
    add_prepare_parser(sub, [with_model])
    p = sub.add_parser("serve", parents=[with_model],
                       help="the draft-check web page and JSON API (loopback only by default)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    add_precision(p)
    p.add_argument("--max-chars", type=int, default=200_000, metavar="N",
                   help="longest text one request may send (default 200000); longer gets HTTP 413")
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from installed packages only
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check" and (args.file is None) == (args.compare is None):
        parser.error("check needs either FILE or --compare OLD NEW")
    try:
        if args.command == "check" and args.compare:
            return compare_drafts(*args.compare, args.json, args.model, args.precision)
        if args.command == "check":
            return check(args.file, args.json, args.model, args.fail_on, args.quoted, args.precision,
                         args.sensitivity)
        if args.command == "evaluate":
            return evaluate(args.model, args.data, args.out, args.update_model, args.int8, args.precision)
        if args.command == "score":
            from framing.batch.score import score_cli

            return score_cli(args)
        if args.command == "report":
            from framing.batch.report import report_cli

            return report_cli(args)
        if args.command == "train":
            from framing.training.run import train_cli

            return train_cli(args)
        if args.command == "suggest":
            from framing.training.suggest import suggest_cli

            return suggest_cli(args)
        if args.command == "prepare":
            return prepare_cli(args)
        if args.command == "serve":
            from framing.web.app import serve

            serve(args.host, args.port, args.model, args.max_chars, args.precision)
            return 0
    except FramingError as e:
        print(f"framing: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader went away (`framing check x | head -1`): not an error of the input
        _silence_stdout()
        return EXIT_PIPE_CLOSED
    except KeyboardInterrupt:
        print("framing: interrupted", file=sys.stderr)
        return 130
    except Exception:  # a bug: keep the traceback, and an exit code no user error has
        traceback.print_exc()
        print(f"framing: internal error (a bug, not your input); please report the traceback above "
              f"(exit code {EXIT_INTERNAL})", file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
