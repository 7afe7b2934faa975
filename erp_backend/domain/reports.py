"""The arithmetic of reports: growth, ABC classes, percentiles. Plain Python, no I/O."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from erp_backend.domain.errors import DomainError, ErrorCode

ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)

# Orders that count as sales: accepted and not cancelled. A draft or an order held for
# approval is not a sale yet; an order waiting for stock is (the customer is committed).
BOOKED_STATUSES = ("awaiting_stock", "confirmed", "picking", "packed", "shipped", "delivered")


def growth_pct(current: Decimal, base: Decimal | None) -> Decimal | None:
    """Change against a base in percent, one decimal; None where there is no base to grow
    from (no data, or zero), never a division error."""
    if base is None or base == 0:
        return None
    return ((current - base) / base * HUNDRED).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def share_pct(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole) * HUNDRED).quantize(ONE_DECIMAL, ROUND_HALF_UP)


class AbcClass(StrEnum):
    A = "A"
    B = "B"
    C = "C"


@dataclass(frozen=True)
class AbcThresholds:
    """Cumulative revenue shares in percent: A up to `a_pct`, B up to `b_pct`, C the rest."""

    a_pct: Decimal = Decimal(80)
    b_pct: Decimal = Decimal(95)

    def __post_init__(self) -> None:
        if not (0 < self.a_pct < self.b_pct <= HUNDRED):
            raise DomainError(
                ErrorCode.VALIDATION_ERROR,
                "ABC thresholds must satisfy 0 < a_pct < b_pct <= 100.",
                a_pct=str(self.a_pct),
                b_pct=str(self.b_pct),
            )


@dataclass(frozen=True)
class AbcItem:
    key: str
    revenue: Decimal
    share_pct: Decimal
    cumulative_pct: Decimal
    abc_class: AbcClass


def classify_abc(
    revenues: Sequence[tuple[str, Decimal]], thresholds: AbcThresholds
) -> list[AbcItem]:
    """Rank by revenue (ties by key) and class each item by the cumulative share *before*
    it: the item that crosses 80 % is still an A (it is what takes the total there).
    Items without revenue are C whatever the thresholds."""
    ranked = sorted(revenues, key=lambda item: (-item[1], item[0]))
    total = sum((revenue for _key, revenue in ranked), start=Decimal(0))
    items: list[AbcItem] = []
    before = Decimal(0)
    for key, revenue in ranked:
        share = revenue / total * HUNDRED if total > 0 else Decimal(0)
        if revenue <= 0:
            abc_class = AbcClass.C
        elif before < thresholds.a_pct:
            abc_class = AbcClass.A
        elif before < thresholds.b_pct:
            abc_class = AbcClass.B
        else:
            abc_class = AbcClass.C
        before += share
        items.append(
            AbcItem(
                key=key,
                revenue=revenue,
                share_pct=share.quantize(ONE_DECIMAL, ROUND_HALF_UP),
                cumulative_pct=before.quantize(ONE_DECIMAL, ROUND_HALF_UP),
                abc_class=abc_class,
            )
        )
    return items


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile of durations in hours, and how many there were."""

    count: int
    median_hours: float | None
    p90_hours: float | None


def spread(hours: Sequence[float]) -> Spread:
    if not hours:
        return Spread(0, None, None)
    ordered = sorted(hours)
    return Spread(
        len(ordered), round(percentile(ordered, 50), 1), round(percentile(ordered, 90), 1)
    )


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on sorted data."""
    if not ordered:
        raise ValueError("percentile of nothing")
    position = (len(ordered) - 1) * pct / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
