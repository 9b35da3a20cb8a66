"""Turn per-token probabilities into labelled character spans. Pure functions, no model.

Tags are B/I/O per label (index 0 = O, 1 = B, 2 = I), so spans of different labels
may overlap. A word is inside a span when ``1 - P(O)`` reaches the label's threshold;
consecutive inside words form one span unless a word prefers B over I.

Example:
    >>> import numpy as np
    >>> probs = np.array([[[0.9, 0.05, 0.05]], [[0.1, 0.8, 0.1]], [[0.2, 0.1, 0.7]]])
    >>> decode_tags(probs, [(0, 3), (4, 8), (9, 12)], [0, 1, 2], ["LOADED"], {"LOADED": 0.5})
    [(4, 12, 'LOADED', 0.85)]
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

TAG_O, TAG_B, TAG_I = 0, 1, 2
# Words a flag never starts or ends with: "the regime" is flagged as "regime".
EDGE_WORDS = frozenset({"a", "an", "the", "and", "or", "but", "nor", "of", "for", "by", "with", "in", "on", "at",
                        "from", "as", "this", "that", "these", "those", "its", "their", "his", "her", "our"})
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from its ``_stop_words.py`` alone.

    ``import sklearn.feature_extraction.text`` imports scipy and pandas too: 3.4 s of a cold ``framing check``
    on 2 busy cores (``python -X importtime``), for one frozenset. That module is loaded on its own (it
    imports nothing); where that fails (a future layout) the public import is used.

    Example:
        >>> {"the", "of", "nobody"} <= english_stop_words(), "regime" in english_stop_words()
        (True, False)
    """
    spec = importlib.util.find_spec("sklearn")  # locates the package without importing it
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "feature_extraction" / "_stop_words.py"
        module_spec = importlib.util.spec_from_file_location("framing._sklearn_stop_words", path)
        if module_spec is not None and module_spec.loader is not None and path.is_file():
            module = importlib.util.module_from_spec(module_spec)
            try:
                module_spec.loader.exec_module(module)
                return frozenset(module.ENGLISH_STOP_WORDS)
            except (OSError, SyntaxError, AttributeError, ImportError):
                pass
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def word_starts(word_ids: Sequence[int | None]) -> list[tuple[int, list[int]]]:
    """Group token positions by word: ``[(word_id, [token indices]), ...]`` in order."""
    groups: list[tuple[int, list[int]]] = []
    for t, w in enumerate(word_ids):
        if w is None:
            continue
        if groups and groups[-1][0] == w:
            groups[-1][1].append(t)
        else:
            groups.append((w, [t]))
    return groups


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Move ``start``/``end`` inwards past anything that is not a letter or digit (quote marks, commas).

    Example:
        >>> t = 'so-called "reforms",'
        >>> s, e = trim_span(t, 10, len(t)); t[s:e]
        'reforms'
    """
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def snap_phrase(text: str, start: int, end: int) -> tuple[int, int]:
    """Snap a flag to a whole phrase: trim punctuation and leading or trailing articles, conjunctions and
    prepositions; a flag made only of function words (scikit-learn's English stop words) becomes empty.

    Example:
        >>> t = "By the regime of"
        >>> [t[a:b] for a, b in (snap_phrase(t, 0, 16), snap_phrase(t, 0, 2))]
        ['regime', '']
    """
    start, end = trim_span(text, start, end)
    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    stop_words = english_stop_words()
    if not words or all(text[a:b].lower() in stop_words for a, b in words):
        return start, start
    while words and text[words[0][0]:words[0][1]].lower() in EDGE_WORDS:
        words.pop(0)
    while words and text[words[-1][0]:words[-1][1]].lower() in EDGE_WORDS:
        words.pop()
    if not words:
        return start, start
    return trim_span(text, words[0][0], words[-1][1])


def word_units(
    offsets: Sequence[tuple[int, int]], word_ids: Sequence[int | None], text: str | None = None
) -> list[tuple[int, int, int]]:
    """Whitespace-delimited units as ``(start, end, judged token)``.

    The tokenizer splits ``so-called`` or ``"reforms"`` into several words; decoding treats
    characters with no space between them as one unit, judged by its first token that holds
    a letter or digit (the first token when no text is given).
    """
    units: list[tuple[int, int, list[int]]] = []
    for _, toks in word_starts(word_ids):
        start, end = offsets[toks[0]][0], offsets[toks[-1]][1]
        if units and units[-1][1] == start:
            units[-1] = (units[-1][0], end, units[-1][2] + [toks[0]])
        else:
            units.append((start, end, [toks[0]]))
    out = []
    for start, end, firsts in units:
        judged = firsts[0]
        if text is not None:
            judged = next((t for t in firsts if any(c.isalnum() for c in text[offsets[t][0] : offsets[t][1]])), judged)
        out.append((start, end, judged))
    return out


def unit_scores(
    probs: np.ndarray, offsets: Sequence[tuple[int, int]], word_ids: Sequence[int | None], text: str | None = None
) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray]:
    """Per-unit ``(units, inside, begins)`` from token ``probs`` of shape (tokens, labels, 3).

    ``inside[u, k]`` is ``1 - P(O)`` of unit ``u``'s judged token for label ``k``; ``begins[u, k]``
    is true where that token prefers B over I.
    """
    units = word_units(offsets, word_ids, text)
    judged = [t for _, _, t in units]
    p = probs[judged] if judged else np.zeros((0, probs.shape[1], 3))
    return [(s, e) for s, e, _ in units], 1.0 - p[:, :, TAG_O], p[:, :, TAG_B] > p[:, :, TAG_I]


def spans_from_units(
    units: Sequence[tuple[int, int]],
    inside: np.ndarray,
    begins: np.ndarray,
    labels: Sequence[str],
    thresholds: dict[str, float],
    text: str | None = None,
) -> list[tuple[int, int, str, float]]:
    """``(start, end, label, score)`` spans: consecutive units whose ``inside`` reaches the label's
    threshold, split where a unit ``begins`` a new span, scored by the mean ``inside``.

    Given the ``text``, spans are snapped to whole phrases (:func:`snap_phrase`): punctuation and edge
    function words trimmed, spans of function words or no letter or digit dropped.
    """
    spans: list[tuple[int, int, str, float]] = []
    for k, label in enumerate(labels):
        threshold = thresholds[label]
        current: list[int] = []

        def close() -> None:
            if not current:
                return
            start, end = units[current[0]][0], units[current[-1]][1]
            score = float(np.mean(inside[current, k]))
            current.clear()
            if text is not None:
                start, end = snap_phrase(text, start, end)
            if end > start:
                spans.append((start, end, label, round(score, 4)))

        for u in range(len(units)):
            if inside[u, k] < threshold:
                close()
                continue
            if current and begins[u, k]:
                close()
            current.append(u)
        close()
    return spans


def decode_tags(
    probs: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
    labels: Sequence[str],
    thresholds: dict[str, float],
    text: str | None = None,
) -> list[tuple[int, int, str, float]]:
    """Decode ``probs`` of shape (tokens, labels, 3) into ``(start, end, label, score)`` spans.

    Offsets are the tokens' character offsets. Each whitespace-delimited unit (see
    :func:`word_units`) is inside a span when ``1 - P(O)`` of its judged token reaches the
    label's threshold (see :func:`spans_from_units`).
    """
    return spans_from_units(*unit_scores(probs, offsets, word_ids, text), labels, thresholds, text)


def tag_targets(
    spans: Sequence[tuple[int, int, str]],
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
    labels: Sequence[str],
) -> np.ndarray:
    """Training targets (tokens, labels) in {O, B, I}, -100 on special and non-first sub-tokens.

    A word is inside a gold span when their characters overlap.

    Example:
        >>> tag_targets([(4, 12, "L")], [(0, 0), (0, 3), (4, 8), (9, 12), (0, 0)], [None, 0, 1, 2, None], ["L"]).T
        array([[-100,    0,    1,    2, -100]])
    """
    targets = np.full((len(word_ids), len(labels)), -100, dtype=np.int64)
    index = {name: k for k, name in enumerate(labels)}
    for _, toks in word_starts(word_ids):
        targets[toks[0]] = TAG_O
    for start, end, label in spans:
        k = index.get(label)
        if k is None:
            continue
        first = True
        for _, toks in word_starts(word_ids):
            ws, we = offsets[toks[0]][0], offsets[toks[-1]][1]
            if ws < end and we > start:
                if first or targets[toks[0], k] == TAG_O:
                    targets[toks[0], k] = TAG_B if first else TAG_I
                first = False
    return targets
