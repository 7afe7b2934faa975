"""The demand forecast on synthetic series, and the reorder point arithmetic."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from erp_backend.domain.replenishment import (
    ReplenishmentPolicy,
    demand_over,
    differs_materially,
    proposed_reorder_point,
    proposed_reorder_qty,
    safety_stock,
)
from erp_backend.forecasting import Method, forecast_demand

SEASON = [0.7, 0.8, 1.1, 1.25, 1.3, 1.15, 0.9, 0.75, 1.2, 1.3, 1.1, 0.6]


def seasonal_series(months: int, level: float = 200, growth: float = 0.01) -> list[float]:
    return [level * (1 + growth * t) * SEASON[t % 12] for t in range(months)]


def test_a_clean_seasonal_series_of_three_years_is_forecast_close_to_the_truth() -> None:
    truth = seasonal_series(48)
    found = forecast_demand(truth[:36], 12)
    assert found.method is Method.SEASONAL_MULTIPLICATIVE
    errors = [abs(f - t) / t for f, t in zip(found.values, truth[36:], strict=True)]
    assert max(errors) < 0.05
    # the season is followed: the forecast peaks where the truth peaks, not flat
    assert int(np.argmax(found.values)) in (4, 9)
    assert int(np.argmin(found.values)) == 11


def test_a_seasonal_series_with_empty_months_uses_the_additive_season() -> None:
    truth = [0.0 if t % 12 == 11 else value for t, value in enumerate(seasonal_series(36))]
    found = forecast_demand(truth, 12)
    assert found.method is Method.SEASONAL_ADDITIVE
    assert found.values[11] < 0.3 * found.values[4]  # the empty December is expected again


def test_a_noisy_series_is_forecast_without_warnings_and_the_same_every_time() -> None:
    rng = np.random.default_rng(7)
    noisy = [max(0.0, v + rng.normal(0, 15)) for v in seasonal_series(30)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ConvergenceWarning and the like stay inside
        first = forecast_demand(noisy, 6)
    assert first == forecast_demand(noisy, 6)
    assert first.residual_std > 5


def test_a_year_of_history_uses_the_damped_trend() -> None:
    rising = [100 + 10 * t for t in range(12)]  # 100 ... 210
    found = forecast_demand(rising, 24)
    assert found.method is Method.DAMPED_TREND
    assert found.values[0] > 205  # it keeps rising at first
    steps = np.diff(found.values)
    assert steps[-1] < steps[0]  # but less and less: damped
    assert found.values[-1] < 210 + 24 * 10


def test_a_short_history_falls_back_to_the_mean() -> None:
    found = forecast_demand([40, 60, 50, 30, 70], 3)
    assert found.method is Method.MEAN
    assert found.values == (50.0, 50.0, 50.0)
    assert found.residual_std == pytest.approx(np.std([40, 60, 50, 30, 70], ddof=1))
    assert forecast_demand([], 2).values == (0.0, 0.0)


def test_nothing_sold_forecasts_nothing() -> None:
    found = forecast_demand([0] * 30, 4)
    assert (found.method, found.values, found.residual_std) == (Method.MEAN, (0.0,) * 4, 0.0)


def test_a_falling_series_is_never_forecast_below_zero() -> None:
    found = forecast_demand([120, 100, 80, 60, 40, 20, 5, 0], 12)
    assert min(found.values) >= 0


def test_demand_over_a_part_month_is_pro_rata() -> None:
    assert demand_over([30, 60, 90], 0.5) == 15
    assert demand_over([30, 60, 90], 1.5) == 60
    assert demand_over([30, 60, 90], 2) == 90
    with pytest.raises(ValueError, match="cannot cover"):
        demand_over([30], 1.5)


def test_the_reorder_point_is_lead_time_demand_plus_safety_stock() -> None:
    policy = ReplenishmentPolicy(lead_time_days=61, service_level=0.95)  # ~2.004 months
    lead = policy.lead_time_months
    assert lead == pytest.approx(2.004, abs=1e-3)
    monthly = [100.0, 100.0, 100.0]
    expected = 100 * lead + 1.6449 * 20 * math.sqrt(lead)
    assert proposed_reorder_point(monthly, 20.0, policy) == math.ceil(expected)
    assert safety_stock(20.0, 4, 0.5) == 0  # a coin flip needs no safety stock
    assert safety_stock(20.0, 4, 0.99) > safety_stock(20.0, 4, 0.95)
    # no spread: exactly the demand in the lead time, rounded up to whole units
    assert proposed_reorder_point([30.0], 0.0, ReplenishmentPolicy(lead_time_days=14)) == 14


def test_the_reorder_qty_covers_the_cover_period() -> None:
    assert proposed_reorder_qty([61.0, 61.0], ReplenishmentPolicy(cover_days=30)) == 61
    assert proposed_reorder_qty([0.0, 0.0], ReplenishmentPolicy()) == 0


def test_what_differs_materially() -> None:
    assert not differs_materially(100, 110)  # 10 %: noise
    assert differs_materially(100, 130)
    assert differs_materially(0, 5)
    assert not differs_materially(0, 1)  # a single unit is not news
    assert not differs_materially(3, 3)


def test_a_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="service level"):
        ReplenishmentPolicy(service_level=1.0)
    with pytest.raises(ValueError, match="must be positive"):
        ReplenishmentPolicy(lead_time_days=0)
