"""Voice on every flag: decoding, the terminal, --fail-on, the tables, framing report and the schemas."""

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from framing.batch.report import group_rates
from framing.batch.tables import SENTENCE_SCHEMA, SPAN_SCHEMA, document_rows
from framing.cli.render import render, summary_lines
from framing.data.corpus import CorpusDocument
from framing.labels import DEFAULT_LABELSET
from framing.pipeline.decode import snap_phrase
from framing.pipeline.gate import compare, failures
from framing.pipeline.quotes import find_quotes
from framing.pipeline.results import DocumentResult, Sentence, Span
from framing.pipeline.scores import DocumentScores, SentenceScores, decode_document
from framing.web.app import SentenceOut, SpanOut

CLASSES = ("SCARE", "DIRECT", "TITLE_NAME", "MENTION", "OTHER")
TEXT = 'The minister said the plan was "a disastrous surrender by thugs" and left.'


def scored(text: str, loaded_words: set[str], quote_class: str) -> DocumentScores:
    """Scores of one sentence: the given words inside LOADED_LANGUAGE, every quote of ``quote_class``."""
    units = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", text)]
    inside = np.zeros((len(units), len(DEFAULT_LABELSET.tagged_labels)))
    k = DEFAULT_LABELSET.tagged_labels.index("LOADED_LANGUAGE")
    for u, (a, b) in enumerate(units):
        if text[a:b].strip('".,') in loaded_words:
            inside[u, k] = 0.9
    quotes = find_quotes(text)
    probs = np.array([[0.9 if c == quote_class else 0.025 for c in CLASSES] for _ in quotes])
    return DocumentScores(text, [SentenceScores(0, len(text), units, inside, np.ones_like(inside, dtype=bool),
                                                np.array([0.2]), quotes, probs)])


def decode(scores):
    thresholds = {name: 0.5 for name in (*DEFAULT_LABELSET.span_labels, *DEFAULT_LABELSET.sentence_labels)}
    return decode_document(scores, DEFAULT_LABELSET, CLASSES, thresholds)


def test_flags_inside_an_attributed_quotation_are_quoted_and_outside_writer():
    result = decode(scored(TEXT, {"disastrous", "left"}, "DIRECT"))
    voices = {s.text: s.voice for s in result.spans}
    assert voices == {"disastrous": "quoted", "left": "writer"}
    for s in result.spans:
        assert TEXT[s.start:s.end] == s.text


def test_a_scare_quote_is_the_writers_voice():
    text = 'Russian "peacekeepers" entered the brutal town.'
    result = decode(scored(text, {"brutal"}, "SCARE"))
    assert {(s.label, s.text, s.voice) for s in result.spans} == {("SCARE_QUOTE", "peacekeepers", "writer"),
                                                                  ("LOADED_LANGUAGE", "brutal", "writer")}


def test_a_scare_quote_the_quote_head_doubts_is_still_the_writers():
    """A SCARE_QUOTE flag shown at a high sensitivity, though its quote is more likely DIRECT, stays writer voice."""
    text = 'He promised a "moderate" future.'
    scores = scored(text, set(), "DIRECT")
    scores.sentences[0].quote_probs[:, 0] = 0.3  # P(SCARE) 0.3 < P(DIRECT) 0.9
    thresholds = {name: 0.2 for name in (*DEFAULT_LABELSET.span_labels, *DEFAULT_LABELSET.sentence_labels)}
    (span,) = decode_document(scores, DEFAULT_LABELSET, CLASSES, thresholds).spans
    assert (span.label, span.text, span.voice) == ("SCARE_QUOTE", "moderate", "writer")


def test_flags_are_snapped_to_phrases_and_function_words_never_flagged():
    text = "By the regime of the thugs, and for the"
    assert [text[a:b] for a, b in (snap_phrase(text, 0, 13), snap_phrase(text, 3, 26), snap_phrase(text, 28, 39))] \
        == ["regime", "regime of the thugs", ""]
    result = decode(scored("By the way, for the", {"By", "the", "for"}, "DIRECT"))
    assert result.spans == []


def test_a_sentence_that_is_mostly_an_attributed_quotation_is_quoted():
    text = '"This cruel regime is a disgrace to the nation," Smith said.'
    for quote_class, voice in (("DIRECT", "quoted"), ("SCARE", "writer")):
        (sentence,) = decode(scored(text, set(), quote_class)).sentences
        assert sentence.voice == voice
    # a short attributed quotation inside the writer's sentence leaves the sentence the writer's
    (sentence,) = decode(scored(TEXT, set(), "DIRECT")).sentences
    assert sentence.voice == "writer"


