"""Resident memory of the four processes after a few chat turns (figures, never pass/fail).

Starts the whole product as `make run` does (tests/whole_product.py: a fresh seeded ERP on
SQLite, the action server, Rasa with the trained model, the gateway), warms it up with chat
turns that reach every process (link a chat, order status, my orders, a price, a greeting),
then prints for each process — with any processes it started — RSS and, where
/proc/<pid>/smaps_rollup is readable, PSS (shared pages divided among their users, so the
total does not count a shared library twice), the total, and the ratio to the target total.

    .venv/bin/python bench/memory.py [--turns 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.whole_product import running_product  # noqa: E402  (after the path is set)

TARGET_MB = 1.6 * 1024  # the whole product: at most 1.6 GB resident
KINDS = (  # how each process of the product is recognised by its command line
    ("action server", ("rasa_gateway.action_server",)),
    ("Rasa", ("rasa", "run")),
    ("ERP", ("erp-backend", "serve")),
    ("gateway", ("-m", "bot")),
)


@dataclass
class Usage:
    name: str
    pids: list[int]
    rss_mb: float
    pss_mb: float | None


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command may hold spaces and parentheses: the fields follow the last ")"
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry.name))
    return found


def tree(pid: int) -> list[int]:
    return [pid] + [p for child in children(pid) for p in tree(child)]


def kilobytes(path: Path, field: str) -> int | None:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def kind_of(pid: int) -> str | None:
    """Which of the product's processes this is, from its command line (KINDS), or None."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    words = [Path(w.decode()).name if i == 0 else w.decode() for i, w in enumerate(command)]
    return next(
        (kind for kind, marks in KINDS if all(any(m in w for w in words) for m in marks)), None
    )


def usage(pid: int) -> Usage | None:
    name = kind_of(pid)
    if name is None:
        return None
    pids = tree(pid)
    rss = sum(kilobytes(Path(f"/proc/{p}/status"), "VmRSS") or 0 for p in pids)
    pss_parts = [kilobytes(Path(f"/proc/{p}/smaps_rollup"), "Pss") for p in pids]
    pss = None if any(part is None for part in pss_parts) else sum(p or 0 for p in pss_parts)
    return Usage(name, pids, rss / 1024, None if pss is None else pss / 1024)


def warm_up(product_gateway: str, link_code: str, number: str, turns: int) -> None:
    with httpx.Client(base_url=product_gateway, timeout=120) as browser:
        browser.get("/")
        said = ["link " + link_code]
        said += [f"where is {number}?", "show my orders", "price of BOLT-M8", "hello"] * turns
        for text in said:
            browser.post("/chat/messages", json={"text": text}).raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=5, help="rounds of four warm-up turns")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="memory-") as folder,
        running_product(Path(folder)) as product,
    ):
        with product.erp.as_manager() as manager:
            orders = manager.get("/orders", params={"customer_code": "CUST-0004"}).json()
        number = orders["items"][0]["number"]
        warm_up(product.gateway_url, product.erp.link_code("CUST-0004"), number, args.turns)
        found = [u for pid in children(os.getpid()) if (u := usage(pid)) is not None]

    print(f"after {1 + 4 * args.turns} warm-up turns through the gateway:")
    print(f"{'process':>15} {'pids':>6} {'RSS MB':>9} {'PSS MB':>9}")
    for item in sorted(found, key=lambda u: u.name):
        pss = f"{item.pss_mb:9.1f}" if item.pss_mb is not None else f"{'n/a':>9}"
        print(f"{item.name:>15} {len(item.pids):>6} {item.rss_mb:9.1f} {pss}")
    rss = sum(u.rss_mb for u in found)
    pss_values = [u.pss_mb for u in found]
    print(f"{'total':>15} {'':>6} {rss:9.1f}", end="")
    if all(value is not None for value in pss_values):
        pss_total = sum(value or 0 for value in pss_values)
        print(f" {pss_total:9.1f}")
    else:
        pss_total = None
        print()
    print(f"target: total <= {TARGET_MB:.0f} MB; RSS ratio {rss / TARGET_MB:.2f}", end="")
    print(f", PSS ratio {pss_total / TARGET_MB:.2f}" if pss_total is not None else "")
    if len(found) != len(KINDS):
        print(f"warning: found {sorted(u.name for u in found)}, expected four processes")


if __name__ == "__main__":
    main()
