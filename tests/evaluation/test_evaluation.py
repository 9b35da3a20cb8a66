import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from framing.cli.main import main
from framing.data.gold import GoldDataError, fingerprint, load_gold
from framing.evaluation.metrics import binary_counts, binary_macro_f1, calibration, merge_spans, span_counts, span_prf
from framing.labels import DEFAULT_LABELSET
from tiny import LOADED, NEUTRAL


# ---- SemEval-2020 span scoring, worked by hand ------------------------------------------------
def prf(pred, gold, kind="semeval"):
    return tuple(round(float(x), 4) for x in span_prf(span_counts(pred, gold), kind))


def test_partial_overlap_normalised_by_predicted_and_gold_length():
    # pred [10,20) and gold [15,35): overlap 5 -> P = 5/10, R = 5/20, F1 = 2*.5*.25/.75
    assert prf([(10, 20)], [(15, 35)]) == (0.5, 0.25, 0.3333)


def test_one_gold_two_predictions():
    # gold [0,20); preds [0,5) (inside: 5/5) and [15,30) (5 of 15 inside)
    # P = (1 + 1/3) / 2 = 0.6667; R = (5 + 5) / 20 = 0.5; F1 = 2*.6667*.5/1.1667 = 0.5714
    assert prf([(0, 5), (15, 30)], [(0, 20)]) == (0.6667, 0.5, 0.5714)


def test_missed_gold_and_false_alarm():
    # gold [0,10) found exactly, gold [50,60) missed, pred [80,90) wrong: P = 1/2, R = 1/2
    assert prf([(0, 10), (80, 90)], [(0, 10), (50, 60)]) == (0.5, 0.5, 0.5)
    assert prf([], [(0, 3)]) == (0.0, 0.0, 0.0)


def test_exact_and_any_overlap_variants():
    pred, gold = [(0, 10), (12, 20), (40, 41)], [(0, 10), (15, 30)]
    assert prf(pred, gold, "exact") == (0.3333, 0.5, 0.4)  # only [0,10) is identical
    assert prf(pred, gold, "overlap") == (0.6667, 1.0, 0.8)  # [40,41) touches nothing


def test_counts_pool_over_documents():
    # doc 1: P credit 0.5 of 1 pred, R credit .25 of 1 gold; doc 2: a perfect hit
    pooled = span_counts([(10, 20)], [(15, 35)]) + span_counts([(0, 4)], [(0, 4)])
    assert tuple(round(float(x), 4) for x in span_prf(pooled, "semeval")) == (0.75, 0.625, 0.6818)


def test_merge_spans_for_span_identification():
    assert merge_spans([(5, 9), (0, 3), (2, 6), (9, 12), (20, 21)]) == [(0, 12), (20, 21)]


def test_macro_f1_and_calibration_by_hand():
    # positives: tp 1, fn 1 -> F1 2/3; negatives: tn 2, fp 0, fn-as-fp 1 -> F1 4/5
    assert float(binary_macro_f1(binary_counts([1, 1, 0, 0], [1, 0, 0, 0]))) == pytest.approx((2 / 3 + 4 / 5) / 2)
    c = calibration([1, 1, 0, 0], [0.95, 0.95, 0.05, 0.05])
    assert c["brier"] == pytest.approx(0.0025)
    assert c["ece"] == pytest.approx(0.05)


# ---- data loading errors -------------------------------------------------------------------------
def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(GoldDataError) as e:
        load_gold(f"conll:{tmp_path}/a.txt", DEFAULT_LABELSET)
    assert str(e.value) == (f"conll:{tmp_path}/a.txt: unknown data format 'conll'; write FORMAT:PATH with FORMAT one "
                            "of ptc, semeval2023, babe, mbic, quotes, framing, jsonl, labelstudio, doccano, "
                            "standoff, csv")
    with pytest.raises(GoldDataError) as e:
        load_gold(f"jsonl:{tmp_path}/missing.jsonl", DEFAULT_LABELSET)
    assert str(e.value) == f"{tmp_path}/missing.jsonl: file not found"


