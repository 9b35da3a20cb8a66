import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from framing.batch.score import score_corpus
from framing.batch.tables import read_table
from framing.cli.main import main
from framing.data.corpus import MAX_CHARS, iter_documents
from tiny import DIRECT_TEXT, LOADED, NEUTRAL, SCARE_TEXT

TEXTS = [LOADED + " " + NEUTRAL, SCARE_TEXT, DIRECT_TEXT + "\n\n" + LOADED, NEUTRAL]
ROWS = [{"id": f"doc{i}", "text": t, "source": "Left Daily" if i % 2 else "Right Herald", "date": f"2020-0{i + 1}-03"}
        for i, t in enumerate(TEXTS)]


def score(inputs, out, model, **options):
    return score_corpus([str(p) for p in inputs], out, str(model), stream=io.StringIO(), **options)


def tables(out):
    return {name: read_table(out, name).to_pandas() for name in ("documents", "sentences", "spans", "errors")}


def check_offsets(out, texts: dict[str, str]):
    t = tables(out)
    assert len(t["sentences"]) > 0 and len(t["spans"]) > 0
    for table in ("sentences", "spans"):
        for row in t[table].itertuples():
            assert texts[row.doc_id][row.start : row.end] == row.text
    return t


def write_tabular(folder: Path) -> dict[str, Path]:
    """The same four documents as JSON Lines, CSV, Parquet and a datasets save_to_disk folder."""
    from datasets import Dataset

    table = pa.Table.from_pylist(ROWS)
    paths = {"jsonl": folder / "c.jsonl", "csv": folder / "c.csv", "parquet": folder / "c.parquet",
             "dataset": folder / "saved"}
    paths["jsonl"].write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    pd.DataFrame(ROWS).to_csv(paths["csv"], index=False)
    pq.write_table(table, paths["parquet"])
    Dataset.from_list(ROWS).save_to_disk(str(paths["dataset"]))
    return paths


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet", "dataset"])
def test_tabular_inputs_carry_metadata_and_offsets(tiny_model_dir, tmp_path, kind):
    path = write_tabular(tmp_path)[kind]
    state = score([path], tmp_path / "out", tiny_model_dir)
    assert (state["documents"], state["errors"], state["input_documents"]) == (4, 0, 4)
    t = check_offsets(tmp_path / "out", {r["id"]: r["text"] for r in ROWS})
    docs = t["documents"]
    assert docs["doc_id"].tolist() == ["doc0", "doc1", "doc2", "doc3"]
    assert docs["source"].tolist() == [r["source"] for r in ROWS]
    assert docs["date"].astype(str).tolist() == [r["date"] for r in ROWS]
    assert "text" not in docs.columns and "id" not in docs.columns
    sentences = t["sentences"]
    assert docs["n_sentences"].tolist() == sentences.groupby("doc_id").size().loc[docs["doc_id"]].tolist()
    # the tiny model knows these examples: LOADED's "regime thugs" is name calling, SCARE_TEXT a scare quote
    spans = t["spans"]
    assert {"regime thugs"} <= set(spans[spans["label"] == "NAME_CALLING"]["text"])
    assert set(spans[spans["label"] == "SCARE_QUOTE"]["doc_id"]) == {"doc1"}
    counts = spans.groupby(["doc_id", "label"]).size()
    for row in docs.itertuples():
        assert row.NAME_CALLING_count == counts.get((row.doc_id, "NAME_CALLING"), 0)
        assert row.NAME_CALLING_per_1k == pytest.approx(1000 * row.NAME_CALLING_count / row.n_sentences)
        biased = sentences[(sentences["doc_id"] == row.doc_id) & sentences["biased"]]
        assert row.BIASED_count == len(biased)


def test_all_tabular_inputs_give_the_same_tables(tiny_model_dir, tmp_path):
    paths = write_tabular(tmp_path)
    results = {}
    for kind, path in paths.items():
        score([path], tmp_path / kind, tiny_model_dir)
        t = tables(tmp_path / kind)
        results[kind] = (t["documents"].drop(columns=["date"]), t["sentences"], t["spans"])
    for kind in ("csv", "parquet", "dataset"):
        for got, want in zip(results[kind], results["jsonl"]):
            pd.testing.assert_frame_equal(got, want)


