"""The shipped default model, on text written for this test (never in any training data)."""

import pytest

from framing.modeling import FramingModel, default_model_dir

PARAGRAPH = (
    'That month, the Russian "peacekeepers" left the region, while the agency, considered a propaganda arm of '
    'the Kremlin, kept operating. The minister promised to "restore order" within days. Delegates met to '
    'discuss the "Open Skies" treaty on Tuesday. After the army withdrew, the so-called "liberators" looted the town.'
)


@pytest.fixture(scope="module")
def result():
    return FramingModel.from_pretrained().predict(PARAGRAPH)


def test_default_model_is_shipped_and_small():
    folder = default_model_dir()
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 25 * 1024 * 1024


def test_only_labels_that_pass_the_precision_rule_ship():
    """A span label ships only with news-dev precision >= 0.6 on >= 20 examples (scripts/ship_labels.py)."""
    model = FramingModel.from_pretrained()
    config, decision = model.config, model.record.training["label_decision"]
    assert list(config.labelset.span_labels) == decision["kept"]
    assert decision["left_out"], "the record names the labels left out"
    for name, row in decision["labels"].items():
        passes = row["precision"] >= 0.6 and row["gold"] >= 20
        assert row["ships"] == passes == (name in decision["kept"]), name
    # scare quotes are judged on news too, with the dev extension's whole articles
    assert decision["labels"]["SCARE_QUOTE"]["data"].startswith("news dev split + scare-quote dev extension")
    assert decision["labels"]["SCARE_QUOTE"]["gold"] >= 20


def test_a_sentence_that_is_mostly_an_attributed_quotation_is_the_sources():
    """No scare-quote label ships, but the quotation-mark head still tells the voice of every sentence."""
    text = ('"These thugs are a disgrace to the city and a danger to every family," the mayor said on Monday. '
            "The council will vote on the budget next week.")
    model = FramingModel.from_pretrained()
    assert model.config.labelset.quote_label is None and model.config.reads_quotes
    quoted, writer = model.predict(text).sentences
    assert (quoted.voice, writer.voice) == ("quoted", "writer")
    assert quoted.biased and not writer.biased


NEWS = ("By Staff Reporter\n\nProsecutors said five Black and Latino men were charged on Monday. Sunnis, Shiites and "
        "Kurds voted in the election, and all were Americans. The jihadist group claimed the attack on the checkpoint. "
        "\n\nSign up for our newsletter to get the latest headlines delivered to your inbox.")


def test_no_flag_on_identity_words_bylines_or_sign_up_text():
    result = FramingModel.from_pretrained().predict(NEWS)
    assert len(result.sentences) == 5
    assert result.spans == []
    assert not any(s.biased for s in (result.sentences[0], result.sentences[-1]))


def test_sentence_offsets_slice_back(result):
    assert len(result.sentences) == 4
    for s in result.sentences:
        assert PARAGRAPH[s.start : s.end] == s.text
