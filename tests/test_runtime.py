"""The onnx runtime (framing.nn.onnx_runtime) and the one place that picks a runtime (framing.runtime)."""

import io
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from safetensors.torch import load_file, save_file

from framing import runtime
from framing.cli.main import main
from framing.config import FramingConfig
from framing.errors import UsageError
from framing.modeling import FramingModel
from framing.nn import onnx_runtime
from framing.nn import precision as precision_modes
from tiny import DIRECT_TEXT, LOADED, NEUTRAL, SCARE_TEXT

TEXTS = [LOADED + " " + NEUTRAL, SCARE_TEXT + " " + DIRECT_TEXT, DIRECT_TEXT + "\n" + LOADED, NEUTRAL * 3, ""]


@pytest.fixture
def no_forcing(monkeypatch):
    monkeypatch.delenv(runtime.ENV_VAR, raising=False)
    monkeypatch.delenv(precision_modes.ENV_VAR, raising=False)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    return root / "framing" / "onnx"


def test_auto_picks_onnx_for_one_shot_commands_only(no_forcing):
    assert runtime.resolve(one_shot=True, onnx_installed=True) == ("onnx", "fp32")
    assert runtime.resolve("auto", "fp32", one_shot=True, onnx_installed=True) == ("onnx", "fp32")
    # a precision that only torch runs keeps a one-shot command on torch
    assert runtime.resolve("auto", "bf16", one_shot=True, onnx_installed=True) == ("torch", "bf16")
    # bulk work stays on torch, in the precision mode auto picks
    assert runtime.resolve(None, "fp32", onnx_installed=True) == ("torch", "fp32")
    # without onnxruntime, auto falls back to torch; a forced onnx is an error that says what to install
    assert runtime.resolve(one_shot=True, onnx_installed=False)[0] == "torch"
    with pytest.raises(UsageError, match=r"needs onnxruntime: `pip install onnxruntime`, or FRAMING_RUNTIME=torch"):
        runtime.resolve("onnx", onnx_installed=False)
    with pytest.raises(UsageError, match="the onnx runtime runs fp32 only, not int8"):
        runtime.resolve("onnx", "int8", onnx_installed=True)


def test_environment_variable_forces_a_runtime_and_the_argument_wins(no_forcing, monkeypatch):
    monkeypatch.setenv(runtime.ENV_VAR, "onnx")
    assert runtime.resolve(None, "fp32", onnx_installed=True) == ("onnx", "fp32")
    assert runtime.resolve("torch", "fp32", one_shot=True, onnx_installed=True) == ("torch", "fp32")
    monkeypatch.setenv(runtime.ENV_VAR, "tpu")
    with pytest.raises(UsageError, match=r"^FRAMING_RUNTIME='tpu': not a runtime; choose one of auto, torch, onnx$"):
        runtime.resolve()


def test_onnx_gives_the_torch_fp32_flags_and_scores(tiny_model_dir, fresh_cache, no_forcing):
    torch_model = FramingModel.from_pretrained(tiny_model_dir, runtime="torch", precision="fp32")
    onnx_model = FramingModel.from_pretrained(tiny_model_dir, one_shot=True)
    assert (onnx_model.runtime, onnx_model.precision, onnx_model.network) == ("onnx", "fp32", None)
    assert torch_model.runtime == "torch"
    want, got = torch_model.score_many(TEXTS, batch_size=2), onnx_model.score_many(TEXTS, batch_size=2)
    quotes = 0
    for a, b in zip(want, got):
        for x, y in zip(a.sentences, b.sentences, strict=True):
            assert (x.start, x.end, x.units, x.quotes) == (y.start, y.end, y.units, y.quotes)
            np.testing.assert_allclose(y.inside, x.inside, atol=1e-5)
            np.testing.assert_array_equal(y.begins, x.begins)
            np.testing.assert_allclose(y.sentence, x.sentence, atol=1e-5)
            np.testing.assert_allclose(y.quote_probs, x.quote_probs, atol=1e-5)
            quotes += len(x.quotes)
    assert quotes >= 2  # the quote head ran
    decoded = [onnx_model.decode(s).to_dict() for s in got]
    assert decoded == [torch_model.decode(s).to_dict() for s in want]
    spans = [s for d in decoded for s in d["spans"]]
    assert spans and all(TEXTS[i][s["start"]:s["end"]] == s["text"] for i, d in enumerate(decoded) for s in d["spans"])


def test_graph_is_built_once_atomically_and_announced(tiny_model_dir, fresh_cache, capsys):
    key = onnx_runtime.graph_key(tiny_model_dir, FramingConfig.load(tiny_model_dir / "config.json"))
    stale = fresh_cache / f".building-{key}-{2**22 + 1}"  # left by a build that was killed (no such process)
    stale.mkdir(parents=True)
    FramingModel.from_pretrained(tiny_model_dir, runtime="onnx")
    err = capsys.readouterr().err
    assert f"framing: building the ONNX Runtime graph of {tiny_model_dir} in {fresh_cache}/" in err
    [built] = list(fresh_cache.iterdir())  # no temporary folder is left beside it
    assert sorted(p.name for p in built.iterdir()) == ["graph.json", "network.onnx", "quote_head.onnx"]
    assert json.loads((built / "graph.json").read_text())["exporter_version"] == onnx_runtime.EXPORTER_VERSION
    assert FramingModel.from_pretrained(tiny_model_dir, runtime="onnx").onnx.folder == built
    assert capsys.readouterr().err == ""  # the second load only reads it
    assert not list(tiny_model_dir.glob("*.onnx"))  # nothing goes into the model folder


