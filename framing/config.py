"""The saved model's configuration (``config.json``): architecture, label set and thresholds, all that
predicting needs. What happened to the model (training, metrics, evaluation) is its record (:mod:`framing.record`).

Example:
    >>> cfg = FramingConfig()
    >>> cfg.thresholds["SCARE_QUOTE"]
    0.5
"""

from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from framing.atomic import atomic_write
from framing.errors import ModelFolderError
from framing.labels import DEFAULT_LABELSET, QUOTE_CLASSES, SCARE_CLASS, LabelSet
from framing.model_files import read_json
from framing.record import RECORD_KEYS
from framing.version import __version__


def _default_thresholds() -> dict[str, float]:
    return {name: 0.5 for name in (*DEFAULT_LABELSET.span_labels, *DEFAULT_LABELSET.sentence_labels)}


@dataclass
class FramingConfig:
    """Everything needed to rebuild the network around the base encoder and decode its output."""

    labelset: LabelSet = DEFAULT_LABELSET
    quote_classes: tuple[str, ...] = QUOTE_CLASSES
    thresholds: dict[str, float] = field(default_factory=_default_thresholds)
    lora_rank: int = 16
    lora_alpha: int = 32
    lora_targets: tuple[str, ...] = ("query", "key", "value", "dense")
    max_length: int = 256
    base_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    # Set only for encoders that are not the shipped base (tiny test models): their weights are saved in full.
    encoder_config: dict | None = None
    framing_version: str = __version__
    # Whether the quotation-mark head was trained, so that it can tell attributed quotations (the ``quoted``
    # voice) even where the label set shows no scare-quote label; None: exactly when it has a quote label.
    attribution: bool | None = None

    @property
    def reads_quotes(self) -> bool:
        """Whether predicting runs the quotation-mark head (for scare-quote flags, for voice or for both).

        Example:
            >>> sentences_only = LabelSet((), ("B",), {"B": "b"})
            >>> FramingConfig().reads_quotes, FramingConfig(sentences_only, thresholds={}).reads_quotes
            (True, False)
        """
        return self.attribution if self.attribution is not None else self.labelset.quote_label is not None

    def __post_init__(self) -> None:
        if self.lora_rank < 1:
            raise ModelFolderError(f"lora_rank must be at least 1, got {self.lora_rank}")
        if SCARE_CLASS not in self.quote_classes:
            raise ModelFolderError(f"quote_classes must include {SCARE_CLASS!r}, got {list(self.quote_classes)}")
        names = (*self.labelset.span_labels, *self.labelset.sentence_labels)
        for name in names:
            self.thresholds.setdefault(name, 0.5)
        for name, value in self.thresholds.items():
            if name not in names:
                raise ModelFolderError(f"threshold for unknown label {name!r}; labels are {list(names)}")
            if not 0.0 < value < 1.0:
                raise ModelFolderError(f"threshold for {name!r} must be between 0 and 1, got {value}")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["labelset"] = self.labelset.to_dict()
        data["quote_classes"] = list(self.quote_classes)
        data["lora_targets"] = list(self.lora_targets)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> FramingConfig:
        """Build from :meth:`to_dict`'s shape, checking keys and value types first (a damaged or hand-edited
        ``config.json`` is a :class:`ModelFolderError` naming the key, never a traceback).

        Example:
            >>> FramingConfig.from_dict({**FramingConfig().to_dict(), "lora_rank": "16"})
            Traceback (most recent call last):
            ...
            framing.errors.ModelFolderError: 'lora_rank' must be an integer, got str '16'
        """
        _check_types(data)
        data = {k: v for k, v in data.items() if k not in RECORD_KEYS}  # an older folder's records
        data["labelset"] = LabelSet.from_dict(data["labelset"])
        data["quote_classes"] = tuple(data["quote_classes"])
        data["lora_targets"] = tuple(data["lora_targets"])
        saved = data.get("framing_version")
        if saved != __version__:
            warnings.warn(f"model saved with framing {saved}, loading with {__version__}", stacklevel=2)
        data["framing_version"] = __version__
        return cls(**data)

    def save(self, path: str | Path) -> None:
        atomic_write(path, json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> FramingConfig:
        """Read a model folder's ``config.json``; any problem is a :class:`ModelFolderError` naming the file.

        An older ``config.json`` that still holds the records (``training``, ``metrics``, ``evaluation``) loads
        too: they are checked here and read by :meth:`framing.record.ModelRecord.load`."""
        from framing.errors import FramingError

        data = read_json(Path(path))
        try:
            return cls.from_dict(data)
        except FramingError as e:
            raise ModelFolderError(f"{path}: {e}") from None


# JSON type of every config key: config.json is checked against these before anything is built (the record
# keys only in folders written before record.json)
_TYPES = {"labelset": dict, "quote_classes": list, "thresholds": dict, "lora_rank": int, "lora_alpha": int,
          "lora_targets": list, "max_length": int, "base_model": str, "encoder_config": (dict, type(None)),
          "framing_version": str, "attribution": (bool, type(None)), **{key: dict for key in RECORD_KEYS}}
_TYPE_NAMES = {dict: "an object", list: "a list", int: "an integer", str: "a string", (bool, type(None)): "true, "
               "false or null"}


def _check_types(data) -> None:
    if not isinstance(data, dict):
        raise ModelFolderError(f"must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(_TYPES), key=str)
    if unknown:
        raise ModelFolderError(f"unknown key(s) {', '.join(map(repr, unknown))}; expected {', '.join(_TYPES)}")
    missing = [k for k in ("labelset", "quote_classes", "lora_targets") if k not in data]
    if missing:
        raise ModelFolderError(f"missing key(s) {', '.join(map(repr, missing))}")
    for key, value in data.items():
        want = _TYPES[key]
        # a JSON true is a Python int too: only a key that takes booleans accepts one
        if (isinstance(value, bool) and bool not in (want if isinstance(want, tuple) else (want,))) \
                or not isinstance(value, want):
            name = _TYPE_NAMES.get(want, "an object or null")
            raise ModelFolderError(f"{key!r} must be {name}, got {type(value).__name__} {str(value)[:40]!r}")
    for key in ("quote_classes", "lora_targets"):
        if not all(isinstance(x, str) for x in data[key]):
            raise ModelFolderError(f"{key!r} must be a list of strings")
    for name, value in data.get("thresholds", {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ModelFolderError(f"threshold for {name!r} must be a number, got {type(value).__name__}")
    if data.get("max_length", 1) < 8 or data.get("lora_alpha", 1) < 1:
        raise ModelFolderError("max_length must be at least 8 and lora_alpha at least 1")
