"""Helpers of the hostile-input suite: run a command, check its one-line error, and check that
the user's files are untouched and nothing partial is left."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from framing.cli.main import main


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> sha256): compare before and after a command."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def plant(folder: Path) -> dict[str, str]:
    """Files a user owns, planted in ``folder``; returns their snapshot."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.txt").write_text("my notes, do not delete\n", encoding="utf-8")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "data.csv").write_text("id,text\n1,mine\n", encoding="utf-8")
    return snapshot(folder)


def fails(capsys, argv: list[str], *needles: str, code: int = 2) -> str:
    """Run ``framing argv``; assert exit ``code`` and one stderr line holding every needle; return it."""
    capsys.readouterr()
    assert main([str(a) for a in argv]) == code
    err = capsys.readouterr().err
    assert err.startswith("framing: error: "), err
    assert err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, err
    return err


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def fails_with_report(capsys, argv: list[str], *needles: str) -> str:
    """Like :func:`fails` for commands that list every problem first (``framing train``'s validation):
    exit 2, no traceback, the last line ``framing: error: ...``, every needle somewhere in stderr."""
    capsys.readouterr()
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert err.splitlines()[-1].startswith("framing: error: "), err
    for needle in needles:
        assert needle in err, err
    return err


# ---- the one catalogue of bad inputs that every entry point (check, score, evaluate, train, serve) runs over ----

GOOD_TEXT = "Prices rose slightly in May."


def _insert(bad: bytes, why: str):
    """Bytes ``bad`` put inside the word "rose" of a UTF-8 text; the reason names the byte offset it lands at."""
    def corrupt(text: str) -> tuple[bytes, str]:
        data = text.encode("utf-8")
        at = data.index(b"rose") + 1
        return data[:at] + bad + data[at:], why.format(at=at, byte=bad[0])
    return corrupt


def _utf16(order: str):
    def corrupt(text: str) -> tuple[bytes, str]:
        return ("\ufeff" + text).encode(f"utf-16-{order[0]}e"), \
            f"UTF-16 text ({order}-endian, with a byte-order mark); save it as UTF-8"
    return corrupt


# name -> corrupt(text) -> (the file's bytes, the reason every entry point gives for them). ``text`` is what the
# entry point reads: an article for check, a JSON Lines record for score, evaluate and train, a JSON body for serve.
UNREADABLE = {
    "nul_byte": _insert(b"\x00", "looks binary (a NUL byte at byte offset {at}), not text"),
    "latin1_byte": _insert(b"\xe9", "not UTF-8 text (invalid byte 0x{byte:02x} at byte offset {at})"),
    "encoded_surrogate": _insert(b"\xed\xa0\x80", "not UTF-8 text (invalid byte 0x{byte:02x} at byte offset {at})"),
    "utf16_le": _utf16("little"),
    "utf16_be": _utf16("big"),
}
# name -> bytes that hold no text at all: each entry point says "empty" (framing score: an empty corpus, exit 0)
EMPTY = {
    "no_bytes": b"",
    "whitespace": b" \n\t\r\n",
    "zero_width": "\u200b\u200c\u200d\n\u2060".encode("utf-8"),
    "bom_only": b"\xef\xbb\xbf",
}


def record(text: str = GOOD_TEXT, **fields) -> str:
    """One JSON Lines record: id 1, ``text`` and any other ``fields``."""
    return json.dumps({"id": "1", "text": text, **fields})


def untouched(folder: Path, before: dict[str, str], *absent: Path) -> None:
    """The user's files in ``folder`` are as they were, none of ``absent`` exists, and no temporary file is left."""
    assert snapshot(folder / "mine") == before
    for path in absent:
        assert not path.exists(), path
    assert not [p for p in folder.rglob("*") if p.name.endswith((".tmp", ".lock")) or ".tmp." in p.name]
