import pytest

from framing.pipeline.quotes import QUOTE_CHARS, find_quotes


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


def quotes(text):
    """(start, end, inner_start, inner_end) of each quote, after checking that each slices back to its marks."""
    found = find_quotes(text)
    assert found, text
    for q in found:
        assert text[q.start] in QUOTE_CHARS and text[q.end - 1] in QUOTE_CHARS
        assert text[q.inner_start : q.inner_end] == text[q.start + 1 : q.end - 1].strip()
    return [(q.start, q.end, q.inner_start, q.inner_end) for q in found]


@pytest.mark.parametrize("text, expected", [
    # German „…“ (and the Polish „…”)
    ("Er nannte es \u201eReform\u201c und ging.", [(13, 21, 14, 20, "Reform")]),
    ("\u201eDas ist\u201c, sagte er, \u201eneu\u201c.", [(0, 9, 1, 8, "Das ist"), (21, 26, 22, 25, "neu")]),
    ("Nazwa \u201ereforma\u201d.", [(6, 15, 7, 14, "reforma")]),
    ("Er sagte \u201aja\u2018 dazu.", [(9, 13, 10, 12, "ja")]),
    # Swedish and Finnish \u201d\u2026\u201d, and an English opening mark mistyped as \u201d
    # (a \u201c still closes with \u201d)
    ("Han kallade det \u201dreform\u201d och gick.", [(16, 24, 17, 23, "reform")]),
    ("the so-called \u201dmiracle cure\u201d and \u201creal\u201d ones", [(14, 28, 15, 27, "miracle cure"),
                                                                  (33, 39, 34, 38, "real")]),
    # guillemets, French (with the spaces inside), German and Swiss
    ("Il a dit \u00ab\u00a0non\u00a0\u00bb et \u00abjamais\u00bb.", [(9, 16, 11, 14, "non"),
                                                                       (20, 28, 21, 27, "jamais")]),
    ("Er sagte \u00bbnie\u00ab und \u00bbwieder\u00ab.", [(9, 14, 10, 13, "nie"), (19, 27, 20, 26, "wieder")]),
    ("Le \u2039\u00a0mot\u00a0\u203a seul.", [(3, 10, 5, 8, "mot")]),
])
def test_german_quotes_and_guillemets_are_paired(text, expected):
    assert quotes(text) == [e[:4] for e in expected]
    assert [q.inner(text) for q in find_quotes(text)] == [e[4] for e in expected]


def test_straight_quotes_nest_as_brackets_and_never_cross():
    text = 'He said "a "nested" b" today.'
    assert quotes(text) == [(8, 22, 9, 21), (11, 19, 12, 18)]
    assert [q.inner(text) for q in find_quotes(text)] == ['a "nested" b', "nested"]  # was 'a "nested'
    for outer in find_quotes(text):  # no quote starts inside another and ends outside it
        for inner in find_quotes(text):
            assert not (outer.start < inner.start < outer.end < inner.end)
    mixed = "\u201cHe called it \"reform\" today.\u201d"
    assert [q.inner(mixed) for q in find_quotes(mixed)] == ['He called it "reform" today.', "reform"]


@pytest.mark.parametrize("text, expected", [
    ('He said "never. Then "yes" came.', [(21, 26, 22, 25)]),  # was 'never. Then "yes'
    ('She wrote "one and "two" and "three".', [(19, 24, 20, 23), (29, 36, 30, 35)]),
    ('The word" then "yes" came.', [(15, 20, 16, 19)]),  # a stray closing mark opens nothing
    ("a \u201cone \u201ctwo\u201d three", [(7, 12, 8, 11)]),
    ("Er \u201esagte \u201eja\u201c.", [(10, 14, 11, 13)]),
])
def test_an_unbalanced_mark_does_not_swallow_the_next_quote(text, expected):
    assert quotes(text) == expected
    assert all(text[s:e].count(text[s]) <= 2 for s, e, _, _ in expected)
