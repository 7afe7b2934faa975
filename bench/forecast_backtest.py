"""Back-test of the demand forecast (erp_backend/forecasting.py) on the demo business.

Seeds the demo into a throwaway SQLite file, reads each SKU's monthly demand through the
ERP's own service (the same SQL the endpoints use), then a rolling origin: each of the last
`--holdout` months is forecast one month ahead from the months before it only. Compared with
the naive forecast (last month again) and, when there are 12 months before every origin,
the seasonal naive one (the same month a year earlier).

Errors:
- MASE: mean absolute error / the in-sample mean absolute month-to-month change of the
  SKU's history before the first forecast origin (Hyndman & Koehler 2006). Scale-free, so
  bolts sold by the thousand and wrenches sold by the piece count alike. SKUs whose history
  never changed (scale 0) are left out. Reported as the mean over SKUs.
- MAPE: over forecast months whose actual demand was not zero only (a percentage of zero is
  undefined); how many months that leaves out is printed.
- method / naive: the ratio of their MASE (below 1: the method beats the naive forecast).

Runs twice by default: the demo as `erp-backend seed --demo` makes it (a year of history,
so the damped-trend branch is what runs) and a three-year variant of the same business (so
the seasonal branch runs and the seasonal naive forecast is possible). Figures only.

    uv run python bench/forecast_backtest.py [--years 1 3] [--holdout 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from erp_backend.db.engine import make_engine, make_session_factory, unit_of_work
from erp_backend.db.migrate import upgrade
from erp_backend.domain.principals import Actor, Role
from erp_backend.domain.replenishment import ReplenishmentPolicy
from erp_backend.forecasting import forecast_demand
from erp_backend.services.forecast import DemandHistory, demand_histories
from erp_backend.services.seed import seed_demo

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # as tests/integration/test_seed.py
PLANNER = Actor(principal_id=None, name="bench", role=Role.MANAGER)
Forecaster = Callable[[Sequence[float], int], float | None]  # history, origin -> forecast


@dataclass
class Scores:
    errors: list[float] = field(default_factory=list)  # absolute errors
    percentages: list[float] = field(default_factory=list)  # where the actual was not zero
    mase: list[float] = field(default_factory=list)  # one per SKU

    def mape(self) -> float:
        return 100 * statistics.fmean(self.percentages) if self.percentages else float("nan")


def method(series: Sequence[float], origin: int) -> float | None:
    return forecast_demand(series[:origin], 1).values[0]


def naive(series: Sequence[float], origin: int) -> float | None:
    return float(series[origin - 1])


def seasonal_naive(series: Sequence[float], origin: int) -> float | None:
    return float(series[origin - 12]) if origin >= 12 else None


FORECASTERS: dict[str, Forecaster] = {
    "method": method,
    "naive": naive,
    "seasonal naive": seasonal_naive,
}


def histories(years: int) -> list[DemandHistory]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/erp.db")
        upgrade(engine)
        sessions = make_session_factory(engine)
        with unit_of_work(sessions) as session:
            seed_demo(session, NOW, history_days=365 * years)
        with unit_of_work(sessions) as session:
            found = demand_histories(session, PLANNER, NOW.date(), ReplenishmentPolicy())
        engine.dispose()
    return found


Result = tuple[dict[str, Scores], dict[str, dict[str, float]], Counter[str]]


def backtest(found: list[DemandHistory], holdout: int) -> Result:
    """Scores per forecaster, MASE per SKU and forecaster, and what was left out."""
    scores = {name: Scores() for name in FORECASTERS}
    per_sku: dict[str, dict[str, float]] = {}
    skipped: Counter[str] = Counter()
    for history in found:
        series = [float(q) for q in history.quantities]
        first_origin = len(series) - holdout
        if first_origin < 2:
            skipped["history too short"] += 1
            continue
        changes = [abs(b - a) for a, b in pairwise(series[:first_origin])]
        scale = statistics.fmean(changes)
        if scale == 0:
            skipped["no change in history (MASE undefined)"] += 1
            continue
        for name, forecaster in FORECASTERS.items():
            errors = []
            for origin in range(first_origin, len(series)):
                predicted = forecaster(series, origin)
                if predicted is None:
                    break
                actual = series[origin]
                errors.append(abs(predicted - actual))
                if actual:
                    scores[name].percentages.append(abs(predicted - actual) / actual)
                else:
                    skipped[f"zero months left out of MAPE ({name})"] += 1
            if len(errors) == holdout:
                scores[name].errors.extend(errors)
                scores[name].mase.append(statistics.fmean(errors) / scale)
                per_sku.setdefault(history.sku, {})[name] = scores[name].mase[-1]
    return scores, per_sku, skipped


def report(years: int, holdout: int) -> None:
    started = time.perf_counter()
    found = histories(years)
    seeded = time.perf_counter() - started
    lengths = Counter(len(h.quantities) for h in found)
    started = time.perf_counter()
    scores, per_sku, skipped = backtest(found, holdout)
    fitted = time.perf_counter() - started
    first, last = found[0].months[0], found[0].months[-1]
    print(f"\n== demo business, {years} year(s) of orders ==")
    print(
        f"{len(found)} SKUs; whole months {first:%Y-%m} .. {last:%Y-%m} "
        f"(history lengths {dict(lengths)}); last {holdout} months forecast one ahead, "
        f"rolling origin; seed {seeded:.1f} s, back-test {fitted:.1f} s"
    )
    methods = Counter(
        forecast_demand(h.quantities[:-holdout], 1).method.value
        for h in found
        if len(h.quantities) > holdout
    )
    print(f"method used at the first origin: {dict(methods)}")
    naive_mase = statistics.fmean(scores["naive"].mase)
    print(f"{'forecast':<16}{'SKUs':>6}{'MASE mean':>11}{'median':>9}{'MAPE %':>9}{'/naive':>8}")
    for name, found_scores in scores.items():
        if not found_scores.mase:
            print(f"{name:<16}  not possible: fewer than 12 months before the first origin")
            continue
        mase = statistics.fmean(found_scores.mase)
        print(
            f"{name:<16}{len(found_scores.mase):>6}{mase:>11.3f}"
            f"{statistics.median(found_scores.mase):>9.3f}{found_scores.mape():>9.1f}"
            f"{mase / naive_mase:>8.3f}"
        )
    for reason, count in sorted(skipped.items()):
        print(f"  {reason}: {count}")
    volume = {h.sku: sum(h.quantities) for h in found}
    print("MASE of a few SKUs (largest, middle and smallest volume):")
    ranked = sorted(per_sku, key=lambda sku: -volume[sku])
    for sku in [*ranked[:3], ranked[len(ranked) // 2], ranked[-1]]:
        row = "  ".join(f"{name} {value:.2f}" for name, value in per_sku[sku].items())
        print(f"  {sku:<20} {row}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--holdout", type=int, default=4)
    arguments = parser.parse_args()
    for years in arguments.years:
        report(years, arguments.holdout)


if __name__ == "__main__":
    main()
