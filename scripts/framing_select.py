"""How the articles of the news framing corpus were drawn (seed 14) and assigned to 8 annotators.

    python scripts/framing_select.py      # writes plan.json in the working directory

Kept as the record of the sampling (see data/framing/README.md); the committed data/framing/plan.json
is its output, with the dev swap recorded in its "dev_note".
"""
# ruff: noqa: E128, E501, E701, E702, E731, E741
import collections
import json
import random

from framing.data.gold import fingerprint as fp
from framing.data.quote_corpus import load_documents
from framing.data.shared_corpora import data_root
from framing.model_files import default_model_dir
from framing.record import read_seen

DATA = data_root()
_docs = load_documents({"allsides", "semeval2023_test", "ptc_train"})
text_of = lambda d: _docs[tuple(d.split(":", 1))][1]
seen = read_seen(default_model_dir())
seen = set(seen["train"]) | set(seen["tune"])
rng = random.Random(14)
rows = [json.loads(l) for l in open(DATA / "allsides_article_bias_subset/articles_media_valid.jsonl")]
OPINION = lambda s: not any(k in s for k in ("News", "Bloomberg", "CNBC", "FiveThirtyEight", "Axios", "ProPublica",
    "Washington Free Beacon", "Epoch Times", "HuffPost", "Kalamazoo", "International Institute", "New York Magazine", "RealClearPolitics"))
quota = {"New York Times - News": 56, "Bloomberg": 20, "CNBC": 20, "FiveThirtyEight": 14, "Wall Street Journal - News": 20,
         "Axios": 20, "ProPublica": 8, "New York Magazine": 14, "RealClearPolitics": 16, "Washington Free Beacon": 20,
         "The Epoch Times": 20, "New York Times (Online News)": 10, "New York Times - Opinion": 34, "Guest Writer - Left": 26}
bysrc = collections.defaultdict(list)
for r in rows:
    t = r["content_original"]; n = len(t.split())
    if 120 <= n <= (950 if len([x for x in rows if x["source"]==r["source"]]) > 10 else 1250):
        bysrc[r["source"]].append(r)
chosen = []
for s, lst in sorted(bysrc.items()):
    rng.shuffle(lst); lst.sort(key=lambda r: fp(r["content_original"]) in seen)  # unseen first
    k = quota.get(s, 8)
    chosen += [("allsides:" + r["ID"], s, "opinion" if OPINION(s) else "news") for r in lst[:k]]
sem = sorted((DATA / "semeval2023_task3_en/test-articles-subtask-3").glob("article*.txt"))
semc = [("semeval2023_test:" + p.stem[7:], "SemEval-2023 test (mixed outlets)", "unknown") for p in sem
        if 120 <= len(open(p, encoding="utf-8").read().split()) <= 950]
rng.shuffle(semc); chosen += semc[:40]
ptc = sorted((DATA / "ptc_semeval2020_task11/train-articles").glob("article*.txt"))
ptcc = [("ptc_train:" + p.stem[7:], "PTC (propaganda-selected outlets)", "unknown") for p in ptc
        if 120 <= len(open(p, encoding="utf-8", newline="").read().split()) <= 700]
rng.shuffle(ptcc); chosen += ptcc[:24]
c = collections.Counter(s for _, s, _ in chosen)
print(len(chosen), "articles,", len(c), "sources; max", c.most_common(3))
print("opinion by source:", sum(g == "opinion" for *_, g in chosen))
words = {d: len(text_of(d).split()) for d, *_ in chosen}
print("words", sum(words.values()))
# dev split: 100 articles from AllSides + SemEval, stratified by source and genre (round-robin within strata)
strata = collections.defaultdict(list)
for d, s, g in chosen:
    if not d.startswith("ptc") and (d.startswith("semeval") or fp(text_of(d)) not in seen): strata[(s, g)].append(d)
dev = []
for key in sorted(strata): 
    lst = strata[key][:]; rng.shuffle(lst)
    dev += lst[:max(1, round(len([1 for x in chosen if x[1]==key[0]]) * 0.26))] if len(lst) >= 3 else []
print("dev", len(dev))
double = rng.sample(dev, 62)
# assignment: 8 annotators, each article once; double ones a second time to a different annotator
ids = [d for d, *_ in chosen]; rng.shuffle(ids)
ann = {f"A{k+1}": [] for k in range(8)}
load = {a: 0 for a in ann}
for d in sorted(ids, key=lambda d: -words[d]):
    a = min(load, key=load.get); ann[a].append(d); load[a] += words[d]
first = {d: a for a, lst in ann.items() for d in lst}
for d in double:
    a = min((x for x in load if x != first[d]), key=load.get); ann[a].append(d); load[a] += words[d]
for a, lst in ann.items():
    rng.shuffle(lst)
    open(f"batch_{a}.txt", "w").write("\n".join(lst) + "\n")
print(load)
json.dump({"articles": [{"doc": d, "source": s, "source_genre": g, "words": words[d]} for d, s, g in chosen],
           "dev": sorted(dev), "double": sorted(double), "first": first,
           "second": {d: a for a, lst in ann.items() for d in lst if d in double and first[d] != a}},
          open("plan.json", "w"), indent=1)
