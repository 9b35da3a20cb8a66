"""Each importer reads a file written here in its tool's format back to the same documents, with
offsets that slice back to the annotated words; the format is detected; our JSONL round-trips."""

import csv
import json

import pytest

from framing.data.annotated import AnnotationFormatError
from framing.data.annotations import read_annotations, read_jsonl, write_jsonl

# (id, text, [(start, end, label)], {sentence label: 0/1})
DOCS = [
    ("a1", "The minister reportedly resigned.", [(13, 23, "HEDGE")], {"UNVERIFIED": 1}),
    ("a2", "Rebels are said to have \u201cliberated\u201d the town. Prices rose.", [(11, 18, "HEDGE"),
                                                                                  (25, 34, "EUPHEMISM")],
     {"UNVERIFIED": 1}),
    ("a3", "The council met on Monday.", [], {"UNVERIFIED": 0}),
]


def span_text(doc):
    return sorted((doc.text[s.start : s.end], s.label) for s in doc.spans)


def expected_span_text():
    return [sorted((text[s:e], lab) for s, e, lab in spans) for _, text, spans, _ in DOCS]


def check_round_trip(imported, tmp_path, sentence_labels=True):
    """Documents as in DOCS, and the same after writing and reading our JSONL."""
    assert [d.text for d in imported.documents] == [text for _, text, _, _ in DOCS]
    assert [span_text(d) for d in imported.documents] == expected_span_text()
    if sentence_labels:
        assert [{k: v for u in d.units for k, v in u.labels.items() if v} for d in imported.documents] == \
               [{k: v for k, v in labels.items() if v} for *_, labels in DOCS]
    assert not [p for p in imported.problems if p.fatal]
    write_jsonl(imported.documents, tmp_path / "ours.jsonl")
    again = read_jsonl(tmp_path / "ours.jsonl")
    assert [(d.doc_id, d.text, [s[:3] for s in d.spans], d.units, d.has_spans) for d in again.documents] == \
           [(d.doc_id, d.text, [s[:3] for s in d.spans], d.units, d.has_spans) for d in imported.documents]


def test_labelstudio_export(tmp_path):
    tasks = []
    for n, (doc_id, text, spans, labels) in enumerate(DOCS, 1):
        result = [{"id": f"r{k}", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": s, "end": e, "text": text[s:e], "labels": [lab]}}
                  for k, (s, e, lab) in enumerate(spans)]
        chosen = [k for k, v in labels.items() if v]
        if chosen:
            result.append({"from_name": "claim", "to_name": "text", "type": "choices", "value": {"choices": chosen}})
        result.append({"from_name": "rel", "to_name": "text", "type": "relation"})  # relations are ignored
        tasks.append({"id": n, "data": {"text": text},
                      "annotations": [{"id": 9, "was_cancelled": True, "result": []},
                                      {"id": 10, "was_cancelled": False, "result": result}]})
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    imported = read_annotations(str(path))
    assert imported.format == "labelstudio"
    assert imported.documents[1].where == f"{path}: task 2 (id 2)"
    check_round_trip(imported, tmp_path)


def test_labelstudio_utf16_offsets_and_region_choices(tmp_path):
    text = "Fans \U0001F600 reportedly cheered. Others left."
    # the browser counts the emoji as two UTF-16 code units, so "reportedly" starts at 8, not 7
    tasks = [{"id": 1, "data": {"body": text}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 8, "end": 18, "text": "reportedly", "labels": ["HEDGE"]}},
        {"type": "choices", "value": {"start": 0, "end": 27, "text": text[:26], "choices": ["UNVERIFIED"]}},
    ]}]}, {"id": 2, "data": {"text": "No annotation."}, "annotations": []}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    imported = read_annotations(str(path), "labelstudio")
    (doc,) = imported.documents
    assert span_text(doc) == [("reportedly", "HEDGE")]
    assert [(text[u.start : u.end], u.labels) for u in doc.units] == [(text[:26], {"UNVERIFIED": 1})]
    assert [str(p) for p in imported.problems] == [f"{path}: task 2 (id 2): warning: no annotation (skipped)"]


def test_labelstudio_utf16_offsets_without_the_quoted_text(tmp_path):
    text = "\U0001F600 We reportedly fell."
    tasks = [{"id": 1, "data": {"text": text}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 6, "end": 16, "labels": ["HEDGE"]}}]}]}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    (doc,) = read_annotations(str(path), "labelstudio").documents
    assert span_text(doc) == [("reportedly", "HEDGE")]


def test_doccano_jsonl(tmp_path):
    path = tmp_path / "doccano.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for doc_id, text, spans, labels in DOCS:
            rec = {"id": doc_id, "text": text, "label": [[s, e, lab] for s, e, lab in spans]}
            if doc_id == "a2":  # the newer export layout
                rec = {"id": doc_id, "text": text, "entities": [
                    {"id": k, "start_offset": s, "end_offset": e, "label": lab} for k, (s, e, lab) in enumerate(spans)]}
            rec["cats"] = [k for k, v in labels.items() if v]
            f.write(json.dumps(rec) + "\n")
    imported = read_annotations(str(path))
    assert imported.format == "doccano"
    assert [d.doc_id for d in imported.documents] == ["a1", "a2", "a3"]
    check_round_trip(imported, tmp_path)


def test_doccano_text_classification_labels(tmp_path):
    path = tmp_path / "cls.jsonl"
    path.write_text(json.dumps({"text": "It is said to be so.", "label": ["UNVERIFIED"]}) + "\n", encoding="utf-8")
    (doc,) = read_annotations(str(path)).documents
    assert doc.spans == [] and doc.units[0].labels == {"UNVERIFIED": 1}


