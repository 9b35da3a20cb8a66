"""Where inference runs, ``torch`` or ``onnx`` (ONNX Runtime), and in which precision: chosen in this one place.

``auto`` (the default) picks ``onnx`` for a one-shot command (``framing check``: one document, then exit)
when ``onnxruntime`` is installed and no precision but fp32 is asked for, and ``torch`` otherwise. Why:
a cold ``framing check`` is mostly start-up, and ONNX Runtime imports in a fraction of torch's time
(``docs/benchmarks.md``), while its fp32 graph costs the same CPU time per sentence as torch in fp32. For
bulk work (``framing score``, ``evaluate``, ``serve``, Ray) the start-up is paid once and torch's bf16
mode (:mod:`framing.nn.precision`) is about twice as fast as fp32, so ``auto`` stays on torch there.

The onnx runtime runs fp32 only: its graph (:mod:`framing.nn.onnx_runtime`) is the folded fp32
network, giving the same flags as torch in fp32. A runtime is forced with ``runtime=`` or the
``FRAMING_RUNTIME`` environment variable (the argument winning); without ``onnxruntime`` installed,
``auto`` falls back to torch and a forced ``onnx`` is an error.

This module imports neither torch nor onnxruntime, so that ``framing --help`` stays fast.

Example:
    >>> resolve("auto", "auto", one_shot=True, onnx_installed=True)
    ('onnx', 'fp32')
    >>> resolve("auto", "fp32", one_shot=True, onnx_installed=False)
    ('torch', 'fp32')
    >>> resolve("torch", "fp32"), resolve("onnx", None, onnx_installed=True)
    (('torch', 'fp32'), ('onnx', 'fp32'))
"""

from __future__ import annotations

import importlib.util

from framing.errors import UsageError
from framing.nn import precision as precision_modes

ENV_VAR = "FRAMING_RUNTIME"
RUNTIMES = ("torch", "onnx")
CHOICES = ("auto", *RUNTIMES)


def has_onnxruntime() -> bool:
    """Whether ``onnxruntime`` can be imported (looked up, not imported: the import costs a few tenths of a second)."""
    return importlib.util.find_spec("onnxruntime") is not None


def requested(runtime: str | None = None) -> str:
    """The runtime asked for: ``runtime``, else ``$FRAMING_RUNTIME``, else ``auto``; checked against :data:`CHOICES`.

    Example:
        >>> requested("ONNX")
        'onnx'
        >>> requested("tensorflow")
        Traceback (most recent call last):
        ...
        framing.errors.UsageError: runtime='tensorflow': not a runtime; choose one of auto, torch, onnx
    """
    return precision_modes.forced_choice(runtime, "runtime", ENV_VAR, CHOICES, "runtime")


def resolve(runtime: str | None = None, precision: str | None = None, one_shot: bool = False,
            onnx_installed: bool | None = None) -> tuple[str, str]:
    """``(runtime, precision mode)`` to run; ``precision`` as for :func:`framing.nn.precision.resolve`.

    ``one_shot``: the caller scores one document and exits (``framing check``), so start-up dominates.

    Example:
        >>> resolve("onnx", "bf16", onnx_installed=True)
        Traceback (most recent call last):
        ...
        framing.errors.UsageError: the onnx runtime runs fp32 only, not bf16; drop the precision or use torch
    """
    place, mode = requested(runtime), precision_modes.requested(precision)
    installed = has_onnxruntime() if onnx_installed is None else onnx_installed
    if place == "onnx":
        if mode not in ("auto", "fp32"):
            raise UsageError(f"the onnx runtime runs fp32 only, not {mode}; drop the precision or use torch")
        if not installed:
            raise UsageError(f"the onnx runtime needs onnxruntime: `pip install onnxruntime`, or {ENV_VAR}=torch")
        return "onnx", "fp32"
    if place == "auto" and one_shot and mode in ("auto", "fp32") and installed:
        return "onnx", "fp32"
    return "torch", precision_modes.resolve(mode)
