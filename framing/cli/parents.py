"""Options that several commands share, each defined once as an argparse parent parser.

Example:
    >>> import argparse
    >>> p = argparse.ArgumentParser(parents=[MODEL, FIELDS])
    >>> vars(p.parse_args(["--model", "m", "--id-field", "ID"]))
    {'model': 'm', 'id_field': 'ID', 'text_field': 'text'}
    >>> sensitivity("2")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 2 is outside -1 to 1
"""

from __future__ import annotations

import argparse

from framing.nn.precision import CHOICES as PRECISIONS
from framing.nn.precision import ENV_VAR as PRECISION_ENV

# every command that loads a model
MODEL = argparse.ArgumentParser(add_help=False)
MODEL.add_argument("--model", metavar="DIR", help="model folder (default: the shipped default model)")

# every command that runs a model for inference
PRECISION = argparse.ArgumentParser(add_help=False)
PRECISION.add_argument("--precision", choices=PRECISIONS, metavar="{" + ",".join(PRECISIONS) + "}",
                       help=f"inference precision (default: ${PRECISION_ENV}, else auto: bf16 where the CPU runs it "
                       "natively, fp32 elsewhere; int8 is for experiments)")

# every command that reads a corpus of table inputs (framing.data.corpus)
FIELDS = argparse.ArgumentParser(add_help=False)
FIELDS.add_argument("--id-field", default="id", metavar="NAME", help="id column of table inputs (default id)")
FIELDS.add_argument("--text-field", default="text", metavar="NAME", help="text column of table inputs (default text)")


def sensitivity(value: str) -> float:
    """``--sensitivity``: a number from -1 to 1 (the page's slider)."""
    try:
        s = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not -1.0 <= s <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is outside -1 to 1")
    return s
