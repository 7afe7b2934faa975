"""Latency of Rasa's `POST /model/parse` over HTTP, as the gateway will see it.

Run in the Rasa environment with a trained model (scripts/train.py makes one):

    .venv-rasa/bin/python bench/parse_latency.py [--model models/current.tar.gz] [--n 400]

Starts `rasa run --enable-api` on loopback, sends the sentences of our own training data
(data/nlu/orders.yml, catalog.yml, finance.yml, chitchat.yml) one at a time after a warm-up,
and prints p50/p95 of `/model/parse`, then the same for Chinese sentences (data/nlu/zh/:
jieba, OpenCC and the Chinese regexes at work). Reference in the same run: `GET /` of the
same server (HTTP and Sanic without the model), so the ratio says what understanding costs on
top of the transport. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import percentile  # noqa: E402
from tests.live_server import free_port, process_serving  # noqa: E402

TOPICS = ("orders", "catalog", "finance", "chitchat")


def sentences(language: str = "en") -> list[str]:
    """Our own examples, entity annotations removed: "[40](quantity)" -> "40"."""
    found = []
    files = (
        sorted((ROOT / "data" / "nlu" / "zh").glob("*.yml"))
        if language == "zh"
        else [ROOT / "data" / "nlu" / f"{topic}.yml" for topic in TOPICS]
    )
    for path in files:
        for line in path.read_text().splitlines():
            if line.strip().startswith("- ") and "intent:" not in line:
                found.append(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]))
    return found


def timed(call: Callable[[], object], n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    port = free_port()
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        # endpoints.yml and credentials.yml name these secrets; parsing uses neither
        "ACTION_SERVER_TOKEN": os.environ.get("ACTION_SERVER_TOKEN", "bench-" + "x" * 32),
        "GATEWAY_RASA_SECRET": os.environ.get("GATEWAY_RASA_SECRET", "bench-" + "y" * 32),
    }
    command = [
        str(Path(sys.executable).parent / "rasa"),
        *("run", "--enable-api", "--model", str(args.model.resolve())),
        *("--interface", "127.0.0.1", "--port", str(port)),
    ]
    texts, chinese = sentences(), sentences("zh")
    with (
        process_serving("rasa", command, env, f"http://127.0.0.1:{port}", "/status", timeout=300),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http,
    ):
        for text in texts[:20]:  # warm-up
            http.post("/model/parse", json={"text": text}).raise_for_status()
        turn = iter(range(args.n))

        def parse() -> None:
            text = texts[next(turn) % len(texts)]
            http.post("/model/parse", json={"text": text}).raise_for_status()

        parsed = timed(parse, args.n)
        turn = iter(range(args.n))

        def parse_chinese() -> None:
            text = chinese[next(turn) % len(chinese)]
            http.post("/model/parse", json={"text": text}).raise_for_status()

        parsed_chinese = timed(parse_chinese, args.n)
        hello = timed(lambda: http.get("/").raise_for_status(), args.n)
    p50, p95 = statistics.median(parsed), percentile(parsed, 0.95)
    z50, z95 = statistics.median(parsed_chinese), percentile(parsed_chinese, 0.95)
    r50, r95 = statistics.median(hello), percentile(hello, 0.95)
    print(f"POST /model/parse ({args.n} of our sentences): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"POST /model/parse ({args.n} Chinese sentences): p50 {z50:.1f} ms, p95 {z95:.1f} ms")
    print(f"GET / (reference, same server): p50 {r50:.1f} ms, p95 {r95:.1f} ms")
    print(f"ratio parse / reference: p50 {p50 / r50:.1f}x, p95 {p95 / r95:.1f}x")
    print(f"ratio Chinese / English parse: p50 {z50 / p50:.2f}x, p95 {z95 / p95:.2f}x")


if __name__ == "__main__":
    main()
