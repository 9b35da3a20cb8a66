import pytest

from framing.evaluation.baselines import rule_is_scare
from framing.evaluation.metrics import semeval_span_prf, span_report


def test_semeval_partial_credit_worked_by_hand():
    # pred [0,10) vs gold [5,25): overlap 5 -> P = 5/10, R = 5/20, F = 2*.5*.25/.75 = 1/3
    p, r, f = semeval_span_prf([(0, 10)], [(5, 25)])
    assert (p, r) == (0.5, 0.25)
    assert f == pytest.approx(1 / 3)


def test_semeval_two_preds_one_gold():
    # gold [0,10); preds [0,4) and [6,10): each fully inside -> P = 1; R = (4+4)/10 = 0.8
    assert semeval_span_prf([(0, 4), (6, 10)], [(0, 10)])[:2] == (1.0, 0.8)


def test_semeval_empty_sides():
    assert semeval_span_prf([], [(0, 3)]) == (0.0, 0.0, 0.0)
    assert semeval_span_prf([(0, 3)], []) == (0.0, 0.0, 0.0)


def test_span_report_words_and_labels():
    text = "the propaganda arm of the regime"
    gold = [(4, 18, "LOADED_LANGUAGE")]
    pred = [(4, 14, "LOADED_LANGUAGE"), (26, 32, "LOADED_LANGUAGE")]
    rep = span_report([(text, gold, pred)], ["LOADED_LANGUAGE"])["LOADED_LANGUAGE"]
    # words: gold = propaganda, arm; pred = propaganda, regime
    assert (rep["precision"], rep["recall"], rep["support"]) == (0.5, 0.5, 2)


def test_rule_baseline():
    assert rule_is_scare('Russian "peacekeepers" left.', 9, 21)
    assert not rule_is_scare('The minister promised to "restore order" soon, he said.', 26, 39)
    assert not rule_is_scare('It was "a long and winding road to nowhere" indeed.', 8, 42)
