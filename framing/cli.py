"""The ``framing`` command line. Each command parses its arguments and calls library functions.

    framing check article.txt            # highlighted article and per-sentence summary
    framing check - --json < article.txt # DocumentResult as JSON
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from framing.inputs import InputError, read_document


def check(path: str, as_json: bool, model_dir: str | None) -> int:
    """Run the model over one document and print it; returns the exit code."""
    text = read_document(path)
    from rich.console import Console

    from framing.modeling import FramingModel

    model = FramingModel.from_pretrained(model_dir)
    result = model.predict(text)
    if as_json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from framing.render import render

        render(result, model.config.labelset, Console(highlight=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Mark framing devices in news articles.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="flag framing devices in one article")
    p.add_argument("file", help="UTF-8 text file, or - for standard input")
    p.add_argument("--json", action="store_true", help="print DocumentResult.to_dict() as JSON")
    p.add_argument("--model", metavar="DIR", help="model folder (default: the shipped default model)")
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from installed packages only
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return check(args.file, args.json, args.model)
    except (InputError, FileNotFoundError, ValueError) as e:
        print(f"framing: error: {e}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
