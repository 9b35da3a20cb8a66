"""The one training loop: every model (``framing train``, the default recipe, cross-validation, tests) is fit here.

One schedule (AdamW, linear warm-up over ``warmup`` of the steps, then linear decay to zero), batches of
similar length drawn afresh and fixed per epoch, tasks mixed in one shuffled plan, gradients clipped
to norm 1. With a ``score`` function the model is measured after every epoch, the best epoch is kept
and training stops after ``patience`` epochs without a better score. With a ``checkpoint_dir`` the
state is saved after every epoch and every ``checkpoint_minutes``, and ``resume=True`` continues an
interrupted run to the same weights as an uninterrupted one.

Example:
    >>> LoopOptions(epochs=0)
    Traceback (most recent call last):
    ...
    framing.errors.UsageError: --epochs must be at least 1, got 0
"""

from __future__ import annotations

import random
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from tqdm import tqdm

from framing.errors import FramingError, UsageError
from framing.modeling import FramingModel
from framing.training.checkpoint import load_checkpoint, save_checkpoint, trainable_weights
from framing.training.steps import length_batches, train_step


class TrainingError(FramingError, ValueError):
    """A training run that cannot start or continue; the message says why and what to do."""


@dataclass
class LoopOptions:
    """How to fit a model; bad values are refused with a sentence a user understands.

    ``repeats`` gives a task's examples more than one pass per epoch (e.g. ``{"quote": 2}``).
    """

    epochs: int = 20
    patience: int = 3
    batch_size: int = 16
    lr: float = 1e-3
    seed: int = 13
    warmup: float = 0.05
    weight_decay: float = 0.01
    repeats: dict[str, int] = field(default_factory=dict)
    checkpoint_dir: Path | None = None
    checkpoint_minutes: float = 5.0

    def __post_init__(self) -> None:
        for name in ("epochs", "patience", "batch_size"):
            if getattr(self, name) < 1:
                raise UsageError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if not 0 < self.lr < 1:
            raise UsageError(f"--lr must be between 0 and 1, got {self.lr}")
        if not 0 <= self.warmup < 1:
            raise UsageError(f"warm-up share must be in [0, 1), got {self.warmup}")
        if self.checkpoint_minutes < 0:
            raise UsageError(f"--checkpoint-minutes must not be negative, got {self.checkpoint_minutes}")


@dataclass
class FitResult:
    """What the loop did: one ``{"epoch", "loss", "score"}`` per epoch, and the epoch kept."""

    history: list[dict]
    best_epoch: int
    best_score: float | None
    epochs_run: int
    minutes: float


def epoch_plan(data: dict[str, list], opts: LoopOptions, epoch: int) -> list[tuple[str, list[int]]]:
    """The shuffled (task, example indices) batches of one epoch, the same whenever it is rebuilt.

    Example:
        >>> from framing.training.examples import SentenceExample, TagExample
        >>> data = {"tag": [TagExample("a", []), TagExample("bb", []), TagExample("c", [])],
        ...         "sent": [SentenceExample("dd", 1.0)]}
        >>> plan = epoch_plan(data, LoopOptions(batch_size=2), 0)
        >>> sorted((task, len(b)) for task, b in plan)
        [('sent', 1), ('tag', 1), ('tag', 2)]
    """
    rng = random.Random(opts.seed * 1_000 + epoch)
    plan = [(task, batch) for task, xs in data.items() if xs for _ in range(opts.repeats.get(task, 1))
            for batch in length_batches([len(x.text) for x in xs], opts.batch_size, rng)]
    rng.shuffle(plan)
    return plan


