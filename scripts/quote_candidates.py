"""Sample quotation-mark candidates from the shared corpora for annotation.

Writes, outside the repo, batches that show each candidate in context, so that
annotators can label them with data/quotes/GUIDELINES.md. Sampling is enriched
for short quotes (at most SHORT_WORDS words), where scare quotes live:
every short quote in PTC train/dev and the SemEval-2023 test articles
(SemEval-2023 train articles are the PTC train/dev articles with other line breaks,
so their quotes are the PTC quotes and are not sampled twice; identical texts are also dropped by hash),
short quotes from AllSides capped per source (for outlet diversity), and a small
random share of longer quotes everywhere as contrast.

    python scripts/quote_candidates.py --out /tmp/quote_batches --batches 6

A later round skips the documents that are already annotated (their quote-corpus or framing-corpus
records name them), so that no document is labelled twice and the news dev articles stay unseen:

    python scripts/quote_candidates.py --out /tmp/quote_batches_r2 --prefix r2_batch --batches 6 \
        --allsides-per-source 700 --skip data/quotes/quotes.jsonl data/framing/train.jsonl data/framing/dev.jsonl

``--whole-articles N`` instead draws N whole articles of one outlet that no corpus file names and the default model
never saw, and gives **every** quotation in them, batched by article. That is how the scare-quote dev extension
(``data/quotes/dev_extension.jsonl``) was drawn, so that its precision and recall count every quotation a flag could
sit on:

    python scripts/quote_candidates.py --out /tmp/qdev_batches --prefix qdev_batch --batches 6 \
        --whole-articles 180 --source "New York Times - News" --seen models/framing-default \
        --skip data/quotes/quotes.jsonl data/framing/train.jsonl data/framing/dev.jsonl

Round 3 added short quotes of mainstream news outlets only (the errors on the dev extension were news house style:
terms of art such as "super PACs" read as scare quotes), skipping the dev extension's articles too:

    python scripts/quote_candidates.py --out /tmp/r3_batches --prefix r3_batch --batches 8 \
        --sources "New York Times - News,Bloomberg,CNBC,Wall Street Journal - News,Axios,ProPublica" \
        --allsides-per-source 700 --skip data/quotes/quotes.jsonl data/framing/train.jsonl \
        data/framing/dev.jsonl data/quotes/dev_extension.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

from framing.data.gold import fingerprint
from framing.data.shared_corpora import read_allsides, read_ptc_articles, read_semeval2023_test_articles, sha256_text
from framing.pipeline.quotes import find_quotes
from framing.record import read_seen

SHORT_WORDS = 5
LONG_SHARE = 0.06
ALLSIDES_PER_SOURCE = 40
LONG_PER_SOURCE = 3
MIN_PER_SOURCE = 6
SEED = 13


def annotated_documents(paths: list[Path]) -> set[str]:
    """`corpus:doc_id` of every document a quote-corpus or framing-corpus file has records for."""
    seen = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                seen.add(f"{rec['corpus']}:{rec['doc_id']}" if "doc_id" in rec else rec["id"])
    return seen


def documents(sources: set[str] | None = None):
    """Every candidate document; with ``sources``, only the AllSides articles of those outlets."""
    if sources is None:
        for split in ("train", "dev"):
            for doc_id, text in read_ptc_articles(split):
                yield f"ptc_{split}", doc_id, "ptc", text
        for doc_id, text in read_semeval2023_test_articles():
            yield "semeval2023_test", doc_id, "semeval2023", text
    for row in read_allsides():
        if sources is None or row["source"] in sources:
            yield "allsides", row["ID"], row["source"], row["content_original"]


def context(text: str, start: int, end: int, width: int = 250) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    return text[left:start] + "\u27e6" + text[start:end] + "\u27e7" + text[end:right]


def candidate(corpus: str, doc_id: str, source: str, text: str, digest: str, q) -> dict:
    """One quotation as an annotation candidate: stand-off offsets plus the quote in its context."""
    return {
        "id": f"{corpus}:{doc_id}:{q.start}",
        "corpus": corpus, "doc_id": doc_id, "source": source, "sha256": digest,
        "start": q.start, "end": q.end, "inner_start": q.inner_start, "inner_end": q.inner_end,
        "quote": text[q.start:q.end], "context": context(text, q.start, q.end),
    }


def whole_articles(n: int, source: str, skip: set[str], seen: set[str], rng: random.Random) -> list[list[dict]]:
    """Every quotation of ``n`` AllSides articles of ``source`` (those with a quote of at most SHORT_WORDS words),
    drawn at random among the articles that no skipped file names and whose fingerprint is not in ``seen``."""
    pool = []
    for row in read_allsides():
        text = row["content_original"]
        if row["source"] != source or f"allsides:{row['ID']}" in skip or fingerprint(text) in seen:
            continue
        quotes = find_quotes(text)
        if any(len(q.inner(text).split()) <= SHORT_WORDS for q in quotes):
            digest = sha256_text(text)
            pool.append([candidate("allsides", row["ID"], source, text, digest, q) for q in quotes])
    rng.shuffle(pool)
    return pool[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--batches", type=int, default=6)
    ap.add_argument("--prefix", default="batch", help="batch file names: PREFIX_00.jsonl, ...")
    ap.add_argument("--allsides-per-source", type=int, default=ALLSIDES_PER_SOURCE,
                    help="at most this many short quotes per AllSides outlet")
    ap.add_argument("--skip", type=Path, nargs="*", default=[],
                    help="quote-corpus or framing-corpus files whose documents are not sampled again")
    ap.add_argument("--whole-articles", type=int, default=0,
                    help="draw this many whole articles of --source and give all their quotations")
    ap.add_argument("--source", default="New York Times - News", help="the outlet of --whole-articles")
    ap.add_argument("--sources", help="only these AllSides outlets (comma-separated), no PTC or SemEval articles")
    ap.add_argument("--seen", type=Path, help="a model folder whose seen_documents.json articles are not drawn")
    args = ap.parse_args()
    skip = annotated_documents(args.skip)
    rng = random.Random(SEED)
    if args.whole_articles:
        seen = {f for prints in (read_seen(args.seen) if args.seen else {}).values() for f in prints}
        articles = whole_articles(args.whole_articles, args.source, skip, seen, rng)
        args.out.mkdir(parents=True, exist_ok=True)
        for b in range(args.batches):
            with open(args.out / f"{args.prefix}_{b:02d}.jsonl", "w", encoding="utf-8") as f:
                for quotes in articles[b :: args.batches]:
                    for rec in quotes:
                        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(f"{sum(map(len, articles))} quotations in {len(articles)} whole articles of {args.source} "
              f"in {args.batches} batches under {args.out}")
        return
    picked, per_source, long_per_source = [], defaultdict(list), defaultdict(list)
    seen_hashes = set()
    for corpus, doc_id, source, text in documents(set(args.sources.split(",")) if args.sources else None):
        digest = sha256_text(text)
        if digest in seen_hashes or f"{corpus}:{doc_id}" in skip:
            continue
        seen_hashes.add(digest)
        for q in find_quotes(text):
            short = len(q.inner(text).split()) <= SHORT_WORDS
            rec = candidate(corpus, doc_id, source, text, digest, q)
            if corpus == "allsides":
                (per_source if short else long_per_source)[source].append(rec)
            elif short or rng.random() < LONG_SHARE:
                picked.append(rec)
    for source in sorted(set(per_source) | set(long_per_source)):
        shorts, longs = per_source[source], long_per_source[source]
        rng.shuffle(shorts)
        rng.shuffle(longs)
        # a few long quotes per outlet as contrast, more where an outlet has few short ones
        n_long = max(LONG_PER_SOURCE, MIN_PER_SOURCE - len(shorts))
        picked.extend(shorts[:args.allsides_per_source] + longs[:n_long])
    rng.shuffle(picked)
    args.out.mkdir(parents=True, exist_ok=True)
    for b in range(args.batches):
        with open(args.out / f"{args.prefix}_{b:02d}.jsonl", "w", encoding="utf-8") as f:
            for rec in picked[b :: args.batches]:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    sources = {r["source"] for r in picked}
    print(f"{len(picked)} candidates from {len(sources)} sources in {args.batches} batches under {args.out}")


if __name__ == "__main__":
    main()
