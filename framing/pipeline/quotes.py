"""Find quoted spans (straight and curly, double and single) in running text.

The finder is deliberately a rule: it only proposes candidates. Whether a
quoted span is a scare quote is decided by the model, in context.

Example:
    >>> [q.inner(t) for t in ['Russian "peacekeepers" left.'] for q in find_quotes(t)]
    ['peacekeepers']
"""

from __future__ import annotations

from dataclasses import dataclass

DOUBLE_OPEN = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201d"}
SINGLE_OPEN = {"'": "'", "\u2018": "\u2019"}
QUOTE_CHARS = set(DOUBLE_OPEN) | set(DOUBLE_OPEN.values()) | set(SINGLE_OPEN) | set(SINGLE_OPEN.values())
# Characters after which an opening mark may stand (besides whitespace and the text start).
OPEN_CONTEXT = set("([{/-\u2013\u2014:;,") | QUOTE_CHARS
# A single-quoted stretch longer than this is far more likely two apostrophes than a quotation.
MAX_SINGLE_QUOTE_CHARS = 120


@dataclass(frozen=True)
class Quote:
    """A quoted span: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int

    def inner(self, text: str) -> str:
        return text[self.inner_start : self.inner_end]


def _can_open(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in OPEN_CONTEXT) and not after.isspace()


def _can_close(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    # don't, it's, O'Brien, rock 'n' roll, the '90s
    return (before.isalnum() and after.isalnum()) or (after.isdigit() and not before.isalnum())


def _scan(text: str, openers: dict[str, str], max_len: int | None, skip_apostrophes: bool) -> list[Quote]:
    found: list[Quote] = []
    closers = set(openers.values())
    open_at: int | None = None
    want = ""
    for i, ch in enumerate(text):
        if ch == "\n":
            open_at = None  # quotations are paired within one paragraph
            continue
        if ch not in openers and ch not in closers:
            continue
        if skip_apostrophes and _is_apostrophe(text, i):
            continue
        if open_at is not None and ch == want and _can_close(text, i):
            if i - open_at - 1 > 0 and (max_len is None or i - open_at - 1 <= max_len):
                found.append(Quote(open_at, i + 1, open_at + 1, i))
            open_at = None
        elif ch in openers and _can_open(text, i) and (ch not in closers or open_at is None):
            open_at, want = i, openers[ch]
    return found


def find_quotes(text: str) -> list[Quote]:
    """Return every quoted span in ``text``, sorted by position.

    Double and single quotes are scanned separately so that a single-quoted
    term nested inside a double-quoted quotation is found too. Apostrophes
    (``don't``, ``'90s``) are never taken for quotation marks.

    Example:
        >>> t = "He said: \u201cthey call it a \u2018reform\u2019.\u201d"
        >>> [q.inner(t) for q in find_quotes(t)]
        ['they call it a \u2018reform\u2019.', 'reform']
    """
    quotes = _scan(text, DOUBLE_OPEN, None, skip_apostrophes=False)
    quotes += _scan(text, SINGLE_OPEN, MAX_SINGLE_QUOTE_CHARS, skip_apostrophes=True)
    quotes = [q for q in quotes if q.inner(text).strip()]
    return sorted(quotes, key=lambda q: (q.start, -q.end))
