"""``framing train``: validation before training, dry runs, the output folder, --resume, --base,
and (slow) an end-to-end run on the real base encoder with a new span label and a new sentence label."""

import json
import shutil

import pytest
import torch
from safetensors.torch import load_file

from framing.cli.main import main
from framing.data.annotated import AnnotatedDocument, SpanAnnotation, UnitLabels
from framing.data.annotations import write_jsonl
from framing.modeling import FramingModel
from framing.training.run import TrainingError, TrainOptions, train_model
from hedge import ACTIONS, SUBJECTS, hedge_files, hedge_sentences, options


def test_dry_run_validates_and_writes_nothing(tmp_path, tiny_model_dir, capsys):
    labels, train, dev = hedge_files(tmp_path, n_train=24, n_dev=8)
    code = main(["train", "--labels", str(labels), "--train", str(train), "--dev", str(dev),
                 "--out", str(tmp_path / "model"), "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "framing: dry run: the annotations are fit for training (24 train documents, 8 dev documents; " \
           "0 errors, 2 warnings)" in out
    assert f"{train}: labelstudio, 24 documents" in err
    assert f"{train}: warning: label 'HEDGE': only " in err
    assert not (tmp_path / "model").exists() and not (tmp_path / "model.checkpoint").exists()


def test_fatal_annotation_problems_stop_training_with_exit_2(tmp_path, capsys):
    labels, train, dev = hedge_files(tmp_path, n_train=24, n_dev=8)
    tasks = json.loads(train.read_text())
    tasks[2]["annotations"][0]["result"] = [{"type": "labels", "value": {"start": 0, "end": 3, "labels": ["HEDGES"]}}]
    train.write_text(json.dumps(tasks))
    code = main(["train", "--labels", str(labels), "--train", str(train), "--dev", str(dev),
                 "--out", str(tmp_path / "model")])
    _, err = capsys.readouterr()
    assert code == 2
    text = tasks[2]["data"]["text"]
    assert (f"{train}: task 3 (id 3) result 1: error: span 0-3 {text[:3]!r}: unknown span label 'HEDGES' "
            "(did you mean 'HEDGE'?)") in err
    assert "framing: error: 1 error in the annotations (listed above); nothing was trained" in err
    assert not (tmp_path / "model").exists()


def test_train_writes_a_model_folder_that_loads_and_predicts(tmp_path, tiny_model_dir):
    opts = options(tmp_path, tiny_model_dir, epochs=2)
    out = train_model(opts, log=lambda line: None)
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "config.json", "labels.json", "model.safetensors",
                                                     "record.json", "seen_documents.json"]
    # config.json holds what predicting needs; the records are in record.json
    assert set(json.loads((out / "config.json").read_text())).isdisjoint({"training", "metrics", "evaluation"})
    assert not opts.checkpoint_dir.exists()
    model = FramingModel.from_pretrained(out)
    assert model.config.labelset.span_labels == ("HEDGE",)
    assert model.config.labelset.sentence_labels == ("UNVERIFIED",)
    result = model.predict("The judge reportedly resigned.")
    assert [s.text for s in result.sentences] == ["The judge reportedly resigned."]
    card = (out / "README.md").read_text()
    assert "| HEDGE | span | Words that distance the writer" in card
    assert "## Dev metrics" in card and '"epochs_run": 2' in card and '"HEDGE": ' in card
    assert model.record.training["data"]["train"]["documents"] == 24
    assert set(model.record.metrics["spans"]) == {"HEDGE"}
    assert set(model.record.metrics["sentence_labels"]) == {"UNVERIFIED"}
    # the tiny base's own training documents stay listed as seen; ours are added
    seen = json.loads((out / "seen_documents.json").read_text())["train"]
    from framing.data.gold import fingerprint

    assert fingerprint("The judge reportedly resigned.") not in seen
    assert all(fingerprint(t["data"]["text"]) in seen for t in json.loads((tmp_path / "train.json").read_text()))


def test_refuses_to_overwrite_an_existing_folder(tmp_path, tiny_model_dir):
    opts = options(tmp_path, tiny_model_dir, epochs=1)
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "keep.txt").write_text("x")
    with pytest.raises(TrainingError) as err:
        train_model(opts, log=lambda line: None)
    assert str(err.value) == f"{tmp_path / 'model'}: already exists; choose a new --out folder " \
                             "(framing train never overwrites one)"


