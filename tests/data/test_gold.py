"""Evaluation data is read into the one annotated-document type that training reads."""

import json

import pytest

from framing.data.annotated import AnnotatedDocument, SpanAnnotation, UnitLabels
from framing.data.annotations import read_annotations
from framing.data.gold import GoldDataError, load_gold
from framing.labels import DEFAULT_LABELSET


def test_babe_rows_are_annotated_documents_with_one_labelled_unit(tmp_path):
    path = tmp_path / "babe.csv"
    path.write_text("text;label_bias;news_link\nThe thugs won.;Biased;a\nRates rose.;Non-biased;a\n"
                    "Unsure.;No agreement;b\n", encoding="utf-8")
    docs = load_gold(f"babe:{path}", DEFAULT_LABELSET).documents
    assert [type(d) for d in docs] == [AnnotatedDocument] * 2
    assert [(d.where, d.group, d.has_spans, d.units) for d in docs] == [
        (f"{path}:2", "a", False, [UnitLabels(0, 14, {"BIASED": 1})]),
        (f"{path}:3", "a", False, [UnitLabels(0, 11, {"BIASED": 0})])]
    assert docs[0].unit_bounds == [(0, 14)]


def test_ptc_spans_carry_no_annotated_voice(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "article7.txt").write_text("The regime thugs attacked.\n", encoding="utf-8")
    (tmp_path / "articles" / "article8.txt").write_text("Nothing here.\n", encoding="utf-8")
    labels = tmp_path / "labels.tsv"
    labels.write_text("7\tName_Calling,Labeling\t4\t16\n", encoding="utf-8")
    seven, eight = load_gold(f"ptc:{tmp_path}/articles,{labels}", DEFAULT_LABELSET).documents
    assert seven.spans == [SpanAnnotation(4, 16, "NAME_CALLING")] and seven.text[4:16] == "regime thugs"
    assert (seven.where, seven.group, seven.voiced, seven.propaganda) == (f"{labels}:1", "7", False, [(4, 16)])
    assert (eight.where, eight.spans, eight.propaganda) == (str(tmp_path / "articles" / "article8.txt"), [], [])


def test_evaluation_and_training_read_our_jsonl_into_the_same_documents(tmp_path):
    path = tmp_path / "ours.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "The regime fell.", "spans": [
        {"start": 4, "end": 10, "label": "NAME_CALLING", "voice": "quoted"}]}) + "\n", encoding="utf-8")
    (gold,) = load_gold(f"jsonl:{path}", DEFAULT_LABELSET).documents
    (train,) = read_annotations(str(path), "jsonl").documents
    assert gold == train
    assert gold.spans[0].voice == "quoted" and gold.voiced and gold.group == "1"


def test_a_pooled_spec_reads_every_part_into_one_set_and_refuses_a_document_twice(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"id": "1", "text": "The regime fell."}) + "\n", encoding="utf-8")
    second.write_text(json.dumps({"id": "2", "text": "Rates rose."}) + "\n", encoding="utf-8")
    pooled = load_gold(f"jsonl:{first}+jsonl:{second}", DEFAULT_LABELSET)
    assert [d.doc_id for d in pooled.documents] == ["1", "2"]
    assert (pooled.format, sorted(pooled.file_hashes)) == ("jsonl+jsonl", sorted([str(first), str(second)]))
    with pytest.raises(GoldDataError) as e:
        load_gold(f"jsonl:{first}+jsonl:{first}", DEFAULT_LABELSET)
    assert str(e.value) == f"jsonl:{first}+jsonl:{first}: document 1 is in more than one pooled data set"
    with pytest.raises(GoldDataError, match=r"^.*c\.jsonl: file not found$"):
        load_gold(f"jsonl:{first}+jsonl:{tmp_path / 'c.jsonl'}", DEFAULT_LABELSET)
