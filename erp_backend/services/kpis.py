"""Key figures of the order process over a period, read off the orders' timelines.

The period selects orders by order date (`created_at`, UTC). Every duration comes from the
first event of its kind in the order's timeline, so an order that was rejected, edited and
resubmitted counts from its first submission.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_backend.db.models import (
    Order,
    OrderEvent,
    OrderLine,
    Product,
    ReturnLine,
    ReturnRequest,
    Stock,
    StockReceipt,
)
from erp_backend.db.types import Total
from erp_backend.domain.principals import Actor, Permission
from erp_backend.domain.reports import Spread, share_pct, spread
from erp_backend.services.reports import start_of_day

# Timeline kinds the figures are built from.
_KINDS = (
    "submitted",
    "approval_requested",
    "approved",
    "awaiting_stock",
    "confirmed",
    "shipped",
    "delivered",
)
# The seed's history (and orders placed before the "submitted" event existed) go straight
# from created to confirmed; reaching any of these means the order was submitted.
_SUBMITTED = {"submitted", "approval_requested", "awaiting_stock", "confirmed"}


@dataclass(frozen=True)
class Kpis:
    start: date
    end: date
    orders: int
    submitted: int
    created_to_confirmed: Spread
    confirmed_to_shipped: Spread
    created_to_shipped: Spread
    held_for_approval: int
    held_for_approval_pct: Decimal | None
    approval_time: Spread
    reserved: int  # orders that reached a stock reservation attempt
    fill_rate_pct: Decimal | None  # confirmed without waiting for stock
    delivered_with_date: int  # delivered orders that had a requested delivery date
    on_time_delivery_pct: Decimal | None
    inventory_turnover: Decimal | None  # shipped value / average stock value, list prices


def kpis(session: Session, actor: Actor, start: date, end: date) -> Kpis:
    actor.require(Permission.READ_REPORTS)
    first, after = start_of_day(start), start_of_day(end + timedelta(days=1))
    orders = session.execute(
        select(Order.id, Order.created_at, Order.requested_delivery_date).where(
            Order.created_at >= first, Order.created_at < after
        )
    ).all()
    firsts: dict[int, dict[str, datetime]] = defaultdict(dict)
    for order_id, kind, at in session.execute(
        select(OrderEvent.order_id, OrderEvent.kind, func.min(OrderEvent.at))
        .join(Order, Order.id == OrderEvent.order_id)
        .where(Order.created_at >= first, Order.created_at < after, OrderEvent.kind.in_(_KINDS))
        .group_by(OrderEvent.order_id, OrderEvent.kind)
    ):
        firsts[order_id][kind] = at

    def hours(earlier: datetime, later: datetime) -> float:
        return (later - earlier).total_seconds() / 3600

    to_confirmed, to_shipped_after_confirm, to_shipped, approval = [], [], [], []
    submitted = held = reserved = direct = dated = on_time = 0
    for order_id, created_at, requested in orders:
        seen = firsts.get(order_id, {})
        submitted += bool(_SUBMITTED & seen.keys())
        if "approval_requested" in seen:
            held += 1
            if "approved" in seen:
                approval.append(hours(seen["approval_requested"], seen["approved"]))
        if "confirmed" in seen or "awaiting_stock" in seen:
            reserved += 1
            direct += "awaiting_stock" not in seen
        if "confirmed" in seen:
            to_confirmed.append(hours(created_at, seen["confirmed"]))
        if "shipped" in seen:
            to_shipped.append(hours(created_at, seen["shipped"]))
            if "confirmed" in seen:
                to_shipped_after_confirm.append(hours(seen["confirmed"], seen["shipped"]))
        if requested is not None and "delivered" in seen:
            dated += 1
            on_time += seen["delivered"].date() <= requested
    return Kpis(
        start=start,
        end=end,
        orders=len(orders),
        submitted=submitted,
        created_to_confirmed=spread(to_confirmed),
        confirmed_to_shipped=spread(to_shipped_after_confirm),
        created_to_shipped=spread(to_shipped),
        held_for_approval=held,
        held_for_approval_pct=share_pct(held, submitted),
        approval_time=spread(approval),
        reserved=reserved,
        fill_rate_pct=share_pct(direct, reserved),
        delivered_with_date=dated,
        on_time_delivery_pct=share_pct(on_time, dated),
        inventory_turnover=inventory_turnover(session, first, after),
    )


def inventory_turnover(session: Session, first: datetime, after: datetime) -> Decimal | None:
    """Value shipped in [first, after) over the average of the stock's value at both ends,
    at list prices (the ERP keeps no cost prices). Stock at a past moment is today's on hand
    rolled back through what moved since: receipts and restocked returns added, shipments
    taken away."""
    price = Product.unit_price
    on_hand_now = session.scalar(
        select(func.sum(Stock.on_hand * price).cast(Total())).join(
            Product, Product.id == Stock.product_id
        )
    ) or Decimal(0)

    def shipped_since(moment: datetime) -> Decimal:
        shipped = (
            select(OrderLine.quantity * price)
            .join(Product, Product.id == OrderLine.product_id)
            .join(OrderEvent, OrderEvent.order_id == OrderLine.order_id)
            .where(OrderEvent.kind == "shipped", OrderEvent.at >= moment)
            .subquery()
        )
        return session.scalar(select(func.sum(shipped.c[0]).cast(Total()))) or Decimal(0)

    def received_since(moment: datetime) -> Decimal:
        receipts = session.scalar(
            select(func.sum(StockReceipt.quantity * price).cast(Total()))
            .join(Product, Product.id == StockReceipt.product_id)
            .where(StockReceipt.received_at >= moment)
        ) or Decimal(0)
        returns = session.scalar(
            select(func.sum(ReturnLine.quantity * price).cast(Total()))
            .join(Product, Product.id == ReturnLine.product_id)
            .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
            .where(ReturnRequest.received_at >= moment)
        ) or Decimal(0)
        return receipts + returns

    # Each movement sum is read once: stock at a moment is today's rolled back through it.
    shipped_after_first, shipped_after_end = shipped_since(first), shipped_since(after)
    at_first = on_hand_now - received_since(first) + shipped_after_first
    at_end = on_hand_now - received_since(after) + shipped_after_end
    shipped = shipped_after_first - shipped_after_end
    average = (at_first + at_end) / 2
    if average <= 0:
        return None
    return (shipped / average).quantize(Decimal("0.01"))
