"""``framing train``: annotations and a label set in, a model folder like ``models/framing-default`` out.

Steps: read the label set; import train and dev annotations (:mod:`framing.data.annotations`); validate
them (:mod:`framing.data.validation`; a dry run stops here, and any fatal problem stops training);
fine-tune with the same network and losses as the default model (LoRA on the base encoder, or
on ``--base``); after every epoch measure dev F1, keep the best epoch and stop early when dev F1
stops improving; write the best model with its card.

Interrupted runs continue with ``--resume`` from ``OUT.checkpoint/``, which holds the trainable
weights, the optimizer and scheduler state, the random-number state and the best epoch so far
(safetensors and JSON). It is written after every epoch and every ``checkpoint_minutes``, and
removed once ``OUT`` is complete. ``OUT`` itself appears only when training has finished.

Example:
    >>> opts = TrainOptions(labels="labels.yaml", train="export.json", dev="dev.json", out="hedge-model")
    >>> train_model(opts)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score

from framing.atomic import atomic_folder
from framing.config import FramingConfig
from framing.data.annotated import AnnotatedDocument, Imported
from framing.data.annotations import read_annotations
from framing.data.gold import fingerprint
from framing.data.validation import MIN_EXAMPLES, ValidationReport, validate
from framing.errors import UsageError
from framing.evaluation.metrics import span_report
from framing.labels import LabelSet, LabelSetError
from framing.modeling import FramingModel
from framing.pipeline.segment import split_sentences
from framing.training.examples import SentenceExample, TagExample
from framing.training.loop import LoopOptions, TrainingError, epoch_plan, fit
from framing.training.steps import TAG_CLASS_WEIGHTS, sentence_label_probabilities
from framing.training.thresholds import MIN_FLAGS, span_threshold_choices, tune_sentence_thresholds
from framing.wording import plural


@dataclass
class TrainOptions:
    """What ``framing train`` was asked to do; bad values are refused with a sentence a user understands.

    Example:
        >>> TrainOptions(labels="l.yaml", train="t.json", dev="d.json", out="m", epochs=0)
        Traceback (most recent call last):
        ...
        framing.errors.UsageError: --epochs must be at least 1, got 0
    """

    labels: str
    train: str
    dev: str
    out: str
    format: str | None = None
    epochs: int = 20
    patience: int = 3
    base: str | None = None
    resume: bool = False
    dry_run: bool = False
    batch_size: int = 16
    lr: float = 1e-3
    seed: int = 13
    min_examples: int = MIN_EXAMPLES
    checkpoint_minutes: float = 5.0
    min_precision: float | None = None

    def __post_init__(self) -> None:
        if self.min_precision is not None and not 0 < self.min_precision < 1:
            raise UsageError(f"--min-precision must be between 0 and 1, got {self.min_precision}")
        self.loop_options()  # refuses bad values before anything is read

    def loop_options(self) -> LoopOptions:
        """The training-loop settings of this run."""
        return LoopOptions(epochs=self.epochs, patience=self.patience, batch_size=self.batch_size, lr=self.lr,
                           seed=self.seed, checkpoint_dir=self.checkpoint_dir,
                           checkpoint_minutes=self.checkpoint_minutes)

    @property
    def checkpoint_dir(self) -> Path:
        return Path(f"{Path(self.out)}.checkpoint")


# ---- examples ------------------------------------------------------------------------


def tag_examples(docs: list[AnnotatedDocument]) -> list[TagExample]:
    """One example per sentence (segmented as at inference), spans clipped to it."""
    out = []
    for d in docs:
        if not d.has_spans:
            continue
        for start, end in split_sentences(d.text):
            local = [(max(s.start, start) - start, min(s.end, end) - start, s.label)
                     for s in d.spans if s.start < end and s.end > start]
            out.append(TagExample(d.text[start:end], local))
    return out


def sentence_examples(docs: list[AnnotatedDocument], labelset: LabelSet) -> list[SentenceExample]:
    """One example per labelled unit; a sentence label not listed for a unit is 0 there."""
    names = labelset.sentence_labels
    return [SentenceExample(d.text[u.start : u.end], labels={n: float(u.labels.get(n, 0)) for n in names})
            for d in docs for u in d.units or []] if names else []


# ---- dev metrics ---------------------------------------------------------------------


def dev_metrics(model: FramingModel, docs: list[AnnotatedDocument]) -> dict:
    """Span and sentence-label figures on ``docs`` at the model's thresholds, and their mean, ``dev_f1``.

    ``dev_f1`` averages SemEval span F1 of each tagged span label and F1 of each sentence label,
    over the labels with at least one dev example.
    """
    cfg = model.config
    labels = cfg.labelset
    out: dict = {}
    figures = []
    span_docs = [d for d in docs if d.has_spans]
    if labels.tagged_labels and span_docs:
        results = model.predict_many([d.text for d in span_docs], batch_size=32)
        out["spans"] = span_report([(d.text, [s[:3] for s in d.spans], [(x.start, x.end, x.label) for x in r.spans])
                                    for d, r in zip(span_docs, results)], labels.tagged_labels)
        figures += [v["span_f1"] for v in out["spans"].values() if v["support"]]
    units = [(d.text[u.start : u.end], u.labels) for d in docs for u in d.units or []]
    if labels.sentence_labels and units:
        probs = sentence_label_probabilities(model, [t for t, _ in units])
        out["sentence_labels"] = {}
        for k, name in enumerate(labels.sentence_labels):
            y = np.array([int(given.get(name, 0)) for _, given in units])
            pred = (probs[:, k] >= cfg.thresholds[name]).astype(int)
            row = {"f1": float(f1_score(y, pred, zero_division=0)),
                   "macro_f1": float(f1_score(y, pred, average="macro", labels=[0, 1], zero_division=0)),
                   "accuracy": float((y == pred).mean()), "positives": int(y.sum()), "n": int(len(y))}
            out["sentence_labels"][name] = row
            if row["positives"]:
                figures.append(row["f1"])
    out["dev_f1"] = float(np.mean(figures)) if figures else 0.0
    return out


# ---- the model to start from -------------------------------------------------------


def _copy_rows(new: torch.Tensor, old: torch.Tensor, pairs: list[tuple[int, int]], width: int) -> None:
    for k, j in pairs:
        new[k * width : (k + 1) * width] = old[j * width : (j + 1) * width]


def _quietly(build, *args, **kwargs):
    # peft calls a transformers method that transformers itself has deprecated: noise for users
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        return build(*args, **kwargs)


def start_model(labelset: LabelSet, base: str | None) -> FramingModel:
    """A trainable model for ``labelset``: around the base encoder, or from the model folder ``base``
    (its adapters, casing embedding and quotation-mark head, and the head rows of labels it shares). A
    quotation-mark head trained in ``base`` keeps telling attributed quotations, so flags and sentences
    get their voice also in a label set with no scare-quote label."""
    if base is None:
        if labelset.quote_label:
            raise LabelSetError(f"label {labelset.quote_label!r}: quote_label needs --base with a model that has "
                                "the same quote_label (framing train does not train the quotation-mark head)")
        return _quietly(FramingModel.from_base, FramingConfig(labelset=labelset, thresholds={}))
    old = _quietly(FramingModel.from_pretrained, base, for_training=True)
    oc = old.config
    if labelset.quote_label and labelset.quote_label != oc.labelset.quote_label:
        raise LabelSetError(f"label {labelset.quote_label!r}: quote_label must be the --base model's quote_label "
                            f"({oc.labelset.quote_label!r})")
    model = _quietly(FramingModel.from_base, FramingConfig(
        labelset=labelset, thresholds={}, quote_classes=oc.quote_classes, lora_rank=oc.lora_rank,
        lora_alpha=oc.lora_alpha, lora_targets=oc.lora_targets, max_length=oc.max_length,
        encoder_config=oc.encoder_config, attribution=oc.reads_quotes))
    state, new = old.network.state_dict(), model.network.state_dict()
    tagged = [(k, oc.labelset.tagged_labels.index(n)) for k, n in enumerate(labelset.tagged_labels)
              if n in oc.labelset.tagged_labels]
    sents = [(k, oc.labelset.sentence_labels.index(n)) for k, n in enumerate(labelset.sentence_labels)
             if n in oc.labelset.sentence_labels]
    for key, value in new.items():
        if key.startswith("tagger."):
            _copy_rows(value, state[key], tagged, 3)
        elif key.startswith("sentence_head."):
            _copy_rows(value, state[key], sents, 1)
        elif key in state and state[key].shape == value.shape:
            value.copy_(state[key])
    model.network.load_state_dict(new)
    model.seen = old.seen
    return model


def _data_key(labelset: LabelSet, train: Imported, dev: Imported, opts: TrainOptions) -> str:
    """A hash of what decides the training trajectory, to refuse resuming with other data or settings."""
    docs = [[d.text, [list(s[:3]) for s in d.spans], [[u.start, u.end, u.labels] for u in d.units or []]]
            for d in (*train.documents, *dev.documents)]
    settings = [opts.batch_size, opts.lr, opts.seed, opts.base]
    blob = json.dumps([labelset.to_dict(), docs, settings], sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# ---- the run ---------------------------------------------------------------------------


def _log_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def load_and_validate(opts: TrainOptions, log: Callable[[str], None] = _log_stderr
                      ) -> tuple[LabelSet, Imported, Imported, ValidationReport]:
    """Read the label set and both annotation files and validate them; the report is logged line by line."""
    labelset = LabelSet.load(opts.labels)
    train = read_annotations(opts.train, opts.format)
    dev = read_annotations(opts.dev, opts.format)
    report = validate(labelset, train, dev, opts.min_examples)
    log(f"framing: {opts.train}: {train.format}, {len(train.documents)} documents; "
        f"{opts.dev}: {dev.format}, {len(dev.documents)} documents")
    for line in report.lines(labelset):
        log(line)
    return labelset, train, dev, report


def train_model(opts: TrainOptions, log: Callable[[str], None] = _log_stderr,
                on_step: Callable[[int], None] | None = None) -> ValidationReport | Path:
    """Run ``framing train``: returns the validation report for a dry run, else the model folder.

    ``on_step`` is called with the global step after every optimizer step.
    """
    t0 = time.time()
    out, ckpt = Path(opts.out), opts.checkpoint_dir
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TrainingError(f"{out}: already exists; choose a new --out folder (framing train never overwrites one)")
    labelset, train, dev, report = load_and_validate(opts, log)
    if report.fatal:
        raise TrainingError(f"{plural(len(report.fatal), 'error')} in the annotations "
                            "(listed above); nothing was trained")
    if opts.dry_run:
        return report
    torch.manual_seed(opts.seed)  # the new heads' initial weights
    model = start_model(labelset, opts.base)
    data = {"tag": tag_examples(train.documents) if labelset.tagged_labels else [],
            "sent": sentence_examples(train.documents, labelset)}
    loop = opts.loop_options()
    log(f"framing: training on {len(data['tag'])} sentences for span labels and {len(data['sent'])} "
        f"for sentence labels; {len(epoch_plan(data, loop, 0))} steps per epoch, at most {opts.epochs} epochs")
    result = fit(model, data, loop, lambda m: dev_metrics(m, dev.documents)["dev_f1"], resume=opts.resume,
                 key=_data_key(labelset, train, dev, opts), log=log, on_step=on_step)
    choices = span_threshold_choices(model, dev.documents, min_precision=opts.min_precision)
    short = sorted(lab for lab, (_, fig) in choices.items() if not fig["meets_target"])
    model.config.thresholds.update({lab: t for lab, (t, _) in choices.items()}
                                   | tune_sentence_thresholds(model, dev.documents))
    metrics = dev_metrics(model, dev.documents)
    cfg, record = model.config, model.record
    record.metrics = metrics | {
        "spans_data": f"dev: {opts.dev}, {len(dev.documents)} documents",
        "note": (f"Mean dev F1 over the labels with dev examples: {metrics['dev_f1']:.3f}. Dev figures at the "
                 "thresholds in the table above, tuned on the same dev set (phrase-level F0.5 for span labels"
                 + (f", among thresholds with precision at least {opts.min_precision} on {MIN_FLAGS} or more flags"
                    + (f"; {', '.join(short)} reached it at no threshold and kept the best F0.5" if short else "")
                    if opts.min_precision else "")
                 + "; F1 for sentence labels), which also chose the best epoch: these figures are optimistic; "
                 "measure on held-out data with framing evaluate."),
    }
    minutes = result.minutes
    record.training = {
        "command": "framing train " + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in asdict(opts).items()
                                               if v not in (None, False) and k != "dry_run"),
        "data": {split: {"file": imp.source, "format": imp.format, "documents": len(imp.documents),
                         "examples": {n: c[split] for n, c in report.counts.items()}}
                 for split, imp in (("train", train), ("dev", dev))}
        | {"train_sentences_for_spans": len(data["tag"]), "train_units_for_sentence_labels": len(data["sent"])},
        "base": opts.base or cfg.base_model,
        "hyperparameters": {"lr": opts.lr, "batch_size": opts.batch_size, "max_epochs": opts.epochs,
                            "patience": opts.patience, "lora_rank": cfg.lora_rank, "lora_alpha": cfg.lora_alpha,
                            "tag_class_weights": TAG_CLASS_WEIGHTS, "seed": opts.seed,
                            "threads": torch.get_num_threads()},
        "epochs_run": result.epochs_run, "best_epoch": result.best_epoch,
        "history": [{"epoch": h["epoch"], "loss": h["loss"], "dev_f1": h["score"]} for h in result.history],
        "train_minutes": round(minutes, 1), "total_minutes": round((time.time() - t0) / 60, 1),
    }
    seen = {k: set(v) for k, v in model.seen.items()}
    seen.setdefault("train", set()).update(fingerprint(d.text) for d in train.documents)
    model.seen = {k: sorted(v) for k, v in seen.items()}
    with atomic_folder(out) as tmp:  # OUT was checked absent or empty above
        model.save_pretrained(tmp)
    shutil.rmtree(ckpt, ignore_errors=True)
    log(f"framing: best dev F1 {result.best_score:.3f} at epoch {result.best_epoch}; model written to {out} "
        f"({minutes:.1f} min)")
    return out
