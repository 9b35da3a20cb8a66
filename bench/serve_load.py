"""Latency of ``framing serve`` under 20 concurrent clients, against one client alone in the same run.

Each request sends the example article (data/examples/article.txt, 11 sentences) with a unique last
line, so that no answer comes from the server's cache. Prints p50/p95 latency, errors and the ratio of
the concurrent p50 to the single-client p50.

    python bench/serve_load.py [--clients 20] [--requests 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from framing.modeling import FramingModel
from framing.web.app import background_server, create_app

ARTICLE = (Path(__file__).resolve().parent.parent / "data" / "examples" / "article.txt").read_text(encoding="utf-8")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_clients(url: str, clients: int, per_client: int, tag: str) -> tuple[list[float], list[str]]:
    def client(c: int) -> tuple[list[float], list[str]]:
        times, errors = [], []
        with httpx.Client(timeout=300) as http:
            for r in range(per_client):
                text = f"{ARTICLE}\nUpdated {tag} by client {c}, revision {r}."
                start = time.perf_counter()
                try:
                    response = http.post(url + "/api/analyze", json={"text": text})
                    if response.status_code != 200 or not response.json()["sentences"]:
                        errors.append(f"HTTP {response.status_code}")
                except httpx.HTTPError as e:
                    errors.append(type(e).__name__)
                times.append(time.perf_counter() - start)
        return times, errors

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(client, range(clients)))
    return [t for ts, _ in results for t in ts], [e for _, es in results for e in es]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=5, help="requests per client")
    args = parser.parse_args()
    model = FramingModel.from_pretrained()
    with background_server(create_app(model)) as url:
        run_clients(url, 1, 2, "warm-up")
        single, single_errors = run_clients(url, 1, args.requests * 2, "single")
        start = time.perf_counter()
        many, errors = run_clients(url, args.clients, args.requests, "concurrent")
        wall = time.perf_counter() - start
    p50_1, p50 = statistics.median(single), statistics.median(many)
    print(f"1 client: {len(single)} requests, p50 {p50_1 * 1000:.0f} ms, p95 {percentile(single, 95) * 1000:.0f} ms, "
          f"errors {len(single_errors)}")
    print(f"{args.clients} clients: {len(many)} requests, p50 {p50 * 1000:.0f} ms, "
          f"p95 {percentile(many, 95) * 1000:.0f} ms, max {max(many) * 1000:.0f} ms, errors {len(errors)}, "
          f"{len(many) / wall:.1f} requests/s")
    print(f"ratio of p50 latency, {args.clients} clients / 1 client: {p50 / p50_1:.1f}x")


if __name__ == "__main__":
    main()
