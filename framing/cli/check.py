"""``framing check``: flag framing devices in one article, or compare two drafts.

    framing check article.txt                      # highlighted article and per-sentence summary
    framing check - --json < article.txt           # DocumentResult as JSON
    framing check draft.txt --fail-on SCARE_QUOTE  # exit 1 when a scare quote is flagged
    framing check --compare old.txt new.txt        # flags added and removed between drafts
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from framing.cli.parents import MODEL, PRECISION, sensitivity
from framing.errors import EXIT_FLAGGED, EXIT_OK
from framing.wording import plural

NAME = "check"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, parents=[MODEL, PRECISION], help="flag framing devices in one article")
    p.add_argument("file", nargs="?", help="UTF-8 text file, or - for standard input")
    p.add_argument("--json", action="store_true", help="print DocumentResult.to_dict() as JSON")
    p.add_argument("--fail-on", action="append", metavar="LABEL[:THRESHOLD]",
                   help="exit 1 when LABEL is flagged (at or above THRESHOLD, if given); repeatable")
    p.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="show flags added and removed between drafts")
    p.add_argument("--sensitivity", type=sensitivity, default=0.0, metavar="S",
                   help="-1 (only the surest flags) to 1 (more flags, more false alarms); 0 is the tuned thresholds; "
                        "the same scale as the page's slider")
    p.add_argument("--quoted", action="store_true",
                   help="also show flags inside attributed quotations (the writer's own words are shown by default)")
    return p


def usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the arguments that argparse cannot say itself."""
    if (args.file is None) == (args.compare is None):
        return "check needs either FILE or --compare OLD NEW"
    return None


def run(args: argparse.Namespace) -> int:
    """Print the flags; 1 when a ``--fail-on`` rule is broken.

    The terminal shows writer-voice flags (``--quoted`` adds those inside attributed quotations);
    ``--json`` carries every flag with its ``voice``."""
    if args.compare:
        return _compare(args)
    from framing.pipeline.gate import check_file

    # progress on stderr, for long inputs only: --json stdout stays clean
    checked = check_file(args.file, args.model, args.fail_on or [], args.sensitivity, args.precision, sys.stderr)
    if args.json:
        json.dump(checked.result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from rich.console import Console

        from framing.cli import render

        render.render(checked.result, checked.labels, Console(highlight=False), args.quoted)
    for failure in checked.failures:
        print(f"framing: fail: {failure.describe()}", file=sys.stderr)
    return EXIT_FLAGGED if checked.failures else EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    from framing.pipeline.gate import compare_files

    old_path, new_path = args.compare
    c = compare_files(old_path, new_path, args.model, args.precision)
    if args.json:
        json.dump({"added": [asdict(s) for s in c.added], "removed": [asdict(s) for s in c.removed]},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    for sign, spans, result in (("+", c.added, c.new), ("-", c.removed, c.old)):
        for s in spans:
            print(f"{sign} {s.label} {s.text!r} ({s.score:.2f}) in: {result.sentences[s.sentence].text}")
    print(f"{plural(len(c.added), 'flag')} added, {len(c.removed)} removed "
          f"({old_path}: {len(c.old.spans)}, {new_path}: {len(c.new.spans)}).")
    return EXIT_OK
