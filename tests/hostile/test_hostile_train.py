"""framing train: hostile label sets and annotation files give one line, exit 2, and write nothing."""

import json

import pytest
from hostile_util import EMPTY, UNREADABLE, fails, fails_with_report, plant, record, snapshot

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


def jsonl_train(tmp_path, data: bytes):
    labels, _, dev = files(tmp_path)
    train_file = tmp_path / "train.jsonl"
    train_file.write_bytes(data)
    return labels, train_file, dev


@pytest.mark.parametrize("name", UNREADABLE)
def test_catalogue_unreadable_annotations(tmp_path, capsys, name):
    data, reason = UNREADABLE[name](record(spans=[{"start": 12, "end": 20, "label": "HEDGE"}]) + "\n")
    labels, tr, dev = jsonl_train(tmp_path, data)
    for fmt in ([], ["--format", "jsonl"]):  # detected, or named: the same check first
        train(capsys, tmp_path, labels, tr, dev, f"{tr}: {reason}", extra=fmt)
    assert tr.read_bytes() == data


@pytest.mark.parametrize("name", EMPTY)
def test_catalogue_empty_annotations(tmp_path, capsys, name):
    labels, tr, dev = jsonl_train(tmp_path, EMPTY[name])
    train(capsys, tmp_path, labels, tr, dev, f"{tr}: empty (no annotations)")


def test_unterminated_jsonl_string_message_reads_once(tmp_path, capsys):
    labels, tr, dev = jsonl_train(tmp_path, b'{"text": "The judge reportedly left.\n')
    err = train(capsys, tmp_path, labels, tr, dev,
                f"{tr}:1: error: not valid JSON (Unterminated string starting at column 10)\n",
                extra=["--format", "jsonl"], report=True)
    assert "at at" not in err


def test_standoff_text_that_is_not_utf8_is_named(tmp_path, capsys):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "article1.txt").write_text("The ambassador reportedly left.", encoding="utf-8")
    (texts / "article2.txt").write_bytes("The judge reportedly left the caf\u00e9.".encode("latin-1"))
    tsv = tmp_path / "labels.tsv"
    tsv.write_text("1\tHEDGE\t15\t25\n2\tHEDGE\t10\t20\n", encoding="utf-8")
    labels, _, dev = files(tmp_path)
    err = train(capsys, tmp_path, labels, f"{texts},{tsv}", dev,
                f"{texts / 'article2.txt'}: error: not UTF-8 text (invalid byte 0xe9 at byte offset 33)",
                report=True)
    assert "has labels but no" not in err  # its labels are not reported as a second, misleading problem


def csv_files(tmp_path, train_csv: str):
    """A label set with the sentence label X, ``train_csv`` as train.csv and a one-row dev.csv."""
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"sentence_labels": [{"name": "X", "description": "An x."}]}), encoding="utf-8")
    tr, dev = tmp_path / "train.csv", tmp_path / "dev.csv"
    tr.write_text(train_csv, encoding="utf-8")
    dev.write_text("id,text,X\n1,Dev.,1\n", encoding="utf-8")
    return labels, tr, dev


def test_csv_unterminated_quote_is_an_error_with_its_line(tmp_path, capsys):
    labels, tr, dev = csv_files(tmp_path, 'id,text,X\n1,One.,1\n2,"Two, unclosed,0\n3,Three.,1\n4,Four.,0\n')
    train(capsys, tmp_path, labels, tr, dev, f"{tr}:3: a quoted field that starts on this line is not closed "
          "properly (csv: unexpected end of data); close the quote, and write a quote inside a quoted text as two")
    tr.write_text('id,text,X\n1,One.,1\n2,"He said "no" twice.",0\n3,Three.,1\n', encoding="utf-8")
    train(capsys, tmp_path, labels, tr, dev, f"{tr}:3: a quoted field that starts on this line is not closed "
          "properly (csv: ',' expected after '\"')")


def test_csv_row_with_a_missing_field_is_an_error(tmp_path, capsys):
    labels, tr, dev = csv_files(tmp_path, "id,text,X\n1,One.,1\n2,Two.\n3,Three.,1,extra\n")
    train(capsys, tmp_path, labels, tr, dev, f"{tr}:3: error: fewer fields than the header's 3",
          f"{tr}:4: error: more fields than the header's 3", report=True)


def test_duplicate_identical_spans_are_counted_once(tmp_path):
    from framing.data.annotations import read_annotations
    from framing.data.validation import validate
    from framing.labels import LabelSet

    twice = task(1)
    twice["annotations"][0]["result"] *= 2  # the same span exported twice
    labels, tr, dev = files(tmp_path, [twice, task(2, "The judge reportedly left.")])
    imported = read_annotations(str(tr))
    assert [(d.text[s.start:s.end], s.label) for d in imported.documents for s in d.spans] == \
        [("reportedly", "HEDGE"), ("reportedly", "HEDGE")]  # one per document
    report = validate(LabelSet.load(labels), imported, read_annotations(str(dev)), min_examples=1)
    assert report.counts["HEDGE"] == {"train": 2, "dev": 1}  # was 3 training examples
    assert f"{tr}: task 1 (id 1) result 1: warning: span 15-25 'reportedly' HEDGE is listed 2 times; counted once" \
        in [str(p) for p in report.problems]


def test_annotated_text_has_the_character_cap_of_every_entry_point(tmp_path, capsys):
    long_text = "a" * 1_000_001
    labels, tr, dev = jsonl_train(tmp_path, (record(long_text, spans=[]) + "\n" + record(id="2", spans=[]) + "\n"
                                             + '{"id": "3", "text": "\\ud800 x", "spans": []}\n').encode())
    train(capsys, tmp_path, labels, tr, dev, f"{tr}:1: error: too long (1,000,001 characters; the limit is 1,000,000)",
          f"{tr}:3: error: a lone surrogate U+D800 at character 0 (not valid Unicode)", report=True)
