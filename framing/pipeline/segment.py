"""Sentence segmentation with character offsets into the original text.

Lines are segmented one at a time, so headlines, bylines, datelines and markdown
image lines never merge into the sentence that follows them; within a line the
maintained ``sentencex`` segmenter (Wikimedia) handles abbreviations and quotes.

Example:
    >>> t = "Troops Leave\\nGen. Smith left the U.S. on Feb. 3. He said: \\"We won.\\" Then he left."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Troops Leave', 'Gen. Smith left the U.S. on Feb. 3.', 'He said: "We won."', 'Then he left.']
"""

from __future__ import annotations

import re

import sentencex

_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    line = text[start:end]
    out: list[tuple[int, int]] = []
    # a markdown image stands alone; its caption text after it is segmented normally
    pieces, pos = [], 0
    for m in _MARKDOWN_IMAGE.finditer(line):
        pieces += [(pos, m.start(), True), (m.start(), m.end(), False)]
        pos = m.end()
    pieces.append((pos, len(line), True))
    for a, b, segment in pieces:
        chunk = line[a:b]
        if not chunk.strip():
            continue
        if not segment:
            out.append(_strip(text, start + a, start + b))
            continue
        found = []
        for sent in sentencex.get_sentence_boundaries("en", chunk):
            s, e = sent["start_index"], sent["end_index"]
            if chunk[s:e] != sent["text"]:  # offsets disagree with the text: keep the chunk whole
                found = [(a, b)]
                break
            found.append((a + s, a + e))
        out.extend(_strip(text, start + s, start + e) for s, e in found)
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences as ``(start, end)`` offsets (end exclusive, whitespace trimmed)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        end = pos + len(line)
        if line.strip():
            spans.extend(_split_line(text, pos, end))
        pos = end
    return [(s, e) for s, e in spans if e > s]