def test_text_folder_with_html_and_bad_documents(tiny_model_dir, tmp_path):
    src = tmp_path / "corpus"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(LOADED, encoding="utf-8")
    (src / "sub" / "b.md").write_text("# Title\n\n" + SCARE_TEXT, encoding="utf-8")
    (src / "c.html").write_text(f"<html><head><title>Page</title><style>p {{}}</style></head>"
                                f"<body><p>{NEUTRAL}</p><div>{LOADED.replace('thugs', '<b>thugs</b>')}</div>"
                                f"<script>var x = 1;</script></body></html>", encoding="utf-8")
    (src / "d.txt").write_bytes(b"caf\xe9 au lait")
    (src / "e.txt").write_bytes(b"  \n ")
    (src / "f.txt").write_text("a" * (MAX_CHARS + 1), encoding="utf-8")
    (src / "ignored.pdf").write_bytes(b"%PDF")
    state = score([src], tmp_path / "out", tiny_model_dir)
    assert (state["documents"], state["errors"]) == (3, 3)
    texts = {d.doc_id: d.text for d in iter_documents([str(src)]) if d.text}
    assert texts["c.html"] == f"Page\n{NEUTRAL}\n{LOADED}"
    t = check_offsets(tmp_path / "out", texts)
    assert t["documents"]["doc_id"].tolist() == ["a.txt", "c.html", "sub/b.md"]
    assert t["errors"].to_dict("records") == [
        {"doc_id": "d.txt", "error": "not UTF-8 text (invalid byte 0xe9 at byte offset 3)"},
        {"doc_id": "e.txt", "error": "empty (no text to score)"},
        {"doc_id": "f.txt", "error": f"too long ({MAX_CHARS + 1:,} characters; the limit is {MAX_CHARS:,})"},
    ]


