"""Losses and batched scoring shared by the training scripts and the tests.

Example:
    >>> TAG_CLASS_WEIGHTS
    (1.0, 2.0, 2.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from framing.decoding import tag_targets
from framing.examples import QuoteExample, SentenceExample, TagExample
from framing.features import encode, quote_positions
from framing.modeling import FramingModel

TAG_CLASS_WEIGHTS = (1.0, 2.0, 2.0)  # O, B, I: only ~13% of PTC tokens are inside a span


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
        y = torch.tensor([e.label for e in examples], dtype=sent.dtype)
        return nn.functional.binary_cross_entropy_with_logits(sent[:, 0], y)
    if task == "quote":
        quotes = [(row, q) for row, e in enumerate(examples) for q, _ in e.quotes]
        y = torch.tensor([c for e in examples for _, c in e.quotes])
        return nn.functional.cross_entropy(net.quote_logits(hidden, quote_positions(batch, quotes)), y)
    raise ValueError(f"unknown task {task!r}; expected 'tag', 'sent' or 'quote'")


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


@torch.inference_mode()
def sentence_probabilities(model: FramingModel, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Probability of the first sentence label for each text, taken whole (not re-segmented)."""
    model.network.eval()
    out = [np.zeros(0)]
    for i in range(0, len(texts), batch_size):
        batch = encode(model.tokenizer, list(texts[i : i + batch_size]))
        out.append(torch.sigmoid(model.network.run(batch)[2][:, 0]).numpy())
    return np.concatenate(out)


__all__ = ["loss", "quote_probabilities", "sentence_probabilities", "TagExample", "SentenceExample", "QuoteExample"]
