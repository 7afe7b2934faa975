"""Sales-order use cases: create, edit, submit, approve, reject, cancel, read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import Customer, Order, OrderEvent, OrderLine
from erp_backend.domain.checks import (
    ApprovalReason,
    LineFacts,
    SubmissionFacts,
    approval_reasons,
    over_credit_limit,
)
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.money import MAX_AMOUNT, line_total, to_money
from erp_backend.domain.orders import (
    RESERVING_STATUSES,
    OrderAction,
    OrderStatus,
    order_number,
    transition,
)
from erp_backend.domain.principals import Actor, Permission, Role
from erp_backend.services import timeline
from erp_backend.services.stock import (
    release_stock,
    reserve_stock,
    settle_reservation,
    try_reserve,
)


@dataclass(frozen=True)
class LineRequest:
    sku: str
    quantity: int
    discount_pct: Decimal = Decimal("0")


@dataclass(frozen=True)
class OrderRequest:
    customer_code: str | None
    lines: Sequence[LineRequest]
    channel: str | None = None
    requested_delivery_date: date | None = None
    shipping_address: str | None = None


def create_order(session: Session, actor: Actor, request: OrderRequest, now: datetime) -> Order:
    actor.require(Permission.PLACE_ORDERS)
    customer = _customer_for_new_order(session, actor, request.customer_code)
    _check_delivery_date(request.requested_delivery_date, now)
    sequence = repo.next_sequence_value(session, "SO", now.year)
    order = Order(
        number=order_number(now.year, sequence),
        customer=customer,
        customer_id=customer.id,
        status=OrderStatus.DRAFT.value,
        channel=request.channel or _channel_of(actor),
        created_by_id=actor.principal_id,
        requested_delivery_date=request.requested_delivery_date,
        shipping_address=request.shipping_address or customer.shipping_address,
        total=Decimal("0"),
        approval_reasons=[],
        created_at=now,
        updated_at=now,
    )
    _price_lines(session, order, request.lines)
    session.add(order)
    timeline.record(session, order, "created", actor, now, note="Draft created.")
    return order


def edit_order(
    session: Session, actor: Actor, number: str, request: OrderRequest, now: datetime
) -> Order:
    """Replace a draft's lines, date and address (after a rejection, say) and reprice it."""
    actor.require(Permission.PLACE_ORDERS)
    order = _visible_order(session, actor, number, for_update=True)
    transition(OrderStatus(order.status), OrderAction.EDIT, OrderStatus.DRAFT)
    _check_delivery_date(request.requested_delivery_date, now)
    order.lines.clear()
    session.flush()  # delete the old lines before their line numbers are reused
    _price_lines(session, order, request.lines)
    order.requested_delivery_date = request.requested_delivery_date
    if request.shipping_address:
        order.shipping_address = request.shipping_address
    order.updated_at = now
    timeline.record(session, order, "edited", actor, now, note="Lines changed and repriced.")
    return order


def submit_order(session: Session, actor: Actor, number: str, now: datetime) -> Order:
    actor.require(Permission.PLACE_ORDERS)
    order = _visible_order(session, actor, number, for_update=True)
    transition(OrderStatus(order.status), OrderAction.SUBMIT, OrderStatus.PENDING_APPROVAL)
    # One credit decision at a time per customer: two submits read each other's exposure.
    repo.lock_customer(session, order.customer_id)
    customer = order.customer
    facts = SubmissionFacts(
        customer_code=customer.code,
        customer_active=customer.active,
        lines=[
            LineFacts(line.product.sku, line.quantity, line.discount_pct, line.product.active)
            for line in order.lines
        ],
        discount_limit_pct=actor.discount_limit_pct,
        credit_limit=customer.credit_limit,
        credit_exposure=credit_exposure(session, customer.id, excluding=order.id),
        order_total=order.total,
    )
    reasons = approval_reasons(facts)
    # Reserve before changing the order, so all its changes are flushed once, at the end.
    shortfall = None if reasons else try_reserve(session, order)
    order.submitted_at = now
    order.rejection_reason = None
    order.approval_reasons = [reason.value for reason in reasons]
    if reasons:
        order.status = OrderStatus.PENDING_APPROVAL.value
        order.updated_at = now
        timeline.record(
            session,
            order,
            "approval_requested",
            actor,
            now,
            note="Held for approval: " + ", ".join(order.approval_reasons) + ".",
            outbox="approval.requested",
            reasons=order.approval_reasons,
        )
        return order
    timeline.record(session, order, "submitted", actor, now, note="Submitted.")
    settle_reservation(session, order, shortfall, OrderAction.SUBMIT, actor, now)
    return order


