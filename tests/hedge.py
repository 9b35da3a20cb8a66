"""The HEDGE / UNVERIFIED label set of the framing train tests: sentences, a Label Studio export, options."""

import itertools
import json
import random

from framing.training.run import TrainOptions

LABELS_YAML = """\
span_labels:
  - name: HEDGE
    description: Words that distance the writer from a claim, such as 'reportedly', 'allegedly', 'is said to'.
sentence_labels:
  - name: UNVERIFIED
    description: The sentence passes on a claim without saying who confirmed it.
"""

SUBJECTS = ["The minister", "The company", "The mayor", "The senator", "The police chief", "The chief executive",
            "The coach", "The committee", "The actor", "The general", "The bank", "The school board"]
ACTIONS = [("resigned", "resign"), ("hid the documents", "hide the documents"), ("took bribes", "take bribes"),
           ("cancelled the contract", "cancel the contract"), ("lied to investigators", "lie to investigators"),
           ("sold the shares", "sell the shares"), ("met the rebels", "meet the rebels"),
           ("ignored the warnings", "ignore the warnings")]
HEDGED = [("{s} reportedly {past}.", "reportedly"), ("{s} allegedly {past}.", "allegedly"),
          ("{s} is said to {inf}.", "is said to")]
PLAIN = ["{s} {past}.", "{s} {past} on Monday, the records show."]


def hedge_sentences(subjects, actions):
    """``(text, hedge span or None)`` for every subject, action and template."""
    out = []
    for s, (past, inf) in itertools.product(subjects, actions):
        for template, hedge in HEDGED:
            text = template.format(s=s, past=past, inf=inf)
            start = text.index(hedge)
            out.append((text, (start, start + len(hedge))))
        out += [(template.format(s=s, past=past), None) for template in PLAIN]
    return out


def labelstudio_export(sentences, path):
    """A Label Studio JSON export: HEDGE as span ``labels``, UNVERIFIED as a ``choices`` result."""
    tasks = []
    for n, (text, hedge) in enumerate(sentences, 1):
        result = []
        if hedge:
            s, e = hedge
            result.append({"id": f"r{n}", "from_name": "label", "to_name": "text", "type": "labels",
                           "value": {"start": s, "end": e, "text": text[s:e], "labels": ["HEDGE"]}})
            result.append({"id": f"c{n}", "from_name": "claim", "to_name": "text", "type": "choices",
                           "value": {"choices": ["UNVERIFIED"]}})
        tasks.append({"id": n, "data": {"text": text},
                      "annotations": [{"id": 100 + n, "was_cancelled": False, "result": result}]})
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    return path


def hedge_files(tmp_path, n_train=48, n_dev=16, seed=0):
    sents = hedge_sentences(SUBJECTS, ACTIONS)
    random.Random(seed).shuffle(sents)
    labels = tmp_path / "labels.yaml"
    labels.write_text(LABELS_YAML, encoding="utf-8")
    train = labelstudio_export(sents[:n_train], tmp_path / "train.json")
    dev = labelstudio_export(sents[n_train : n_train + n_dev], tmp_path / "dev.json")
    return labels, train, dev


def options(tmp_path, tiny_model_dir, **kw):
    labels, train, dev = hedge_files(tmp_path, n_train=24, n_dev=8)
    return TrainOptions(labels=str(labels), train=str(train), dev=str(dev), out=str(tmp_path / "model"),
                        base=str(tiny_model_dir), min_examples=1, **kw)


# ---- fast: tiny model as --base ---------------------------------------------------------