def test_bad_rows_go_to_the_errors_table_with_their_metadata(tiny_model_dir, tmp_path):
    path = tmp_path / "c.jsonl"
    rows = [{"id": "ok", "text": LOADED, "source": "A"}, {"id": "blank", "text": "", "source": "B"},
            {"id": None, "text": NEUTRAL, "source": "C"}, {"id": "n7", "text": None, "source": "D"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    state = score([path], tmp_path / "out", tiny_model_dir)
    assert (state["documents"], state["errors"]) == (1, 3)
    assert tables(tmp_path / "out")["errors"].to_dict("records") == [
        {"doc_id": "blank", "error": "empty (no text to score)", "source": "B"},
        {"doc_id": "c.jsonl:3", "error": "no id (the 'id' field is missing or null in row 3)", "source": "C"},
        {"doc_id": "n7", "error": "no text (the text field is missing or null)", "source": "D"},
    ]


def test_csv_text_that_is_not_utf8_is_one_error_row(tiny_model_dir, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"id,text\na," + LOADED.encode() + b"\nb,caf\xe9\n")
    score([path], tmp_path / "out", tiny_model_dir)
    assert tables(tmp_path / "out")["errors"].to_dict("records") == [
        {"doc_id": "b", "error": "not UTF-8 text (invalid byte 0xe9 at byte offset 3)"}]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_other_formats_hold_the_same_rows(tiny_model_dir, tmp_path, fmt):
    path = write_tabular(tmp_path)["jsonl"]
    score([path], tmp_path / "parquet", tiny_model_dir)
    score([path], tmp_path / fmt, tiny_model_dir, fmt=fmt)
    assert sorted(p.name for p in (tmp_path / fmt).iterdir()) == sorted(
        [f"{n}.{fmt}" for n in ("documents", "sentences", "spans", "errors")] + ["run.json"])
    want, got = tables(tmp_path / "parquet"), tables(tmp_path / fmt)
    pd.testing.assert_frame_equal(got["spans"], want["spans"], check_dtype=False)
    labels = [json.loads(x) if fmt == "csv" else list(x) for x in got["sentences"]["labels"]]
    assert labels == [list(x) for x in want["sentences"]["labels"]]


@pytest.mark.parametrize("content, message", [
    ('{"id": "a", "body": "x"}\n', "no text column 'text' (columns: id, body); name the right one with --text-field"),
    ('{"key": "a", "text": "x"}\n', "no id column 'id' (columns: key, text); name the right one with --id-field"),
    ('{"id": "a", "text": "x"}\n{"id": "b", "text": \n', "not valid JSON Lines (line 2, column 21: Expecting value)"),
    ('{"id": "a", "text": "x"}\n\n\n{"id": "b", "text": "y",}\n',
     "not valid JSON Lines (line 4, column 25: Expecting property name enclosed in double quotes)"),
    ('{"id": "a", "text": "x"}\n["b", "y"]\n',
     "not valid JSON Lines (line 2: a JSON object per line expected, got list)"),
])
def test_malformed_input_file_is_a_one_line_error(tiny_model_dir, tmp_path, capsys, content, message):
    path = tmp_path / "c.jsonl"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["score", str(path), "--out", str(out), "--model", str(tiny_model_dir)]) == 2
    assert capsys.readouterr().err == f"framing: error: {path}: {message}\n"
    assert not any(out.glob("*.parquet"))


def test_unknown_input_kind_and_missing_file(tmp_path):
    (tmp_path / "a.docx").write_bytes(b"x")
    with pytest.raises(ValueError, match=r"a\.docx: not a corpus input \(expected a folder of \.txt/\.md/\.html"):
        list(iter_documents([str(tmp_path / "a.docx")]))
    with pytest.raises(ValueError, match=r"nope\.jsonl: no such file or folder$"):
        list(iter_documents([str(tmp_path / "nope.jsonl")]))


def test_out_folder_of_other_inputs_is_refused(tiny_model_dir, tmp_path, capsys):
    paths = write_tabular(tmp_path)
    out = tmp_path / "out"
    score([paths["jsonl"]], out, tiny_model_dir)
    capsys.readouterr()  # datasets' save_to_disk progress bar
    assert main(["score", str(paths["csv"]), "--out", str(out), "--model", str(tiny_model_dir)]) == 2
    assert capsys.readouterr().err == (f"framing: error: {out}: holds a framing score run of other inputs; rerun with "
                                       f"the same inputs and options to continue it, or choose a new --out folder\n")
    assert main(["score", str(paths["jsonl"]), "--out", str(out), "--model", str(tiny_model_dir),
                 "--text-field", "source"]) == 2
    assert "holds a framing score run of other text_field;" in capsys.readouterr().err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    assert main(["score", str(paths["jsonl"]), "--out", str(tmp_path / "full")]) == 2
    assert capsys.readouterr().err == (f"framing: error: {tmp_path / 'full'}: exists and is not a framing score "
                                       f"output folder; choose a new --out folder\n")


def test_plain_progress_lines_off_a_terminal(tiny_model_dir, tmp_path):
    path = write_tabular(tmp_path)["jsonl"]
    stream = io.StringIO()
    score_corpus([str(path)], tmp_path / "out", str(tiny_model_dir), chunk_size=1, stream=stream, interval=0)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "framing: scoring 4 documents"
    assert len(lines) == 6  # the first line, one per chunk (interval 0) and the closing line
    assert lines[-1].startswith("framing: 4/4 documents, ") and " docs/s, ETA 0:00:00, 0 errors, " in lines[-1]


def test_rerun_of_a_finished_run_changes_nothing(tiny_model_dir, tmp_path):
    path = write_tabular(tmp_path)["jsonl"]
    first = score([path], tmp_path / "out", tiny_model_dir, chunk_size=3)
    before = (tmp_path / "out" / "spans.parquet").stat().st_mtime_ns
    assert score([path], tmp_path / "out", tiny_model_dir, chunk_size=3) == first
    assert (tmp_path / "out" / "spans.parquet").stat().st_mtime_ns == before
    assert not (tmp_path / "out" / "chunks").exists()


def _big_corpus(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            text = " ".join(TEXTS[(i + k) % len(TEXTS)] for k in range(1 + i % 7))
            f.write(json.dumps({"id": f"d{i:05d}", "text": text, "source": f"s{i % 5}"}) + "\n")


def _run_until(cmd: list[str], out: Path, min_chunks: int) -> int:
    """Start ``framing score``, SIGKILL it once ``out/chunks`` holds ``min_chunks`` committed chunks."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        chunks = list((out / "chunks").glob("chunk-??????")) if (out / "chunks").is_dir() else []
        if len(chunks) >= min_chunks:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return len(list((out / "chunks").glob("chunk-??????")))


@pytest.mark.slow
def test_kill_9_and_rerun_scores_each_document_exactly_once(tiny_model_dir, tmp_path):
    n, size = 800, 8  # 100 chunks: the kills land mid-run
    corpus = tmp_path / "corpus.jsonl"
    _big_corpus(corpus, n)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "framing.cli.main", "score", str(corpus), "--out", str(out),
           "--model", str(tiny_model_dir), "--chunk-size", str(size), "--format", "parquet"]
    first = _run_until(cmd, out, 1)
    assert 1 <= first < n // size, "the run must be killed mid-way, after a chunk was committed"
    second = _run_until(cmd, out, first + 3)  # continues; killed again mid-way
    assert first < second < n // size
    assert not json.loads((out / "run.json").read_text())["complete"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"resuming {out}: {second * size:,} documents already committed in {second} chunks" in done.stderr
    state = json.loads((out / "run.json").read_text())
    assert (state["complete"], state["input_documents"], state["documents"]) == (True, n, n)
    resumed = tables(out)
    assert resumed["documents"]["doc_id"].tolist() == [f"d{i:05d}" for i in range(n)]  # none lost, none twice
    score([corpus], tmp_path / "straight", tiny_model_dir, chunk_size=size)
    straight = tables(tmp_path / "straight")
    for name in ("documents", "sentences", "spans", "errors"):
        pd.testing.assert_frame_equal(resumed[name], straight[name])


def test_out_folder_inside_the_corpus_folder_does_not_change_the_run(tiny_model_dir, tmp_path):
    (tmp_path / "a.txt").write_text(LOADED, encoding="utf-8")
    first = score([tmp_path], tmp_path / "scores", tiny_model_dir, fmt="csv")
    assert score([tmp_path], tmp_path / "scores", tiny_model_dir, fmt="csv") == first
    assert first["documents"] == 1


def test_metadata_is_text_whatever_the_input_guesses(tiny_model_dir, tmp_path, monkeypatch):
    """Blocks of 2 rows / 64 bytes: a year that turns into text, a zip code with leading zeros, an ISO date,
    a text with paragraph breaks inside CSV quotes; all kept as written, and the run finishes."""
    import csv

    import framing.data.corpus as corpus

    monkeypatch.setattr(corpus, "_ROWS", 2)
    monkeypatch.setattr(corpus, "_BLOCK_BYTES", 64)
    rows = [{"id": 1, "text": "Para one.\n\nPara two.", "year": 2016, "zip": "00123", "date": "2020-01-05"},
            {"id": 2, "text": LOADED, "year": 2017, "zip": "00124", "date": "2020-01-06"},
            {"id": 3, "text": NEUTRAL, "year": "unknown", "zip": "x", "date": "Jan 5"}]
    want = [{"year": "2016", "zip": "00123", "date": "2020-01-05"},
            {"year": "2017", "zip": "00124", "date": "2020-01-06"},
            {"year": "unknown", "zip": "x", "date": "Jan 5"}]
    jsonl, table = tmp_path / "c.jsonl", tmp_path / "c.csv"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows + [{"id": 4, "text": 5, "year": None}]))
    with open(table, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["id", "text", "year", "zip", "date"])
        writer.writeheader()
        writer.writerows(rows)
    from_csv = list(iter_documents([str(table)]))
    assert [(d.doc_id, d.text, d.meta) for d in from_csv] == [(str(r["id"]), r["text"], m) for r, m in zip(rows, want)]
    from_jsonl = list(iter_documents([str(jsonl)]))
    assert [d.meta for d in from_jsonl[:3]] == want
    assert (from_jsonl[3].text, from_jsonl[3].error) == (None, "the text field holds int '5', not text")

    state = score([jsonl], tmp_path / "out", tiny_model_dir, chunk_size=2)
    assert (state["documents"], state["errors"]) == (3, 1)
    docs = tables(tmp_path / "out")["documents"]
    assert docs[["year", "zip", "date"]].to_dict("records") == want


def test_a_run_stopped_in_the_middle_of_a_chunk_write_leaves_no_part_of_that_chunk(tiny_model_dir, tmp_path,
                                                                                     monkeypatch):
    import framing.batch.tables as tables_module
    from framing.batch.tables import chunk_info, committed_chunks

    path = write_tabular(tmp_path)["jsonl"]
    real_write_table, files = tables_module.pq.write_table, []

    def stop_in_the_second_chunk(table, where, *args, **kwargs):
        files.append(Path(where))
        if len(files) == 6:  # the second chunk's second table: its first file is already on disk
            raise KeyboardInterrupt
        return real_write_table(table, where, *args, **kwargs)

    monkeypatch.setattr(tables_module.pq, "write_table", stop_in_the_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        score([path], tmp_path / "out", tiny_model_dir, chunk_size=2)
    assert files[4].parent.name.endswith(".tmp") and not files[4].parent.exists()  # written, then cleared
    chunks = committed_chunks(tmp_path / "out" / "chunks")
    assert [(chunk_info(c)["start"], chunk_info(c)["end"]) for c in chunks] == [(0, 2)]
    assert not list((tmp_path / "out" / "chunks").glob(".*tmp"))
    monkeypatch.setattr(tables_module.pq, "write_table", real_write_table)
    state = score([path], tmp_path / "out", tiny_model_dir, chunk_size=2)
    assert (state["complete"], state["documents"]) == (True, 4)
    assert tables(tmp_path / "out")["documents"]["doc_id"].tolist() == ["doc0", "doc1", "doc2", "doc3"]


def test_a_failed_chunk_write_fails_the_run_and_commits_nothing_after_it(tiny_model_dir, tmp_path, monkeypatch):
    import framing.batch.score as scoring
    from framing.batch.tables import committed_chunks

    path = write_tabular(tmp_path)["jsonl"]
    real_write, written = scoring.write_chunk, []

    def full_disk(name, tables, info):
        if info["start"] == 2:
            raise OSError(28, "No space left on device")
        written.append(info["start"])
        return real_write(name, tables, info)

    monkeypatch.setattr(scoring, "write_chunk", full_disk)
    with pytest.raises(OSError, match="No space left on device"):
        score([path], tmp_path / "out", tiny_model_dir, chunk_size=1)
    assert written == [0, 1]
    assert len(committed_chunks(tmp_path / "out" / "chunks")) == 2
