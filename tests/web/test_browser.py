"""The draft-check page in a real browser: Debian's chromium, headless, driven by Playwright, against
``framing serve``: with the shipped default model (sentences only), and with the same weights given back their
``SCARE_QUOTE`` label (the quotation-mark head is shipped for voice), so that flags are drawn by a real model.

The screenshot is written to ``$FRAMING_TEST_ARTIFACTS`` (default ``test-artifacts/`` in the checkout).
"""

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import docx
import httpx
import pytest

pytestmark = pytest.mark.slow

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
ARTIFACTS = Path(os.environ.get("FRAMING_TEST_ARTIFACTS", ROOT / "test-artifacts"))
PARAGRAPH = ('That month, the Russian "peacekeepers" left the region. After the army withdrew, the so-called '
             '"liberators" looted the town, and talks would resume in May.')
PAYLOAD = ('<script>window.__ran = "script"</script> The regime thugs '
           '<img src="x" onerror="window.__ran = \'img\'"> attacked the town.')


def chromium_path() -> str:
    path = os.environ.get("FRAMING_CHROMIUM") or shutil.which("chromium")
    if not path:
        message = "Debian's chromium is not installed (apt-get install chromium), or set FRAMING_CHROMIUM"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a missing browser there is a broken set-up, not a skip
        pytest.skip(message)
    return path


