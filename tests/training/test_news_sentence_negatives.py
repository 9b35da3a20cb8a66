"""Straight news's unmarked sentences as not-biased examples for the sentence head."""

from framing.data.annotated import SpanAnnotation
from framing.data.framing_corpus import FramingDocument
from framing.training.news_recipe import straight_news_negatives

TEXT = "By Staff Reporter. The council met on Monday. The thugs won again. The vote was 5 to 2."


def doc(genre: str) -> FramingDocument:
    start = TEXT.index("thugs")
    return FramingDocument("allsides:" + genre, "Outlet", genre, "train", TEXT,
                           (SpanAnnotation(start, start + 5, "NAME_CALLING", "allsides:" + genre, "writer"),),
                           furniture=((0, TEXT.index(".") + 1),))


def test_only_unmarked_sentences_of_straight_news_that_are_not_furniture_become_negatives():
    examples = straight_news_negatives([doc("news"), doc("opinion")], 10, seed=13)
    assert sorted(e.text for e in examples) == ["The council met on Monday.", "The vote was 5 to 2."]
    assert {e.label for e in examples} == {0.0}


def test_a_fixed_sample_of_n():
    docs = [doc("news")]
    first = straight_news_negatives(docs, 1, seed=13)
    assert len(first) == 1 and first == straight_news_negatives(docs, 1, seed=13)
