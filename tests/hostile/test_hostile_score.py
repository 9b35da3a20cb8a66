"""framing score: hostile corpora give one line naming the file and line, exit 2, and no final tables; a bad
document is an error row; an empty corpus gives empty tables; one run per --out folder at a time."""

import json
import socket
import subprocess
import sys

import pandas as pd
import pytest
from hostile_util import EMPTY, GOOD_TEXT, UNREADABLE, fails, plant, record, snapshot, untouched

from framing.batch.lock import LOCK_NAME, run_lock
from framing.batch.tables import empty_schema
from framing.cli.main import main
from framing.modeling import FramingModel


def test_deeply_nested_jsonl_line_names_the_line(tiny_model_dir, tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "One."}) + "\n"
                      + '{"id": "b", "text": "x", "meta": ' + "[" * 50_000 + "]" * 50_000 + "}\n", encoding="utf-8")
    before = plant(tmp_path / "mine")
    out = tmp_path / "out"
    fails(capsys, ["score", corpus, "--out", out, "--model", tiny_model_dir],
          f"{corpus}: not valid JSON Lines (line 2: nested more than 100 levels deep)")
    assert not any(out.glob("*.parquet"))
    assert snapshot(tmp_path / "mine") == before


def test_unterminated_string_message_reads_once(tiny_model_dir, tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "One.\n', encoding="utf-8")
    err = fails(capsys, ["score", corpus, "--out", tmp_path / "out", "--model", tiny_model_dir],
                "(line 1, column 21: Unterminated string starting at)")
    assert "at at" not in err


def test_duplicate_ids_become_error_rows(tiny_model_dir, tmp_path, capsys):
    import pandas as pd

    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": 1, "text": "One."}\n{"id": "1", "text": "Two."}\n{"id": 2, "text": "Three."}\n'
                      '{"id": 2, "text": "Three."}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["score", str(corpus), "--out", str(out), "--model", str(tiny_model_dir)]) == 0
    docs, errors = pd.read_parquet(out / "documents.parquet"), pd.read_parquet(out / "errors.parquet")
    assert sorted(docs.doc_id) == ["1", "2"]
    assert list(errors.error) == ["duplicate id '1' (also document 1 of the input; ids are compared as text)",
                                  "duplicate id '2' (also document 3 of the input; ids are compared as text)"]


def test_failed_first_input_leaves_no_run_and_the_rerun_works(tiny_model_dir, tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": \n', encoding="utf-8")
    out = tmp_path / "out"
    fails(capsys, ["score", corpus, "--out", out, "--model", tiny_model_dir], "not valid JSON Lines")
    assert not out.exists()
    corpus.write_text('{"id": "a", "text": "Fixed."}\n', encoding="utf-8")
    assert main(["score", str(corpus), "--out", str(out), "--model", str(tiny_model_dir)]) == 0


def test_html_reduction_is_linear_in_block_elements():
    import time

    from framing.data.corpus import html_to_text

    page = "<html><body>" + "".join(f"<p>Para <b>{i}</b>.<!-- c --></p>" for i in range(20_000)) + "</body></html>"
    started = time.monotonic()
    text = html_to_text(page)
    assert time.monotonic() - started < 5  # was 23 s
    assert text.splitlines()[:2] == ["Para 0.", "Para 1."] and len(text.splitlines()) == 20_000
    assert html_to_text("<div>a<div>b</div>c</div><ul><li>x</li><li>y <i>z</i></li></ul><script>s()</script>") \
        == "a\nb\nc\nx\ny z"


@pytest.mark.parametrize("name", UNREADABLE)
def test_catalogue_unreadable_corpus_file(tiny_model_dir, tmp_path, capsys, name):
    data, reason = UNREADABLE[name](record() + "\n")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(data)
    before = plant(tmp_path / "mine")
    out = tmp_path / "out"
    fails(capsys, ["score", corpus, "--out", out, "--model", tiny_model_dir],
          f"{corpus}: not valid JSON Lines (line 1: {reason})")
    untouched(tmp_path, before, out)


@pytest.mark.parametrize("name", UNREADABLE)
def test_catalogue_unreadable_document_is_an_error_row(tiny_model_dir, tmp_path, name):
    data, reason = UNREADABLE[name](GOOD_TEXT)
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(data)
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    before = plant(tmp_path / "mine")
    out = tmp_path / "out"
    assert main(["score", str(folder), "--out", str(out), "--model", str(tiny_model_dir)]) == 0
    assert pd.read_parquet(out / "errors.parquet").to_dict("records") == [{"doc_id": "bad.txt", "error": reason}]
    assert list(pd.read_parquet(out / "documents.parquet").doc_id) == ["good.txt"]
    assert (folder / "bad.txt").read_bytes() == data
    untouched(tmp_path, before)


def table_columns(out, fmt):
    if fmt == "parquet":
        return {name: list(pd.read_parquet(out / f"{name}.parquet").columns) for name in TABLES}
    if fmt == "csv":
        return {name: (out / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0].replace('"', "").split(",")
                for name in TABLES}
    return {name: (out / f"{name}.jsonl").read_text(encoding="utf-8") for name in TABLES}  # no header to hold them


TABLES = ("documents", "sentences", "spans", "errors")


@pytest.mark.parametrize("name", EMPTY)
def test_catalogue_empty_corpus_writes_every_table_and_report_says_why(tiny_model_dir, tmp_path, capsys, name):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(EMPTY[name])
    out = tmp_path / "out"
    assert main(["score", str(corpus), "--out", str(out), "--model", str(tiny_model_dir)]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == ("framing: warning: the input held no documents; the tables "
                                                        "have their columns and no rows")
    labels = FramingModel.from_pretrained(tiny_model_dir).config.labelset
    assert table_columns(out, "parquet") == {t: empty_schema(t, labels).names for t in TABLES}
    assert all(len(pd.read_parquet(out / f"{t}.parquet")) == 0 for t in TABLES)
    assert json.loads((out / "run.json").read_text())["complete"]
    fails(capsys, ["report", out, "--by", "source", "--out", tmp_path / "r.csv"],
          f"{out}: the run scored no documents (0 read, 0 not scored: see errors.parquet); there is nothing to report")
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "r.png").exists()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_empty_corpus_tables_in_every_format(tiny_model_dir, tmp_path, fmt):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(b"")
    out = tmp_path / "out"
    assert main(["score", str(corpus), "--out", str(out), "--model", str(tiny_model_dir), "--format", fmt]) == 0
    labels = FramingModel.from_pretrained(tiny_model_dir).config.labelset
    expected = {t: empty_schema(t, labels).names if fmt == "csv" else "" for t in TABLES}
    assert table_columns(out, fmt) == expected


def test_all_documents_failing_still_gives_full_tables(tiny_model_dir, tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(record("") + "\n" + record("  ", id="2") + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["score", str(corpus), "--out", str(out), "--model", str(tiny_model_dir)]) == 0
    labels = FramingModel.from_pretrained(tiny_model_dir).config.labelset
    assert list(pd.read_parquet(out / "documents.parquet").columns) == empty_schema("documents", labels).names
    assert list(pd.read_parquet(out / "errors.parquet").error) == ["empty (no text to score)"] * 2
    fails(capsys, ["report", out, "--by", "source", "--out", tmp_path / "r.csv"],
          f"{out}: the run scored no documents (2 read, 2 not scored: see errors.parquet)")


HOLD_THE_LOCK = """
import sys
from framing.batch.lock import run_lock
with run_lock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.read()  # until the test closes our standard input
"""


def test_second_run_on_one_out_is_refused_and_names_the_holder(tiny_model_dir, tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(record() + "\n", encoding="utf-8")
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        before = snapshot(out)
        err = fails(capsys, ["score", corpus, "--out", out, "--model", tiny_model_dir],
                    f"{out}: another framing score run is writing here (pid {holder.pid} on {socket.gethostname()}, "
                    "started 20", "); wait for it to finish, or choose another --out folder")
        assert snapshot(out) == before and sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # nothing written
        assert err.count("started ") == 1
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
    assert not out.exists()  # the holder created it, wrote nothing and left: gone with its lock
    assert main(["score", str(corpus), "--out", str(out), "--model", str(tiny_model_dir)]) == 0
    assert len(pd.read_parquet(out / "documents.parquet")) == 1 and not (out / LOCK_NAME).exists()


def test_start_up_clean_up_never_touches_a_live_runs_temporary_files(tiny_model_dir, tmp_path, capsys, monkeypatch):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(record(GOOD_TEXT, id=str(n)) + "\n" for n in range(3)), encoding="utf-8")
    out = tmp_path / "out"
    argv = ["score", str(corpus), "--out", str(out), "--model", str(tiny_model_dir), "--chunk-size", "1"]
    import framing.batch.score as score

    written = []

    def interrupted(folder, tables, info):  # the first chunk commits, then the run is stopped
        if written:
            raise KeyboardInterrupt
        written.append(folder)
        return real(folder, tables, info)

    real = score.write_chunk
    monkeypatch.setattr(score, "write_chunk", interrupted)
    assert main(argv) == 130
    monkeypatch.setattr(score, "write_chunk", real)
    half = out / "chunks" / ".chunk-000001.tmp"  # what a live run would be writing right now
    half.mkdir()
    (half / "documents.parquet").write_bytes(b"half-written")
    with run_lock(out):  # that live run holds the lock
        before = snapshot(out)
        fails(capsys, argv, f"{out}: another framing score run is writing here (pid ")
        assert snapshot(out) == before  # its temporary chunk is still there
    assert main(argv) == 0  # now the lock is free: the rerun clears the temporary chunk and finishes
    assert list(pd.read_parquet(out / "documents.parquet").doc_id) == ["0", "1", "2"]
    assert not (out / "chunks").exists() and not (out / LOCK_NAME).exists()


def test_a_huge_file_in_a_corpus_folder_costs_only_the_byte_cap(tiny_model_dir, tmp_path):
    import tracemalloc

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    with open(folder / "huge.txt", "wb") as f:
        f.truncate(2_000_000_000)  # 2 GB (sparse: costs no disk)
    out = tmp_path / "out"
    tracemalloc.start()  # Python's own allocations: the bytes read are one of them
    try:
        assert main(["score", str(folder), "--out", str(out), "--model", str(tiny_model_dir)]) == 0
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    assert pd.read_parquet(out / "errors.parquet").to_dict("records") == [
        {"doc_id": "huge.txt", "error": "too large (more than 20,000,000 bytes; the limit is 20,000,000)"}]
    assert peak_mb < 100, peak_mb  # the 20 MB cap and one byte, not the file (was 1.4 GB for a 1 GB file)
