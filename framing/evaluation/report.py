"""Write an evaluation to a folder: ``metrics.json``, ``summary.md`` (the accuracy table),
PNG plots and ``report.html`` that shows them. Everything is written to a temporary folder first
and moved into place at the end (:func:`framing.atomic.atomic_folder`), so a failed run leaves no
partial report.

Example:
    >>> rows = headline({"datasets": {}})
    >>> rows
    []
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import numpy as np

from framing.atomic import atomic_folder
from framing.errors import UsageError
from framing.evaluation.phrases import phrase_markdown

FIGURE_DPI = 110


def _ci(fig: dict) -> str:
    lo, hi = fig.get("ci95", (None, None))
    return f"{fig['value']:.3f} [{lo:.3f}, {hi:.3f}]" if lo is not None else f"{fig['value']:.3f}"


def headline(metrics: dict) -> list[dict]:
    """The accuracy table's rows: figure, data, model value with CI, baseline and its value."""
    if "headline" in metrics:  # already summarised (a model card)
        return metrics["headline"]
    rows = []
    for spec, ds in metrics["datasets"].items():
        spans = ds.get("spans")
        if spans:
            if "span_identification" in spans:
                lex = spans.get("lexicon_baseline", {}).get("span_identification")
                rows.append({"figure": "span identification F1 (SemEval-2020 SI, technique-agnostic)", "data": spec,
                             "model": spans["span_identification"], "baseline": "lexicon", "baseline_value": lex})
            for label, entry in spans["labels"].items():
                lex = spans.get("lexicon_baseline") if label == "LOADED_LANGUAGE" else None
                rows.append({"figure": f"{label} span F1 (SemEval partial overlap)", "data": spec,
                             "model": entry["tuned"]["semeval_span_f1"],
                             "baseline": "lexicon" if lex else "", "baseline_value": lex["semeval_span_f1"] if lex
                             else None})
        for label, entry in ds.get("sentences", {}).get("labels", {}).items():
            rows.append({"figure": f"{label} sentence macro-F1", "data": spec, "model": entry["tuned"]["macro_f1"],
                         "baseline": "majority class", "baseline_value": entry["majority_baseline"]})
            if "lexicon_baseline" in entry:
                rows.append({"figure": f"{label} sentence macro-F1", "data": spec, "model": entry["tuned"]["macro_f1"],
                             "baseline": "lexicon (any lexicon word)", "baseline_value": entry["lexicon_baseline"]})
        if "quotes" in ds:
            q = ds["quotes"]
            rows.append({"figure": "scare-quote F1 (SCARE vs rest)", "data": spec, "model": q["tuned"]["f1"],
                         "baseline": "rule", "baseline_value": q["rule_baseline"]["f1"]})
    return rows


def short_name(spec: str) -> str:
    """``FORMAT:PATH[,PATH]`` shortened to ``FORMAT:first path's name`` for tables (each part of a pooled spec).

    Example:
        >>> short_name("ptc:../shared/data/ptc/dev-articles,../shared/data/ptc/dev.labels")
        'ptc:dev-articles'
        >>> short_name("framing:data/framing/dev.jsonl+quotes:data/quotes/dev_extension.jsonl")
        'framing:dev.jsonl+quotes:dev_extension.jsonl'
    """
    if "+" in spec:
        return "+".join(map(short_name, spec.split("+")))
    fmt, _, rest = spec.partition(":")
    return f"{fmt}:{Path(rest.split(',')[0]).name}"


def summary_markdown(metrics: dict) -> str:
    """The accuracy table (as in the README) as Markdown: value [95% CI] for model and baseline."""
    lines = ["| figure | data | model [95% CI] | baseline | baseline [95% CI] |", "|---|---|---|---|---|"]
    for r in headline(metrics):
        base = _ci(r["baseline_value"]) if r["baseline_value"] else "n/a"
        data = short_name(r["data"])
        lines.append(f"| {r['figure']} | `{data}` | {_ci(r['model'])} | {r['baseline'] or 'n/a'} | {base} |")
    datasets = metrics.get("datasets", {})
    phrase_tables = [phrase_markdown(short_name(spec), ds["phrases"]) for spec, ds in datasets.items()
                     if "phrases" in ds]
    return "\n".join(lines) + "\n" + "".join(phrase_tables)


