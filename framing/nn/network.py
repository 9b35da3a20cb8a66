"""The neural network: one shared encoder pass feeds every head.

- a B/I/O tagger per span label (independent, so spans of different labels may overlap);
- a sentence head on the mean-pooled sentence (bias probability);
- a quotation-mark head reading the opening mark, the closing mark and the quoted words.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn

from framing.pipeline.encode import N_CASING, Batch, QuotePositions


class FramingNetwork(nn.Module):
    """Encoder plus heads. ``encoder`` is a ``transformers`` BERT model (LoRA-wrapped while training).

    Example:
        >>> from transformers import BertConfig, BertModel
        >>> enc = BertModel(BertConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        ...                            intermediate_size=32, vocab_size=50), add_pooling_layer=False)
        >>> net = FramingNetwork(enc, n_tag_labels=2, n_sentence_labels=1, n_quote_classes=5)
        >>> ids = torch.ones(1, 4, dtype=torch.long)
        >>> h, tags, sent = net(ids, torch.ones(1, 4), torch.zeros_like(ids))
        >>> tuple(tags.shape), tuple(sent.shape)
        ((1, 4, 2, 3), (1, 1))
    """

    def __init__(self, encoder: nn.Module, n_tag_labels: int, n_sentence_labels: int, n_quote_classes: int,
                 dropout: float = 0.1) -> None:
        super().__init__()
        hidden = encoder.config.hidden_size
        self.encoder = encoder
        self.n_tag_labels = n_tag_labels
        self.casing_embeddings = nn.Embedding(N_CASING, hidden)
        nn.init.zeros_(self.casing_embeddings.weight)  # start exactly at the pretrained encoder
        self.dropout = nn.Dropout(dropout)
        with warnings.catch_warnings():  # a label set with no tagged labels has an empty (0-row) tagger
            warnings.filterwarnings("ignore", message="Initializing zero-element tensors is a no-op")
            self.tagger = nn.Linear(hidden, n_tag_labels * 3)
        self.sentence_head = nn.Linear(hidden, n_sentence_labels)
        self.quote_head = nn.Sequential(nn.Linear(3 * hidden, hidden), nn.GELU(), nn.Dropout(dropout),
                                        nn.Linear(hidden, n_quote_classes))

    def word_embeddings(self) -> nn.Embedding:
        return self.encoder.get_input_embeddings()

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, casing_ids: torch.Tensor):
        """Return hidden states (B, T, H), tag logits (B, T, L, 3) and sentence logits (B, S)."""
        hidden = self.hidden_states(input_ids, attention_mask, casing_ids)
        return hidden, self.tag_logits(hidden), self.sentence_logits(hidden, attention_mask)

    def hidden_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, casing_ids: torch.Tensor):
        """The encoder's output (B, T, H), zero at padded positions."""
        embeds = self.word_embeddings()(input_ids) + self.casing_embeddings(casing_ids)
        return self.encoder(inputs_embeds=embeds, attention_mask=attention_mask).last_hidden_state

    def tag_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        b, t, _ = hidden.shape
        return self.tagger(self.dropout(hidden)).view(b, t, self.n_tag_labels, 3)

    def sentence_logits(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.sentence_head(self.dropout(pooled))

    def run(self, batch: Batch):
        return self(batch.input_ids, batch.attention_mask, batch.casing_ids)

    def quote_logits(self, hidden: torch.Tensor, pos: QuotePositions) -> torch.Tensor:
        """Logits (n_quotes, n_quote_classes) for the quotes located by ``pos``."""
        h = hidden[pos.rows]  # (Q, T, H)
        idx = torch.arange(pos.rows.shape[0])  # a shape, not len(): traced into the ONNX graph as a size
        opening, closing = h[idx, pos.open_tokens], h[idx, pos.close_tokens]
        weights = pos.inner_mask.to(h.dtype).unsqueeze(-1)
        inner = (h * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.quote_head(self.dropout(torch.cat([opening, closing, inner], dim=-1)))
