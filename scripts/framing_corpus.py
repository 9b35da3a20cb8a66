"""Make the news framing corpus (data/framing/): the annotation tool, agreement, adjudication and the build.

    python scripts/framing_corpus.py show allsides:egyQ7UPYlvuNRhLw          # an article as numbered sentences
    python scripts/framing_corpus.py check RAW/A1.jsonl                       # validate one annotator's file
    python scripts/framing_corpus.py agreement --plan data/framing/plan.json --raw RAW
    python scripts/framing_corpus.py disagreements --plan data/framing/plan.json --raw RAW --out todo.jsonl
    python scripts/framing_corpus.py build --plan data/framing/plan.json --raw RAW --adjudicated adj.jsonl
    python scripts/framing_corpus.py extend --raw RAW2 --round 2         # add single-annotated train articles

RAW holds one file per annotator (``A1.jsonl`` ...), one line per article: ``{"doc", "genre", "furniture":
[sentence numbers], "marks": [{"s": sentence, "text": exact phrase, "n": occurrence, "label", "voice",
"confidence"}]}``. Marks name a sentence and a phrase so that annotators never count characters; this
script turns them into character offsets. The sentences are :func:`framing.pipeline.segment.split_sentences`.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score

from framing.atomic import atomic_write
from framing.data.framing_corpus import FRAMING_LABELS, GENRES, VOICES
from framing.data.quote_corpus import load_documents
from framing.data.shared_corpora import sha256_text
from framing.evaluation.metrics import overlap_flags, word_spans
from framing.pipeline.segment import split_sentences

OUT = Path(__file__).resolve().parent.parent / "data" / "framing"


def fail(message: str) -> None:
    """Bad input: the message (file, line, problem) on stderr, exit code 2, nothing written."""
    print(message, file=sys.stderr)
    sys.exit(2)


def texts_for(doc_ids) -> dict[str, tuple[str, str]]:
    """``{doc id: (source, text)}`` from the shared corpora."""
    docs = load_documents({d.partition(":")[0] for d in doc_ids})
    return {f"{c}:{i}": v for (c, i), v in docs.items()}


def resolve(text: str, sentences: list[tuple[int, int]], mark: dict) -> tuple[int, int]:
    """Character offsets of a mark given as sentence number, exact phrase and occurrence."""
    s = mark.get("s")
    if not isinstance(s, int) or not 0 <= s < len(sentences):
        raise ValueError(f"sentence index {s!r} out of range (0-{len(sentences) - 1})")
    a, b = sentences[s]
    phrase = mark.get("text")
    if not isinstance(phrase, str) or not phrase.strip() or phrase != phrase.strip():
        raise ValueError(f"text {phrase!r} must be a non-empty phrase without surrounding spaces")
    hits = [i for i in range(b - a) if text.startswith(phrase, a + i) and a + i + len(phrase) <= b]
    if not hits:
        raise ValueError(f"text {phrase!r} not found in sentence [{s}]")
    n = mark.get("n", 1)
    if not isinstance(n, int) or not 1 <= n <= len(hits):
        raise ValueError(f"n={n!r} but {phrase!r} occurs {len(hits)} time(s) in sentence [{s}]")
    start = a + hits[n - 1]
    end = start + len(phrase)
    if (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or \
            (end < len(text) and text[end].isalnum() and text[end - 1].isalnum()):
        raise ValueError(f"{phrase!r} cuts through a word; mark whole words")
    return start, end


def read_raw(path: Path, texts: dict[str, tuple[str, str]] | None = None) -> tuple[dict[str, dict], list[str]]:
    """One annotator's file as ``{doc: {"genre", "furniture": [(s, e)], "spans": [...]}}`` and its problems."""
    rows = [(n, json.loads(line)) for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if line.strip()]
    texts = texts or texts_for(r["doc"] for _, r in rows)
    out, problems = {}, []
    for n, r in rows:
        where = f"{path}:{n}"
        if r.get("doc") not in texts:
            problems.append(f"{where}: unknown document {r.get('doc')!r}")
            continue
        if r["doc"] in out:
            problems.append(f"{where}: {r['doc']} appears twice")
        if r.get("genre") not in GENRES:
            problems.append(f"{where}: genre must be one of {', '.join(GENRES)}")
        text = texts[r["doc"]][1]
        sents = split_sentences(text)
        spans = []
        for j, m in enumerate(r.get("marks", [])):
            if m.get("label") not in FRAMING_LABELS or m.get("voice") not in VOICES:
                problems.append(f"{where}: mark {j}: label or voice not known ({m.get('label')!r}, {m.get('voice')!r})")
                continue
            try:
                start, end = resolve(text, sents, m)
            except ValueError as e:
                problems.append(f"{where}: mark {j}: {e}")
                continue
            spans.append({"start": start, "end": end, "label": m["label"], "voice": m["voice"],
                          "confidence": m.get("confidence", "high")})
        furniture = [list(sents[k]) for k in r.get("furniture", []) if isinstance(k, int) and 0 <= k < len(sents)]
        out[r["doc"]] = {"genre": r.get("genre"), "furniture": furniture, "spans": spans}
    return out, problems


