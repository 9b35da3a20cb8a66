import json
from collections import Counter
from pathlib import Path

import pytest

from framing.data.gold import load_gold
from framing.data.quote_corpus import QuoteCorpusError, load_documents, load_quote_corpus
from framing.data.shared_corpora import sha256_text
from framing.labels import DEFAULT_LABELSET
from framing.pipeline.quotes import DOUBLE, GUILLEMETS, SINGLE, find_quotes

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
CORPUS = ROOT / "data" / "quotes" / "quotes.jsonl"
EXTENSION = ROOT / "data" / "quotes" / "dev_extension.jsonl"  # every quotation of whole news articles
QUOTE_PAIRS = DOUBLE | SINGLE | GUILLEMETS


def corpus_rows(path: Path = CORPUS):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("path", [CORPUS, EXTENSION], ids=["corpus", "dev_extension"])
def test_every_record_slices_its_quote_and_hash_matches(shared_data, path):
    rows = corpus_rows(path)
    docs = load_documents({r["corpus"] for r in rows})
    for r in rows:
        source, text = docs[(r["corpus"], r["doc_id"])]
        assert sha256_text(text) == r["sha256"], r["id"]
        opening, closing = text[r["start"]], text[r["end"] - 1]
        assert closing in QUOTE_PAIRS[opening], r["id"]  # the pairs the quote finder knows, e.g. Swedish ”…”
        assert text[r["inner_start"] : r["inner_end"]] == text[r["start"] + 1 : r["end"] - 1], r["id"]
    assert len(load_quote_corpus(path)) == len(rows)


def test_the_dev_extension_labels_every_quotation_of_its_articles_and_none_of_the_corpus(shared_data):
    rows = corpus_rows(EXTENSION)
    assert {r["scope"] for r in rows} == {"article"}
    docs = load_documents({"allsides"})
    by_doc: dict[str, set[int]] = {}
    for r in rows:
        by_doc.setdefault(r["doc_id"], set()).add(r["start"])
    assert len(by_doc) >= 180
    for doc_id, starts in by_doc.items():
        assert starts == {q.start for q in find_quotes(docs[("allsides", doc_id)][1])}, doc_id
    assert not set(by_doc) & {r["doc_id"] for r in corpus_rows()}


def test_whole_articles_give_scare_quotes_as_gold_phrases_with_their_voice(shared_data):
    gold = load_gold(f"quotes:{EXTENSION}", DEFAULT_LABELSET)
    spans = [(d, s) for d in gold.documents for s in d.spans]
    assert len(spans) == sum(r["label"] == "SCARE" for r in corpus_rows(EXTENSION)) > 0
    assert all(d.has_spans and d.span_labels == ("SCARE_QUOTE",) for d in gold.documents)
    for d, s in spans:
        assert d.text[s.start - 1] + d.text[s.end] in {'""', "\u201c\u201d", "''", "\u2018\u2019"}
    # Laura Ingraham's 'fake news', inside her own quotation, is her scare quote, not the writer's
    voices = {d.text[s.start:s.end]: s.voice for d, s in spans if d.doc_id == "allsides:rmdqV84MhpUptrlw"}
    assert voices == {"fake news": "quoted", "Fake news": "quoted"}
    assert sum(s.voice == "writer" for _, s in spans) >= 10


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


def test_bad_scope_names_file_and_line(tmp_path):
    row = {**corpus_rows()[0], "scope": "document"}
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(QuoteCorpusError, match=r"^.*q\.jsonl:1: scope must be 'quote' or 'article', not 'document'$"):
        load_quote_corpus(path)
