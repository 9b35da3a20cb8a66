import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import pytest  # noqa: E402

from framing.corpora import DataMissingError, data_root  # noqa: E402


@pytest.fixture
def shared_data():
    """The shared corpora; tests that need them are skipped, with the reason, where they are absent."""
    root = data_root()
    if not root.is_dir():
        pytest.skip(str(DataMissingError(f"{root}: not found; put the staged corpora at ../shared/data")))
    return root
