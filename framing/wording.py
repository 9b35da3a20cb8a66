"""How counts are worded in messages: the one plural rule of the command line's output.

Example:
    >>> plural(1, "flag"), plural(0, "flag"), plural(2, "sentence")
    ('1 flag', '0 flags', '2 sentences')
    >>> agree(1, "reads", "read"), agree(3, "reads", "read")
    ('reads', 'read')
"""

from __future__ import annotations


def agree(n: int, one: str, many: str) -> str:
    """``one`` when ``n`` is 1, else ``many`` (for words that do not just take an ``s``)."""
    return one if n == 1 else many


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, with an ``s`` unless ``n`` is 1."""
    return f"{n} {agree(n, word, word + 's')}"
