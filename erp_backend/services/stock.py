"""Reservations, receipts and replenishment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import Order, Product, ReplenishmentRequest, Stock, StockReceipt
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.orders import OrderAction, OrderStatus, transition
from erp_backend.domain.principals import Actor, Permission
from erp_backend.services import timeline


def demand_of(order: Order) -> dict[int, int]:
    """Quantity per product; an order may name one product on several lines."""
    demand: dict[int, int] = defaultdict(int)
    for line in order.lines:
        demand[line.product_id] += line.quantity
    return dict(demand)


def reserve_stock(
    session: Session, order: Order, action: OrderAction, actor: Actor, now: datetime
) -> None:
    """Confirm the order if all its lines can be reserved; otherwise it waits for stock and
    the shortfall goes to replenishment. All lines or none."""
    settle_reservation(session, order, try_reserve(session, order), action, actor, now)


def try_reserve(session: Session, order: Order) -> dict[int, int] | None:
    """Reserve all the order's lines (None) or none of them (the shortfall per product)."""
    return repo.reserve(session, demand_of(order))


def settle_reservation(
    session: Session,
    order: Order,
    shortfall: dict[int, int] | None,
    action: OrderAction,
    actor: Actor,
    now: datetime,
) -> None:
    """Move the order on after `try_reserve`: confirmed, or awaiting stock."""
    demand = demand_of(order)
    # Before any shortfall is added, so a request this opens is reorder_qty + shortfall.
    raise_at_reorder_point(session, demand, now, cause=order.number)
    if shortfall is None:
        _confirm(session, order, action, actor, now, "Stock reserved")
        return
    order.status = transition(OrderStatus(order.status), action, OrderStatus.AWAITING_STOCK)
    order.updated_at = now
    skus = {line.product_id: line.product.sku for line in order.lines}
    missing = [
        {"sku": skus[product_id], "quantity": quantity}
        for product_id, quantity in sorted(shortfall.items())
    ]
    for product_id, quantity in shortfall.items():
        repo.add_to_replenishment(
            session, product_id, quantity, f"shortfall on {order.number}", now
        )
    timeline.record(
        session,
        order,
        "awaiting_stock",
        actor,
        now,
        note="Not enough stock for every line; the order waits for a receipt.",
        outbox="order.awaiting_stock",
        shortfall=missing,
    )


def release_stock(session: Session, order: Order, actor: Actor, now: datetime) -> None:
    """Give an order's reservation back, and to the orders waiting for those products."""
    demand = demand_of(order)
    repo.release(session, demand)
    for product_id in sorted(demand):
        allocate_to_waiting_orders(
            session, product_id, actor, now, f"Stock freed by {order.number}"
        )


def receive_stock(
    session: Session, actor: Actor, sku: str, quantity: int, now: datetime
) -> tuple[Stock, list[str]]:
    """Book a receipt, then offer the stock to waiting orders, first submitted first.

    An order that still cannot get all its lines keeps waiting and does not hold up a later
    order that can be filled completely: stock is not left idle behind a large order."""
    actor.require(Permission.RECEIVE_STOCK)
    product = repo.product_by_sku(session, sku)
    if product is None:
        raise DomainError(ErrorCode.UNKNOWN_PRODUCT, f"There is no product {sku}.", skus=[sku])
    repo.add_on_hand(session, product.id, quantity)
    session.add(
        StockReceipt(
            product_id=product.id,
            quantity=quantity,
            received_by_id=actor.principal_id,
            received_at=now,
        )
    )
    repo.reduce_replenishment(session, product.id, quantity, now)
    confirmed = allocate_to_waiting_orders(
        session, product.id, actor, now, f"Stock of {sku} arrived"
    )
    # A receipt that closed a request without lifting the product over its reorder point
    # (or whose stock went straight to waiting orders) leaves it needing the next one.
    raise_at_reorder_point(session, [product.id], now, cause=f"receipt of {sku}")
    return repo.stock_of(session, product.id), confirmed


def allocate_to_waiting_orders(
    session: Session, product_id: int, actor: Actor, now: datetime, why: str
) -> list[str]:
    """Offer newly available stock of a product to the orders waiting for it, first
    submitted first. Call after the stock row was updated in this transaction."""
    confirmed = []
    for order in repo.awaiting_orders_for(session, product_id):
        if try_reserve(session, order) is None:
            _confirm(session, order, OrderAction.ALLOCATE, actor, now, why)
            raise_at_reorder_point(session, demand_of(order), now, cause=order.number)
            confirmed.append(order.number)
    return confirmed


def raise_at_reorder_point(
    session: Session, product_ids: Iterable[int], now: datetime, *, cause: str
) -> None:
    """Make sure every product here whose available stock is under its reorder point has an
    open replenishment request. Call after anything that lowers `available` (a reservation),
    in the same transaction.

    Raised once: a product that has an open request already (from an earlier crossing or a
    shortfall) gets nothing added, so orders arriving while it is open do not add reorder_qty
    again; their shortfalls still add to it (settle_reservation). `replenishment.requested`
    goes out only when a request is newly opened."""
    for product, available in repo.under_reorder_point(session, product_ids):
        reason = f"available {available} under reorder point {product.reorder_point} after {cause}"
        # Without a reorder quantity, buy what brings it back to the reorder point.
        quantity = product.reorder_qty or product.reorder_point - available
        if repo.open_replenishment(session, product.id, quantity, reason, now):
            timeline.publish(
                session,
                "replenishment.requested",
                now,
                sku=product.sku,
                name=product.name,
                quantity=quantity,
                available=available,
                reorder_point=product.reorder_point,
                reason=reason,
            )


def _confirm(
    session: Session, order: Order, action: OrderAction, actor: Actor, now: datetime, why: str
) -> None:
    order.status = transition(OrderStatus(order.status), action, OrderStatus.CONFIRMED)
    order.updated_at = now
    timeline.record(
        session,
        order,
        "confirmed",
        actor,
        now,
        note=f"{why}; the warehouse has been notified.",
        outbox="order.confirmed",
    )


def stock_for_sku(session: Session, actor: Actor, sku: str) -> Product:
    actor.require(Permission.READ_CATALOG)
    product = repo.product_by_sku(session, sku)
    if product is None:
        raise repo.not_found("Product", sku)
    return product


def replenishment_requests(
    session: Session, actor: Actor, status: str | None
) -> list[ReplenishmentRequest]:
    actor.require(Permission.READ_STOCK)
    statement = select(ReplenishmentRequest).order_by(ReplenishmentRequest.id.desc())
    if status:
        statement = statement.where(ReplenishmentRequest.status == status)
    return list(session.scalars(statement.limit(500)).unique())