def read_all(plan: dict, raw: Path) -> tuple[dict[str, dict[str, dict]], dict[str, tuple[str, str]]]:
    """``{annotator: {doc: record}}`` for every annotator file in ``raw``, failing on any problem."""
    texts = texts_for(a["doc"] for a in plan["articles"])
    passes = {}
    for path in sorted(raw.glob("A*.jsonl")):
        passes[path.stem], problems = read_raw(path, texts)
        if problems:
            fail("\n".join(problems))
    return passes, texts


def _pairs(plan: dict, passes: dict) -> list[tuple[str, dict, dict]]:
    return [(d, passes[plan["first"][d]][d], passes[plan["second"][d]][d]) for d in plan["double"]]


def _overlaps(a: dict, b: dict, voice: bool = False) -> bool:
    return a["label"] == b["label"] and a["start"] < b["end"] and b["start"] < a["end"] and \
        (not voice or a["voice"] == b["voice"])


def agreement(plan: dict, passes: dict, texts: dict) -> dict:
    """Per label: overlap-matched span F1 between the two passes, and word-level Cohen's kappa."""
    pairs = _pairs(plan, passes)
    out: dict = {"documents": len(pairs), "words": sum(len(texts[d][1].split()) for d, *_ in pairs), "labels": {}}
    for label in (*FRAMING_LABELS, None):
        hit_a = n_a = hit_b = n_b = 0
        ya, yb = [], []
        for d, a, b in pairs:
            sa = [s for s in a["spans"] if label is None or s["label"] == label]
            sb = [s for s in b["spans"] if label is None or s["label"] == label]
            n_a, n_b = n_a + len(sa), n_b + len(sb)
            hit_a += sum(any(_overlaps(x, y) for y in sb) for x in sa)
            hit_b += sum(any(_overlaps(y, x) for x in sa) for y in sb)
            words = word_spans(texts[d][1])
            ya.append(overlap_flags(words, [(s["start"], s["end"]) for s in sa]))
            yb.append(overlap_flags(words, [(s["start"], s["end"]) for s in sb]))
        p, r = hit_a / max(n_a, 1), hit_b / max(n_b, 1)
        ya, yb = np.concatenate(ya), np.concatenate(yb)
        kappa = float(cohen_kappa_score(ya, yb)) if ya.any() or yb.any() else float("nan")
        out["labels"][label or "any label"] = {"first": n_a, "second": n_b,
                                               "overlap_f1": 2 * p * r / (p + r) if p + r else 0.0,
                                               "word_kappa": round(kappa, 3)}
    matched = [(x, y) for _, a, b in pairs for x in a["spans"] for y in b["spans"] if _overlaps(x, y)]
    out["voice_agreement_on_matched"] = sum(x["voice"] == y["voice"] for x, y in matched) / max(len(matched), 1)
    out["genre_agreement"] = sum(a["genre"] == b["genre"] for _, a, b in pairs) / max(len(pairs), 1)
    return out


