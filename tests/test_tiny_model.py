import json

import pytest

from framing.errors import ModelFolderError
from framing.modeling import FramingModel
from tiny import DIRECT_TEXT, LOADED, NEUTRAL, SCARE_TEXT, overfit, tiny_model


@pytest.fixture(scope="module")
def trained():
    model = tiny_model()
    losses = overfit(model)
    return model, losses


def test_overfits_two_examples_per_task(trained):
    _, losses = trained
    assert all(v < 0.05 for v in losses.values()), losses


def test_predicts_what_it_learned(trained):
    model, _ = trained
    text = "\n".join([LOADED, NEUTRAL, SCARE_TEXT, DIRECT_TEXT])
    result = model.predict(text)
    got = {(s.text, s.label) for s in result.spans}
    assert ("regime thugs", "NAME_CALLING") in got
    assert ("attacked", "LOADED_LANGUAGE") in got
    assert ("peacekeepers", "SCARE_QUOTE") in got
    assert not any(s.label == "SCARE_QUOTE" and "restore" in s.text for s in result.spans)
    assert [s.biased for s in result.sentences[:2]] == [True, False]
    assert result.sentences[0].labels == ["LOADED_LANGUAGE", "NAME_CALLING"]


def test_offsets_slice_back_to_the_text(trained):
    model, _ = trained
    text = "\ufeffHeadline\n\n" + SCARE_TEXT + "  " + LOADED + '\r\nThe "experts" said \u2018no\u2019.'
    result = model.predict(text)
    assert len(result.sentences) >= 4 and result.spans
    for s in result.sentences:
        assert text[s.start : s.end] == s.text
    for span in result.spans:
        assert text[span.start : span.end] == span.text
        sent = result.sentences[span.sentence]
        assert sent.start <= span.start < span.end <= sent.end
    json.dumps(result.to_dict())


def test_save_reload_predicts_the_same(trained, tmp_path):
    model, _ = trained
    text = "\n".join([LOADED, NEUTRAL, SCARE_TEXT, DIRECT_TEXT])
    before = model.predict(text).to_dict()
    model.save_pretrained(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"config.json", "labels.json", "model.safetensors", "README.md"}
    again = FramingModel.from_pretrained(tmp_path, precision="fp32")  # the trained model ran fp32
    assert again.predict(text).to_dict() == before
    assert "SCARE_QUOTE" in (tmp_path / "README.md").read_text()


def test_predict_many_matches_predict(trained):
    model, _ = trained
    texts = [LOADED, "", SCARE_TEXT + " " + NEUTRAL, DIRECT_TEXT]
    many = model.predict_many(texts, batch_size=2)
    assert [r.to_dict() for r in many] == [model.predict(t).to_dict() for t in texts]
    assert many[1].sentences == [] and many[1].spans == []


def test_not_a_model_folder(tmp_path):
    with pytest.raises(ModelFolderError, match="not a framing model folder"):
        FramingModel.from_pretrained(tmp_path)


def test_training_load_matches_inference_load(trained, tmp_path):
    model, _ = trained
    model.save_pretrained(tmp_path)
    text = "\n".join([LOADED, SCARE_TEXT, DIRECT_TEXT])
    folded = FramingModel.from_pretrained(tmp_path)
    unfolded = FramingModel.from_pretrained(tmp_path, for_training=True)
    a, b = folded.predict(text), unfolded.predict(text)
    assert [(s.start, s.end, s.label) for s in a.spans] == [(s.start, s.end, s.label) for s in b.spans]
    assert all(abs(x.score - y.score) < 1e-3 for x, y in zip(a.spans, b.spans))
    with pytest.raises(RuntimeError, match="loaded for inference"):
        folded.train()
    folded.save_pretrained(tmp_path / "again")
    assert FramingModel.from_pretrained(tmp_path / "again").predict(text).to_dict() == a.to_dict()
