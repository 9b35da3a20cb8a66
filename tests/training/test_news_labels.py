"""scripts/train.py --news-labels: the news stage trains only the named tagged labels, and keeps the quote head."""

import pytest
from script_module import load_script

from framing.labels import DEFAULT_LABELSET


def test_news_labels_keep_only_the_named_labels_and_the_quote_head():
    train = load_script("train")
    labels = train.news_labelset("LOADED_LANGUAGE, DOUBT")
    assert labels.tagged_labels == tuple(n for n in DEFAULT_LABELSET.tagged_labels if n in {"LOADED_LANGUAGE", "DOUBT"})
    assert labels.quote_label == DEFAULT_LABELSET.quote_label in labels.span_labels
    assert set(labels.descriptions) >= {"LOADED_LANGUAGE", "DOUBT", labels.quote_label}
    assert "NAME_CALLING" not in labels.descriptions
    assert train.news_labelset(",".join(DEFAULT_LABELSET.tagged_labels)) == DEFAULT_LABELSET
    with pytest.raises(SystemExit, match=r"^--news-labels: unknown or no label \(SPIN\); choose from "):
        train.news_labelset("LOADED_LANGUAGE,SPIN")
