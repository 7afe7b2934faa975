"""Understanding measured on CLINC150 (../shared/eval/clinc150/test.jsonl; never trained on).

Run in the Rasa environment with a trained model:

    .venv-rasa/bin/python bench/nlu_eval.py [--model models/current.tar.gz]

Prints in-scope accuracy (the predicted intent equals `expected` for in-scope sentences) and
out-of-scope recall (out-of-scope sentences predicted as out_of_scope or nlu_fallback), the
two figures of the CLINC150 paper, plus parse latency (p50/p95) of the same model.
Targets: in-scope >= 97 %, out-of-scope recall >= 70 %.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the pipeline's own components (nlu_components/)
TEST = ROOT.parent / "shared" / "eval" / "clinc150" / "test.jsonl"
OUT_OF_SCOPE = {"out_of_scope", "nlu_fallback"}


async def evaluate(model: Path, test: Path) -> dict[str, Any]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    logging.disable(logging.INFO)  # one debug line per parsed message otherwise
    configure_structlog(logging.WARNING)

    agent = Agent.load(str(model))
    rows = [json.loads(line) for line in test.read_text().splitlines()]
    in_scope = correct = oos = oos_caught = 0
    confusions: Counter[tuple[str, str]] = Counter()
    latencies = []
    for row in rows:
        started = time.perf_counter()
        parsed = await agent.parse_message(row["text"])
        latencies.append(time.perf_counter() - started)
        predicted = parsed["intent"]["name"]
        if row["expected"] == "out_of_scope":
            oos += 1
            oos_caught += predicted in OUT_OF_SCOPE
            if predicted not in OUT_OF_SCOPE:
                confusions[("out_of_scope", predicted)] += 1
        else:
            in_scope += 1
            correct += predicted == row["expected"]
            if predicted != row["expected"]:
                confusions[(row["expected"], predicted)] += 1
    latencies.sort()
    return {
        "in_scope_accuracy": correct / in_scope,
        "out_of_scope_recall": oos_caught / oos,
        "in_scope": in_scope,
        "out_of_scope": oos,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
        "confusions": confusions.most_common(8),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    parser.add_argument("--test", type=Path, default=TEST)
    args = parser.parse_args()
    result = asyncio.run(evaluate(args.model, args.test))
    print(
        f"in-scope accuracy    : {result['in_scope_accuracy']:6.1%}  "
        f"({result['in_scope']} sentences; target >= 97 %)"
    )
    print(
        f"out-of-scope recall  : {result['out_of_scope_recall']:6.1%}  "
        f"({result['out_of_scope']} sentences; target >= 70 %)"
    )
    print(f"parse latency        : p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms")
    print("most frequent confusions (expected -> predicted):")
    for (expected, predicted), count in result["confusions"]:
        print(f"  {expected:>20} -> {predicted:<20} {count}")


if __name__ == "__main__":
    main()
