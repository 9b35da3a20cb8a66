import json
from collections import Counter
from pathlib import Path

import pytest

from framing.data.quote_corpus import QuoteCorpusError, load_documents, load_quote_corpus
from framing.data.shared_corpora import sha256_text
from framing.pipeline.quotes import DOUBLE, GUILLEMETS, SINGLE

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
CORPUS = ROOT / "data" / "quotes" / "quotes.jsonl"
QUOTE_PAIRS = DOUBLE | SINGLE | GUILLEMETS


def corpus_rows():
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def test_every_record_slices_its_quote_and_hash_matches(shared_data):
    rows = corpus_rows()
    docs = load_documents({r["corpus"] for r in rows})
    for r in rows:
        source, text = docs[(r["corpus"], r["doc_id"])]
        assert sha256_text(text) == r["sha256"], r["id"]
        opening, closing = text[r["start"]], text[r["end"] - 1]
        assert closing in QUOTE_PAIRS[opening], r["id"]  # the pairs the quote finder knows, e.g. Swedish ”…”
        assert text[r["inner_start"] : r["inner_end"]] == text[r["start"] + 1 : r["end"] - 1], r["id"]
    assert len(load_quote_corpus(CORPUS)) == len(rows)


def test_corpus_size_and_spread():
    rows = corpus_rows()
    labels = Counter(r["label"] for r in rows)
    assert len(rows) >= 1500 and labels["SCARE"] >= 250
    assert len({r["id"] for r in rows}) == len(rows)


def test_changed_document_is_caught(shared_data, tmp_path):
    row = corpus_rows()[0]
    row["sha256"] = "0" * 64
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(QuoteCorpusError, match=r"q\.jsonl:1: document .* differs from the annotated version"):
        load_quote_corpus(path)


def test_bad_label_names_file_and_line(tmp_path):
    row = corpus_rows()[0]
    row["label"] = "IRONY"
    path = tmp_path / "q.jsonl"
    path.write_text("\n" + json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(QuoteCorpusError, match=r"q\.jsonl:2: unknown label 'IRONY'"):
        load_quote_corpus(path)
