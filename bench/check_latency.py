"""Cold wall time of `framing check` on a 1,000-word article, against `python -c "import torch"` as the floor.

Runs, in one invocation, alternating, each as a fresh process:
(a) `framing check FILE --json` on a 1,000-word news article (start-up, imports, model load and inference), on
    the runtime `framing check` picks (framing/runtime.py: ONNX Runtime where `onnxruntime` is installed);
(b) `python -c "import torch"`, the floor: the cost of starting Python and importing torch alone;
(c) `framing check` on a one-sentence file, to show what the article itself costs;
(d) (a) forced onto torch (`FRAMING_RUNTIME=torch`, in its default precision), the path before ONNX Runtime.

The ONNX graph is built first (`framing prepare`), as on any machine that has run `framing check` once.

    python bench/check_latency.py [--runs 5]

It prints each median, the ratio (a)/(b) (target: at most 1.25x) and the peak RSS of each.
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


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    start_load = os.getloadavg()[0]
    text, origin = article_text()
    tmp = Path(tempfile.mkdtemp())
    article, baseline = tmp / "article.txt", tmp / "baseline.txt"
    article.write_text(text, encoding="utf-8")
    baseline.write_text("The minister spoke on Tuesday.", encoding="utf-8")
    exe = shutil.which("framing") or str(Path(sys.executable).parent / "framing")
    commands = {"check": [exe, "check", str(article), "--json"], "torch": [sys.executable, "-c", "import torch"],
                "one sentence": [exe, "check", str(baseline), "--json"],
                "check on torch": [exe, "check", str(article), "--json"]}
    envs = {"check on torch": {"FRAMING_RUNTIME": "torch"}}
    timed([exe, "prepare"])  # the graph, as after a first check; nothing happens when it is already built
    for name, cmd in commands.items():  # warm the OS file cache once, as on any machine that has run framing before
        timed(cmd, envs.get(name))
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for r in range(args.runs):  # alternating, the order reversed every other round
        for name in list(commands) if r % 2 == 0 else list(commands)[::-1]:
            runs[name].append(timed(commands[name], envs.get(name)))
    med = {name: statistics.median(s for s, _ in r) for name, r in runs.items()}
    from framing.runtime import resolve

    place, mode = resolve(one_shot=True)
    print(f"machine: {os.cpu_count()} cores; article: {origin}; {len(text.split())} words; runs: {args.runs}; "
          f"framing check runs on {place} in {mode}; load average {os.getloadavg()[0]:.1f} at the end, "
          f"{start_load:.1f} at the start")
    for name, label in (("check", f"framing check, 1,000-word article ({place})"),
                        ("torch", 'python -c "import torch" (floor)'),
                        ("one sentence", f"framing check, one sentence ({place})"),
                        ("check on torch", "framing check, 1,000-word article, FRAMING_RUNTIME=torch")):
        times = ", ".join(f"{s:.2f}" for s, _ in runs[name])
        print(f"{label}: median {med[name]:.2f} s (runs {times}), peak RSS {max(m for _, m in runs[name]):.0f} MB")
    ratio = med["check"] / med["torch"]
    print(f"ratio check/floor: {ratio:.2f}x (target at most 1.25x: {'met' if ratio <= 1.25 else 'missed'}); "
          f"article/one sentence: {med['check'] / med['one sentence']:.2f}x; on torch: "
          f"{med['check on torch'] / med['torch']:.2f}x the floor")


if __name__ == "__main__":
    main()
