"""Sentences per second of `framing score` against a naive per-sentence `transformers` pipeline.

Runs, in one invocation, on the same AllSides articles (../shared/data):

(a) `framing score` end to end, in process (`framing.batch.score.score_corpus`: reading the JSON Lines
    corpus, segmentation, length-sorted batches across documents, the encoder and every head in one
    pass, decoding, and writing the Parquet tables), with the shipped default model;
(b) the naive baseline: a `transformers` token-classification pipeline called once per sentence, on the
    same weights (the default model's folded encoder and its tag head as a `BertForTokenClassification`;
    it has no casing embedding, sentence head or quote head, so it does less work than (a)).

    python bench/score_throughput.py [--articles 200]

It prints sentences/s for each, the ratio, and the peak RSS of (a). Both use 2 torch threads.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
    model = FramingModel.from_pretrained()
    tagger = model.network.tagger
    config = BertConfig.from_pretrained(base_model_dir(), num_labels=tagger.out_features)
    bert = BertForTokenClassification(config).eval()
    state = hf_state(model.network.encoder)
    state["classifier.weight"], state["classifier.bias"] = tagger.weight.detach(), tagger.bias.detach()
    missing, unexpected = bert.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if "position_ids" not in k]:
        raise RuntimeError(f"weights do not fit: missing {missing}, unexpected {unexpected}")
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir())
    return pipeline("token-classification", model=bert, tokenizer=tokenizer, device="cpu")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=200, help="AllSides articles to score (default 200)")
    args = ap.parse_args()
    import torch

    from framing.batch.score import score_corpus
    from framing.pipeline.segment import split_sentences

    torch.set_num_threads(THREADS)
    rows = articles(args.articles)
    sentences = [r["text"][s:e] for r in rows for s, e in split_sentences(r["text"])]
    with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w") as quiet:
        corpus = Path(tmp) / "allsides.jsonl"
        corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        start = time.perf_counter()
        state = score_corpus([str(corpus)], Path(tmp) / "out", threads=THREADS, stream=quiet)
        ours = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if state["sentences"] != len(sentences):
        raise RuntimeError(f"framing score wrote {state['sentences']} sentences, segmentation gives {len(sentences)}")
    words = sum(len(s.split()) for s in sentences) / len(sentences)
    print(f"machine: {os.cpu_count()} cores, torch {torch.__version__}, {THREADS} threads; "
          f"{len(rows)} AllSides articles, {len(sentences):,} sentences ({words:.1f} words each on average)")
    print(f"framing score (end to end, Parquet out): {ours:.1f} s, {len(sentences) / ours:.1f} sentences/s, "
          f"peak RSS {rss_mb:.0f} MB", flush=True)

    pipe = naive_pipeline()
    torch.set_num_threads(THREADS)
    pipe(sentences[0])  # first call pays for lazy set-up, as in any long-running script
    start = time.perf_counter()
    for sentence in sentences:
        pipe(sentence)
    naive = time.perf_counter() - start

    print(f"naive transformers pipeline, one sentence per call: {naive:.1f} s, "
          f"{len(sentences) / naive:.1f} sentences/s")
    print(f"ratio: {naive / ours:.2f}x (targets: 3x and 200 sentences/s); "
          f"load average at the end {os.getloadavg()[0]:.1f} (above {os.cpu_count()}: others shared the cores)")


if __name__ == "__main__":
    main()
