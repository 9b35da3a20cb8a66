"""framing score: hostile corpora give one line naming the file and line, exit 2, and no final tables."""

import json

from hostile_util import fails, plant, snapshot

from framing.cli.main import main


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
