"""Returns of delivered goods: requested, then received (restock + credit note)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import (
    CreditNote,
    Invoice,
    OrderLine,
    Product,
    ReturnLine,
    ReturnRequest,
)
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.money import to_money
from erp_backend.domain.orders import OrderStatus
from erp_backend.domain.principals import Actor, Permission, Role
from erp_backend.domain.receivables import return_credit
from erp_backend.services import timeline
from erp_backend.services.stock import allocate_to_waiting_orders


@dataclass(frozen=True)
class ReturnLineRequest:
    sku: str
    quantity: int


def request_return(
    session: Session,
    actor: Actor,
    order_number: str,
    lines: Sequence[ReturnLineRequest],
    reason: str,
    now: datetime,
) -> ReturnRequest:
    """A return of some delivered quantities of one order, credited at the price invoiced."""
    actor.require(Permission.REQUEST_RETURNS)
    order = repo.order_by_number(session, order_number, for_update=True)
    if not actor.sees_customer(order.customer_id):
        raise repo.not_found("Order", order_number)
    if order.status != OrderStatus.DELIVERED.value:
        raise DomainError(
            ErrorCode.RETURN_NOT_ALLOWED,
            f"Only delivered orders can be returned; {order.number} is "
            f"{order.status.replace('_', ' ')}.",
            order_number=order.number,
            status=order.status,
        )
    delivered: dict[str, int] = defaultdict(int)
    invoiced: dict[str, Decimal] = defaultdict(Decimal)
    order_lines: dict[str, OrderLine] = {}
    for order_line in order.lines:
        delivered[order_line.product.sku] += order_line.quantity
        invoiced[order_line.product.sku] += order_line.line_total
        order_lines.setdefault(order_line.product.sku, order_line)
    already = returned_quantities(session, order.id)
    wanted: dict[str, int] = defaultdict(int)
    for line in lines:
        wanted[line.sku] += line.quantity
    problems = []
    refused: list[dict[str, object]] = []  # the same, for clients that word it themselves
    for sku, quantity in wanted.items():
        if sku not in delivered:
            problems.append(f"{sku} is not on {order.number}")
            refused.append({"sku": sku, "asked": quantity, "left": None})
        elif quantity > delivered[sku] - already.get(sku, 0):
            left = delivered[sku] - already.get(sku, 0)
            problems.append(f"{sku}: {quantity} asked, {left} can still be returned")
            refused.append({"sku": sku, "asked": quantity, "left": left})
    if problems:
        raise DomainError(
            ErrorCode.RETURN_NOT_ALLOWED,
            "; ".join(problems) + ".",
            order_number=order.number,
            lines=refused,
        )
    today = now.date()
    sequence = repo.next_sequence_value(session, "RMA", today.year)
    request = ReturnRequest(
        number=f"RMA-{today.year:04d}-{sequence:05d}",
        order=order,
        order_id=order.id,
        customer_id=order.customer_id,
        status="requested",
        reason=reason,
        requested_by_id=actor.principal_id,
        created_at=now,
    )
    for sku, quantity in wanted.items():
        source = order_lines[sku]
        credit = return_credit(invoiced[sku], delivered[sku], already.get(sku, 0), quantity)
        request.lines.append(
            ReturnLine(
                product_id=source.product_id,
                product=source.product,
                quantity=quantity,
                unit_price=source.unit_price,
                discount_pct=source.discount_pct,
                line_total=credit,
            )
        )
    session.add(request)
    timeline.record(
        session,
        order,
        "return_requested",
        actor,
        now,
        note=f"Return {request.number} requested: {reason}",
        outbox="return.requested",
        return_number=request.number,
    )
    return request


def returned_quantities(session: Session, order_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Product.sku, func.sum(ReturnLine.quantity))
        .join(ReturnLine.product)
        .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .where(ReturnRequest.order_id == order_id)
        .group_by(Product.sku)
    ).all()
    return {sku: int(quantity) for sku, quantity in rows}


def receive_return(session: Session, actor: Actor, number: str, now: datetime) -> CreditNote:
    """The goods are back: restock them (offering them to waiting orders) and credit the
    customer on the order's invoice."""
    actor.require(Permission.RECEIVE_RETURNS)
    request = get_return(session, actor, number, for_update=True)
    if request.status != "requested":
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"Return {number} was already received.",
            status=request.status,
            action="receive",
            allowed_actions=[],
        )
    request.status = "received"
    request.received_at = now
    for line in sorted(request.lines, key=lambda line: line.product_id):
        repo.add_on_hand(session, line.product_id, line.quantity)
    for line in request.lines:
        allocate_to_waiting_orders(
            session, line.product_id, actor, now, f"Stock returned on {request.number}"
        )
    invoice = (
        session.scalars(
            select(Invoice).where(Invoice.order_id == request.order_id).with_for_update(of=Invoice)
        )
        .unique()
        .one()
    )
    amount = to_money(sum((line.line_total for line in request.lines), start=Decimal("0")))
    invoice.credited = to_money(invoice.credited + amount)
    today = now.date()
    sequence = repo.next_sequence_value(session, "CN", today.year)
    note = CreditNote(
        number=f"CN-{today.year:04d}-{sequence:05d}",
        return_id=request.id,
        invoice_id=invoice.id,
        invoice=invoice,
        customer_id=request.customer_id,
        amount=amount,
        issued_on=today,
        created_at=now,
    )
    session.add(note)
    timeline.record(
        session,
        request.order,
        "return_received",
        actor,
        now,
        note=f"Return {request.number} received; credit note {note.number} for {amount}.",
        outbox="return.received",
        return_number=request.number,
        credit_note_number=note.number,
        credit_amount=str(amount),
        invoice_number=invoice.number,
    )
    return note


def _require_return_access(actor: Actor) -> None:
    """Those who request returns (customers, reps) and those who receive them (warehouse)."""
    if not actor.can(Permission.RECEIVE_RETURNS):
        actor.require(Permission.REQUEST_RETURNS)


def get_return(
    session: Session, actor: Actor, number: str, *, for_update: bool = False
) -> ReturnRequest:
    _require_return_access(actor)
    statement = select(ReturnRequest).where(ReturnRequest.number == number)
    if for_update:
        statement = statement.with_for_update(of=ReturnRequest)
    request = session.scalars(statement).unique().first()
    if request is None or not actor.sees_customer(request.customer_id):
        raise repo.not_found("Return", number)
    return request


def list_returns(
    session: Session, actor: Actor, status: str | None, limit: int
) -> list[ReturnRequest]:
    _require_return_access(actor)
    statement = select(ReturnRequest).order_by(ReturnRequest.id.desc()).limit(limit)
    if actor.role is Role.CUSTOMER:
        statement = statement.where(ReturnRequest.customer_id == actor.customer_id)
    if status is not None:
        statement = statement.where(ReturnRequest.status == status)
    return list(session.scalars(statement).unique())