def test_graph_key_follows_the_weights_not_the_thresholds(tiny_model_dir, tmp_path):
    config = FramingConfig.load(tiny_model_dir / "config.json")
    key = onnx_runtime.graph_key(tiny_model_dir, config)
    copy = tmp_path / "copy"
    shutil.copytree(tiny_model_dir, copy)
    config.thresholds = {k: 0.3 for k in config.thresholds}
    assert onnx_runtime.graph_key(copy, config) == key  # decoding thresholds are not in the graph
    config.lora_alpha *= 2
    assert onnx_runtime.graph_key(copy, config) != key
    state = load_file(copy / "model.safetensors")
    state["sentence_head.bias"] += 1.0  # a retrained head
    save_file(state, copy / "model.safetensors")
    assert onnx_runtime.graph_key(copy, FramingConfig.load(copy / "config.json")) != key


def test_check_on_onnx_imports_no_torch(tiny_model_dir, tmp_path, no_forcing):
    path = tmp_path / "draft.txt"
    path.write_text(SCARE_TEXT + " " + LOADED, encoding="utf-8")
    assert main(["prepare", "--model", str(tiny_model_dir)]) == 0
    code = ("import json, sys\nfrom framing.cli.main import main\n"
            f"rc = main(['check', {str(path)!r}, '--json', '--model', {str(tiny_model_dir)!r}])\n"
            "print(json.dumps({'rc': rc, 'torch': 'torch' in sys.modules, 'onnx': 'onnxruntime' in sys.modules}))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    *out, last = done.stdout.strip().splitlines()
    assert json.loads(last) == {"rc": 0, "torch": False, "onnx": True}
    want = FramingModel.from_pretrained(tiny_model_dir, runtime="torch", precision="fp32").predict(path.read_text())
    assert json.loads("\n".join(out)) == want.to_dict()


def test_prepare_command_builds_then_finds_the_graph(tiny_model_dir, fresh_cache, capsys):
    assert main(["prepare", "--model", str(tiny_model_dir)]) == 0
    assert "framing: ONNX Runtime graph of" in (err := capsys.readouterr().err) and " built in " in err
    assert main(["prepare", "--model", str(tiny_model_dir)]) == 0
    assert " already built in " in capsys.readouterr().err
    assert main(["prepare", "--model", str(fresh_cache)]) == 2
    assert f"framing: error: {fresh_cache}: not a framing model folder" in capsys.readouterr().err


def test_without_onnxruntime_check_runs_on_torch(tiny_model_dir, monkeypatch, no_forcing):
    monkeypatch.setattr(runtime, "has_onnxruntime", lambda: False)
    model = FramingModel.from_pretrained(tiny_model_dir, one_shot=True)
    assert (model.runtime, model.onnx) == ("torch", None) and model.network is not None
    with pytest.raises(UsageError, match="needs onnxruntime"):
        FramingModel.from_pretrained(tiny_model_dir, runtime="onnx")


def test_unusable_cache_falls_back_to_torch_with_a_note(tiny_model_dir, tmp_path, monkeypatch, capsys, no_forcing):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache cannot be created under a file
    model = FramingModel.from_pretrained(tiny_model_dir, one_shot=True)
    assert model.runtime == "torch"
    err = capsys.readouterr().err
    assert "framing: cannot build the ONNX graph (" in err and err.endswith("); running on torch\n")
    # a damaged graph file: torch again, and `framing prepare --rebuild` mends it
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = FramingModel.from_pretrained(tiny_model_dir, one_shot=True).onnx.folder
    (folder / "network.onnx").write_bytes(b"not a graph")
    capsys.readouterr()
    assert FramingModel.from_pretrained(tiny_model_dir, one_shot=True).runtime == "torch"
    assert "`framing prepare --rebuild` builds it again" in capsys.readouterr().err
    assert main(["prepare", "--model", str(tiny_model_dir), "--rebuild"]) == 0
    assert FramingModel.from_pretrained(tiny_model_dir, one_shot=True).runtime == "onnx"


def test_an_onnx_model_is_not_saved(tiny_model_dir, tmp_path):
    model = FramingModel.from_pretrained(tiny_model_dir, runtime="onnx")
    with pytest.raises(UsageError, match="cannot be saved; load it on torch"):
        model.save_pretrained(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_runs_record_the_runtime(tiny_model_dir, tmp_path, monkeypatch, no_forcing):
    from framing.batch.score import score_corpus

    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(TEXTS[:3])))
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": SCARE_TEXT, "spans": []}) + "\n", encoding="utf-8")
    for name in ("torch", "onnx"):
        monkeypatch.setenv(runtime.ENV_VAR, name)
        state = score_corpus([str(corpus)], tmp_path / name, str(tiny_model_dir), precision="fp32",
                             stream=io.StringIO())
        assert json.loads((tmp_path / name / "run.json").read_text())["runtime"] == state["runtime"] == name
        out = tmp_path / f"eval-{name}"
        assert main(["evaluate", "--model", str(tiny_model_dir), "--data", f"jsonl:{gold}", "--out", str(out)]) == 0
        assert json.loads((out / "metrics.json").read_text())["model"]["runtime"] == name


@pytest.mark.slow
def test_default_model_gives_the_same_results_on_onnx(fresh_cache, no_forcing):
    """The shipped model (no tagged labels: its graph has no tag output) on the example article."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "data" / "examples" / "article.txt").read_text(encoding="utf-8")
    want = FramingModel.from_pretrained(runtime="torch", precision="fp32").predict(text).to_dict()
    model = FramingModel.from_pretrained(one_shot=True)
    assert model.runtime == "onnx" and "tag_probs" not in model.onnx.outputs
    assert want["sentences"] and model.predict(text).to_dict() == want
