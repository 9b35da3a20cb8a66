import pytest

from framing.labels import DEFAULT_LABELSET, LabelSet, LabelSetError


def test_default_labels_are_exactly_the_documented_set():
    assert DEFAULT_LABELSET.span_labels == ("SCARE_QUOTE", "LOADED_LANGUAGE", "NAME_CALLING", "EXAGGERATION",
                                            "DOUBT", "APPEAL_TO_FEAR", "FLAG_WAVING")
    assert DEFAULT_LABELSET.sentence_labels == ("BIASED",)
    assert all(DEFAULT_LABELSET.description(n) for n in DEFAULT_LABELSET.span_labels)


def test_round_trip(tmp_path):
    DEFAULT_LABELSET.save(tmp_path / "labels.json")
    assert LabelSet.load(tmp_path / "labels.json") == DEFAULT_LABELSET


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"span_labels": ("hedge",), "sentence_labels": (), "descriptions": {"hedge": "x"}},
         "label 'hedge': names must be UPPER_SNAKE_CASE, e.g. 'LOADED_LANGUAGE'"),
        ({"span_labels": ("HEDGE",), "sentence_labels": (), "descriptions": {}},
         "label 'HEDGE': needs a non-empty description (it is shown to users)"),
        ({"span_labels": ("HEDGE", "HEDGE"), "sentence_labels": (), "descriptions": {"HEDGE": "x"}},
         "label 'HEDGE': listed twice"),
        ({"span_labels": ("HEDGE",), "sentence_labels": (), "descriptions": {"HEDGE": "x"}, "quote_label": "SCARE"},
         "label 'SCARE': quote_label must be one of the span labels"),
    ],
)
def test_invalid_label_sets_name_the_label(kwargs, message):
    with pytest.raises(LabelSetError) as err:
        LabelSet(**kwargs)
    assert str(err.value) == message


def test_bad_json_names_file_and_line(tmp_path):
    path = tmp_path / "labels.json"
    path.write_text('{\n  "span_labels": [\n}', encoding="utf-8")
    with pytest.raises(LabelSetError, match=r"labels\.json:3: not valid JSON"):
        LabelSet.load(path)
