"""The arithmetic of reports: growth without a base, ABC boundaries, percentiles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.reports import (
    AbcClass,
    AbcThresholds,
    Spread,
    classify_abc,
    growth_pct,
    percentile,
    share_pct,
    spread,
)

D = Decimal


@pytest.mark.parametrize(
    ("current", "base", "expected"),
    [
        (D("150"), D("100"), D("50.0")),
        (D("0"), D("80"), D("-100.0")),
        (D("1"), D("3"), D("-66.7")),
        (D("10"), D("0"), None),
        (D("10"), None, None),
        (D("0"), D("0"), None),
    ],
)
def test_growth_is_none_where_there_is_no_base(
    current: Decimal, base: Decimal | None, expected: Decimal | None
) -> None:
    assert growth_pct(current, base) == expected


def test_share_of_nothing_is_none() -> None:
    assert share_pct(3, 0) is None
    assert share_pct(1, 3) == D("33.3")


def classes(revenues: dict[str, str], a: str = "80", b: str = "95") -> dict[str, AbcClass]:
    items = classify_abc([(k, D(v)) for k, v in revenues.items()], AbcThresholds(D(a), D(b)))
    return {item.key: item.abc_class for item in items}


def test_the_item_that_crosses_a_threshold_belongs_to_the_class_below_it() -> None:
    # cumulative before each: 0, 50, 75, 90, 96, 99
    found = classes({"P1": "50", "P2": "25", "P3": "15", "P4": "6", "P5": "3", "P6": "1"})
    assert found == {
        "P1": AbcClass.A,
        "P2": AbcClass.A,  # 50 % before it, brings the total to 75 %
        "P3": AbcClass.A,  # 75 % before it: takes the total past 80 %
        "P4": AbcClass.B,
        "P5": AbcClass.C,  # 96 % before it
        "P6": AbcClass.C,
    }


def test_one_dominant_item_is_the_only_a() -> None:
    assert classes({"BIG": "97", "S1": "2", "S2": "1"}) == {
        "BIG": AbcClass.A,
        "S1": AbcClass.C,
        "S2": AbcClass.C,
    }


def test_thresholds_are_parameters() -> None:
    revenues = {"P1": "50", "P2": "30", "P3": "20"}
    assert classes(revenues, a="50", b="80") == {
        "P1": AbcClass.A,
        "P2": AbcClass.B,
        "P3": AbcClass.C,
    }


def test_no_revenue_is_c_and_ranking_is_stable() -> None:
    items = classify_abc(
        [("Z", D("0")), ("B", D("10")), ("A", D("10"))], AbcThresholds(D(80), D(95))
    )
    assert [(i.key, i.abc_class, i.share_pct, i.cumulative_pct) for i in items] == [
        ("A", AbcClass.A, D("50.0"), D("50.0")),
        ("B", AbcClass.A, D("50.0"), D("100.0")),
        ("Z", AbcClass.C, D("0.0"), D("100.0")),
    ]
    nothing = classify_abc([("X", D("0"))], AbcThresholds())
    assert (nothing[0].abc_class, nothing[0].share_pct) == (AbcClass.C, D("0.0"))


@pytest.mark.parametrize(("a", "b"), [("95", "80"), ("80", "80"), ("0", "50"), ("50", "101")])
def test_thresholds_out_of_order_are_refused(a: str, b: str) -> None:
    with pytest.raises(DomainError) as raised:
        AbcThresholds(D(a), D(b))
    assert raised.value.code is ErrorCode.VALIDATION_ERROR


def test_percentiles_interpolate_like_numpy() -> None:
    data = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert percentile(data, 50) == 3.0
    assert percentile(data, 90) == pytest.approx(7.6)
    assert percentile([5.0], 90) == 5.0
    assert spread([]) == Spread(0, None, None)
    found = spread([30.0, 2.0, 6.0])
    assert (found.count, found.median_hours, found.p90_hours) == (3, 6.0, 25.2)


def test_the_period_before_follows_the_calendar() -> None:
    from erp_backend.services.period_reports import previous_period

    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert previous_period(date(2026, 7, 1), date(2026, 9, 30)) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
    )
    assert previous_period(date(2026, 12, 1), date(2026, 12, 4)) == (
        date(2026, 11, 1),
        date(2026, 11, 4),
    )
    assert previous_period(date(2025, 1, 1), date(2025, 12, 31)) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
    )
    # last week (Monday to Sunday): the week before
    assert previous_period(date(2026, 11, 23), date(2026, 11, 29)) == (
        date(2026, 11, 16),
        date(2026, 11, 22),
    )
