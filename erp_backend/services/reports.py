"""Reporting on the integrated data: monthly sales with growth, ABC analysis, low stock.

Sales are *booked orders* (see `BOOKED_STATUSES`) by the month of their order date
(`created_at`, UTC), valued at their net total. Each report is one SQL aggregate: the
database sums, Python only lays the result out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Integer, and_, case, cast, extract, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from erp_backend.db.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    ReplenishmentRequest,
    Stock,
)
from erp_backend.db.types import Total
from erp_backend.domain.money import ZERO, to_money
from erp_backend.domain.principals import Actor, Permission
from erp_backend.domain.reports import (
    BOOKED_STATUSES,
    AbcItem,
    AbcThresholds,
    classify_abc,
    growth_pct,
)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


def year_and_month(
    session: Session, column: ColumnElement[datetime] | InstrumentedAttribute[datetime]
) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """The UTC calendar year and month of a timestamp, computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite keeps UTC text (db/types.UTCDateTime): read the calendar off it.
        return (
            cast(func.strftime("%Y", column), Integer),
            cast(func.strftime("%m", column), Integer),
        )
    utc = func.timezone("UTC", column)
    return cast(extract("year", utc), Integer), cast(extract("month", utc), Integer)


def booked() -> ColumnElement[bool]:
    return Order.status.in_(BOOKED_STATUSES)


@dataclass(frozen=True)
class MonthOfSales:
    month: int
    orders: int
    revenue: Decimal
    # The same month a year earlier; None where the data does not reach back that far.
    last_year_revenue: Decimal | None
    growth_vs_previous_month_pct: Decimal | None
    growth_vs_last_year_pct: Decimal | None
    complete: bool  # False for the month in progress


@dataclass(frozen=True)
class MonthlySales:
    year: int
    months: list[MonthOfSales]
    orders: int
    revenue: Decimal
    through: date  # the last day counted
    data_since: date | None  # the first order in the ERP
    last_year_same_period_revenue: Decimal | None
    growth_vs_last_year_pct: Decimal | None


def monthly_sales(session: Session, actor: Actor, year: int, today: date) -> MonthlySales:
    """Order count and revenue per month of `year`, with growth against the month before
    and the same month a year earlier. Months after `today` are left out; the year's total
    is compared with the same stretch of the year before (to the same day). A base the data
    does not fully cover (it starts before the first order) is no base: a business that
    started last November did not grow 40,000 % on last year."""
    actor.require(Permission.READ_REPORTS)
    through = date(year, 12, 31) if year < today.year else today
    # Last year's months up to the day a year before `through`, summed in the same scan.
    cutoff = start_of_day(_a_year_before(through) + timedelta(days=1))
    year_of, month_of = year_and_month(session, Order.created_at)
    rows = session.execute(
        select(
            year_of,
            month_of,
            func.count(Order.id),
            func.sum(Order.total).cast(Total()),
            func.sum(case((Order.created_at < cutoff, Order.total), else_=0)).cast(Total()),
        )
        .where(
            booked(),
            Order.created_at >= start_of_day(date(year - 1, 1, 1)),
            Order.created_at < start_of_day(date(year + 1, 1, 1)),
        )
        .group_by(year_of, month_of)
    ).all()
    totals = {(int(y), int(m)): (int(n), to_money(r or ZERO)) for y, m, n, r, _ in rows}
    first_order = session.scalar(select(func.min(Order.created_at)))
    data_since = first_order.date() if first_order is not None else None

    def covered(first_day: date) -> bool:
        return data_since is not None and data_since <= first_day

    last_year = (
        to_money(sum((early or ZERO for y, _m, _n, _r, early in rows if y == year - 1), ZERO))
        if covered(date(year - 1, 1, 1))
        else None
    )

    def revenue_of(y: int, m: int) -> Decimal | None:
        return totals.get((y, m), (0, ZERO))[1] if covered(date(y, m, 1)) else None

    last_month = 12 if year < today.year else (today.month if year == today.year else 0)
    months = []
    for month in range(1, last_month + 1):
        orders, revenue = totals.get((year, month), (0, ZERO))
        previous = revenue_of(year, month - 1) if month > 1 else revenue_of(year - 1, 12)
        last_year_month = revenue_of(year - 1, month)
        months.append(
            MonthOfSales(
                month=month,
                orders=orders,
                revenue=revenue,
                last_year_revenue=last_year_month,
                growth_vs_previous_month_pct=growth_pct(revenue, previous),
                growth_vs_last_year_pct=growth_pct(revenue, last_year_month),
                complete=not (year == today.year and month == today.month),
            )
        )
    revenue = to_money(sum((m.revenue for m in months), start=ZERO))
    return MonthlySales(
        year=year,
        months=months,
        orders=sum(m.orders for m in months),
        revenue=revenue,
        through=through,
        data_since=data_since,
        last_year_same_period_revenue=last_year,
        growth_vs_last_year_pct=growth_pct(revenue, last_year) if months else None,
    )


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class AbcEntry:
    item: AbcItem
    name: str


