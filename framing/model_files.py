"""The files of a model folder, named in this one place, and where the shipped default model lives.

``config.json`` holds what predicting needs (architecture, labels, thresholds); ``record.json`` what
happened to the model (training, dev metrics, the latest evaluation), which the card (``README.md``) is
rendered from. The base encoder's folder follows the same ``transformers`` names for weights and config.

Example:
    >>> MODEL_FILES
    ('config.json', 'labels.json', 'model.safetensors', 'record.json', 'seen_documents.json', 'README.md')
    >>> (default_model_dir() / CONFIG_NAME).is_file()
    True
"""

from __future__ import annotations

import json
from pathlib import Path

from framing.errors import FramingError, ModelFolderError

CONFIG_NAME = "config.json"  # architecture, label set, thresholds (framing.config.FramingConfig)
LABELS_NAME = "labels.json"  # the label set alone, as a label-set file for `framing train --labels`
WEIGHTS_NAME = "model.safetensors"  # trained weights (LoRA adapters, casing embedding, heads)
RECORD_NAME = "record.json"  # training and evaluation records (framing.record.ModelRecord)
# Fingerprints (framing.data.gold.fingerprint) of the documents a model was trained or tuned on, so that
# evaluation can leave them out.
SEEN_NAME = "seen_documents.json"
CARD_NAME = "README.md"  # the model card, rendered from the config and the record (framing.model_card)
MODEL_FILES = (CONFIG_NAME, LABELS_NAME, WEIGHTS_NAME, RECORD_NAME, SEEN_NAME, CARD_NAME)
INFERENCE_FILES = (CONFIG_NAME, LABELS_NAME, WEIGHTS_NAME)  # all that a worker needs to predict


def default_model_dir() -> Path:
    """The shipped default model: installed inside the package, or in ``models/`` of a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_default_model"  # where pyproject.toml maps models/framing-default in a wheel
    if (installed / CONFIG_NAME).is_file():
        return installed
    return here.parent / "models" / "framing-default"


def read_json(path: Path, max_bytes: int = 10_000_000):
    """A model folder's JSON file (size and nesting capped); any problem is a :class:`ModelFolderError` naming it."""
    from framing.guards import load_json, read_capped

    try:
        return load_json(read_capped(path, max_bytes).decode("utf-8"), str(path))
    except json.JSONDecodeError as e:
        raise ModelFolderError(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ModelFolderError(f"{path}: cannot be read ({e})") from None
    except FramingError as e:
        raise ModelFolderError(str(e)) from None
