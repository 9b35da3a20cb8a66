"""The news framing corpus grows by rounds of single-annotated train articles (`framing_corpus.py extend`):
a new article lands in train with offsets that slice back to its marks, and an article of a dev split is
refused with nothing written."""

import json
import shutil
from pathlib import Path

import pytest
from script_module import load_script

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
FOLDER = ROOT / "data" / "framing"
EXTENSION = ROOT / "data" / "quotes" / "dev_extension.jsonl"


@pytest.fixture
def copy(tmp_path):
    from framing.data.shared_corpora import data_root

    if not data_root().is_dir():
        pytest.skip(f"{data_root()}: the shared corpora are not on this machine")
    for name in ("train.jsonl", "plan.json"):
        shutil.copy(FOLDER / name, tmp_path / name)
    (tmp_path / "raw").mkdir()
    return tmp_path


def unused_article(fc) -> tuple[str, str]:
    """An AllSides article in no annotation file and no dev split, with a sentence to mark."""
    plan = json.loads((FOLDER / "plan.json").read_text(encoding="utf-8"))
    taken = {a["doc"] for a in plan["articles"]}
    taken |= {f"{q['corpus']}:{q['doc_id']}" for q in fc.read_records(EXTENSION)}
    texts = fc.texts_for([f"allsides:{i}" for i in ("aJjbF0whfuZAsJ8Y", "G53WCkNgi3bKtvAe", "QeKulnDZ1g8QBWS2")])
    doc = next(d for d in texts if d not in taken)
    return doc, texts[doc][1]


def test_a_new_article_joins_train_with_offsets_that_slice_to_its_marks(copy, capsys):
    fc = load_script("framing_corpus")
    doc, text = unused_article(fc)
    sentences = fc.split_sentences(text)
    a, b = sentences[1]
    phrase = text[a:b].split()[1].strip(".,;:!?\"'()“”’")
    mark = {"s": 1, "text": phrase, "label": "LOADED_LANGUAGE", "voice": "writer", "confidence": "low"}
    (copy / "raw" / "B1.jsonl").write_text(json.dumps({"doc": doc, "genre": "news", "furniture": [0],
                                                       "marks": [mark]}) + "\n", encoding="utf-8")
    before = (copy / "train.jsonl").read_text(encoding="utf-8").splitlines()
    fc.extend(copy / "plan.json", copy / "raw", "2", folder=copy, extension=EXTENSION)
    assert capsys.readouterr().out.strip() == "1 articles, 1 marks added to train (round 2)"
    rows = [json.loads(line) for line in (copy / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(before) + 1 and [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    new = next(r for r in rows if r["id"] == doc)
    assert new["split"] == "train" and new["annotators"] == ["B1"] and new["furniture"] == [list(sentences[0])]
    (span,) = new["spans"]
    assert text[span["start"]:span["end"]] == phrase and a <= span["start"] < span["end"] <= b
    plan = json.loads((copy / "plan.json").read_text(encoding="utf-8"))
    assert plan["first"][doc] == "B1" and plan["articles"][-1]["doc"] == doc and plan["articles"][-1]["round"] == "2"


def test_an_article_of_a_dev_split_is_refused_and_nothing_is_written(copy, capsys):
    fc = load_script("framing_corpus")
    dev_doc = json.loads(EXTENSION.read_text("utf-8").splitlines()[0])
    doc = f"{dev_doc['corpus']}:{dev_doc['doc_id']}"
    raw = copy / "raw" / "B2.jsonl"
    raw.write_text(json.dumps({"doc": doc, "genre": "news", "furniture": [], "marks": []}) + "\n", encoding="utf-8")
    before = {n: (copy / n).read_bytes() for n in ("train.jsonl", "plan.json")}
    with pytest.raises(SystemExit) as stop:
        fc.extend(copy / "plan.json", copy / "raw", "2", folder=copy, extension=EXTENSION)
    assert stop.value.code == 2
    assert capsys.readouterr().err == f"{raw}:1: {doc} is already in the corpus or a dev split\n"
    assert {n: (copy / n).read_bytes() for n in before} == before
