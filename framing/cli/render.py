"""Terminal rendering of a :class:`DocumentResult`: highlighted article, flags and per-sentence summary.

Example:
    >>> from framing.pipeline.results import DocumentResult, Sentence, Span
    >>> r = DocumentResult("The regime fell.", [Sentence(0, 16, "The regime fell.", 0.9, True, ["NAME_CALLING"])],
    ...                    [Span(4, 10, "regime", "NAME_CALLING", 0.8, 0)])
    >>> print(summary_lines(r)[0])
    1 flag in 1 sentence; 1 of 1 sentence reads as biased.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from framing.labels import DEFAULT_LABELSET, LabelSet, bias_label
from framing.pipeline.results import DocumentResult, Sentence
from framing.wording import agree, plural

COLOURS = {
    "SCARE_QUOTE": "black on bright_magenta",
    "LOADED_LANGUAGE": "black on yellow",
    "NAME_CALLING": "black on bright_red",
    "EXAGGERATION": "black on bright_cyan",
    "DOUBT": "black on bright_green",
    "APPEAL_TO_FEAR": "white on dark_orange3",
    "FLAG_WAVING": "white on blue",
}
FALLBACK = ("black on plum2", "black on light_goldenrod1", "black on pale_turquoise1", "black on light_salmon1")


def colour(label: str, labels: LabelSet) -> str:
    if label in COLOURS:
        return COLOURS[label]
    return FALLBACK[labels.span_labels.index(label) % len(FALLBACK)]


def summary_lines(result: DocumentResult, sentence_labels: Sequence[str] = DEFAULT_LABELSET.sentence_labels,
                  show_quoted: bool = False, marks_phrases: bool = True) -> list[str]:
    """The closing summary: writer-voice flags and sentences (and quoted ones, shown or counted), sentence labels.

    A sentence that is mostly an attributed quotation is the source's wording: it counts under its label
    only with ``show_quoted``, and is otherwise mentioned in brackets, like flags in quoted words. A model
    whose label set has no span labels (``marks_phrases`` false) is told as one that marks sentences only.
    """
    voice = None if show_quoted else "writer"
    shown = result.spans_in(voice)
    flagged = {s.sentence for s in shown}
    n = plural(len(result.sentences), "sentence")
    parts = []
    biased = bias_label(sentence_labels)
    for label in sentence_labels:
        # ``biased`` carries the bias label where ``sentence_labels`` was not filled in (results built by hand)
        def carries(s: Sentence) -> bool:
            return label in s.sentence_labels or (label == biased and s.biased)

        carry = [s for s in result.sentences if carries(s)]
        k = sum(map(carries, result.sentences_in(voice)))
        verb = agree(k, "reads", "read")
        part = f"{k} of {n} {verb} as biased" if label == "BIASED" else f"{k} of {n} carry {label}"
        if len(carry) > k:
            part += f" ({len(carry) - k} more that {agree(len(carry) - k, 'is', 'are')} mostly quoted words)"
        parts.append(part)
    if not marks_phrases:
        return [f"{'; '.join(parts)}.",
                "This model marks sentences only: no phrase label reached the precision it must have on news to "
                "ship (see its model card)."]
    flags = f"{plural(len(shown), 'flag')} in {plural(len(flagged), 'sentence')}"
    quoted = len(result.spans_in("quoted"))
    if quoted and not show_quoted:
        flags += f" ({quoted} more in quoted words; --quoted shows them)"
    return [f"{'; '.join([flags, *parts])}."]


def render(result: DocumentResult, labels: LabelSet, console: Console, show_quoted: bool = False) -> None:
    """Print the article with flagged spans highlighted, the flags with reasons, and a sentence table.

    Writer-voice flags only, unless ``show_quoted``: then flags inside attributed quotations are shown
    too, underlined, with their voice in the flag table.
    """
    voice = None if show_quoted else "writer"
    spans = result.spans_in(voice)
    text = Text(result.text)
    # sentences that carry a sentence label are bold, in the voices shown (as the page marks them)
    for s in result.sentences_in(voice):
        if s.sentence_labels or s.biased:
            text.stylize("bold", s.start, s.end)
    for span in spans:
        style = colour(span.label, labels) + (" underline" if span.voice == "quoted" else "")
        text.stylize(style, span.start, span.end)
    console.print(text)
    console.print()
    if any(s.sentence_labels or s.biased for s in result.sentences):
        carries = " or ".join("reads as biased" if lab == "BIASED" else f"carries {lab}"
                              for lab in labels.sentence_labels)
        console.print(Text(" bold ", style="bold"), Text(f"a sentence that {carries}", style="dim"))
    used = [lab for lab in labels.span_labels if any(s.label == lab for s in spans)]
    for lab in used:
        console.print(Text(f" {lab} ", style=colour(lab, labels)), Text(labels.description(lab), style="dim"))
    if spans:
        console.print()
        flags = Table(title="Flags", show_lines=False)
        for col in ("sentence", "label", "text", "confidence", *(["voice"] if show_quoted else [])):
            flags.add_column(col)
        for s in spans:
            flags.add_row(str(s.sentence + 1), Text(s.label, style=colour(s.label, labels)), s.text, f"{s.score:.2f}",
                          *([s.voice] if show_quoted else []))
        console.print(flags)
    table = Table(title="Sentences")
    # the default model's one sentence label keeps its familiar columns; other label sets get one per label
    own = tuple(labels.sentence_labels) != DEFAULT_LABELSET.sentence_labels
    heads = [label.lower() for label in labels.sentence_labels] if own else ["bias", "biased"]
    phrase_column = ["labels"] if labels.span_labels else []
    for col in ("#", *heads, *phrase_column, "sentence"):
        table.add_column(col, overflow="fold")
    for i, s in enumerate(result.sentences, 1):
        short = s.text if len(s.text) <= 70 else s.text[:67] + "..."
        if own:
            cells = [f"{s.sentence_scores[lab]:.2f}{' yes' if lab in s.sentence_labels else ''}"
                     for lab in labels.sentence_labels]
        else:
            cells = [f"{s.bias:.2f}", ("yes" if s.voice == "writer" else "quoted") if s.biased else ""]
        table.add_row(str(i), *cells, *([", ".join(s.labels)] if phrase_column else []), short)
    console.print(table)
    for line in summary_lines(result, labels.sentence_labels, show_quoted, bool(labels.span_labels)):
        console.print(line)
