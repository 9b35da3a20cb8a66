"""What happened to a model: how it was trained, what it measured and which documents it saw.

``record.json`` holds :class:`ModelRecord` (the training record, dev metrics and the latest
``framing evaluate --update-model``), and ``seen_documents.json`` the fingerprints of the documents
trained or tuned on (:func:`read_seen`). Neither is needed to predict; the model card
(:mod:`framing.model_card`) is rendered from the record. Folders written before ``record.json`` kept
the three records inside ``config.json``: :meth:`ModelRecord.load` still reads them there.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> ModelRecord(training={"best_epoch": 3}).save(folder)
    >>> ModelRecord.load(folder).training, sorted(p.name for p in folder.iterdir())
    ({'best_epoch': 3}, ['record.json'])
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from framing.atomic import atomic_write
from framing.errors import ModelFolderError
from framing.model_files import CONFIG_NAME, RECORD_NAME, SEEN_NAME, read_json

RECORD_KEYS = ("training", "metrics", "evaluation")


@dataclass
class ModelRecord:
    """The records about a model, each a JSON object (empty when there is nothing to say)."""

    training: dict = field(default_factory=dict)  # command, data, hyper-parameters, history, label decision
    metrics: dict = field(default_factory=dict)  # dev figures measured when the model was made
    evaluation: dict = field(default_factory=dict)  # the latest `framing evaluate --update-model`: headline, data, date

    def __bool__(self) -> bool:
        return any(asdict(self).values())

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data, where: str) -> ModelRecord:
        """Build from :meth:`to_dict`'s shape (or a legacy ``config.json``'s record keys), checking it first.

        Example:
            >>> ModelRecord.from_dict({"training": []}, "record.json")
            Traceback (most recent call last):
            ...
            framing.errors.ModelFolderError: record.json: 'training' must be an object, got list
        """
        if not isinstance(data, dict):
            raise ModelFolderError(f"{where}: must be a JSON object, got {type(data).__name__}")
        unknown = sorted(set(data) - set(RECORD_KEYS), key=str)
        if unknown:
            raise ModelFolderError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; "
                                   f"expected {', '.join(RECORD_KEYS)}")
        for key, value in data.items():
            if not isinstance(value, dict):
                raise ModelFolderError(f"{where}: {key!r} must be an object, got {type(value).__name__}")
        return cls(**data)

    def save(self, folder: str | Path) -> None:
        atomic_write(Path(folder) / RECORD_NAME, json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, folder: str | Path) -> ModelRecord:
        """The record of a model folder: ``record.json``, else the record keys of an older ``config.json``."""
        folder = Path(folder)
        path = folder / RECORD_NAME
        if path.is_file():
            return cls.from_dict(read_json(path), str(path))
        legacy = folder / CONFIG_NAME
        if legacy.is_file():
            config = read_json(legacy)
            if isinstance(config, dict):
                return cls.from_dict({k: config[k] for k in RECORD_KEYS if k in config}, str(legacy))
        return cls()


def read_seen(folder: str | Path) -> dict[str, list[str]]:
    """``seen_documents.json``: ``{"train": [fingerprint, ...], ...}`` (empty when absent), or a
    :class:`ModelFolderError` naming it."""
    from framing.guards import load_json

    path = Path(folder) / SEEN_NAME
    if not path.is_file():
        return {}
    try:
        seen = load_json(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise ModelFolderError(f"{path}: cannot be read ({str(e).splitlines()[0][:120]})") from None
    if not isinstance(seen, dict) or not all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                                             for v in seen.values()):
        raise ModelFolderError(f"{path}: must be an object of lists of fingerprints")
    return seen
