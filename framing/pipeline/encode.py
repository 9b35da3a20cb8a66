"""Tokenise sentences into model inputs: ids, casing ids, character offsets and quote positions.

The encoder is uncased, so capitalisation (which tells names such as the "Open Skies"
treaty from scare quotes) is passed as a separate casing id per token.

Example:
    >>> casing("Open"), casing("NATO"), casing("open"), casing("'")
    (1, 2, 0, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from tokenizers import Tokenizer

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
    """Model inputs for a batch of sentences plus what decoding needs to map back to characters."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    casing_ids: torch.Tensor
    offsets: list[list[tuple[int, int]]]
    word_ids: list[list[int | None]]


def load_tokenizer(folder: Path, max_length: int) -> Tokenizer:
    """The base model's fast tokenizer (``tokenizer.json``), truncating at ``max_length`` and padding to the longest."""
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length)
    pad_id = tokenizer.token_to_id("[PAD]") or 0
    tokenizer.enable_padding(pad_id=pad_id, pad_token="[PAD]")
    return tokenizer


def encode(tokenizer: Tokenizer, texts: Sequence[str]) -> Batch:
    """Tokenise ``texts`` (already sentences) with padding to the longest one."""
    encodings = tokenizer.encode_batch(list(texts))
    input_ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
    attention_mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
    offsets = [enc.offsets for enc in encodings]  # (start, end) int tuples; (0, 0) for special and pad tokens
    word_ids = [enc.word_ids for enc in encodings]
    # built as lists and converted once: item assignment into a tensor costs microseconds per token
    casing_ids = torch.tensor([[casing(text[s:e]) if e > s else LOWER for s, e in offs]
                               for text, offs in zip(texts, offsets)], dtype=torch.long)
    return Batch(input_ids, attention_mask, casing_ids, offsets, word_ids)


@dataclass
class QuotePositions:
    """Where each quote sits in a batch: row, opening/closing mark tokens and inner-token mask."""

    rows: torch.Tensor
    open_tokens: torch.Tensor
    close_tokens: torch.Tensor
    inner_mask: torch.Tensor  # (n_quotes, seq_len) float


def quote_positions(batch: Batch, quotes: Sequence[tuple[int, Quote]]) -> QuotePositions:
    """Locate quotes given as ``(row, Quote with offsets relative to that row's sentence)``.

    A quote that runs past the end of its sentence (or the truncation limit) uses the
    last real token as its closing position and the tokens it has as its inner tokens.
    """
    seq_len = batch.input_ids.shape[1]
    rows, opens, closes = [], [], []
    mask = torch.zeros((len(quotes), seq_len))
    for n, (row, q) in enumerate(quotes):
        offs = batch.offsets[row]
        real = [t for t, (s, e) in enumerate(offs) if e > s]
        open_t = next((t for t in real if offs[t][0] >= q.start), real[-1])
        close_t = next((t for t in real if offs[t][0] >= q.end - 1), real[-1])
        inner = [t for t in real if offs[t][0] >= q.inner_start and offs[t][1] <= q.inner_end]
        for t in inner or [open_t]:
            mask[n, t] = 1.0
        rows.append(row)
        opens.append(open_t)
        closes.append(close_t)
    return QuotePositions(torch.tensor(rows, dtype=torch.long), torch.tensor(opens, dtype=torch.long),
                          torch.tensor(closes, dtype=torch.long), mask)
