"""Pass/fail rules for pre-publish hooks (``--fail-on``) and the difference between two drafts (``--compare``):
``framing check``'s library functions, :func:`check_file` and :func:`compare_files`.

Example:
    >>> from framing.labels import DEFAULT_LABELSET
    >>> parse_fail_on("SCARE_QUOTE:0.8", DEFAULT_LABELSET)
    ('SCARE_QUOTE', 0.8)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from framing.errors import UsageError
from framing.labels import LabelSet
from framing.pipeline.results import DocumentResult, Span


def parse_fail_on(rule: str, labels: LabelSet) -> tuple[str, float | None]:
    """``LABEL`` or ``LABEL:THRESHOLD`` -> (label, threshold or None for the model's own threshold)."""
    name, _, value = rule.partition(":")
    known = (*labels.span_labels, *labels.sentence_labels)
    if name not in known:
        raise UsageError(f"--fail-on {rule}: unknown label {name!r}; labels are {', '.join(known)}")
    if not value:
        return name, None
    try:
        threshold = float(value)
    except ValueError:
        raise UsageError(f"--fail-on {rule}: threshold {value!r} is not a number") from None
    if not 0.0 <= threshold <= 1.0:
        raise UsageError(f"--fail-on {rule}: threshold must be between 0 and 1")
    return name, threshold


@dataclass(frozen=True)
class Failure:
    label: str
    threshold: float | None
    texts: list[str]

    def describe(self) -> str:
        level = "flagged" if self.threshold is None else f"at or above {self.threshold:.2f}"
        shown = ", ".join(repr(t) for t in self.texts[:5]) + (", ..." if len(self.texts) > 5 else "")
        return f"{len(self.texts)} {self.label} {level}: {shown}"


def failures(result: DocumentResult, rules: list[tuple[str, float | None]], labels: LabelSet) -> list[Failure]:
    """The rules that ``result`` breaks. A rule with no threshold fails on any writer-voice flag the model
    reports (words quoted from a source are not the draft's framing); one with a threshold fails on scores
    at or above it (for a sentence label, the sentence's probability). Sentences count in the writer voice
    too: one that is mostly an attributed quotation does not fail a rule."""
    out = []
    for label, threshold in rules:
        if label in labels.sentence_labels:
            hits = [s.text for s in result.sentences_in("writer")
                    if (label in s.sentence_labels if threshold is None else s.sentence_scores[label] >= threshold)]
        else:
            hits = [s.text for s in result.spans_in("writer")
                    if s.label == label and (threshold is None or s.score >= threshold)]
        if hits:
            out.append(Failure(label, threshold, hits))
    return out


def compare(old: DocumentResult, new: DocumentResult) -> tuple[list[Span], list[Span]]:
    """Writer-voice flags added in ``new`` and removed from ``old``, matched by label and text (offsets move).

    Example:
        >>> a = DocumentResult("x", [], [Span(0, 3, "the", "LOADED_LANGUAGE", 0.9, 0)])
        >>> added, removed = compare(a, DocumentResult("x", [], []))
        >>> [s.text for s in removed], added
        (['the'], [])
    """
    def key(s: Span) -> tuple[str, str]:
        return s.label, " ".join(s.text.lower().split())

    def unmatched(spans: list[Span], other: Counter) -> list[Span]:
        left = Counter(other)
        out = []
        for s in spans:
            if left[key(s)]:
                left[key(s)] -= 1
            else:
                out.append(s)
        return out

    old_flags, new_flags = old.spans_in("writer"), new.spans_in("writer")  # the draft's own framing
    return unmatched(new_flags, Counter(map(key, old_flags))), unmatched(old_flags, Counter(map(key, new_flags)))


@dataclass(frozen=True)
class Checked:
    """One checked document: the flags, the model's label set and the ``--fail-on`` rules it broke."""

    result: DocumentResult
    labels: LabelSet
    failures: list[Failure]


def check_file(path: str, model_dir: str | None = None, fail_on: Sequence[str] = (), sensitivity: float = 0.0,
               precision: str | None = None, progress_to: TextIO | None = None) -> Checked:
    """``framing check``: read ``path`` (``-``: standard input), run the model at ``sensitivity`` and apply the
    ``fail_on`` rules (``LABEL[:THRESHOLD]``). The input is read before the model is loaded, so a bad file
    is reported at once. With ``progress_to`` (a stream), a long input shows the sentences scored there.

    Example:
        >>> checked = check_file("draft.txt", fail_on=["SCARE_QUOTE"])  # doctest: +SKIP
        >>> [f.describe() for f in checked.failures]  # doctest: +SKIP
        ["1 SCARE_QUOTE flagged: 'peacekeepers'"]
    """
    from framing.data.documents import read_document
    from framing.modeling import FramingModel

    text = read_document(path)
    model = FramingModel.from_pretrained(model_dir, precision=precision, one_shot=True)  # framing.runtime
    labels = model.config.labelset
    rules = [parse_fail_on(rule, labels) for rule in fail_on]
    progress = None
    if progress_to is not None:
        from framing.progress import sentence_progress

        progress = sentence_progress(progress_to, len(text))
    result = model.predict(text, sensitivity, progress=progress)
    return Checked(result, labels, failures(result, rules, labels))


@dataclass(frozen=True)
class Comparison:
    """Two drafts' results and the writer-voice flags added in the new one and removed from the old."""

    old: DocumentResult
    new: DocumentResult
    added: list[Span]
    removed: list[Span]


def compare_files(old_path: str, new_path: str, model_dir: str | None = None,
                  precision: str | None = None) -> Comparison:
    """``framing check --compare``: both drafts through one model, then :func:`compare`.

    Example:
        >>> c = compare_files("draft-v1.txt", "draft-v2.txt")  # doctest: +SKIP
        >>> [s.text for s in c.removed]  # doctest: +SKIP
        ['peacekeepers']
    """
    from framing.data.documents import read_document
    from framing.modeling import FramingModel

    old_text, new_text = read_document(old_path), read_document(new_path)
    model = FramingModel.from_pretrained(model_dir, precision=precision, one_shot=True)  # framing.runtime
    old, new = model.predict_many([old_text, new_text])
    added, removed = compare(old, new)
    return Comparison(old, new, added, removed)
