"""Money rounding, chat identities, link lockout and the permission table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.identity import (
    LINK_LOCKOUT,
    MAX_FAILED_LINK_ATTEMPTS,
    after_failure,
    ensure_not_locked,
    parse_chat_identity,
)
from erp_backend.domain.money import line_total, to_money
from erp_backend.domain.principals import ANONYMOUS, Actor, Permission, Role

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "expected"),
    [
        (40, "0.14", "0", "5.60"),
        (3, "0.335", "0", "1.01"),  # 1.005 rounds half up
        (1, "10.00", "12.5", "8.75"),
        (7, "1.99", "33.33", "9.29"),  # 9.2870... -> 9.29
        (100_000, "99999.99", "0", "9999999000.00"),
    ],
)
def test_line_total_rounds_once_half_up(
    quantity: int, price: str, discount: str, expected: str
) -> None:
    assert line_total(quantity, Decimal(price), Decimal(discount)) == Decimal(expected)


def test_to_money_takes_sqlite_floats_exactly() -> None:
    assert to_money(0.1 + 0.2) == Decimal("0.30")
    assert to_money(None) == Decimal("0.00")


@pytest.mark.parametrize("value", ["telegram:123456", "web:abc-DEF_1.2", "whatsapp:4477001"])
def test_chat_identity_parses(value: str) -> None:
    identity = parse_chat_identity(value)
    assert str(identity) == value


@pytest.mark.parametrize(
    "value", ["", "telegram", ":123", "Tele gram:1", "web:" + "x" * 129, "web:a b"]
)
def test_bad_chat_identity_is_a_validation_error(value: str) -> None:
    with pytest.raises(DomainError) as raised:
        parse_chat_identity(value)
    assert raised.value.code is ErrorCode.VALIDATION_ERROR


def test_lockout_after_repeated_failures_and_release_after_the_period() -> None:
    attempts = None
    for _ in range(MAX_FAILED_LINK_ATTEMPTS - 1):
        attempts = after_failure(attempts, NOW)
        ensure_not_locked(attempts, NOW)
    attempts = after_failure(attempts, NOW)
    with pytest.raises(DomainError) as raised:
        ensure_not_locked(attempts, NOW + timedelta(minutes=1))
    assert raised.value.code is ErrorCode.TOO_MANY_ATTEMPTS
    assert raised.value.details["retry_after_seconds"] > 0
    ensure_not_locked(attempts, NOW + LINK_LOCKOUT + timedelta(seconds=1))
    fresh = after_failure(attempts, NOW + LINK_LOCKOUT + timedelta(seconds=1))
    assert fresh.failures == 1
    assert fresh.locked_until is None


def test_anonymous_sees_catalog_only_and_is_told_to_link() -> None:
    assert ANONYMOUS.can(Permission.READ_CATALOG)
    with pytest.raises(DomainError) as raised:
        ANONYMOUS.require(Permission.READ_ORDERS)
    assert raised.value.code is ErrorCode.IDENTITY_NOT_LINKED


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.FINANCE, Permission.APPROVE_ORDERS, True),
        (Role.MANAGER, Permission.APPROVE_ORDERS, True),
        (Role.SALES_REP, Permission.APPROVE_ORDERS, False),
        (Role.CUSTOMER, Permission.APPROVE_ORDERS, False),
        (Role.WAREHOUSE, Permission.RECEIVE_STOCK, True),
        (Role.SALES_REP, Permission.RECEIVE_STOCK, False),
        (Role.CUSTOMER, Permission.PLACE_ORDERS, True),
        (Role.SERVICE, Permission.READ_ORDERS, False),
        (Role.SERVICE, Permission.REDEEM_LINK_CODES, True),
    ],
)
def test_permission_table(role: Role, permission: Permission, allowed: bool) -> None:
    actor = Actor(principal_id=1, name="x", role=role)
    assert actor.can(permission) is allowed
    if not allowed:
        with pytest.raises(DomainError) as raised:
            actor.require(permission)
        assert raised.value.code is ErrorCode.FORBIDDEN


def test_customers_see_only_their_own_customer() -> None:
    customer = Actor(principal_id=1, name="c", role=Role.CUSTOMER, customer_id=7)
    assert customer.sees_customer(7)
    assert not customer.sees_customer(8)
    assert Actor(principal_id=2, name="r", role=Role.SALES_REP).sees_customer(8)
