"""How long a chat turn takes through the gateway, end to end (figures, never pass/fail).

Starts the whole product as `make run` does (a fresh seeded ERP on SQLite, the action server,
Rasa with the trained model, the gateway), links web chats to a demo customer (a new chat
every 10 turns, as real conversations are short), then times, interleaved so both see the
same machine state:

- an order-status turn ("where is SO-...?"): gateway → Rasa NLU → action server → ERP → back;
- a greeting turn ("hello"): gateway → Rasa NLU → a fixed reply, no action, no ERP.

Prints p50/p95 of each and the ratio of the p50s (target: order status ≤ 2.5 x greeting).

    .venv/bin/python bench/chat_turn.py [--turns 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import percentile  # noqa: E402  (after the path is set)
from tests.whole_product import running_product  # noqa: E402

SESSION_TURNS = 10
WARM_UP = 10


def turn(browser: httpx.Client, text: str, expected: str) -> float:
    """One turn through the gateway; its wall time in ms."""
    started = time.perf_counter()
    response = browser.post("/chat/messages", json={"text": text})
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    said = " ".join(reply["text"] for reply in response.json()["replies"])
    if expected not in said:
        raise SystemExit(f"unexpected reply to {text!r}: {said!r}")
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200, help="turns of each kind")
    args = parser.parse_args()
    status: list[float] = []
    greeting: list[float] = []
    with (
        tempfile.TemporaryDirectory(prefix="chat-turn-") as folder,
        # one client opens many chats here: above the gateway's limit on new chats per address
        running_product(Path(folder), gateway_sessions_per_hour="100000") as product,
    ):
        with product.erp.as_manager() as manager:
            orders = manager.get("/orders", params={"customer_code": "CUST-0004"}).json()
        number = orders["items"][0]["number"]
        # conversations of realistic length: a new linked chat every SESSION_TURNS turns
        # (Rasa's work per turn grows with the conversation's history)
        for first in range(-WARM_UP, args.turns, SESSION_TURNS):
            with httpx.Client(base_url=product.gateway_url, timeout=60) as browser:
                browser.get("/")
                code = product.erp.link_code("CUST-0004")
                browser.post("/chat/messages", json={"text": f"link {code}"}).raise_for_status()
                for index in range(first, min(first + SESSION_TURNS, args.turns)):
                    status_ms = turn(browser, f"where is {number}?", number)
                    greeting_ms = turn(browser, "hello", "")
                    if index >= 0:  # the first WARM_UP turns warm models and connections
                        status.append(status_ms)
                        greeting.append(greeting_ms)

    for name, samples in (("order status", status), ("greeting", greeting)):
        print(
            f"{name:>12}: p50 {statistics.median(samples):6.1f} ms   "
            f"p95 {percentile(samples, 0.95):6.1f} ms   ({len(samples)} turns)"
        )
    ratio = statistics.median(status) / statistics.median(greeting)
    print(f"ratio of p50s (order status / greeting): {ratio:.2f}  (target <= 2.5)")


if __name__ == "__main__":
    main()
