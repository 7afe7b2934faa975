"""The order state machine, read from the one transition table."""

from __future__ import annotations

import itertools

import pytest

from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.orders import (
    TRANSITIONS,
    OrderAction,
    OrderStatus,
    allowed_actions,
    order_number,
    transition,
)

S, A = OrderStatus, OrderAction

# The lifecycle of DESIGN.md, written out by hand so the table is checked against it.
EXPECTED = {
    (S.DRAFT, A.EDIT): {S.DRAFT},
    (S.DRAFT, A.SUBMIT): {S.PENDING_APPROVAL, S.CONFIRMED, S.AWAITING_STOCK},
    (S.DRAFT, A.CANCEL): {S.CANCELLED},
    (S.PENDING_APPROVAL, A.APPROVE): {S.CONFIRMED, S.AWAITING_STOCK},
    (S.PENDING_APPROVAL, A.REJECT): {S.DRAFT},
    (S.PENDING_APPROVAL, A.CANCEL): {S.CANCELLED},
    (S.AWAITING_STOCK, A.ALLOCATE): {S.CONFIRMED},
    (S.AWAITING_STOCK, A.CANCEL): {S.CANCELLED},
    (S.CONFIRMED, A.PICK): {S.PICKING},
    (S.CONFIRMED, A.CANCEL): {S.CANCELLED},
    (S.PICKING, A.PACK): {S.PACKED},
    (S.PICKING, A.CANCEL): {S.CANCELLED},
    (S.PACKED, A.SHIP): {S.SHIPPED},
    (S.SHIPPED, A.DELIVER): {S.DELIVERED},
}


def test_table_is_exactly_the_designed_lifecycle() -> None:
    assert {key: set(value) for key, value in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(("status", "action"), list(itertools.product(S, A)))
def test_every_pair_is_either_allowed_or_invalid(status: OrderStatus, action: OrderAction) -> None:
    targets = EXPECTED.get((status, action))
    if targets is None:
        with pytest.raises(DomainError) as raised:
            transition(status, action, S.CANCELLED)
        assert raised.value.code is ErrorCode.INVALID_TRANSITION
        assert raised.value.details["status"] == status.value
    else:
        for target in targets:
            assert transition(status, action, target) is target


@pytest.mark.parametrize("status", [S.PACKED, S.SHIPPED, S.DELIVERED, S.CANCELLED])
def test_cancel_is_refused_from_packed_on(status: OrderStatus) -> None:
    with pytest.raises(DomainError) as raised:
        transition(status, A.CANCEL, S.CANCELLED)
    assert raised.value.code is ErrorCode.INVALID_TRANSITION
    assert "cancel" not in raised.value.details["allowed_actions"]


def test_a_service_asking_for_an_undesigned_target_is_a_bug() -> None:
    with pytest.raises(AssertionError):
        transition(S.DRAFT, A.SUBMIT, S.SHIPPED)


def test_terminal_states_allow_nothing() -> None:
    assert allowed_actions(S.DELIVERED) == []
    assert allowed_actions(S.CANCELLED) == []


def test_order_numbers_have_year_and_five_digits() -> None:
    assert order_number(2026, 42) == "SO-2026-00042"
    with pytest.raises(DomainError, match="sixth digit"):
        order_number(2026, 100_000)
