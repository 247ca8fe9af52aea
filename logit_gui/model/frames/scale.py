"""Axis ranges in nice steps (Qt-free): small changes of the data leave an axis alone."""

from __future__ import annotations

import numpy as np

__all__ = ["nice_ceil", "nice_bounds", "FINE_STEPS"]

#: finer steps, for an axis that grows with the run (the iteration axis)
FINE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(x: float, steps=(1.0, 2.0, 2.5, 5.0, 10.0)) -> float:
    """The smallest of ``steps`` × 10^k that is ≥ x (x > 0)."""
    if not np.isfinite(x) or x <= 0:
        return 1.0
    e = np.floor(np.log10(x))
    for m in steps:
        v = m * 10.0 ** e
        if v >= x * (1 - 1e-12):
            return float(v)
    return float(10.0 ** (e + 1))


def nice_bounds(lo: float, hi: float, ticks: int = 5) -> tuple[float, float]:
    """(lo, hi) rounded outward to a step of a nice size."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return 0.0, 1.0
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        pad = 0.5 * max(abs(hi), 1e-3)
        lo, hi = lo - pad, hi + pad
    step = nice_ceil((hi - lo) / ticks)
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)
