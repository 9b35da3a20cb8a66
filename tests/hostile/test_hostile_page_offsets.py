"""The page's offset conversion (app.js toUtf16Offsets), run in Node: code points to UTF-16 code units."""

import json
import shutil
import subprocess

import pytest

from framing.web.app import STATIC


def utf16_offsets(result: dict, text: str) -> dict:
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed; the browser test covers the page")
    source = (STATIC / "app.js").read_text(encoding="utf-8")
    function = source.split("// utf16-offsets-begin")[1].split("// utf16-offsets-end")[0]
    script = function + f"\nprocess.stdout.write(JSON.stringify(toUtf16Offsets({json.dumps(result)}, " \
                        f"{json.dumps(text)})));"
    return json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout)


def js_slice(text: str, start: int, end: int) -> str:
    """``text.slice(start, end)`` as JavaScript computes it, on UTF-16 code units."""
    units = text.encode("utf-16-le")
    return units[2 * start : 2 * end].decode("utf-16-le")


def test_emoji_offsets_are_converted_for_the_page():
    text = '\U0001F600\U0001F600\U0001F600 Russian "peacekeepers" left.'
    start = text.index("peacekeepers")
    result = {"sentences": [{"start": 0, "end": len(text)}],
              "spans": [{"start": start, "end": start + len("peacekeepers"), "label": "SCARE_QUOTE"}]}
    converted = utf16_offsets(result, text)
    span = converted["spans"][0]
    assert js_slice(text, span["start"], span["end"]) == "peacekeepers"  # was 'n "peacekeep'
    assert js_slice(text, converted["sentences"][0]["start"], converted["sentences"][0]["end"]) == text
