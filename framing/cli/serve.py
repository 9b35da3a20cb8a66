"""``framing serve``: the draft-check page and its JSON API, on http://127.0.0.1:8000/ by default.

    framing serve --port 8000 --model DIR
"""

from __future__ import annotations

import argparse

from framing.cli.parents import MODEL, PRECISION
from framing.errors import EXIT_OK

NAME = "serve"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, parents=[MODEL, PRECISION],
                       help="the draft-check web page and JSON API (loopback only by default)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--max-chars", type=int, default=200_000, metavar="N",
                   help="longest text one request may send (default 200000); longer gets HTTP 413")
    return p


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from framing.web.app import serve

    serve(args.host, args.port, args.model, args.max_chars, args.precision)
    return EXIT_OK
