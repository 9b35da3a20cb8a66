"""``batch_arrays`` pads a batch as the tokenizer's own padding did: training and both runtimes rely on it."""

import numpy as np
import pytest

from framing.nn.base_model import base_model_dir
from framing.pipeline.encode import LOWER, batch_arrays, encode_arrays, load_tokenizer

TEXTS = ["", "Hi.", "NATO met Smith in the café \u2014 “peacekeepers” 🙂", "x " * 300]


@pytest.fixture(scope="module")
def tokenizers():
    ours = load_tokenizer(base_model_dir(), 16)
    padded = load_tokenizer(base_model_dir(), 16)
    padded.enable_padding(pad_id=padded.token_to_id("[PAD]"), pad_token="[PAD]")  # to the longest, as before
    return ours, padded


def test_pads_like_the_tokenizer_and_truncates(tokenizers):
    ours, padded = tokenizers
    assert ours.padding is None  # the base model's file pads to 128; ours leaves padding to batch_arrays
    batch = encode_arrays(ours, TEXTS)
    reference = padded.encode_batch(TEXTS)
    assert batch.input_ids.shape == (4, 16)  # the longest, truncated at max_length
    assert batch.input_ids.tolist() == [e.ids for e in reference]
    assert batch.attention_mask.tolist() == [e.attention_mask for e in reference]
    assert batch.offsets == [e.offsets for e in reference]
    assert batch.word_ids == [e.word_ids for e in reference]
    pads = batch.attention_mask == 0
    assert pads.sum() > 0 and (batch.input_ids[pads] == ours.token_to_id("[PAD]")).all()
    assert (batch.casing_ids[pads] == LOWER).all()


def test_empty_batch_and_mismatched_lengths(tokenizers):
    ours, _ = tokenizers
    assert encode_arrays(ours, []).input_ids.shape == (0, 0)
    with pytest.raises(ValueError, match="2 texts but 1 encodings"):
        batch_arrays(ours, ["a", "b"], ours.encode_batch(["a"]))
    assert np.array_equal(encode_arrays(ours, ["Hi."]).attention_mask, [[1, 1, 1, 1]])
