"""Sentences per second of `framing score` against a naive per-sentence `transformers` pipeline and
against its own fp32 mode.

Runs, in one invocation, on the same AllSides articles (../shared/data), each side in a fresh process
(so that each peak RSS is its own):

(a) `framing score` end to end (`framing.batch.score.score_corpus`: reading the JSON Lines corpus,
    segmentation, length-sorted batches across documents, the encoder and every head in one pass,
    decoding, and writing the Parquet tables), with the shipped default model in its default precision
    (`auto`: bf16 on a CPU with native bf16, see framing/nn/precision.py);
(b) the same in forced fp32 (`FRAMING_PRECISION=fp32`);
(c) the naive baseline: a `transformers` token-classification pipeline called once per sentence, on the
    same weights in fp32 (the default model's folded encoder and its tag head as a
    `BertForTokenClassification`, or its sentence head in that place when the model tags no labels; it has
    no casing embedding or quote head and one head only, so it does less work than (a)).

    python bench/score_throughput.py [--articles 200] [--rounds 2]

With ``--rounds 2`` (the default) every side runs twice, alternating (the order of (a), (b), (c) reversed every
other round), and each side's best round counts (on a shared machine the best round is the one least
disturbed). It prints sentences/s and peak RSS for each side, the load average around each run, and the
ratios (a)/(c) and (a)/(b). Every side uses 2 torch threads.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

THREADS = 2


def articles(n: int) -> list[dict]:
    from framing.data.shared_corpora import read_allsides

    rows = []
    for row in read_allsides():
        if row["content_original"].strip():
            rows.append({"id": row["ID"], "text": row["content_original"], "source": row["source"]})
        if len(rows) == n:
            return rows
    raise SystemExit(f"only {len(rows)} AllSides articles with text; asked for {n}")


def hf_state(encoder) -> dict:
    """Our inference encoder's weights under Hugging Face ``BertModel`` names (inverse of ``load_bert_state``)."""
    state = {
        "embeddings.word_embeddings.weight": encoder.word_embeddings.weight,
        "embeddings.position_embeddings.weight": encoder.position_embeddings.weight,
        "embeddings.token_type_embeddings.weight": encoder.token_type_embeddings.weight,
        "embeddings.LayerNorm.weight": encoder.embedding_norm.weight,
        "embeddings.LayerNorm.bias": encoder.embedding_norm.bias,
    }
    for i, layer in enumerate(encoder.layers):
        p = f"encoder.layer.{i}."
        for part in ("weight", "bias"):
            for name, value in zip(("query", "key", "value"), getattr(layer.qkv, part).chunk(3)):
                state[p + f"attention.self.{name}.{part}"] = value
            state[p + f"attention.output.dense.{part}"] = getattr(layer.attention_out, part)
            state[p + f"attention.output.LayerNorm.{part}"] = getattr(layer.attention_norm, part)
            state[p + f"intermediate.dense.{part}"] = getattr(layer.intermediate, part)
            state[p + f"output.dense.{part}"] = getattr(layer.output, part)
            state[p + f"output.LayerNorm.{part}"] = getattr(layer.output_norm, part)
    return {"bert." + k: v.detach().clone() for k, v in state.items()}


def naive_pipeline():
    """A token-classification pipeline on the default model's folded encoder and tag head."""
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification, pipeline
    from transformers.utils import logging as hf_logging

    from framing.modeling import FramingModel
    from framing.nn.base_model import base_model_dir

    hf_logging.set_verbosity_error()
    model = FramingModel.from_pretrained(runtime="torch", precision="fp32")
    # a model without tagged labels (the shipped news model) has an empty tagger; its sentence head stands in as the
    # per-token classifier: the same encoder pass per sentence, one small linear layer, as with a real tag head
    tagger = model.network.tagger if model.network.tagger.out_features else model.network.sentence_head
    config = BertConfig.from_pretrained(base_model_dir(), num_labels=tagger.out_features)
    bert = BertForTokenClassification(config).eval()
    state = hf_state(model.network.encoder)
    state["classifier.weight"], state["classifier.bias"] = tagger.weight.detach(), tagger.bias.detach()
    missing, unexpected = bert.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if "position_ids" not in k]:
        raise RuntimeError(f"weights do not fit: missing {missing}, unexpected {unexpected}")
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir())
    return pipeline("token-classification", model=bert, tokenizer=tokenizer, device="cpu")


