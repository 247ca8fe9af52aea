"""The loss panel's frame: the objective per iteration, the shown iterate, the marks.

Train objective J(θ_k), the test objective where there is a test split, and
optionally ‖∇J‖∞; linear or logarithmic y (non-positive values are left out
on a log axis); the axis ranges in nice steps; where a setting changed
mid-run (marks); and the point of the iterate on screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .base import Frame, View
from .scale import FINE_STEPS, nice_bounds, nice_ceil

__all__ = ["LossOptions", "LossData", "compute"]


@dataclass(frozen=True)
class LossOptions:
    log_y: bool = field(default=False, metadata={
        "label": "log y", "tip": "Logarithmic y axis: shows the linear convergence of gradient descent\n"
                                 "(a straight line) and the quadratic convergence of Newton (a cliff)."})
    grad: bool = field(default=False, metadata={
        "label": "‖∇J‖∞", "tip": "Also draw the gradient norm ‖∇J(θ_k)‖∞ (the stopping criterion:\n"
                                "the run converges when it falls below the tolerance)."})
    x_axis: str = field(default="iterations", metadata={
        "label": "x", "choices": [("iterations", "iterations"), ("seconds", "seconds")],
        "tip": "An optimizer race's curves against the iteration or against the time each method took\n"
               "(Newton's iterations cost more than gradient descent's: seconds tell the fair story)."})


@dataclass(frozen=True, eq=False)
class LossData:
    version: int                 # the history's version (unchanged: the curves are too)
    log_y: bool
    train: tuple                 # (k, J) finite (and > 0 on a log axis)
    test: tuple
    grad: tuple | None           # None when not drawn
    marks: tuple                 # ((k, label), ...) where a setting changed
    x_range: tuple
    y_range: tuple | None        # in axis units (log10 on a log axis); None: nothing to draw
    cursor: tuple | None         # (k, y in axis units) of the shown iterate
    cursor_k: float              # the shown iterate's k (the vertical line)
    race: tuple = ()             # ((label, x, y), ...): an optimizer race's curves (y in data units)
    x_label: str = "iteration k"
    race_key: tuple | None = None  # changes when the race's curves do (the items skip setData otherwise)


def _clean(x, y, log):
    ok = np.isfinite(y)
    if log:
        ok &= y > 0
    return x[ok], y[ok]


def compute(view: View, history, frame: Frame, options: LossOptions) -> LossData:
    log = options.log_y
    k, obj, test, gn = history.curves()
    train_c = _clean(k, obj, log)
    test_c = _clean(k, test, log)
    grad_c = _clean(k, gn, log) if options.grad else None
    x1 = nice_ceil(max(float(k[-1]) if k.size else 1.0, 5.0), FINE_STEPS)
    vals = [train_c[1], test_c[1]] + ([grad_c[1]] if grad_c is not None else [])
    v = np.concatenate(vals) if vals else np.empty(0)
    y_range = None
    if v.size:
        if log:
            lo, hi = float(np.floor(np.log10(v.min()))), float(np.ceil(np.log10(v.max())))
            if hi <= lo:
                hi = lo + 1
        else:
            vmin, vmax = float(v.min()), float(v.max())
            lo, hi = nice_bounds(min(vmin, 0.0) if vmin < 0.2 * vmax else vmin, vmax)
        y_range = (lo, hi)
    it = frame.iterate
    y = it.objective
    cursor = None
    if math.isfinite(y) and (not log or y > 0):
        cursor = (float(it.k), math.log10(y) if log else float(y))
    race, x_label = (), "iteration k"
    if view.race is not None:
        seconds = options.x_axis == "seconds"
        race = []
        for e in view.race.entries:
            ks, obj_e, _, _ = e.history.curves()
            x = e.seconds[: ks.size] if seconds else ks
            race.append((e.label,) + _clean(np.asarray(x, dtype=float), obj_e, log))
        race = tuple(race)
        xs = [r[1] for r in race if r[1].size]
        vals = np.concatenate([train_c[1]] + [r[2] for r in race]) if race else train_c[1]
        if seconds:
            x_label = "seconds"
            x1 = nice_ceil(max([float(x.max()) for x in xs] + [1e-3]), FINE_STEPS)
        else:
            x1 = nice_ceil(max([float(x.max()) for x in xs] + [x1, 5.0]), FINE_STEPS)
        v = vals[np.isfinite(vals)]
        if log:
            v = v[v > 0]
        if v.size:
            if log:
                lo, hi = float(np.floor(np.log10(v.min()))), float(np.ceil(np.log10(v.max())))
                y_range = (lo, max(hi, lo + 1))
            else:
                y_range = nice_bounds(min(float(v.min()), 0.0), float(v.max()))
        if seconds:  # the shown iterate has no time of the race: its marker stays off
            cursor = None
    race_key = (id(view.race), options.x_axis, log) if view.race is not None else None
    return LossData(history.version, log, train_c, test_c, grad_c, tuple(history.marks),
                    (0.0, x1), y_range, cursor, float(it.k), race, x_label, race_key)


def readout(history, x: float) -> str:
    """What the curves say at iteration ``x`` (the nearest recorded iterate)."""
    k, obj, test, gn = history.curves()
    if k.size == 0:
        return ""
    i = int(np.clip(np.searchsorted(k, x), 0, k.size - 1))
    if i > 0 and abs(k[i - 1] - x) < abs(k[i] - x):
        i -= 1

    def fmt(v):
        return "–" if v is None or not math.isfinite(v) else f"{v:.6g}"

    text = f"k = {int(k[i])}   J = {fmt(obj[i])}"
    if np.isfinite(test[i]):
        text += f"   test J = {fmt(test[i])}"
    return text + f"   ‖∇J‖∞ = {fmt(gn[i])}"
