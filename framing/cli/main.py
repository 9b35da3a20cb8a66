"""The ``framing`` command line: builds the parser from the command modules and dispatches to one of them.

Each command lives in its own module (``framing/cli/<command>.py``): it adds its parser, and its ``run``
calls one library function and prints. Options several commands share are parent parsers
(:mod:`framing.cli.parents`). Here, errors become exit codes: a :class:`~framing.errors.FramingError` is one
line and exit 2; anything else is a bug and keeps its traceback (exit 70).

    framing check article.txt                            # highlighted article and per-sentence summary
    framing evaluate --data babe:FILE.csv --out report/  # metrics.json, report.html, summary.md
    framing serve                                        # the draft-check page on http://127.0.0.1:8000/

Example:
    >>> build_parser().parse_args(["report", "scores/", "--by", "source", "--out", "r.csv"]).command
    'report'
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from framing.cli import check, evaluate, prepare, report, score, serve, suggest, train
from framing.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PIPE_CLOSED, FramingError

# in the order `framing --help` lists them
COMMANDS = {module.NAME: module for module in (check, evaluate, score, report, train, suggest, serve, prepare)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Mark framing devices in news articles.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from installed packages only
    parser = build_parser()
    args = parser.parse_args(argv)
    command = COMMANDS[args.command]
    problem = command.usage_problem(args) if hasattr(command, "usage_problem") else None
    if problem:
        parser.error(problem)
    try:
        return command.run(args)
    except FramingError as e:
        print(f"framing: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader went away (`framing check x | head -1`): not an error of the input
        _silence_stdout()
        return EXIT_PIPE_CLOSED
    except KeyboardInterrupt:
        print("framing: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:  # a bug: keep the traceback, and an exit code no user error has
        traceback.print_exc()
        print(f"framing: internal error (a bug, not your input); please report the traceback above "
              f"(exit code {EXIT_INTERNAL})", file=sys.stderr)
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
