"""The sales-order state machine: one transition table that code and tests both read."""

from __future__ import annotations

import re
from enum import StrEnum

from erp_backend.domain.errors import DomainError, ErrorCode


class OrderStatus(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    AWAITING_STOCK = "awaiting_stock"
    CONFIRMED = "confirmed"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class OrderAction(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    ALLOCATE = "allocate"  # a stock receipt fills an order that was waiting for stock
    CANCEL = "cancel"
    PICK = "pick"
    PACK = "pack"
    SHIP = "ship"
    DELIVER = "deliver"


S, A = OrderStatus, OrderAction

# (state, action) -> the states the action may lead to. Where there is more than one, the
# service decides by the checks and the stock (submit: approval needed? stock enough?).
TRANSITIONS: dict[tuple[OrderStatus, OrderAction], frozenset[OrderStatus]] = {
    (S.DRAFT, A.EDIT): frozenset({S.DRAFT}),
    (S.DRAFT, A.SUBMIT): frozenset({S.PENDING_APPROVAL, S.CONFIRMED, S.AWAITING_STOCK}),
    (S.PENDING_APPROVAL, A.APPROVE): frozenset({S.CONFIRMED, S.AWAITING_STOCK}),
    (S.PENDING_APPROVAL, A.REJECT): frozenset({S.DRAFT}),
    (S.AWAITING_STOCK, A.ALLOCATE): frozenset({S.CONFIRMED}),
    (S.CONFIRMED, A.PICK): frozenset({S.PICKING}),
    (S.PICKING, A.PACK): frozenset({S.PACKED}),
    (S.PACKED, A.SHIP): frozenset({S.SHIPPED}),
    (S.SHIPPED, A.DELIVER): frozenset({S.DELIVERED}),
    **{
        (state, A.CANCEL): frozenset({S.CANCELLED})
        for state in (S.DRAFT, S.PENDING_APPROVAL, S.AWAITING_STOCK, S.CONFIRMED, S.PICKING)
    },
}

# Statuses in which the order holds a stock reservation.
RESERVING_STATUSES = frozenset({S.CONFIRMED, S.PICKING, S.PACKED})
# Statuses that count towards credit exposure until the order is invoiced at shipment:
# the customer is committed and no further credit check will run.
COMMITTED_STATUSES = frozenset({S.AWAITING_STOCK, S.CONFIRMED, S.PICKING, S.PACKED})


def allowed_actions(status: OrderStatus) -> list[OrderAction]:
    return [action for (state, action) in TRANSITIONS if state == status]


def transition(status: OrderStatus, action: OrderAction, to: OrderStatus) -> OrderStatus:
    """Check that `action` may move an order from `status` to `to`; return `to`."""
    targets = TRANSITIONS.get((status, action))
    if targets is None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"An order that is {status.value.replace('_', ' ')} cannot be {_past(action)}.",
            status=status.value,
            action=action.value,
            allowed_actions=[a.value for a in allowed_actions(status)],
        )
    if to not in targets:  # a service bug, not a user error
        raise AssertionError(f"{action} from {status} cannot lead to {to}")
    return to


def _past(action: OrderAction) -> str:
    return {
        A.EDIT: "edited",
        A.SUBMIT: "submitted",
        A.APPROVE: "approved",
        A.REJECT: "rejected",
        A.ALLOCATE: "allocated stock",
        A.CANCEL: "cancelled",
        A.PICK: "picked",
        A.PACK: "packed",
        A.SHIP: "shipped",
        A.DELIVER: "delivered",
    }[action]


ORDER_NUMBER_RE = re.compile(r"^SO-(\d{4})-(\d{5})$")


def order_number(year: int, sequence: int) -> str:
    if not 0 < sequence <= 99_999:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"This year's order numbers are used up ({year}); the numbering needs a sixth digit.",
            sequence=sequence,
        )
    return f"SO-{year:04d}-{sequence:05d}"
