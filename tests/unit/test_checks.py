"""The ordered submit checks."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from erp_backend.domain.checks import (
    SUBMIT_CHECKS,
    ApprovalReason,
    LineFacts,
    SubmissionFacts,
    approval_reasons,
    customer_is_active,
    discount_within_authority,
    lines_are_valid,
    within_credit_limit,
)
from erp_backend.domain.errors import DomainError, ErrorCode

FACTS = SubmissionFacts(
    customer_code="CUST-A",
    customer_active=True,
    lines=[LineFacts("BOLT-M8", 10, Decimal("0"), True)],
    discount_limit_pct=Decimal("10"),
    credit_limit=Decimal("1000.00"),
    credit_exposure=Decimal("900.00"),
    order_total=Decimal("100.00"),
)


def test_checks_run_in_the_designed_order() -> None:
    assert (
        customer_is_active,
        lines_are_valid,
        discount_within_authority,
        within_credit_limit,
    ) == SUBMIT_CHECKS


def test_clean_order_needs_no_approval() -> None:
    assert approval_reasons(FACTS) == []


def test_inactive_customer_is_refused_before_anything_else() -> None:
    facts = replace(FACTS, customer_active=False, lines=[], credit_exposure=Decimal("9999"))
    with pytest.raises(DomainError) as raised:
        approval_reasons(facts)
    assert raised.value.code is ErrorCode.CUSTOMER_INACTIVE


def test_inactive_product_is_refused() -> None:
    facts = replace(FACTS, lines=[LineFacts("OLD", 1, Decimal("0"), False)])
    with pytest.raises(DomainError) as raised:
        approval_reasons(facts)
    assert raised.value.code is ErrorCode.PRODUCT_INACTIVE
    assert raised.value.details["skus"] == ["OLD"]


def test_no_lines_is_refused() -> None:
    with pytest.raises(DomainError) as raised:
        lines_are_valid(replace(FACTS, lines=[]))
    assert raised.value.code is ErrorCode.VALIDATION_ERROR


@pytest.mark.parametrize(
    ("discount", "expected"),
    [("0", None), ("10", None), ("10.01", ApprovalReason.PRICE), ("50", ApprovalReason.PRICE)],
)
def test_discount_above_authority_needs_price_approval(
    discount: str, expected: ApprovalReason | None
) -> None:
    facts = replace(FACTS, lines=[LineFacts("BOLT-M8", 10, Decimal(discount), True)])
    assert discount_within_authority(facts) is expected


@pytest.mark.parametrize(
    ("exposure", "expected"),
    [("900.00", None), ("900.01", ApprovalReason.CREDIT), ("0", None)],
)
def test_credit_counts_exposure_plus_this_order(
    exposure: str, expected: ApprovalReason | None
) -> None:
    # limit 1000.00, order 100.00: exactly at the limit is still within it
    assert within_credit_limit(replace(FACTS, credit_exposure=Decimal(exposure))) is expected


def test_reasons_accumulate_in_check_order() -> None:
    facts = replace(
        FACTS,
        lines=[LineFacts("BOLT-M8", 10, Decimal("20"), True)],
        credit_exposure=Decimal("5000"),
    )
    assert approval_reasons(facts) == [ApprovalReason.PRICE, ApprovalReason.CREDIT]
