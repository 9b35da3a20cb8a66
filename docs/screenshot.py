"""Make docs/screenshot.png: the draft-check page with a real AllSides article analysed by the default model.

    python docs/screenshot.py [--id 1gnHAd7St3dzFnsO]   # needs ../shared/data and Debian's chromium
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

from framing.data.shared_corpora import data_root
from framing.modeling import FramingModel
from framing.web.app import background_server, create_app

HERE = Path(__file__).resolve().parent


def article(doc_id: str) -> str:
    path = data_root() / "allsides_article_bias_subset" / "articles_media_valid.jsonl"
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["ID"] == doc_id:
                return f"{row['title']}\n{row['source']}, {row['date']}\n\n{row['content_original']}"
    raise SystemExit(f"{path}: no article with ID {doc_id}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--id", default="1gnHAd7St3dzFnsO", help="AllSides article ID (media/valid split)")
    parser.add_argument("--out", default=str(HERE / "screenshot.png"))
    args = parser.parse_args()
    text = article(args.id)
    chromium = os.environ.get("FRAMING_CHROMIUM") or shutil.which("chromium")
    with background_server(create_app(FramingModel.from_pretrained())) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1360, "height": 1000})
        page.goto(url + "/")
        page.fill("#input", text)
        page.click("#analyze")
        page.wait_for_selector("#output:not([hidden])")
        page.wait_for_function("document.getElementById('analyze').textContent === 'Check draft'")
        if page.locator("#output mark.flag").count():  # a model with phrase labels: show one's tooltip
            page.hover("#output mark.flag")
        page.screenshot(path=args.out)
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