def side(kind: str, corpus: str, precision: str, threads: int = THREADS) -> dict:
    """Run one side in this process and return its time, sentence count and peak RSS."""
    import torch

    from framing.pipeline.segment import split_sentences

    torch.set_num_threads(threads)
    rows = [json.loads(line) for line in Path(corpus).read_text(encoding="utf-8").splitlines()]
    if kind == "naive":
        sentences = [r["text"][s:e] for r in rows for s, e in split_sentences(r["text"])]
        pipe = naive_pipeline()
        torch.set_num_threads(threads)
        pipe(sentences[0])  # first call pays for lazy set-up, as in any long-running script
        start = time.perf_counter()
        for sentence in sentences:
            pipe(sentence)
        seconds, n, mode = time.perf_counter() - start, len(sentences), "fp32"
    else:
        from framing.batch.score import score_corpus

        with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w") as quiet:
            start = time.perf_counter()
            state = score_corpus([corpus], Path(tmp) / "out", threads=THREADS, stream=quiet, precision=precision)
            seconds, n, mode = time.perf_counter() - start, state["sentences"], state["precision"]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "precision": mode, "runtime": "transformers" if kind == "naive" else state["runtime"],
            "seconds": seconds, "sentences": n, "rss_mb": rss_mb}


def run_side(kind: str, corpus: Path, precision: str, threads: int = THREADS) -> dict:
    out = subprocess.run([sys.executable, __file__, "--side", kind, "--corpus", str(corpus), "--precision", precision,
                          "--threads", str(threads)],
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{kind} side failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=200, help="AllSides articles to score (default 200)")
    ap.add_argument("--rounds", type=int, default=2, help="rounds of (a) and (b), alternating (default 2)")
    ap.add_argument("--naive-threads", type=int, default=THREADS,
                    help=f"torch threads of the naive pipeline (default {THREADS}, as every side; on a busy machine "
                         "2 threads per one-sentence call wait on each other: 1 is the fairer baseline there)")
    ap.add_argument("--threads", type=int, default=THREADS, help=argparse.SUPPRESS)
    ap.add_argument("--side", choices=["ours", "naive"], help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--precision", default="auto", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.side:
        print(json.dumps(side(args.side, args.corpus, args.precision, args.threads)))
        return
    import torch

    from framing.nn.precision import cpu_flags, resolve

    rows = articles(args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "allsides.jsonl"
        corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        flags = sorted(f for f in cpu_flags() if f.startswith(("avx512", "amx")) or f in ("avx2", "avx_vnni"))
        print(f"machine: {os.cpu_count()} cores, torch {torch.__version__}, {THREADS} threads; CPU flags: "
              f"{' '.join(flags)}; {len(rows)} AllSides articles; load average at the start "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        runs: dict[str, list[dict]] = {"auto": [], "fp32": [], "naive": []}
        for r in range(args.rounds):
            for mode in ("auto", "fp32", "naive") if r % 2 == 0 else ("naive", "fp32", "auto"):
                before = os.getloadavg()[0]
                result = (run_side("naive", corpus, "fp32", args.naive_threads) if mode == "naive"
                          else run_side("ours", corpus, mode))
                runs[mode].append(result)
                name = "naive pipeline" if mode == "naive" else f"framing score, {mode}"
                print(f"round {r + 1}: {name} ({result['runtime']}, {result['precision']}): {result['seconds']:.1f} s, "
                      f"{result['sentences'] / result['seconds']:.1f} sentences/s, peak RSS {result['rss_mb']:.0f} MB; "
                      f"load average {before:.1f} before, {os.getloadavg()[0]:.1f} after", flush=True)
    rate = {m: max(r["sentences"] / r["seconds"] for r in results) for m, results in runs.items()}
    words = sum(len(r["text"].split()) for r in rows)
    print(f"{runs['auto'][0]['sentences']:,} sentences ({words / runs['auto'][0]['sentences']:.1f} words each)")
    print(f"framing score, default precision ({resolve('auto')}): {rate['auto']:.1f} sentences/s (best round), "
          f"peak RSS {max(r['rss_mb'] for r in runs['auto']):.0f} MB")
    print(f"framing score, fp32: {rate['fp32']:.1f} sentences/s (best round), "
          f"peak RSS {max(r['rss_mb'] for r in runs['fp32']):.0f} MB")
    print(f"naive transformers pipeline, one sentence per call, {args.naive_threads} torch threads: "
          f"{rate['naive']:.1f} sentences/s (best round), "
          f"peak RSS {max(r['rss_mb'] for r in runs['naive']):.0f} MB")
    print(f"ratio default/naive: {rate['auto'] / rate['naive']:.2f}x (target 5x); "
          f"default/fp32: {rate['auto'] / rate['fp32']:.2f}x (target 2x); load average at the end "
          f"{os.getloadavg()[0]:.1f} (above {os.cpu_count()}: others shared the cores)")


if __name__ == "__main__":
    main()