def test_standoff_tsv_with_a_folder_of_texts(tmp_path):
    texts = tmp_path / "articles"
    texts.mkdir()
    lines = []
    for doc_id, text, spans, _ in DOCS:
        (texts / f"article{doc_id}.txt").write_text(text, encoding="utf-8")
        lines += [f"{doc_id}\t{lab}\t{s}\t{e}" for s, e, lab in spans]
    labels = tmp_path / "labels.tsv"
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = read_annotations(f"{texts},{labels}")
    assert imported.format == "standoff"
    assert [d.doc_id for d in imported.documents] == ["a1", "a2", "a3"]
    assert imported.documents[1].spans[0].where == f"{labels}:2"
    check_round_trip(imported, tmp_path, sentence_labels=False)


def test_standoff_texts_beside_the_tsv(tmp_path):
    (tmp_path / "d1.txt").write_text("It reportedly fell.", encoding="utf-8")
    (tmp_path / "spans.tsv").write_text("d1\tHEDGE\t3\t13\n", encoding="utf-8")
    (doc,) = read_annotations(str(tmp_path / "spans.tsv")).documents
    assert span_text(doc) == [("reportedly", "HEDGE")]


@pytest.mark.parametrize("layout", ["columns", "labels"])
def test_csv_with_sentence_labels(tmp_path, layout):
    path = tmp_path / "sentences.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";" if layout == "labels" else ",")
        w.writerow(["id", "text", "UNVERIFIED"] if layout == "columns" else ["id", "text", "labels"])
        for doc_id, text, _, labels in DOCS:
            value = labels["UNVERIFIED"] if layout == "columns" else "|".join(k for k, v in labels.items() if v)
            w.writerow([doc_id, text, value])
    imported = read_annotations(str(path))
    assert imported.format == "csv"
    assert [d.doc_id for d in imported.documents] == ["a1", "a2", "a3"]
    assert [d.units[0].labels.get("UNVERIFIED", 0) for d in imported.documents] == [1, 1, 0]
    assert not any(d.has_spans for d in imported.documents)  # a CSV says nothing about spans
    write_jsonl(imported.documents, tmp_path / "ours.jsonl")
    again = read_jsonl(tmp_path / "ours.jsonl")
    assert [(d.text, d.units, d.has_spans) for d in again.documents] == \
           [(d.text, d.units, d.has_spans) for d in imported.documents]


def test_csv_doubled_quotes_inside_a_text(tmp_path):
    path = tmp_path / "sentences.csv"
    path.write_text('id,text,labels\n1,"He said ""no"" today, then left",UNVERIFIED\n', encoding="utf-8")
    (doc,) = read_annotations(str(path)).documents
    assert (doc.text, doc.units[0].labels) == ('He said "no" today, then left', {"UNVERIFIED": 1})


def test_our_jsonl(tmp_path):
    path = tmp_path / "ours.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for doc_id, text, spans, labels in DOCS:
            f.write(json.dumps({"id": doc_id, "text": text,
                                "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans],
                                "sentences": [{"start": 0, "end": len(text), "labels": labels}]}) + "\n")
    imported = read_annotations(str(path))
    assert imported.format == "jsonl"
    check_round_trip(imported, tmp_path)
    write_jsonl(imported.documents, tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_our_jsonl_is_what_framing_evaluate_reads(tmp_path):
    from framing.data.gold import load_gold
    from framing.labels import LabelSet

    ls = LabelSet(("HEDGE", "EUPHEMISM"), ("UNVERIFIED",), {"HEDGE": "h", "EUPHEMISM": "e", "UNVERIFIED": "u"})
    path = tmp_path / "ours.jsonl"
    write_jsonl(read_annotations(str(_ours(tmp_path))).documents, path)
    gold = load_gold(f"jsonl:{path}", ls)
    assert [sorted(s[:3] for s in d.spans) for d in gold.documents] == [sorted(s) for _, _, s, _ in DOCS]


def _ours(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t, "spans": [{"start": s, "end": e, "label": lab}
                                                                        for s, e, lab in sp]}) + "\n"
                            for i, t, sp, _ in DOCS), encoding="utf-8")
    return path


def test_undetectable_format_lists_the_formats_tried(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("some notes\nabout nothing\n", encoding="utf-8")
    with pytest.raises(AnnotationFormatError) as err:
        read_annotations(str(path))
    assert str(err.value) == (
        f"{path}: cannot tell the annotation format; tried labelstudio (not a JSON list of tasks with 'data'); "
        "doccano (first line is not a JSON object with 'label', 'entities' or 'cats'); "
        "standoff (first line is not doc_id<TAB>label<TAB>start<TAB>end); csv (no 'text' column in the header); "
        "jsonl (first line is not a JSON object with a string 'text'). "
        "Name it with --format (labelstudio, doccano, standoff, csv, jsonl)")


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(AnnotationFormatError) as err:
        read_annotations(str(tmp_path / "nope.json"))
    assert str(err.value) == f"{tmp_path / 'nope.json'}: no such file"
    (tmp_path / "a.json").write_text("[]")
    with pytest.raises(AnnotationFormatError) as err:
        read_annotations(str(tmp_path / "a.json"), "brat")
    assert str(err.value) == ("unknown annotation format 'brat'; expected one of labelstudio, doccano, standoff, "
                              "csv, jsonl")
