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

from collections.abc import Sequence

import numpy as np

TAG_O, TAG_B, TAG_I = 0, 1, 2


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


def decode_tags(
    probs: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
    labels: Sequence[str],
    thresholds: dict[str, float],
    text: str | None = None,
) -> list[tuple[int, int, str, float]]:
    """Decode ``probs`` of shape (tokens, labels, 3) into ``(start, end, label, score)`` spans.

    Offsets are the tokens' character offsets; each word is judged by its first
    token and covers all its tokens. The score is the mean ``1 - P(O)`` over the span's words.
    Given the ``text``, spans are trimmed so they neither start nor end on punctuation
    (a lone quotation mark is not a loaded term), and spans with no letter or digit are dropped.
    """
    words = word_starts(word_ids)
    spans: list[tuple[int, int, str, float]] = []
    for k, label in enumerate(labels):
        threshold = thresholds[label]
        current: list[tuple[int, int, float]] = []  # (start, end, p_inside) per word

        def close() -> None:
            words = list(current)
            current.clear()
            if text is not None:
                while words and not any(c.isalnum() for c in text[words[0][0] : words[0][1]]):
                    words.pop(0)
                while words and not any(c.isalnum() for c in text[words[-1][0] : words[-1][1]]):
                    words.pop()
            if words:
                score = float(np.mean([p for _, _, p in words]))
                spans.append((words[0][0], words[-1][1], label, round(score, 4)))

        for _, toks in words:
            p = probs[toks[0], k]
            p_in = 1.0 - float(p[TAG_O])
            if p_in < threshold:
                close()
                continue
            if current and p[TAG_B] > p[TAG_I]:
                close()
            current.append((offsets[toks[0]][0], offsets[toks[-1]][1], p_in))
        close()
    return spans


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
