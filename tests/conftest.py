import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import pytest  # noqa: E402

from framing.data.shared_corpora import DataMissingError, data_root  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def graph_cache(tmp_path_factory):
    """The onnx runtime's graph cache (framing.nn.onnx_runtime) in a folder of this run, never the user's ~/.cache;
    set in os.environ, so that the commands tests start see it too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def shared_data():
    """The shared corpora; tests that need them are skipped, with the reason, where they are absent."""
    root = data_root()
    if not root.is_dir():
        pytest.skip(str(DataMissingError(f"{root}: not found; put the staged corpora at ../shared/data")))
    return root


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A tiny model trained here until it knows the examples in tests/tiny.py, saved once per run.
    Tests that change a model folder copy it first."""
    from tiny import overfit, tiny_model

    model = tiny_model()
    overfit(model, steps=60)
    folder = tmp_path_factory.mktemp("tiny-model")
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    """The tiny model, loaded for inference once per test module (a module may define its own ``model``)."""
    from framing.modeling import FramingModel

    return FramingModel.from_pretrained(tiny_model_dir)
