"""scripts/sentence_head_news_negatives.py: the pooled vectors it refits the sentence head on."""

import numpy as np
import torch
from script_module import load_script


def test_sentence_vectors_are_what_the_sentence_head_reads_in_the_order_of_the_texts(model):
    script = load_script("sentence_head_news_negatives")
    # the first sentence is the longest, so the token-count order of the batches differs from the input order
    texts = ["The senator said that the plan would cost more than anyone in the chamber had expected. It passed.",
             "Thugs wrecked it."]
    results, vectors = script.sentence_vectors(model, texts)
    sentences = [s for r in results for s in r.sentences]
    assert [len(r.sentences) for r in results] == [2, 1] and vectors.shape[0] == 3
    head = model.network.sentence_head
    with torch.no_grad():
        through_head = torch.sigmoid(head(torch.from_numpy(vectors)).float())[:, 0].numpy()
    assert np.allclose(through_head, [s.bias for s in sentences], atol=0.02)
    assert len({round(float(p), 3) for p in through_head}) == 3  # three different sentences, three scores
    one, one_vectors = script.sentence_vectors(model, [texts[0]], one_sentence=True)
    assert len(one[0].sentences) == 1 and one_vectors.shape[0] == 1


def test_refit_head_learns_a_direction_that_separates_the_classes():
    x = np.array([[1.0, 0.0], [2.0, 0.1], [-1.0, 0.0], [-2.0, -0.1]])
    coef, bias = load_script("sentence_head_news_negatives").refit_head(x, np.array([1, 1, 0, 0]), np.ones(4))
    assert ((x @ coef + bias > 0) == np.array([True, True, False, False])).all()


def test_a_strong_pull_keeps_the_start_and_none_lets_the_data_decide():
    pulled_head = load_script("sentence_head_news_negatives").pulled_head
    x = np.array([[1.0, 0.0], [2.0, 0.1], [-1.0, 0.0], [-2.0, -0.1]])
    y, w = np.array([1, 1, 0, 0]), np.ones(4)
    start = (np.array([-1.0, 0.0]), 0.0)  # points the wrong way
    kept, _ = pulled_head(x, y, w, start, strength=1e4)
    assert np.allclose(kept, start[0], atol=0.01)
    free, bias = pulled_head(x, y, w, start, strength=0.0)
    assert ((x @ free + bias > 0) == (y == 1)).all()