def test_span_out_of_range_and_unknown_label(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Fine."}) + "\n"
                    + json.dumps({"id": "b", "text": "Short text.", "spans": [{"start": 6, "end": 40,
                                                                                "label": "LOADED_LANGUAGE"}]}) + "\n")
    with pytest.raises(GoldDataError) as e:
        load_gold(f"jsonl:{path}", DEFAULT_LABELSET)
    assert str(e.value) == f"{path}:2: span 6-40 is out of range for document 'b' (11 characters)"
    path.write_text(json.dumps({"id": "c", "text": "Short text.", "spans": [{"start": 0, "end": 5,
                                                                             "label": "HEDGE"}]}) + "\n")
    with pytest.raises(GoldDataError) as e:
        load_gold(f"jsonl:{path}", DEFAULT_LABELSET)
    assert str(e.value) == (f"{path}:1: label 'HEDGE' is not one of the model's labels (APPEAL_TO_FEAR, "
                            "DOUBT, EXAGGERATION, FLAG_WAVING, LOADED_LANGUAGE, NAME_CALLING, SCARE_QUOTE)")


def test_ptc_layout_is_read_and_checked(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "article7.txt").write_text("The regime thugs attacked.\n", encoding="utf-8")
    labels = tmp_path / "labels.tsv"
    labels.write_text("7\tName_Calling,Labeling\t4\t16\n7\tRepetition\t4\t10\n", encoding="utf-8")
    (doc,) = load_gold(f"ptc:{tmp_path}/articles,{labels}", DEFAULT_LABELSET).documents
    assert [s[:3] for s in doc.spans] == [(4, 16, "NAME_CALLING")]  # Repetition is not a model label
    assert doc.propaganda == [(4, 16), (4, 10)]  # but counts for span identification
    labels.write_text("7\tDoubt\t4\t99\n", encoding="utf-8")
    with pytest.raises(GoldDataError) as e:
        load_gold(f"ptc:{tmp_path}/articles,{labels}", DEFAULT_LABELSET)
    assert str(e.value) == f"{labels}:1: span 4-99 is out of range for document '7' (27 characters)"


def test_fingerprint_ignores_layout():
    assert fingerprint("A  “regime”\nfell.") == fingerprint('a "regime" fell.')
    assert fingerprint("A regime fell.") != fingerprint("A regime rose.")


# ---- the command, on a tiny model trained here ----------------------------------------------------


def write_gold(path):
    docs = [{"id": "1", "text": LOADED, "spans": [{"start": 4, "end": 16, "label": "NAME_CALLING"},
                                                   {"start": 17, "end": 25, "label": "LOADED_LANGUAGE"}],
             "sentences": [{"start": 0, "end": len(LOADED), "labels": {"BIASED": 1}}]},
            {"id": "2", "text": NEUTRAL, "spans": [],
             "sentences": [{"start": 0, "end": len(NEUTRAL), "labels": {"BIASED": 0}}]}]
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")


