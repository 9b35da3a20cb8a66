"""Progress of long work on standard error: a ``tqdm`` bar on a terminal, else a plain line every
``interval`` seconds and at the end, so that logs of batch jobs stay readable. Standard output is never
written, so ``--json`` output stays clean.

:class:`Progress` counts documents for ``framing score``; :func:`sentence_progress` gives ``framing check``
a callback for :meth:`FramingModel.predict` that counts sentences, shown only for long inputs (or, on a
terminal, for work that takes more than a second).

Example:
    >>> import io
    >>> stream = io.StringIO()
    >>> tick = sentence_progress(stream, chars=500_000)
    >>> tick(16, 32); tick(32, 32)
    >>> lines = stream.getvalue().splitlines()
    >>> lines[0], lines[-1].startswith("framing: scored 32/32 sentences, ")
    ('framing: scoring 32 sentences', True)
    >>> sentence_progress(io.StringIO(), chars=2_000) is None  # a short article: no progress noise
    True
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

LONG_INPUT_CHARS = 100_000  # about 800 news sentences: several seconds of scoring on two cores


class Progress:
    """Work done out of ``total`` (``None``: unknown): a ``tqdm`` bar (rate, ETA) on a terminal, else a plain
    line every ``interval`` seconds and at :meth:`close`. ``noun`` names what is counted, ``short`` its
    rate unit; ``delay`` keeps a terminal bar hidden for work shorter than that many seconds."""

    def __init__(self, total: int | None, done: int, stream: TextIO, interval: float = 30.0,
                 noun: str = "documents", short: str = "docs", desc: str = "framing score", errors: bool = True,
                 verb: str = "", delay: float = 0.0) -> None:
        self.total, self.done, self.start_done, self.errors = total, done, done, 0
        self.stream, self.interval = stream, interval
        self.noun, self.short, self.count_errors, self.verb = noun, short, errors, verb
        self.started = self.last = time.monotonic()
        self.bar = None
        if stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit=short.rstrip("s"), file=stream, dynamic_ncols=True,
                            desc=desc, smoothing=0.05, delay=delay)
        else:
            self.note(f"scoring {total if total is not None else 'an unknown number of'} {noun}"
                      + (f" ({done:,} already done)" if done else ""))

    def note(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(f"framing: {message}", file=self.stream)
        else:
            print(f"framing: {message}", file=self.stream, flush=True)

    def update(self, n: int, errors: int = 0) -> None:
        self.done += n
        self.errors += errors
        if self.bar is not None:
            self.bar.update(n)
            if self.count_errors:
                self.bar.set_postfix(errors=self.errors, refresh=False)
        elif time.monotonic() - self.last >= self.interval:
            self.note(self.line())
            self.last = time.monotonic()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = (self.done - self.start_done) / elapsed
        of = f"/{self.total:,}" if self.total is not None else ""
        eta = ""
        if self.total is not None and rate > 0:
            eta = f", ETA {_clock((self.total - self.done) / rate)}"
        errors = f", {self.errors} errors" if self.count_errors else ""
        return (f"{self.verb + ' ' if self.verb else ''}{self.done:,}{of} {self.noun}, {rate:.1f} {self.short}/s"
                f"{eta}{errors}, {_clock(elapsed)} elapsed")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        else:
            self.note(self.line())


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def sentence_progress(stream: TextIO, chars: int, long_chars: int | None = None,
                      interval: float = 5.0) -> Callable[[int, int], None] | None:
    """A ``progress(done, total)`` callback that shows sentences scored on ``stream``, or ``None`` when the
    input (``chars`` long) is shorter than ``long_chars`` (default :data:`LONG_INPUT_CHARS`) and ``stream``
    is not a terminal. On a terminal the bar appears only once the work has taken a second, so short
    articles show none there either."""
    if chars < (LONG_INPUT_CHARS if long_chars is None else long_chars) and not stream.isatty():
        return None
    state: dict[str, Progress] = {}

    def tick(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = Progress(total, 0, stream, interval, noun="sentences", short="sentences",
                                    desc="framing check", errors=False, verb="scored", delay=1.0)
        bar = state["bar"]
        bar.update(done - bar.done)
        if done >= total:
            bar.close()

    return tick
