"""Precision modes: which one is chosen, how one is forced, and that each front end runs and records it."""

import io
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from framing.batch.score import score_corpus
from framing.cli.main import main
from framing.errors import UsageError
from framing.modeling import FramingModel
from framing.nn import precision
from tiny import DIRECT_TEXT, LOADED, NEUTRAL, SCARE_TEXT

TEXTS = [LOADED + " " + NEUTRAL, SCARE_TEXT, DIRECT_TEXT + "\n" + LOADED, NEUTRAL * 3, ""]


@pytest.fixture
def no_native_bf16(monkeypatch):
    """A CPU without native bf16, as far as the library can tell."""
    monkeypatch.delenv(precision.ENV_VAR, raising=False)
    monkeypatch.setattr(precision, "native_bf16", lambda: False)


def results(model, **options):
    return [model.decode(s).to_dict() for s in model.score_many(TEXTS, batch_size=2, **options)]


def flags(docs):
    """What a reader sees: the flagged spans and biased sentences (the scores differ in the last digits)."""
    return [([(s["start"], s["end"], s["label"]) for s in d["spans"]], [s["biased"] for s in d["sentences"]])
            for d in docs]


def probabilities(model):
    return np.concatenate([s.inside.ravel() for d in model.score_many(TEXTS) for s in d.sentences if len(s.units)])


def test_auto_picks_bf16_only_with_native_support(monkeypatch):
    monkeypatch.delenv(precision.ENV_VAR, raising=False)
    assert precision.resolve(None, bf16_supported=True) == "bf16"
    assert precision.resolve("auto", bf16_supported=False) == "fp32"
    assert precision.resolve(None, bf16_supported=False) == "fp32"


def test_auto_never_picks_int8():
    assert "int8" not in precision.AUTO_MODES
    assert precision.resolve("int8", bf16_supported=True) == "int8"  # only when forced


def test_environment_variable_forces_a_mode_and_the_argument_wins(monkeypatch):
    monkeypatch.setenv(precision.ENV_VAR, "FP32")
    assert precision.resolve(None, bf16_supported=True) == "fp32"
    assert precision.resolve("bf16", bf16_supported=False) == "bf16"
    monkeypatch.setenv(precision.ENV_VAR, "fp16")
    with pytest.raises(UsageError, match="FRAMING_PRECISION='fp16': not a precision mode; choose one of auto, fp32"):
        precision.resolve()


def test_native_bf16_falls_back_to_cpu_flags(tmp_path, monkeypatch):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 avx512_vnni\n")
    assert {"avx512_bf16", "avx512_vnni"} <= precision.cpu_flags(str(info))
    assert precision.cpu_flags(str(tmp_path / "missing")) == set()
    precision.native_bf16.cache_clear()
    monkeypatch.setattr(torch.backends.mkldnn, "is_available", lambda: (_ for _ in ()).throw(RuntimeError("no")))
    monkeypatch.setattr(precision, "cpu_flags", lambda path=precision.CPUINFO: {"avx512_bf16"})
    try:
        assert precision.native_bf16() is True
    finally:
        precision.native_bf16.cache_clear()


def test_without_native_bf16_everything_runs_fp32_with_fp32_results(tiny_model_dir, no_native_bf16):
    auto = FramingModel.from_pretrained(tiny_model_dir)
    forced = FramingModel.from_pretrained(tiny_model_dir, precision="fp32")
    assert auto.precision == forced.precision == "fp32"
    assert precision.mode_of(auto.network) == "fp32"
    assert all(p.dtype == torch.float32 for p in auto.network.parameters())
    assert results(auto) == results(forced)
    assert results(auto, workers=2) == results(forced)


def test_bf16_mode_keeps_the_last_layer_and_heads_fp32(tiny_model_dir):
    model = FramingModel.from_pretrained(tiny_model_dir, precision="bf16")
    assert model.precision == precision.mode_of(model.network) == "bf16"
    first, last = model.network.encoder.layers
    assert isinstance(first, precision.Bf16Layer) and first.layer.qkv.weight.dtype == torch.bfloat16
    assert not isinstance(last, precision.Bf16Layer) and last.qkv.weight.dtype == torch.float32
    assert model.network.tagger.weight.dtype == torch.float32