def test_evaluate_writes_full_report(tiny_model_dir, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    write_gold(gold)
    out = tmp_path / "report"
    assert main(["evaluate", "--model", str(tiny_model_dir), "--data", f"jsonl:{gold}", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "reliability_words_0.png", "report.html",
                                                     "sentence_BIASED_0.png", "sentence_confusion_0.png",
                                                     "span_f1_0.png", "summary.md"]
    m = json.loads((out / "metrics.json").read_text())
    ds = m["datasets"][f"jsonl:{gold}"]
    # the tiny model learned exactly these two texts
    assert ds["spans"]["labels"]["NAME_CALLING"]["tuned"]["semeval_span_f1"]["value"] == 1.0
    assert ds["spans"]["labels"]["NAME_CALLING"]["tuned"]["token_f1"]["value"] == 1.0
    # words: "regime thugs" are NAME_CALLING, the other 9 words are not
    assert ds["spans"]["labels"]["NAME_CALLING"]["tuned"]["token_confusion"] == [[9, 0], [0, 2]]
    assert ds["sentences"]["labels"]["BIASED"]["tuned"]["macro_f1"]["value"] == 1.0
    assert ds["sentences"]["labels"]["BIASED"]["majority_baseline"]["value"] == pytest.approx(1 / 3)
    assert m["model"]["sha256"] and m["data"][0]["files"][str(gold)]
    assert "BIASED sentence macro-F1" in capsys.readouterr().out
    html = (out / "report.html").read_text()
    assert "NAME_CALLING" in html and "data:image/png;base64," in html


def test_evaluate_bad_data_writes_nothing(tiny_model_dir, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "x", "text": "Abc.", "spans": [{"start": 0, "end": 3, "label": "NOPE"}]})
                    + "\n", encoding="utf-8")
    out = tmp_path / "report"
    assert main(["evaluate", "--model", str(tiny_model_dir), "--data", f"jsonl:{gold}", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"framing: error: {gold}:1: label 'NOPE' is not one of the model's labels")
    assert err.count("\n") == 1
    assert not out.exists() and list(tmp_path.iterdir()) == [gold]


def test_update_model_writes_card(tiny_model_dir, tmp_path):
    model_dir = Path(shutil.copytree(tiny_model_dir, tmp_path / "model"))
    gold = tmp_path / "gold.jsonl"
    write_gold(gold)
    assert main(["evaluate", "--model", str(model_dir), "--data", f"jsonl:{gold}", "--out", str(tmp_path / "r"),
                 "--update-model"]) == 0
    card = (model_dir / "README.md").read_text()
    assert "## Latest evaluation" in card and "NAME_CALLING span F1" in card
    assert json.loads((model_dir / "record.json").read_text())["evaluation"]["headline"]
    assert "evaluation" not in json.loads((model_dir / "config.json").read_text())


def test_bootstrap_interval_contains_value():
    from framing.evaluation.metrics import binary_f1, bootstrap_ci

    rng = np.random.default_rng(1)
    rows = np.array([binary_counts([1], [rng.random() < 0.7]) for _ in range(200)])
    lo, hi = bootstrap_ci(rows, binary_f1)
    assert lo < float(binary_f1(rows.sum(0))) < hi and hi - lo < 0.2


def test_phrase_level_figures_per_label_and_voice(tiny_model_dir, tmp_path, capsys):
    """Phrase level: a prediction overlapping a gold phrase of its label is right, per voice; density per 1k words."""
    gold = tmp_path / "gold.jsonl"
    # the tiny model flags "regime thugs" (NAME_CALLING) and "attacked" (LOADED_LANGUAGE) in LOADED
    docs = [{"id": "1", "text": LOADED, "spans": [{"start": 4, "end": 16, "label": "NAME_CALLING", "voice": "writer"},
                                                   {"start": 17, "end": 25, "label": "LOADED_LANGUAGE",
                                                    "voice": "quoted"}]},
            {"id": "2", "text": NEUTRAL, "spans": [{"start": 0, "end": 3, "label": "DOUBT", "voice": "writer"}]}]
    gold.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "report"
    assert main(["evaluate", "--model", str(tiny_model_dir), "--data", f"jsonl:{gold}", "--out", str(out)]) == 0
    ph = json.loads((out / "metrics.json").read_text())["datasets"][f"jsonl:{gold}"]["phrases"]
    nc, ll = ph["labels"]["NAME_CALLING"], ph["labels"]["LOADED_LANGUAGE"]
    assert (nc["writer"]["precision"]["value"], nc["writer"]["recall"]["value"]) == (1.0, 1.0)
    # the model's flags carry writer voice, so the quoted gold phrase is missed in quoted voice
    # and the writer-voice "attacked" flag is a false alarm in writer voice
    assert ll["quoted"]["recall"]["value"] == 0.0 and ll["writer"]["precision"]["value"] == 0.0
    assert ll["all"]["f1"]["value"] == 1.0
    assert ph["labels"]["DOUBT"]["writer"]["recall"]["value"] == 0.0
    words = len(LOADED.split()) + len(NEUTRAL.split())
    assert ph["density"]["writer"]["predicted_per_1k"]["value"] == pytest.approx(2000 / words)
    assert ph["density"]["writer"]["gold_per_1k"]["value"] == pytest.approx(2000 / words)
    lo, hi = ph["micro"]["all"]["precision"]["ci95"]
    assert lo <= ph["micro"]["all"]["precision"]["value"] <= hi
    printed = capsys.readouterr().out
    assert re.search(r"^\| NAME_CALLING \| writer \| 1\.000 \[[0-9.]+, 1\.000\] \| 1\.000 \[", printed, re.M)
    assert "| writer voice | 2 |" in printed


def test_phrase_voice_must_be_known(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "1", "text": LOADED, "spans": [
        {"start": 4, "end": 16, "label": "NAME_CALLING", "voice": "narrator"}]}) + "\n", encoding="utf-8")
    with pytest.raises(GoldDataError, match=r"gold.jsonl:1: span 4-16: voice must be 'writer' or 'quoted', "
                                            r"not 'narrator'"):
        load_gold(f"jsonl:{gold}", DEFAULT_LABELSET)


