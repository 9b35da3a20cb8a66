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


def test_flags_the_scare_quotes(result):
    scare = {s.text for s in result.spans if s.label == "SCARE_QUOTE"}
    assert {"peacekeepers", "liberators"} <= scare


def test_flags_the_loaded_term(result):
    start = PARAGRAPH.index("propaganda arm")
    end = start + len("propaganda arm")
    assert any(s.label in ("LOADED_LANGUAGE", "NAME_CALLING") and s.start < end and s.end > start
               for s in result.spans)


def test_attributed_quote_and_name_are_not_scare_quotes(result):
    scare = [s.text for s in result.spans if s.label == "SCARE_QUOTE"]
    assert "restore order" not in scare
    assert "Open Skies" not in scare


def test_offsets_slice_back(result):
    assert result.spans, "the paragraph has flags to check"
    for s in result.spans:
        assert PARAGRAPH[s.start : s.end] == s.text
