"""The ordered checks that run when an order is submitted.

Each check is a named function over the facts of the submission. It raises a DomainError when
the order cannot go ahead at all, returns an approval reason when a person must look at it, or
returns None. Adding a check is adding one function and one line to SUBMIT_CHECKS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from erp_backend.domain.errors import DomainError, ErrorCode


class ApprovalReason(StrEnum):
    PRICE = "PRICE"
    CREDIT = "CREDIT"


@dataclass(frozen=True)
class LineFacts:
    sku: str
    quantity: int
    discount_pct: Decimal
    product_active: bool


@dataclass(frozen=True)
class SubmissionFacts:
    customer_code: str
    customer_active: bool
    lines: Sequence[LineFacts]
    discount_limit_pct: Decimal  # the submitter's price authority
    credit_limit: Decimal
    credit_exposure: Decimal  # open receivables + committed orders, without this order
    order_total: Decimal


def customer_is_active(facts: SubmissionFacts) -> ApprovalReason | None:
    if not facts.customer_active:
        raise DomainError(
            ErrorCode.CUSTOMER_INACTIVE,
            f"Customer {facts.customer_code} is inactive and cannot place orders.",
            customer_code=facts.customer_code,
        )
    return None


def lines_are_valid(facts: SubmissionFacts) -> ApprovalReason | None:
    if not facts.lines:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "The order has no lines.")
    inactive = [line.sku for line in facts.lines if not line.product_active]
    if inactive:
        raise DomainError(
            ErrorCode.PRODUCT_INACTIVE,
            f"No longer sold: {', '.join(inactive)}.",
            skus=inactive,
        )
    if any(line.quantity <= 0 for line in facts.lines):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "Every line needs a positive quantity.")
    return None


def discount_within_authority(facts: SubmissionFacts) -> ApprovalReason | None:
    if any(line.discount_pct > facts.discount_limit_pct for line in facts.lines):
        return ApprovalReason.PRICE
    return None


def over_credit_limit(credit_limit: Decimal, exposure: Decimal, order_total: Decimal) -> bool:
    """Exactly reaching the limit is allowed; a cent over is not."""
    return exposure + order_total > credit_limit


def within_credit_limit(facts: SubmissionFacts) -> ApprovalReason | None:
    if over_credit_limit(facts.credit_limit, facts.credit_exposure, facts.order_total):
        return ApprovalReason.CREDIT
    return None


SUBMIT_CHECKS: tuple[Callable[[SubmissionFacts], ApprovalReason | None], ...] = (
    customer_is_active,
    lines_are_valid,
    discount_within_authority,
    within_credit_limit,
)


def approval_reasons(facts: SubmissionFacts) -> list[ApprovalReason]:
    """Run every check in order; the first refusal stops, approval reasons accumulate."""
    reasons = []
    for check in SUBMIT_CHECKS:
        reason = check(facts)
        if reason is not None:
            reasons.append(reason)
    return reasons
