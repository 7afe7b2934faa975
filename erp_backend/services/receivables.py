"""What customers owe: aging across customers, and one customer's statement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.types import Date

from erp_backend.db.models import CreditNote, Customer, Invoice, Payment
from erp_backend.db.types import Total
from erp_backend.domain.money import ZERO, to_money
from erp_backend.domain.principals import Actor, Permission
from erp_backend.domain.receivables import AGING_BUCKETS, AgingBucket
from erp_backend.services.catalog import get_customer
from erp_backend.services.invoicing import balance_of, is_open


@dataclass
class AgingRow:
    customer_code: str
    customer_name: str
    customer_name_zh: str
    buckets: dict[AgingBucket, Decimal]
    total: Decimal
    oldest_days_overdue: int


@dataclass
class Aging:
    as_of: date
    rows: list[AgingRow]
    totals: dict[AgingBucket, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO


def days_overdue_sql(session: Session, as_of: date) -> ColumnElement[int]:
    """Whole days from due date to `as_of`, computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(as_of.isoformat()) - func.julianday(Invoice.due_on), Integer)
    return cast(literal(as_of, Date) - Invoice.due_on, Integer)


def aging(
    session: Session, actor: Actor, as_of: date, *, more_than_days_overdue: int | None = None
) -> Aging:
    """Open balances by customer and by days past due, as one SQL aggregate."""
    actor.require(Permission.READ_RECEIVABLES)
    days = days_overdue_sql(session, as_of)
    balance = balance_of()
    columns = []
    for bucket, first, last in AGING_BUCKETS:
        conditions = []
        if first is not None:
            conditions.append(days >= first)
        if last is not None:
            conditions.append(days <= last)
        columns.append(
            func.coalesce(func.sum(case((and_(*conditions), balance), else_=0)), 0)
            .cast(Total())
            .label(bucket.value)
        )
    statement = (
        select(
            Customer.code,
            Customer.name,
            Customer.name_zh,
            *columns,
            func.sum(balance).cast(Total()).label("total"),
            func.max(days).label("oldest"),
        )
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(is_open(), Invoice.issued_on <= as_of)
        .group_by(Customer.code, Customer.name, Customer.name_zh)
        .order_by(Customer.code)
    )
    if more_than_days_overdue is not None:
        statement = statement.having(func.max(days) > more_than_days_overdue)
    result = Aging(as_of=as_of, rows=[], totals={bucket: ZERO for bucket, _, _ in AGING_BUCKETS})
    for row in session.execute(statement):
        mapping: dict[str, Any] = dict(row._mapping)
        buckets = {bucket: to_money(mapping[bucket.value]) for bucket, _, _ in AGING_BUCKETS}
        result.rows.append(
            AgingRow(
                customer_code=mapping["code"],
                customer_name=mapping["name"],
                customer_name_zh=mapping["name_zh"],
                buckets=buckets,
                total=to_money(mapping["total"]),
                oldest_days_overdue=max(int(mapping["oldest"]), 0),
            )
        )
        for bucket, amount in buckets.items():
            result.totals[bucket] += amount
        result.total += to_money(mapping["total"])
    return result


@dataclass(frozen=True)
class StatementEntry:
    on: date
    kind: str  # invoice | payment | credit_note
    reference: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    customer_code: str
    customer_name: str
    customer_name_zh: str
    start: date | None
    end: date
    opening_balance: Decimal
    entries: list[StatementEntry]
    closing_balance: Decimal


_KIND_ORDER = {"invoice": 0, "credit_note": 1, "payment": 2}


def statement(
    session: Session, actor: Actor, code: str, start: date | None, end: date
) -> Statement:
    """Invoices, payments and credit notes in date order with a running balance. Customers
    see their own only (another's answers 404); finance and managers see all."""
    actor.require(Permission.READ_STATEMENTS)
    customer = get_customer(session, actor, code)
    movements: list[tuple[date, str, str, str, Decimal, Decimal]] = []
    for invoice in session.scalars(
        select(Invoice).where(Invoice.customer_id == customer.id, Invoice.issued_on <= end)
    ).unique():
        movements.append(
            (
                invoice.issued_on,
                "invoice",
                invoice.number,
                f"Order {invoice.order.number}" if invoice.order else "Opening balance",
                invoice.total,
                ZERO,
            )
        )
    for payment in session.scalars(
        select(Payment).where(Payment.customer_id == customer.id, Payment.received_on <= end)
    ).unique():
        text = f"Payment for {payment.invoice.number}" + (
            f" ({payment.reference})" if payment.reference else ""
        )
        movements.append(
            (payment.received_on, "payment", f"PAY-{payment.id}", text, ZERO, payment.amount)
        )
    for note in session.scalars(
        select(CreditNote).where(CreditNote.customer_id == customer.id, CreditNote.issued_on <= end)
    ).unique():
        movements.append(
            (
                note.issued_on,
                "credit_note",
                note.number,
                f"Credit for returned goods, {note.invoice.number}",
                ZERO,
                note.amount,
            )
        )
    movements.sort(key=lambda m: (m[0], _KIND_ORDER[m[1]], m[2]))
    opening = sum(
        (debit - credit for on, _k, _r, _d, debit, credit in movements if start and on < start),
        start=ZERO,
    )
    running = to_money(opening)
    entries = []
    for on, kind, reference, description, debit, credit in movements:
        if start and on < start:
            continue
        running = to_money(running + debit - credit)
        entries.append(
            StatementEntry(
                on, kind, reference, description, to_money(debit), to_money(credit), running
            )
        )
    return Statement(
        customer.code,
        customer.name,
        customer.name_zh,
        start,
        end,
        to_money(opening),
        entries,
        running,
    )
