"""The label set: span labels and sentence labels, each with a description shown to users.

Example:
    >>> ls = DEFAULT_LABELSET
    >>> ls.span_labels[0], ls.description("SCARE_QUOTE")[:22]
    ('SCARE_QUOTE', 'Quotation marks that d')
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from framing.atomic import atomic_write
from framing.errors import FramingError

_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


class LabelSetError(FramingError, ValueError):
    """A label set that cannot be used, with the offending label named."""


def bias_label(sentence_labels: Sequence[str]) -> str | None:
    """The sentence label that results report as ``bias``/``biased`` (kept in JSON and the sentences table
    for compatibility), that BABE/MBIC's ``label_bias`` is compared with, and that a training example with
    a single ``label`` trains: the first one (``BIASED`` for the default model). This rule is decided here only.

    Example:
        >>> bias_label(("UNVERIFIED", "OPINION")), bias_label(())
        ('UNVERIFIED', None)
    """
    return sentence_labels[0] if sentence_labels else None


@dataclass(frozen=True)
class LabelSet:
    """Span labels (marked as character spans) and sentence labels (scored per sentence).

    ``quote_label`` names the span label produced by the quotation-mark classifier,
    if any; it must be one of ``span_labels``.
    """

    span_labels: tuple[str, ...]
    sentence_labels: tuple[str, ...]
    descriptions: dict[str, str] = field(default_factory=dict)
    quote_label: str | None = None

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for name in (*self.span_labels, *self.sentence_labels):
            if not _NAME.match(name):
                raise LabelSetError(f"label {name!r}: names must be UPPER_SNAKE_CASE, e.g. 'LOADED_LANGUAGE'")
            if name in seen:
                raise LabelSetError(f"label {name!r}: listed twice")
            seen.add(name)
            if not self.descriptions.get(name, "").strip():
                raise LabelSetError(f"label {name!r}: needs a non-empty description (it is shown to users)")
        for name in self.descriptions:
            if name not in seen:
                raise LabelSetError(f"label {name!r}: has a description but is not a span or sentence label")
        if self.quote_label is not None and self.quote_label not in self.span_labels:
            raise LabelSetError(f"label {self.quote_label!r}: quote_label must be one of the span labels")

    @property
    def bias_label(self) -> str | None:
        """The sentence label reported as ``bias``/``biased`` (:func:`bias_label`)."""
        return bias_label(self.sentence_labels)

    @property
    def tagged_labels(self) -> tuple[str, ...]:
        """Span labels found by the token tagger (all but the quote classifier's)."""
        return tuple(x for x in self.span_labels if x != self.quote_label)

    def description(self, label: str) -> str:
        return self.descriptions[label]

    def to_dict(self) -> dict:
        return {
            "span_labels": [{"name": n, "description": self.descriptions[n]} for n in self.span_labels],
            "sentence_labels": [{"name": n, "description": self.descriptions[n]} for n in self.sentence_labels],
            "quote_label": self.quote_label,
        }

    @classmethod
    def from_dict(cls, data: dict) -> LabelSet:
        """Build from ``to_dict()``'s shape (also the label-set file's), checking its structure first.

        Example:
            >>> LabelSet.from_dict({"span_labels": [{"name": "HEDGE"}]})
            Traceback (most recent call last):
            ...
            framing.labels.LabelSetError: span_labels[0] ('HEDGE'): needs a 'description' (it is shown to users)
        """
        if not isinstance(data, dict):
            raise LabelSetError(f"must be a mapping with 'span_labels' and/or 'sentence_labels', "
                                f"got {type(data).__name__}")
        unknown = sorted(set(data) - {"span_labels", "sentence_labels", "quote_label"}, key=str)
        if unknown:
            raise LabelSetError(f"unknown key(s) {', '.join(map(repr, unknown))}; "
                                "expected 'span_labels', 'sentence_labels' and optionally 'quote_label'")
        entries: dict[str, list[tuple[str, str]]] = {}
        for key in ("span_labels", "sentence_labels"):
            items = data.get(key) or []
            if not isinstance(items, list):
                raise LabelSetError(f"{key}: must be a list of {{name, description}} entries")
            entries[key] = [_entry(key, i, item) for i, item in enumerate(items)]
        spans, sents = entries["span_labels"], entries["sentence_labels"]
        if not spans and not sents:
            raise LabelSetError("no labels: give at least one span label or sentence label")
        return cls(
            span_labels=tuple(n for n, _ in spans),
            sentence_labels=tuple(n for n, _ in sents),
            descriptions=dict(spans + sents),
            quote_label=data.get("quote_label"),
        )

    def save(self, path: str | Path) -> None:
        atomic_write(path, json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> LabelSet:
        """Read a label-set file: JSON, or YAML when the name ends in ``.yaml``/``.yml``.

        The file has the shape of :meth:`to_dict` (a model folder's ``labels.json`` is one)::

            span_labels:
              - name: HEDGE
                description: Words that distance the writer from a claim ('reportedly', 'is said to').
            sentence_labels:
              - name: UNVERIFIED
                description: The sentence passes on a claim without saying who confirmed it.

        Example:
            >>> LabelSet.load("no/such/labels.yaml")
            Traceback (most recent call last):
            ...
            framing.labels.LabelSetError: no/such/labels.yaml: no such file
        """
        from framing import guards

        path = Path(path)
        try:
            raw = guards.read_capped(path, guards.MAX_LABELSET_BYTES).decode("utf-8")
        except FileNotFoundError:
            raise LabelSetError(f"{path}: no such file") from None
        except guards.TooLargeError as e:
            raise LabelSetError(str(e)) from None
        except (OSError, UnicodeDecodeError) as e:
            raise LabelSetError(f"{path}: cannot be read ({e})") from None
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            try:
                data = guards.load_yaml(raw, str(path))
            except yaml.YAMLError as e:
                mark = getattr(e, "problem_mark", None)
                line = f":{mark.line + 1}" if mark is not None else ""
                raise LabelSetError(f"{path}{line}: not valid YAML ({getattr(e, 'problem', None) or e})") from None
            except guards.DataError as e:
                raise LabelSetError(str(e)) from None
        else:
            try:
                data = guards.load_json(raw, str(path))
            except json.JSONDecodeError as e:
                raise LabelSetError(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from None
            except guards.DataError as e:
                raise LabelSetError(str(e)) from None
        try:
            return cls.from_dict(data)
        except LabelSetError as e:
            raise LabelSetError(f"{path}: {e}") from None


def _entry(key: str, index: int, item) -> tuple[str, str]:
    """``(name, description)`` of one label entry, or an error naming the entry and the label."""
    where = f"{key}[{index}]"
    if not isinstance(item, dict):
        from framing.guards import short_repr

        raise LabelSetError(f"{where}: must be a mapping with 'name' and 'description', got {short_repr(item)}")
    name = item.get("name")
    if not isinstance(name, str):
        raise LabelSetError(f"{where}: needs a 'name' (a string such as 'HEDGE')")
    where = f"{where} ({name!r})"
    extra = sorted(set(item) - {"name", "description"})
    if extra:
        raise LabelSetError(f"{where}: unknown key(s) {', '.join(map(repr, extra))}; "
                            "a label has only 'name' and 'description'")
    if "description" not in item:
        raise LabelSetError(f"{where}: needs a 'description' (it is shown to users)")
    if not isinstance(item["description"], str):
        raise LabelSetError(f"{where}: 'description' must be a string")
    return name, item["description"]


DEFAULT_LABELSET = LabelSet(
    span_labels=(
        "SCARE_QUOTE",
        "LOADED_LANGUAGE",
        "NAME_CALLING",
        "EXAGGERATION",
        "DOUBT",
        "APPEAL_TO_FEAR",
        "FLAG_WAVING",
    ),
    sentence_labels=("BIASED",),
    descriptions={
        "SCARE_QUOTE": "Quotation marks that distance the writer from a term (irony, doubt or a contested label), "
        "not a quotation attributed to a source, a name or a word mentioned as a word.",
        "LOADED_LANGUAGE": "Words with strong emotional connotations chosen to sway the reader, "
        "such as 'disastrous' or 'propaganda arm'.",
        "NAME_CALLING": "A label that makes a person or group an object of fear, contempt or admiration, "
        "such as 'thugs' or 'regime'.",
        "EXAGGERATION": "Overstating or understating something: 'the worst crisis ever', 'a mere scratch'.",
        "DOUBT": "Questioning someone's credibility or insinuating without evidence: "
        "'is said to have ties to', 'so-called experts'.",
        "APPEAL_TO_FEAR": "Building support by stoking anxiety or prejudice about an alternative or a group.",
        "FLAG_WAVING": "Appealing to patriotism or group identity to justify an idea: 'real Americans would never'.",
        "BIASED": "The sentence as a whole takes sides or reads as opinion rather than neutral reporting.",
    },
    quote_label="SCARE_QUOTE",
)

# What a pair of quotation marks is used for, in this order: the quote head's classes (FramingConfig.quote_classes)
# and the labels of the quotation-mark corpus (data/quotes/GUIDELINES.md).
QUOTE_CLASSES = ("SCARE", "DIRECT", "TITLE_NAME", "MENTION", "OTHER")
SCARE_CLASS = "SCARE"  # the class whose probability decides a ``quote_label`` span
ATTRIBUTED_CLASS = "DIRECT"  # a verbatim quotation attributed to a source: the words inside are quoted voice

# How PTC / SemEval-2020 Task 11 technique names map onto the default span labels.
PTC_TECHNIQUES = {
    "Loaded_Language": "LOADED_LANGUAGE",
    "Name_Calling,Labeling": "NAME_CALLING",
    "Exaggeration,Minimisation": "EXAGGERATION",
    "Doubt": "DOUBT",
    "Appeal_to_fear-prejudice": "APPEAL_TO_FEAR",
    "Flag-Waving": "FLAG_WAVING",
}

# The same six techniques under their SemEval-2023 Task 3 names.
SEMEVAL2023_TECHNIQUES = {
    "Loaded_Language": "LOADED_LANGUAGE",
    "Name_Calling-Labeling": "NAME_CALLING",
    "Exaggeration-Minimisation": "EXAGGERATION",
    "Doubt": "DOUBT",
    "Appeal_to_Fear-Prejudice": "APPEAL_TO_FEAR",
    "Flag_Waving": "FLAG_WAVING",
}
