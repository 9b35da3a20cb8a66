"""Would a sentence head that has seen straight news flag less of it, and what would that cost on BABE?

    python scripts/sentence_head_news_negatives.py                  # the tune table: BABE tune fold, news tune split
    python scripts/sentence_head_news_negatives.py --dev 0.3        # one weight, once, on BABE dev and news dev

The shipped encoder and every other head stay as they are. Only the sentence head (one linear layer on the
mean-pooled sentence) is refitted, by logistic regression on the shipped encoder's pooled vectors. Its data is
BABE's train fold plus, as "not biased", the writer-voice sentences of the straight-news articles in the news
stage's fit split that hold no annotator mark, each with weight W. The threshold is the best-F1 one on BABE's
tune fold, as training chooses it. News figures use the proxy of ``scripts/sentence_flags_on_news.py``: a flagged
sentence is right when it holds a writer-voice mark. The run takes about a minute on 2 cores.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np
from sentence_flags_on_news import figures, genre_group, split_documents, writer_sentences
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from framing import FramingModel
from framing.data.framing_corpus import FramingDocument
from framing.evaluation.metrics import best_threshold
from framing.pipeline.prepared import prepare_document
from framing.pipeline.results import DocumentResult
from framing.pipeline.scores import DocumentScores
from framing.training.default_data import babe_splits
from framing.training.news_recipe import NewsData


def sentence_vectors(model: FramingModel, texts: Sequence[str], one_sentence: bool = False
                     ) -> tuple[list[DocumentResult], np.ndarray]:
    """Each text's decoded result and the sentence head's input for each of its sentences, stacked in order.

    ``one_sentence`` scores each text as one sentence (BABE's rows). Needs the torch runtime.

    Example:
        >>> model = FramingModel.from_pretrained(runtime="torch")  # doctest: +SKIP
        >>> results, x = sentence_vectors(model, ["One. Two."])  # doctest: +SKIP
        >>> x.shape  # doctest: +SKIP
        (2, 384)
    """
    docs = [prepare_document(t, [(0, len(t))] if one_sentence else None) for t in texts]
    items = [(d, k) for d in docs for k in range(len(d.sentences))]
    order, encodings = model.by_token_count([d.sentence_text(k) for d, k in items])
    seen: list[np.ndarray] = []
    hook = model.network.sentence_head.register_forward_hook(
        lambda _module, args, _out: seen.append(args[0].detach().float().numpy()))
    try:
        scored = model.score_sentences(items, encodings=encodings)  # batches run in token-count order
    finally:
        hook.remove()
    vectors = np.zeros((len(items), model.network.sentence_head.in_features), dtype=np.float32)
    vectors[order] = np.concatenate(seen)
    it = iter(scored)
    results = [model.decode(DocumentScores(d.text, [next(it) for _ in d.sentences])) for d in docs]
    return results, vectors


def refit_head(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and bias of a logistic regression (sklearn's default L2, C=1) on ``x``."""
    fit = LogisticRegression(C=1.0, max_iter=2000).fit(x, y, sample_weight=weight)
    return fit.coef_[0], float(fit.intercept_[0])


def news_rows(model: FramingModel, docs: Sequence[FramingDocument]
              ) -> tuple[np.ndarray, list[tuple[str, str, bool, int]]]:
    """Pooled vectors and (genre group, article, holds a mark, words) of every writer-voice sentence of ``docs``."""
    results, vectors = sentence_vectors(model, [d.text for d in docs])
    first = dict(zip([d.id for d in docs], np.cumsum([0] + [len(r.sentences) for r in results])))
    picked, rows = [], []
    for d, k, s, marked in writer_sentences(docs, results):
        picked.append(first[d.id] + k)
        rows.append((genre_group(d), d.id, marked, len(s.text.split())))
    return vectors[picked], rows


def news_figures(probs: np.ndarray, rows: list[tuple[str, str, bool, int]], threshold: float) -> str:
    out = []
    for genre in ("news", "opinion and other"):
        keep = [(a, p, m, w) for p, (g, a, m, w) in zip(probs, rows) if g == genre]
        precision, recall, per_1k, n = figures(keep, threshold)
        out.append(f"{genre}: {n} flags, {per_1k:.1f}/1k words, P {precision:.3f}, R {recall:.3f}")
    return " | ".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", default="0,0.1,0.3,1,3", help="comma-separated weights W of a news sentence")
    ap.add_argument("--dev", type=float, help="evaluate this one weight on the dev data instead")
    args = ap.parse_args()
    fold = "dev" if args.dev is not None else "tune"
    model = FramingModel.from_pretrained(runtime="torch")
    babe = babe_splits()
    x_babe = {k: sentence_vectors(model, [e.text for e in v], one_sentence=True)[1] for k, v in babe.items()}
    y_babe = {k: np.array([e.label for e in v]) for k, v in babe.items()}
    x_fit, fit_rows = news_rows(model, NewsData.load().fit)
    negative = np.array([g == "news" and not marked for g, _, marked, _ in fit_rows])
    x_eval, eval_rows = news_rows(model, split_documents(fold))
    print(f"{len(y_babe['train'])} BABE train sentences, {negative.sum()} straight-news negatives; "
          f"figures on BABE {fold} ({len(y_babe[fold])} sentences) and the news {fold} split")

    def line(name: str, coef: np.ndarray, bias: float, threshold: float) -> None:
        prob = lambda x: 1 / (1 + np.exp(-(x @ coef + bias)))  # noqa: E731
        babe_f1 = f1_score(y_babe[fold], prob(x_babe[fold]) >= threshold, average="macro")
        print(f"{name}, threshold {threshold}: BABE {fold} macro-F1 {babe_f1:.3f} | "
              f"{news_figures(prob(x_eval), eval_rows, threshold)}")

    head = model.network.sentence_head
    line("shipped head", head.weight.detach().float().numpy()[0], float(head.bias.detach()[0]),
         model.config.thresholds["BIASED"])
    x = np.vstack([x_babe["train"], x_fit[negative]])
    y = np.concatenate([y_babe["train"], np.zeros(negative.sum())])
    for w in [args.dev] if args.dev is not None else [float(v) for v in args.weights.split(",")]:
        coef, bias = refit_head(x, y, np.concatenate([np.ones(len(y_babe["train"])), np.full(negative.sum(), w)]))
        threshold = best_threshold(1 / (1 + np.exp(-(x_babe["tune"] @ coef + bias))), y_babe["tune"])[0]
        line(f"refit, W={w}", coef, bias, threshold)


if __name__ == "__main__":
    main()
