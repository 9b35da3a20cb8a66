"""scripts/sentence_flags_on_news.py: precision, recall and flags per 1,000 words of biased-sentence flags."""

from script_module import load_script


def test_figures_count_flags_at_the_threshold_against_sentences_that_hold_a_mark():
    figures = load_script("sentence_flags_on_news").figures
    rows = [("a", 0.9, True, 10), ("a", 0.8, False, 20), ("b", 0.2, True, 30), ("b", 0.1, False, 40)]
    assert figures(rows, 0.5) == (0.5, 0.5, 20.0, 2)  # 1 of 2 flags holds a mark; 1 of 2 marked found; 2 per 100 words
    assert figures(rows, 0.95) == (0.0, 0.0, 0.0, 0)
