import json

import pytest

from framing.cli import main
from tiny import LOADED, SCARE_TEXT, overfit, tiny_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    model = tiny_model()
    overfit(model, steps=40)
    folder = tmp_path_factory.mktemp("tiny-model")
    model.save_pretrained(folder)
    return folder


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty (no text to check)"),
        (b" \n\t\n", "empty (no text to check)"),
        (b"PK\x03\x04\x00\x00binary", "looks binary (a NUL byte at byte offset 4), not text"),
        (b"caf\xe9 au lait", "not UTF-8 text (invalid byte 0xe9 at byte offset 3)"),
    ],
)
def test_bad_input_gives_one_line_error(tmp_path, capsys, content, message):
    path = tmp_path / "draft.txt"
    path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"framing: error: {path}: {message}\n"


def test_missing_file_and_directory(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.txt")]) == 2
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"framing: error: {tmp_path / 'nope.txt'}: no such file",
                   f"framing: error: {tmp_path}: is a directory, not a file"]


def test_stdin_empty(monkeypatch, capsys):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert main(["check", "-"]) == 2
    assert capsys.readouterr().err == "framing: error: <stdin>: empty (no text to check)\n"


def test_json_output_with_another_model(model_dir, tmp_path, capsys):
    path = tmp_path / "a.txt"
    text = LOADED + " " + SCARE_TEXT
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path), "--json", "--model", str(model_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"sentences", "spans"}
    for span in data["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
    assert {"peacekeepers", "regime thugs"} <= {s["text"] for s in data["spans"]}


def test_terminal_output_names_flags_and_summary(model_dir, tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(SCARE_TEXT, encoding="utf-8")
    assert main(["check", str(path), "--model", str(model_dir)]) == 0
    out = capsys.readouterr().out
    assert "SCARE_QUOTE" in out and "peacekeepers" in out
    assert "1 flag in 1 sentence" in out


def test_not_a_model_folder(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text("Some text.", encoding="utf-8")
    assert main(["check", str(path), "--model", str(tmp_path)]) == 2
    assert "not a framing model folder" in capsys.readouterr().err
