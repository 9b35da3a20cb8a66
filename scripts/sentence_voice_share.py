"""How many of the sentences a model reads as biased are mostly quoted words, per genre of the news dev split.

    python scripts/sentence_voice_share.py [--model DIR]

Reads the articles of data/framing/dev.jsonl (their text from ../shared/data) and prints, per genre, the biased
sentences and how many of them have the ``quoted`` voice (mostly inside attributed quotations or speaker turns).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from framing.data.gold import load_gold
from framing.modeling import FramingModel

DEV = Path(__file__).resolve().parent.parent / "data" / "framing" / "dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="model folder (default: the shipped model)")
    args = ap.parse_args()
    model = FramingModel.from_pretrained(args.model)
    biased, quoted = Counter(), Counter()
    for doc in load_gold(f"framing:{DEV}", model.config.labelset).documents:
        for s in model.predict(doc.text).sentences:
            if s.biased:
                biased[doc.genre] += 1
                quoted[doc.genre] += s.voice == "quoted"
    for genre in sorted(biased):
        print(f"{genre}: {quoted[genre]} of {biased[genre]} biased sentences are quoted voice")


if __name__ == "__main__":
    main()
