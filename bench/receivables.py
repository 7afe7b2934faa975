"""Aging over 200,000 invoices: the ERP's aging service against a hand-written SQL aggregate.

Both run in the same invocation on a throwaway PostgreSQL database; prints each median time
and their ratio (target: service / plain SQL <= 1.5). Figures only, never pass/fail.

    uv run python bench/receivables.py [--invoices 200000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import median_seconds
from erp_backend.db.engine import make_engine, make_session_factory, unit_of_work
from erp_backend.db.migrate import upgrade
from erp_backend.domain.principals import Actor, Role
from erp_backend.services.receivables import aging
from tests.databases import throwaway_postgres, url_of

AS_OF = date(2026, 11, 25)
CUSTOMERS = 500

# The reference: what a DBA would write by hand for the same answer.
PLAIN_SQL = """
SELECT c.code, c.name,
  sum(CASE WHEN d <= 0 THEN b ELSE 0 END) AS current,
  sum(CASE WHEN d BETWEEN 1 AND 30 THEN b ELSE 0 END) AS days_1_30,
  sum(CASE WHEN d BETWEEN 31 AND 60 THEN b ELSE 0 END) AS days_31_60,
  sum(CASE WHEN d BETWEEN 61 AND 90 THEN b ELSE 0 END) AS days_61_90,
  sum(CASE WHEN d > 90 THEN b ELSE 0 END) AS days_over_90,
  sum(b) AS total, max(d) AS oldest
FROM (
  SELECT customer_id, total - paid - credited AS b, %(as_of)s::date - due_on AS d
  FROM invoices
  WHERE total - paid - credited >= 0.005 AND issued_on <= %(as_of)s::date
) i JOIN customers c ON c.id = i.customer_id
GROUP BY c.code, c.name ORDER BY c.code
"""


def populate(dsn: str, invoices: int) -> None:
    with psycopg.connect(dsn) as connection:
        connection.execute(
            """
            INSERT INTO customers (code, name, credit_limit, payment_terms_days, active, created_at)
            SELECT 'C' || lpad(g::text, 5, '0'), 'Customer ' || g, 50000, 30, true, now()
            FROM generate_series(1, %(n)s) g
            """,
            {"n": CUSTOMERS},
        )
        connection.execute(
            """
            INSERT INTO orders (number, customer_id, status, channel, total, approval_reasons,
                                created_at, updated_at)
            SELECT 'SO-B-' || g, 1 + g %% %(customers)s, 'delivered', 'api',
                   round((10 + random() * 990)::numeric, 2), '[]', now(), now()
            FROM generate_series(1, %(n)s) g
            """,
            {"n": invoices, "customers": CUSTOMERS},
        )
        connection.execute(
            """
            INSERT INTO invoices (number, order_id, customer_id, issued_on, due_on, total, paid,
                                  credited, created_at)
            SELECT 'INV-B-' || o.id, o.id, o.customer_id, d.issued, d.issued + 30, o.total,
                   CASE WHEN random() < 0.6 THEN o.total
                        WHEN random() < 0.5 THEN round(o.total / 2, 2) ELSE 0 END,
                   0, now()
            FROM orders o
            CROSS JOIN LATERAL (
                SELECT %(as_of)s::date - (random() * 240)::int AS issued WHERE o.id > 0
            ) d
            """,
            {"as_of": AS_OF},
        )
        connection.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    finance = Actor(principal_id=None, name="bench", role=Role.FINANCE)
    with throwaway_postgres("erp_bench_ar") as name:
        url = url_of(name)
        engine = make_engine(url)
        upgrade(engine)
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        started = time.perf_counter()
        populate(dsn, args.invoices)
        print(f"populated {args.invoices} invoices in {time.perf_counter() - started:.1f} s")
        sessions = make_session_factory(engine, read_only=True)

        def service() -> None:
            with unit_of_work(sessions) as session:
                result = aging(session, finance, AS_OF)
                assert len(result.rows) == CUSTOMERS

        with psycopg.connect(dsn) as connection:

            def plain() -> None:
                rows = connection.execute(PLAIN_SQL, {"as_of": AS_OF}).fetchall()
                assert len(rows) == CUSTOMERS

            service()
            plain()  # warm caches for both
            service_time = median_seconds(service, args.repeat)
            plain_time = median_seconds(plain, args.repeat)
        engine.dispose()
    print(f"aging service (SQLAlchemy + Python rows) : {service_time * 1000:8.1f} ms (median)")
    print(f"plain SQL aggregate (psycopg)            : {plain_time * 1000:8.1f} ms (median)")
    ratio = service_time / plain_time
    print(f"ratio service / plain                    : {ratio:8.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
