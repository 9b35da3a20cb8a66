"""Validation before training: every problem with its file, record or line and reason, exact messages,
per-label counts, and a non-zero exit from ``framing train --dry-run`` when anything is fatal."""

import json

from framing.cli.main import main
from framing.data.annotations import read_annotations
from framing.data.validation import validate
from framing.labels import LabelSet

LABELS = LabelSet(("HEDGE",), ("UNVERIFIED",), {"HEDGE": "Distancing words.", "UNVERIFIED": "Unconfirmed claim."})


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def span(start, end, label="HEDGE"):
    return {"start": start, "end": end, "label": label}


def test_every_problem_is_reported_with_file_line_and_reason(tmp_path):
    text = "The minister reportedly resigned."
    train = write_jsonl(tmp_path / "train.jsonl", [
        {"id": "1", "text": text, "spans": [span(13, 23)]},
        {"id": "2", "text": "It allegedly fell.", "spans": [span(3, 12, "HEDGES"), span(3, 12, "UNVERIFIED")]},
        {"id": "3", "text": "Short.", "spans": [span(2, 40), span(4, 4), span(0, 2)]},
        {"id": "4", "text": "   ", "spans": []},
        {"id": "5", "text": text.upper(), "spans": []},  # same letters: the same document
        {"id": "6", "text": "It fell.", "sentences": [{"start": 0, "end": 8, "labels": {"UNVERIFYED": 1}}]},
        {"id": "7", "text": "It fell again.", "sentences": [{"start": 0, "end": 14, "labels": {"HEDGE": 1}}]},
    ])
    with (tmp_path / "train.jsonl").open("a") as f:
        f.write("{not json\n")
    dev = write_jsonl(tmp_path / "dev.jsonl", [
        {"id": "d1", "text": "The minister reportedly resigned.", "spans": [span(13, 23)]},
        {"id": "d2", "text": "She is said to agree.", "spans": [span(4, 14)],
         "sentences": [{"start": 0, "end": 21, "labels": {"UNVERIFIED": 1}}]},
    ])
    report = validate(LABELS, read_annotations(train), read_annotations(dev), min_examples=2)
    assert [str(p) for p in report.problems] == [
        f"{train}:8: error: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{train}:2: error: span 3-12 'allegedly': unknown span label 'HEDGES' (did you mean 'HEDGE'?)",
        f"{train}:2: error: span 3-12 'allegedly': 'UNVERIFIED' is a sentence label, not a span label",
        f"{train}:3: error: span 2-40 is out of range (the text has 6 characters)",
        f"{train}:3: error: span 4-4 is empty",
        f"{train}:3: warning: span 0-2 'Sh' cuts through the word 'Short' (training uses whole words)",
        f"{train}:4: error: document has no text",
        f"{train}:5: error: duplicate of the document at {train}:1",
        f"{train}:6: error: unknown sentence label 'UNVERIFYED' (did you mean 'UNVERIFIED'?)",
        f"{train}:7: error: 'HEDGE' is a span label, not a sentence label",
        f"{dev}:1: error: also in the training data ({train}:1); dev documents must be unseen",
        f"{train}: warning: label 'UNVERIFIED': only 0 training examples (at least 2 recommended)",
    ]
    # counted once each: the HEDGE in document 1 and the cut-through one in 3 (train), d2 (dev)
    assert report.counts == {"HEDGE": {"train": 2, "dev": 1}, "UNVERIFIED": {"train": 0, "dev": 1}}
    assert len(report.fatal) == 10


def test_importer_problems_name_record_and_reason(tmp_path):
    text = "It reportedly fell."
    path = tmp_path / "export.json"
    path.write_text(json.dumps([
        {"id": 7, "data": {"text": text}, "annotations": [{"result": [
            {"type": "labels", "value": {"start": 3, "end": 13, "text": "reported", "labels": ["HEDGE"]}},
            {"type": "labels", "value": {"start": "3", "end": 13, "labels": ["HEDGE"]}},
            {"type": "textarea", "value": {"text": ["a note"]}}]}]},
        {"id": 8, "data": {"title": "a", "body": "b"}, "annotations": [{"result": []}]},
    ]), encoding="utf-8")
    imported = read_annotations(str(path))
    assert [str(p) for p in imported.problems] == [
        f"{path}: task 1 (id 7) result 1: error: span 3-13: the export says 'reported' but the text there is "
        "'reportedly'",
        f"{path}: task 1 (id 7) result 2: error: start/end: '3' is not an integer offset",
        f"{path}: task 1 (id 7) result 3: warning: result of type 'textarea' ignored (only 'labels' and "
        "'choices' are read)",
        f"{path}: task 2 (id 8): error: data has no 'text' field (found: body, title)",
    ]


