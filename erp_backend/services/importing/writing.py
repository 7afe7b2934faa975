"""Checks against the database and the writes, for checked rows of each kind.

Large files are the point of this module: the database is asked in chunks (never once per
row) and rows are written with bulk INSERT/UPDATE statements. Every writer first collects
all problems the database reveals (unknown references, invoices already there) and writes
only when there are none; the caller holds the one transaction and decides to commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from erp_backend.db.models import Customer, Invoice, NumberSequence, Payment, Product, Stock
from erp_backend.domain.money import ZERO, to_money
from erp_backend.services.importing.reading import Problem
from erp_backend.services.importing.rows import Progress, Record

CHUNK = 1000  # keys per IN (...) and rows per statement; well inside every database's limits
# The ERP's own invoice numbers (services/invoicing.py); imported ones move the counter on.
ERP_INVOICE_NUMBER = re.compile(r"INV-(\d{4})-(\d{5})")
PAID_BEFORE_IMPORT = "paid before the move to this ERP"

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outstanding: Decimal = ZERO  # invoices: the open balance they bring in


Writer = Callable[[Session, list[Record], datetime, Progress], tuple[Outcome, list[Problem]]]


def write(
    session: Session, kind: str, records: list[Record], now: datetime, progress: Progress
) -> tuple[Outcome, list[Problem]]:
    """Check every record against the database; write only when no record has a problem
    (from here or from the rows' own checks). The caller commits or rolls back."""
    return WRITERS[kind](session, records, now, progress)


def write_customers(
    session: Session, records: list[Record], now: datetime, progress: Progress
) -> tuple[Outcome, list[Problem]]:
    if not all(r.ok for r in records):
        return Outcome("customers"), []
    existing = _ids(session, Customer.code, Customer.id, _keys(records))
    defaults: dict[str, Any] = {
        "active": True,
        "shipping_address": None,
        "email": None,
        "name_zh": "",
        "created_at": now,
    }
    new = [defaults | r.values for r in records if r.key not in existing]
    changed = [{"id": existing[r.key], **r.values} for r in records if r.key in existing]
    _insert(session, Customer, new, progress)
    _update(session, Customer, changed, progress)
    return Outcome("customers", created=len(new), updated=len(changed)), []


def write_products(
    session: Session, records: list[Record], now: datetime, progress: Progress
) -> tuple[Outcome, list[Problem]]:
    if not all(r.ok for r in records):
        return Outcome("products"), []
    existing = _ids(session, Product.sku, Product.id, _keys(records))
    defaults: dict[str, Any] = {
        "unit": "pcs",
        "reorder_point": 0,
        "reorder_qty": 0,
        "active": True,
        "search_terms": "",
        "name_zh": "",
    }
    new = [defaults | r.values | {"created_at": now} for r in records if r.key not in existing]
    changed = [{"id": existing[r.key], **r.values} for r in records if r.key in existing]
    created = _insert(session, Product, new, progress, returning=Product.id)
    _update(session, Product, changed, progress)
    # Every product has its stock row (as catalog.create_product makes it), empty at first.
    stock = [{"product_id": id_, "on_hand": 0, "reserved": 0} for id_ in created]
    _insert(session, Stock, stock, None)
    return Outcome("products", created=len(new), updated=len(changed)), []


def write_stock(
    session: Session, records: list[Record], now: datetime, progress: Progress
) -> tuple[Outcome, list[Problem]]:
    """Set on hand as counted. Reservations stay: a count below what confirmed orders hold
    is refused rather than silently breaking their promise (or the database's check)."""
    found: dict[str, tuple[int, int | None, int | None]] = {}
    for chunk in _chunks(sorted(set(_keys(records)))):
        query = (
            select(Product.sku, Product.id, Stock.on_hand, Stock.reserved)
            .outerjoin(Stock, Stock.product_id == Product.id)
            .where(Product.sku.in_(chunk))
        )
        found.update(
            (sku, (id_, on_hand, reserved))
            for sku, id_, on_hand, reserved in session.execute(query)
        )
    problems = []
    for record in records:
        if record.key is None:
            continue
        if record.key not in found:
            problems.append(Problem(record.line, "sku", f"there is no product {record.key}"))
            continue
        reserved, on_hand = found[record.key][2] or 0, record.values.get("on_hand")
        if on_hand is not None and on_hand < reserved:
            problems.append(
                Problem(
                    record.line,
                    "on_hand",
                    f"{on_hand} is less than the {reserved} reserved for confirmed orders "
                    f"of {record.key}; ship or cancel those orders first, or count again",
                )
            )
    if problems or not all(r.ok for r in records):
        return Outcome("stock"), problems
    new_rows: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for record in records:
        product_id, old, _ = found[str(record.key)]
        on_hand = record.values["on_hand"]
        if old is None:  # a product made without its stock row: make it now
            new_rows.append({"product_id": product_id, "on_hand": on_hand, "reserved": 0})
        elif old != on_hand:
            changes.append({"product_id": product_id, "on_hand": on_hand})
    _insert(session, Stock, new_rows, progress)
    _update(session, Stock, changes, progress)
    changed = len(new_rows) + len(changes)
    return Outcome("stock", updated=changed, unchanged=len(records) - changed), []


def write_invoices(
    session: Session, records: list[Record], now: datetime, progress: Progress
) -> tuple[Outcome, list[Problem]]:
    """Open invoices from the previous system: no order, any payment so far booked as one
    payment on the issue date, so statements and balances agree from the first day."""
    customers = _ids(
        session,
        Customer.code,
        Customer.id,
        (r.values["customer_code"] for r in records if "customer_code" in r.values),
    )
    present = _ids(session, Invoice.number, Invoice.id, _keys(records))
    problems = _invoice_problems(records, customers, present)
    if problems or not all(r.ok for r in records):
        return Outcome("invoices"), problems
    today = now.date()
    rows = [
        {
            "number": r.key,
            "order_id": None,
            "customer_id": customers[r.values["customer_code"]],
            "issued_on": r.values["issued_on"],
            "due_on": r.values["due_on"],
            "total": r.values["total"],
            "paid": r.values.get("paid", ZERO),
            "credited": ZERO,
            # Already overdue: the old system has chased it; the sweep must not send every
            # customer a reminder for old debts on the first day. Reports still show it.
            "overdue_notified_on": today if r.values["due_on"] < today else None,
            "created_at": now,
        }
        for r in records
    ]
    ids = _insert(session, Invoice, rows, progress, returning=Invoice.id)
    payments = [
        {
            "invoice_id": id_,
            "customer_id": row["customer_id"],
            "amount": row["paid"],
            "received_on": row["issued_on"],
            "reference": PAID_BEFORE_IMPORT,
            "created_at": now,
        }
        for row, id_ in zip(rows, ids, strict=True)
        if row["paid"] > 0
    ]
    _insert(session, Payment, payments, None)
    _continue_numbering(session, _keys(records))
    outstanding = to_money(sum((row["total"] - row["paid"] for row in rows), start=ZERO))
    return Outcome("invoices", created=len(rows), outstanding=outstanding), []


def _invoice_problems(
    records: list[Record], customers: dict[str, int], present: dict[str, int]
) -> list[Problem]:
    problems = []
    for record in records:
        code = record.values.get("customer_code")
        if code is not None and code not in customers:
            problems.append(Problem(record.line, "customer_code", f"there is no customer {code}"))
        if record.key is not None and record.key in present:
            # Never twice: a second copy would double what the customer owes.
            problems.append(
                Problem(record.line, "number", f"invoice {record.key} is already in the database")
            )
    return problems


def _continue_numbering(session: Session, numbers: Iterable[str]) -> None:
    """Imported numbers in the ERP's own form move its counter past them, so the next
    invoice the ERP issues does not collide with one taken over."""
    highest: dict[int, int] = {}
    for number in numbers:
        match = ERP_INVOICE_NUMBER.fullmatch(number)
        if match:
            year, value = int(match[1]), int(match[2])
            highest[year] = max(highest.get(year, 0), value)
    for year, value in highest.items():
        sequence = session.get(NumberSequence, ("INV", year))
        if sequence is None:
            session.add(NumberSequence(name="INV", year=year, last_value=value))
        else:
            sequence.last_value = max(sequence.last_value, value)
    session.flush()


def _keys(records: Iterable[Record]) -> list[str]:
    return [r.key for r in records if r.key is not None]


def _ids(
    session: Session,
    key: InstrumentedAttribute[str],
    id_: InstrumentedAttribute[int],
    keys: Iterable[str],
) -> dict[str, int]:
    """Key -> id of the rows that exist, asked in chunks."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(keys))):
        condition: ColumnElement[bool] = key.in_(chunk)
        for found_key, found_id in session.execute(select(key, id_).where(condition)):
            found[found_key] = found_id
    return found


def _insert(
    session: Session,
    model: type[Any],
    rows: list[dict[str, Any]],
    progress: Progress | None,
    *,
    returning: InstrumentedAttribute[int] | None = None,
) -> list[int]:
    """Bulk INSERT; with `returning`, the new ids in the order of `rows`."""
    ids: list[int] = []
    for chunk in _chunks(rows):
        if returning is None:
            session.execute(insert(model), chunk)
        else:
            statement = insert(model).returning(returning, sort_by_parameter_order=True)
            ids.extend(session.scalars(statement, chunk))
        if progress is not None:
            progress("writing", len(chunk))
    return ids


def _update(
    session: Session, model: type[Any], rows: list[dict[str, Any]], progress: Progress | None
) -> None:
    """Bulk UPDATE by primary key (each row names its key)."""
    for chunk in _chunks(rows):
        session.execute(update(model), chunk)
        if progress is not None:
            progress("writing", len(chunk))


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


WRITERS: dict[str, Writer] = {
    "customers": write_customers,
    "products": write_products,
    "stock": write_stock,
    "invoices": write_invoices,
}
