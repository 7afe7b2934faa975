"""Demand forecasts per SKU and the reorder points they propose.

Reading and computing are two steps: `demand_history` / `demand_histories` read monthly demand
in a (short) read transaction; `forecast_product` fits the forecast outside it, so no
connection is held while statsmodels works.

Demand is what customers ordered, by the month the order was created: the lines of orders
that were accepted, i.e. awaiting stock, confirmed or later. Orders awaiting stock count:
leaving them out would hide demand exactly when stock ran short. Drafts, orders still held
for approval (they may be rejected) and cancelled orders do not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import Order, OrderLine, Product
from erp_backend.domain.orders import OrderStatus
from erp_backend.domain.principals import Actor, Permission
from erp_backend.domain.replenishment import (
    ReplenishmentPolicy,
    differs_materially,
    proposed_reorder_point,
    proposed_reorder_qty,
)
from erp_backend.forecasting import Forecast, forecast_demand

S = OrderStatus
DEMAND_STATUSES = (S.AWAITING_STOCK, S.CONFIRMED, S.PICKING, S.PACKED, S.SHIPPED, S.DELIVERED)
FIRST_WEEK = 7


@dataclass(frozen=True)
class DemandHistory:
    """A product's monthly demand over whole calendar months, oldest first; months without
    sales are zeros. It starts at the later of the business's first whole month and the
    product's first sale (no zeros for months before it was sold), and ends with the last
    whole month: the month in progress would read as a slump."""

    sku: str
    name: str
    available: int
    reorder_point: int
    reorder_qty: int
    months: tuple[date, ...]
    quantities: tuple[int, ...]
    next_month: date  # the first month a forecast is for: the month in progress


@dataclass(frozen=True)
class ProductForecast:
    history: DemandHistory
    forecast: Forecast
    forecast_months: tuple[date, ...]
    proposed_reorder_point: int
    proposed_reorder_qty: int
    policy: ReplenishmentPolicy

    @property
    def reasons(self) -> list[str]:
        """Why a planner should look at this product; empty when nothing calls for it."""
        history, proposed = self.history, self.proposed_reorder_point
        found = []
        if differs_materially(history.reorder_point, proposed):
            found.append("reorder_point_differs")
        if history.reorder_point > 0 and history.available < history.reorder_point:
            found.append("under_reorder_point")
        if history.available < proposed:
            found.append("under_proposed_reorder_point")
        return found


def demand_history(
    session: Session, actor: Actor, sku: str, today: date, policy: ReplenishmentPolicy
) -> DemandHistory:
    actor.require(Permission.READ_STOCK)
    product = repo.product_by_sku(session, sku)
    if product is None:
        raise repo.not_found("Product", sku)
    return _histories(session, [product], today, policy)[0]


def demand_histories(
    session: Session, actor: Actor, today: date, policy: ReplenishmentPolicy
) -> list[DemandHistory]:
    """Every active product's history, by SKU."""
    actor.require(Permission.READ_STOCK)
    products = session.scalars(
        select(Product).where(Product.active.is_(True)).order_by(Product.sku)
    ).unique()
    return _histories(session, list(products), today, policy)


def forecast_product(
    history: DemandHistory, policy: ReplenishmentPolicy, months: int
) -> ProductForecast:
    """Forecast `months` ahead (at least as far as the lead time and cover reach)."""
    horizon = max(months, policy.months_needed())
    forecast = forecast_demand(history.quantities, horizon)
    return ProductForecast(
        history=history,
        forecast=Forecast(forecast.method, forecast.values[:months], forecast.residual_std),
        forecast_months=tuple(add_months(history.next_month, i) for i in range(months)),
        proposed_reorder_point=proposed_reorder_point(
            forecast.values, forecast.residual_std, policy
        ),
        proposed_reorder_qty=proposed_reorder_qty(forecast.values, policy),
        policy=policy,
    )


def replenishment_proposals(
    histories: list[DemandHistory], policy: ReplenishmentPolicy
) -> list[ProductForecast]:
    """Products whose proposed reorder point differs materially from the current one, or
    whose available stock is under either."""
    forecasts = (forecast_product(history, policy, 1) for history in histories)
    return [forecast for forecast in forecasts if forecast.reasons]


def _histories(
    session: Session, products: list[Product], today: date, policy: ReplenishmentPolicy
) -> list[DemandHistory]:
    end = today.replace(day=1)  # exclusive: the month in progress is not history yet
    start = _first_whole_month(session, end, policy)
    sold = _monthly_demand(session, [p.id for p in products], start, end) if start else {}
    histories = []
    for product in products:
        by_month = sold.get(product.id, {})
        first = min(by_month, default=end)
        months: list[date] = []
        while first < end:
            months.append(first)
            first = add_months(first, 1)
        histories.append(
            DemandHistory(
                sku=product.sku,
                name=product.name,
                available=product.stock.available,
                reorder_point=product.reorder_point,
                reorder_qty=product.reorder_qty,
                months=tuple(months),
                quantities=tuple(by_month.get(month, 0) for month in months),
                next_month=end,
            )
        )
    return histories


def _first_whole_month(session: Session, end: date, policy: ReplenishmentPolicy) -> date | None:
    """The first month of the window that the business traded for all of. A first month
    whose first order came after its first week is left out: it would read as a slump.
    (Within the first week: a weekend and a holiday can delay the first order that long.)"""
    earliest = session.scalar(select(func.min(Order.created_at)).where(_is_demand()))
    if earliest is None:
        return None
    first = earliest.date().replace(day=1)
    if earliest.date().day > FIRST_WEEK:
        first = add_months(first, 1)
    first = max(first, add_months(end, -policy.history_months))
    return first if first < end else None


def _monthly_demand(
    session: Session, product_ids: list[int], start: date, end: date
) -> dict[int, dict[date, int]]:
    """Units ordered per product and month, summed by the database."""
    month = month_of(session, Order.created_at)
    rows = session.execute(
        select(OrderLine.product_id, month, func.sum(OrderLine.quantity))
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            _is_demand(),
            OrderLine.product_id.in_(product_ids),
            Order.created_at >= _midnight(start),
            Order.created_at < _midnight(end),
        )
        .group_by(OrderLine.product_id, month)
    )
    sold: dict[int, dict[date, int]] = defaultdict(dict)
    for product_id, key, quantity in rows:
        year, number = str(key).split("-")
        sold[int(product_id)][date(int(year), int(number), 1)] = int(quantity)
    return sold


def month_of(session: Session, column: InstrumentedAttribute[datetime]) -> ColumnElement[str]:
    """'YYYY-MM' of a UTC timestamp. SQLite stores it as naive UTC text; PostgreSQL as
    timestamptz, whose month depends on the session's time zone unless converted to UTC."""
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")


def add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _is_demand() -> ColumnElement[bool]:
    return Order.status.in_([status.value for status in DEMAND_STATUSES])


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)
