"""Simple baselines the model is measured against.

Example:
    >>> rule_is_scare('Russian "peacekeepers" left.', 8, 20)
    True
    >>> rule_is_scare('He said the troops would "restore order".', 26, 39)
    False
"""

from __future__ import annotations

import re

# Verbs of saying (a compact list in the spirit of Recasens et al.'s report verbs), all inflections.
REPORTING = re.compile(
    r"\b(say|says|said|saying|tell|tells|told|write|writes|wrote|written|call|calls|called|add|adds|added|"
    r"state|states|stated|claim|claims|claimed|ask|asks|asked|announce[sd]?|declare[sd]?|insist(?:s|ed)?|"
    r"argue[sd]?|warn(?:s|ed)?|note[sd]?|explain(?:s|ed)?|describe[sd]?|promise[sd]?|vow(?:s|ed)?|"
    r"tweet(?:s|ed)?|post(?:s|ed)?|according|statement|quote[sd]?|reply|replie[sd]|respond(?:s|ed)?)\b",
    re.IGNORECASE,
)
RULE_MAX_WORDS = 4


def rule_is_scare(sentence: str, inner_start: int, inner_end: int) -> bool:
    """A short quote (at most 4 words) with no reporting verb in its sentence counts as a scare quote."""
    inner = sentence[inner_start:inner_end]
    if len(inner.split()) > RULE_MAX_WORDS:
        return False
    rest = sentence[:inner_start] + " " + sentence[inner_end:]
    return REPORTING.search(rest) is None
