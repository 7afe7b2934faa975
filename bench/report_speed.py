"""Monthly sales over 1,000,000 order lines: the ERP's report against the raw SQL aggregate.

Two years of orders (250,000 orders of 4 lines) in a throwaway PostgreSQL database and a
SQLite file; each database answers the report through the service (SQLAlchemy, growth
figures, the same-period comparison) and through a hand-written aggregate, in the same run.
Prints median times and their ratio (target: service / raw SQL <= 1.5). Figures only.

    uv run python bench/report_speed.py [--orders 250000] [--repeat 7] [--only postgres]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import median_seconds
from erp_backend.db.engine import make_engine, make_session_factory, unit_of_work
from erp_backend.db.migrate import upgrade
from erp_backend.domain.principals import Actor, Role
from erp_backend.services.reports import monthly_sales
from tests.databases import throwaway_postgres, url_of

YEAR, TODAY = 2026, date(2026, 11, 25)
LINES_PER_ORDER = 4
STATUSES = ["delivered"] * 14 + ["shipped", "confirmed", "cancelled", "draft", "pending_approval"]
BOOKED = "('awaiting_stock','confirmed','picking','packed','shipped','delivered')"

# What a DBA would write for the same months: booked orders per UTC month of the year.
RAW_SQL = {
    "postgresql": f"""
        SELECT extract(month FROM created_at AT TIME ZONE 'UTC')::int AS m,
               count(*), sum(total)
        FROM orders
        WHERE status IN {BOOKED}
          AND created_at >= '{YEAR - 1}-01-01T00:00:00Z'
          AND created_at < '{YEAR + 1}-01-01T00:00:00Z'
        GROUP BY extract(year FROM created_at AT TIME ZONE 'UTC'), m""",  # noqa: S608
    "sqlite": f"""
        SELECT CAST(strftime('%m', created_at) AS INTEGER) AS m, count(*), sum(total)
        FROM orders
        WHERE status IN {BOOKED}
          AND created_at >= '{YEAR - 1}-01-01 00:00:00' AND created_at < '{YEAR + 1}-01-01 00:00:00'
        GROUP BY strftime('%Y', created_at), m""",  # noqa: S608
}
# The same figures summed from the lines (the report reads the order totals instead).
FROM_LINES = {
    "postgresql": f"""
        SELECT extract(month FROM o.created_at AT TIME ZONE 'UTC')::int, sum(l.line_total)
        FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE o.status IN {BOOKED} AND o.created_at >= '{YEAR - 1}-01-01T00:00:00Z'
        GROUP BY 1""",  # noqa: S608
    "sqlite": f"""
        SELECT strftime('%m', o.created_at), sum(l.line_total)
        FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE o.status IN {BOOKED} AND o.created_at >= '{YEAR - 1}-01-01 00:00:00'
        GROUP BY 1""",  # noqa: S608
}


def rows(orders: int) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Orders spread over two years up to TODAY, each of 4 lines whose totals add up."""
    rng = random.Random(7)
    start = datetime(YEAR - 1, 1, 1, tzinfo=UTC)
    span = (datetime.combine(TODAY, datetime.min.time(), UTC) - start).total_seconds()
    order_rows: list[tuple[object, ...]] = []
    line_rows: list[tuple[object, ...]] = []
    for order_id in range(1, orders + 1):
        created = start + timedelta(seconds=rng.random() * span)
        amounts = [round(rng.uniform(1, 250), 2) for _ in range(LINES_PER_ORDER)]
        order_rows.append(
            (
                order_id,
                f"SO-B-{order_id}",
                1 + order_id % 300,
                rng.choice(STATUSES),
                "api",
                round(sum(amounts), 2),
                "[]",
                created,
                created,
            )
        )
        for line_no, amount in enumerate(amounts, start=1):
            line_rows.append((order_id, line_no, 1 + line_no, 1, amount, 0, amount))
    return order_rows, line_rows


ORDER_INSERT = (
    "INSERT INTO orders (id, number, customer_id, status, channel, total, approval_reasons,"
    " created_at, updated_at) VALUES ({})"
)
LINE_INSERT = (
    "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price,"
    " discount_pct, line_total) VALUES ({})"
)
MASTER_DATA = [
    "INSERT INTO customers (id, code, name, credit_limit, payment_terms_days, active, created_at)"
    " VALUES ({})",
    "INSERT INTO products (id, sku, name, unit_price, unit, reorder_point, reorder_qty, active,"
    " created_at) VALUES ({})",
]


