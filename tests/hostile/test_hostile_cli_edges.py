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


def test_serve_prints_the_port_it_listens_on_for_port_0(tiny_model_dir, capsys, monkeypatch):
    import uvicorn

    listening = []

    def run(self, sockets):  # instead of serving: note the bound address and close
        for sock in sockets:
            listening.append(sock.getsockname())
            sock.close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    assert main(["serve", "--model", str(tiny_model_dir), "--port", "0"]) == 0
    host, port = listening[0]
    assert port != 0
    assert capsys.readouterr().out.startswith(f"framing: serving on http://127.0.0.1:{port}/ (")


def test_the_readme_exit_codes_are_the_codes_used():
    from pathlib import Path

    from framing import errors

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("**Exit codes** (every command):")[1].split("\n\n")[1]
    codes = [int(line.split("|")[1]) for line in table.splitlines()[2:]]
    assert codes == [errors.EXIT_OK, errors.EXIT_FLAGGED, errors.EXIT_BAD_INPUT, errors.EXIT_INTERNAL, 130,
                     errors.EXIT_PIPE_CLOSED]
