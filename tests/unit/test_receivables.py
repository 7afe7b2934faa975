"""Due dates, invoice status and aging buckets at the calendar's awkward edges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from erp_backend.domain.receivables import (
    AgingBucket,
    InvoiceStatus,
    aging_bucket,
    days_overdue,
    due_date,
    invoice_status,
)

B = AgingBucket


@pytest.mark.parametrize(
    ("issued", "terms", "due"),
    [
        (date(2026, 1, 31), 30, date(2026, 3, 2)),  # through a 28-day February
        (date(2028, 1, 31), 30, date(2028, 3, 1)),  # leap year: 29 February counts
        (date(2026, 12, 15), 30, date(2027, 1, 14)),  # over the year end
        (date(2026, 2, 28), 0, date(2026, 2, 28)),  # cash terms: due the same day
    ],
)
def test_due_date_counts_calendar_days(issued: date, terms: int, due: date) -> None:
    assert due_date(issued, terms) == due


@pytest.mark.parametrize(
    ("due", "as_of", "bucket"),
    [
        (date(2026, 3, 31), date(2026, 3, 31), B.CURRENT),  # due today is not late
        (date(2026, 3, 31), date(2026, 3, 15), B.CURRENT),  # not yet due
        (date(2026, 3, 31), date(2026, 4, 1), B.DAYS_1_30),  # one day late
        (date(2026, 3, 31), date(2026, 4, 30), B.DAYS_1_30),  # exactly 30 days
        (date(2026, 3, 31), date(2026, 5, 1), B.DAYS_31_60),  # exactly 31 days
        (date(2026, 1, 31), date(2026, 3, 2), B.DAYS_1_30),  # 30 days over February
        (date(2026, 1, 31), date(2026, 3, 3), B.DAYS_31_60),  # 31 days over February
        (date(2028, 1, 31), date(2028, 3, 1), B.DAYS_1_30),  # leap: 30 days
        (date(2028, 1, 31), date(2028, 3, 2), B.DAYS_31_60),  # leap: 31 days
        (date(2028, 2, 29), date(2028, 3, 30), B.DAYS_1_30),  # due on the leap day, +30
        (date(2026, 1, 1), date(2026, 3, 2), B.DAYS_31_60),  # 60 days
        (date(2026, 1, 1), date(2026, 3, 3), B.DAYS_61_90),  # 61 days
        (date(2026, 1, 1), date(2026, 4, 1), B.DAYS_61_90),  # 90 days
        (date(2026, 1, 1), date(2026, 4, 2), B.OVER_90),  # 91 days
        (date(2025, 12, 31), date(2026, 12, 31), B.OVER_90),  # a year
    ],
)
def test_aging_bucket_edges(due: date, as_of: date, bucket: AgingBucket) -> None:
    assert aging_bucket(due, as_of) is bucket


def test_days_overdue_is_calendar_days() -> None:
    assert days_overdue(date(2028, 2, 28), date(2028, 3, 1)) == 2  # 29 Feb in between
    assert days_overdue(date(2026, 2, 28), date(2026, 3, 1)) == 1


TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("total", "paid", "credited", "due", "status"),
    [
        ("100.00", "0", "0", date(2026, 6, 30), InvoiceStatus.UNPAID),
        ("100.00", "40.00", "0", date(2026, 6, 30), InvoiceStatus.PARTIALLY_PAID),
        ("100.00", "0", "25.00", date(2026, 6, 30), InvoiceStatus.PARTIALLY_PAID),
        ("100.00", "100.00", "0", date(2026, 6, 30), InvoiceStatus.PAID),
        ("100.00", "60.00", "40.00", date(2026, 6, 1), InvoiceStatus.PAID),
        ("100.00", "0", "150.00", date(2026, 6, 1), InvoiceStatus.PAID),  # credit owed back
        ("100.00", "0", "0", date(2026, 6, 15), InvoiceStatus.UNPAID),  # due today
        ("100.00", "0", "0", date(2026, 6, 14), InvoiceStatus.OVERDUE),
        ("100.00", "99.99", "0", date(2026, 6, 14), InvoiceStatus.OVERDUE),
    ],
)
def test_invoice_status(
    total: str, paid: str, credited: str, due: date, status: InvoiceStatus
) -> None:
    assert invoice_status(Decimal(total), Decimal(paid), Decimal(credited), due, TODAY) is status


def test_return_credits_in_parts_never_exceed_the_invoice() -> None:
    from erp_backend.domain.money import line_total
    from erp_backend.domain.receivables import return_credit

    invoiced = line_total(4, Decimal("19.90"), Decimal("15"))  # 67.66
    one_by_one = [return_credit(invoiced, 4, returned, 1) for returned in range(4)]
    assert sum(one_by_one) == invoiced
    assert return_credit(invoiced, 4, 0, 4) == invoiced
    assert return_credit(Decimal("12.60"), 100, 0, 40) == Decimal("5.04")
