"""``framing prepare``: build a model's ONNX Runtime graph into the local cache ahead of the first ``framing check``.

Without it the first ``framing check`` builds the graph itself (a few seconds, said on standard error);
later runs only load it (:mod:`framing.nn.onnx_runtime`).

Example:
    >>> import argparse
    >>> add_parser(argparse.ArgumentParser().add_subparsers(dest="command")).parse_args(["--rebuild"]).rebuild
    True
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from framing.cli.parents import MODEL

NAME = "prepare"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, parents=[MODEL], help="build the model's ONNX Runtime graph (the fast framing check)",
                       description="Fold the model's adapters into the base weights and save the fp32 network as ONNX "
                       "graphs in $XDG_CACHE_HOME/framing/onnx (~/.cache/framing/onnx), which framing check runs "
                       "without importing torch. Nothing is written into the model folder.")
    p.add_argument("--rebuild", action="store_true", help="build it again even if the cache has it")
    return p


def run(args: argparse.Namespace) -> int:
    """Build (or find) the graph and say where it is."""
    from framing.config import FramingConfig
    from framing.errors import ModelFolderError
    from framing.model_files import CONFIG_NAME, WEIGHTS_NAME, default_model_dir
    from framing.modeling import FramingModel
    from framing.nn.onnx_runtime import prepare
    from framing.runtime import has_onnxruntime

    folder = Path(args.model) if args.model else default_model_dir()
    if not (folder / CONFIG_NAME).is_file() or not (folder / WEIGHTS_NAME).is_file():
        raise ModelFolderError(f"{folder}: not a framing model folder (needs {CONFIG_NAME} and {WEIGHTS_NAME})")
    path, built = prepare(folder, FramingConfig.load(folder / CONFIG_NAME), lambda: FramingModel.torch_network(folder),
                          rebuild=args.rebuild)
    print(f"framing: ONNX Runtime graph of {folder} {'built' if built else 'already built'} in {path}",
          file=sys.stderr)
    if not has_onnxruntime():
        print("framing: onnxruntime is not installed, so framing check runs on torch until it is "
              "(`pip install onnxruntime`)", file=sys.stderr)
    return 0
