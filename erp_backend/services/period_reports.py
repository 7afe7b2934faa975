"""Reports over any period people name ("sales in march", "last quarter against the same
quarter last year", "how many orders did we ship last week").

Sales are booked orders by their order date, as in services/reports.py; a comparison is
made only where the data covers the whole base period (a business that started last month
did not grow on last year). Order volume counts orders received (submitted) and the
shipments and deliveries recorded in the period, from the orders' timelines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_backend.db.models import Order, OrderEvent
from erp_backend.db.types import Total
from erp_backend.domain.money import ZERO, to_money
from erp_backend.domain.principals import Actor, Permission
from erp_backend.domain.reports import growth_pct
from erp_backend.services.reports import booked, start_of_day


@dataclass(frozen=True)
class PeriodSales:
    start: date
    end: date  # inclusive
    orders: int
    revenue: Decimal
    previous_start: date  # the period before (previous_period)
    previous_end: date
    previous_revenue: Decimal | None  # None where the data does not cover it
    last_year_revenue: Decimal | None  # the same dates a year earlier
    growth_vs_previous_pct: Decimal | None
    growth_vs_last_year_pct: Decimal | None


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period to compare with: for one starting on the 1st of a month, the same days as
    many months earlier (March -> February, Q3 -> Q2, 1-4 December -> 1-4 November, a year
    -> the year before); for any other, the same number of days just before."""
    if start.day != 1:
        length = (end - start).days + 1
        return start - timedelta(days=length), start - timedelta(days=1)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    shift = relativedelta(months=months)
    shifted_end = end - shift
    if (end + timedelta(days=1)).day == 1:  # to a month's end: to that month's end
        shifted_end = (end + timedelta(days=1) - shift) - timedelta(days=1)
    return start - shift, shifted_end


def _booked_in(session: Session, start: date, end: date) -> tuple[int, Decimal]:
    count, revenue = session.execute(
        select(func.count(Order.id), func.sum(Order.total).cast(Total())).where(
            booked(),
            Order.created_at >= start_of_day(start),
            Order.created_at < start_of_day(end + timedelta(days=1)),
        )
    ).one()
    return int(count), to_money(revenue or ZERO)


def sales_in_period(session: Session, actor: Actor, start: date, end: date) -> PeriodSales:
    actor.require(Permission.READ_REPORTS)
    orders, revenue = _booked_in(session, start, end)
    previous_start, previous_end = previous_period(start, end)
    first_order = session.scalar(select(func.min(Order.created_at)))
    since = first_order.date() if first_order is not None else None

    def revenue_if_covered(first: date, last: date) -> Decimal | None:
        return _booked_in(session, first, last)[1] if since is not None and since <= first else None

    previous = revenue_if_covered(previous_start, previous_end)
    last_year = revenue_if_covered(_a_year_before(start), _a_year_before(end))
    return PeriodSales(
        start=start,
        end=end,
        orders=orders,
        revenue=revenue,
        previous_start=previous_start,
        previous_end=previous_end,
        previous_revenue=previous,
        last_year_revenue=last_year,
        growth_vs_previous_pct=growth_pct(revenue, previous),
        growth_vs_last_year_pct=growth_pct(revenue, last_year),
    )


@dataclass(frozen=True)
class OrderVolume:
    start: date
    end: date
    received: int  # orders submitted in the period
    shipped: int  # orders shipped in the period
    delivered: int  # orders delivered in the period


def order_volume(session: Session, actor: Actor, start: date, end: date) -> OrderVolume:
    actor.require(Permission.READ_REPORTS)
    first, after = start_of_day(start), start_of_day(end + timedelta(days=1))
    received = session.scalar(
        select(func.count(Order.id)).where(Order.submitted_at >= first, Order.submitted_at < after)
    )

    def reached(status: str) -> int:
        return int(
            session.scalar(
                select(func.count(func.distinct(OrderEvent.order_id))).where(
                    OrderEvent.status == status, OrderEvent.at >= first, OrderEvent.at < after
                )
            )
            or 0
        )

    return OrderVolume(start, end, int(received or 0), reached("shipped"), reached("delivered"))
