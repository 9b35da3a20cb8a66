"""The news corpus's quotations as quote-head training data: scare quotes known, the rest only 'not SCARE'."""

import torch

from framing.data.annotated import SpanAnnotation
from framing.data.framing_corpus import FramingDocument
from framing.training.examples import NOT_SCARE
from framing.training.news_recipe import quote_examples
from framing.training.steps import quote_loss

CLASSES = ("SCARE", "DIRECT", "TITLE_NAME", "MENTION", "OTHER")
TEXT = 'The "peacekeepers" stayed. The minister promised to "restore order" soon. No quotes here.'


def doc(doc_id: str = "allsides:x") -> FramingDocument:
    start = TEXT.index('"peacekeepers"')
    return FramingDocument(doc_id, "Outlet", "news", "train", TEXT,
                           (SpanAnnotation(start + 1, start + 13, "SCARE_QUOTE", doc_id, "writer"),))


def test_marked_quotes_are_scare_and_the_others_not_scare():
    examples = quote_examples([doc()], CLASSES)
    assert [e.text for e in examples] == ['The "peacekeepers" stayed.',
                                          'The minister promised to "restore order" soon.']
    found = [(q.inner(e.text), c) for e in examples for q, c in e.quotes]
    assert found == [("peacekeepers", 0), ("restore order", NOT_SCARE)]


def test_documents_to_skip_are_left_out():
    assert quote_examples([doc("allsides:x")], CLASSES, skip={"allsides:x"}) == []


def test_a_not_scare_quote_is_penalised_only_for_scare():
    logits = torch.tensor([[0.0, 5.0, -5.0], [0.0, -5.0, 5.0], [5.0, 0.0, 0.0]])
    not_scare = torch.tensor([NOT_SCARE] * 3)
    losses = [quote_loss(logits[i : i + 1], not_scare[i : i + 1], scare=0).item() for i in range(3)]
    assert abs(losses[0] - losses[1]) < 1e-6  # DIRECT or TITLE_NAME: equally right
    assert losses[2] > 4 > losses[0]  # SCARE: wrong