def test_voice_needs_no_scare_quote_label_where_the_quote_head_was_trained():
    """A label set without SCARE_QUOTE (the quote head kept for attribution) still gives quoted sentences."""
    from framing.labels import LabelSet

    labels = LabelSet(("LOADED_LANGUAGE",), ("BIASED",), {"LOADED_LANGUAGE": "l", "BIASED": "b"})
    text = '"This cruel regime is a disgrace to the nation," Smith said.'
    scores = scored(text, {"cruel"}, "DIRECT")
    scores.sentences[0].inside = scores.sentences[0].inside[:, :1]
    scores.sentences[0].begins = scores.sentences[0].begins[:, :1]
    result = decode_document(scores, labels, CLASSES, {"LOADED_LANGUAGE": 0.5, "BIASED": 0.5})
    assert [(s.text, s.label, s.voice) for s in result.spans] == [("cruel", "LOADED_LANGUAGE", "quoted")]
    assert result.sentences[0].voice == "quoted"


def test_the_config_says_when_the_quote_head_runs():
    from framing.config import FramingConfig
    from framing.errors import ModelFolderError
    from framing.labels import LabelSet

    plain = LabelSet((), ("BIASED",), {"BIASED": "b"})
    assert FramingConfig().reads_quotes and not FramingConfig(labelset=plain, thresholds={}).reads_quotes
    kept = FramingConfig.from_dict({**FramingConfig(labelset=plain, thresholds={}).to_dict(), "attribution": True})
    assert kept.reads_quotes and kept.labelset.quote_label is None
    with pytest.raises(ModelFolderError, match="^'attribution' must be true, false or null, got str 'yes'$"):
        FramingConfig.from_dict({**FramingConfig().to_dict(), "attribution": "yes"})


def test_a_transcript_turn_is_quoted_voice_and_narration_stays_the_writers():
    text = "The exchange was testy.\nMr. Henry: Did you try to wipe the server?\nMrs. Clinton: What?"
    scores = scored(text, set(), "DIRECT")
    units = scores.sentences[0]
    scores.sentences = [type(units)(a, b, [], units.inside[:0], units.begins[:0], units.sentence, [], units.quote_probs)
                        for a, b in ((0, 23), (24, 66), (67, len(text)))]
    thresholds = {name: 0.5 for name in (*DEFAULT_LABELSET.span_labels, *DEFAULT_LABELSET.sentence_labels)}
    result = decode_document(scores, DEFAULT_LABELSET, CLASSES, thresholds)
    assert [(s.text, s.voice) for s in result.sentences] == [
        ("The exchange was testy.", "writer"), ("Mr. Henry: Did you try to wipe the server?", "quoted"),
        ("Mrs. Clinton: What?", "quoted")]


def quoted_sentence_result() -> DocumentResult:
    """Two biased sentences, the second mostly an attributed quotation."""
    text = 'Thugs ran. "Thugs ruin everything," he said.'
    sentences = [Sentence(0, 10, "Thugs ran.", 0.9, True, [], {"BIASED": 0.9}, ["BIASED"]),
                 Sentence(11, 44, text[11:44], 0.8, True, [], {"BIASED": 0.8}, ["BIASED"], "quoted")]
    return DocumentResult(text, sentences, [])


def test_biased_sentences_count_in_the_writer_voice_across_terminal_gate_and_tables():
    result = quoted_sentence_result()
    assert summary_lines(result)[0] == ("0 flags in 0 sentences; 1 of 2 sentences reads as biased "
                                        "(1 more that is mostly quoted words).")
    assert summary_lines(result, show_quoted=True)[0] == "0 flags in 0 sentences; 2 of 2 sentences read as biased."
    (failure,) = failures(result, [("BIASED", None)], DEFAULT_LABELSET)
    assert failure.texts == ["Thugs ran."]
    assert failures(result, [("BIASED", 0.5)], DEFAULT_LABELSET)[0].texts == ["Thugs ran."]
    row, sentences, _ = document_rows(CorpusDocument("d", result.text, {}, None), result, DEFAULT_LABELSET)
    assert (row["BIASED_count"], row["BIASED_quoted_count"]) == (1, 1)
    assert (row["BIASED_per_1k"], row["BIASED_quoted_per_1k"]) == (500.0, 500.0)
    assert [s["voice"] for s in sentences] == ["writer", "quoted"]
    console = Console(record=True, width=120)
    render(result, DEFAULT_LABELSET, console)
    table = console.export_text().split("Sentences")[-1]
    assert "0.90 │ yes" in table and "0.80 │ quoted" in table


