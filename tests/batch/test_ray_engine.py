"""``framing score --engine ray`` on a local Ray instance gives the local engine's tables."""

import io
import json

import pytest

from framing.batch.score import score_corpus
from framing.batch.tables import read_table
from framing.cli.main import main
from tiny import DIRECT_TEXT, LOADED, NEUTRAL, SCARE_TEXT

ray = pytest.importorskip("ray", reason="the Ray engine needs ray[data] (pip install 'framing[ray]')")

TABLES = ("documents", "sentences", "spans", "errors")
TEXTS = [LOADED + " " + NEUTRAL, SCARE_TEXT, "", DIRECT_TEXT + "\n\n" + LOADED, NEUTRAL,
         '"Experts" said the regime thugs lied. ' * 3, SCARE_TEXT + " " + DIRECT_TEXT]


@pytest.fixture(scope="module")
def local_ray():
    # two CPUs as on the project's machine; no dashboard, nothing listening beyond this machine's Ray
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    rows = [{"id": f"d{i}", "text": t, "outlet": ["Left Daily", "Right Herald"][i % 2]} for i, t in enumerate(TEXTS)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def frames(out):
    return {name: read_table(out, name) for name in TABLES}


@pytest.mark.slow
def test_ray_engine_equals_local_engine(local_ray, tiny_model_dir, tmp_path):
    path = corpus(tmp_path)
    common = dict(model_dir=str(tiny_model_dir), stream=io.StringIO(), chunk_size=3, batch_size=4)
    local = score_corpus([str(path)], tmp_path / "local", **common)
    on_ray = score_corpus([str(path)], tmp_path / "ray", engine="ray", **common)
    counts = ("documents", "sentences", "spans", "errors")
    assert [on_ray[k] for k in counts] == [local[k] for k in counts]
    assert local["errors"] == 1 and local["spans"] > 0
    a, b = frames(tmp_path / "local"), frames(tmp_path / "ray")
    for name in TABLES:
        assert a[name].schema == b[name].schema, name
        assert a[name].to_pylist() == b[name].to_pylist(), name


@pytest.mark.slow
def test_cli_engine_ray_writes_the_tables(local_ray, tiny_model_dir, tmp_path, capsys):
    path = corpus(tmp_path)
    code = main(["score", str(path), "--out", str(tmp_path / "out"), "--model", str(tiny_model_dir),
                 "--engine", "ray", "--format", "jsonl"])
    assert code == 0
    assert "6 documents scored" in capsys.readouterr().err
    docs = read_table(tmp_path / "out", "documents").to_pandas()
    assert list(docs.doc_id) == ["d0", "d1", "d3", "d4", "d5", "d6"]
    assert list(docs.outlet) == ["Left Daily", "Right Herald", "Right Herald", "Left Daily", "Right Herald",
                                 "Left Daily"]
