"""Model folder hygiene: config.json holds architecture, labels and thresholds; the records go to record.json,
the card is rendered from both; a folder whose config.json still holds the records loads and can be rewritten."""

import hashlib
import json
import shutil

import pytest

from framing.errors import ModelFolderError
from framing.model_card import update_folder
from framing.model_files import CARD_NAME, CONFIG_NAME, RECORD_NAME, WEIGHTS_NAME
from framing.modeling import FramingModel
from framing.record import RECORD_KEYS, ModelRecord
from tiny import LOADED, SCARE_TEXT

RECORD = {"training": {"command": "python scripts/train.py", "best_epoch": 2,
                       "label_decision": {"rule": "a rule", "labels": {"SCARE_QUOTE": {
                           "data": "dev", "precision": 0.7, "gold": 30, "ships": True}}}},
          "metrics": {"note": "Dev figures.", "sentence": {"data": "BABE dev", "macro_f1": 0.8, "accuracy": 0.81,
                                                           "majority_macro_f1": 0.33, "n": 50}},
          "evaluation": {}}


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def legacy(tiny_model_dir, tmp_path):
    """The tiny model in the layout before record.json: the records inside config.json."""
    folder = shutil.copytree(tiny_model_dir, tmp_path / "legacy")
    config = json.loads((folder / CONFIG_NAME).read_text())
    assert not (folder / RECORD_NAME).exists() and set(config).isdisjoint(RECORD_KEYS)
    (folder / CONFIG_NAME).write_text(json.dumps({**config, **RECORD}, indent=2) + "\n")
    return folder


def test_an_older_folder_loads_with_its_records(legacy, tiny_model_dir):
    model = FramingModel.from_pretrained(legacy)
    assert model.record == ModelRecord(**RECORD)
    assert not hasattr(model.config, "training")
    assert model.config == FramingModel.from_pretrained(tiny_model_dir).config
    before = FramingModel.from_pretrained(tiny_model_dir).predict(LOADED + " " + SCARE_TEXT)
    assert model.predict(LOADED + " " + SCARE_TEXT) == before


def test_update_folder_moves_the_records_out_and_keeps_weights_and_thresholds(legacy):
    weights, thresholds = sha256(legacy / WEIGHTS_NAME), json.loads((legacy / CONFIG_NAME).read_text())["thresholds"]
    update_folder(legacy)
    config = json.loads((legacy / CONFIG_NAME).read_text())
    assert set(config).isdisjoint(RECORD_KEYS) and config["thresholds"] == thresholds
    assert json.loads((legacy / RECORD_NAME).read_text()) == RECORD
    assert sha256(legacy / WEIGHTS_NAME) == weights
    card = (legacy / CARD_NAME).read_text()
    assert "## Labels left out" in card and "| SCARE_QUOTE | dev | 0.700 |  | 30 | yes |" in card
    assert "### Sentence bias (BABE dev)" in card and '"best_epoch": 2' in card
    assert FramingModel.from_pretrained(legacy).record == ModelRecord(**RECORD)


def test_save_pretrained_writes_the_record_apart(legacy, tmp_path):
    model = FramingModel.from_pretrained(legacy)
    model.record.evaluation = {"created": "2026-12-01", "data": [], "headline": []}
    model.save_pretrained(tmp_path / "out")
    config = json.loads((tmp_path / "out" / CONFIG_NAME).read_text())
    assert set(config).isdisjoint(RECORD_KEYS)
    assert json.loads((tmp_path / "out" / RECORD_NAME).read_text())["evaluation"]["created"] == "2026-12-01"
    assert "## Latest evaluation" in (tmp_path / "out" / CARD_NAME).read_text()


def test_record_json_wins_over_the_records_of_an_older_config(legacy):
    ModelRecord(training={"best_epoch": 9}).save(legacy)
    assert FramingModel.from_pretrained(legacy).record.training == {"best_epoch": 9}


@pytest.mark.parametrize("content, message", [
    ('{"training": ', f"{RECORD_NAME}:1: not valid JSON"),
    ('{"metrics": [1]}', f"{RECORD_NAME}: 'metrics' must be an object, got list"),
    ('{"notes": {}}', f"{RECORD_NAME}: unknown key(s) 'notes'; expected training, metrics, evaluation"),
])
def test_a_damaged_record_names_the_file(tiny_model_dir, tmp_path, content, message):
    folder = shutil.copytree(tiny_model_dir, tmp_path / "m")
    (folder / RECORD_NAME).write_text(content)
    with pytest.raises(ModelFolderError) as e:
        FramingModel.from_pretrained(folder)
    assert str(e.value).startswith(str(folder / message.split(":")[0]))
    assert message.split(RECORD_NAME, 1)[1] in str(e.value)
