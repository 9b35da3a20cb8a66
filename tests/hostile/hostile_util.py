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
