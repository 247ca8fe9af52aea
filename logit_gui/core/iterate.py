"""The immutable snapshot an optimizer yields at every iteration.

An :class:`Iterate` holds only the parameters and a few scalars (plus small,
method-specific extras in ``info``) -- never a reference to the data -- so a
history of thousands of them is cheap to keep and to scrub through.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

__all__ = ["Iterate", "STATUSES", "frozen_array"]

#: run states an iterate can carry (the final ones: ``train.TERMINAL``)
STATUSES = ("running", "converged", "max_iter", "diverged", "stalled")


def frozen_array(a) -> np.ndarray:
    """A read-only float64 copy of ``a``."""
    out = np.array(a, dtype=np.float64, copy=True)
    out.setflags(write=False)
    return out


def _freeze_info(info: Mapping[str, Any] | None) -> Mapping[str, Any]:
    d = {}
    for key, value in (info or {}).items():
        if isinstance(value, np.ndarray):
            value = frozen_array(value)
        d[key] = value
    return MappingProxyType(d)


@dataclass(frozen=True, slots=True, eq=False)
class Iterate:
    """One iterate of an optimizer.

    ``coef`` has shape (m, d): m = 1 for a binary model (the log-odds of
    class 1), m = K for softmax and one-vs-rest. ``intercept`` has shape (m,).
    ``step_size`` is the step actually taken to reach this iterate from the
    previous one (0 for iteration 0). ``grad_norm`` is ‖∇J‖∞ (with an L1
    penalty: the infinity norm of the minimum-norm subgradient).
    ``scaled_grad_norm`` is the same with each component divided by the RMS of
    its feature (1 for the intercept): the number the stopping tolerance is
    compared with, equal to ``grad_norm`` for standardized features; None when
    not known (then ``grad_norm`` is used).
    """

    k: int
    coef: np.ndarray
    intercept: np.ndarray
    objective: float
    grad_norm: float
    step_size: float = 0.0
    test_objective: float | None = None
    status: str = "running"
    method: str = ""
    notes: tuple[str, ...] = ()
    info: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    scaled_grad_norm: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "coef", frozen_array(np.atleast_2d(self.coef)))
        object.__setattr__(self, "intercept", frozen_array(np.atleast_1d(self.intercept)))
        if not isinstance(self.info, MappingProxyType):
            object.__setattr__(self, "info", _freeze_info(self.info))
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    def __reduce__(self):
        # picklable (the app's trainer process sends its iterates): info as a plain dict
        return (Iterate, (self.k, self.coef, self.intercept, self.objective, self.grad_norm,
                          self.step_size, self.test_objective, self.status, self.method,
                          self.notes, dict(self.info), self.scaled_grad_norm))

    @property
    def theta(self) -> np.ndarray:
        """Parameters as an (m, d + 1) matrix, intercept in the last column."""
        return np.column_stack([self.coef, self.intercept])

    @property
    def finite(self) -> bool:
        return bool(
            np.isfinite(self.objective)
            and np.all(np.isfinite(self.coef))
            and np.all(np.isfinite(self.intercept))
        )

    @property
    def stop_norm(self) -> float:
        """What the tolerance is compared with: ``scaled_grad_norm`` if known."""
        return self.grad_norm if self.scaled_grad_norm is None else self.scaled_grad_norm

    def with_status(self, status: str, *notes: str) -> "Iterate":
        return replace(self, status=status, notes=self.notes + tuple(notes))
