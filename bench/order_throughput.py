"""Orders created and submitted per second over HTTP, against pgbench on the same server.

Prints: ERP orders/s (create + submit, 8 concurrent clients, PostgreSQL), pgbench TPC-B TPS
(8 clients, a throwaway database) measured in the same run, their ratio, and the oversell
check (reserved never above on hand, reservations equal to the confirmed orders' lines).
Target: ratio >= 0.25 with zero oversell. This prints figures; it never fails on time.

    uv run python bench/order_throughput.py [--seconds 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from erp_backend.db import repositories as repo
from erp_backend.db.engine import make_engine, make_session_factory, unit_of_work
from erp_backend.db.migrate import upgrade
from erp_backend.db.models import Customer, Product, Stock
from erp_backend.domain.principals import Role
from erp_backend.services.identity import create_api_key, ensure_principal
from tests.databases import throwaway_postgres, url_of
from tests.live_server import serving

CLIENTS = 8
CONTESTED_STOCK = 600  # runs out during the run, so some orders must wait for stock


def prepare(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with unit_of_work(make_session_factory(engine)) as session:
        for index in range(20):
            product = Product(
                sku=f"ITEM-{index:02d}",
                name=f"Item {index}",
                unit_price=Decimal("1.25"),
                unit="pcs",
                reorder_point=0,
                reorder_qty=0,
                active=True,
                created_at=now,
            )
            on_hand = CONTESTED_STOCK if index == 0 else 10_000_000
            product.stock = Stock(on_hand=on_hand, reserved=0)
            session.add(product)
        customer = Customer(
            code="BENCH",
            name="Bench Ltd",
            credit_limit=Decimal("9999999999"),
            payment_terms_days=30,
            active=True,
            created_at=now,
        )
        session.add(customer)
        rep = ensure_principal(session, "bench-rep", Role.SALES_REP, now)
        key = create_api_key(session, rep, now)
    engine.dispose()
    return key


async def drive(base: str, key: str, seconds: float) -> tuple[int, Counter[str], list[float]]:
    deadline = time.monotonic() + seconds
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []

    async def client(index: int) -> int:
        done = 0
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                lines = [
                    {"sku": "ITEM-00", "quantity": 1},
                    {"sku": f"ITEM-{1 + (done + index) % 19:02d}", "quantity": 3},
                ]
                created = await http.post(
                    "/api/v1/orders",
                    json={"customer_code": "BENCH", "lines": lines},
                    headers={"Idempotency-Key": f"c{index}-{done}"},
                )
                created.raise_for_status()
                number = created.json()["number"]
                submitted = await http.post(
                    f"/api/v1/orders/{number}/submit",
                    headers={"Idempotency-Key": f"s{index}-{done}"},
                )
                submitted.raise_for_status()
                outcomes[submitted.json()["status"]] += 1
                latencies.append(time.perf_counter() - started)
                done += 1
        return done

    counts = await asyncio.gather(*(client(i) for i in range(CLIENTS)))
    return sum(counts), outcomes, latencies


def oversell_check(url: str) -> tuple[bool, str]:
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        out_of_step = repo.reservations_out_of_step(session)
        contested = session.execute(
            select(Stock.on_hand, Stock.reserved).join(Product).where(Product.sku == "ITEM-00")
        ).one()
    engine.dispose()
    return not out_of_step, f"ITEM-00 on hand {contested[0]}, reserved {contested[1]}"


def pgbench(seconds: int) -> float:
    with throwaway_postgres("pgbench") as name:
        common = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
        subprocess.run(
            ["pgbench", *common, "-i", "-q", "-s", "8", name], check=True, capture_output=True
        )
        result = subprocess.run(
            ["pgbench", *common, "-c", str(CLIENTS), "-j", "2", "-T", str(seconds), name],
            check=True,
            capture_output=True,
            text=True,
        )
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    if match is None:
        raise RuntimeError(f"could not read pgbench output:\n{result.stdout}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="ERP server processes")
    args = parser.parse_args()

    with throwaway_postgres("erp_bench") as name:
        url = url_of(name)
        key = prepare(url)
        env = {"ERP_WORKERS": str(args.workers), "ERP_DB_POOL_SIZE": "8"}
        with serving(url, workers_env=env) as base:
            asyncio.run(drive(base, key, 2))  # warm-up: connections, caches
            started = time.perf_counter()
            orders, outcomes, latencies = asyncio.run(drive(base, key, args.seconds))
            elapsed = time.perf_counter() - started
        ok, contested = oversell_check(url)
    tps = pgbench(int(args.seconds))
    rate = orders / elapsed
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    print(
        f"ERP orders created+submitted/s : {rate:8.1f}  ({orders} orders in {elapsed:.1f} s, "
        f"{CLIENTS} clients, {args.workers} server processes)"
    )
    print(f"  per order (2 requests)       : p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"  outcomes                     : {dict(outcomes)}")
    print(f"pgbench TPC-B tps              : {tps:8.1f}  ({CLIENTS} clients, same server)")
    print(f"ratio ERP/pgbench              : {rate / tps:8.3f}  (target >= 0.25)")
    print(f"oversell                       : {'none' if ok else 'FOUND'} ({contested})")


if __name__ == "__main__":
    main()
