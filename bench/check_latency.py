"""Cold wall time of `framing check` on a 1,000-word article, against `python -c "import torch"` as the floor.

Runs, in one invocation, alternating, each as a fresh process:
(a) `framing check FILE --json` on a 1,000-word news article (start-up, imports, model load, inference);
(b) `python -c "import torch"`, the floor: the cost of starting Python and importing torch alone;
(c) `framing check` on a one-sentence file, to show what the article itself costs.

    python bench/check_latency.py [--runs 5]

It prints each median, the ratio (a)/(b) (target: at most 1.25x) and the peak RSS of (a).
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


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    text, origin = article_text()
    tmp = Path(tempfile.mkdtemp())
    article, baseline = tmp / "article.txt", tmp / "baseline.txt"
    article.write_text(text, encoding="utf-8")
    baseline.write_text("The minister spoke on Tuesday.", encoding="utf-8")
    exe = shutil.which("framing") or str(Path(sys.executable).parent / "framing")
    commands = {"check": [exe, "check", str(article), "--json"], "torch": [sys.executable, "-c", "import torch"],
                "one sentence": [exe, "check", str(baseline), "--json"]}
    timed(commands["one sentence"])  # warm the OS file cache once, as on any machine that has run framing before
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            runs[name].append(timed(cmd))
    med = {name: statistics.median(s for s, _ in r) for name, r in runs.items()}
    print(f"machine: {os.cpu_count()} cores; article: {origin}; {len(text.split())} words; runs: {args.runs}; "
          f"precision: {os.environ.get('FRAMING_PRECISION', 'auto')}; load average {os.getloadavg()[0]:.1f}")
    for name, label in (("check", "framing check, 1,000-word article"), ("torch", 'python -c "import torch" (floor)'),
                        ("one sentence", "framing check, one sentence")):
        times = ", ".join(f"{s:.2f}" for s, _ in runs[name])
        print(f"{label}: median {med[name]:.2f} s (runs {times}), peak RSS {max(m for _, m in runs[name]):.0f} MB")
    ratio = med["check"] / med["torch"]
    print(f"ratio check/floor: {ratio:.2f}x (target at most 1.25x: {'met' if ratio <= 1.25 else 'missed'}); "
          f"article/one sentence: {med['check'] / med['one sentence']:.2f}x")


if __name__ == "__main__":
    main()
