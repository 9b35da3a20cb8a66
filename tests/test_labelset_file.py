"""The label-set file: JSON or YAML, validated on load with errors that name the file and the label."""

import json

import pytest

from framing.labels import DEFAULT_LABELSET, LabelSet, LabelSetError

YAML = """\
span_labels:
  - name: HEDGE
    description: Words that distance the writer from a claim ('reportedly', 'is said to').
  - name: EUPHEMISM
    description: A mild word for violence ('collateral damage').
sentence_labels:
  - name: UNVERIFIED
    description: The sentence passes on a claim without saying who confirmed it.
"""


def test_yaml_and_json_files_give_the_same_label_set(tmp_path):
    (tmp_path / "labels.yaml").write_text(YAML, encoding="utf-8")
    from_yaml = LabelSet.load(tmp_path / "labels.yaml")
    assert from_yaml.span_labels == ("HEDGE", "EUPHEMISM")
    assert from_yaml.sentence_labels == ("UNVERIFIED",)
    assert from_yaml.description("EUPHEMISM") == "A mild word for violence ('collateral damage')."
    assert from_yaml.quote_label is None
    from_yaml.save(tmp_path / "labels.json")
    assert LabelSet.load(tmp_path / "labels.json") == from_yaml


def test_a_model_folders_labels_json_is_a_label_set_file(tmp_path):
    DEFAULT_LABELSET.save(tmp_path / "labels.json")
    (tmp_path / "labels.yml").write_text(json.dumps(DEFAULT_LABELSET.to_dict()), encoding="utf-8")  # JSON is YAML
    assert LabelSet.load(tmp_path / "labels.yml") == DEFAULT_LABELSET


@pytest.mark.parametrize(
    "content, message",
    [
        ("span_labels:\n  - name: hedge\n    description: x\n",
         "label 'hedge': names must be UPPER_SNAKE_CASE, e.g. 'LOADED_LANGUAGE'"),
        ("span_labels:\n  - name: HEDGE\n",
         "span_labels[0] ('HEDGE'): needs a 'description' (it is shown to users)"),
        ("span_labels:\n  - name: HEDGE\n    description: '  '\n",
         "label 'HEDGE': needs a non-empty description (it is shown to users)"),
        ("span_labels:\n  - name: HEDGE\n    description: x\n    colour: red\n",
         "span_labels[0] ('HEDGE'): unknown key(s) 'colour'; a label has only 'name' and 'description'"),
        ("span_labels:\n  - description: x\n", "span_labels[0]: needs a 'name' (a string such as 'HEDGE')"),
        ("span_labels:\n  - HEDGE\n",
         "span_labels[0]: must be a mapping with 'name' and 'description', got 'HEDGE'"),
        ("span_labels: HEDGE\n", "span_labels: must be a list of {name, description} entries"),
        ("span_labels:\n  - name: HEDGE\n    description: x\nsentence_labels:\n  - name: HEDGE\n    description: y\n",
         "label 'HEDGE': listed twice"),
        ("spans:\n  - name: HEDGE\n",
         "unknown key(s) 'spans'; expected 'span_labels', 'sentence_labels' and optionally 'quote_label'"),
        ("span_labels: []\n", "no labels: give at least one span label or sentence label"),
        ("- HEDGE\n", "must be a mapping with 'span_labels' and/or 'sentence_labels', got list"),
        ("span_labels:\n  - name: HEDGE\n    description: x\nquote_label: SCARE_QUOTE\n",
         "label 'SCARE_QUOTE': quote_label must be one of the span labels"),
    ],
)
def test_invalid_files_name_the_file_and_the_label(tmp_path, content, message):
    path = tmp_path / "labels.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelSetError) as err:
        LabelSet.load(path)
    assert str(err.value) == f"{path}: {message}"


def test_bad_yaml_names_the_line(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text("span_labels:\n  - name: HEDGE\n   description: [x\n", encoding="utf-8")
    with pytest.raises(LabelSetError, match=r"labels\.yaml:3: not valid YAML"):
        LabelSet.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(LabelSetError) as err:
        LabelSet.load(tmp_path / "nope.json")
    assert str(err.value) == f"{tmp_path / 'nope.json'}: no such file"
