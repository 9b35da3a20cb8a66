"""Speaker turns of interview transcripts: paragraphs that open with a speaker label (``Mr. Henry: Did you ...``).

A transcript quotes its speakers without quotation marks, so the quotation-mark head cannot see that those words
are the speakers' and not the writer's. A paragraph that starts with a speaker's label (an honorific and a name,
a name in capitals, or ``Q``/``A``) followed by a colon is one speaker's turn, where the text has at least two
such turns: the turn counts as an attributed quotation for voice
(:func:`framing.pipeline.scores.voice_of`). Labels that are page furniture (``UPDATE:``, ``PHOTO:``) are not
speakers, and a single labelled paragraph is more often a headline (``SCOOP: ...``) than a transcript.

Example:
    >>> text = "The exchange was tense.\\n\\nMr. Henry: Did you wipe the server?\\n\\nMrs. Clinton: What?"
    >>> [text[a:b] for a, b in speaker_turns(text)]
    ['Mr. Henry: Did you wipe the server?', 'Mrs. Clinton: What?']
"""

from __future__ import annotations

import re

_HONORIFIC = r"(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Prof|President|Secretary|Senator|Governor)\.?"
_NAME = r"[A-Z][\w'\u2019.-]*"
_CAPITALS = r"[A-Z][A-Z'\u2019.-]+"
_LABEL = re.compile(
    rf"^[ \t]*(?P<label>{_HONORIFIC} {_NAME}(?: {_NAME}){{0,2}}|{_CAPITALS}(?: {_CAPITALS}){{0,2}}|Q|A):[ \t]+(?=\S)",
    re.MULTILINE)
# capitalised labels that introduce page furniture or the writer's own notes, not a speaker
_NOT_SPEAKERS = {"UPDATE", "UPDATED", "NOTE", "EDITOR'S NOTE", "EDITOR\u2019S NOTE", "CORRECTION", "PHOTO", "VIDEO",
                 "WATCH", "RELATED", "READ MORE", "SOURCE", "SOURCES", "CLARIFICATION", "WARNING", "BREAKING",
                 "ANALYSIS", "OPINION", "EXCLUSIVE", "FACT CHECK", "TRANSCRIPT", "RESTRICTION SUMMARY", "SHOWS", "FX",
                 "BREAKING NEWS", "SPECIAL REPORT", "JUST IN", "SCOOP", "SHARE", "NEW", "FULL", "PROOF", "P.S.",
                 "P.P.S.", "P.P.P.S."}
_CREDITS = ("PHOTOGRAPHER", "PHOTO", "CREDIT", "IMAGE")  # "President Trump Photographer:" is a photo credit


def speaker_turns(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every speaker turn in ``text``: from its label to the paragraph's end."""
    turns = []
    for m in _LABEL.finditer(text):
        label = m.group("label").upper()
        if label in _NOT_SPEAKERS or label.endswith(_CREDITS):
            continue
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        while text[end - 1].isspace():  # m.end() is followed by a non-space, so this stops inside the turn
            end -= 1
        # the label is part of the turn, so that a short reply ("Mrs. Clinton: What?") reads as quoted too
        turns.append((m.start("label"), end))
    # a transcript has turns; one labelled paragraph alone is more often a headline ("SCOOP: ...", "UK: ...")
    return turns if len(turns) >= 2 else []