def approve_order(session: Session, actor: Actor, number: str, now: datetime) -> Order:
    actor.require(Permission.APPROVE_ORDERS)
    order = repo.order_by_number(session, number, for_update=True)
    transition(OrderStatus(order.status), OrderAction.APPROVE, OrderStatus.CONFIRMED)
    _recheck_credit(session, order, actor, now)
    timeline.record(
        session,
        order,
        "approved",
        actor,
        now,
        note="Approved (" + ", ".join(order.approval_reasons) + ").",
    )
    reserve_stock(session, order, OrderAction.APPROVE, actor, now)
    return order


def _recheck_credit(session: Session, order: Order, actor: Actor, now: datetime) -> None:
    """The approver approves the reasons shown. If the customer's exposure has grown past the
    limit since the order was held for another reason, credit becomes a reason too, and the
    approver is asked again rather than approving it unseen."""
    if ApprovalReason.CREDIT.value in order.approval_reasons:
        return
    repo.lock_customer(session, order.customer_id)
    exposure = credit_exposure(session, order.customer_id, excluding=order.id)
    if not over_credit_limit(order.customer.credit_limit, exposure, order.total):
        return
    order.approval_reasons = [*order.approval_reasons, ApprovalReason.CREDIT.value]
    order.updated_at = now
    timeline.record(
        session,
        order,
        "approval_requested",
        actor,
        now,
        note="Now also over the credit limit; approval needed for CREDIT as well.",
        reasons=order.approval_reasons,
    )
    raise DomainError(
        ErrorCode.CREDIT_LIMIT_EXCEEDED,
        f"{order.number} would now take {order.customer.code} over its credit limit "
        f"(exposure {to_money(exposure)} of {to_money(order.customer.credit_limit)}). "
        "Approve again to override the credit limit too.",
        keep_changes=True,
        approval_reasons=order.approval_reasons,
        exposure=str(to_money(exposure)),
        credit_limit=str(to_money(order.customer.credit_limit)),
    )


def reject_order(session: Session, actor: Actor, number: str, reason: str, now: datetime) -> Order:
    actor.require(Permission.APPROVE_ORDERS)
    order = repo.order_by_number(session, number, for_update=True)
    order.status = transition(OrderStatus(order.status), OrderAction.REJECT, OrderStatus.DRAFT)
    order.rejection_reason = reason
    order.updated_at = now
    timeline.record(
        session,
        order,
        "rejected",
        actor,
        now,
        note=f"Rejected: {reason}. Back to draft for changes.",
        outbox="order.rejected",
        reason=reason,
    )
    return order


def cancel_order(
    session: Session, actor: Actor, number: str, reason: str | None, now: datetime
) -> Order:
    actor.require(Permission.PLACE_ORDERS)
    order = _visible_order(session, actor, number, for_update=True)
    previous = OrderStatus(order.status)
    order.status = transition(previous, OrderAction.CANCEL, OrderStatus.CANCELLED)
    if previous in RESERVING_STATUSES:
        release_stock(session, order, actor, now)
    order.updated_at = now
    timeline.record(
        session,
        order,
        "cancelled",
        actor,
        now,
        note="Cancelled" + (f": {reason}" if reason else "."),
        outbox="order.cancelled",
        reason=reason,
        released_stock=previous in RESERVING_STATUSES,
    )
    return order


def get_order(session: Session, actor: Actor, number: str) -> Order:
    actor.require(Permission.READ_ORDERS)
    return _visible_order(session, actor, number)


