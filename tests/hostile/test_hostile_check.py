"""framing check: byte cap before decoding, character cap, UTF-16, zero-width text, exit codes."""

import io
import sys

import pytest
from hostile_util import fails

from framing.cli.main import main
from framing.data import documents


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