def test_resume_after_interruption_gives_the_same_model(tmp_path, tiny_model_dir):
    (tmp_path / "a").mkdir()
    straight = options(tmp_path / "a", tiny_model_dir, epochs=2, patience=5)
    out_a = train_model(straight, log=lambda line: None)

    (tmp_path / "b").mkdir()
    opts = options(tmp_path / "b", tiny_model_dir, epochs=2, patience=5, checkpoint_minutes=0)

    def interrupt(step):
        if step == 3:  # of 4 in the first epoch
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train_model(opts, log=lambda line: None, on_step=interrupt)
    assert opts.checkpoint_dir.is_dir() and not (tmp_path / "b" / "model").exists()
    with pytest.raises(TrainingError, match="an interrupted run left a checkpoint; continue it with --resume"):
        train_model(opts, log=lambda line: None)
    logged = []
    resumed = TrainOptions(**{**opts.__dict__, "resume": True})
    out_b = train_model(resumed, log=logged.append)
    assert any("resuming from" in line and "at epoch 1, step 3" in line for line in logged)
    a, b = load_file(out_a / "model.safetensors"), load_file(out_b / "model.safetensors")
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key], atol=1e-4, rtol=1e-3)


def test_resume_without_a_checkpoint_is_refused(tmp_path, tiny_model_dir):
    opts = options(tmp_path, tiny_model_dir, resume=True)
    with pytest.raises(TrainingError) as err:
        train_model(opts, log=lambda line: None)
    assert str(err.value) == f"{opts.checkpoint_dir}: no checkpoint to resume from; run without --resume"


def test_a_run_stopped_before_its_first_checkpoint_starts_again(tmp_path, tiny_model_dir):
    opts = options(tmp_path, tiny_model_dir, epochs=1)
    (opts.checkpoint_dir / "last.tmp").mkdir(parents=True)  # killed while writing the first checkpoint
    with pytest.raises(TrainingError, match="no checkpoint to resume from; run without --resume"):
        train_model(options(tmp_path, tiny_model_dir, epochs=1, resume=True), log=lambda line: None)
    assert FramingModel.from_pretrained(train_model(opts, log=lambda line: None)).config.labelset.span_labels == \
        ("HEDGE",)
    assert not opts.checkpoint_dir.exists()


def test_early_stopping_keeps_the_best_epoch(tmp_path, tiny_model_dir):
    opts = options(tmp_path, tiny_model_dir, epochs=8, patience=1, lr=0.5)  # a wild learning rate stops early
    out = train_model(opts, log=lambda line: None)
    training = FramingModel.from_pretrained(out).record.training
    history = training["history"]
    best = max(h["dev_f1"] for h in history)
    assert training["epochs_run"] < 8
    assert history[training["best_epoch"] - 1]["dev_f1"] == best
    assert FramingModel.from_pretrained(out).record.metrics["dev_f1"] == pytest.approx(best, abs=1e-4)


def test_jsonl_and_quote_label_without_base(tmp_path):
    (tmp_path / "labels.json").write_text(json.dumps({
        "span_labels": [{"name": "SCARE_QUOTE", "description": "scare quotes"}], "quote_label": "SCARE_QUOTE"}))
    docs = [AnnotatedDocument(str(i), f"Sentence {i} here.", "x", [SpanAnnotation(0, 8, "SCARE_QUOTE")],
                              [UnitLabels(0, 5, {})]) for i in range(3)]
    write_jsonl(docs[:2], tmp_path / "train.jsonl")
    write_jsonl(docs[2:], tmp_path / "dev.jsonl")
    opts = TrainOptions(labels=str(tmp_path / "labels.json"), train=str(tmp_path / "train.jsonl"),
                        dev=str(tmp_path / "dev.jsonl"), out=str(tmp_path / "m"), min_examples=1)
    with pytest.raises(ValueError) as err:
        train_model(opts, log=lambda line: None)
    assert str(err.value) == ("label 'SCARE_QUOTE': quote_label needs --base with a model that has the same "
                              "quote_label (framing train does not train the quotation-mark head)")


