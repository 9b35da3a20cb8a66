"""Tokenise sentences into model inputs: ids, casing ids, character offsets and quote positions.

The encoder is uncased, so capitalisation (which tells names such as the "Open Skies"
treaty from scare quotes) is passed as a separate casing id per token.

Example:
    >>> casing("Open"), casing("NATO"), casing("open"), casing("'")
    (1, 2, 0, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Encoding, Tokenizer

from framing.pipeline.quotes import Quote

LOWER, CAPITALISED, UPPER = 0, 1, 2
N_CASING = 3


def casing(token_text: str) -> int:
    letters = [c for c in token_text if c.isalpha()]
    if not letters:
        return LOWER
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return UPPER
    return CAPITALISED if letters[0].isupper() else LOWER


@dataclass
class Batch:
    """Model inputs for a batch of sentences plus what decoding needs to map back to characters.

    The three id arrays are ``torch.long`` tensors from :func:`encode` and int64 numpy arrays from
    :func:`encode_arrays` (for ONNX Runtime, which needs no torch)."""

    input_ids: Any
    attention_mask: Any
    casing_ids: Any
    offsets: list[list[tuple[int, int]]]
    word_ids: list[list[int | None]]


def load_tokenizer(folder: Path, max_length: int) -> Tokenizer:
    """The base model's fast tokenizer (``tokenizer.json``), truncating at ``max_length``.

    It does not pad: :func:`batch_arrays` pads each batch to its own longest sentence, so that sentences can be
    tokenised once, sorted by their token counts, and batched with almost no padding.
    """
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length)
    tokenizer.no_padding()  # the file's own setting pads every sentence to 128 tokens
    return tokenizer


def encode_arrays(tokenizer: Tokenizer, texts: Sequence[str]) -> Batch:
    """Tokenise ``texts`` (already sentences) with padding to the longest one, as int64 numpy arrays."""
    return batch_arrays(tokenizer, texts, tokenizer.encode_batch(list(texts)))


def token_count_order(encodings: Sequence[Encoding]) -> list[int]:
    """Positions of ``encodings`` from fewest tokens to most, ties in input order: batches cut from this order carry
    almost no padding (ordered by characters, a fifth of the positions the encoder ran were padding)."""
    return sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))


def batch_arrays(tokenizer: Tokenizer, texts: Sequence[str], encodings: Sequence[Encoding]) -> Batch:
    """A :class:`Batch` of ``encodings`` (``tokenizer``'s, of ``texts``), padded to the longest of them.

    Example:
        >>> from framing.nn.base_model import base_model_dir
        >>> tok = load_tokenizer(base_model_dir(), 256)
        >>> b = batch_arrays(tok, ["Hi.", "Hi there."], tok.encode_batch(["Hi.", "Hi there."]))
        >>> b.attention_mask.tolist(), b.word_ids[0]
        ([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], [None, 0, 1, None, None])
    """
    if len(texts) != len(encodings):
        raise ValueError(f"{len(texts)} texts but {len(encodings)} encodings")
    width = max((len(e.ids) for e in encodings), default=0)
    pad_id = tokenizer.token_to_id("[PAD]") or 0
    input_ids = np.full((len(encodings), width), pad_id, dtype=np.int64)
    attention_mask = np.zeros((len(encodings), width), dtype=np.int64)
    offsets, word_ids = [], []
    for row, e in enumerate(encodings):
        n = len(e.ids)
        input_ids[row, :n] = e.ids
        attention_mask[row, :n] = 1
        offsets.append(e.offsets + [(0, 0)] * (width - n))  # (start, end) int tuples; (0, 0) for special and pad
        word_ids.append(e.word_ids + [None] * (width - n))
    # built as lists and converted once: item assignment into an array costs microseconds per token
    casing_ids = np.array([[casing(text[s:e]) if e > s else LOWER for s, e in offs]
                           for text, offs in zip(texts, offsets)], dtype=np.int64).reshape(len(encodings), width)
    return Batch(input_ids, attention_mask, casing_ids, offsets, word_ids)


def encode(tokenizer: Tokenizer, texts: Sequence[str]) -> Batch:
    """:func:`encode_arrays` as ``torch.long`` tensors."""
    return as_tensors(encode_arrays(tokenizer, texts))


def as_tensors(batch: Batch) -> Batch:
    """A numpy :class:`Batch` with its id arrays as torch tensors (sharing the arrays' memory)."""
    import torch

    return replace(batch, input_ids=torch.from_numpy(batch.input_ids),
                   attention_mask=torch.from_numpy(batch.attention_mask), casing_ids=torch.from_numpy(batch.casing_ids))


@dataclass
class QuotePositions:
    """Where each quote sits in a batch: row, opening/closing mark tokens and inner-token mask
    (torch tensors from :func:`quote_positions`, numpy arrays from :func:`quote_arrays`)."""

    rows: Any
    open_tokens: Any
    close_tokens: Any
    inner_mask: Any  # (n_quotes, seq_len) float32


def quote_arrays(batch: Batch, quotes: Sequence[tuple[int, Quote]]) -> QuotePositions:
    """Locate quotes given as ``(row, Quote with offsets relative to that row's sentence)``, as numpy arrays.

    A quote that runs past the end of its sentence (or the truncation limit) uses the
    last real token as its closing position and the tokens it has as its inner tokens.
    """
    seq_len = batch.input_ids.shape[1]
    rows, opens, closes = [], [], []
    mask = np.zeros((len(quotes), seq_len), dtype=np.float32)
    for n, (row, q) in enumerate(quotes):
        offs = batch.offsets[row]
        real = [t for t, (s, e) in enumerate(offs) if e > s]
        open_t = next((t for t in real if offs[t][0] >= q.start), real[-1])
        close_t = next((t for t in real if offs[t][0] >= q.end - 1), real[-1])
        inner = [t for t in real if offs[t][0] >= q.inner_start and offs[t][1] <= q.inner_end]
        mask[n, inner or [open_t]] = 1.0
        rows.append(row)
        opens.append(open_t)
        closes.append(close_t)
    return QuotePositions(np.array(rows, dtype=np.int64), np.array(opens, dtype=np.int64),
                          np.array(closes, dtype=np.int64), mask)


def quote_positions(batch: Batch, quotes: Sequence[tuple[int, Quote]]) -> QuotePositions:
    """:func:`quote_arrays` as torch tensors."""
    import torch

    pos = quote_arrays(batch, quotes)
    return QuotePositions(*(torch.from_numpy(a) for a in (pos.rows, pos.open_tokens, pos.close_tokens,
                                                            pos.inner_mask)))
