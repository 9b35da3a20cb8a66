"""The default model's news stage: fine-tune on the news framing corpus, tune for phrase-level precision.

Stage 1 (``scripts/train.py --stage ptc``) learns PTC's technique spans, BABE's sentence bias and the
quote corpus's quotation marks. This stage starts from that model and trains, in the one training
loop (:mod:`framing.training.loop`), on the news corpus's train articles (every sentence, so unmarked
sentences, bylines and sign-up text are negatives) with BABE and quote examples replayed so those
heads keep what they learned. Fifteen per cent of the news train articles (by a hash of their id)
are held back as the **tune** split: it picks the epoch and every span threshold (phrase-level F0.5,
writer voice). The news dev split is never trained or tuned on.

Example:
    >>> fit_split("allsides:egyQ7UPYlvuNRhLw"), fit_split("allsides:1dYWynHQF40Bm3VW")
    ('tune', 'fit')
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from framing.data.annotated import AnnotatedDocument
from framing.data.framing_corpus import FramingDocument, load_framing_corpus
from framing.modeling import FramingModel
from framing.pipeline.prepared import prepare_document
from framing.pipeline.segment import split_sentences
from framing.training.default_data import bucket
from framing.training.examples import NOT_SCARE, QuoteExample, SentenceExample, TagExample
from framing.training.thresholds import phrase_fbeta, tune_span_thresholds

CORPUS = Path(__file__).resolve().parents[2] / "data" / "framing"


def fit_split(doc_id: str) -> str:
    """``"tune"`` for 15% of the news train articles (stable hash of the id), else ``"fit"``."""
    return "tune" if bucket("news" + doc_id, 20) < 3 else "fit"


def annotated(docs: Sequence[FramingDocument]) -> list[AnnotatedDocument]:
    """News corpus articles as the one annotated-document type (spans keep their voice)."""
    return [d.annotated() for d in docs]


def sentence_examples(docs: Sequence[FramingDocument], labels: Sequence[str], negatives: float = 1.0
                      ) -> list[TagExample]:
    """One tagging example per sentence with a mark, page furniture (bylines, sign-up text: always negatives),
    and a stable ``negatives`` share of the other unmarked sentences."""
    out = []
    for d in docs:
        for start, end in split_sentences(d.text):
            local = [(max(s.start, start) - start, min(s.end, end) - start, s.label) for s in d.spans
                     if s.start < end and s.end > start and s.label in labels]
            furniture = any(a < end and start < b for a, b in d.furniture)
            if local or furniture or bucket(f"{d.id}:{start}", 1000) < negatives * 1000:
                out.append(TagExample(d.text[start:end], local))
    return out


def straight_news_negatives(docs: Sequence[FramingDocument], n: int, seed: int) -> list[SentenceExample]:
    """``n`` sentences (a fixed random sample) of straight-news articles that hold no mark and no page furniture,
    as not-biased examples for the sentence head: what neutral reporting looks like, which BABE shows too little of."""
    pool = [SentenceExample(d.text[start:end], 0.0) for d in docs if d.genre == "news"
            for start, end in split_sentences(d.text)
            if not any(s.start < end and start < s.end for s in d.spans)
            and not any(a < end and start < b for a, b in d.furniture)]
    return replay(pool, n, seed)


def quote_examples(docs: Sequence[FramingDocument], quote_classes: Sequence[str], skip: set[str] = frozenset()
                   ) -> list[QuoteExample]:
    """One quote-head example per sentence with a quotation (as the model finds them): SCARE where a
    SCARE_QUOTE mark overlaps the quote, else :data:`NOT_SCARE` (annotators marked every scare quote,
    but not which kind of quotation the others are). Documents whose id is in ``skip`` are left out."""
    scare, out = quote_classes.index("SCARE"), []
    for d in docs:
        if d.id in skip:
            continue
        marks = [(s.start, s.end) for s in d.spans if s.label == "SCARE_QUOTE"]
        prepared = prepare_document(d.text)
        for (start, end), quotes in zip(prepared.sentences, prepared.quotes):
            if quotes:
                out.append(QuoteExample(d.text[start:end], [
                    (q, scare if any(a < q.end + start and q.start + start < b for a, b in marks) else NOT_SCARE)
                    for q in quotes]))
    return out


@dataclass
class NewsData:
    fit: list[FramingDocument]
    tune: list[FramingDocument]

    @classmethod
    def load(cls, folder: Path = CORPUS) -> NewsData:
        docs = load_framing_corpus(folder / "train.jsonl")
        return cls([d for d in docs if fit_split(d.id) == "fit"], [d for d in docs if fit_split(d.id) == "tune"])


def tune_score(model: FramingModel, tune: Sequence[AnnotatedDocument]) -> float:
    """Micro phrase-level F0.5 (writer voice) on ``tune`` at thresholds tuned there: the early-stopping score."""
    scores = model.score_many([d.text for d in tune], batch_size=32)  # one pass: tuning and the score share it
    thresholds = model.config.thresholds | tune_span_thresholds(model, tune, scores=scores)
    return phrase_fbeta(model, tune, scores, thresholds)


def replay(examples: list, n: int, seed: int) -> list:
    """A fixed random ``n`` of ``examples`` (all of them when there are fewer)."""
    return examples if len(examples) <= n else random.Random(seed).sample(examples, n)
