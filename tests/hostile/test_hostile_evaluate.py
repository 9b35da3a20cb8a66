"""framing evaluate: --out never deletes what evaluate did not write; invalid gold data is refused."""

import json

import pytest
from hostile_util import EMPTY, UNREADABLE, fails, plant, record, snapshot, untouched, write_jsonl

from framing.cli.main import main
from tiny import LOADED, NEUTRAL


def gold_docs():
    return [{"id": "1", "text": LOADED, "spans": [{"start": 4, "end": 16, "label": "NAME_CALLING"}],
             "sentences": [{"start": 0, "end": len(LOADED), "labels": {"BIASED": 1}}]},
            {"id": "2", "text": NEUTRAL, "spans": [],
             "sentences": [{"start": 0, "end": len(NEUTRAL), "labels": {"BIASED": 0}}]}]


def test_evaluate_out_with_user_files_is_refused_and_kept(tiny_model_dir, tmp_path, capsys):
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_docs())
    out = tmp_path / "v"
    before = plant(out)
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", f"jsonl:{gold}", "--out", out],
          f"--out {out}: exists and is not a framing evaluate report", "'notes.txt'")
    assert snapshot(out) == before


def test_evaluate_out_dot_is_refused_and_working_directory_kept(tiny_model_dir, tmp_path, capsys, monkeypatch):
    write_jsonl(tmp_path / "gold.jsonl", gold_docs())
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", "jsonl:gold.jsonl", "--out", "."],
          "--out .: is the working directory")
    assert snapshot(tmp_path) == before


def test_evaluate_replaces_its_own_report_but_not_one_the_user_added_to(tiny_model_dir, tmp_path, capsys):
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_docs())
    out = tmp_path / "report"
    argv = ["evaluate", "--model", str(tiny_model_dir), "--data", f"jsonl:{gold}", "--out", str(out)]
    assert main(argv) == 0
    assert main(argv) == 0  # an earlier report of ours is replaced
    assert (out / "metrics.json").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # nothing left aside
    (out / "my-notes.md").write_text("mine", encoding="utf-8")
    before = snapshot(out)
    fails(capsys, argv, "'my-notes.md'")
    assert snapshot(out) == before


def test_evaluate_out_that_is_a_file_is_refused(tiny_model_dir, tmp_path, capsys):
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_docs())
    out = tmp_path / "report.txt"
    out.write_text("mine", encoding="utf-8")
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", f"jsonl:{gold}", "--out", out],
          "exists and is not a folder")
    assert out.read_text(encoding="utf-8") == "mine"


def test_evaluate_into_an_empty_folder(tiny_model_dir, tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_docs())
    out = tmp_path / "empty"
    out.mkdir()
    assert main(["evaluate", "--model", str(tiny_model_dir), "--data", f"jsonl:{gold}", "--out", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["framing_version"]


def sentence_doc(labels=None, start=0, end=None):
    return {"id": "s", "text": NEUTRAL,
            "sentences": [{"start": start, "end": len(NEUTRAL) if end is None else end,
                           "labels": {"BIASED": 1} if labels is None else labels}]}


@pytest.mark.parametrize("record, problem", [
    (sentence_doc(["BIASED"]), "sentences[0]: 'labels' must be an object of label: 0 or 1, such as "
                               '{"BIASED": 1}, got list'),
    (sentence_doc({"BIASED": 7}), "sentences[0]: label 'BIASED' must be 0 or 1, got 7"),
    (sentence_doc({"BIASED": True}), "sentences[0]: label 'BIASED' must be 0 or 1, got True"),
    (sentence_doc(start="14"), "sentences[0]: 'start' must be an integer offset, got str '14'"),
    (sentence_doc(end=21.9), "sentences[0]: 'end' must be an integer offset, got float 21.9"),
    ({"id": "t", "text": LOADED, "spans": [{"start": True, "end": 16, "label": "NAME_CALLING"}]},
     "spans[0]: 'start' must be an integer offset, got bool True"),
    ({"id": "t", "text": LOADED, "spans": 5}, "'spans' must be a list of objects"),
    ('{"id": "n", "text": "x", "spans": ' + "[" * 5000 + "]" * 5000 + "}", "nested more than 100 levels deep"),
    ({"id": "long", "text": "a" * 1_000_001, "spans": []}, "too long (1,000,001 characters; the limit is 1,000,000)"),
])
def test_evaluate_refuses_invalid_gold_data(tiny_model_dir, tmp_path, capsys, record, problem):
    gold = write_jsonl(tmp_path / "gold.jsonl", [gold_docs()[0], record])
    out = tmp_path / "report"
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", f"jsonl:{gold}", "--out", out],
          f"{gold}:2: {problem}")
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["gold.jsonl"]


@pytest.mark.parametrize("name", UNREADABLE)
def test_catalogue_unreadable_gold(tiny_model_dir, tmp_path, capsys, name):
    data, reason = UNREADABLE[name](record(spans=[]) + "\n")
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(data)
    before = plant(tmp_path / "mine")
    out = tmp_path / "report"
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", f"jsonl:{gold}", "--out", out], f"{gold}: {reason}")
    assert gold.read_bytes() == data
    untouched(tmp_path, before, out)


@pytest.mark.parametrize("name", EMPTY)
def test_catalogue_empty_gold(tiny_model_dir, tmp_path, capsys, name):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(EMPTY[name])
    before = plant(tmp_path / "mine")
    out = tmp_path / "report"
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", f"jsonl:{gold}", "--out", out],
          f"{gold}: empty (no annotations)")
    untouched(tmp_path, before, out)