def populate_postgres(
    dsn: str, orders: list[tuple[object, ...]], lines: list[tuple[object, ...]]
) -> None:
    now = datetime.now(UTC)
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.executemany(
            MASTER_DATA[0].format(", ".join(["%s"] * 7)),
            [(i, f"C{i:05d}", f"Customer {i}", 50000, 30, True, now) for i in range(1, 301)],
        )
        cursor.executemany(
            MASTER_DATA[1].format(", ".join(["%s"] * 9)),
            [(i, f"SKU-{i}", f"Product {i}", 1, "pcs", 0, 0, True, now) for i in range(1, 6)],
        )
        with cursor.copy(
            "COPY orders (id, number, customer_id, status, channel, total, approval_reasons,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in orders:
                copy.write_row(row)
        with cursor.copy(
            "COPY order_lines (order_id, line_no, product_id, quantity, unit_price, discount_pct,"
            " line_total) FROM STDIN"
        ) as copy:
            for row in lines:
                copy.write_row(row)
        connection.commit()
        connection.execute("ANALYZE")


def populate_sqlite(
    path: str, orders: list[tuple[object, ...]], lines: list[tuple[object, ...]]
) -> None:
    def naive(row: tuple[object, ...]) -> tuple[object, ...]:
        return tuple(
            v.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if isinstance(v, datetime) else v
            for v in row
        )

    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            MASTER_DATA[0].format(", ".join(["?"] * 7)),
            [(i, f"C{i:05d}", f"Customer {i}", 50000, 30, True, now) for i in range(1, 301)],
        )
        connection.executemany(
            MASTER_DATA[1].format(", ".join(["?"] * 9)),
            [(i, f"SKU-{i}", f"Product {i}", 1, "pcs", 0, 0, True, now) for i in range(1, 6)],
        )
        connection.executemany(ORDER_INSERT.format(", ".join(["?"] * 9)), map(naive, orders))
        connection.executemany(LINE_INSERT.format(", ".join(["?"] * 7)), lines)
    connection.execute("ANALYZE")
    connection.close()


def measure(
    url: str, raw: Callable[[str], list[tuple[object, ...]]], dialect: str, repeat: int
) -> None:
    engine = make_engine(url)
    sessions = make_session_factory(engine, read_only=True)
    manager = Actor(principal_id=None, name="bench", role=Role.MANAGER)

    def service() -> None:
        with unit_of_work(sessions) as session:
            report = monthly_sales(session, manager, YEAR, TODAY)
        assert len(report.months) == TODAY.month

    def plain() -> None:
        assert len(raw(RAW_SQL[dialect])) == 12 + TODAY.month

    def from_lines() -> None:
        assert raw(FROM_LINES[dialect])

    for run in (service, plain, from_lines):
        run()  # warm the caches
    service_time = median_seconds(service, repeat)
    plain_time = median_seconds(plain, repeat)

    lines_time = median_seconds(from_lines, repeat)
    engine.dispose()
    print(f"  report service (SQLAlchemy, growth, YTD)   : {service_time * 1000:8.1f} ms (median)")
    print(f"  raw SQL aggregate over orders             : {plain_time * 1000:8.1f} ms (median)")
    print(f"  (same sums from the order lines, for scale : {lines_time * 1000:8.1f} ms)")
    print(
        f"  ratio service / raw SQL                   : {service_time / plain_time:8.2f}"
        "  (target <= 1.5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=250_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    args = parser.parse_args()
    started = time.perf_counter()
    orders, lines = rows(args.orders)
    print(
        f"{len(orders)} orders, {len(lines)} order lines generated"
        f" in {time.perf_counter() - started:.1f} s"
    )
    if args.only != "sqlite":
        with throwaway_postgres("erp_bench_reports") as name:
            url = url_of(name)
            upgrade(make_engine(url))
            dsn = url.replace("postgresql+psycopg://", "postgresql://")
            populate_postgres(dsn, orders, lines)
            print("PostgreSQL")
            with psycopg.connect(dsn) as connection:
                measure(
                    url, lambda sql: connection.execute(sql).fetchall(), "postgresql", args.repeat
                )
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as folder:
            path = f"{folder}/erp.db"
            upgrade(make_engine(f"sqlite:///{path}"))
            populate_sqlite(path, orders, lines)
            print("SQLite")
            database = sqlite3.connect(path)
            measure(
                f"sqlite:///{path}",
                lambda sql: database.execute(sql).fetchall(),
                "sqlite",
                args.repeat,
            )
            database.close()


if __name__ == "__main__":
    main()
