"""Cold wall time of `framing check` on a 1,000-word article, model load included.

Runs, in one invocation, `framing check --json` as a fresh process on
(a) a 1,000-word news article and (b) a one-sentence baseline, so the ratio
shows what the article itself costs on top of start-up and model load.

    python bench/check_latency.py [--runs 3]

The article is an AllSides article from ../shared/data cut to 1,000 words;
without the shared data the shipped example article is repeated to 1,000 words.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = 1000


def article_text() -> tuple[str, str]:
    from framing.data.shared_corpora import DataMissingError, read_allsides

    try:
        for row in read_allsides():
            text = row["content_original"]
            ends = [m.end() for m in re.finditer(r"\S+", text)]
            if len(ends) >= WORDS:
                return text[: ends[WORDS - 1]], f"AllSides article {row['ID']} ({row['source']}), first 1,000 words"
    except DataMissingError:
        pass
    base = (ROOT / "data" / "examples" / "article.txt").read_text(encoding="utf-8").split()
    return " ".join((base * (WORDS // len(base) + 1))[:WORDS]), "data/examples/article.txt repeated"


def cold_run(path: Path) -> float:
    exe = shutil.which("framing") or str(Path(sys.executable).parent / "framing")
    start = time.perf_counter()
    subprocess.run([exe, "check", str(path), "--json"], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    text, origin = article_text()
    tmp = Path(tempfile.mkdtemp())
    article, baseline = tmp / "article.txt", tmp / "baseline.txt"
    article.write_text(text, encoding="utf-8")
    baseline.write_text("The minister spoke on Tuesday.", encoding="utf-8")
    cold_run(baseline)  # warm the OS file cache once, as on any machine that has run framing before
    a = [cold_run(article) for _ in range(args.runs)]
    b = [cold_run(baseline) for _ in range(args.runs)]
    print(f"machine: {os.cpu_count()} cores; article: {origin}; {len(text.split())} words; runs: {args.runs}")
    runs = ", ".join(f"{x:.2f}" for x in a)
    print(f"framing check, 1,000-word article: median {statistics.median(a):.2f} s (runs {runs})")
    print(f"framing check, one-sentence baseline: median {statistics.median(b):.2f} s")
    print(f"ratio article/baseline: {statistics.median(a) / statistics.median(b):.2f}x; "
          f"target 5 s: {'met' if statistics.median(a) <= 5 else 'missed'}")


if __name__ == "__main__":
    main()
