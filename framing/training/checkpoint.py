"""Training checkpoints: the trainable weights, optimizer, scheduler and random-number state, in
safetensors and JSON, written whole before being swapped in so an interruption never leaves half of one."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from framing.atomic import atomic_folder
from framing.model_files import WEIGHTS_NAME
from framing.modeling import FramingModel


def trainable_weights(model: FramingModel) -> dict[str, torch.Tensor]:
    model.train()  # adapters unmerged, so the weights are the trainable ones
    keys = model._saved_keys()
    return {n: p.detach().clone().contiguous() for n, p in model.network.named_parameters() if n in keys}


def save_checkpoint(folder: Path, model: FramingModel, optim, sched, state: dict) -> None:
    """Write ``folder/last`` whole before swapping it in, so an interruption never leaves half a checkpoint
    (between the two renames the previous one is ``folder/.last.old``, which :func:`load_checkpoint` reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_folder(folder / "last", replace=True) as tmp:
        save_file(trainable_weights(model), tmp / WEIGHTS_NAME)
        sd = optim.state_dict()
        save_file({f"{i}.{k}": v.contiguous() for i, st in sd["state"].items() for k, v in st.items()}
                  | {"torch_rng": torch.get_rng_state()}, tmp / "optimizer.safetensors")
        meta = dict(state, param_groups=sd["param_groups"], scheduler=sched.state_dict())
        (tmp / "state.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def load_checkpoint(folder: Path, model: FramingModel, optim, sched) -> dict:
    last = folder / "last" if (folder / "last").is_dir() else folder / ".last.old"
    meta = json.loads((last / "state.json").read_text(encoding="utf-8"))
    model.network.load_state_dict(load_file(last / WEIGHTS_NAME), strict=False)
    tensors = load_file(last / "optimizer.safetensors")
    torch.set_rng_state(tensors.pop("torch_rng"))
    per_param: dict[int, dict] = {}
    for key, value in tensors.items():
        i, name = key.split(".", 1)
        per_param.setdefault(int(i), {})[name] = value
    optim.load_state_dict({"state": per_param, "param_groups": meta.pop("param_groups")})
    sched.load_state_dict(meta.pop("scheduler"))
    return meta