def test_bf16_runs_every_layer_of_a_model_that_tags_no_labels():
    from framing.nn.bert import BertEncoder
    from framing.nn.network import FramingNetwork

    def network(n_tag_labels):
        encoder = BertEncoder(dict(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                                   intermediate_size=32, max_position_embeddings=64))
        return FramingNetwork(encoder, n_tag_labels=n_tag_labels, n_sentence_labels=1, n_quote_classes=5).eval()

    untagged, tagged = precision.apply(network(0), "bf16"), precision.apply(network(2), "bf16")
    assert [isinstance(layer, precision.Bf16Layer) for layer in untagged.encoder.layers] == [True, True]
    assert [isinstance(layer, precision.Bf16Layer) for layer in tagged.encoder.layers] == [True, False]
    assert untagged.sentence_head.weight.dtype == torch.float32
    ids = torch.ones(2, 5, dtype=torch.long)
    with torch.inference_mode():
        hidden, tags, sentence = untagged(ids, torch.ones_like(ids), torch.zeros_like(ids))
    assert hidden.dtype == sentence.dtype == torch.float32 and tuple(tags.shape) == (2, 5, 0, 3)


def test_bf16_applies_inside_worker_threads(tiny_model_dir):
    # the bf16 layers hold bf16 weights: without autocast entered in the worker thread they would fail
    model = FramingModel.from_pretrained(tiny_model_dir, precision="bf16")
    one = results(model)
    assert results(model, workers=2) == one
    assert any(d["spans"] for d in one)


def test_bf16_probabilities_stay_close_to_fp32(tiny_model_dir):
    fp32 = probabilities(FramingModel.from_pretrained(tiny_model_dir, precision="fp32"))
    bf16 = probabilities(FramingModel.from_pretrained(tiny_model_dir, precision="bf16"))
    assert np.abs(bf16 - fp32).max() < 0.05
    assert flags(results(FramingModel.from_pretrained(tiny_model_dir, precision="bf16"))) == \
        flags(results(FramingModel.from_pretrained(tiny_model_dir, precision="fp32")))


def test_training_runs_fp32_only(tiny_model_dir):
    with pytest.raises(UsageError, match="precision='bf16' is for inference"):
        FramingModel.from_pretrained(tiny_model_dir, for_training=True, precision="bf16")
    with pytest.raises(UsageError, match="cannot be combined with precision='bf16'"):
        FramingModel.from_pretrained(tiny_model_dir, quantize=True, precision="bf16")
    assert FramingModel.from_pretrained(tiny_model_dir, quantize=True).precision == "int8"


def test_check_option_and_environment_variable(tiny_model_dir, tmp_path, capsys, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text(SCARE_TEXT, encoding="utf-8")
    outputs = {}
    for mode in ("fp32", "bf16"):
        assert main(["check", str(path), "--json", "--model", str(tiny_model_dir), "--precision", mode]) == 0
        outputs[mode] = json.loads(capsys.readouterr().out)
    assert outputs["fp32"]["spans"] and flags([outputs["fp32"]]) == flags([outputs["bf16"]])
    monkeypatch.setenv(precision.ENV_VAR, "double")
    assert main(["check", str(path), "--json", "--model", str(tiny_model_dir)]) == 2
    assert "FRAMING_PRECISION='double': not a precision mode" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["check", str(path), "--precision", "fp16"])
    assert "invalid choice: 'fp16'" in capsys.readouterr().err


def test_score_records_the_mode_and_resumes_only_in_it(tiny_model_dir, tmp_path, monkeypatch):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(TEXTS[:4])))
    monkeypatch.setenv(precision.ENV_VAR, "fp32")
    state = score_corpus([str(corpus)], tmp_path / "out", str(tiny_model_dir), stream=io.StringIO())
    assert state["precision"] == "fp32"
    assert json.loads((tmp_path / "out" / "run.json").read_text())["precision"] == "fp32"
    state = score_corpus([str(corpus)], tmp_path / "b", str(tiny_model_dir), stream=io.StringIO(), precision="bf16")
    assert state["precision"] == "bf16" and state["spans"] > 0
    # an interrupted run continues only in the mode it started in
    run = tmp_path / "b" / "run.json"
    run.write_text(json.dumps({**json.loads(run.read_text()), "complete": False}))
    with pytest.raises(ValueError, match="started in bf16 precision, not fp32; continue it with --precision bf16"):
        score_corpus([str(corpus)], tmp_path / "b", str(tiny_model_dir), stream=io.StringIO(), precision="fp32")


def test_evaluate_records_the_mode(tiny_model_dir, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": SCARE_TEXT, "spans": []}) + "\n", encoding="utf-8")
    for mode in ("fp32", "bf16"):
        out = tmp_path / mode
        assert main(["evaluate", "--model", str(tiny_model_dir), "--data", f"jsonl:{gold}", "--out", str(out),
                     "--precision", mode]) == 0
        assert json.loads((out / "metrics.json").read_text())["model"]["precision"] == mode


def test_help_does_not_import_torch():
    code = ("import sys\nfrom framing.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "for cmd in ('check', 'score', 'serve', 'evaluate'):\n    try:\n        main([cmd, '--help'])\n"
            "    except SystemExit:\n        pass\nassert 'torch' not in sys.modules, 'torch was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "--precision {auto,fp32,bf16,int8}" in done.stdout
