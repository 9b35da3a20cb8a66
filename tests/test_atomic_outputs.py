"""Every output file or folder appears whole or not at all (framing.atomic): a failure leaves what was there."""

import json

import pandas as pd
import pytest

from framing.batch import report as group_report
from framing.data.annotated import AnnotatedDocument, UnitLabels
from framing.data.formats.jsonl import write_jsonl
from framing.evaluation import report as evaluation_report


def scored(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps({"complete": True, "span_labels": ["NAME_CALLING"],
                                                 "sentence_labels": ["BIASED"]}))
    rows = [{"doc_id": str(i), "source": "X", "n_sentences": 10, "NAME_CALLING_count": i,
             "NAME_CALLING_quoted_count": 0, "BIASED_count": 2, "BIASED_quoted_count": 0} for i in range(3)]
    pd.DataFrame(rows).to_parquet(folder / "documents.parquet")
    return folder


def test_group_report_writes_both_files_or_neither(tmp_path, monkeypatch):
    out = tmp_path / "by-source.csv"
    csv, png = group_report.write_report(scored(tmp_path), ["source"], out, resamples=10)
    assert (csv, png) == (out, tmp_path / "by-source.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.read_text().startswith("source,label,")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    def broken(*args):
        raise RuntimeError("plot failed")

    monkeypatch.setattr(group_report, "plot_rates", broken)
    with pytest.raises(RuntimeError):
        group_report.write_report(tmp_path / "run", ["source"], out, resamples=10)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before  # no .tmp left either


def test_evaluation_report_is_replaced_whole_or_kept(tmp_path, monkeypatch):
    metrics = {"framing_version": "0.1.0", "created": "2026-12-01", "model": {"path": "m", "sha256": "0" * 64},
               "thresholds": {"BIASED": 0.5}, "bootstrap": {"resamples": 10, "unit": "document"}, "datasets": {}}
    out = tmp_path / "report"
    evaluation_report.write_report(metrics, out)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["metrics.json", "report.html", "summary.md"]
    first = {n: (out / n).read_bytes() for n in names}

    def broken(*args, **kwargs):
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(evaluation_report, "summary_markdown", broken)
    with pytest.raises(RuntimeError):
        evaluation_report.write_report({**metrics, "created": "later"}, out)
    assert {n: (out / n).read_bytes() for n in names} == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_write_jsonl_keeps_the_old_file_when_a_document_cannot_be_written(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_jsonl([AnnotatedDocument("1", "It fell.", "x")], path)
    old = path.read_bytes()
    bad = AnnotatedDocument("2", "It rose.", "x", units=[UnitLabels(0, 8, {"UP": {1}})])  # a set is not JSON
    with pytest.raises(TypeError):
        write_jsonl([AnnotatedDocument("1", "It fell.", "x"), bad], path)
    assert path.read_bytes() == old and sorted(p.name for p in tmp_path.iterdir()) == ["gold.jsonl"]
