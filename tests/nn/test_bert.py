"""The inference encoder (torch layers) computes what transformers' BertModel computes."""

import torch
from transformers import BertConfig, BertModel

from framing.nn.bert import BertEncoder
from tiny import TINY_ENCODER


def test_matches_transformers_bert_with_padding():
    torch.manual_seed(0)
    reference = BertModel(BertConfig(**TINY_ENCODER), add_pooling_layer=False).eval()
    ours = BertEncoder(TINY_ENCODER).eval()
    ours.load_bert_state(reference.state_dict())
    ids = torch.randint(1000, 5000, (3, 12))
    mask = torch.ones(3, 12, dtype=torch.long)
    mask[1, 7:] = 0
    mask[2, 3:] = 0
    with torch.inference_mode():
        expected = reference(input_ids=ids, attention_mask=mask).last_hidden_state
        got = ours(inputs_embeds=ours.word_embeddings(ids), attention_mask=mask).last_hidden_state
    real = mask.bool()
    assert torch.allclose(got[real], expected[real], atol=1e-5)
    assert torch.all(got[~real] == 0)
