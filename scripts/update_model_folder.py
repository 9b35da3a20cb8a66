"""Rewrite a model folder in the current layout: ``config.json`` keeps architecture, labels and thresholds; the
training and evaluation records an older ``config.json`` held move to ``record.json``; the card is re-rendered
from both. The weights, ``labels.json`` and ``seen_documents.json`` are not touched.

    python scripts/update_model_folder.py models/framing-default
"""

from __future__ import annotations

import argparse

from framing.model_card import update_folder
from framing.model_files import CARD_NAME, CONFIG_NAME, RECORD_NAME


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="+", help="model folders")
    for folder in ap.parse_args().folder:
        record = update_folder(folder)
        kept = ", ".join(k for k, v in record.to_dict().items() if v) or "nothing"
        print(f"{folder}: {CONFIG_NAME} without records, {RECORD_NAME} with {kept}, {CARD_NAME} re-rendered")


if __name__ == "__main__":
    main()
