"""`framing evaluate` on small samples of the real corpora in ../shared/data (skipped where they are absent)."""

import csv
import json
import shutil

from framing.cli.main import main
from framing.data.gold import load_gold
from framing.labels import DEFAULT_LABELSET


def test_real_formats_load(shared_data):
    se = shared_data / "semeval2023_task3_en"
    gold = load_gold(f"semeval2023:{se}/train-articles-subtask-3,{se}/train-labels-subtask-3-spans.txt",
                     DEFAULT_LABELSET)
    assert len(gold.documents) == 446
    doc = gold.documents[0]
    assert all(doc.text[s:e].strip() for s, e, *_ in doc.spans)
    mbic = load_gold(f"mbic:{shared_data}/mbic/final_labels_MBIC.csv", DEFAULT_LABELSET)
    assert {d.units[0].labels["BIASED"] for d in mbic.documents} == {0, 1}


def test_evaluate_default_model_on_samples(shared_data, tmp_path, capsys):
    ptc = shared_data / "ptc_semeval2020_task11"
    articles = tmp_path / "articles"
    articles.mkdir()
    ids = sorted(p.stem.removeprefix("article") for p in (ptc / "dev-articles").glob("article*.txt"))[:4]
    for i in ids:
        shutil.copy(ptc / "dev-articles" / f"article{i}.txt", articles)
    labels = tmp_path / "labels.tsv"
    labels.write_text("".join(line for line in (ptc / "dev-task-flc-tc.labels").read_text().splitlines(True)
                              if line.split("\t")[0] in ids))
    babe = tmp_path / "babe.csv"
    babe.write_text("".join((shared_data / "babe" / "final_labels_SG2.csv").read_text(encoding="utf-8-sig")
                            .splitlines(True)[:200]), encoding="utf-8")
    out = tmp_path / "report"
    assert main(["evaluate", "--data", f"ptc:{articles},{labels}", "--data", f"babe:{babe}", "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    ptc_set, babe_set = m["datasets"].values()
    assert ptc_set["documents"] == 4 and ptc_set["excluded_seen_in_training"] == 0
    # the default model ships no PTC technique label (none passed the news precision rule): no span figures
    assert "spans" not in ptc_set
    bias = babe_set["sentences"]["labels"]["BIASED"]["tuned"]["macro_f1"]
    assert 0.5 < bias["value"] < 1 and bias["ci95"][0] <= bias["value"] <= bias["ci95"][1]
    # BABE rows the default model trained or tuned on are left out, and counted
    assert babe_set["excluded_seen_in_training"] > 100
    with open(babe, encoding="utf-8", newline="") as f:
        usable = sum(r["label_bias"] in ("Biased", "Non-biased") for r in csv.DictReader(f, delimiter=";"))
    assert babe_set["documents"] + babe_set["excluded_seen_in_training"] == usable
    assert "BIASED sentence macro-F1" in capsys.readouterr().out
