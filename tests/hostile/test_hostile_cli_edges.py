"""CLI edge cases: report/suggest --out a folder, report --resamples 0, serve's port and limits, CSV formulas."""

import socket

import pandas as pd
import pytest
from hostile_util import fails, plant, snapshot, write_jsonl

from framing.cli.main import main
from tiny import LOADED, NEUTRAL

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def scored(tiny_model_dir, tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", [{"id": "1", "text": LOADED, "source": FORMULA},
                                                {"id": "2", "text": NEUTRAL, "source": "+SUM(A1)"}])
    out = tmp_path / "scores"
    assert main(["score", str(corpus), "--out", str(out), "--model", str(tiny_model_dir), "--format", "csv"]) == 0
    return out


def test_csv_tables_and_report_neutralise_formulas(scored, tmp_path):
    docs = pd.read_csv(scored / "documents.csv")
    assert sorted(docs.source) == ["'+SUM(A1)", "'" + FORMULA]
    assert main(["report", str(scored), "--by", "source", "--out", str(tmp_path / "r.csv"), "--resamples", "10"]) == 0
    assert set(pd.read_csv(tmp_path / "r.csv").source) == {"'+SUM(A1)", "'" + FORMULA}


def test_report_resamples_zero(scored, tmp_path, capsys):
    fails(capsys, ["report", scored, "--by", "source", "--out", tmp_path / "r.csv", "--resamples", "0"],
          "--resamples and --min-docs must be at least 1, got 0 and 1")
    assert not (tmp_path / "r.csv").exists()


def test_report_out_a_folder(scored, tmp_path, capsys):
    folder = tmp_path / "dir"
    before = plant(folder)
    fails(capsys, ["report", scored, "--by", "source", "--out", folder], f"--out {folder}: is a folder")
    assert snapshot(folder) == before and not list(tmp_path.glob("*.tmp*"))


def test_suggest_out_a_folder(tiny_model_dir, tmp_path, capsys):
    corpus = write_jsonl(tmp_path / "c.jsonl", [{"id": "1", "text": LOADED}])
    folder = tmp_path / "dir"
    before = plant(folder)
    fails(capsys, ["suggest", corpus, "--model", tiny_model_dir, "--out", folder], f"--out {folder}: is a folder")
    assert snapshot(folder) == before and not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("argv, message", [
    (["--port", "99999"], "--port must be between 0 and 65535, got 99999"),
    (["--max-chars", "-1"], "--max-chars must be at least 1, got -1"),
])
def test_serve_refuses_bad_options(capsys, argv, message):
    fails(capsys, ["serve", *argv], message)


def test_serve_says_nothing_about_serving_when_the_port_is_taken(tiny_model_dir, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--model", str(tiny_model_dir), "--port", str(port)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"framing: error: cannot listen on 127.0.0.1:{port} (") and err.count("\n") == 1
    assert "serving on" not in out