# ---- the shared corpora's formats (BABE, MBIC, PTC) read through the same guards as our own ----

SENTENCE_CSV = {"babe": "text;label_bias\nPrices rose slightly in May.;Non-biased\n",
                "mbic": "text,label_bias\nPrices rose slightly in May.,Non-biased\n"}
PTC_LABELS = "1\tLoaded_Language\t0\t6\n"


def shared_format_spec(tmp_path, fmt: str, labels: bytes | None = None, article: bytes | None = None):
    """A data spec of ``fmt`` in ``tmp_path``; ``labels`` replaces the label (or CSV) file's bytes, ``article``
    the PTC article's. Returns the spec and the file a problem would be in."""
    if fmt == "ptc":
        articles = tmp_path / "articles"
        articles.mkdir()
        (articles / "article1.txt").write_bytes(article if article is not None else NEUTRAL.encode())
        path = tmp_path / "labels.tsv"
        path.write_bytes(labels if labels is not None else PTC_LABELS.encode())
        return f"ptc:{articles},{path}", (articles / "article1.txt") if article is not None else path
    path = tmp_path / "gold.csv"
    path.write_bytes(labels if labels is not None else SENTENCE_CSV[fmt].encode())
    return f"{fmt}:{path}", path


@pytest.mark.parametrize("fmt", ["babe", "mbic"])
@pytest.mark.parametrize("name", UNREADABLE)
def test_catalogue_unreadable_shared_formats(tiny_model_dir, tmp_path, capsys, fmt, name):
    data, reason = UNREADABLE[name](SENTENCE_CSV[fmt])
    spec, path = shared_format_spec(tmp_path, fmt, labels=data)
    out = tmp_path / "report"
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", spec, "--out", out], f"{path}: {reason}")
    assert not out.exists() and path.read_bytes() == data


def test_ptc_labels_that_are_not_utf8_are_named(tiny_model_dir, tmp_path, capsys):
    spec, path = shared_format_spec(tmp_path, "ptc", labels=PTC_LABELS.encode() + b"2\tDoubt\t0\t\xe9\n")
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", spec, "--out", tmp_path / "r"],
          f"{path}: not UTF-8 text (invalid byte 0xe9 at byte offset {len(PTC_LABELS) + 10})")


@pytest.mark.parametrize("name", UNREADABLE)
def test_catalogue_unreadable_ptc_article(tiny_model_dir, tmp_path, capsys, name):
    data, reason = UNREADABLE[name](NEUTRAL)
    spec, path = shared_format_spec(tmp_path, "ptc", article=data)
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", spec, "--out", tmp_path / "r"], f"{path}: {reason}")


def test_a_sentence_csv_is_read_within_the_byte_cap(tiny_model_dir, tmp_path, capsys, monkeypatch):
    import framing.guards

    monkeypatch.setattr(framing.guards, "MAX_TEXT_FILE_BYTES", 1000)
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", "babe:/dev/zero", "--out", tmp_path / "r"],
          "/dev/zero: too large (more than 1,000 bytes; the limit is 1,000)")
    spec, path = shared_format_spec(tmp_path, "mbic", labels=SENTENCE_CSV["mbic"].encode() * 40)
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", spec, "--out", tmp_path / "r"],
          f"{path}: too large (more than 1,000 bytes")


def test_a_csv_field_over_the_csv_limit_names_its_line(tiny_model_dir, tmp_path, capsys):
    huge = "text;label_bias\nPrices rose.;Non-biased\n\"" + "a" * 200_000 + "\";Biased\n"
    spec, path = shared_format_spec(tmp_path, "babe", labels=huge.encode())
    fails(capsys, ["evaluate", "--model", tiny_model_dir, "--data", spec, "--out", tmp_path / "r"],
          f"{path}:3: not readable as CSV (field larger than field limit (131072))")
