"""Would a sentence head that has seen straight news flag less of it, and what would that cost on BABE?

    python scripts/sentence_head_news_negatives.py                  # the tune table: BABE tune fold, news tune split
    python scripts/sentence_head_news_negatives.py --dev 0.3        # one weight, once, on BABE dev and news dev
    python scripts/sentence_head_news_negatives.py --pull 0.03      # the check that avoids BABE's train fold

The shipped encoder and every other head stay as they are. Only the sentence head (one linear layer on the
mean-pooled sentence) is refitted, by logistic regression on the shipped encoder's pooled vectors. Its data is
BABE's train fold plus, as "not biased", the writer-voice sentences of the straight-news articles in the news
stage's fit split that hold no annotator mark, each with weight W. The threshold is the best-F1 one on BABE's
tune fold, as training chooses it. News figures use the proxy of ``scripts/sentence_flags_on_news.py``: a flagged
sentence is right when it holds a writer-voice mark. The run takes about a minute on 2 cores.

``--pull S`` checks that result without the train fold's vectors, which the encoder was fine-tuned on: the head is
fitted on BABE's tune fold plus the negatives, with an L2 pull of strength S towards the shipped head, and BABE is
scored by 5-fold cross-validation inside the tune fold (threshold: best F1 on the out-of-fold scores).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np
import torch
from sentence_flags_on_news import figures, genre_group, split_documents, writer_sentences
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

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


def pulled_head(x: np.ndarray, y: np.ndarray, weight: np.ndarray, start: tuple[np.ndarray, float],
                strength: float) -> tuple[np.ndarray, float]:
    """Logistic regression whose weights are pulled towards ``start`` (an L2 penalty of ``strength``); the
    sample weights are normalised to sum to 1, so ``strength`` does not depend on the number of examples."""
    xt, yt = torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y.astype(np.float32))
    wt = torch.from_numpy((weight / weight.sum()).astype(np.float32))
    origin = torch.from_numpy(start[0].astype(np.float32))
    coef, bias = origin.clone().requires_grad_(True), torch.tensor(float(start[1]), requires_grad=True)
    opt = torch.optim.LBFGS([coef, bias], max_iter=500, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        opt.zero_grad()
        value = (wt * torch.nn.functional.binary_cross_entropy_with_logits(xt @ coef + bias, yt, reduction="none")
                 ).sum() + strength * ((coef - origin) ** 2).sum()
        value.backward()
        return value

    opt.step(loss)
    return coef.detach().numpy(), float(bias.detach())


def probability(x: np.ndarray, coef: np.ndarray, bias: float) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ coef + bias)))


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
    ap.add_argument("--pull", type=float, metavar="S", help="the cross-validated check on BABE's tune fold")
    args = ap.parse_args()
    fold = "dev" if args.dev is not None else "tune"
    model = FramingModel.from_pretrained(runtime="torch")
    babe = babe_splits()
    x_babe = {k: sentence_vectors(model, [e.text for e in v], one_sentence=True)[1] for k, v in babe.items()}
    y_babe = {k: np.array([e.label for e in v]) for k, v in babe.items()}
    x_fit, fit_rows = news_rows(model, NewsData.load().fit)
    x_neg = x_fit[np.array([g == "news" and not marked for g, _, marked, _ in fit_rows])]
    x_eval, eval_rows = news_rows(model, split_documents(fold))
    print(f"{len(y_babe['train'])} BABE train sentences, {len(x_neg)} straight-news negatives; "
          f"figures on BABE {fold} ({len(y_babe[fold])} sentences) and the news {fold} split")
    head = model.network.sentence_head
    shipped = (head.weight.detach().float().numpy()[0], float(head.bias.detach()[0]))

    def line(name: str, babe_f1: float, coef: np.ndarray, bias: float, threshold: float) -> None:
        print(f"{name}, threshold {threshold}: BABE {fold} macro-F1 {babe_f1:.3f} | "
              f"{news_figures(probability(x_eval, coef, bias), eval_rows, threshold)}")

    def with_negatives(x: np.ndarray, y: np.ndarray, w: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (np.vstack([x, x_neg]), np.concatenate([y, np.zeros(len(x_neg))]),
                np.concatenate([np.ones(len(y)), np.full(len(x_neg), w * len(y) / len(y_babe["train"]))]))

    t = model.config.thresholds["BIASED"]
    line("shipped head", f1_score(y_babe[fold], probability(x_babe[fold], *shipped) >= t, average="macro"), *shipped, t)
    x_tune, y_tune = x_babe["tune"], y_babe["tune"]
    for w in [args.dev] if args.dev is not None else [float(v) for v in args.weights.split(",")]:
        if args.pull is None:
            coef, bias = refit_head(*with_negatives(x_babe["train"], y_babe["train"], w))
            t = best_threshold(probability(x_tune, coef, bias), y_tune)[0]
            babe_f1 = f1_score(y_babe[fold], probability(x_babe[fold], coef, bias) >= t, average="macro")
        else:
            out_of_fold = np.zeros(len(y_tune))
            for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x_tune, y_tune):
                c, b = pulled_head(*with_negatives(x_tune[train], y_tune[train], w), shipped, args.pull)
                out_of_fold[test] = probability(x_tune[test], c, b)
            t = best_threshold(out_of_fold, y_tune)[0]
            babe_f1 = f1_score(y_tune, out_of_fold >= t, average="macro")
            coef, bias = pulled_head(*with_negatives(x_tune, y_tune, w), shipped, args.pull)
        line(f"refit, W={w}" + (f", pull {args.pull} (BABE: CV inside tune)" if args.pull is not None else ""),
             babe_f1, coef, bias, t)


if __name__ == "__main__":
    main()
