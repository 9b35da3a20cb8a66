"""``framing train``: annotations and a label set in, a model folder like ``models/framing-default`` out.

    framing train --labels labels.yaml --train train.json --dev dev.json --out models/hedge
"""

from __future__ import annotations

import argparse
import sys

from framing.errors import EXIT_INTERRUPTED, EXIT_OK

NAME = "train"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="train a model on your own label set from annotation exports",
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
    p.add_argument("--min-precision", type=float, metavar="P",
                   help="tune each span label's threshold for the best F0.5 among those with dev precision at least "
                        "P on 10 or more flags (default: the best F0.5)")
    return p


def run(args: argparse.Namespace) -> int:
    """0 when done, 2 on bad input (raised), 130 when interrupted (with where to resume from)."""
    from framing.training.run import TrainOptions, train_model

    opts = TrainOptions(labels=args.labels, train=args.train, dev=args.dev, out=args.out, format=args.format,
                        epochs=args.epochs, patience=args.patience, base=args.base, resume=args.resume,
                        dry_run=args.dry_run, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                        min_precision=args.min_precision)
    try:
        result = train_model(opts)
    except KeyboardInterrupt:
        where = opts.checkpoint_dir
        hint = f"rerun with --resume to continue from {where}" if where.is_dir() else "no checkpoint was written yet"
        print(f"framing: interrupted; {hint}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if opts.dry_run:
        print(f"framing: dry run: the annotations are fit for training ({result.summary()})")
    return EXIT_OK
