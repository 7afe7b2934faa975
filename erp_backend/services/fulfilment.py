"""Warehouse steps after confirmation: pick, pack, ship (stock out + invoice), deliver.

Partial shipment is not supported: an order ships complete, and its invoice covers every line.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import Order
from erp_backend.domain.orders import OrderAction, OrderStatus, transition
from erp_backend.domain.principals import Actor, Permission
from erp_backend.services import timeline
from erp_backend.services.invoicing import announce, issue_invoice
from erp_backend.services.stock import demand_of


def pick_order(session: Session, actor: Actor, number: str, now: datetime) -> Order:
    return _step(
        session, actor, number, now, OrderAction.PICK, OrderStatus.PICKING, "Picking started."
    )


def pack_order(session: Session, actor: Actor, number: str, now: datetime) -> Order:
    return _step(
        session,
        actor,
        number,
        now,
        OrderAction.PACK,
        OrderStatus.PACKED,
        "Packed and ready for the carrier.",
    )


def ship_order(
    session: Session, actor: Actor, number: str, carrier: str, tracking_number: str, now: datetime
) -> Order:
    """Hand over to the carrier: stock leaves the building (on hand and reservation go down
    together) and the invoice is issued, all in one transaction."""
    actor.require(Permission.FULFIL_ORDERS)
    order = repo.order_by_number(session, number, for_update=True)
    order.status = transition(OrderStatus(order.status), OrderAction.SHIP, OrderStatus.SHIPPED)
    repo.ship_out(session, demand_of(order))
    order.carrier = carrier
    order.tracking_number = tracking_number
    order.updated_at = now
    invoice = issue_invoice(session, order, now)
    timeline.record(
        session,
        order,
        "shipped",
        actor,
        now,
        note=f"Shipped with {carrier}, tracking {tracking_number}. Invoice {invoice.number}.",
        outbox="order.shipped",
        carrier=carrier,
        tracking_number=tracking_number,
        invoice_number=invoice.number,
    )
    announce(session, "invoice.issued", invoice, now)
    return order


def deliver_order(session: Session, actor: Actor, number: str, now: datetime) -> Order:
    return _step(
        session,
        actor,
        number,
        now,
        OrderAction.DELIVER,
        OrderStatus.DELIVERED,
        "Delivered.",
        outbox="order.delivered",
    )


def _step(
    session: Session,
    actor: Actor,
    number: str,
    now: datetime,
    action: OrderAction,
    to: OrderStatus,
    note: str,
    *,
    outbox: str | None = None,
) -> Order:
    actor.require(Permission.FULFIL_ORDERS)
    order = repo.order_by_number(session, number, for_update=True)
    order.status = transition(OrderStatus(order.status), action, to)
    order.updated_at = now
    timeline.record(session, order, to.value, actor, now, note=note, outbox=outbox)
    return order