def serve(log: Path, *args: str):
    """Run ``framing serve ARGS`` on a free port and yield its URL once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "framing.cli.main", "serve", "--port", str(port), *args],
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/api/labels", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"framing serve did not start: {log.read_text()}")
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def with_scare_quotes(folder: Path) -> Path:
    """The shipped model with its scare-quote label back, at the threshold it shipped with before removal."""
    from framing.labels import DEFAULT_LABELSET, LabelSet
    from framing.modeling import FramingModel

    model = FramingModel.from_pretrained()
    shipped = model.config.labelset
    model.config.labelset = LabelSet(("SCARE_QUOTE",), shipped.sentence_labels,
                                     {"SCARE_QUOTE": DEFAULT_LABELSET.description("SCARE_QUOTE"),
                                      **{n: shipped.description(n) for n in shipped.sentence_labels}}, "SCARE_QUOTE")
    model.config.thresholds = {**model.config.thresholds, "SCARE_QUOTE": 0.4}
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    yield from serve(folder / "serve.log", "--model", str(with_scare_quotes(folder / "model")))


@pytest.fixture(scope="module")
def default_server_url(tmp_path_factory):
    yield from serve(tmp_path_factory.mktemp("serve-default") / "serve.log")


@pytest.fixture(scope="module")
def hedge_server_url(tmp_path_factory, tiny_model_dir):
    """``framing serve --model DIR`` of a model that ``framing train`` made with HEDGE and UNVERIFIED labels."""
    from framing.training.run import train_model
    from hedge import options

    folder = tmp_path_factory.mktemp("hedge")
    model = train_model(options(folder, tiny_model_dir, epochs=1), log=lambda line: None)
    yield from serve(folder / "serve.log", "--model", str(model))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser, url: str):
    # bypass_csp lets Playwright poll with its own scripts; it also means the markup test below shows
    # that the page itself renders drafts as text, without relying on the server's Content-Security-Policy
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(url + "/")
    page.wait_for_selector("#legend-list li", state="attached")  # labels loaded
    return context, page


@pytest.fixture
def page(browser, server_url):
    context, page = open_page(browser, server_url)
    yield page
    context.close()


def test_the_default_model_marks_sentences_and_says_it_marks_no_phrases(browser, default_server_url):
    context, page = open_page(browser, default_server_url)
    text = 'That month, the Russian "peacekeepers" left the region. The talks ended without agreement.'
    check(page, text)
    assert flags(page) == []
    assert page.text_content("#legend-list") == "Sentence that reads as biased"
    assert page.text_content("#groups") == ("This model marks sentences only: no phrase label reached the precision "
                                            "it must have on news to ship.")
    assert page.text_content("#summary") == "1 of 2 sentences reads as biased."
    assert page.locator("#output .sentence.biased").count() == 1
    assert page.text_content("#output .sentence.biased") == text[:55]
    assert page.errors == []
    context.close()


def check(page, text: str) -> None:
    page.fill("#input", text)
    page.click("#analyze")
    page.wait_for_selector("#output:not([hidden])")
    page.wait_for_function("document.getElementById('analyze').textContent === 'Check draft'")


def flags(page) -> list[tuple[str, str]]:
    """(label, text) of every flag drawn, the text joined over its pieces."""
    return page.evaluate("""() => {
        const out = {};
        for (const m of document.querySelectorAll('#output mark.flag')) {
            const id = m.dataset.span;
            out[id] = out[id] || [m.dataset.label, ''];
            out[id][1] += m.textContent;
        }
        return Object.values(out);
    }""")


def test_scare_quotes_are_highlighted_explained_dismissed_and_exported(page, tmp_path):
    check(page, PARAGRAPH)
    drawn = flags(page)
    assert ["SCARE_QUOTE", "peacekeepers"] in drawn and ["SCARE_QUOTE", "liberators"] in drawn
    assert page.text_content("#output") == PARAGRAPH  # highlighting never changes the text
    assert "Scare quote" in page.text_content("#groups")

    # the tooltip: label, description, confidence and the sentence's bias, on keyboard focus
    scare = page.locator("#output mark.flag[data-label='SCARE_QUOTE'][tabindex='0']").first
    scare.focus()
    tip = page.locator("#tooltip")
    assert tip.is_visible()
    tip_text = tip.text_content()
    assert tip_text.startswith("Scare quote")
    assert "Quotation marks that distance the writer" in tip_text
    assert "Confidence" in tip_text and "Sentence bias" in tip_text and "%" in tip_text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "draft-check.png"), full_page=True)
    assert (ARTIFACTS / "draft-check.png").stat().st_size > 10_000

    # dismiss it with the keyboard: gone from the text, the side list and the summary
    before = page.text_content("#summary")
    page.keyboard.press("d")
    assert ["SCARE_QUOTE", "peacekeepers"] not in flags(page)
    assert ["SCARE_QUOTE", "liberators"] in flags(page)
    assert page.text_content("#summary") != before
    assert page.text_content("#dismissed-text") == "1 flag dismissed for this session."

    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / "findings.md"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "framing-findings.md"
    markdown = saved.read_text(encoding="utf-8")
    assert markdown.startswith("# Framing check\n")
    assert "## Scare quote (1)" in markdown and "- **liberators** (confidence" in markdown
    assert "peacekeepers**" not in markdown
    assert "_1 flag dismissed by the reader._" in markdown

    # the side list jumps to a flag and can dismiss it too
    page.click("#groups [data-label='SCARE_QUOTE'] button.jump")
    assert page.evaluate("document.activeElement.dataset.label") == "SCARE_QUOTE"
    page.click("#groups [data-label='SCARE_QUOTE'] button.dismiss")
    assert ["SCARE_QUOTE", "liberators"] not in flags(page)
    page.click("#restore")
    assert ["SCARE_QUOTE", "peacekeepers"] in flags(page)
    assert page.errors == []


# two quotes near the shipped SCARE_QUOTE threshold (0.40): "routine" at P(SCARE) 0.51 drops out at the lowest
# sensitivity (0.65), "smart" at 0.32 comes in at the highest (0.15); retraining the model may move them
UNSURE = PARAGRAPH + ' The "routine" check took hours. The new "smart" meters were installed.'


def test_sensitivity_slider_changes_the_flags(page):
    check(page, UNSURE)
    standard = len(flags(page))
    page.fill("#sensitivity", "1")
    page.dispatch_event("#sensitivity", "change")
    page.wait_for_function(f"document.querySelectorAll('#output mark.flag[tabindex=\"0\"]').length > {standard}")
    assert page.text_content("#sensitivity-value") == "most"
    page.fill("#sensitivity", "-1")
    page.dispatch_event("#sensitivity", "change")
    page.wait_for_function(f"document.querySelectorAll('#output mark.flag[tabindex=\"0\"]').length < {standard}")


def test_copy_puts_the_markdown_on_the_clipboard(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    check(page, PARAGRAPH)
    page.click("#copy")
    page.wait_for_function("document.getElementById('status').textContent === 'Findings copied as Markdown.'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("# Framing check\n") and "- **peacekeepers** (confidence" in copied


def test_opens_txt_and_docx_files(page, tmp_path):
    txt = tmp_path / "draft.txt"
    txt.write_text(PARAGRAPH, encoding="utf-8")
    page.set_input_files("#file", str(txt))
    page.wait_for_function("document.getElementById('status').textContent.includes('flag')")
    assert page.text_content("#output") == PARAGRAPH

    document = docx.Document()
    for part in PARAGRAPH.split(". ", 1):
        document.add_paragraph(part)
    buf = io.BytesIO()
    document.save(buf)
    page.set_input_files("#file", files=[{"name": "draft.docx", "buffer": buf.getvalue(),
                                          "mimeType": "application/octet-stream"}])
    page.wait_for_function("document.getElementById('output').textContent.includes('\\n\\n')")
    assert page.text_content("#output") == PARAGRAPH.replace(". ", "\n\n", 1)


def test_markup_in_a_draft_shows_literally_and_runs_nothing(page):
    check(page, PAYLOAD)
    assert page.text_content("#output") == PAYLOAD
    assert page.evaluate("window.__ran === undefined")
    assert page.locator("#output script, #output img").count() == 0
    page.click("#edit")
    assert page.input_value("#input") == PAYLOAD
    assert page.errors == []


def test_emoji_before_a_flag_do_not_shift_its_highlight(page):
    check(page, PARAGRAPH)
    plain = sorted(flags(page))
    page.click("#edit")
    check(page, "\U0001F600\U0001F600\U0001F600 " + PARAGRAPH)  # three characters outside the BMP
    assert sorted(flags(page)) == plain and ["SCARE_QUOTE", "peacekeepers"] in plain
    assert page.errors == []


def test_a_trained_label_set_is_named_on_the_page(browser, hedge_server_url):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(hedge_server_url + "/")
    page.wait_for_selector("#legend-list li", state="attached")
    assert page.text_content("#legend-list").startswith("Hedge")
    check(page, "The judge reportedly resigned. The judge resigned.")
    # the model's own sentence label, not the default model's wording about bias
    assert page.text_content("#summary").endswith(" of 2 sentences carry UNVERIFIED.")
    assert "biased" not in page.text_content("body")
    context.close()


def test_a_mostly_quoted_sentence_counts_as_biased_only_with_the_toggle(page):
    text = 'Thugs ran. "Thugs ruin everything," he said.'

    def canned(route):
        body = {"sentences": [{"start": 0, "end": 10, "text": "Thugs ran.", "bias": 0.9, "biased": True,
                               "labels": [], "sentence_scores": {"BIASED": 0.9}, "sentence_labels": ["BIASED"],
                               "voice": "writer"},
                              {"start": 11, "end": 44, "text": text[11:44], "bias": 0.8, "biased": True,
                               "labels": [], "sentence_scores": {"BIASED": 0.8}, "sentence_labels": ["BIASED"],
                               "voice": "quoted"}],
                "spans": [], "thresholds": {}}
        route.fulfill(status=200, content_type="application/json", body=__import__("json").dumps(body))

    page.route("**/api/analyze", canned)
    check(page, text)
    assert page.locator("#output .sentence.biased").count() == 1
    assert page.text_content("#biased-count") == "(1)"
    page.check("#show-quoted")
    assert page.locator("#output .sentence.biased").count() == 2
    assert page.text_content("#biased-count") == "(2)"
    assert not page.errors


def test_quoted_flags_are_hidden_until_the_toggle_shows_them(page):
    """The page shows writer-voice flags; the 'quotations' toggle adds the flags inside attributed quotes."""
    text = 'Thugs ran. He said "thugs" twice.'

    def canned(route):
        body = {"sentences": [{"start": 0, "end": 10, "text": "Thugs ran.", "bias": 0.9, "biased": True,
                               "labels": ["NAME_CALLING"], "sentence_scores": {"BIASED": 0.9},
                               "sentence_labels": ["BIASED"]},
                              {"start": 11, "end": 33, "text": text[11:33], "bias": 0.2, "biased": False,
                               "labels": ["NAME_CALLING"], "sentence_scores": {"BIASED": 0.2}, "sentence_labels": []}],
                "spans": [{"start": 0, "end": 5, "text": "Thugs", "label": "NAME_CALLING", "score": 0.8,
                           "sentence": 0, "voice": "writer"},
                          {"start": 20, "end": 25, "text": "thugs", "label": "NAME_CALLING", "score": 0.9,
                           "sentence": 1, "voice": "quoted"}],
                "thresholds": {}}
        route.fulfill(status=200, content_type="application/json", body=__import__("json").dumps(body))

    page.route("**/api/analyze", canned)
    check(page, text)
    assert flags(page) == [["NAME_CALLING", "Thugs"]]
    page.check("#show-quoted")
    assert sorted(flags(page)) == [["NAME_CALLING", "Thugs"], ["NAME_CALLING", "thugs"]]
    assert page.locator("#output mark.flag.quoted").count() == 1
    page.uncheck("#show-quoted")
    assert flags(page) == [["NAME_CALLING", "Thugs"]]
    assert not page.errors
