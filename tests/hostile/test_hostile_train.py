"""framing train: hostile label sets and annotation files give one line, exit 2, and write nothing."""

import json

from hostile_util import fails, fails_with_report, plant, snapshot

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
span_labels: [*i]
"""
LABELS = {"span_labels": [{"name": "HEDGE", "description": "Hedging words."}]}


def task(n, text="The ambassador reportedly left.", **extra):
    start = text.index("reportedly") if "reportedly" in text else 0
    value = {"start": start, "end": start + 10, "labels": ["HEDGE"]}
    return {"id": n, "data": {"text": text}, "annotations": [{"result": [{"type": "labels", "value": value}]}],
            **extra}


def files(tmp_path, train_tasks=None, labels_text=None):
    labels = tmp_path / "labels.yaml"
    labels.write_text(labels_text or json.dumps(LABELS), encoding="utf-8")
    train, dev = tmp_path / "train.json", tmp_path / "dev.json"
    train.write_text(json.dumps(train_tasks or [task(1), task(2, "The judge allegedly left.")]), encoding="utf-8")
    dev.write_text(json.dumps([task(3, "The minister reportedly resigned.")]), encoding="utf-8")
    return labels, train, dev


def train(capsys, tmp_path, labels, train, dev, *needles, extra=(), report=False):
    before = plant(tmp_path / "mine")
    check = fails_with_report if report else fails
    err = check(capsys, ["train", "--labels", labels, "--train", train, "--dev", dev, "--out", tmp_path / "model",
                         "--dry-run", *extra], *needles)
    assert not (tmp_path / "model").exists() and not (tmp_path / "model.checkpoint").exists()
    assert snapshot(tmp_path / "mine") == before
    return err


def test_yaml_billion_laughs_is_refused_at_the_first_anchor(tmp_path, capsys):
    assert len(BILLION_LAUGHS) < 400
    labels, tr, dev = files(tmp_path, labels_text=BILLION_LAUGHS)
    train(capsys, tmp_path, labels, tr, dev, f"{labels}:1: YAML anchors and aliases (&name, *name) are not allowed")


def test_label_entry_error_shows_a_bounded_repr(tmp_path, capsys):
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"span_labels": [["x" * 1000] * 500]}), encoding="utf-8")
    _, tr, dev = files(tmp_path)
    err = train(capsys, tmp_path, labels, tr, dev, "span_labels[0]: must be a mapping with 'name' and 'description'")
    assert len(err) < 300


def test_deeply_nested_label_set_json(tmp_path, capsys):
    labels = tmp_path / "labels.json"
    labels.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    _, tr, dev = files(tmp_path)
    train(capsys, tmp_path, labels, tr, dev, f"{labels}: nested more than 100 levels deep")


def test_labelstudio_annotations_not_a_list(tmp_path, capsys):
    labels, tr, dev = files(tmp_path, [task(1), {**task(2), "annotations": 5}])
    train(capsys, tmp_path, labels, tr, dev, f"{tr}: task 2 (id 2): error: 'annotations' must be a list, got int",
          report=True)


def test_labelstudio_result_not_a_list(tmp_path, capsys):
    bad = task(2)
    bad["annotations"][0]["result"] = 7
    labels, tr, dev = files(tmp_path, [task(1), bad])
    train(capsys, tmp_path, labels, tr, dev, "task 2 (id 2): error: the annotation's 'result' must be a list, got int",
          report=True)


def test_labelstudio_text_not_a_string(tmp_path, capsys):
    labels, tr, dev = files(tmp_path, [task(1), {**task(2), "data": {"text": 12345}}])
    train(capsys, tmp_path, labels, tr, dev, "task 2 (id 2): error: data.text must be a string, got int",
          report=True)


def test_deeply_nested_labelstudio_export(tmp_path, capsys):
    labels, tr, dev = files(tmp_path)
    tr.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    train(capsys, tmp_path, labels, tr, dev, f"{tr}: nested more than 100 levels deep",
          extra=["--format", "labelstudio"])
    train(capsys, tmp_path, labels, tr, dev, f"{tr}: cannot tell the annotation format")


def test_deeply_nested_jsonl_line(tmp_path, capsys):
    labels, tr, dev = files(tmp_path)
    jsonl = tmp_path / "train.jsonl"
    jsonl.write_text(json.dumps({"text": "The ambassador reportedly left.", "spans": []}) + "\n"
                     + '{"text": "x", "spans": ' + "[" * 50_000 + "]" * 50_000 + "}\n", encoding="utf-8")
    train(capsys, tmp_path, labels, jsonl, dev, f"{jsonl}:2: error: nested more than 100 levels deep",
          report=True)


def test_doccano_cats_string_is_not_a_yes(tmp_path, capsys):
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"sentence_labels": [{"name": "X", "description": "An x."}]}), encoding="utf-8")
    tr, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    tr.write_text(json.dumps({"text": "One.", "cats": {"X": "no"}}) + "\n", encoding="utf-8")
    dev.write_text(json.dumps({"text": "Two.", "cats": {"X": 1}}) + "\n", encoding="utf-8")
    train(capsys, tmp_path, labels, tr, dev, f"{tr}:1: error: bad label entry (cats['X'] must be 0 or 1",
          report=True)
