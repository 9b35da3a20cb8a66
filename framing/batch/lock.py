"""One ``framing score`` run per output folder: an exclusive lock inside ``--out``, naming its holder.

The lock is ``fcntl.flock`` on ``OUT/.framing-score.lock``, taken without waiting: a second run on the
same folder stops at once with one line saying which process holds it (pid, host, start time, which the
holder writes into the lock file). The kernel drops the lock when the holder exits, even after
``kill -9``, so a lock is never stale. Everything a run deletes at start-up (half-written chunks) is
deleted only while the lock is held, so one run never removes another's temporary files.

Example:
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "scores"
    >>> with run_lock(out):
    ...     try:
    ...         with run_lock(out): pass
    ...     except FolderBusyError as e:
    ...         print(str(e).split(" (pid")[0].endswith("another framing score run is writing here"))
    True
    >>> out.exists()  # created for the run and empty again: removed
    False
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from framing.errors import FramingError

LOCK_NAME = ".framing-score.lock"


class FolderBusyError(FramingError):
    """Another run holds the output folder's lock."""


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        return f"pid {info['pid']} on {info['host']}, started {info['started']}"
    except (OSError, ValueError, KeyError, TypeError):  # the holder has not written its details yet
        return "its details are not written yet"


def _acquire(path: Path) -> int:
    """An open descriptor of ``path`` holding the lock, or :class:`FolderBusyError`."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # no O_TRUNC: the holder's details stay readable
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise FolderBusyError(f"{path.parent}: another framing score run is writing here ({holder}); "
                                  "wait for it to finish, or choose another --out folder") from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        # the previous holder removed the file between our open and our lock: lock the file now there
        os.close(fd)


@contextmanager
def run_lock(folder: str | os.PathLike) -> Iterator[Path]:
    """Hold ``folder``'s run lock (creating ``folder`` if needed) while the block runs; yields the folder.

    On leaving, the lock file is removed, and so is ``folder`` if this call created it and nothing else
    is left in it (a run that failed before writing anything leaves no folder behind).
    """
    folder = Path(folder)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = _acquire(path)
    try:
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "started": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode("utf-8"), 0)
        yield folder
    finally:
        try:
            path.unlink()  # while still locked: a waiting run then sees another inode and retries
        except FileNotFoundError:
            pass
        os.close(fd)
        if created:
            try:
                folder.rmdir()  # only if empty
            except OSError:
                pass
