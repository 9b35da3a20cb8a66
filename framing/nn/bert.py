"""A BERT encoder for inference in plain torch, loading BERT checkpoints.

Why not ``transformers.BertModel`` here: importing it costs several seconds on a 2-core
machine, more than the whole cold ``framing check`` budget. Why not torch's fused
``nn.TransformerEncoderLayer``: on these cores it was slower than plain ``nn.Linear`` layers with
``scaled_dot_product_attention`` (78 against 111 sentences/s, batch 32), and its attention
projection is a bare parameter that int8 dynamic quantisation cannot reach. Every projection
here is an ``nn.Linear``, so ``quantize_dynamic`` covers them all (see :func:`quantize`).
Training still uses ``transformers`` (with ``peft``); a test checks both give the same output.

Example:
    >>> enc = BertEncoder(dict(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
    ...                        intermediate_size=32, max_position_embeddings=64))
    >>> out = enc(inputs_embeds=torch.zeros(1, 3, 16), attention_mask=torch.ones(1, 3))
    >>> tuple(out.last_hidden_state.shape)
    (1, 3, 16)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class EncoderOutput:
    last_hidden_state: torch.Tensor


class BertLayer(nn.Module):
    """One post-LayerNorm BERT layer: self-attention, then the feed-forward block (exact GELU)."""

    def __init__(self, hidden: int, heads: int, intermediate: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)  # query, key and value in one matmul
        self.attention_out = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=eps)
        self.intermediate = nn.Linear(hidden, intermediate)
        self.output = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        attended = F.scaled_dot_product_attention(q, k, v, attn_mask=keep).transpose(1, 2).reshape(b, t, h)
        x = self.attention_norm(x + self.attention_out(attended))
        return self.output_norm(x + self.output(F.gelu(self.intermediate(x))))


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
        self.layers = nn.ModuleList(
            BertLayer(hidden, config["num_attention_heads"], config["intermediate_size"], eps)
            for _ in range(config["num_hidden_layers"]))

    def get_input_embeddings(self) -> nn.Embedding:
        return self.word_embeddings

    def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> EncoderOutput:
        positions = torch.arange(inputs_embeds.shape[1], device=inputs_embeds.device)
        x = inputs_embeds + self.position_embeddings(positions)[None] + self.token_type_embeddings.weight[0]
        x = self.embedding_norm(x)
        keep = (attention_mask != 0)[:, None, None, :]  # (B, 1, 1, T): every query sees the real keys only
        for layer in self.layers:
            x = layer(x, keep)
        # padded positions hold garbage; zero them so every head can pool without caring
        return EncoderOutput(x * attention_mask.unsqueeze(-1).to(x.dtype))

    def load_bert_state(self, state: dict[str, torch.Tensor], assign: bool = False) -> None:
        """Load weights named as in a Hugging Face ``BertModel`` checkpoint (no ``bert.`` prefix).

        ``assign=True`` makes the given tensors the parameters (no copy), which also works for an encoder
        built on the ``meta`` device (no random initialisation: a faster cold start)."""
        own = {
            "word_embeddings.weight": state["embeddings.word_embeddings.weight"],
            "position_embeddings.weight": state["embeddings.position_embeddings.weight"],
            "token_type_embeddings.weight": state["embeddings.token_type_embeddings.weight"],
            "embedding_norm.weight": state["embeddings.LayerNorm.weight"],
            "embedding_norm.bias": state["embeddings.LayerNorm.bias"],
        }
        for i in range(len(self.layers)):
            p, q = f"encoder.layer.{i}.", f"layers.{i}."
            for part in ("weight", "bias"):
                own[q + f"qkv.{part}"] = torch.cat(
                    [state[p + f"attention.self.{m}.{part}"] for m in ("query", "key", "value")])
                own[q + f"attention_out.{part}"] = state[p + f"attention.output.dense.{part}"]
                own[q + f"attention_norm.{part}"] = state[p + f"attention.output.LayerNorm.{part}"]
                own[q + f"intermediate.{part}"] = state[p + f"intermediate.dense.{part}"]
                own[q + f"output.{part}"] = state[p + f"output.dense.{part}"]
                own[q + f"output_norm.{part}"] = state[p + f"output.LayerNorm.{part}"]
        self.load_state_dict(own, assign=assign)


def quantize(encoder: BertEncoder) -> nn.Module:
    """The encoder with every ``nn.Linear`` in int8 (dynamic quantisation: int8 weights, activations
    quantised per batch); embeddings and LayerNorms stay fp32. For inference on CPU only.

    Example:
        >>> enc = BertEncoder(dict(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        ...                        intermediate_size=32, max_position_embeddings=64))
        >>> type(quantize(enc).layers[0].qkv).__name__
        'Linear'
        >>> quantize(enc).layers[0].qkv.weight().dtype
        torch.qint8
    """
    with warnings.catch_warnings():
        # torch flags its eager quantisation API as moving to torchao; it is what ships with torch today
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        # one scale per output row: on this model it kept twice as many flags unchanged as one scale per matrix
        return quantize_dynamic(encoder, {nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
