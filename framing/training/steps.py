"""Losses and batched scoring shared by the training scripts and the tests.

Example:
    >>> TAG_CLASS_WEIGHTS
    (1.0, 2.0, 2.0)
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from framing.labels import bias_label
from framing.modeling import FramingModel
from framing.pipeline.decode import tag_targets
from framing.pipeline.encode import encode, quote_positions
from framing.training.examples import NOT_SCARE, QuoteExample, SentenceExample, TagExample

TAG_CLASS_WEIGHTS = (1.0, 2.0, 2.0)  # O, B, I: only ~13% of PTC tokens are inside a span


def length_batches(lengths: Sequence[int], size: int, rng: random.Random) -> list[list[int]]:
    """One epoch of shuffled batches of examples of similar length (less padding).

    Example:
        >>> length_batches([5, 50, 6, 49], 2, random.Random(0))
        [[0, 2], [3, 1]]
    """
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    pool, out = size * 50, []
    for p in range(0, len(idx), pool):
        chunk = sorted(idx[p : p + pool], key=lambda i: lengths[i])
        out += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    return out


def loss(model: FramingModel, task: str, examples: Sequence) -> torch.Tensor:
    """Loss of one batch of one task: ``"tag"`` (TagExample), ``"sent"`` (SentenceExample) or ``"quote"``."""
    net, cfg = model.network, model.config
    batch = encode(model.tokenizer, [e.text for e in examples])
    hidden, tags, sent = net.run(batch)
    if task == "tag":
        tagged = cfg.labelset.tagged_labels
        targets = torch.from_numpy(np.stack(
            [tag_targets(e.spans, batch.offsets[i], batch.word_ids[i], tagged) for i, e in enumerate(examples)]))
        weight = torch.tensor(TAG_CLASS_WEIGHTS, dtype=tags.dtype)
        return nn.functional.cross_entropy(tags.reshape(-1, 3), targets.reshape(-1), weight=weight, ignore_index=-100)
    if task == "sent":
        y, mask = sentence_targets(examples, cfg.labelset.sentence_labels)
        losses = nn.functional.binary_cross_entropy_with_logits(sent, y.to(sent.dtype), reduction="none")
        return (losses * mask).sum() / mask.sum().clamp(min=1.0)
    if task == "quote":
        quotes = [(row, q) for row, e in enumerate(examples) for q, _ in e.quotes]
        y = torch.tensor([c for e in examples for _, c in e.quotes])
        logits = net.quote_logits(hidden, quote_positions(batch, quotes))
        return quote_loss(logits, y, cfg.quote_classes.index("SCARE"))
    raise ValueError(f"unknown task {task!r}; expected 'tag', 'sent' or 'quote'")


def quote_loss(logits: torch.Tensor, y: torch.Tensor, scare: int) -> torch.Tensor:
    """Cross-entropy over quote classes; a :data:`NOT_SCARE` quote is a partial label, so its loss is
    ``-log(1 - P(SCARE))``: any class but SCARE is right.

    Example:
        >>> logits = torch.tensor([[2.0, 0.0], [0.0, 0.0]])
        >>> round(quote_loss(logits, torch.tensor([0, NOT_SCARE]), scare=0).item(), 3)  # (0.127 + 0.693) / 2
        0.41
    """
    logp = torch.log_softmax(logits, -1)
    known = y != NOT_SCARE
    losses = torch.zeros(len(y), dtype=logp.dtype)
    losses[known] = -logp[known, y[known]]
    others = torch.ones(logp.shape[1], dtype=torch.bool)
    others[scare] = False
    losses[~known] = -torch.logsumexp(logp[~known][:, others], -1)
    return losses.mean()


def sentence_targets(examples: Sequence[SentenceExample], names: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Targets and a 0/1 mask, both (examples, sentence labels): an example with only ``label``
    trains the bias label (:func:`framing.labels.bias_label`); one with ``labels`` trains the labels it names.

    Example:
        >>> y, mask = sentence_targets([SentenceExample("a", 1.0), SentenceExample("b", labels={"Y": 1.0})], ["X", "Y"])
        >>> y.tolist(), mask.tolist()
        ([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]])
    """
    y, mask = torch.zeros(len(examples), len(names)), torch.zeros(len(examples), len(names))
    for i, e in enumerate(examples):
        given = {bias_label(names): e.label} if e.labels is None else e.labels
        for k, name in enumerate(names):
            if name in given:
                y[i, k], mask[i, k] = float(given[name]), 1.0
    return y, mask


def train_step(model: FramingModel, task: str, examples: Sequence, params: list, optim, sched) -> float:
    """One optimizer step on one batch (gradients clipped to norm 1); returns the batch loss."""
    value = loss(model, task, examples)
    value.backward()
    nn.utils.clip_grad_norm_(params, 1.0)
    optim.step()
    sched.step()
    optim.zero_grad()
    return value.item()


@torch.inference_mode()
def quote_probabilities(model: FramingModel, examples: Sequence[QuoteExample], batch_size: int = 64
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities (n_quotes, n_classes) for every quote in ``examples``, and the gold classes."""
    model.network.eval()
    probs, gold = [], []
    for i in range(0, len(examples), batch_size):
        chunk = examples[i : i + batch_size]
        batch = encode(model.tokenizer, [e.text for e in chunk])
        hidden, _, _ = model.network.run(batch)
        quotes = [(row, q) for row, e in enumerate(chunk) for q, _ in e.quotes]
        if quotes:
            logits = model.network.quote_logits(hidden, quote_positions(batch, quotes))
            probs.append(torch.softmax(logits, -1).numpy())
        gold += [c for e in chunk for _, c in e.quotes]
    n = len(model.config.quote_classes)
    return (np.concatenate(probs) if probs else np.zeros((0, n))), np.array(gold, dtype=np.int64)


def sentence_probabilities(model: FramingModel, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Probability of the sentence label reported as ``bias`` (:func:`framing.labels.bias_label`) for each text,
    taken whole (not re-segmented)."""
    labels = model.config.labelset
    return sentence_label_probabilities(model, texts, batch_size)[:, labels.sentence_labels.index(labels.bias_label)]


@torch.inference_mode()
def sentence_label_probabilities(model: FramingModel, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Probabilities (texts, sentence labels) of every sentence label, each text taken whole."""
    model.network.eval()
    out = [np.zeros((0, len(model.config.labelset.sentence_labels)))]
    for i in range(0, len(texts), batch_size):
        batch = encode(model.tokenizer, list(texts[i : i + batch_size]))
        out.append(torch.sigmoid(model.network.run(batch)[2]).numpy())
    return np.concatenate(out)


__all__ = ["length_batches", "loss", "quote_loss", "train_step", "sentence_targets", "sentence_label_probabilities",
           "quote_probabilities", "sentence_probabilities", "TagExample", "SentenceExample", "QuoteExample"]
