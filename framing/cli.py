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
from dataclasses import asdict

from framing.inputs import InputError, read_document


def check(path: str, as_json: bool, model_dir: str | None, fail_on: list[str] | None = None) -> int:
    """Run the model over one document and print it; returns 1 when a ``--fail-on`` rule is broken."""
    text = read_document(path)
    from rich.console import Console

    from framing.gate import failures, parse_fail_on
    from framing.modeling import FramingModel

    model = FramingModel.from_pretrained(model_dir)
    labels = model.config.labelset
    rules = [parse_fail_on(rule, labels) for rule in fail_on or []]
    result = model.predict(text)
    if as_json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from framing.render import render

        render(result, labels, Console(highlight=False))
    broken = failures(result, rules, labels)
    for failure in broken:
        print(f"framing: fail: {failure.describe()}", file=sys.stderr)
    return 1 if broken else 0


def compare_drafts(old_path: str, new_path: str, as_json: bool, model_dir: str | None) -> int:
    """Print the flags added and removed between two drafts."""
    old_text, new_text = read_document(old_path), read_document(new_path)
    from framing.gate import compare
    from framing.modeling import FramingModel

    model = FramingModel.from_pretrained(model_dir)
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


def evaluate(model_dir: str | None, specs: list[str], out: str, update_model: bool) -> int:
    """Evaluate a model on annotated data and write the report folder; prints the headline table."""
    from framing.evaluation import run_evaluation
    from framing.report import summary_markdown

    metrics = run_evaluation(model_dir, specs, out, update_model,
                             log=lambda line: print(line, file=sys.stderr, flush=True))
    print(summary_markdown(metrics), end="")
    print(f"framing: report written to {out}/report.html", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Mark framing devices in news articles.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="flag framing devices in one article")
    p.add_argument("file", nargs="?", help="UTF-8 text file, or - for standard input")
    p.add_argument("--json", action="store_true", help="print DocumentResult.to_dict() as JSON")
    p.add_argument("--model", metavar="DIR", help="model folder (default: the shipped default model)")
    p.add_argument("--fail-on", action="append", metavar="LABEL[:THRESHOLD]",
                   help="exit 1 when LABEL is flagged (at or above THRESHOLD, if given); repeatable")
    p.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="show flags added and removed between drafts")
    p = sub.add_parser("evaluate", help="measure a model on annotated data and write a report",
                       description="Formats (SPEC = FORMAT:PATH): ptc:ARTICLES_DIR,LABELS.tsv, "
                       "semeval2023:ARTICLES_DIR,SPANS.tsv, babe:FILE.csv, mbic:FILE.csv, jsonl:FILE.jsonl, "
                       "quotes:FILE.jsonl. Documents the model trained or tuned on are left out.")
    p.add_argument("--model", metavar="DIR", help="model folder (default: the shipped default model)")
    p.add_argument("--data", action="append", required=True, metavar="SPEC", help="annotated data; repeatable")
    p.add_argument("--out", required=True, metavar="DIR", help="report folder (replaced when complete)")
    p.add_argument("--update-model", action="store_true",
                   help="also write the headline figures into the model's config and model card")
    p = sub.add_parser("serve", help="the draft-check web page and JSON API (loopback only by default)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--model", metavar="DIR", help="model folder (default: the shipped default model)")
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
            return compare_drafts(*args.compare, args.json, args.model)
        if args.command == "check":
            return check(args.file, args.json, args.model, args.fail_on)
        if args.command == "evaluate":
            return evaluate(args.model, args.data, args.out, args.update_model)
        if args.command == "serve":
            from framing.server import serve

            serve(args.host, args.port, args.model, args.max_chars)
            return 0
    except (InputError, FileNotFoundError, ValueError) as e:
        print(f"framing: error: {e}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
