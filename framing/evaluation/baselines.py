"""Simple baselines the model is measured against.

Example:
    >>> rule_is_scare('Russian "peacekeepers" left.', 8, 20)
    True
    >>> rule_is_scare('He said the troops would "restore order".', 26, 39)
    False
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from framing.evaluation.metrics import word_spans

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


# The bias lexicon of Recasens et al. (2013) and Riloff & Wiebe's strongly subjective words.
LEXICON_FILES = ("recasens2013_npov_features/npov_lexicon.txt",
                 "recasens2013_npov_features/strong_subjectives_riloff2003.txt")


@dataclass(frozen=True)
class Lexicon:
    """A word list whose every occurrence is flagged as loaded language (a baseline, not a model).

    Example:
        >>> Lexicon(frozenset({"regime"}), ("demo",)).spans("The Regime fell.")
        [(4, 10)]
    """

    words: frozenset[str]
    sources: tuple[str, ...]

    @classmethod
    def load(cls, files: Sequence[str] = LEXICON_FILES) -> Lexicon:
        """Read one word per line (``%`` or ``#`` comments skipped) from files under ``../shared/data/lexicons``."""
        from framing.data.shared_corpora import corpus_path

        words: set[str] = set()
        for name in files:
            for line in Path(corpus_path("lexicons", name)).read_text(encoding="utf-8").splitlines():
                line = line.strip().lower()
                if line and not line.startswith(("%", "#")):
                    words.add(line)
        return cls(frozenset(words), tuple(files))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the words of ``text`` found in the lexicon."""
        return [(s, e) for s, e in word_spans(text) if text[s:e].lower() in self.words]
