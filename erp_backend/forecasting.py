"""Monthly demand forecasting for one SKU: numbers in, numbers out (no database, no I/O).

Not in `domain/`: it needs numpy and statsmodels, which the plain domain does not import.
statsmodels is imported inside `forecast_demand`, so the ERP process pays its import time on
the first forecast, not at start.

The method, by the length of the history (calendar months, months without sales as zeros):
- 24 months or more: Holt-Winters exponential smoothing with a damped additive trend and a
  12-month season, multiplicative when every month sold something (a season that scales with
  the level, usual for demand), additive otherwise (a multiplicative season cannot hold a
  zero). Initial level, trend and season from the classical decomposition of the first two
  years ("heuristic"), so only the smoothing parameters are fitted, not 12 seasonal states.
- 6 to 23 months: Holt's linear trend, damped (no season: one cycle cannot tell a season
  from noise); the damping keeps a short upswing from being extrapolated for ever.
- under 6 months, or nothing sold at all: the mean of the months there are (zero for none).
The spread (`residual_std`) is the root mean square of the one-step-ahead in-sample errors,
which is what safety stock has to cover; for the mean, the sample standard deviation.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads with the first forecast, not with the ERP's start
    import numpy as np

SEASON_MONTHS = 12
MIN_MONTHS_FOR_TREND = 6
MIN_MONTHS_FOR_SEASON = 2 * SEASON_MONTHS


class Method(StrEnum):
    SEASONAL_MULTIPLICATIVE = "holt_winters_multiplicative"
    SEASONAL_ADDITIVE = "holt_winters_additive"
    DAMPED_TREND = "holt_damped_trend"
    MEAN = "mean"


@dataclass(frozen=True)
class Forecast:
    method: Method
    values: tuple[float, ...]  # expected demand of each month ahead, never negative
    residual_std: float


def forecast_demand(history: Sequence[float], horizon: int) -> Forecast:
    """Forecast the `horizon` months after `history` (oldest month first)."""
    import numpy as np

    if horizon < 1:
        raise ValueError("horizon must be at least one month")
    series = np.asarray(history, dtype=float)
    if len(series) < MIN_MONTHS_FOR_TREND or not series.any():
        return mean_forecast(series, horizon)
    if len(series) >= MIN_MONTHS_FOR_SEASON:
        method = Method.SEASONAL_MULTIPLICATIVE if (series > 0).all() else Method.SEASONAL_ADDITIVE
    else:
        method = Method.DAMPED_TREND
    fitted = _smoothing(series, horizon, method)
    return fitted if fitted is not None else mean_forecast(series, horizon)


def mean_forecast(series: np.ndarray, horizon: int) -> Forecast:
    level = float(series.mean()) if len(series) else 0.0
    spread = float(series.std(ddof=1)) if len(series) > 1 else 0.0
    return Forecast(Method.MEAN, (level,) * horizon, spread)


def _smoothing(series: np.ndarray, horizon: int, method: Method) -> Forecast | None:
    """Fit and forecast; None if the optimiser produced nothing usable."""
    import numpy as np
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    seasonal = {
        Method.SEASONAL_MULTIPLICATIVE: "mul",
        Method.SEASONAL_ADDITIVE: "add",
    }.get(method)
    with warnings.catch_warnings():
        # Short, flat or lumpy series often end the optimiser at a bound; the fit is still
        # the best it found and is checked below. Noise in a request log helps nobody.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            model = ExponentialSmoothing(
                series,
                trend="add",
                damped_trend=True,
                seasonal=seasonal,
                seasonal_periods=SEASON_MONTHS if seasonal else None,
                initialization_method="heuristic" if seasonal else "estimated",
            )
            fit = model.fit(optimized=True)
        except (ValueError, np.linalg.LinAlgError):
            return None
    ahead = np.asarray(fit.forecast(horizon), dtype=float)
    errors = series - np.asarray(fit.fittedvalues, dtype=float)
    if not (np.isfinite(ahead).all() and np.isfinite(errors).all()):
        return None
    return Forecast(
        method,
        tuple(max(float(value), 0.0) for value in ahead),
        float(math.sqrt(float(np.mean(errors**2)))),
    )
