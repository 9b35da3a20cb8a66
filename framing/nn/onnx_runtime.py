"""The onnx runtime: a model's folded fp32 network as an ONNX graph, run by ONNX Runtime without torch.

A model folder ships only LoRA adapters and heads (the base weights come from an installed package), so the
graph is built on this machine, once, into a cache outside the model folder:
``$XDG_CACHE_HOME/framing/onnx/KEY/`` (``~/.cache/framing/onnx/KEY/`` without ``XDG_CACHE_HOME``). ``KEY``
is a fingerprint of what the graph is made of (:func:`graph_key`), so a retrained model, another base
package or a new exporter gets a graph of its own. ``framing prepare`` builds it ahead; otherwise the first
load builds it (saying so on standard error; torch's exporter, a few seconds) and later loads only read it.

Two graphs: ``network.onnx`` (ids, mask, casing ids → hidden states, tag probabilities, sentence
probabilities) and ``quote_head.onnx`` (hidden states and quote positions → quote class probabilities),
both traced from the same torch modules the torch runtime runs (:mod:`framing.nn.torch_runtime`), so the
flags are the same as in torch's fp32 mode (tested on the tiny model).

Building needs the model's fp32 torch network: callers pass a function that loads it
(``FramingModel.from_pretrained(folder, runtime="torch", precision="fp32").network``), so that this module
does not import :mod:`framing.modeling` (which imports it).

Example:
    >>> engine = load_engine(folder, config, load_network)  # doctest: +SKIP
    >>> probs, sentence, quote_probs = engine.probabilities(encode_arrays(tokenizer, ["Hi."]), [], 5)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from framing.config import FramingConfig
from framing.model_files import CONFIG_NAME, WEIGHTS_NAME
from framing.nn.base_model import base_model_dir
from framing.pipeline.encode import Batch, quote_arrays
from framing.pipeline.quotes import Quote

# Bump when the graphs change (inputs, outputs, what is traced), so that cached graphs are rebuilt.
EXPORTER_VERSION = 1
OPSET = 17  # LayerNormalization is one operator from opset 17 on
NETWORK_FILE, QUOTE_FILE, META_FILE = "network.onnx", "quote_head.onnx", "graph.json"
# config keys that do not change the network (decoding thresholds and records of training and evaluation)
_NOT_IN_GRAPH = ("thresholds", "metrics", "evaluation", "training", "framing_version")


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/framing/onnx`` (``~/.cache/framing/onnx`` where the variable is unset).

    Example:
        >>> cache_root().parts[-2:]
        ('framing', 'onnx')
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "framing" / "onnx"


def graph_key(folder: Path, config: FramingConfig) -> str:
    """A fingerprint of what the graph is made of: the exporter version, the model folder's weights (sha256)
    and the config keys that shape the network, and the base weights file (path, size, modification time:
    hashing its 90 MB would cost a tenth of a cold start; an installed package's file changes only with a
    reinstall, which changes these too)."""
    digest = hashlib.sha256(f"framing-onnx-exporter {EXPORTER_VERSION}\n".encode())
    kept = {k: v for k, v in config.to_dict().items() if k not in _NOT_IN_GRAPH}
    digest.update(json.dumps(kept, sort_keys=True).encode())
    with open(folder / WEIGHTS_NAME, "rb") as f:
        digest.update(hashlib.file_digest(f, "sha256").digest())
    if config.encoder_config is None:
        base = base_model_dir()
        st = (base / WEIGHTS_NAME).stat()
        digest.update(f"{(base / WEIGHTS_NAME).resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        digest.update((base / CONFIG_NAME).read_bytes())
    return digest.hexdigest()[:32]


def graph_dir(folder: Path, config: FramingConfig) -> Path:
    """Where the graphs of the model in ``folder`` are (or will be) cached."""
    return cache_root() / graph_key(folder, config)


def is_built(path: Path) -> bool:
    return all((path / name).is_file() for name in (NETWORK_FILE, QUOTE_FILE, META_FILE))


def export(folder: Path, target: Path, load_network: Callable, announce: bool = False) -> Path:
    """Build the graphs of the model in ``folder`` (its fp32 network from ``load_network()``) into ``target``
    (written whole or not at all: the files go into a temporary folder beside it, renamed into place at the
    end). Needs torch. Returns ``target``.

    ``announce``: say so on standard error, once the network has loaded (a damaged model folder is then its
    one-line error alone)."""
    network = load_network()
    if announce:
        print(f"framing: building the ONNX Runtime graph of {folder} in {target} (once; `framing prepare` "
              "does it ahead)", file=sys.stderr, flush=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    tmp = target.parent / f".building-{target.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        _trace(network, tmp)
        meta = {"exporter_version": EXPORTER_VERSION, "opset": OPSET, "model": str(folder.resolve()),
                "torch": _version("torch")}
        (tmp / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        try:
            os.rename(tmp, target)
        except OSError:
            if not is_built(target):  # else another process built the same graphs first: keep those
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _remove_stale(target: Path) -> None:
    """Remove temporary folders left by builds of ``target`` whose process is gone (killed mid-build)."""
    for old in target.parent.glob(f".building-{target.name}-*"):
        pid = old.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _trace(network, out: Path) -> None:
    import torch
    from torch import nn

    from framing.pipeline.encode import QuotePositions

    class Network(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.network = network

        def forward(self, input_ids, attention_mask, casing_ids):
            hidden = network.hidden_states(input_ids, attention_mask, casing_ids)
            out = [hidden]
            # a head with no labels has no output: ONNX's Reshape reads a 0 in a shape as "keep that size"
            if network.n_tag_labels:
                out.append(torch.softmax(network.tag_logits(hidden), dim=-1))
            if network.sentence_head.out_features:
                out.append(torch.sigmoid(network.sentence_logits(hidden, attention_mask)))
            return tuple(out)

    class QuoteHead(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.network = network

        def forward(self, hidden, rows, open_tokens, close_tokens, inner_mask):
            pos = QuotePositions(rows, open_tokens, close_tokens, inner_mask)
            return torch.softmax(self.network.quote_logits(hidden, pos), dim=-1)

    outputs = ["hidden"] + ["tag_probs"] * bool(network.n_tag_labels) + \
        ["sentence_probs"] * bool(network.sentence_head.out_features)
    ids = torch.tensor([[101, 1996, 102, 0], [101, 1996, 2282, 102]])
    args = (ids, (ids != 0).long(), torch.zeros_like(ids))
    tokens = {0: "batch", 1: "tokens"}
    with torch.inference_mode():
        hidden = network(*args)[0]
    quote_args = (hidden, torch.tensor([0, 1]), torch.tensor([1, 1]), torch.tensor([2, 2]), torch.ones(2, 4))
    with warnings.catch_warnings():
        # torch marks its TorchScript-based exporter as deprecated in favour of the dynamo one, which needs
        # onnxscript and torch._dynamo and took minutes here; this one traces these plain modules exactly
        warnings.simplefilter("ignore")
        torch.onnx.export(Network().eval(), args, str(out / NETWORK_FILE), dynamo=False, opset_version=OPSET,
                          input_names=["input_ids", "attention_mask", "casing_ids"],
                          output_names=outputs,
                          dynamic_axes={"input_ids": tokens, "attention_mask": tokens, "casing_ids": tokens,
                                        "hidden": tokens, "tag_probs": tokens, "sentence_probs": {0: "batch"}})
        torch.onnx.export(QuoteHead().eval(), quote_args, str(out / QUOTE_FILE), dynamo=False, opset_version=OPSET,
                          input_names=["hidden", "rows", "open_tokens", "close_tokens", "inner_mask"],
                          output_names=["quote_probs"],
                          dynamic_axes={"hidden": tokens, "rows": {0: "quotes"}, "open_tokens": {0: "quotes"},
                                        "close_tokens": {0: "quotes"}, "inner_mask": {0: "quotes", 1: "tokens"},
                                        "quote_probs": {0: "quotes"}})


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def prepare(folder: Path, config: FramingConfig, load_network: Callable, rebuild: bool = False) -> tuple[Path, bool]:
    """The cached graphs of the model in ``folder``, built first where missing (or when ``rebuild``);
    returns ``(their folder, whether they were built now)``."""
    target = graph_dir(folder, config)
    if is_built(target) and not rebuild:
        return target, False
    if rebuild:
        shutil.rmtree(target, ignore_errors=True)
    return export(folder, target, load_network), True


def load_engine(folder: Path, config: FramingConfig, load_network: Callable,
                threads: int | None = None) -> OnnxEngine | None:
    """An :class:`OnnxEngine` for the model in ``folder``, building its graphs first where they are missing;
    ``None`` (after a line on standard error) where they cannot be built or read, so that the caller
    runs on torch instead. A damaged model folder is still its own error (from the torch load)."""
    target = graph_dir(folder, config)
    if not is_built(target):
        try:
            export(folder, target, load_network, announce=True)
        except (OSError, RuntimeError) as e:
            print(f"framing: cannot build the ONNX graph ({type(e).__name__}: {str(e).splitlines()[0][:160]}); "
                  "running on torch", file=sys.stderr, flush=True)
            return None
    try:
        return OnnxEngine(target, threads)
    except Exception as e:  # onnxruntime raises its own error types for damaged graph files
        print(f"framing: cannot load the ONNX graph in {target} ({type(e).__name__}: "
              f"{str(e).splitlines()[0][:160] if str(e) else ''}); running on torch (`framing prepare --rebuild` "
              "builds it again)", file=sys.stderr, flush=True)
        return None


class OnnxEngine:
    """ONNX Runtime sessions of the two graphs in ``folder``, computing what
    :func:`framing.nn.torch_runtime.probabilities` computes."""

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3  # warnings about unused initialisers etc. are not the user's business
        providers = ["CPUExecutionProvider"]
        self.network = ort.InferenceSession(str(folder / NETWORK_FILE), options, providers=providers)
        self.quote_head = ort.InferenceSession(str(folder / QUOTE_FILE), options, providers=providers)
        self.outputs = [o.name for o in self.network.get_outputs()]
        self.folder = folder

    def probabilities(self, batch: Batch, quotes: Sequence[tuple[int, Quote]], n_classes: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Tag probabilities (B, T, L, 3), sentence probabilities (B, S) and the class probabilities of
        ``quotes`` (Q, ``n_classes``) for a numpy :class:`Batch`."""
        feeds = {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask, "casing_ids": batch.casing_ids}
        out = dict(zip(self.outputs, self.network.run(self.outputs, feeds)))
        hidden = out["hidden"]
        b, t = batch.input_ids.shape
        tags = out.get("tag_probs", np.zeros((b, t, 0, 3), dtype=np.float32))
        sentence = out.get("sentence_probs", np.zeros((b, 0), dtype=np.float32))
        quote_probs = np.zeros((0, n_classes))
        if quotes:
            pos = quote_arrays(batch, quotes)
            quote_probs = self.quote_head.run(None, {"hidden": hidden, "rows": pos.rows, "open_tokens": pos.open_tokens,
                                                     "close_tokens": pos.close_tokens,
                                                     "inner_mask": pos.inner_mask})[0]
        return tags, sentence, quote_probs