def test_csv_values_and_standoff_lines(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("text,UNVERIFIED\nIt is said.,maybe\nIt is.,0\n", encoding="utf-8")
    imported = read_annotations(str(path))
    assert [str(p) for p in imported.problems] == [
        f"{path}:2: error: column 'UNVERIFIED' must be 1 or 0 (or true/false, yes/no), got 'maybe'"]
    assert [d.text for d in imported.documents] == ["It is."]
    (tmp_path / "a.txt").write_text("It reportedly fell.", encoding="utf-8")
    tsv = tmp_path / "labels.tsv"
    tsv.write_text("a\tHEDGE\t3\t13\nb\tHEDGE\t0\t2\na\tHEDGE\tx\t13\na\tHEDGE\n", encoding="utf-8")
    imported = read_annotations(str(tsv), "standoff")
    assert [str(p) for p in imported.problems] == [
        f"{tsv}:2: error: document 'b' has labels but no articleb.txt or b.txt in {tmp_path}",
        f"{tsv}:3: error: start and end must be integers, got 'x', '13'",
        f"{tsv}:4: error: expected 4 tab-separated fields (doc_id, label, start, end), got 2",
    ]


def test_labels_without_dev_examples_are_warned_about(tmp_path):
    train = write_jsonl(tmp_path / "t.jsonl", [{"text": f"It reportedly fell {i}.", "spans": [span(3, 13)],
                                                "sentences": [{"start": 0, "end": 5, "labels": {"UNVERIFIED": 1}}]}
                                               for i in range(3)])
    dev = write_jsonl(tmp_path / "d.jsonl", [{"text": "It fell.", "spans": [span(0, 2)]}])
    report = validate(LABELS, read_annotations(train), read_annotations(dev), min_examples=3)
    assert [str(p) for p in report.problems] == [
        f"{dev}: warning: label 'UNVERIFIED': no dev examples, so its dev F1 cannot be measured"]
    assert report.lines(LABELS)[-4:] == [
        "label       level     train    dev",
        "HEDGE       span          3      1",
        "UNVERIFIED  sentence      3      0",
        "3 train documents, 1 dev documents; 0 errors, 1 warning",
    ]


def test_dev_without_any_example_is_fatal(tmp_path):
    train = write_jsonl(tmp_path / "t.jsonl", [{"text": "It reportedly fell.", "spans": [span(3, 13)]}])
    dev = write_jsonl(tmp_path / "d.jsonl", [{"text": "It fell.", "spans": []}])
    report = validate(LABELS, read_annotations(train), read_annotations(dev), min_examples=1)
    assert str(report.fatal[0]) == (f"{dev}: error: no examples of any label; dev F1 (early stopping, model card) "
                                    "cannot be measured")


def test_dry_run_exits_non_zero_on_fatal_problems(tmp_path, capsys):
    labels = tmp_path / "labels.json"
    LABELS.save(labels)
    train = write_jsonl(tmp_path / "t.jsonl", [{"text": "It reportedly fell.", "spans": [span(3, 30)]}])
    dev = write_jsonl(tmp_path / "d.jsonl", [{"text": "It reportedly rose.", "spans": [span(3, 13)]}])
    code = main(["train", "--labels", str(labels), "--train", train, "--dev", dev, "--out", str(tmp_path / "m"),
                 "--dry-run"])
    _, err = capsys.readouterr()
    assert code == 2
    assert f"{train}:1: error: span 3-30 is out of range (the text has 19 characters)" in err.splitlines()
    assert err.splitlines()[-1] == "framing: error: 1 error in the annotations (listed above); nothing was trained"
    assert not (tmp_path / "m").exists()
