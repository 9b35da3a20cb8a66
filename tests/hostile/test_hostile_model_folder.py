"""A damaged --model folder is one line naming the file, exit 2, in every command that loads a model."""

import json
import shutil

import pytest
from hostile_util import fails, fails_with_report, plant, snapshot, write_jsonl

from tiny import NEUTRAL


def truncate_weights(folder):
    w = folder / "model.safetensors"
    w.write_bytes(w.read_bytes()[: w.stat().st_size // 2])
    return "model.safetensors: not a readable safetensors file"


def garbage_weights(folder):
    (folder / "model.safetensors").write_bytes(b"\x00garbage" * 100)
    return "model.safetensors: not a readable safetensors file"


def config_not_json(folder):
    (folder / "config.json").write_text('{"lora_rank": 16,', encoding="utf-8")
    return "config.json:1: not valid JSON"


def edit_config(change):
    def damage(folder):
        path = folder / "config.json"
        config = json.loads(path.read_text(encoding="utf-8"))
        message = change(config)
        path.write_text(json.dumps(config), encoding="utf-8")
        return message
    damage.__name__ = change.__name__
    return damage


@edit_config
def wrong_type(config):
    config["lora_rank"] = "16"
    return "config.json: 'lora_rank' must be an integer, got str '16'"


@edit_config
def missing_key(config):
    del config["labelset"]
    return "config.json: missing key(s) 'labelset'"


@edit_config
def unknown_key(config):
    config["dropout"] = 0.1
    return "config.json: unknown key(s) 'dropout'"


@edit_config
def labels_do_not_fit(config):
    config["labelset"]["span_labels"].append({"name": "EXTRA", "description": "One label more than the weights."})
    return "weights do not fit"


def seen_garbage(folder):
    (folder / "seen_documents.json").write_text("[1, 2", encoding="utf-8")
    return "seen_documents.json: cannot be read"


def record_garbage(folder):
    (folder / "record.json").write_text('{"training": ', encoding="utf-8")
    return "record.json:1: not valid JSON"


DAMAGES = [truncate_weights, garbage_weights, config_not_json, wrong_type, missing_key, unknown_key,
           labels_do_not_fit, seen_garbage, record_garbage]


@pytest.fixture
def workspace(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(NEUTRAL, encoding="utf-8")
    write_jsonl(tmp_path / "corpus.jsonl", [{"id": "1", "text": NEUTRAL}])
    write_jsonl(tmp_path / "gold.jsonl", [{"id": "1", "text": NEUTRAL, "spans": []}])
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"span_labels": [{"name": "HEDGE", "description": "Hedges."}]}), encoding="utf-8")
    for name, text in (("t.json", "The ambassador reportedly left."), ("d.json", "The judge reportedly left.")):
        start = text.index("reportedly")
        value = {"start": start, "end": start + 10, "labels": ["HEDGE"]}
        tasks = [{"id": 1, "data": {"text": text}, "annotations": [{"result": [{"type": "labels", "value": value}]}]}]
        (tmp_path / name).write_text(json.dumps(tasks), encoding="utf-8")
    return tmp_path


def commands(ws, model):
    return {
        "check": ["check", ws / "article.txt", "--model", model],
        "score": ["score", ws / "corpus.jsonl", "--out", ws / "scores", "--model", model],
        "evaluate": ["evaluate", "--model", model, "--data", f"jsonl:{ws / 'gold.jsonl'}", "--out", ws / "report"],
        "serve": ["serve", "--model", model, "--port", "0"],
        "train --base": ["train", "--labels", ws / "labels.json", "--train", ws / "t.json", "--dev", ws / "d.json",
                         "--out", ws / "trained", "--base", model, "--epochs", "1"],
    }


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("command", ["check", "score", "evaluate", "serve", "train --base"])
def test_damaged_model_folder_is_one_line_and_exit_2(tiny_model_dir, workspace, capsys, damage, command):
    model = workspace / "model"
    shutil.copytree(tiny_model_dir, model)
    message = damage(model)
    before = plant(workspace / "mine")
    model_files = snapshot(model)
    check = fails_with_report if command == "train --base" else fails  # train lists its validation first
    err = check(capsys, commands(workspace, model)[command], message)
    assert err.splitlines()[-1].startswith(f"framing: error: {model}")
    assert snapshot(model) == model_files and snapshot(workspace / "mine") == before
    for partial in ("scores", "report", "trained", "trained.checkpoint"):
        assert not (workspace / partial).exists() or not any((workspace / partial).glob("*.parquet"))