# ---- slow: the real base encoder ----------------------------------------------------------

UNSEEN_SUBJECTS = ["The governor", "The union leader", "The ambassador", "The judge"]
UNSEEN_ACTIONS = [("vetoed the budget bill", "veto the budget bill"), ("left the country", "leave the country")]


@pytest.mark.slow
def test_end_to_end_new_labels_on_the_real_encoder(tmp_path, capsys):
    torch.set_num_threads(2)
    labels, train, dev = hedge_files(tmp_path)
    out = tmp_path / "hedge-model"
    code = main(["train", "--labels", str(labels), "--train", str(train), "--dev", str(dev), "--out", str(out),
                 "--epochs", "6", "--patience", "2"])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "epoch 1: loss " in err and ", dev F1 " in err
    model = FramingModel.from_pretrained(out)
    training = model.record.training
    # 48 sentences: 6 steps an epoch, at most 36 (about 0.5 s each on 2 idle cores; slower on a shared machine)
    assert training["epochs_run"] <= 6 and training["train_minutes"] < 10, training

    unseen = hedge_sentences(UNSEEN_SUBJECTS, UNSEEN_ACTIONS)
    results = model.predict_many([t for t, _ in unseen])
    found_right, false_spans, sentence_right = 0, 0, 0
    for (text, hedge), r in zip(unseen, results):
        spans = [(s.start, s.end) for s in r.spans if s.label == "HEDGE"]
        if hedge:
            found_right += spans == [hedge]
        else:
            false_spans += len(spans)
        sentence_right += ("UNVERIFIED" in r.sentences[0].sentence_labels) == (hedge is not None)
    hedged = sum(h is not None for _, h in unseen)
    assert found_right >= 0.9 * hedged, (found_right, hedged)
    assert false_spans <= 1
    assert sentence_right >= 0.9 * len(unseen)

    # the output folder works with the other commands
    article = tmp_path / "article.txt"
    article.write_text("The ambassador reportedly left the country. The judge left the country.", encoding="utf-8")
    assert main(["check", str(article), "--model", str(out), "--json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert [s["text"] for s in checked["spans"]] == ["reportedly"]
    gold = tmp_path / "unseen.jsonl"
    write_jsonl([AnnotatedDocument(str(i), text, "", [SpanAnnotation(*h, "HEDGE")] if h else [],
                                   [UnitLabels(0, len(text), {"UNVERIFIED": int(h is not None)})])
                 for i, (text, h) in enumerate(unseen)], gold)
    assert main(["evaluate", "--model", str(out), "--data", f"jsonl:{gold}", "--out", str(tmp_path / "report")]) == 0
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    section = metrics["datasets"][f"jsonl:{gold}"]
    assert section["spans"]["labels"]["HEDGE"]["tuned"]["semeval_span_f1"]["value"] >= 0.9
    assert section["sentences"]["labels"]["UNVERIFIED"]["tuned"]["macro_f1"]["value"] >= 0.9
    shutil.rmtree(tmp_path / "report")


def test_the_readme_example_files_validate_cleanly():
    from pathlib import Path

    from framing.data.annotations import read_annotations
    from framing.data.validation import validate
    from framing.labels import LabelSet

    root = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
    examples = root / "data" / "examples"
    labelset = LabelSet.load(examples / "hedge-labels.yaml")
    train = read_annotations(str(examples / "hedge-train.json"))
    dev = read_annotations(str(examples / "hedge-dev.json"))
    report = validate(labelset, train, dev)
    assert (train.format, dev.format) == ("labelstudio", "labelstudio")
    assert report.problems == []
    assert report.counts == {"HEDGE": {"train": 25, "dev": 8}, "UNVERIFIED": {"train": 25, "dev": 8}}


def test_base_model_gives_its_adapters_and_the_rows_of_shared_labels(tiny_model_dir):
    from framing.labels import LabelSet
    from framing.training.run import start_model

    labels = LabelSet(("HEDGE", "NAME_CALLING"), ("UNVERIFIED", "BIASED"),
                      {"HEDGE": "h", "NAME_CALLING": "n", "UNVERIFIED": "u", "BIASED": "b"})
    new = start_model(labels, str(tiny_model_dir)).network.state_dict()
    old_model = FramingModel.from_pretrained(tiny_model_dir, for_training=True)
    old = old_model.network.state_dict()
    k = old_model.config.labelset.tagged_labels.index("NAME_CALLING")
    assert torch.equal(new["tagger.weight"][3:6], old["tagger.weight"][3 * k : 3 * k + 3])
    assert not torch.equal(new["tagger.weight"][0:3], old["tagger.weight"][0:3])  # HEDGE starts afresh
    assert torch.equal(new["sentence_head.weight"][1], old["sentence_head.weight"][0])
    shared = [key for key in new if not key.startswith(("tagger.", "sentence_head."))]
    assert shared and all(torch.equal(new[key], old[key]) for key in shared)


# ---- framing suggest (active learning) -------------------------------------------------------


def test_suggest_writes_varied_uncertain_sentences_as_label_studio_tasks(tmp_path, tiny_model_dir, capsys):
    from framing.training.suggest import suggest

    corpus = tmp_path / "corpus.jsonl"
    docs = [{"id": f"d{i}", "text": " ".join(f"{s} {past} in round {i}." for s, (past, _) in zip(SUBJECTS, ACTIONS))}
            for i in range(4)] + [{"id": "empty", "text": ""}]
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "tasks.json"
    assert main(["suggest", str(corpus), "--model", str(tiny_model_dir), "--n", "6", "--per-document", "2",
                 "--out", str(out)]) == 0
    assert "framing: 6 sentences from 4 documents (1 without text skipped) written to" in capsys.readouterr().err
    tasks = json.loads(out.read_text())
    assert len(tasks) == 6
    texts = {d["id"]: d["text"] for d in docs}
    per_doc = {}
    for t in tasks:
        data = t["data"]
        assert texts[data["doc_id"]][data["start"] : data["start"] + len(data["text"])] == data["text"]
        per_doc[data["doc_id"]] = per_doc.get(data["doc_id"], 0) + 1
        for r in t["predictions"][0]["result"]:
            if r["type"] == "labels":
                assert data["text"][r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]
    assert max(per_doc.values()) <= 2
    scores = [t["predictions"][0]["score"] for t in tasks]
    assert scores == sorted(scores, reverse=True)
    # annotated in Label Studio (pre-annotations accepted), the tasks import for framing train
    for t in tasks:
        t["annotations"] = [{"result": t["predictions"][0]["result"]}]
    (tmp_path / "done.json").write_text(json.dumps(tasks))
    from framing.data.annotations import read_annotations

    imported = read_annotations(str(tmp_path / "done.json"))
    assert imported.format == "labelstudio" and len(imported.documents) == 6
    assert not [p for p in imported.problems if p.fatal]
    model = FramingModel.from_pretrained(tiny_model_dir)
    assert len(suggest(model, [(d["id"], d["text"]) for d in docs[:1]], n=50, per_document=50)) <= 8


def test_pick_skips_near_duplicates():
    from framing.training.suggest import Candidate, pick

    texts = {"a": "The mayor resigned today. The mayor resigned today! Prices rose."}
    cands = [Candidate("a", 0, 0, 25, 0.9), Candidate("a", 1, 26, 51, 0.8), Candidate("a", 2, 52, 64, 0.1)]
    assert [c.index for c in pick(cands, texts, n=3)] == [0, 2]


def test_a_trained_model_carries_thresholds_tuned_on_its_dev_data(tmp_path, tiny_model_dir):
    """framing train tunes every threshold on the dev annotations (phrase F0.5 for spans, F1 for sentence labels)."""
    from framing.data.annotations import read_annotations
    from framing.training.thresholds import GRID, tune_thresholds

    opts = options(tmp_path, tiny_model_dir, epochs=2)
    out = train_model(opts, log=lambda line: None)
    model = FramingModel.from_pretrained(out)
    thresholds = model.config.thresholds
    assert set(thresholds) == {"HEDGE", "UNVERIFIED"} and set(thresholds.values()) <= set(GRID)
    assert thresholds != {"HEDGE": 0.5, "UNVERIFIED": 0.5}
    # the saved thresholds are what tuning on the dev file gives for the saved weights
    assert tune_thresholds(model, read_annotations(opts.dev).documents) == thresholds
    assert "tuned on the same dev set" in (out / "README.md").read_text()


def test_a_precision_target_picks_the_best_f05_among_thresholds_that_reach_it(tmp_path, tiny_model_dir):
    """With --min-precision, a span label's threshold is the best F0.5 among those whose dev precision reaches
    the target on enough flags; a label that reaches it nowhere keeps its plain best F0.5."""
    from dataclasses import replace

    from framing.data.annotations import read_annotations
    from framing.training.thresholds import GRID, span_threshold_choices, tune_thresholds

    opts = options(tmp_path, tiny_model_dir, epochs=2)
    model = FramingModel.from_pretrained(train_model(opts, log=lambda line: None))
    docs = read_annotations(opts.dev).documents
    scores = model.score_many([d.text for d in docs], 32)
    # gold: the model's own flags at 0.65, and every other one of those only a lower threshold finds, so that
    # 0.55 has the better recall and 0.65 the better precision
    def flags(sc, t):
        return model.decode(sc, {**model.config.thresholds, "HEDGE": t}).spans

    def overlaps(a, spans):
        return any(a.start < b.end and b.start < a.end for b in spans)

    gold = []
    for sc in scores:
        high = flags(sc, 0.65)
        gold.append(high + [s for s in flags(sc, 0.55) if not overlaps(s, high)][::2])
    docs = [replace(d, spans=[SpanAnnotation(s.start, s.end, s.label) for s in g]) for d, g in zip(docs, gold)]
    plain = span_threshold_choices(model, docs, scores=scores, beta=2.0)  # recall-heavy
    target = 0.99
    at = {t: span_threshold_choices(model, docs, grid=(t,), scores=scores, beta=2.0, min_precision=target,
                                    min_flags=2)["HEDGE"][1] for t in GRID}
    reaching = [t for t, fig in at.items() if fig["meets_target"]]
    assert 0.65 in reaching and plain["HEDGE"][0] not in reaching  # the target must move the choice
    chosen, fig = span_threshold_choices(model, docs, scores=scores, beta=2.0, min_precision=target,
                                         min_flags=2)["HEDGE"]
    assert fig["meets_target"] and fig["precision"] >= target and fig["flags"] >= 2
    assert chosen == max(reaching, key=lambda t: (at[t]["f_beta"], -t))
    # a target reached nowhere: the plain choice, marked as short of it
    nowhere = span_threshold_choices(model, docs, scores=scores, beta=2.0, min_precision=0.99, min_flags=10 ** 6)
    assert nowhere["HEDGE"] == (plain["HEDGE"][0], {**plain["HEDGE"][1], "meets_target": False})
    # framing train's tuning (F0.5) takes the target through
    f05 = span_threshold_choices(model, docs, scores=scores)["HEDGE"][0]
    f05_target = span_threshold_choices(model, docs, scores=scores, min_precision=target, min_flags=2)["HEDGE"][0]
    assert tune_thresholds(model, docs, target, min_flags=2)["HEDGE"] == f05_target != f05


@pytest.mark.parametrize("value", ["1.5", "0", "-0.2"])
def test_min_precision_outside_zero_and_one_is_refused(tmp_path, tiny_model_dir, capsys, value):
    labels, train, dev = hedge_files(tmp_path, n_train=4, n_dev=2)
    code = main(["train", "--labels", str(labels), "--train", str(train), "--dev", str(dev),
                 "--out", str(tmp_path / "m"), "--min-precision", value])
    assert code == 2
    assert capsys.readouterr().err.strip().endswith(f"--min-precision must be between 0 and 1, got {float(value)}")
    assert not (tmp_path / "m").exists()
