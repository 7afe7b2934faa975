"""Language choice on the blind set (tests/language/language_choice.csv, frozen 2026-12-07):
for each message, the language a reply should be in (`zh`, `en`, or `keep` the chat's) against
what bot/language.py chooses. A figure, not a pass/fail test; the set is never tuned on.

    .venv/bin/python bench/language_choice.py [--misses]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.language import choose  # noqa: E402  (after the path is set)

SET = ROOT / "tests" / "language" / "language_choice.csv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print the messages chosen wrong")
    args = parser.parse_args()
    with SET.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for row in rows:
        chosen = choose(row["message"]).language or "keep"
        total[row["kind"]] += 1
        if chosen == row["expected"]:
            right[row["kind"]] += 1
        else:
            misses.append((row["kind"], row["message"], row["expected"], chosen))
    print(f"language choice on {SET.relative_to(ROOT)}: {len(rows)} messages\n")
    print("| kind | messages | right | accuracy |")
    print("|---|---|---|---|")
    for kind in sorted(total):
        print(f"| {kind} | {total[kind]} | {right[kind]} | {right[kind] / total[kind]:.1%} |")
    all_right = sum(right.values())
    print(f"| **all** | {len(rows)} | {all_right} | **{all_right / len(rows):.1%}** |")
    if args.misses:
        print()
        for kind, message, expected, chosen in misses:
            print(f"{kind:12} expected {expected:4} chose {chosen:4}  {message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