def labelstudio_tasks(path, with_bad_task=False):
    """A Label Studio export of the two tiny-model texts: span labels and a BIASED choice."""
    tasks = [{"id": 1, "data": {"text": LOADED}, "annotations": [{"result": [
        {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 4, "end": 16, "text": LOADED[4:16], "labels": ["NAME_CALLING"]}},
        {"id": "r2", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 17, "end": 25, "text": LOADED[17:25], "labels": ["LOADED_LANGUAGE"]}},
        {"id": "c1", "from_name": "bias", "to_name": "text", "type": "choices", "value": {"choices": ["BIASED"]}}]}]},
             {"id": 2, "data": {"text": NEUTRAL}, "annotations": [{"result": []}]}]
    if with_bad_task:
        tasks.append({"id": 3, "data": {"text": NEUTRAL + " Again."}, "annotations": [{"result": [
            {"id": "r9", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 99, "labels": ["NAME_CALLING"]}}]}]})
    path.write_text(json.dumps(tasks), encoding="utf-8")


def test_evaluate_reads_a_label_studio_export_with_the_training_importer(tiny_model_dir, tmp_path, capsys):
    """One format registry: framing evaluate reads what framing train reads; importer problems are fatal."""
    export = tmp_path / "export.json"
    labelstudio_tasks(export)
    out = tmp_path / "report"
    assert main(["evaluate", "--model", str(tiny_model_dir), "--data", f"labelstudio:{export}", "--out", str(out)]) == 0
    ds = json.loads((out / "metrics.json").read_text())["datasets"][f"labelstudio:{export}"]
    assert ds["documents"] == 2
    assert ds["spans"]["labels"]["NAME_CALLING"]["tuned"]["semeval_span_f1"]["value"] == 1.0
    assert ds["phrases"]["labels"]["NAME_CALLING"]["writer"]["precision"]["value"] == 1.0
    labelstudio_tasks(export, with_bad_task=True)
    assert main(["evaluate", "--model", str(tiny_model_dir), "--data", f"labelstudio:{export}",
                 "--out", str(tmp_path / "again")]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"framing: error: {export}: task 3 (id 3) result 1: ") and "out of range" in err
    assert not (tmp_path / "again").exists()


def test_a_set_that_annotated_one_label_is_scored_on_that_label_only(tiny_model_dir):
    """The scare-quote dev extension marks one label: flags of other labels are not false alarms there."""
    from framing.data.annotated import AnnotatedDocument, SpanAnnotation
    from framing.data.gold import GoldSet
    from framing.evaluation.evaluate import evaluate
    from framing.modeling import FramingModel

    model = FramingModel.from_pretrained(tiny_model_dir)
    doc = AnnotatedDocument("1", LOADED, "x", spans=[SpanAnnotation(4, 16, "NAME_CALLING")],
                            span_labels=("NAME_CALLING",))
    section = evaluate(model, [GoldSet("x", "jsonl", [doc])])["datasets"]["x"]
    assert list(section["phrases"]["labels"]) == ["NAME_CALLING"]
    assert list(section["spans"]["labels"]) == ["NAME_CALLING"]
    # the tiny model also flags "attacked" as LOADED_LANGUAGE, which this set did not annotate
    assert section["phrases"]["micro"]["writer"]["precision"]["value"] == 1.0
