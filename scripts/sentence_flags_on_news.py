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
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from framing import FramingModel
from framing.data.framing_corpus import FramingDocument, load_framing_corpus
from framing.pipeline.results import DocumentResult, Sentence
from framing.training.news_recipe import fit_split

FOLDER = Path(__file__).resolve().parent.parent / "data" / "framing"


def split_documents(split: str) -> list[FramingDocument]:
    """The news corpus's ``dev`` split, or the ``tune`` part of its train split."""
    docs = load_framing_corpus(FOLDER / ("dev.jsonl" if split == "dev" else "train.jsonl"))
    return [d for d in docs if fit_split(d.id) == "tune"] if split == "tune" else docs


def writer_sentences(docs: Sequence[FramingDocument], results: Sequence[DocumentResult]
                     ) -> Iterator[tuple[FramingDocument, int, Sentence, bool]]:
    """(article, index in its result, sentence, holds a mark) for every writer-voice sentence of ``results``."""
    for d, result in zip(docs, results, strict=True):
        marks = [s for s in d.spans if s.voice == "writer"]
        for k, s in enumerate(result.sentences):
            if s.voice == "writer":
                yield d, k, s, any(m.start < s.end and s.start < m.end for m in marks)


def genre_group(doc: FramingDocument) -> str:
    return "news" if doc.genre == "news" else "opinion and other"


def sentence_rows(model: FramingModel, split: str) -> dict[str, list[tuple[str, float, bool, int]]]:
    """Per genre (``news`` / ``opinion and other``): (article, bias score, holds a mark, words) per writer sentence."""
    docs = split_documents(split)
    rows: dict[str, list] = {}
    for d, _, s, marked in writer_sentences(docs, model.predict_many([d.text for d in docs])):
        rows.setdefault(genre_group(d), []).append((d.id, s.bias, marked, len(s.text.split())))
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
