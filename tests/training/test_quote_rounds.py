"""The quote corpus grows in annotation rounds: collecting a round keeps the earlier ones, and the
cross-validation keeps round 1's held-out documents whatever later rounds add."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from script_module import load_script as script
from sklearn.model_selection import GroupKFold

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())


def record(doc: str, start: int, batch: str) -> dict:
    return {"id": f"allsides:{doc}:{start}", "corpus": "allsides", "doc_id": doc, "source": "Outlet",
            "sha256": "0" * 64, "start": start, "end": start + 5, "inner_start": start + 1, "inner_end": start + 4,
            "label": "DIRECT", "confidence": "high", "reason": "said", "batch": batch}


def test_round_two_leaves_round_one_folds_unchanged():
    cv = script("quote_cv")
    one = [f"allsides:d{i}" for i in range(23) for _ in range(1 + i % 3)]  # documents with 1-3 examples each
    two = [f"allsides:e{i}" for i in range(11) for _ in range(2)]
    rounds = {g: "round 1" for g in one} | {g: "round 2" for g in two}
    alone = cv.folds_by_round(one, rounds, 5)
    earlier = [test for _, test in GroupKFold(n_splits=5).split(one, groups=one)]
    assert all(np.array_equal(a, b) for a, b in zip(alone, earlier))
    grown = cv.folds_by_round(one + two, rounds, 5)
    assert [sorted(i for i in fold if i < len(one)) for fold in grown] == [sorted(f.tolist()) for f in alone]
    held = np.concatenate(grown)
    assert sorted(held.tolist()) == list(range(len(one) + len(two)))  # every example held out exactly once
    fold_of = {}
    for k, fold in enumerate(grown):
        for i in fold:
            assert fold_of.setdefault((one + two)[i], k) == k  # a document never spans two folds
    assert {rounds[(one + two)[i]] for i in grown[0]} == {"round 1", "round 2"}


def test_document_rounds_read_the_batch_name(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(record("a", 0, "batch_03")) + "\n" + json.dumps(record("b", 9, "r2_batch_01")) + "\n",
                    encoding="utf-8")
    assert script("quote_cv").document_rounds(path) == {"allsides:a": "round 1", "allsides:b": "round 2"}


def test_collecting_a_round_keeps_the_earlier_rounds(tmp_path):
    out = tmp_path / "quotes.jsonl"
    earlier = [record("a", 0, "batch_00"), record("b", 3, "r2_batch_00")]
    out.write_text("".join(json.dumps(r) + "\n" for r in earlier), encoding="utf-8")
    batches, labels = tmp_path / "batches", tmp_path / "labels"
    batches.mkdir()
    labels.mkdir()
    fresh = [record("c", 7, "r2_batch_00"), record("d", 1, "r2_batch_00")]
    (batches / "r2_batch_00.jsonl").write_text("".join(json.dumps(r) + "\n" for r in fresh), encoding="utf-8")
    (labels / "r2_batch_00.jsonl").write_text(
        json.dumps({"id": fresh[0]["id"], "label": "SCARE", "confidence": "low", "reason": "ironic"}) + "\n",
        encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "collect_quote_labels.py"), "--batches",
                           str(batches), "--labels", str(labels), "--out", str(out)],
                          capture_output=True, text=True, check=True)
    assert "1 records of earlier batches kept" in done.stdout
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    # round 1's record stays; the recollected batch replaces its own record with the one labelled now
    assert [(r["doc_id"], r["label"], r["batch"]) for r in rows] == [("a", "DIRECT", "batch_00"),
                                                                     ("c", "SCARE", "r2_batch_00")]
