"""Property test: random Unicode text through predict, the API and the page's offset conversion keeps every
offset exact and never crashes."""

import json
import shutil
import subprocess

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.web.app import STATIC, create_app

# any code point but lone surrogates (the API refuses those with a 422, tested elsewhere), weighted towards
# the characters that break offsets: emoji, combining marks, quotes, zero-width and line breaks
TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cs",)),
                         st.sampled_from(list("\U0001F600\U0001F1FA\u0301\u200b\u201c\u201d\"' \n.\u00ab\u00bb"))),
               min_size=1, max_size=80).map(lambda t: "Word " + t + " end.")


@pytest.fixture(scope="module")
def client(model):
    return TestClient(create_app(model, max_chars=10_000))


def check_offsets(result: dict, text: str) -> None:
    for s in result["sentences"]:
        assert 0 <= s["start"] <= s["end"] <= len(text) and text[s["start"]:s["end"]] == s["text"]
    for s in result["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(text) and text[s["start"]:s["end"]] == s["text"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_random_text_keeps_offsets_exact_in_predict_and_the_api(model, client, text):
    result = model.predict(text).to_dict()
    check_offsets(result, text)
    r = client.post("/api/analyze", json={"text": text})
    assert r.status_code == 200, r.text
    body = r.json()
    check_offsets(body, text)
    assert {k: body[k] for k in ("sentences", "spans")} == result


@settings(max_examples=25, deadline=None)
@given(text=TEXT, data=st.data())
def test_page_offsets_pick_the_same_characters(text, data):
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    result = {"sentences": [{"start": 0, "end": len(text)}], "spans": [{"start": start, "end": end}]}
    source = (STATIC / "app.js").read_text(encoding="utf-8")
    function = source.split("// utf16-offsets-begin")[1].split("// utf16-offsets-end")[0]
    script = function + (f"\nconst text = {json.dumps(text)};\nconst r = toUtf16Offsets({json.dumps(result)}, text);"
                         "\nprocess.stdout.write(JSON.stringify([text.slice(r.spans[0].start, r.spans[0].end), "
                         "text.slice(r.sentences[0].start, r.sentences[0].end)]));")
    piece, whole = json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True,
                                             check=True).stdout)
    assert (piece, whole) == (text[start:end], text)
