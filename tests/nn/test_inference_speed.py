"""Batch-inference options keep results: parallel workers, casing ids, and the int8 encoder's structure."""

import pytest
import torch

from framing.modeling import FramingModel
from framing.pipeline.encode import CAPITALISED, LOWER, UPPER, encode
from tiny import DIRECT_TEXT, LOADED, NEUTRAL, SCARE_TEXT

TEXTS = [LOADED + " " + NEUTRAL, "", SCARE_TEXT, DIRECT_TEXT + "\n" + LOADED, NEUTRAL * 3, SCARE_TEXT + DIRECT_TEXT]


def test_parallel_workers_give_the_same_results(tiny_model_dir):
    model = FramingModel.from_pretrained(tiny_model_dir)
    threads = torch.get_num_threads()
    one = [model.decode(s).to_dict() for s in model.score_many(TEXTS, batch_size=2)]
    two = [model.decode(s).to_dict() for s in model.score_many(TEXTS, batch_size=2, workers=2)]
    assert two == one
    assert any(d["spans"] for d in one)
    assert torch.get_num_threads() == threads  # the workers' one-thread setting is undone


def test_workers_must_be_positive(tiny_model_dir):
    with pytest.raises(ValueError, match="batch_size and workers must be at least 1, got 32 and 0"):
        FramingModel.from_pretrained(tiny_model_dir).score_many(TEXTS, workers=0)


def test_casing_ids_follow_the_original_text(tiny_model_dir):
    tokenizer = FramingModel.from_pretrained(tiny_model_dir).tokenizer
    batch = encode(tokenizer, ["NATO met Smith", "ok"])
    tokens = {tokenizer.id_to_token(i): c for i, c in zip(batch.input_ids[0].tolist(), batch.casing_ids[0].tolist())}
    assert (tokens["nato"], tokens["met"], tokens["smith"]) == (UPPER, LOWER, CAPITALISED)
    assert batch.casing_ids.shape == batch.input_ids.shape
    assert batch.casing_ids[1, batch.attention_mask[1] == 0].eq(LOWER).all()  # padding


def test_int8_quantises_every_encoder_projection(tiny_model_dir):
    model = FramingModel.from_pretrained(tiny_model_dir, quantize=True)
    layer = model.network.encoder.layers[0]
    for name in ("qkv", "attention_out", "intermediate", "output"):
        assert getattr(layer, name).weight().dtype == torch.qint8, name
    result = model.predict(SCARE_TEXT)  # still decodes into offsets that slice back
    assert all(SCARE_TEXT[s.start : s.end] == s.text for s in result.spans)


def test_int8_model_cannot_be_trained(tiny_model_dir):
    with pytest.raises(ValueError, match="quantize=True is for inference"):
        FramingModel.from_pretrained(tiny_model_dir, quantize=True, for_training=True)


def test_int8_evaluation_never_updates_the_model_card(tmp_path, capsys):
    from framing.cli.main import main

    code = main(["evaluate", "--int8", "--update-model", "--data", "jsonl:x.jsonl", "--out", str(tmp_path / "r")])
    assert code == 2
    assert "--int8 and --update-model cannot be combined" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_batches_are_sorted_by_token_count_and_keep_every_sentences_scores(tiny_model_dir, monkeypatch):
    import framing.nn.torch_runtime as runtime

    model = FramingModel.from_pretrained(tiny_model_dir, runtime="torch")
    # sorted by characters these interleave (102, 103, 104, ... characters: a doubled space adds one and no token);
    # by tokens the four of single letters (54 tokens) and the four of long words (18) each fill one batch
    def widened(text: str, k: int) -> str:
        return text.replace(" ", "  ", k)

    letters = " ".join("abcdefghijklmnopqrstuvwxyz" * 2)[:101] + "."
    words = "Extraordinarily sophisticated parliamentarians deliberated interminably over constitutional amendment."
    texts = [widened(letters, k) if k % 2 == 0 else widened(words, k) for k in range(8)]
    assert [len(t) for t in texts] == list(range(102, 110))
    expected = [model.decode(s).to_dict() for s in model.score_many(texts, batch_size=1)]
    padding, real = [], []
    original = runtime.probabilities

    def counting(network, batch, quotes, n_classes):
        padding.append(int((batch.attention_mask == 0).sum()))
        real.append(int(batch.attention_mask.sum()))
        return original(network, batch, quotes, n_classes)

    monkeypatch.setattr(runtime, "probabilities", counting)
    batched = [model.decode(s).to_dict() for s in model.score_many(texts, batch_size=4)]
    assert len(padding) == 2 and sum(real) > 0
    assert padding == [0, 0]  # each batch holds sentences of one token count
    assert batched == expected  # in input order, the same as one sentence at a time
