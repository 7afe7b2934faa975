"""Reorder points from a demand forecast: plain arithmetic, no I/O.

    reorder point = forecast demand over the lead time
                    + z(service level) x spread of monthly forecast errors x sqrt(lead time)

with the lead time in months. The square root: monthly errors taken as independent, so their
variance adds up month by month and the standard deviation grows with the root of the time.
The reorder quantity proposed is the forecast demand over one cover period (how long one
delivery should last); without order and holding costs there is no economic order quantity
to compute, and a month of cover is what the catalog's own quantities mostly are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

DAYS_PER_MONTH = 365.25 / 12
# A proposal differs "materially" from the current reorder point when it is this much
# (relative) or this many units away; smaller moves are forecast noise, not news.
MATERIAL_SHARE = 0.2
MATERIAL_UNITS = 1


@dataclass(frozen=True)
class ReplenishmentPolicy:
    lead_time_days: int = 14
    service_level: float = 0.95
    cover_days: int = 30
    history_months: int = 36

    def __post_init__(self) -> None:
        if not 0.5 <= self.service_level < 1:
            raise ValueError("service level must be at least 0.5 and below 1")
        if self.lead_time_days < 1 or self.cover_days < 1 or self.history_months < 1:
            raise ValueError("lead time, cover and history must be positive")

    @property
    def lead_time_months(self) -> float:
        return self.lead_time_days / DAYS_PER_MONTH

    @property
    def cover_months(self) -> float:
        return self.cover_days / DAYS_PER_MONTH

    def months_needed(self) -> int:
        """How many months of forecast the lead time and the cover period reach into."""
        return math.ceil(max(self.lead_time_months, self.cover_months))


def demand_over(monthly: Sequence[float], months: float) -> float:
    """Forecast demand over the next `months` (fractional: a part month pro rata)."""
    whole = int(months)
    if len(monthly) < math.ceil(months):
        raise ValueError(f"a forecast of {len(monthly)} months cannot cover {months:.2f}")
    part = months - whole
    return sum(monthly[:whole]) + (monthly[whole] * part if part else 0.0)


def safety_stock(residual_std: float, lead_time_months: float, service_level: float) -> float:
    z = NormalDist().inv_cdf(service_level)
    return z * residual_std * math.sqrt(lead_time_months)


def proposed_reorder_point(
    monthly: Sequence[float], residual_std: float, policy: ReplenishmentPolicy
) -> int:
    lead = policy.lead_time_months
    units = demand_over(monthly, lead) + safety_stock(residual_std, lead, policy.service_level)
    return _whole_units(units)


def proposed_reorder_qty(monthly: Sequence[float], policy: ReplenishmentPolicy) -> int:
    return _whole_units(demand_over(monthly, policy.cover_months))


def differs_materially(current: int, proposed: int) -> bool:
    gap = abs(proposed - current)
    return gap > MATERIAL_UNITS and gap > MATERIAL_SHARE * max(current, proposed)


def _whole_units(units: float) -> int:
    """Up to whole units; the 1e-9 keeps 12.000000001 from floating-point sums at 12."""
    return max(math.ceil(units - 1e-9), 0)