def _log_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def fit(model: FramingModel, data: dict[str, list], opts: LoopOptions,
        score: Callable[[FramingModel], float] | None = None, *, resume: bool = False, key: str = "",
        log: Callable[[str], None] = _log_stderr, on_step: Callable[[int], None] | None = None) -> FitResult:
    """Fit ``model`` on ``data`` (``{"tag": [TagExample], "sent": [...], "quote": [...]}``) and keep the best epoch.

    ``key`` identifies the data and settings; a checkpoint made with another key is refused on resume.
    The model is left in eval mode with the kept epoch's weights.
    """
    ckpt = opts.checkpoint_dir
    usable = ckpt is not None and ((ckpt / "last").is_dir() or (ckpt / ".last.old").is_dir())
    if resume and not usable:
        raise TrainingError(f"{ckpt}: no checkpoint to resume from; run without --resume")
    if ckpt is not None and not resume and usable:
        raise TrainingError(f"{ckpt}: an interrupted run left a checkpoint; continue it with --resume or delete it")
    if ckpt is not None and ckpt.exists() and not usable:
        shutil.rmtree(ckpt)  # stopped while writing its first checkpoint: nothing there to continue from

    steps_per_epoch = len(epoch_plan(data, opts, 0))
    params = [p for p in model.network.parameters() if p.requires_grad]
    optim = torch.optim.AdamW(params, lr=opts.lr, weight_decay=opts.weight_decay)
    total = steps_per_epoch * opts.epochs
    warmup = max(1, int(opts.warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    state = {"key": key, "epoch": 0, "step": 0, "global_step": 0, "best_score": None, "best_epoch": 0,
             "bad_epochs": 0, "stopped": False, "history": [], "minutes": 0.0}
    if resume:
        state = load_checkpoint(ckpt, model, optim, sched)
        if state["key"] != key:
            raise TrainingError(f"{ckpt}: the checkpoint was made with other annotations, labels or settings; "
                                "delete it to start afresh")
        log(f"framing: resuming from {ckpt} at epoch {state['epoch'] + 1}, step {state['step']}")
    best_weights: dict[str, torch.Tensor] | None = None
    started, saved = time.time() - state["minutes"] * 60, time.time()

    def checkpoint() -> None:
        if ckpt is not None:
            state["minutes"] = (time.time() - started) / 60
            save_checkpoint(ckpt, model, optim, sched, state)

    last_score = state["history"][-1]["score"] if state["history"] else None
    while state["epoch"] < opts.epochs and not state["stopped"]:
        epoch = state["epoch"]
        plan = epoch_plan(data, opts, epoch)
        if state["step"] == 0:
            torch.manual_seed(opts.seed * 1_000 + epoch)
        model.train()
        bar = tqdm(total=len(plan), initial=state["step"], desc=f"epoch {epoch + 1}/{opts.epochs}",
                   mininterval=1, file=sys.stderr, dynamic_ncols=True)
        running = None
        for task, idx in plan[state["step"]:]:
            value = train_step(model, task, [data[task][i] for i in idx], params, optim, sched)
            running = value if running is None else 0.9 * running + 0.1 * value
            state["step"] += 1
            state["global_step"] += 1
            bar.update(1)
            bar.set_postfix({"loss": f"{running:.3f}", "dev": "-" if last_score is None else f"{last_score:.3f}"})
            if ckpt is not None and time.time() - saved >= opts.checkpoint_minutes * 60 and state["step"] < len(plan):
                checkpoint()
                saved = time.time()
            if on_step is not None:
                on_step(state["global_step"])
        bar.close()
        model.network.eval()
        last_score = score(model) if score is not None else None
        improved = score is None or state["best_score"] is None or last_score > state["best_score"]
        if improved:
            state.update(best_score=last_score, best_epoch=epoch + 1, bad_epochs=0)
            if ckpt is not None:
                model.save_pretrained(ckpt / "best")
            else:
                best_weights = trainable_weights(model)
        else:
            state["bad_epochs"] += 1
        state["history"].append({"epoch": epoch + 1, "loss": None if running is None else round(running, 4),
                                 "score": None if last_score is None else round(last_score, 4)})
        loss_text = f"{running:.3f}" if running is not None else "nan"
        if score is None:
            log(f"epoch {epoch + 1}: loss {loss_text}")
        else:
            log(f"epoch {epoch + 1}: loss {loss_text}, dev F1 {last_score:.3f}" + (
                " (best so far)" if improved else f" (best {state['best_score']:.3f} at epoch {state['best_epoch']})"))
        state.update(epoch=epoch + 1, step=0, stopped=score is not None and state["bad_epochs"] >= opts.patience)
        if state["stopped"]:
            log(f"framing: no better dev F1 for {opts.patience} epochs; stopping early")
        checkpoint()
        saved = time.time()

    from safetensors.torch import load_file

    from framing.model_files import WEIGHTS_NAME

    model.train()  # adapters unmerged: the kept weights are the trainable ones
    if ckpt is not None and (ckpt / "best" / WEIGHTS_NAME).is_file():
        model.network.load_state_dict(load_file(ckpt / "best" / WEIGHTS_NAME), strict=False)
    elif best_weights is not None:
        model.network.load_state_dict(best_weights, strict=False)
    model.network.eval()
    return FitResult(state["history"], state["best_epoch"], state["best_score"], state["epoch"],
                     (time.time() - started) / 60)
