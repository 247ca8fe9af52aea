"""Stopping rules around an optimizer's endless stream of iterates.

``run(optimizer, max_iter, tol)`` yields iterate 0 and then one iterate per
step; the last one carries the run's status:

* ``converged`` — ‖∇J‖∞ ≤ tol (with ``tol = 0`` this never triggers, so exactly
  ``max_iter`` iterations run);
* ``max_iter`` — the iteration budget is spent;
* ``diverged`` — the objective became non-finite or exploded (grew beyond
  ``EXPLODE`` times its starting value); the last finite iterate is kept.

Perfect separation is reported as a note on the last iterate, as statsmodels
does: without a penalty the cross-entropy then has no minimizer.
"""

from __future__ import annotations

import math
from typing import Iterator

from .iterate import Iterate
from .objective import Objective
from .optimizers import Optimizer

__all__ = ["run", "check_stop", "separable_note", "SEPARABLE_NOTE", "EXPLODE"]

#: an objective beyond EXPLODE · max(J₀, 1) counts as diverged
EXPLODE = 1e4

SEPARABLE_NOTE = "perfectly separable: without a penalty the weights grow without bound"


def check_stop(it: Iterate, it0: Iterate, *, max_iter: int | None = None, tol: float = 1e-6) -> str:
    """Status of iterate ``it`` in a run that started at ``it0``."""
    if it.status == "diverged" or not it.finite:
        return "diverged"
    if it.objective > EXPLODE * max(it0.objective, 1.0):
        return "diverged"
    if tol > 0 and it.grad_norm <= tol:
        return "converged"
    if max_iter is not None and it.k - it0.k >= max_iter:
        return "max_iter"
    return "running"


def separable_note(objective: Objective, it: Iterate) -> str | None:
    """The separability warning if ``it`` separates the training data and nothing is penalized."""
    if objective.l2 > 0 or objective.l1 > 0:
        return None
    if objective.separates(objective.join(it.coef, it.intercept)):
        return SEPARABLE_NOTE
    return None


def run(optimizer: Optimizer, *, max_iter: int = 1000, tol: float = 1e-6) -> Iterator[Iterate]:
    """Yield iterate 0, then each step's iterate, until a stopping rule fires.

    The final iterate has status ``converged``, ``max_iter`` or ``diverged``
    (then it holds the last finite parameters).
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
            note = separable_note(optimizer.obj, it)
            yield it.with_status(status, note) if note else it.with_status(status)
            return
        yield it
        last_ok = it
        it = optimizer.step()
