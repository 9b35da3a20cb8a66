"""One result schema: DocumentResult's JSON round trip, and the API and table schemas held to the dataclasses."""

import dataclasses
import json
import typing

import pytest

from framing.batch.tables import SENTENCE_SCHEMA, SPAN_SCHEMA, document_rows
from framing.data.corpus import CorpusDocument
from framing.errors import DataError
from framing.labels import DEFAULT_LABELSET, LabelSet, bias_label
from framing.pipeline.results import DocumentResult, Sentence, Span
from framing.web.schemas import SentenceOut, SpanOut

TEXT = 'Thugs ran. The "experts" said so.'


def result() -> DocumentResult:
    return DocumentResult(TEXT, [Sentence(0, 10, "Thugs ran.", 0.91, True, ["NAME_CALLING"], {"BIASED": 0.91},
                                          ["BIASED"]),
                                 Sentence(11, 33, 'The "experts" said so.', 0.2, False, ["SCARE_QUOTE"],
                                          {"BIASED": 0.2}, [])],
                          [Span(0, 5, "Thugs", "NAME_CALLING", 0.8, 0),
                           Span(16, 23, "experts", "SCARE_QUOTE", 0.97, 1, "quoted")])


def test_from_dict_reverses_to_dict_through_json():
    r = result()
    data = json.loads(json.dumps(r.to_dict()))
    back = DocumentResult.from_dict(data, TEXT)
    assert back == r
    assert back.spans[1].voice == "quoted" and TEXT[back.spans[1].start : back.spans[1].end] == "experts"


def test_from_dict_fills_defaults_of_older_json():
    data = result().to_dict()
    for span in data["spans"]:
        del span["voice"]  # JSON written before voices
    assert [s.voice for s in DocumentResult.from_dict(data, TEXT).spans] == ["writer", "writer"]


@pytest.mark.parametrize("change, message", [
    (lambda d: d["spans"][1].update(start=15), "spans[1]: 'experts' is not text[15:23] ('\"experts')"),
    (lambda d: d["spans"][0].update(colour="red"),
     "spans[0]: unknown key(s) ['colour'], missing key(s) []; the keys are "
     "['start', 'end', 'text', 'label', 'score', 'sentence', 'voice']"),
    (lambda d: d["sentences"][0].pop("biased"),
     "sentences[0]: unknown key(s) [], missing key(s) ['biased']; the keys are "
     "['start', 'end', 'text', 'bias', 'biased', 'labels', 'sentence_scores', 'sentence_labels', 'voice']"),
])
def test_from_dict_names_what_does_not_fit(change, message):
    data = result().to_dict()
    change(data)
    with pytest.raises(DataError) as e:
        DocumentResult.from_dict(data, TEXT)
    assert str(e.value) == message


def test_pydantic_schemas_have_the_dataclasses_fields_and_types():
    for kind, schema in ((Span, SpanOut), (Sentence, SentenceOut)):
        hints = typing.get_type_hints(kind)
        names = [f.name for f in dataclasses.fields(kind)]
        assert list(schema.model_fields) == names
        for name in names:
            assert schema.model_fields[name].annotation == hints[name], (kind.__name__, name)


def test_table_rows_fit_the_arrow_schemas_built_from_the_dataclasses():
    r = result()
    _, sentences, spans = document_rows(CorpusDocument("d1", TEXT, {}, None), r, DEFAULT_LABELSET)
    assert SPAN_SCHEMA.names == ["doc_id", "sentence", "start", "end", "text", "label", "score", "voice"]
    assert SENTENCE_SCHEMA.names == ["doc_id", "sentence", "start", "end", "text", "bias", "biased", "labels",
                                     "sentence_labels", "voice"]
    assert [list(row) for row in spans] == [SPAN_SCHEMA.names] * 2
    assert [list(row) for row in sentences] == [SENTENCE_SCHEMA.names] * 2
    assert [(row["sentence"], row["text"], row["voice"]) for row in spans] == [(0, "Thugs", "writer"),
                                                                              (1, "experts", "quoted")]
    assert [(row["sentence"], row["bias"], row["biased"]) for row in sentences] == [(0, 0.91, True),
                                                                                   (1, 0.2, False)]


def test_the_bias_label_is_the_first_sentence_label():
    two = LabelSet((), ("UNVERIFIED", "OPINION"), {"UNVERIFIED": "u", "OPINION": "o"})
    assert two.bias_label == bias_label(two.sentence_labels) == "UNVERIFIED"
    assert DEFAULT_LABELSET.bias_label == "BIASED"
    assert LabelSet(("L",), (), {"L": "l"}).bias_label is None
