"""How the benches time things: the median of repeated runs, and percentiles of samples."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` runs (warm the caches before, if that matters)."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` 0.95 for p95)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
