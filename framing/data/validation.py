"""Check annotations against a label set before any training, and count what there is per label.

Fatal (training does not start): unknown labels, spans out of range or empty, documents without
text, duplicate documents, documents in both train and dev, and anything an importer could not
read. Warnings: spans that cut through a word (training uses whole words), labels with too few
examples, labels with no dev examples, skipped records.

Example:
    >>> from framing.data.annotated import AnnotatedDocument, Imported, SpanAnnotation
    >>> from framing.labels import LabelSet
    >>> ls = LabelSet(("HEDGE",), (), {"HEDGE": "Distancing words."})
    >>> doc = AnnotatedDocument("1", "It reportedly fell.", "a.jsonl:1", [SpanAnnotation(3, 14, "HEDGES")])
    >>> report = validate(ls, Imported("a.jsonl", "jsonl", [doc]), None)
    >>> print(report.problems[0])
    a.jsonl:1: error: span 3-14 'reportedly ': unknown span label 'HEDGES' (did you mean 'HEDGE'?)
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from framing.data.annotated import AnnotatedDocument, Imported, Problem
from framing.data.gold import fingerprint
from framing.labels import LabelSet
from framing.wording import plural

MIN_EXAMPLES = 20  # fewer training examples of a label than this gets a warning


@dataclass
class ValidationReport:
    """Problems found, and per label the number of training and dev examples (spans, or positive units)."""

    problems: list[Problem]
    counts: dict[str, dict[str, int]]
    documents: dict[str, int] = field(default_factory=dict)

    @property
    def fatal(self) -> list[Problem]:
        return [p for p in self.problems if p.fatal]

    def summary(self) -> str:
        """One line: documents per split and the number of errors and warnings."""
        errors, warnings = len(self.fatal), len(self.problems) - len(self.fatal)
        docs = ", ".join(f"{v} {k} documents" for k, v in self.documents.items())
        return f"{docs}; {plural(errors, 'error')}, {plural(warnings, 'warning')}"

    def lines(self, labelset: LabelSet) -> list[str]:
        """The report as printed by ``framing train``: problems, then a per-label count table."""
        out = [str(p) for p in self.problems]
        width = max([len(x) for x in self.counts] + [5])
        out.append(f"{'label':<{width}}  level     train    dev")
        for name, c in self.counts.items():
            level = "span" if name in labelset.span_labels else "sentence"
            out.append(f"{name:<{width}}  {level:<8} {c['train']:>6} {c['dev']:>6}")
        out.append(self.summary())
        return out


def _suggest(label: str, known: list[str]) -> str:
    close = difflib.get_close_matches(label, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f"; the label set has {', '.join(known) or 'none'}"


def _cuts_word(text: str, start: int, end: int) -> str | None:
    """The word that ``text[start:end]`` cuts through, if it starts or ends inside one."""
    inside = (0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()) or \
             (0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum())
    if not inside:
        return None
    a, b = start, end
    while a > 0 and text[a - 1].isalnum():
        a -= 1
    while b < len(text) and text[b].isalnum():
        b += 1
    return text[a:b]


def _check_document(doc: AnnotatedDocument, labelset: LabelSet, problems: list[Problem]) -> list[str] | None:
    """Check one document's text, spans and sentence labels; returns the labels of its usable spans
    and positive sentence labels (``None`` when it has no text)."""
    text = doc.text
    if not text.strip():
        problems.append(Problem(doc.where, "document has no text"))
        return None
    found: list[str] = []
    spans_known, sents_known = list(labelset.span_labels), list(labelset.sentence_labels)
    for s in doc.spans:
        where = s.where or doc.where
        what = f"span {s.start}-{s.end}"
        if not 0 <= s.start <= len(text) or not 0 <= s.end <= len(text):
            problems.append(Problem(where, f"{what} is out of range (the text has {len(text)} characters)"))
            continue
        if s.end <= s.start or not text[s.start : s.end].strip():
            problems.append(Problem(where, f"{what} is empty"))
            continue
        what += f" {text[s.start : s.end]!r}"
        if s.label not in spans_known:
            reason = (f"{s.label!r} is a sentence label, not a span label" if s.label in sents_known
                      else f"unknown span label {s.label!r}{_suggest(s.label, spans_known)}")
            problems.append(Problem(where, f"{what}: {reason}"))
            continue
        found.append(s.label)
        word = _cuts_word(text, s.start, s.end)
        if word is not None:
            problems.append(Problem(where, f"{what} cuts through the word {word!r} (training uses whole words)",
                                    fatal=False))
    for u in doc.units or []:
        if not 0 <= u.start < u.end <= len(text):
            problems.append(Problem(doc.where, f"sentence {u.start}-{u.end} is out of range or empty "
                                    f"(the text has {len(text)} characters)"))
            continue
        for name, value in u.labels.items():
            if name not in sents_known:
                problems.append(Problem(doc.where, f"{name!r} is a span label, not a sentence label"
                                        if name in spans_known
                                        else f"unknown sentence label {name!r}{_suggest(name, sents_known)}"))
            elif value not in (0, 1):
                problems.append(Problem(doc.where, f"sentence label {name!r} must be 0 or 1, got {value!r}"))
            elif value == 1:
                found.append(name)
    return found


def validate(labelset: LabelSet, train: Imported, dev: Imported | None, min_examples: int = MIN_EXAMPLES
             ) -> ValidationReport:
    """Check ``train`` (and ``dev``) against ``labelset``; every problem names its file and record or line."""
    problems: list[Problem] = []
    counts = {name: {"train": 0, "dev": 0} for name in (*labelset.span_labels, *labelset.sentence_labels)}
    seen: dict[str, tuple[str, str]] = {}  # fingerprint -> (split, where), train first
    documents = {}
    for split, imported in (("train", train), ("dev", dev)):
        if imported is None:
            continue
        problems += imported.problems
        documents[split] = len(imported.documents)
        if not imported.documents:
            problems.append(Problem(imported.source, "no documents"))
        for doc in imported.documents:
            found = _check_document(doc, labelset, problems)
            if found is None:
                continue
            key = fingerprint(doc.text)
            if key in seen:
                first_split, first = seen[key]
                reason = (f"duplicate of the document at {first}" if first_split == split
                          else f"also in the training data ({first}); dev documents must be unseen")
                problems.append(Problem(doc.where, reason))
                continue
            seen[key] = (split, doc.where)
            for name in found:
                counts[name][split] += 1
    source = train.source
    for name, c in counts.items():
        if c["train"] < min_examples:
            problems.append(Problem(source, f"label {name!r}: only {plural(c['train'], 'training example')} "
                                    f"(at least {min_examples} recommended)", fatal=False))
        if dev is not None and c["dev"] == 0:
            problems.append(Problem(dev.source, f"label {name!r}: no dev examples, so its dev F1 cannot be measured",
                                    fatal=False))
    if dev is not None and dev.documents and not any(c["dev"] for c in counts.values()):
        problems.append(Problem(dev.source, "no examples of any label; dev F1 (early stopping, model card) "
                                "cannot be measured"))
    return ValidationReport(problems, counts, documents)
