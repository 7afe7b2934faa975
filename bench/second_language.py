"""What the second language costs in memory: the resident memory a process gains from what
Chinese adds to the Rasa process (jieba's dictionary, OpenCC) and to the action server
(OpenCC, cn2an), each measured as it loads in this process. The reference is the whole
product's memory from bench/memory.py (the four processes, same machine).

    .venv-rasa/bin/python bench/second_language.py

Figures, not pass/fail. The time a Chinese message costs to parse is in
bench/parse_latency.py (Chinese against English sentences in the same run).
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """This process's resident memory now (from /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    start = rss_mb()
    print(f"this process before: {start:.1f} MB")
    steps = []

    def step(name: str, work: Callable[[], object]) -> None:
        before, began = rss_mb(), time.perf_counter()
        work()
        steps.append((name, rss_mb() - before, (time.perf_counter() - began) * 1000))

    from nlu_components import simplified, tokenizer

    step("jieba's dictionary (the tokenizer)", tokenizer.segmenter)
    step("OpenCC t2s (Traditional -> Simplified)", simplified.converter)
    step(
        "cn2an (Chinese numerals, the actions)",
        lambda: __import__("cn2an").cn2an("两千五", "smart"),
    )
    for name, grown, took in steps:
        print(f"{name}: +{grown:.1f} MB, loaded in {took:.0f} ms")
    total = sum(grown for _, grown, _ in steps)
    print(f"all of Chinese: +{total:.1f} MB (compare bench/memory.py's total of the product)")


if __name__ == "__main__":
    main()