def order_events(session: Session, actor: Actor, number: str) -> Sequence[OrderEvent]:
    order = get_order(session, actor, number)
    return session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
    ).all()


def list_orders(
    session: Session,
    actor: Actor,
    *,
    status: OrderStatus | None,
    customer_code: str | None,
    before_id: int | None,
    limit: int,
) -> list[Order]:
    """Newest first; `before_id` is the cursor (the last id of the previous page)."""
    actor.require(Permission.READ_ORDERS)
    statement = select(Order).order_by(Order.id.desc()).limit(limit)
    if actor.role is Role.CUSTOMER:
        statement = statement.where(Order.customer_id == actor.customer_id)
    if customer_code is not None:
        statement = statement.join(Order.customer.of_type(Customer)).where(
            Customer.code == customer_code
        )
    if status is not None:
        statement = statement.where(Order.status == status.value)
    if before_id is not None:
        statement = statement.where(Order.id < before_id)
    return list(session.scalars(statement).unique())


def credit_exposure(session: Session, customer_id: int, *, excluding: int | None = None) -> Decimal:
    """Open receivables + confirmed-but-uninvoiced orders (the order at hand excluded)."""
    return repo.credit_exposure(session, customer_id, excluding=excluding)


def _visible_order(
    session: Session, actor: Actor, number: str, *, for_update: bool = False
) -> Order:
    order = repo.order_by_number(session, number, for_update=for_update)
    if not actor.sees_customer(order.customer_id):
        raise repo.not_found("Order", number)  # another customer's order does not exist
    return order


def _customer_for_new_order(session: Session, actor: Actor, code: str | None) -> Customer:
    if actor.role is Role.CUSTOMER:
        own = session.get(Customer, actor.customer_id)
        if own is None or (code is not None and code != own.code):
            raise DomainError(
                ErrorCode.UNKNOWN_CUSTOMER,
                "You can place orders for your own company only.",
                customer_code=code,
            )
        return own
    if code is None:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            "Say which customer the order is for.",
            field="customer_code",
        )
    customer = repo.customer_by_code(session, code)
    if customer is None:
        raise DomainError(
            ErrorCode.UNKNOWN_CUSTOMER, f"There is no customer {code}.", customer_code=code
        )
    if not customer.active:
        raise DomainError(
            ErrorCode.CUSTOMER_INACTIVE,
            f"Customer {code} is inactive and cannot place orders.",
            customer_code=code,
        )
    return customer


def _price_lines(session: Session, order: Order, lines: Sequence[LineRequest]) -> None:
    if not lines:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "An order needs at least one line.")
    products = repo.products_by_sku(session, (line.sku for line in lines))
    unknown = sorted({line.sku for line in lines} - products.keys())
    if unknown:
        raise DomainError(
            ErrorCode.UNKNOWN_PRODUCT, f"Unknown product: {', '.join(unknown)}.", skus=unknown
        )
    inactive = sorted({line.sku for line in lines if not products[line.sku].active})
    if inactive:
        raise DomainError(
            ErrorCode.PRODUCT_INACTIVE, f"No longer sold: {', '.join(inactive)}.", skus=inactive
        )
    total = Decimal("0")
    for line_no, line in enumerate(lines, start=1):
        product = products[line.sku]
        amount = line_total(line.quantity, product.unit_price, line.discount_pct)
        order.lines.append(
            OrderLine(
                line_no=line_no,
                product=product,
                product_id=product.id,
                quantity=line.quantity,
                unit_price=product.unit_price,
                discount_pct=line.discount_pct,
                line_total=amount,
            )
        )
        total += amount
    if total > MAX_AMOUNT:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            "The order total is larger than the ERP can book; split it into several orders.",
            total=str(total),
        )
    order.total = to_money(total)


def _check_delivery_date(requested: date | None, now: datetime) -> None:
    if requested is not None and requested < now.date():
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            "The requested delivery date is in the past.",
            field="requested_delivery_date",
        )


def _channel_of(actor: Actor) -> str:
    if actor.chat_identity:
        return actor.chat_identity.split(":", 1)[0]
    return "api"
