"""``framing report``: how often each framing device appears per group (outlet, topic, month).

For each group of documents in a ``framing score`` output folder: the rate of each span label per
1,000 sentences, and the share of sentences carrying each sentence label (``BIASED``), each with a
95% percentile bootstrap interval over resampled documents (:func:`framing.evaluation.metrics.bootstrap_ci`),
so that one long article does not count as many independent sentences. Written as a long CSV (one
row per group and label) and a PNG that ranks the groups per label with error bars.

Example:
    >>> rows = group_rates("scores/", ["source"])  # doctest: +SKIP
    >>> rows.iloc[0][["source", "label", "statistic", "value", "ci_low", "ci_high"]].tolist()  # doctest: +SKIP
    ['Breitbart News', 'LOADED_LANGUAGE', 'per 1,000 sentences', 412.3, 380.1, 446.0]
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from framing.atomic import atomic_file
from framing.batch.tables import read_table
from framing.data.documents import InputError
from framing.errors import UsageError
from framing.evaluation.metrics import bootstrap_ci

PER_1K = "per 1,000 sentences"
SHARE = "share of sentences"
MISSING = "(missing)"


def finished_run(folder: str | os.PathLike) -> dict:
    """``run.json`` of a finished ``framing score`` run: its span and sentence labels and row counts."""
    path = Path(folder) / "run.json"
    state = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if not state.get("complete"):
        raise InputError(f"{folder}: not a finished framing score run (no complete run.json); "
                         f"run or rerun framing score --out {folder} first")
    return state


def group_keys(docs: pd.DataFrame, by: list[str], where: str) -> pd.DataFrame:
    """The grouping columns; ``month`` (``YYYY-MM``) comes from a ``date`` column when there is no ``month``."""
    keys = {}
    for key in by:
        if key in docs.columns:
            keys[key] = docs[key].astype("string").fillna(MISSING)
        elif key == "month" and "date" in docs.columns:
            text = docs["date"].astype("string")
            # an ISO date's month as written: converting 2020-01-31T22:00-05:00 to UTC would make it February
            month = text.str.extract(r"^\s*(\d{4}-\d{2})(?:-\d{2}|$)", expand=False)
            other = pd.to_datetime(text[month.isna()], errors="coerce", utc=True, format="mixed")
            month = month.fillna(other.dt.strftime("%Y-%m").astype("string"))
            keys[key] = month.astype("string").fillna(MISSING)
        else:
            hint = " (month needs a month or date column)" if key == "month" else ""
            raise InputError(f"{where}: the documents table has no column {key!r}{hint}; "
                             f"columns: {', '.join(docs.columns)}")
    return pd.DataFrame(keys)


VOICE_COLUMNS = {"writer": "{label}_count", "quoted": "{label}_quoted_count"}


def group_rates(folder: str | os.PathLike, by: list[str], min_docs: int = 1, resamples: int = 1000,
                seed: int = 0, voice: str = "writer") -> pd.DataFrame:
    """One row per group and label: ``value`` with its 95% bootstrap interval ``ci_low``, ``ci_high``.

    Span labels are counted per 1,000 sentences in one ``voice``: ``writer`` (the default, the outlet's own
    framing) or ``quoted`` (inside attributed quotations); sentence labels as the share of sentences (0-1)
    that carry the label in that voice (a ``quoted`` sentence is mostly an attributed quotation).
    """
    if not by:
        raise UsageError("--by needs at least one column, e.g. source")
    if voice not in VOICE_COLUMNS:
        raise UsageError(f"--voice must be one of {', '.join(VOICE_COLUMNS)}, not {voice!r}")
    if resamples < 1 or min_docs < 1:
        raise UsageError(f"--resamples and --min-docs must be at least 1, got {resamples} and {min_docs}")
    state = finished_run(folder)
    span_labels, sentence_labels = state["span_labels"], state["sentence_labels"]
    docs = read_table(folder, "documents").to_pandas()
    if docs.empty:  # the tables are there, with their columns, but there is nothing to rank
        raise InputError(f"{folder}: the run scored no documents ({state.get('input_documents', 0):,} read, "
                         f"{state.get('errors', 0):,} not scored: see errors.{state.get('format', 'parquet')}); "
                         "there is nothing to report")
    keys = group_keys(docs, by, str(folder))
    measures = [(label, PER_1K, 1000.0) for label in span_labels] + [(label, SHARE, 1.0) for label in sentence_labels]
    rows = []
    for group, index in keys.groupby(list(keys.columns), sort=True).groups.items():
        part = docs.loc[index]
        if len(part) < min_docs:
            continue
        group = group if isinstance(group, tuple) else (group,)
        n = part["n_sentences"].to_numpy(dtype=float)
        for label, statistic, scale in measures:
            column = VOICE_COLUMNS[voice].format(label=label)
            missing = VOICE_COLUMNS["quoted"].format(label=label)  # older runs counted every voice as one
            if missing not in part:
                raise InputError(f"{folder}: the documents table has no column {missing!r} (scored before "
                                 "framing counted voices; score the corpus again)")
            counts = np.stack([part[column].to_numpy(dtype=float), n], axis=1)
            total = counts.sum(axis=0)

            def rate(summed: np.ndarray, scale: float = scale) -> np.ndarray:
                return scale * np.divide(summed[..., 0], summed[..., 1], out=np.zeros(summed.shape[:-1]),
                                         where=summed[..., 1] > 0)

            low, high = bootstrap_ci(counts, rate, resamples=resamples, seed=seed)
            rows.append({**dict(zip(by, group)), "label": label, "statistic": statistic,
                         "voice": voice,
                         "value": float(rate(total)), "ci_low": low, "ci_high": high,
                         "n_documents": len(part), "n_sentences": int(total[1])})
    if not rows:
        raise InputError(f"{folder}: no group has at least {min_docs} documents")
    return pd.DataFrame(rows)


def plot_rates(rates: pd.DataFrame, by: list[str], path: str | os.PathLike, columns: int = 4) -> None:
    """One panel per label, groups ranked by value, with 95% interval error bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = rates[by].astype(str).agg(" / ".join, axis=1) + " (" + rates["n_documents"].astype(str) + ")"
    rates = rates.assign(group=names)
    panels = list(dict.fromkeys(zip(rates["label"], rates["statistic"])))
    n_groups = rates["group"].nunique()
    columns = min(columns, len(panels))
    lines = (len(panels) + columns - 1) // columns
    height = max(2.5, 0.19 * n_groups + 1.0)
    fig, axes = plt.subplots(lines, columns, figsize=(6.2 * columns, height * lines), squeeze=False)
    for ax, (label, statistic) in zip(axes.flat, panels):
        part = rates[(rates["label"] == label) & (rates["statistic"] == statistic)].sort_values("value")
        y = np.arange(len(part))
        err = np.stack([part["value"] - part["ci_low"], part["ci_high"] - part["value"]]).clip(min=0)
        ax.errorbar(part["value"], y, xerr=err, fmt="o", markersize=3.5, color="#1f5fa8", ecolor="#7aa6d6",
                    elinewidth=1.2, capsize=2)
        ax.set_yticks(y, part["group"], fontsize=7.5)
        ax.set_ylim(-0.7, len(part) - 0.3)
        ax.set_title(f"{label}, {statistic}", fontsize=10)
        ax.set_xlabel("share (0-1)" if statistic == SHARE else "flags per 1,000 sentences", fontsize=8.5)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlim(left=0)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"Framing devices by {', '.join(by)}: ranked, with 95% bootstrap intervals over documents "
                 f"(document counts in brackets)", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / (height * lines)))
    fig.savefig(path, dpi=100, format="png")  # the name may be a temporary one
    plt.close(fig)


def write_report(folder: str | os.PathLike, by: list[str], out: str | os.PathLike, min_docs: int = 1,
                 resamples: int = 1000, voice: str = "writer") -> tuple[Path, Path]:
    """Write the CSV to ``out`` and the plot beside it (``.png``); both appear only when complete."""
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"--out {out}: is a folder; give a file name such as {out / 'report.csv'}")
    rates = group_rates(folder, by, min_docs, resamples, voice=voice)
    out.parent.mkdir(parents=True, exist_ok=True)
    png = out.with_suffix(".png")
    from framing.guards import csv_cell

    safe = rates.assign(**{c: rates[c].map(csv_cell) for c in rates.columns if rates[c].dtype == object})
    with atomic_file(out) as tmp_csv, atomic_file(png) as tmp_png:
        safe.to_csv(tmp_csv, index=False, float_format="%.6g")
        plot_rates(rates, by, tmp_png)
    return out, png
