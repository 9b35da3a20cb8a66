"""The saved model's configuration: label set, thresholds, LoRA settings, training record.

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

from framing import __version__
from framing.errors import ModelFolderError
from framing.labels import DEFAULT_LABELSET, LabelSet

QUOTE_CLASSES = ("SCARE", "DIRECT", "TITLE_NAME", "MENTION", "OTHER")


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
    training: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    # The latest `framing evaluate --update-model`: headline figures with CIs, data and date.
    evaluation: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.lora_rank < 1:
            raise ModelFolderError(f"lora_rank must be at least 1, got {self.lora_rank}")
        if "SCARE" not in self.quote_classes:
            raise ModelFolderError(f"quote_classes must include 'SCARE', got {list(self.quote_classes)}")
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
        data = dict(data)
        data["labelset"] = LabelSet.from_dict(data["labelset"])
        data["quote_classes"] = tuple(data["quote_classes"])
        data["lora_targets"] = tuple(data["lora_targets"])
        saved = data.get("framing_version")
        if saved != __version__:
            warnings.warn(f"model saved with framing {saved}, loading with {__version__}", stacklevel=2)
        data["framing_version"] = __version__
        return cls(**data)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> FramingConfig:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
