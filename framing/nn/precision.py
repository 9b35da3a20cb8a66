"""The numeric precision inference runs in: ``fp32``, ``bf16`` or ``int8``, chosen in this one place.

``auto`` (the default) picks ``bf16`` where the CPU multiplies bf16 matrices natively (oneDNN reports
bf16 support: AVX-512 BF16 or AMX), else ``fp32``. ``int8`` (dynamic quantisation of the encoder's
linear layers) is never chosen automatically: on the shipped model it moved the scare-quote F1 by
-4.55 points and the news dev recall by -9.1, far over the 0.5-point rule; int8 in only some layers
failed too (``docs/benchmarks.md``). A mode is forced with ``precision=`` (``--precision`` on the
command line) or the ``FRAMING_PRECISION`` environment variable, the argument winning.

In ``bf16`` the encoder's layers run in bf16: their linear layers hold bf16 weights and each layer's
forward enters ``torch.autocast`` itself, so the mode holds in every thread that runs it (autocast is
thread-local: a context entered by the caller would not reach ``score_many``'s worker threads). The
embeddings and every head run in fp32, and so does the last layer of a model that tags span labels
(the span tagger reads it; see :data:`BF16_FP32_LAYERS`).

This module imports torch only inside its functions, so that ``framing --help`` stays fast.

Example:
    >>> resolve("fp32"), resolve("auto", bf16_supported=True), resolve("auto", bf16_supported=False)
    ('fp32', 'bf16', 'fp32')
    >>> resolve("bf16", bf16_supported=False)  # forced: runs (emulated, slowly) even without native support
    'bf16'
"""

from __future__ import annotations

import os
from functools import lru_cache

from framing.errors import UsageError

ENV_VAR = "FRAMING_PRECISION"
MODES = ("fp32", "bf16", "int8")
CHOICES = ("auto", *MODES)
AUTO_MODES = ("fp32", "bf16")  # what auto may choose: the modes that met the accuracy rule
CPUINFO = "/proc/cpuinfo"


def cpu_flags(path: str = CPUINFO) -> set[str]:
    """The CPU's feature flags from ``/proc/cpuinfo`` (empty where there is no such file)."""
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


@lru_cache(maxsize=1)
def native_bf16() -> bool:
    """Whether this CPU runs bf16 matrix products natively (oneDNN's own check; ``/proc/cpuinfo`` if torch
    cannot say)."""
    import torch

    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return bool({"avx512_bf16", "amx_bf16"} & cpu_flags())


def requested(mode: str | None = None) -> str:
    """The mode asked for: ``mode``, else ``$FRAMING_PRECISION``, else ``auto``; checked against :data:`CHOICES`."""
    return forced_choice(mode, "precision", ENV_VAR, CHOICES, "precision mode")


def forced_choice(value: str | None, argument: str, env_var: str, choices: tuple[str, ...], kind: str) -> str:
    """``value``, else ``$env_var``, else ``auto``, lower-cased; a :class:`UsageError` naming where a value
    outside ``choices`` came from (shared by the precision mode and :mod:`framing.runtime`).

    Example:
        >>> forced_choice(" BF16", "precision", "NO_SUCH_VARIABLE", CHOICES, "precision mode")
        'bf16'
    """
    source = argument
    if value is None:
        value, source = os.environ.get(env_var) or "auto", env_var
    chosen = value.strip().lower()
    if chosen not in choices:
        raise UsageError(f"{source}={value!r}: not a {kind}; choose one of {', '.join(choices)}")
    return chosen


def resolve(mode: str | None = None, bf16_supported: bool | None = None) -> str:
    """The mode to run: the forced one, or for ``auto`` bf16 where the CPU supports it natively, else fp32."""
    value = requested(mode)
    if value != "auto":
        return value
    supported = native_bf16() if bf16_supported is None else bf16_supported
    return "bf16" if supported and "bf16" in AUTO_MODES else "fp32"


# Encoder layers that stay fp32 in the bf16 mode of a model that tags span labels. With all six in bf16,
# FLAG_WAVING span F1 moved by -0.54 points on PTC dev (5 of 57,798 word units crossed its threshold), just over the
# 0.5-point rule; with the last layer, the one the span tagger reads, in fp32 every dev figure stayed within 0.30
# points. A model without tagged labels (the shipped news model: sentence and quote heads) runs all six in bf16: its
# headline figures were the same as with the last layer in fp32 (within 0.38 points of fp32), and it scored 1.24x
# the sentences per second of the five-layer variant (docs/benchmarks.md).
BF16_FP32_LAYERS = (-1,)


def apply(network, mode: str, fp32_layers: tuple[int, ...] | None = None):
    """Put ``network``'s encoder into ``mode`` (in place; returns ``network``). ``fp32`` leaves it as it is.

    ``bf16`` wraps each encoder layer but ``fp32_layers`` in :class:`Bf16Layer` (default:
    :data:`BF16_FP32_LAYERS` for a network that tags span labels, none for one that does not); ``int8``
    quantises the encoder's linear layers (:func:`framing.nn.bert.quantize`).
    """
    if fp32_layers is None:
        fp32_layers = BF16_FP32_LAYERS if getattr(network, "n_tag_labels", 1) else ()
    if mode == "bf16":
        layers = network.encoder.layers
        keep = {i % len(layers) for i in fp32_layers}
        for i in range(len(layers)):
            if i not in keep:
                layers[i] = _bf16_layer_class()(layers[i])
    elif mode == "int8":
        from framing.nn.bert import quantize

        network.encoder = quantize(network.encoder)
    elif mode != "fp32":
        raise UsageError(f"not a precision mode to run: {mode!r}; choose one of {', '.join(MODES)}")
    return network


def mode_of(network) -> str:
    """The precision a network's encoder runs in (as set by :func:`apply`)."""
    import torch

    layers = network.encoder.layers
    if any(isinstance(layer, _bf16_layer_class()) for layer in layers):
        return "bf16"
    qkv = layers[0].qkv
    return "int8" if callable(getattr(qkv, "weight", None)) and qkv.weight().dtype == torch.qint8 else "fp32"


@lru_cache(maxsize=1)
def _bf16_layer_class():
    import torch
    from torch import nn

    class Bf16Layer(nn.Module):
        """An encoder layer whose linear layers hold bf16 weights and whose forward runs under autocast.

        Autocast is entered here, in whatever thread runs the layer; LayerNorms keep fp32 weights, and the
        output is cast back to fp32, so the next layer, the heads and ``.numpy()`` see fp32 as in fp32 mode.
        """

        def __init__(self, layer: nn.Module) -> None:
            super().__init__()
            self.layer = layer
            for module in layer.modules():
                if isinstance(module, nn.Linear):
                    module.to(torch.bfloat16)

        def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                return self.layer(x, keep).float()

    return Bf16Layer


def __getattr__(name: str):
    # the class needs torch, so it is built on first use
    if name == "Bf16Layer":
        return _bf16_layer_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
