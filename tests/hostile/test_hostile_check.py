"""framing check: the catalogue of bad inputs, byte cap before decoding, character cap (score's), UTF-16,
zero-width text, progress on long inputs, exit codes."""

import io
import json
import sys

import pytest
from hostile_util import EMPTY, GOOD_TEXT, UNREADABLE, fails, plant, untouched

from framing.cli.main import main
from framing.data import corpus, documents


class Endless(io.RawIOBase):
    """``yes |``: an endless stream that counts what was read from it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = b"y\n" * (len(buffer) // 2) + b"y" * (len(buffer) % 2)
        self.read_bytes += len(buffer)
        return len(buffer)


def test_dev_zero_stops_at_the_byte_cap(capsys):
    fails(capsys, ["check", "/dev/zero"], "/dev/zero: too large (more than 20,000,000 bytes")


def test_endless_stdin_stops_at_the_byte_cap(capsys, monkeypatch):
    stream = Endless()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(stream)))
    fails(capsys, ["check", "-"], "<stdin>: too large (more than 20,000,000 bytes")
    assert stream.read_bytes < 21_000_000


def test_character_cap(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(documents, "MAX_CHARS", 100)
    path = tmp_path / "long.txt"
    path.write_text("word " * 30, encoding="utf-8")
    fails(capsys, ["check", path], f"{path}: too long (150 characters; the limit is 100)")


@pytest.mark.parametrize("encoding, order", [("utf-16-le", "little"), ("utf-16-be", "big")])
def test_utf16_is_named(tmp_path, capsys, encoding, order):
    path = tmp_path / "u16.txt"
    path.write_bytes(("\ufeff" + "The regime fell.").encode(encoding))
    fails(capsys, ["check", path], f"{path}: UTF-16 text ({order}-endian, with a byte-order mark); save it as UTF-8")


def test_zero_width_only_text_is_empty(tmp_path, capsys):
    path = tmp_path / "zw.txt"
    path.write_text("\u200b\u200c\u200d\n\u2060 ", encoding="utf-8")
    fails(capsys, ["check", path], f"{path}: empty (no text to check)")


def test_broken_pipe_is_not_exit_1(tiny_model_dir, tmp_path, capsys, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text("The regime thugs attacked the town.", encoding="utf-8")

    def closed(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("framing.cli.render.render", closed)
    monkeypatch.setattr("framing.cli.main._silence_stdout", lambda: None)
    assert main(["check", str(path), "--model", str(tiny_model_dir)]) == 141


def test_internal_error_keeps_its_traceback_and_exit_70(tiny_model_dir, tmp_path, capsys, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text("The regime thugs attacked the town.", encoding="utf-8")

    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("framing.cli.render.render", bug)
    assert main(["check", str(path), "--model", str(tiny_model_dir)]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError: a bug" in err
    assert err.splitlines()[-1].startswith("framing: internal error (a bug, not your input)")


@pytest.mark.parametrize("name", UNREADABLE)
def test_catalogue_unreadable_draft(tiny_model_dir, tmp_path, capsys, name):
    data, reason = UNREADABLE[name](GOOD_TEXT)
    path = tmp_path / "draft.txt"
    path.write_bytes(data)
    before = plant(tmp_path / "mine")
    fails(capsys, ["check", path, "--json", "--model", tiny_model_dir], f"{path}: {reason}")
    assert path.read_bytes() == data
    untouched(tmp_path, before)


@pytest.mark.parametrize("name", EMPTY)
def test_catalogue_empty_draft(tiny_model_dir, tmp_path, capsys, name):
    path = tmp_path / "draft.txt"
    path.write_bytes(EMPTY[name])
    before = plant(tmp_path / "mine")
    fails(capsys, ["check", path, "--model", tiny_model_dir], f"{path}: empty (no text to check)")
    untouched(tmp_path, before)


def test_check_has_the_character_cap_of_score(tmp_path, capsys):
    assert documents.MAX_CHARS == corpus.MAX_CHARS == 1_000_000
    path = tmp_path / "long.txt"
    path.write_text("a" * 1_000_001, encoding="utf-8")  # refused before any model is loaded
    fails(capsys, ["check", path], f"{path}: too long (1,000,001 characters; the limit is 1,000,000)")


SENTENCE = "The council met today."  # ("... in May. Prices ..." is one sentence to sentencex: May. as an abbreviation)


def test_long_input_shows_progress_on_stderr_and_json_stays_clean(tiny_model_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("framing.progress.LONG_INPUT_CHARS", 1_000)
    path = tmp_path / "long.txt"
    path.write_text(" ".join([SENTENCE] * 60), encoding="utf-8")  # 1,379 characters, 60 sentences
    assert main(["check", str(path), "--json", "--model", str(tiny_model_dir)]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)["sentences"]) == 60  # stdout is the JSON alone
    lines = err.splitlines()
    assert lines[0] == "framing: scoring 60 sentences"
    assert lines[-1].startswith("framing: scored 60/60 sentences, ") and lines[-1].endswith(" elapsed")


def test_short_input_on_a_pipe_shows_no_progress(tiny_model_dir, tmp_path, capsys):
    path = tmp_path / "short.txt"
    path.write_text(" ".join([SENTENCE] * 60), encoding="utf-8")
    assert main(["check", str(path), "--json", "--model", str(tiny_model_dir)]) == 0
    assert capsys.readouterr().err == ""


def test_predict_reports_progress_after_each_batch(model):
    calls = []
    text = " ".join([SENTENCE] * 70)
    result = model.predict(text, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(32, 70), (64, 70), (70, 70)]
    assert len(result.sentences) == 70


def test_a_utf8_byte_order_mark_is_kept_and_counted(tiny_model_dir, tmp_path, capsys):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_TEXT.encode("utf-8"))  # README: the BOM is the text's first character
    assert main(["check", str(path), "--json", "--model", str(tiny_model_dir)]) == 0
    sentence = json.loads(capsys.readouterr().out)["sentences"][0]
    assert (sentence["start"], sentence["end"], sentence["text"]) == (0, len(GOOD_TEXT) + 1, "\ufeff" + GOOD_TEXT)
