import json

import pytest

from framing.cli.main import main
from tiny import LOADED, NEUTRAL, SCARE_TEXT


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


def test_json_output_with_another_model(tiny_model_dir, tmp_path, capsys):
    path = tmp_path / "a.txt"
    text = LOADED + " " + SCARE_TEXT
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path), "--json", "--model", str(tiny_model_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"sentences", "spans"}
    for span in data["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
    assert {"peacekeepers", "regime thugs"} <= {s["text"] for s in data["spans"]}


def test_terminal_output_names_flags_and_summary(tiny_model_dir, tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(SCARE_TEXT, encoding="utf-8")
    assert main(["check", str(path), "--model", str(tiny_model_dir)]) == 0
    out = capsys.readouterr().out
    assert "SCARE_QUOTE" in out and "peacekeepers" in out
    assert "1 flag in 1 sentence" in out


def test_not_a_model_folder(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text("Some text.", encoding="utf-8")
    assert main(["check", str(path), "--model", str(tmp_path)]) == 2
    assert "not a framing model folder" in capsys.readouterr().err


def test_fail_on_exits_1_when_the_label_is_flagged(tiny_model_dir, tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(SCARE_TEXT, encoding="utf-8")
    assert main(["check", str(path), "--model", str(tiny_model_dir), "--fail-on", "SCARE_QUOTE"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("framing: fail: 1 SCARE_QUOTE flagged: 'peacekeepers'")


def test_fail_on_passes_when_absent_or_below_threshold(tiny_model_dir, tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(SCARE_TEXT, encoding="utf-8")
    assert main(["check", str(path), "--model", str(tiny_model_dir), "--fail-on", "FLAG_WAVING"]) == 0
    assert main(["check", str(path), "--model", str(tiny_model_dir), "--fail-on", "SCARE_QUOTE:1.0"]) == 0
    assert "fail:" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "rule, message",
    [("IRONY", "--fail-on IRONY: unknown label 'IRONY'; labels are SCARE_QUOTE, LOADED_LANGUAGE"),
     ("SCARE_QUOTE:high", "--fail-on SCARE_QUOTE:high: threshold 'high' is not a number"),
     ("SCARE_QUOTE:2", "--fail-on SCARE_QUOTE:2: threshold must be between 0 and 1")],
)
def test_fail_on_bad_rule(tiny_model_dir, tmp_path, capsys, rule, message):
    path = tmp_path / "a.txt"
    path.write_text(SCARE_TEXT, encoding="utf-8")
    assert main(["check", str(path), "--model", str(tiny_model_dir), "--fail-on", rule]) == 2
    assert capsys.readouterr().err.startswith(f"framing: error: {message}")


def test_compare_lists_added_and_removed_flags(tiny_model_dir, tmp_path, capsys):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(SCARE_TEXT + " " + NEUTRAL, encoding="utf-8")
    new.write_text(NEUTRAL + " " + LOADED, encoding="utf-8")
    assert main(["check", "--compare", str(old), str(new), "--model", str(tiny_model_dir), "--json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert {(s["label"], s["text"]) for s in diff["removed"]} == {("SCARE_QUOTE", "peacekeepers")}
    assert {("NAME_CALLING", "regime thugs"), ("LOADED_LANGUAGE", "attacked")} <= {
        (s["label"], s["text"]) for s in diff["added"]}
    assert main(["check", "--compare", str(old), str(new), "--model", str(tiny_model_dir)]) == 0
    out = capsys.readouterr().out
    assert "- SCARE_QUOTE 'peacekeepers'" in out and "+ NAME_CALLING 'regime thugs'" in out


def test_compare_of_identical_drafts_is_empty(tiny_model_dir, tmp_path, capsys):
    old = tmp_path / "old.txt"
    old.write_text(SCARE_TEXT + " " + LOADED, encoding="utf-8")
    assert main(["check", "--compare", str(old), str(old), "--model", str(tiny_model_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"added": [], "removed": []}


def test_check_needs_file_or_compare(capsys):
    with pytest.raises(SystemExit) as err:
        main(["check"])
    assert err.value.code == 2
    assert "check needs either FILE or --compare OLD NEW" in capsys.readouterr().err


def test_a_bug_keeps_its_traceback_while_bad_input_gets_one_line(tiny_model_dir, tmp_path, capsys, monkeypatch):
    """A FramingError is one line and exit 2; a ValueError raised inside the model is a bug: its traceback is
    printed and the exit code is 70, which no user error has."""
    from framing.modeling import FramingModel

    article = tmp_path / "a.txt"
    article.write_text(LOADED, encoding="utf-8")

    def broken(self, scores, thresholds=None):
        raise ValueError("a bug inside the model")

    monkeypatch.setattr(FramingModel, "decode", broken)
    assert main(["check", str(article), "--model", str(tiny_model_dir)]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "ValueError: a bug inside the model" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["check", str(empty), "--model", str(tiny_model_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"framing: error: {empty}:") and err.count("\n") == 1


def test_check_sensitivity_uses_the_pages_thresholds(tiny_model_dir, tmp_path, capsys):
    """framing check --sensitivity decodes at the same thresholds the page's slider gives (one library function)."""
    from framing.modeling import FramingModel
    from framing.web.app import Analyzer

    article = tmp_path / "a.txt"
    article.write_text(LOADED, encoding="utf-8")
    model = FramingModel.from_pretrained(tiny_model_dir, one_shot=True)  # the runtime and precision of framing check
    for sensitivity in (-1.0, 0.0, 1.0):
        assert main(["check", str(article), "--model", str(tiny_model_dir), "--json",
                     "--sensitivity", str(sensitivity)]) == 0
        printed = json.loads(capsys.readouterr().out)
        page = Analyzer(model).analyze(LOADED, sensitivity)
        assert printed["spans"] == page["spans"] and printed["sentences"] == page["sentences"]
    with pytest.raises(SystemExit) as e:
        main(["check", str(article), "--sensitivity", "2"])
    assert e.value.code == 2 and "--sensitivity: 2 is outside -1 to 1" in capsys.readouterr().err