@dataclass(frozen=True)
class AbcAnalysis:
    by: str  # product | customer
    start: date
    end: date
    thresholds: AbcThresholds
    entries: list[AbcEntry]
    total_revenue: Decimal


def abc_analysis(
    session: Session,
    actor: Actor,
    by: str,
    start: date,
    end: date,
    thresholds: AbcThresholds,
) -> AbcAnalysis:
    """Products (active ones) or customers ranked by booked revenue in [start, end] and
    classed A/B/C by cumulative share. Those with no sales in the period are listed as C:
    a product nobody bought is exactly what an inventory review wants to see."""
    actor.require(Permission.READ_REPORTS)
    in_period = and_(
        booked(),
        Order.created_at >= start_of_day(start),
        Order.created_at < start_of_day(end + timedelta(days=1)),
    )
    if by == "product":
        revenue = (
            select(OrderLine.product_id, func.sum(OrderLine.line_total).label("revenue"))
            .join(Order, Order.id == OrderLine.order_id)
            .where(in_period)
            .group_by(OrderLine.product_id)
            .subquery()
        )
        statement = (
            select(Product.sku, Product.name, func.coalesce(revenue.c.revenue, 0).cast(Total()))
            .outerjoin(revenue, revenue.c.product_id == Product.id)
            .where(Product.active.is_(True))
        )
    else:
        revenue = (
            select(Order.customer_id, func.sum(Order.total).label("revenue"))
            .where(in_period)
            .group_by(Order.customer_id)
            .subquery()
        )
        statement = select(
            Customer.code, Customer.name, func.coalesce(revenue.c.revenue, 0).cast(Total())
        ).outerjoin(revenue, revenue.c.customer_id == Customer.id)
    rows = session.execute(statement).all()
    names = {key: name for key, name, _ in rows}
    items = classify_abc([(key, to_money(amount)) for key, _, amount in rows], thresholds)
    return AbcAnalysis(
        by=by,
        start=start,
        end=end,
        thresholds=thresholds,
        entries=[AbcEntry(item, names[item.key]) for item in items],
        total_revenue=to_money(sum((item.revenue for item in items), start=ZERO)),
    )


@dataclass(frozen=True)
class LowStock:
    sku: str
    name: str
    name_zh: str
    on_hand: int
    reserved: int
    available: int
    reorder_point: int
    on_order: int  # what the open replenishment request asks for


def low_stock(session: Session, actor: Actor) -> list[LowStock]:
    """Active products whose available stock is under their reorder point, the lowest
    cover first (available as a share of the reorder point)."""
    actor.require(Permission.READ_STOCK)
    available = Stock.on_hand - Stock.reserved
    rows = session.execute(
        select(
            Product.sku,
            Product.name,
            Product.name_zh,
            Stock.on_hand,
            Stock.reserved,
            Product.reorder_point,
            func.coalesce(ReplenishmentRequest.quantity, 0),
        )
        .join(Stock, Stock.product_id == Product.id)
        .outerjoin(
            ReplenishmentRequest,
            and_(
                ReplenishmentRequest.product_id == Product.id,
                ReplenishmentRequest.status == "open",
            ),
        )
        .where(Product.active.is_(True), Product.reorder_point > 0)
        .where(available < Product.reorder_point)
    ).all()
    found = [
        LowStock(sku, name, name_zh, on_hand, reserved, on_hand - reserved, point, on_order)
        for sku, name, name_zh, on_hand, reserved, point, on_order in rows
    ]
    return sorted(found, key=lambda p: (p.available / p.reorder_point, p.sku))
