"""Build training and evaluation examples for the default model from ../shared/data.

Splits are by document and fixed by hashing ids, so no article is on both sides:
- PTC train articles: 90% train, 10% "tune" (thresholds); PTC dev articles: dev (reported).
- BABE: grouped by news_link, stratified; fold 0 dev, fold 1 tune, the rest train.
- Quotes: PTC dev articles and 10% of other documents dev, 10% tune, the rest train.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from sklearn.model_selection import StratifiedGroupKFold

from framing.data.gold import fingerprint
from framing.data.quote_corpus import load_quote_corpus
from framing.data.shared_corpora import (
    read_babe,
    read_ptc_articles,
    read_ptc_labels,
    read_semeval2023_articles,
    read_semeval2023_labels,
)
from framing.labels import PTC_TECHNIQUES, QUOTE_CLASSES, SEMEVAL2023_TECHNIQUES
from framing.pipeline.quotes import Quote
from framing.pipeline.segment import split_sentences
from framing.training.examples import QuoteExample, SentenceExample, TagExample


def bucket(key: str, n: int = 10) -> int:
    """Stable hash bucket of an id, so splits never depend on set or dict order."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % n


def ptc_documents(split: str) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    """``(article_id, text, [(start, end, label)])`` with techniques mapped to the default labels."""
    labels = read_ptc_labels(split)
    return [(doc, text, [(s, e, PTC_TECHNIQUES[t]) for s, e, t in labels.get(doc, []) if t in PTC_TECHNIQUES])
            for doc, text in read_ptc_articles(split)]


def semeval2023_train_documents() -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    """SemEval-2023 re-annotations of the PTC *train-split* articles only (never PTC tune or dev articles)."""
    labels = read_semeval2023_labels()
    ptc_train = {doc for doc, _ in read_ptc_articles("train") if ptc_split(doc) == "train"}
    return [(doc, text, [(s, e, SEMEVAL2023_TECHNIQUES[t]) for s, e, t in labels.get(doc, [])
                         if t in SEMEVAL2023_TECHNIQUES])
            for doc, text in read_semeval2023_articles("train") if doc in ptc_train]


def ptc_split(doc_id: str) -> str:
    return "tune" if bucket("ptc" + doc_id) == 0 else "train"


def tag_examples(docs, negative_share: float, rng: random.Random) -> list[TagExample]:
    """One example per non-empty line; lines without spans are kept with probability ``negative_share``."""
    out = []
    for _, text, spans in docs:
        pos = 0
        for line in text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line.strip():
                continue
            local = [(max(s, start) - start, min(e, end) - start, lab) for s, e, lab in spans if s < end and e > start]
            if local or rng.random() < negative_share:
                out.append(TagExample(line, local))
    return out


def babe_splits() -> dict[str, list[SentenceExample]]:
    rows = [r for r in read_babe() if r["label_bias"] in ("Biased", "Non-biased")]
    y = [int(r["label_bias"] == "Biased") for r in rows]
    groups = [r["news_link"] or r["text"] for r in rows]
    folds = list(StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=13).split(rows, y, groups))
    which = {}
    for k, (_, idx) in enumerate(folds):
        for i in idx:
            which[i] = "dev" if k == 0 else "tune" if k == 1 else "train"
    out: dict[str, list[SentenceExample]] = {"train": [], "tune": [], "dev": []}
    for i, r in enumerate(rows):
        out[which[i]].append(SentenceExample(r["text"], float(y[i])))
    return out


def quote_split(corpus: str, doc_id: str) -> str:
    if corpus == "ptc_dev":
        return "dev"
    b = bucket(f"{corpus}:{doc_id}")
    return "dev" if b == 0 else "tune" if b == 1 else "train"


def quote_examples_by_document(path: Path) -> dict[tuple[str, str], list[QuoteExample]]:
    """Quote examples per document, one per sentence (our segmenter) that holds an opening mark."""
    by_doc: dict[tuple[str, str], list] = {}
    for r in load_quote_corpus(path):
        by_doc.setdefault((r.corpus, r.doc_id), []).append(r)
    out: dict[tuple[str, str], list[QuoteExample]] = {}
    for key, recs in sorted(by_doc.items()):
        text = recs[0].text
        sentences = split_sentences(text)
        examples: dict[int, QuoteExample] = {}
        for r in recs:
            k = next((i for i, (s, e) in enumerate(sentences) if s <= r.start < e), None)
            if k is None:
                continue
            s, e = sentences[k]
            ex = examples.setdefault(k, QuoteExample(text[s:e]))
            ex.quotes.append((Quote(r.start - s, r.end - s, r.inner_start - s, r.inner_end - s),
                              QUOTE_CLASSES.index(r.label)))
        out[key] = [examples[k] for k in sorted(examples)]
    return out


def quote_corpus_ids(path: Path) -> set[str]:
    """``"corpus:doc_id"`` of every quote-corpus document (the id form of the news corpus)."""
    return {f"{r.corpus}:{r.doc_id}" for r in load_quote_corpus(path)}


def quote_splits(path: Path) -> dict[str, list[QuoteExample]]:
    """Quote examples split by document into train, tune and dev."""
    out: dict[str, list[QuoteExample]] = {"train": [], "tune": [], "dev": []}
    for (corpus, doc_id), examples in quote_examples_by_document(path).items():
        out[quote_split(corpus, doc_id)].extend(examples)
    return out


def seen_fingerprints(quotes_path: Path) -> dict[str, list[str]]:
    """Fingerprints of every document the default training puts in its train or tune splits
    (PTC articles, which SemEval-2023 re-lays out, BABE sentences, quote-corpus documents)."""
    seen: dict[str, set[str]] = {"train": set(), "tune": set()}
    for doc, text in read_ptc_articles("train"):
        seen[ptc_split(doc)].add(fingerprint(text))
    splits = babe_splits()
    for name in ("train", "tune"):
        seen[name].update(fingerprint(e.text) for e in splits[name])
    if quotes_path.exists():
        for r in load_quote_corpus(quotes_path):
            which = quote_split(r.corpus, r.doc_id)
            if which != "dev":
                seen[which].add(fingerprint(r.text))
    return {k: sorted(v) for k, v in seen.items()}