def disagreements(plan: dict, passes: dict, texts: dict) -> list[dict]:
    """The marks of one pass with no same-label overlapping mark in the other, with context."""
    todo = []
    for d, a, b in _pairs(plan, passes):
        text = texts[d][1]
        for who, mine, other in (("first", a, b), ("second", b, a)):
            for s in mine["spans"]:
                if not any(_overlaps(s, o, voice=True) for o in other["spans"]):
                    near = [o for o in other["spans"] if o["start"] < s["end"] and s["start"] < o["end"]]
                    todo.append({"id": len(todo), "doc": d, "by": who, **s, "phrase": text[s["start"]:s["end"]],
                                 "context": text[max(0, s["start"] - 200):s["end"] + 120],
                                 "other_pass_overlapping": [(o["label"], o["voice"], text[o["start"]:o["end"]])
                                                            for o in near]})
    return todo


def corpus_record(doc: str, source: str, split: str, text: str, annotators: list[str], annotation: dict,
                  spans: list[dict]) -> dict:
    """One stand-off line of train.jsonl or dev.jsonl: the text is kept only as its sha256."""
    return {"id": doc, "source": source, "genre": annotation["genre"], "split": split, "sha256": sha256_text(text),
            "annotators": annotators, "furniture": annotation["furniture"],
            "spans": sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))}


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def write_records(path: Path, rows: list[dict]) -> None:
    atomic_write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sorted(rows, key=lambda r: r["id"])))


def build(plan: dict, passes: dict, texts: dict, adjudicated: dict[int, dict]) -> None:
    """Write train.jsonl, dev.jsonl and double_annotation.jsonl (stand-off, with each text's sha256)."""
    todo = disagreements(plan, passes, texts)
    decided = {t["id"]: t for t in todo}
    missing = set(decided) - set(adjudicated)
    if missing:
        fail(f"{len(missing)} disagreements have no adjudication (e.g. {sorted(missing)[:5]})")
    dev, double = set(plan["dev"]), set(plan["double"])
    records = {"train": [], "dev": []}
    later = {a["doc"] for a in plan["articles"] if "round" in a}  # rounds added by `extend` keep their records
    for art in plan["articles"]:
        d = art["doc"]
        if d in later:
            continue
        first = passes[plan["first"][d]][d]
        spans = first["spans"]
        annotators = [plan["first"][d]]
        if d in double:
            second = passes[plan["second"][d]][d]
            annotators.append(plan["second"][d])
            agreed = [s for s in first["spans"] if any(_overlaps(s, o, voice=True) for o in second["spans"])]
            kept = []
            for t in todo:
                if t["doc"] == d:
                    verdict = adjudicated[t["id"]]
                    if verdict["keep"]:
                        final = {"label": verdict.get("label", t["label"]), "voice": verdict.get("voice", t["voice"])}
                        kept.append({k: t[k] for k in ("start", "end", "confidence")} | final)
            spans = agreed + [s for s in kept if not any(_overlaps(s, o, voice=True) for o in agreed)]
        rec = corpus_record(d, art["source"], "dev" if d in dev else "train", texts[d][1], annotators, first, spans)
        records[rec["split"]].append(rec)
    records["train"] += [r for r in read_records(OUT / "train.jsonl") if r["id"] in later]
    for split, rows in records.items():
        write_records(OUT / f"{split}.jsonl", rows)
    pairs = [{"id": d, "first": {"annotator": plan["first"][d], **a}, "second": {"annotator": plan["second"][d], **b}}
             for d, a, b in _pairs(plan, passes)]
    pairs += [r for r in read_records(OUT / "double_annotation.jsonl") if "round" in r]
    atomic_write(OUT / "double_annotation.jsonl", "".join(json.dumps(r) + "\n" for r in pairs))
    print({k: len(v) for k, v in records.items()})


