"""The web app's API and security behaviour, on the tiny model trained in tests/conftest.py."""

import io
import re
from concurrent.futures import ThreadPoolExecutor

import docx
import httpx
import pytest
from fastapi.testclient import TestClient

from framing.cli.main import build_parser
from framing.modeling import SENSITIVITY_STEP
from framing.web.app import STATIC, background_server, create_app

TEXT = 'The regime thugs attacked the town. Russian "peacekeepers" left the region. Prices rose slightly in May.'


@pytest.fixture(scope="module")
def client(model):
    return TestClient(create_app(model, max_chars=500))


def test_analyze_returns_offsets_into_the_text(client, model):
    r = client.post("/api/analyze", json={"text": TEXT})
    assert r.status_code == 200
    body = r.json()
    assert body["spans"], "the tiny model knows these sentences"
    for s in body["spans"]:
        assert TEXT[s["start"]:s["end"]] == s["text"]
    for s in body["sentences"]:
        assert TEXT[s["start"]:s["end"]] == s["text"]
    assert body == {**model.predict(TEXT).to_dict(), "thresholds": model.config.thresholds}


def test_sensitivity_moves_every_threshold(client, model):
    body = client.post("/api/analyze", json={"text": TEXT, "sensitivity": 1}).json()
    assert model.config.thresholds, "the model has thresholds to move"
    for label, t in model.config.thresholds.items():
        assert body["thresholds"][label] == pytest.approx(max(0.02, t - SENSITIVITY_STEP))
    r = client.post("/api/analyze", json={"text": TEXT, "sensitivity": 3})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("malformed request: sensitivity: Input should be less than or equal to 1")


def test_labels_have_descriptions_and_thresholds(client, model):
    body = client.get("/api/labels").json()
    labels = model.config.labelset
    assert [x["name"] for x in body["span_labels"]] == list(labels.span_labels)
    assert [x["name"] for x in body["sentence_labels"]] == list(labels.sentence_labels)
    assert body["bias_label"] == labels.bias_label == labels.sentence_labels[0]
    for x in body["span_labels"] + body["sentence_labels"]:
        assert x["description"] == labels.description(x["name"])
        assert x["threshold"] == model.config.thresholds[x["name"]]


def test_too_long_text_gets_413(client):
    r = client.post("/api/analyze", json={"text": "a" * 501})
    assert r.status_code == 413
    assert r.json() == {"detail": "text too long: 501 characters; the limit is 500"}
    # a body far past the limit is refused from its Content-Length, before it is parsed
    r = client.post("/api/analyze", content=b'{"text": "' + b"a" * 10_000 + b'"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"detail": "request too large: 10,012 bytes; the limit is 7,096"}


def test_malformed_json_gets_422(client):
    r = client.post("/api/analyze", content=b'{"text": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json() == {"detail": 'malformed JSON at character 9: Expecting value; send JSON like {"text": "..."}'}
    r = client.post("/api/analyze", json={"txt": "hello"})
    assert r.json() == {"detail": 'malformed request: text: Field required; send JSON like {"text": "..."}'}
    r = client.post("/api/analyze", json={"text": "  \n"})
    assert (r.status_code, r.json()) == (422, {"detail": "text is empty: paste a draft to check"})


def test_markup_comes_back_as_data(client):
    text = '<script>alert(1)</script> The regime thugs <img src=x onerror="alert(2)"> attacked the town.'
    body = client.post("/api/analyze", json={"text": text}).json()
    assert "".join(s["text"] for s in body["sentences"]).replace(" ", "") == text.replace(" ", "")
    assert "text/html" not in client.post("/api/analyze", json={"text": text}).headers["content-type"]


def test_openapi_schema_describes_the_api(client):
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/api/analyze", "/api/labels", "/api/extract"}
    ok = schema["paths"]["/api/analyze"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/DocumentResultOut"}
    assert {"413", "422"} <= set(schema["paths"]["/api/analyze"]["post"]["responses"])


def test_page_and_assets_are_served_locally_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    for asset in sorted(STATIC.iterdir()):
        body = client.get(f"/static/{asset.name}")
        assert body.status_code == 200
        # nothing from a CDN or anywhere else: the page must work with no network
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", body.text), asset.name
    assert "innerHTML" not in (STATIC / "app.js").read_text(encoding="utf-8")


def test_docx_text_is_extracted(client):
    document = docx.Document()
    document.add_paragraph("First paragraph, with \u201cquotes\u201d.")
    document.add_paragraph("")
    document.add_paragraph("Second <b>paragraph</b>.")
    buf = io.BytesIO()
    document.save(buf)
    r = client.post("/api/extract", content=buf.getvalue(), headers={"Content-Type": "application/octet-stream"})
    assert r.json() == {"text": "First paragraph, with \u201cquotes\u201d.\n\nSecond <b>paragraph</b>."}
    r = client.post("/api/extract", content=b"plain text, not a zip",
                    headers={"Content-Type": "application/octet-stream"})
    assert (r.status_code, r.json()) == (422, {"detail": "not a .docx file (File is not a zip file)"})


def test_serve_binds_to_loopback_by_default():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.max_chars) == ("127.0.0.1", 8000, 200_000)


def test_twenty_concurrent_clients_get_the_same_answers(model):
    texts = [f"{TEXT} Draft number {i} was filed." for i in range(20)]
    expected = [{**model.predict(t).to_dict(), "thresholds": model.config.thresholds} for t in texts]
    with background_server(create_app(model)) as url:
        def post(text):
            return httpx.post(url + "/api/analyze", json={"text": text}, timeout=60)

        with ThreadPoolExecutor(20) as pool:
            responses = list(pool.map(post, texts))
    assert [r.status_code for r in responses] == [200] * 20
    assert [r.json() for r in responses] == expected


def test_a_long_request_alone_runs_the_batches_of_predict(model, monkeypatch):
    import framing.nn.torch_runtime as runtime
    from framing.web.analyzer import TURN_SENTENCES, Analyzer

    # more sentences than one turn, of many token counts, some equal in characters and not in tokens
    sentences = [("x " * (1 + i % 9)) + f"Draft {i} was filed by the U.S.-based office no. {i * 37}."
                 for i in range(90)]
    text = " ".join(s[0].upper() + s[1:] for s in sentences)
    seen: list[list[tuple[int, ...]]] = []
    original = runtime.probabilities

    def recording(network, batch, quotes, n_classes):
        seen[-1].append(tuple(sorted(map(tuple, batch.input_ids.tolist()))))
        return original(network, batch, quotes, n_classes)

    monkeypatch.setattr(runtime, "probabilities", recording)
    seen.append([])
    expected = model.predict(text)
    seen.append([])
    analyzer = Analyzer(model, batch_size=32)
    body = analyzer.analyze(text)
    assert len(expected.sentences) > TURN_SENTENCES and len(seen[0]) > 2
    assert sorted(seen[1]) == sorted(seen[0])  # the same sentences together in each batch
    assert {k: v for k, v in body.items() if k != "thresholds"} == expected.to_dict()
