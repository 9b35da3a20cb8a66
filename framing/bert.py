"""A BERT encoder for inference built from ``torch.nn.TransformerEncoder``, loading BERT checkpoints.

Why not ``transformers.BertModel`` here: importing it costs several seconds on a 2-core
machine, more than the whole cold ``framing check`` budget. torch's own encoder layer has
BERT's exact post-LayerNorm structure and a fused inference fast path.
Training still uses ``transformers`` (with ``peft``); a test checks both give the same output.

Example:
    >>> enc = BertEncoder(dict(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
    ...                        intermediate_size=32, max_position_embeddings=64))
    >>> out = enc(inputs_embeds=torch.zeros(1, 3, 16), attention_mask=torch.ones(1, 3))
    >>> tuple(out.last_hidden_state.shape)
    (1, 3, 16)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import torch
from torch import nn


@dataclass
class EncoderOutput:
    last_hidden_state: torch.Tensor


class BertEncoder(nn.Module):
    """BERT embeddings (word + position + token type 0, LayerNorm) and post-LN transformer layers."""

    def __init__(self, config: dict) -> None:
        super().__init__()
        hidden, eps = config["hidden_size"], config.get("layer_norm_eps", 1e-12)
        self.config = SimpleNamespace(**config)
        self.word_embeddings = nn.Embedding(config["vocab_size"], hidden, padding_idx=config.get("pad_token_id", 0))
        self.position_embeddings = nn.Embedding(config["max_position_embeddings"], hidden)
        self.token_type_embeddings = nn.Embedding(config.get("type_vocab_size", 2), hidden)
        self.embedding_norm = nn.LayerNorm(hidden, eps=eps)
        layer = nn.TransformerEncoderLayer(hidden, config["num_attention_heads"], config["intermediate_size"],
                                           dropout=0.0, activation="gelu", layer_norm_eps=eps, batch_first=True)
        self.layers = nn.TransformerEncoder(layer, config["num_hidden_layers"], enable_nested_tensor=False)

    def get_input_embeddings(self) -> nn.Embedding:
        return self.word_embeddings

    def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> EncoderOutput:
        positions = torch.arange(inputs_embeds.shape[1], device=inputs_embeds.device)
        x = inputs_embeds + self.position_embeddings(positions)[None] + self.token_type_embeddings.weight[0]
        x = self.embedding_norm(x)
        x = self.layers(x, src_key_padding_mask=attention_mask == 0)
        # padded positions hold garbage; zero them so every head can pool without caring
        return EncoderOutput(x * attention_mask.unsqueeze(-1).to(x.dtype))

    def load_bert_state(self, state: dict[str, torch.Tensor]) -> None:
        """Load weights named as in a Hugging Face ``BertModel`` checkpoint (no ``bert.`` prefix)."""
        own = {
            "word_embeddings.weight": state["embeddings.word_embeddings.weight"],
            "position_embeddings.weight": state["embeddings.position_embeddings.weight"],
            "token_type_embeddings.weight": state["embeddings.token_type_embeddings.weight"],
            "embedding_norm.weight": state["embeddings.LayerNorm.weight"],
            "embedding_norm.bias": state["embeddings.LayerNorm.bias"],
        }
        for i in range(len(self.layers.layers)):
            p = f"encoder.layer.{i}."
            q = f"layers.layers.{i}."
            for part in ("weight", "bias"):
                own[q + f"self_attn.in_proj_{part}"] = torch.cat(
                    [state[p + f"attention.self.{m}.{part}"] for m in ("query", "key", "value")])
                own[q + f"self_attn.out_proj.{part}"] = state[p + f"attention.output.dense.{part}"]
                own[q + f"norm1.{part}"] = state[p + f"attention.output.LayerNorm.{part}"]
                own[q + f"linear1.{part}"] = state[p + f"intermediate.dense.{part}"]
                own[q + f"linear2.{part}"] = state[p + f"output.dense.{part}"]
                own[q + f"norm2.{part}"] = state[p + f"output.LayerNorm.{part}"]
        self.load_state_dict(own)
