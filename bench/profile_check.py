"""Where a cold `framing check` spends its seconds: timers around each step, in this fresh process.

    python bench/profile_check.py ARTICLE.txt [--runtime onnx|torch] [--precision MODE]

Prints the seconds of: the imports (numpy and tokenizers, the framing modules, the runtime's own package),
loading the model, the first `score_many` (segmentation, tokenising, the forward pass, unit scores), decoding
and the JSON, then the total and whether torch was imported. For the import tree itself, run
`python -X importtime -c "import framing.modeling"`. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import time

START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("article")
    ap.add_argument("--runtime", default="auto", choices=["auto", "onnx", "torch"])
    ap.add_argument("--precision")
    args = ap.parse_args()
    marks, last = [], [START]

    def mark(name: str) -> None:
        now = time.perf_counter()
        marks.append((name, now - last[0]))
        last[0] = now

    import numpy  # noqa: F401
    import tokenizers  # noqa: F401

    mark("import numpy, tokenizers")
    import framing.modeling as modeling

    mark("import framing.modeling (segmenter, decoding, ...)")
    from framing.runtime import resolve

    place, _ = resolve(args.runtime, args.precision, one_shot=True)
    __import__("onnxruntime" if place == "onnx" else "torch")
    mark(f"import {'onnxruntime' if place == 'onnx' else 'torch'}")
    text = Path(args.article).read_text(encoding="utf-8")
    model = modeling.FramingModel.from_pretrained(precision=args.precision, runtime=args.runtime, one_shot=True)
    mark(f"from_pretrained ({model.runtime}, {model.precision})")
    scores = model.score_many([text])
    mark(f"first score_many ({len(scores[0].sentences)} sentences)")
    result = model.decode(scores[0])
    mark("decode")
    json.dumps(result.to_dict())
    mark("JSON")
    for name, seconds in marks:
        print(f"{seconds:7.3f} s  {name}")
    print(f"{time.perf_counter() - START:7.3f} s  total in this process; torch imported: {'torch' in sys.modules}")


if __name__ == "__main__":
    main()
