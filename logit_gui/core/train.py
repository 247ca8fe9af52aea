"""Stopping rules around an optimizer's endless stream of iterates.

``run(optimizer, max_iter, tol)`` yields iterate 0 and then one iterate per
step; the last one carries the run's status, one of :data:`TERMINAL`:

* ``converged`` — the gradient is within the tolerance: ‖D⁻¹∇J‖∞ ≤ tol, each
  component divided by the RMS of its feature (1 for the intercept), so the
  rule does not change when a feature is measured in other units; for
  standardized features it is ‖∇J‖∞ ≤ tol. With L1 the minimum-norm
  subgradient takes ∇J's place. ``tol = 0`` never converges;
* ``max_iter`` — the iteration budget is spent;
* ``diverged`` — the objective became non-finite or exploded (grew beyond
  ``EXPLODE`` times its starting value); the last finite iterate is kept;
* ``stalled`` — the method can make no more progress in floating point (its
  line search finds no lower J, its step no longer changes θ, or J and ‖∇J‖
  stopped falling); the last iterate is kept and its last note says why.

Notes on the final iterate: perfect separation, decided from the training data
(without a penalty the cross-entropy then has no minimizer), and features so
badly scaled that gradient methods crawl.
"""

from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from .iterate import Iterate
from .objective import Objective
from .optimizers import Optimizer

__all__ = ["run", "check_stop", "separable_note", "scale_note", "final_notes",
           "SEPARABLE_NOTE", "EXPLODE", "TERMINAL", "BADLY_SCALED"]

#: the statuses a run ends with
TERMINAL = ("converged", "max_iter", "diverged", "stalled")

#: an objective beyond EXPLODE · max(J₀, 1) counts as diverged
EXPLODE = 1e4

#: features whose RMS lie further apart than this factor (or further than it
#: from 1) are badly scaled: the final iterate says so
BADLY_SCALED = 1e3

SEPARABLE_NOTE = "perfectly separable: without a penalty the weights grow without bound"


def check_stop(it: Iterate, it0: Iterate, *, max_iter: int | None = None, tol: float = 1e-6) -> str:
    """Status of iterate ``it`` in a run that started at ``it0``."""
    if it.status == "diverged" or not it.finite:
        return "diverged"
    if it.objective > EXPLODE * max(it0.objective, 1.0):
        return "diverged"
    if tol > 0 and it.stop_norm <= tol:
        return "converged"
    if it.status == "stalled":
        return "stalled"
    if max_iter is not None and it.k - it0.k >= max_iter:
        return "max_iter"
    return "running"


def separable_note(objective: Objective, it: Iterate) -> str | None:
    """The separability warning when nothing is penalized and the training data
    are separable: decided from the data (:meth:`Objective.separable`), or, for
    what that does not cover (softmax's complete separation), because ``it``
    separates them."""
    if objective.l2 > 0 or objective.l1 > 0:
        return None
    what = objective.separable()
    if what:
        return f"{SEPARABLE_NOTE} ({what})"
    if objective.separates(objective.join(it.coef, it.intercept)):
        return SEPARABLE_NOTE
    return None


def scale_note(objective: Objective) -> str | None:
    """A warning when the features' RMS lie more than BADLY_SCALED apart or
    from 1: the tolerance copes (it is per unit of RMS) but gradient methods
    crawl along the small ones."""
    if objective.d == 0:
        return None
    rms = objective.feature_rms()
    lo, hi = float(np.min(rms)), float(np.max(rms))
    if hi / lo <= BADLY_SCALED and 1 / BADLY_SCALED <= lo and hi <= BADLY_SCALED:
        return None
    return (f"features badly scaled (RMS from {lo:.2g} to {hi:.2g}): gradient methods crawl and "
            "the tolerance is per unit of each feature's RMS; standardize the features")


def final_notes(objective: Objective, it: Iterate) -> tuple[str, ...]:
    """The notes a run's final iterate gets: separability and scaling."""
    return tuple(n for n in (separable_note(objective, it), scale_note(objective)) if n)


def run(optimizer: Optimizer, *, max_iter: int = 1000, tol: float = 1e-6) -> Iterator[Iterate]:
    """Yield iterate 0, then each step's iterate, until a stopping rule fires.

    The final iterate has a status in :data:`TERMINAL` (diverged and stalled
    hold the last good parameters).
    """
    if max_iter < 0 or int(max_iter) != max_iter:
        raise ValueError(f"max_iter must be a non-negative integer, got {max_iter}")
    if not (tol >= 0 and math.isfinite(tol)):
        raise ValueError(f"tol must be a finite number >= 0, got {tol}")
    it0 = optimizer.current
    it = it0
    last_ok = it0
    while True:
        status = check_stop(it, it0, max_iter=max_iter, tol=tol)
        if status == "diverged":
            if it.status == "diverged":  # non-finite: the optimizer kept the last finite iterate
                yield it
            else:  # finite but exploding: keep the iterate before the explosion
                yield last_ok.with_status(
                    "diverged", f"objective exploded to {it.objective:.3g}: the step is too large")
            return
        if status != "running":
            yield it.with_status(status, *final_notes(optimizer.obj, it))
            return
        yield it
        last_ok = it
        it = optimizer.step()
