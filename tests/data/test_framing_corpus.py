"""The news framing corpus in data/framing: records against ../shared/data, composition, and errors."""

import collections
import json
from pathlib import Path

import pytest

from framing.cli.main import main
from framing.data.framing_corpus import FramingCorpusError, load_framing_corpus

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
FOLDER = ROOT / "data" / "framing"


@pytest.fixture(scope="module")
def corpus():
    from framing.data.shared_corpora import data_root

    if not data_root().is_dir():
        pytest.skip(f"{data_root()}: the shared corpora are not on this machine")
    return load_framing_corpus(FOLDER / "train.jsonl", FOLDER / "dev.jsonl")


def test_every_record_fits_its_document(corpus):
    """Loading checks each sha256 and offset; here every span also slices to whole words of its text."""
    spans = [(d, s) for d in corpus for s in d.spans]
    assert len(spans) > 1000
    for d, s in spans:
        piece = d.text[s.start:s.end]
        assert piece.strip() == piece and piece
        assert not (s.start > 0 and d.text[s.start - 1].isalnum() and piece[0].isalnum())
        assert not (s.end < len(d.text) and d.text[s.end].isalnum() and piece[-1].isalnum())
    for d in corpus:
        for a, b in d.furniture:
            assert 0 <= a < b <= len(d.text)


def test_composition(corpus):
    by_source = collections.Counter(d.source for d in corpus)
    assert len(corpus) >= 400 and len(by_source) >= 30
    assert max(by_source.values()) <= len(corpus) / 4
    assert sum(d.genre == "opinion" for d in corpus) >= len(corpus) / 4
    dev = [d for d in corpus if d.split == "dev"]
    assert len(dev) >= 80 and not any(d.corpus == "ptc_train" for d in dev)
    assert len({d.id for d in corpus}) == len(corpus)
    assert {s.voice for d in corpus for s in d.spans} == {"writer", "quoted"}
    lines = (FOLDER / "double_annotation.jsonl").read_text(encoding="utf-8").splitlines()
    double = [json.loads(line) for line in lines]
    assert len(double) >= 60 and all(r["first"]["annotator"] != r["second"]["annotator"] for r in double)


def test_a_changed_document_or_bad_record_fails_with_file_and_line(corpus, tmp_path):
    rec = json.loads((FOLDER / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec | {"sha256": "0" * 64}) + "\n", encoding="utf-8")
    with pytest.raises(FramingCorpusError, match=rf"^{bad}:1: document {rec['id']} differs from the annotated "
                                                 r"version \(sha256 mismatch\)$"):
        load_framing_corpus(bad)
    bad.write_text("\n" + json.dumps(rec | {"spans": [{"start": 0, "end": 5, "label": "SPIN", "voice": "writer"}]}),
                   encoding="utf-8")
    with pytest.raises(FramingCorpusError, match=rf"^{bad}:2: span 0: unknown label 'SPIN', expected one of "):
        load_framing_corpus(bad)
    bad.write_text(json.dumps({k: v for k, v in rec.items() if k != "genre"}) + "\n", encoding="utf-8")
    with pytest.raises(FramingCorpusError, match=rf"^{bad}:1: missing field\(s\) genre$"):
        load_framing_corpus(bad)


@pytest.mark.slow
def test_evaluate_the_default_model_on_the_news_dev_split(corpus, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["evaluate", "--data", f"framing:{FOLDER / 'dev.jsonl'}", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    metrics = json.loads((out / "metrics.json").read_text())
    ph = metrics["datasets"][f"framing:{FOLDER / 'dev.jsonl'}"]["phrases"]
    assert ph["documents"] == sum(d.split == "dev" for d in corpus)  # no dev document was seen in training
    shipped = metrics["model"]["labels"]["span_labels"]
    # the default model ships no span label: the section still has its flags per 1,000 words and the baseline
    assert set(ph["labels"]) == {label["name"] for label in shipped}
    assert ph["density"]["writer"]["predicted_per_1k"]["value"] == 0.0 or shipped
    for label in ph["labels"]:
        assert f"| {label} | writer |" in printed and f"| {label} | quoted |" in printed
    assert "| writer voice, news |" in printed and "| lexicon baseline: LOADED_LANGUAGE | writer |" in printed
    # the lexicon baseline is scored against the corpus's LOADED_LANGUAGE gold whatever labels the model has
    assert ph["baseline"]["LOADED_LANGUAGE"]["writer"]["gold"] > 100