def voiced_result() -> DocumentResult:
    text = 'Thugs ran. He said "thugs" twice.'
    sentences = [Sentence(0, 10, "Thugs ran.", 0.9, True, ["NAME_CALLING"], {"BIASED": 0.9}, ["BIASED"]),
                 Sentence(11, 33, text[11:33], 0.2, False, ["NAME_CALLING"], {"BIASED": 0.2}, [])]
    spans = [Span(0, 5, "Thugs", "NAME_CALLING", 0.8, 0), Span(20, 25, "thugs", "NAME_CALLING", 0.9, 1, "quoted")]
    return DocumentResult(text, sentences, spans)


def test_the_terminal_shows_writer_voice_and_counts_the_quoted_ones():
    result = voiced_result()
    assert summary_lines(result)[0] == ("1 flag in 1 sentence (1 more in quoted words; --quoted shows them); "
                                        "1 of 2 sentences reads as biased.")
    assert summary_lines(result, show_quoted=True)[0].startswith("2 flags in 2 sentences;")
    console = Console(record=True, width=120)
    render(result, DEFAULT_LABELSET, console)
    plain = console.export_text()
    assert "│ 1        │ NAME_CALLING │ Thugs │ 0.80" in plain and "0.90" not in plain.split("Sentences")[0]
    console = Console(record=True, width=120)
    render(result, DEFAULT_LABELSET, console, show_quoted=True)
    assert "quoted" in console.export_text()


def test_fail_on_and_compare_use_the_writer_voice():
    result = voiced_result()
    (failure,) = failures(result, [("NAME_CALLING", None)], DEFAULT_LABELSET)
    assert failure.texts == ["Thugs"]
    only_quoted = dataclasses.replace(result, spans=result.spans[1:])
    assert failures(only_quoted, [("NAME_CALLING", None)], DEFAULT_LABELSET) == []
    added, removed = compare(only_quoted, result)
    assert [s.text for s in added] == ["Thugs"] and removed == []


def test_documents_table_counts_writer_and_quoted_apart_and_spans_carry_voice():
    row, _, spans = document_rows(CorpusDocument("d", voiced_result().text, {}, None), voiced_result(),
                                  DEFAULT_LABELSET)
    assert (row["NAME_CALLING_count"], row["NAME_CALLING_quoted_count"]) == (1, 1)
    assert (row["NAME_CALLING_per_1k"], row["NAME_CALLING_quoted_per_1k"]) == (500.0, 500.0)
    assert row["n_words"] == 6
    assert [s["voice"] for s in spans] == ["writer", "quoted"]


def test_report_aggregates_the_writer_voice_by_default(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps({"complete": True, "span_labels": ["NAME_CALLING"],
                                                 "sentence_labels": ["BIASED"]}))
    rows = [{"doc_id": str(i), "source": "X", "n_sentences": 10, "NAME_CALLING_count": 1,
             "NAME_CALLING_quoted_count": 4, "BIASED_count": 2, "BIASED_quoted_count": 3} for i in range(3)]
    pd.DataFrame(rows).to_parquet(folder / "documents.parquet")
    writer = group_rates(folder, ["source"], resamples=10).set_index("label")
    quoted = group_rates(folder, ["source"], resamples=10, voice="quoted").set_index("label")
    assert writer.loc["NAME_CALLING", "value"] == 100.0 and writer.loc["NAME_CALLING", "voice"] == "writer"
    assert quoted.loc["NAME_CALLING", "value"] == 400.0
    # a sentence that is mostly an attributed quotation counts in the quoted voice, like a flag inside one
    assert writer.loc["BIASED", "value"] == pytest.approx(0.2) and quoted.loc["BIASED", "value"] == pytest.approx(0.3)


def test_the_api_and_table_schemas_hold_to_the_result_dataclasses():
    """One result schema: the Pydantic and Arrow schemas carry exactly the dataclasses' fields."""
    span_fields = [f.name for f in dataclasses.fields(Span)]
    assert list(SpanOut.model_fields) == span_fields
    assert set(SPAN_SCHEMA.names) == {"doc_id", *span_fields}
    sentence_fields = [f.name for f in dataclasses.fields(Sentence)]
    assert list(SentenceOut.model_fields) == sentence_fields
    # the sentences table keeps the probabilities of sentence labels in the documents table instead
    assert set(SENTENCE_SCHEMA.names) == {"doc_id", "sentence", *sentence_fields} - {"sentence_scores"}
