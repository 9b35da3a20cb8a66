"""framing: mark framing devices (scare quotes, loaded language, ...) in news articles.

Example:
    >>> from framing import FramingModel  # doctest: +SKIP
    >>> FramingModel.from_pretrained().predict('Russian "peacekeepers" left.').spans[0].label  # doctest: +SKIP
    'SCARE_QUOTE'
"""

from framing.version import __version__

__all__ = ["FramingModel", "DocumentResult", "Sentence", "Span", "__version__"]


def __getattr__(name: str):
    # lazy, so that `framing --help` and input errors answer without importing torch
    if name == "FramingModel":
        from framing.modeling import FramingModel

        return FramingModel
    if name in ("DocumentResult", "Sentence", "Span"):
        from framing.pipeline import results

        return getattr(results, name)
    raise AttributeError(f"module 'framing' has no attribute {name!r}")
