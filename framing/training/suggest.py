"""Active learning: pick the sentences a model is least sure about, varied, as Label Studio tasks.

A sentence's uncertainty is its most uncertain decision: for every word and span label, every
sentence label and every quotation mark, how close the probability is to the label's threshold
(1 at the threshold, 0 at 0 or 1). Sentences are taken most uncertain first, skipping any that
shares half its words with one already taken and any beyond ``per_document`` from one document,
so the annotators do not see the same sentence shape over and over.

Each task carries the model's flags as Label Studio pre-annotations (``predictions``): span
``labels`` from ``label`` and sentence ``choices`` from ``sentence``, the control names that
``framing train``'s Label Studio importer reads back once annotated.

Example:
    >>> closeness(np.array([0.5, 0.9, 0.0]), 0.5).round(2).tolist()
    [1.0, 0.2, 0.0]
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.errors import DataError, UsageError
from framing.labels import SCARE_CLASS
from framing.modeling import FramingModel
from framing.pipeline.scores import DocumentScores

_WORD = re.compile(r"\w+")


def closeness(p: np.ndarray, threshold: float) -> np.ndarray:
    """1 where ``p`` equals ``threshold``, falling linearly to 0 at 0 and at 1."""
    return 1.0 - np.abs(p - threshold) / np.where(p >= threshold, 1.0 - threshold, threshold)


@dataclass
class Candidate:
    doc_id: str
    index: int  # sentence index in the document
    start: int
    end: int
    uncertainty: float


def _candidates(model: FramingModel, doc_id: str, scores: DocumentScores) -> list[Candidate]:
    cfg = model.config
    labels = cfg.labelset
    out = []
    for k, s in enumerate(scores.sentences):
        values = [0.0]
        for j, name in enumerate(labels.tagged_labels):
            if len(s.units):
                values.append(float(closeness(s.inside[:, j], cfg.thresholds[name]).max()))
        for j, name in enumerate(labels.sentence_labels):
            values.append(float(closeness(s.sentence[j : j + 1], cfg.thresholds[name])[0]))
        if labels.quote_label and len(s.quotes):
            scare = cfg.quote_classes.index(SCARE_CLASS)
            values.append(float(closeness(s.quote_probs[:, scare], cfg.thresholds[labels.quote_label]).max()))
        out.append(Candidate(doc_id, k, s.start, s.end, max(values)))
    return out


def pick(candidates: list[Candidate], texts: dict[str, str], n: int, per_document: int = 3,
         max_overlap: float = 0.5) -> list[Candidate]:
    """The ``n`` most uncertain candidates, at most ``per_document`` per document, none sharing more than
    ``max_overlap`` of its words (Jaccard) with one picked before it."""
    chosen: list[Candidate] = []
    words: list[set[str]] = []
    per_doc: dict[str, int] = {}
    for c in sorted(candidates, key=lambda c: (-c.uncertainty, c.doc_id, c.index)):
        if len(chosen) == n:
            break
        if per_doc.get(c.doc_id, 0) >= per_document:
            continue
        w = set(_WORD.findall(texts[c.doc_id][c.start : c.end].lower()))
        if not w or any(len(w & o) / len(w | o) > max_overlap for o in words):
            continue
        chosen.append(c)
        words.append(w)
        per_doc[c.doc_id] = per_doc.get(c.doc_id, 0) + 1
    return chosen


def suggest(model: FramingModel, documents: list[tuple[str, str]], n: int, per_document: int = 3,
            batch_size: int = 32) -> list[dict]:
    """Label Studio tasks (with pre-annotations) for the ``n`` sentences of ``documents`` (``(doc_id, text)``)
    that the model is least sure about."""
    if n < 1:
        raise UsageError(f"--n must be at least 1, got {n}")
    texts = dict(documents)
    scored = model.score_many([t for _, t in documents], batch_size=batch_size)
    candidates = [c for (doc_id, _), s in zip(documents, scored) for c in _candidates(model, doc_id, s)]
    by_doc = dict(zip([d for d, _ in documents], scored))
    tasks = []
    for c in pick(candidates, texts, n, per_document):
        text = texts[c.doc_id]
        flags = model.decode(DocumentScores(text, [by_doc[c.doc_id].sentences[c.index]]))
        sentence = text[c.start : c.end]
        result = [{"from_name": "label", "to_name": "text", "type": "labels", "score": sp.score,
                   "value": {"start": sp.start - c.start, "end": sp.end - c.start, "text": sp.text,
                             "labels": [sp.label]}} for sp in flags.spans]
        if flags.sentences[0].sentence_labels:
            result.append({"from_name": "sentence", "to_name": "text", "type": "choices",
                           "value": {"choices": flags.sentences[0].sentence_labels}})
        tasks.append({"data": {"text": sentence, "doc_id": c.doc_id, "sentence": c.index, "start": c.start},
                      "predictions": [{"model_version": "framing", "score": round(c.uncertainty, 4),
                                       "result": result}]})
    return tasks


@dataclass(frozen=True)
class Suggested:
    """What :func:`write_suggestions` wrote: the tasks file, and how many tasks and documents went into it."""

    out: Path
    tasks: int
    documents: int
    skipped: int  # documents without text (error rows of the corpus reader)


def write_suggestions(corpus: Sequence[str], out: str | os.PathLike, model_dir: str | None = None, n: int = 200,
                      per_document: int = 3, id_field: str = "id", text_field: str = "text") -> Suggested:
    """``framing suggest``: read ``corpus`` (as ``framing score`` does), pick the ``n`` most uncertain
    sentences and write them to ``out`` as a Label Studio import file (atomically).

    Example:
        >>> write_suggestions(["corpus.jsonl"], "tasks.json", n=50).tasks  # doctest: +SKIP
        50
    """
    from framing.atomic import atomic_write
    from framing.data.corpus import iter_documents

    out = Path(out)
    if out.is_dir():
        raise UsageError(f"--out {out}: is a folder; give a file name such as {out / 'tasks.json'}")
    model = FramingModel.from_pretrained(model_dir)
    documents, skipped = [], 0
    for d in iter_documents(list(corpus), id_field, text_field):
        if d.text is None:
            skipped += 1
        else:
            documents.append((str(d.doc_id), d.text))
    if not documents:
        raise DataError(f"{', '.join(corpus)}: no document with text")
    tasks = suggest(model, documents, n, per_document)
    atomic_write(out, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    return Suggested(out, len(tasks), len(documents), skipped)
