import io
import json

import numpy as np
import pandas as pd
import pytest

from framing.batch.report import PER_1K, SHARE, group_rates
from framing.batch.score import score_corpus
from framing.batch.tables import read_table
from framing.cli.main import main
from tiny import LOADED, NEUTRAL, SCARE_TEXT


def fake_run(folder, docs: list[dict]):
    """A finished score folder with one span label and BIASED, from per-document counts."""
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps({"complete": True, "span_labels": ["LOADED_LANGUAGE"],
                                                 "sentence_labels": ["BIASED"]}))
    pd.DataFrame(docs).to_parquet(folder / "documents.parquet")
    return folder


def doc(doc_id, source, n, loaded, biased, date="2021-03-04"):
    return {"doc_id": doc_id, "source": source, "date": date, "n_sentences": n, "LOADED_LANGUAGE_count": loaded,
            "LOADED_LANGUAGE_per_1k": 1000 * loaded / n, "BIASED_count": biased, "BIASED_per_1k": 1000 * biased / n,
            "LOADED_LANGUAGE_quoted_count": 0, "BIASED_quoted_count": 0}


def test_rates_pool_sentences_and_bootstrap_over_documents(tmp_path):
    folder = fake_run(tmp_path / "run", [doc("a", "Two", 10, 0, 2), doc("b", "Two", 10, 10, 8),
                                         doc("c", "Same", 4, 1, 1), doc("d", "Same", 8, 2, 2)])
    rates = group_rates(folder, ["source"]).set_index(["source", "label"])
    two = rates.loc[("Two", "LOADED_LANGUAGE")]
    assert (two["statistic"], two["value"], two["n_documents"], two["n_sentences"]) == (PER_1K, 500.0, 2, 20)
    # resampling two documents: both "a" (0), both "b" (1000) or one of each (500), each pair a quarter
    assert (two["ci_low"], two["ci_high"]) == (0.0, 1000.0)
    biased = rates.loc[("Two", "BIASED")]
    assert (biased["statistic"], biased["value"], biased["ci_low"], biased["ci_high"]) == (SHARE, 0.5, 0.2, 0.8)
    same = rates.loc[("Same", "LOADED_LANGUAGE")]  # both documents flag 250 per 1,000: no spread to resample
    assert (same["value"], same["ci_low"], same["ci_high"]) == pytest.approx((250.0, 250.0, 250.0))


def test_month_from_dates_several_keys_and_min_docs(tmp_path):
    # the month as written, also when a time zone would put the date in another month in UTC
    folder = fake_run(tmp_path / "run", [doc("a", "X", 5, 1, 1, "2020-01-31T22:00:00-05:00"),
                                         doc("b", "X", 5, 2, 0, "January 2, 2020"),
                                         doc("c", "X", 5, 0, 0, "2020-02-10"), doc("d", "Y", 5, 0, 0, None)])
    rates = group_rates(folder, ["source", "month"], resamples=50)
    groups = rates[rates["label"] == "BIASED"][["source", "month", "n_documents"]].values.tolist()
    assert groups == [["X", "2020-01", 2], ["X", "2020-02", 1], ["Y", "(missing)", 1]]
    kept = group_rates(folder, ["source", "month"], min_docs=2, resamples=50)
    assert set(kept["month"]) == {"2020-01"}
    x_jan = kept.set_index("label").loc["LOADED_LANGUAGE"]
    assert x_jan["value"] == pytest.approx(300.0)


def test_errors_name_the_problem(tmp_path, capsys):
    folder = fake_run(tmp_path / "run", [doc("a", "X", 5, 1, 1)])
    assert main(["report", str(folder), "--by", "outlet", "--out", str(tmp_path / "r.csv")]) == 2
    assert capsys.readouterr().err == (
        f"framing: error: {folder}: the documents table has no column 'outlet'; columns: doc_id, source, date, "
        f"n_sentences, LOADED_LANGUAGE_count, LOADED_LANGUAGE_per_1k, BIASED_count, BIASED_per_1k, "
        f"LOADED_LANGUAGE_quoted_count, BIASED_quoted_count\n")
    half = tmp_path / "half"
    half.mkdir()
    assert main(["report", str(half), "--by", "source", "--out", str(tmp_path / "r.csv")]) == 2
    assert capsys.readouterr().err == (f"framing: error: {half}: not a finished framing score run (no "
                                       f"complete run.json); run or rerun framing score --out {half} first\n")
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "r.png").exists()


def test_report_on_scored_corpus_writes_csv_and_png(tiny_model_dir, tmp_path, capsys):
    import matplotlib.image

    corpus = tmp_path / "c.jsonl"
    texts = {"Left": [LOADED + " " + LOADED, LOADED + " " + NEUTRAL], "Right": [SCARE_TEXT, NEUTRAL + " " + NEUTRAL]}
    rows = [{"id": f"{source}{i}", "text": t, "source": source, "date": "2019-05-06"}
            for source, group in texts.items() for i, t in enumerate(group)]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    score_corpus([str(corpus)], tmp_path / "out", str(tiny_model_dir), fmt="jsonl", stream=io.StringIO())
    assert main(["report", str(tmp_path / "out"), "--by", "source", "--out", str(tmp_path / "rep" / "by.csv")]) == 0
    rep = tmp_path / "rep"
    assert capsys.readouterr().err == f"framing: wrote {rep / 'by.csv'} and {rep / 'by.png'}\n"
    report = pd.read_csv(tmp_path / "rep" / "by.csv")
    assert list(report.columns) == ["source", "label", "statistic", "voice", "value", "ci_low", "ci_high",
                                    "n_documents", "n_sentences"]
    # the same figures straight from the sentence and span tables
    spans = read_table(tmp_path / "out", "spans").to_pandas()
    sentences = read_table(tmp_path / "out", "sentences").to_pandas()
    source = {r["id"]: r["source"] for r in rows}
    for row in report.itertuples():
        in_group = sentences[sentences["doc_id"].map(source) == row.source]
        assert row.n_sentences == len(in_group)
        if row.label == "BIASED":
            expected = in_group["biased"].mean()
        else:
            writer = (spans["label"] == row.label) & (spans["voice"] == "writer")
            expected = 1000 * (writer & (spans["doc_id"].map(source) == row.source)).sum() / len(in_group)
        assert row.value == pytest.approx(expected, abs=1e-4)
        assert row.ci_low <= row.value + 1e-9 and row.value - 1e-9 <= row.ci_high
    assert report.set_index(["source", "label"]).loc[("Left", "NAME_CALLING"), "value"] == pytest.approx(750.0)
    image = matplotlib.image.imread(tmp_path / "rep" / "by.png")
    assert image.shape[0] > 300 and image.shape[1] > 1000 and np.ptp(image) > 0
