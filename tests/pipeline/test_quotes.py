import pytest

from framing.pipeline.quotes import find_quotes


def inners(text):
    return [q.inner(text) for q in find_quotes(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('That month, the Russian "peacekeepers" left.', ["peacekeepers"]),
        ("That month, the Russian \u201cpeacekeepers\u201d left.", ["peacekeepers"]),
        ("the so-called \u2018reforms\u2019 failed", ["reforms"]),
        ("the so-called 'reforms' failed", ["reforms"]),
        ('\u201cWe won,\u201d he said. "Again."', ["We won,", "Again."]),
        ("He said: \u201cthey call it a \u2018reform\u2019.\u201d", ["they call it a \u2018reform\u2019.", "reform"]),
    ],
)
def test_finds_straight_and_curly_double_and_single(text, expected):
    assert inners(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Don't say it's over.", "The workers' union met in the '90s.", "It\u2019s the workers\u2019 union.",
     "O'Brien's dog"],
)
def test_apostrophes_are_not_quotes(text):
    assert inners(text) == []


def test_offsets_slice_marks_and_inner():
    text = 'A "b c" and \u201cd\u201d.'
    assert len(find_quotes(text)) == 2
    for q in find_quotes(text):
        assert text[q.start] in '"\u201c' and text[q.end - 1] in '"\u201d'
        assert text[q.inner_start : q.inner_end] == text[q.start + 1 : q.end - 1]


def test_quotes_do_not_pair_across_paragraphs():
    assert inners('He said "never\n\nThen "yes" came.') == ["yes"]
