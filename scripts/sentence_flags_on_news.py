"""How the default model's biased-sentence flags line up with the news annotators' marks, by genre.

    python scripts/sentence_flags_on_news.py            # the news dev split, at the model's threshold, with CIs
    python scripts/sentence_flags_on_news.py --split tune --curve 0.35,0.5,0.7,0.9,0.95

The news framing corpus marks phrases, not sentences, so the gold here is a proxy: a writer-voice sentence
"holds a mark" when a writer-voice span of any label overlaps it. BABE's notion of a biased sentence is wider
(one-sided selection of facts needs no marked phrase), so precision against this proxy is a lower bound; in
straight news it still tells a journalist how many flagged sentences hold a framing choice an annotator marked.
Only writer-voice sentences count, as in ``framing check``. CIs: 95% bootstrap over articles.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from framing import FramingModel
from framing.data.framing_corpus import load_framing_corpus
from framing.training.news_recipe import fit_split

FOLDER = Path(__file__).resolve().parent.parent / "data" / "framing"


def sentence_rows(model: FramingModel, split: str) -> dict[str, list[tuple[str, float, bool, int]]]:
    """Per genre (``news`` / ``opinion and other``): (article, bias score, holds a mark, words) per writer sentence."""
    docs = load_framing_corpus(FOLDER / ("dev.jsonl" if split == "dev" else "train.jsonl"))
    if split == "tune":
        docs = [d for d in docs if fit_split(d.id) == "tune"]
    rows: dict[str, list] = {}
    for d, result in zip(docs, model.predict_many([d.text for d in docs])):
        marks = [s for s in d.spans if s.voice == "writer"]
        rows.setdefault("news" if d.genre == "news" else "opinion and other", []).extend(
            (d.id, s.bias, any(m.start < s.end and s.start < m.end for m in marks), len(s.text.split()))
            for s in result.sentences if s.voice == "writer")
    return rows


def figures(rows: list[tuple[str, float, bool, int]], threshold: float) -> tuple[float, float, float, int]:
    """Precision, recall, flags per 1,000 words and flags at ``threshold``."""
    flagged = [r for r in rows if r[1] >= threshold]
    right = sum(r[2] for r in flagged)
    return (right / max(len(flagged), 1), right / max(sum(r[2] for r in rows), 1),
            1000 * len(flagged) / max(sum(r[3] for r in rows), 1), len(flagged))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="model folder (default: the shipped model)")
    ap.add_argument("--split", choices=["dev", "tune"], default="dev")
    ap.add_argument("--curve", help="comma-separated thresholds to print instead of the model's own")
    args = ap.parse_args()
    model = FramingModel.from_pretrained(args.model)
    own = model.config.thresholds["BIASED"]
    rng = np.random.default_rng(0)
    for genre, rows in sentence_rows(model, args.split).items():
        ids = sorted({r[0] for r in rows})
        print(f"{args.split}, {genre}: {len(ids)} articles, {len(rows)} writer-voice sentences, "
              f"{sum(r[2] for r in rows)} hold a mark")
        for t in [float(x) for x in args.curve.split(",")] if args.curve else [own]:
            p, r, per_1k, n = figures(rows, t)
            line = f"  threshold {t}: {n} flagged ({per_1k:.1f} per 1,000 words), precision {p:.3f}, recall {r:.3f}"
            if not args.curve:
                by_doc = {i: [x for x in rows if x[0] == i] for i in ids}
                boot = np.array([figures([x for i in rng.choice(ids, len(ids)) for x in by_doc[i]], t)[:3]
                                 for _ in range(1000)])
                lo, hi = np.percentile(boot, [2.5, 97.5], axis=0)
                line += (f" [95% CI: precision {lo[0]:.3f}-{hi[0]:.3f}, recall {lo[1]:.3f}-{hi[1]:.3f}, "
                         f"per 1,000 words {lo[2]:.1f}-{hi[2]:.1f}]")
            print(line)


if __name__ == "__main__":
    main()
