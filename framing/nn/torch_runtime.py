"""The torch runtime: a saved model's inference network (LoRA adapters folded into the base encoder's
weights) and its forward pass to probabilities.

A model folder holds only what training changed (LoRA adapters, casing embedding, heads); the base
weights come from the installed all-MiniLM-L6-v2 package. Folding ``W + (alpha / r) B A`` once gives
plain weights, so the encoder runs on :class:`framing.nn.bert.BertEncoder` without ``transformers``
or ``peft`` (seconds of imports on 2 cores).

Example:
    >>> import torch
    >>> a, b = torch.ones(1, 2), torch.ones(2, 1)
    >>> fold_lora({"l.weight": torch.zeros(2, 2), "l.lora_A.weight": a, "l.lora_B.weight": b}, 2.0)["l.weight"]
    tensor([[2., 2.],
            [2., 2.]])
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from framing.config import FramingConfig
from framing.errors import ModelFolderError
from framing.model_files import CONFIG_NAME, WEIGHTS_NAME
from framing.nn.base_model import base_model_dir
from framing.nn.bert import BertEncoder
from framing.nn.network import FramingNetwork
from framing.nn.torch_context import no_init
from framing.pipeline.encode import Batch, as_tensors, quote_positions
from framing.pipeline.quotes import Quote


def fold_lora(weights: dict[str, torch.Tensor], scale: float) -> dict[str, torch.Tensor]:
    """``weights`` with every ``M.lora_A.weight``/``M.lora_B.weight`` pair folded into ``M.weight``
    (``W + scale * B A``) and the adapter entries dropped."""
    out = {k: v for k, v in weights.items() if ".lora_A." not in k and ".lora_B." not in k}
    for name, a in weights.items():
        if ".lora_A." in name:
            module = name.split(".lora_A.")[0]
            out[module + ".weight"] = out[module + ".weight"] + scale * (weights[name.replace("lora_A", "lora_B")] @ a)
    return out


def folded_network(config: FramingConfig, state: dict[str, torch.Tensor], source: Path) -> FramingNetwork:
    """The fp32 inference network of a model folder's saved ``state`` (``source`` names it in errors)."""
    folder = base_model_dir()
    if config.encoder_config is None:
        bert = load_file(folder / WEIGHTS_NAME)  # the base encoder's folder uses the same names
        encoder_config = json.loads((folder / CONFIG_NAME).read_text(encoding="utf-8"))
    else:
        bert, encoder_config = {}, config.encoder_config
    heads = {}
    for key, value in state.items():
        if key.startswith("encoder."):
            bert[key.removeprefix("encoder.").replace("base_model.model.", "").replace(".base_layer.", ".")] = value
        else:
            heads[key] = value
    # the adapters are folded after any saved base weights are in place
    bert = fold_lora(bert, config.lora_alpha / config.lora_rank)
    with no_init():  # no random initialisation of weights that are replaced at once
        encoder = BertEncoder(encoder_config)
    try:
        encoder.load_bert_state(bert, assign=True)
    except (KeyError, RuntimeError) as e:
        raise ModelFolderError(f"{source}: encoder weights do not fit the config ({e})") from None
    labels = config.labelset
    network = FramingNetwork(encoder, len(labels.tagged_labels), len(labels.sentence_labels),
                             len(config.quote_classes))
    missing, unexpected = network.load_state_dict(heads, strict=False)
    missing = [k for k in missing if not k.startswith("encoder.")]
    if missing or unexpected:
        raise ModelFolderError(f"{source}: weights do not fit the config (missing {missing[:3]}, "
                               f"unexpected {list(unexpected)[:3]})")
    return network.eval()


def probabilities(network: FramingNetwork, batch: Batch, quotes: Sequence[tuple[int, Quote]], n_classes: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tag probabilities (B, T, L, 3), sentence probabilities (B, S) and the class probabilities of
    ``quotes`` (Q, ``n_classes``) for a numpy :class:`Batch` (:func:`framing.pipeline.encode.encode_arrays`)."""
    with torch.inference_mode():
        hidden, tags, sent = network.run(as_tensors(batch))
        quote_probs = np.zeros((0, n_classes))
        if quotes:
            quote_probs = torch.softmax(network.quote_logits(hidden, quote_positions(batch, quotes)), -1).numpy()
        return torch.softmax(tags, dim=-1).numpy(), torch.sigmoid(sent).numpy(), quote_probs
