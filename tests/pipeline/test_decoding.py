import numpy as np

from framing.pipeline.decode import decode_tags, tag_targets

LABELS = ["LOADED_LANGUAGE", "NAME_CALLING"]
THRESHOLDS = {"LOADED_LANGUAGE": 0.5, "NAME_CALLING": 0.5}
O_ = [0.9, 0.05, 0.05]
B_ = [0.1, 0.8, 0.1]
I_ = [0.1, 0.1, 0.8]


def probs(rows):
    return np.array(rows, dtype=float)


def test_overlapping_labels_on_the_same_words():
    # tokens: [CLS] the propaganda arm [SEP]
    text = "the propaganda arm"
    offsets = [(0, 0), (0, 3), (4, 14), (15, 18), (0, 0)]
    word_ids = [None, 0, 1, 2, None]
    p = probs([[O_, O_], [O_, O_], [B_, B_], [I_, O_], [O_, O_]])
    spans = decode_tags(p, offsets, word_ids, LABELS, THRESHOLDS)
    assert sorted((text[s:e], lab) for s, e, lab, _ in spans) == [
        ("propaganda", "NAME_CALLING"), ("propaganda arm", "LOADED_LANGUAGE")]


def test_b_splits_adjacent_spans_and_threshold_applies():
    offsets = [(0, 3), (4, 7), (8, 11)]
    p = probs([[B_, O_], [B_, O_], [I_, O_]])
    assert [(s, e) for s, e, *_ in decode_tags(p, offsets, [0, 1, 2], LABELS, THRESHOLDS)] == [(0, 3), (4, 11)]
    strict = {"LOADED_LANGUAGE": 0.95, "NAME_CALLING": 0.5}
    assert decode_tags(p, offsets, [0, 1, 2], LABELS, strict) == []


def test_subword_tokens_extend_to_the_whole_word():
    # "thugs" split into "thu" "##gs": judged by the first piece, covering both
    offsets = [(0, 3), (3, 5)]
    p = probs([[O_, B_], [O_, O_]])
    (span,) = decode_tags(p, offsets, [0, 0], LABELS, THRESHOLDS)
    assert span[:3] == (0, 5, "NAME_CALLING")
    assert span[3] == 0.9


def test_tag_targets_mark_first_subtoken_only():
    offsets = [(0, 0), (0, 3), (3, 5), (6, 9), (0, 0)]
    targets = tag_targets([(0, 5, "NAME_CALLING"), (0, 9, "LOADED_LANGUAGE")], offsets, [None, 0, 0, 1, None], LABELS)
    assert targets[:, 0].tolist() == [-100, 1, -100, 2, -100]
    assert targets[:, 1].tolist() == [-100, 1, -100, 0, -100]


def test_spans_do_not_start_or_end_on_punctuation():
    text = 'the " regime " .'
    offsets = [(0, 3), (4, 5), (6, 12), (13, 14), (15, 16)]
    p = probs([[O_, O_], [B_, O_], [I_, O_], [I_, O_], [B_, O_]])
    spans = decode_tags(p, offsets, [0, 1, 2, 3, 4], LABELS, THRESHOLDS, text)
    assert [(text[s:e], lab) for s, e, lab, _ in spans] == [("regime", "LOADED_LANGUAGE")]


def test_hyphenated_and_quoted_words_decode_as_one_unit():
    # the "so-called" 'reforms': so - called are three tokenizer words with no space between them
    text = 'the so-called "reforms" failed'
    offsets = [(0, 3), (4, 6), (6, 7), (7, 13), (14, 15), (15, 22), (22, 23), (24, 30)]
    word_ids = [0, 1, 2, 3, 4, 5, 6, 7]
    p = probs([[O_, O_], [B_, O_], [O_, O_], [O_, O_], [O_, O_], [I_, O_], [O_, O_], [O_, O_]])
    spans = decode_tags(p, offsets, word_ids, LABELS, THRESHOLDS, text)
    assert [text[s:e] for s, e, *_ in spans] == ['so-called "reforms']


def test_every_sentence_label_is_decoded_counted_and_shown():
    """A label set with two sentence labels: each sentence carries the ones at or above their own thresholds,
    and the documents table, the terminal summary and --fail-on all count them per label."""
    from framing.batch.tables import document_rows
    from framing.cli.render import summary_lines
    from framing.data.corpus import CorpusDocument
    from framing.labels import LabelSet
    from framing.pipeline.gate import failures
    from framing.pipeline.scores import DocumentScores, SentenceScores, decode_document

    labels = LabelSet(("HEDGE",), ("UNVERIFIED", "SPECULATIVE"), {"HEDGE": "h", "UNVERIFIED": "u", "SPECULATIVE": "s"})
    text = "It reportedly fell. It fell."
    none = dict(units=[(0, 2)], inside=np.zeros((1, 1)), begins=np.zeros((1, 1), dtype=bool))
    sentences = [SentenceScores(0, 19, sentence=np.array([0.8, 0.35]), **none),
                 SentenceScores(20, 28, sentence=np.array([0.2, 0.45]), **none)]
    thresholds = {"HEDGE": 0.5, "UNVERIFIED": 0.5, "SPECULATIVE": 0.4}
    result = decode_document(DocumentScores(text, sentences), labels, (), thresholds)

    assert [s.sentence_labels for s in result.sentences] == [["UNVERIFIED"], ["SPECULATIVE"]]
    assert result.sentences[1].sentence_scores == {"UNVERIFIED": 0.2, "SPECULATIVE": 0.45}
    assert (result.sentences[0].bias, result.sentences[0].biased) == (0.8, True)  # the first sentence label
    row, rows, _ = document_rows(CorpusDocument("d", text, {}, None), result, labels)
    assert (row["UNVERIFIED_count"], row["SPECULATIVE_count"], row["SPECULATIVE_per_1k"]) == (1, 1, 500.0)
    assert [r["sentence_labels"] for r in rows] == [["UNVERIFIED"], ["SPECULATIVE"]]
    assert summary_lines(result, labels.sentence_labels) == [
        "0 flags in 0 sentences; 1 of 2 sentences carry UNVERIFIED; 1 of 2 sentences carry SPECULATIVE."]
    [failure] = failures(result, [("SPECULATIVE", 0.3)], labels)
    assert failure.texts == ["It reportedly fell.", "It fell."]
