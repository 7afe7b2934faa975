"""Product and customer search on the blind query tables (tests/search/*.csv), on SQLite and
PostgreSQL: how often the right answer comes first, and how long a query takes, beside the
substring search the ERP had before (the reference, measured in the same run).

A row whose expected answer is `-` (something we do not carry, a company that is not a
customer) counts as right when nothing matches the whole query (no "full" match first).
The tables were written blind and are never tuned on. Figures only, no pass/fail.

    uv run python bench/search_quality.py [--only sqlite|postgres] [--show-misses]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from erp_backend.db.engine import make_engine, make_session_factory, unit_of_work
from erp_backend.db.migrate import upgrade
from erp_backend.db.models import Customer, Product
from erp_backend.domain.principals import Actor, Role
from erp_backend.services import catalog
from erp_backend.services.seed import seed_demo
from tests.databases import throwaway_postgres, url_of

TABLES = Path(__file__).resolve().parents[1] / "tests" / "search"
STAFF = Actor(principal_id=None, name="bench", role=Role.MANAGER)
NOTHING = "-"


def table(name: str) -> list[tuple[str, str]]:
    with (TABLES / name).open(newline="", encoding="utf-8") as f:
        return [(row["query"], row["expected"]) for row in csv.DictReader(f)]


def ranked_products(session: Session, q: str) -> tuple[str | None, bool]:
    found = catalog.search_products(session, STAFF, q, 5)
    return (found[0].item.sku, found[0].match == "full") if found else (None, False)


def ranked_customers(session: Session, q: str) -> tuple[str | None, bool]:
    found = catalog.search_customers(session, STAFF, q, 5)
    return (found[0].item.code, found[0].match == "full") if found else (None, False)


def substring_products(session: Session, q: str) -> tuple[str | None, bool]:
    """The search before: SKU or name containing the query, in SKU order."""
    term = q.strip()
    first = session.scalars(
        select(Product.sku)
        .where(Product.active.is_(True))
        .where(
            or_(
                Product.sku.icontains(term, autoescape=True),
                Product.name.icontains(term, autoescape=True),
            )
        )
        .order_by(Product.sku)
        .limit(1)
    ).first()
    return first, first is not None


def substring_customers(session: Session, q: str) -> tuple[str | None, bool]:
    term = q.strip()
    first = session.scalars(
        select(Customer.code)
        .where(
            or_(
                Customer.code.icontains(term, autoescape=True),
                Customer.name.icontains(term, autoescape=True),
            )
        )
        .order_by(Customer.code)
        .limit(1)
    ).first()
    return first, first is not None


Search = Callable[[Session, str], tuple[str | None, bool]]


def measure(
    factory: Callable[[], Session], rows: list[tuple[str, str]], search: Search
) -> tuple[float, float, float, list[str]]:
    """Share right first, p50 and p95 latency in ms, and the queries missed."""
    right, times, missed = 0, [], []
    with factory() as session:
        search(session, "warm up")
        for query, expected in rows:
            start = time.perf_counter()
            first, full = search(session, query)
            times.append((time.perf_counter() - start) * 1000)
            ok = (not full) if expected == NOTHING else first == expected
            right += ok
            if not ok:
                missed.append(
                    f"{query!r}: expected {expected}, got {first} ({'full' if full else 'partial'})"
                )
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    return right / len(rows), statistics.median(times), p95, missed


def report(backend: str, url: str, show_misses: bool) -> None:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        seed_demo(session, datetime.now(UTC))
    for label, rows, new, old in (
        ("products", table("product_queries.csv"), ranked_products, substring_products),
        ("customers", table("customer_queries.csv"), ranked_customers, substring_customers),
    ):
        share, p50, p95, missed = measure(factory, rows, new)
        ref_share, ref_p50, _, _ = measure(factory, rows, old)
        print(
            f"{backend:9} {label:9} {len(rows):4} queries: right first {share:6.1%} "
            f"(substring {ref_share:6.1%}); p50 {p50:6.2f} ms, p95 {p95:6.2f} ms "
            f"(substring p50 {ref_p50:5.2f} ms, ratio {p50 / ref_p50:4.1f})"
        )
        if show_misses:
            for line in missed:
                print("    miss", line)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as folder:
            report("sqlite", f"sqlite:///{folder}/search.db", args.show_misses)
    if args.only != "sqlite":
        with throwaway_postgres("bench_search") as name:
            report("postgres", url_of(name), args.show_misses)


if __name__ == "__main__":
    main()
