"""framing score: hostile corpora give one line naming the file and line, exit 2, and no final tables."""

import json

from hostile_util import fails, plant, snapshot


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
