"""Invoices as receivables: due dates, status, aging buckets."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from erp_backend.domain.money import to_money


class InvoiceStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERDUE = "overdue"


class AgingBucket(StrEnum):
    """Days past the due date. Not yet due (or due today) is `current`."""

    CURRENT = "current"
    DAYS_1_30 = "days_1_30"
    DAYS_31_60 = "days_31_60"
    DAYS_61_90 = "days_61_90"
    OVER_90 = "days_over_90"


# (bucket, first day past due, last day past due); the SQL aggregate reads the same table.
AGING_BUCKETS: tuple[tuple[AgingBucket, int | None, int | None], ...] = (
    (AgingBucket.CURRENT, None, 0),
    (AgingBucket.DAYS_1_30, 1, 30),
    (AgingBucket.DAYS_31_60, 31, 60),
    (AgingBucket.DAYS_61_90, 61, 90),
    (AgingBucket.OVER_90, 91, None),
)


def due_date(issued_on: date, payment_terms_days: int) -> date:
    return issued_on + timedelta(days=payment_terms_days)


def days_overdue(due_on: date, as_of: date) -> int:
    """Whole calendar days after the due date; 0 or less when not yet overdue."""
    return (as_of - due_on).days


def aging_bucket(due_on: date, as_of: date) -> AgingBucket:
    days = days_overdue(due_on, as_of)
    for bucket, first, last in AGING_BUCKETS:
        if (first is None or days >= first) and (last is None or days <= last):
            return bucket
    raise AssertionError("the buckets cover every day")


def invoice_status(
    total: Decimal, paid: Decimal, credited: Decimal, due_on: date, today: date
) -> InvoiceStatus:
    """Paid when nothing is open; overdue when something is open after the due date."""
    balance = total - paid - credited
    if balance <= 0:
        return InvoiceStatus.PAID
    if days_overdue(due_on, today) > 0:
        return InvoiceStatus.OVERDUE
    if paid + credited > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.UNPAID


def return_credit(
    invoiced: Decimal, delivered: int, returned_before: int, quantity: int
) -> Decimal:
    """The invoiced value of `quantity` more units coming back. Taken as the difference of
    rounded running shares, so however the goods come back in parts, the credits add up to
    exactly what was invoiced for them, never a cent more."""

    def share(units: int) -> Decimal:
        return to_money(invoiced * units / delivered)

    return share(returned_before + quantity) - share(returned_before)