def _plots(metrics: dict, folder: Path) -> list[tuple[str, str]]:
    """Draw every figure into ``folder``; returns ``(file name, caption)`` pairs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []

    def save(fig, name: str, caption: str) -> None:
        fig.tight_layout()
        fig.savefig(folder / name, dpi=FIGURE_DPI)
        plt.close(fig)
        made.append((name, caption))

    for n, (spec, ds) in enumerate(metrics["datasets"].items()):
        spans = ds.get("spans")
        if spans:
            labels = list(spans["labels"])
            fig, ax = plt.subplots(figsize=(8, 0.5 * len(labels) + 1.5))
            y = np.arange(len(labels))
            for off, key, name, colour in ((-0.2, "tuned", "tuned thresholds", "#1f5f8b"),
                                           (0.2, "untuned", "all thresholds 0.5", "#9db7c9")):
                figs = [spans["labels"][lab][key]["semeval_span_f1"] for lab in labels]
                vals = [f["value"] for f in figs]
                err = np.array([[f["value"] - f["ci95"][0], f["ci95"][1] - f["value"]] for f in figs]).T
                ax.barh(y + off, vals, height=0.4, xerr=err, color=colour, label=name, capsize=3)
            if "lexicon_baseline" in spans and "LOADED_LANGUAGE" in labels:
                lex = spans["lexicon_baseline"]["semeval_span_f1"]["value"]
                k = labels.index("LOADED_LANGUAGE")
                ax.plot([lex, lex], [k - 0.45, k + 0.45], color="#c0392b", lw=2, label="lexicon baseline")
            ax.set_yticks(y, labels)
            ax.invert_yaxis()
            ax.set_xlabel("SemEval span F1 (95% bootstrap CI)")
            ax.set_title(f"Span F1 per label: {short_name(spec)}", fontsize=10)
            ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
            save(fig, f"span_f1_{n}.png", f"Per-label span F1 with 95% CIs on {spec}, at tuned thresholds and at 0.5.")
            fig, axes = plt.subplots(2, (len(labels) + 1) // 2, figsize=(2.6 * ((len(labels) + 1) // 2), 5))
            for ax, lab in zip(axes.flat, labels):
                _reliability(ax, spans["labels"][lab]["tuned"]["calibration"], lab)
            for ax in list(axes.flat)[len(labels):]:
                ax.axis("off")
            save(fig, f"reliability_words_{n}.png", f"Reliability per span label, word level, on {spec}.")
            fig, axes = plt.subplots(1, len(labels), figsize=(2.2 * len(labels), 2.4))
            for ax, lab in zip(np.atleast_1d(axes), labels):
                _confusion(ax, spans["labels"][lab]["tuned"]["sentence"]["confusion"], ["no", "yes"], lab, fontsize=7)
            save(fig, f"sentence_confusion_{n}.png",
                 f"Sentence-level confusion per span label (rows gold, columns predicted) on {spec}.")
        for label, entry in ds.get("sentences", {}).get("labels", {}).items():
            fig, (a1, a2) = plt.subplots(1, 2, figsize=(8, 3.4))
            _confusion(a1, entry["tuned"]["confusion"], [f"not {label}", label], f"{label}: confusion")
            _reliability(a2, entry["tuned"]["calibration"], f"{label}: reliability")
            save(fig, f"sentence_{label}_{n}.png", f"{label} on {spec}: confusion matrix and reliability diagram.")
        if "quotes" in ds:
            q = ds["quotes"]
            fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.8), gridspec_kw={"width_ratios": [1.3, 1]})
            _confusion(a1, q["confusion"], q["classes"], "quote classes (argmax)", fontsize=7)
            _reliability(a2, q["calibration"], "SCARE: reliability")
            save(fig, f"quotes_{n}.png", f"Quotation marks on {spec}: confusion matrix and SCARE reliability.")
    return made


def _confusion(ax, matrix, names, title, fontsize=9) -> None:
    m = np.array(matrix)
    ax.imshow(m, cmap="Blues")
    for (i, j), v in np.ndenumerate(m):
        ax.text(j, i, str(v), ha="center", va="center", fontsize=fontsize,
                color="white" if v > m.max() / 2 else "black")
    ax.set_xticks(range(len(names)), names, rotation=45 if len(names) > 2 else 0, fontsize=fontsize, ha="right"
                  if len(names) > 2 else "center")
    ax.set_yticks(range(len(names)), names, fontsize=fontsize)
    ax.set_xlabel("predicted", fontsize=fontsize)
    ax.set_ylabel("gold", fontsize=fontsize)
    ax.set_title(title, fontsize=fontsize + 1)


def _reliability(ax, cal: dict, title: str) -> None:
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
    pts = cal["bins"]
    ax.plot([p["mean_probability"] for p in pts], [p["observed_rate"] for p in pts], "o-", color="#1f5f8b", ms=4)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"{title}\nBrier {cal['brier']:.3f}, ECE {cal['ece']:.3f}", fontsize=8)
    ax.set_xlabel("predicted probability", fontsize=7)
    ax.set_ylabel("observed rate", fontsize=7)
    ax.tick_params(labelsize=7)


REPORT_NAMES = ("metrics.json", "summary.md", "report.html")


def _is_report_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink() and (path.name in REPORT_NAMES or path.suffix == ".png")


def check_report_folder(out: str | os.PathLike) -> None:
    """Refuse ``out`` unless it is new, empty, or an earlier report of ours (only the files a report
    writes, with our ``metrics.json``): ``framing evaluate`` never deletes what it did not write.

    Example:
        >>> import tempfile; d = Path(tempfile.mkdtemp()); _ = (d / "notes.txt").write_text("mine")
        >>> try: check_report_folder(d)
        ... except UsageError as e: print(str(e).split(": ", 1)[1][:47])
        exists and is not a framing evaluate report (it
    """
    target = Path(out)
    here = Path.cwd().resolve()
    if target.resolve() == here or target.resolve() in here.parents:
        raise UsageError(f"--out {out}: is the working directory or a folder above it; give a new folder "
                         "for the report")
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir() or target.is_symlink():
        raise UsageError(f"--out {out}: exists and is not a folder; give a new folder for the report")
    entries = sorted(target.iterdir())
    if not entries:
        return
    foreign = [p.name for p in entries if not _is_report_file(p)]
    ours = False
    if not foreign and (target / "metrics.json").is_file():
        try:
            ours = "framing_version" in json.loads((target / "metrics.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            ours = False
    if not ours:
        shown = ", ".join(repr(n) for n in (foreign or [p.name for p in entries])[:3])
        raise UsageError(f"--out {out}: exists and is not a framing evaluate report (it holds {shown}); "
                         "give a new or empty folder, nothing in it is deleted")


def write_report(metrics: dict, out: str | os.PathLike) -> Path:
    """Write ``metrics.json``, ``summary.md``, the PNGs and ``report.html`` into ``out``, atomically
    (:func:`framing.atomic.atomic_folder`).

    ``out`` must be new, empty or an earlier report (:func:`check_report_folder`, checked again right before
    the earlier report is replaced), so only the files a report writes are ever removed.
    """
    from jinja2 import Environment, PackageLoader, select_autoescape

    check_report_folder(out)
    target = Path(out).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_folder(target, replace=True) as tmp:
        (tmp / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
        (tmp / "summary.md").write_text(summary_markdown(metrics), encoding="utf-8")
        figures = [(name, caption, base64.b64encode((tmp / name).read_bytes()).decode())
                   for name, caption in _plots(metrics, tmp)]
        env = Environment(loader=PackageLoader("framing.evaluation", "templates"), autoescape=select_autoescape())
        html = env.get_template("report.html.j2").render(m=metrics, rows=headline(metrics), figures=figures, ci=_ci,
                                                         short=short_name)
        (tmp / "report.html").write_text(html, encoding="utf-8")
        check_report_folder(target)  # again, right before an earlier report is replaced
    return target