def extend(plan_path: Path, raw: Path, round_name: str, folder: Path = OUT,
           extension: Path = OUT.parent / "quotes" / "dev_extension.jsonl") -> None:
    """Add the articles of every annotator file in ``raw`` to the train split (one annotator each).

    Dev articles never change: a document already in the plan, or in the dev extension of the quote corpus,
    is refused, so nothing measured before is trained on. Writes ``folder``/train.jsonl and ``plan_path`` only
    after every file has checked clean."""
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    known = {a["doc"] for a in plan["articles"]}
    known |= {f"{q['corpus']}:{q['doc_id']}" for q in read_records(extension)}
    source_genre = {a["source"]: a["source_genre"] for a in plan["articles"]}
    added, problems = {}, []
    for path in sorted(raw.glob("*.jsonl")):
        recs, errs = read_raw(path)
        line = {json.loads(s)["doc"]: n for n, s in enumerate(path.read_text("utf-8").splitlines(), 1) if s.strip()}
        problems += errs + [f"{path}:{line[d]}: {d} is already in the corpus or a dev split" for d in recs
                            if d in known]
        problems += [f"{path}:{line[d]}: {d} is also in {added[d][0]}.jsonl" for d in recs if d in added]
        added |= {d: (path.stem, r) for d, r in recs.items()}
    if problems or not added:
        fail("\n".join(problems) or f"{raw}: no annotator files (*.jsonl)")
    texts = texts_for(added)
    rows = read_records(folder / "train.jsonl")
    for d, (annotator, r) in added.items():
        source, text = texts[d]
        rows.append(corpus_record(d, source, "train", text, [annotator], r, r["spans"]))
        plan["articles"].append({"doc": d, "source": source, "source_genre": source_genre.get(source, r["genre"]),
                                 "words": len(text.split()),
                                 "round": round_name})
        plan["first"][d] = annotator
    write_records(folder / "train.jsonl", rows)
    atomic_write(plan_path, json.dumps(plan, indent=1))
    print(f"{len(added)} articles, {sum(len(r['spans']) for _, r in added.values())} marks added to train "
          f"(round {round_name})")


def stats() -> str:
    """The data card's tables (Markdown) from the built corpus files."""
    from framing.data.framing_corpus import load_framing_corpus

    docs = load_framing_corpus(OUT / "train.jsonl", OUT / "dev.jsonl")
    lines = []
    for split in ("train", "dev", "all"):
        part = [d for d in docs if split in ("all", d.split)]
        genres = collections.Counter(d.genre for d in part)
        lines.append(f"- {split}: {len(part)} articles, {sum(d.words for d in part):,} words, "
                     f"{len({d.source for d in part})} sources; genres {dict(sorted(genres.items()))}")
    lines += ["", "| label | train writer | train quoted | dev writer | dev quoted |", "|---|---|---|---|---|"]
    c = collections.Counter((d.split, s.label, s.voice) for d in docs for s in d.spans)
    for label in FRAMING_LABELS:
        lines.append(f"| {label} | " + " | ".join(str(c[(sp, label, v)]) for sp in ("train", "dev") for v in VOICES)
                     + " |")
    lines += ["", "| source | articles | dev |", "|---|---|---|"]
    by = collections.Counter(d.source for d in docs)
    dev = collections.Counter(d.source for d in docs if d.split == "dev")
    lines += [f"| {src} | {n} | {dev[src]} |" for src, n in by.most_common()]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["show", "check", "agreement", "disagreements", "build", "extend", "stats"])
    ap.add_argument("args", nargs="*")
    ap.add_argument("--plan", type=Path, default=OUT / "plan.json")
    ap.add_argument("--raw", type=Path)
    ap.add_argument("--adjudicated", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--round", default="2", help="extend: the name of this annotation round")
    a = ap.parse_args()
    if a.command == "show":
        texts = texts_for(a.args)
        for d in a.args:
            text = texts[d][1]
            print(f"=== {d} ({len(text.split())} words)")
            print("\n".join(f"[{k}] {text[s:e]}" for k, (s, e) in enumerate(split_sentences(text))), end="\n\n")
        return
    if a.command == "check":
        recs, problems = read_raw(Path(a.args[0]))
        print("\n".join(problems + [f"{len(recs)} documents, {sum(len(r['spans']) for r in recs.values())} marks, "
                                    f"{len(problems)} problems"]))
        sys.exit(1 if problems else 0)
    if a.command == "stats":
        print(stats())
        return
    if a.command == "extend":
        extend(a.plan, a.raw, a.round)
        return
    plan = json.loads(a.plan.read_text(encoding="utf-8"))
    passes, texts = read_all(plan, a.raw)
    if a.command == "agreement":
        result = agreement(plan, passes, texts)
        (OUT / "agreement.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=1))
    elif a.command == "disagreements":
        rows = disagreements(plan, passes, texts)
        a.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} disagreements in {len(plan['double'])} documents written to {a.out}")
    else:
        verdicts = {r["id"]: r for r in map(json.loads, open(a.adjudicated, encoding="utf-8")) if r}
        build(plan, passes, texts, verdicts)


if __name__ == "__main__":
    main()
