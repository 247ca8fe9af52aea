"""What a panel may ask of the window (Qt-free values, carried by ``PanelItem.requested``).

A panel draws; it never changes the run itself. When the user acts inside a
panel — clicks a starting point in the landscape, drags the threshold — the
panel emits one of these and the main window carries it out through the
controller, like any other command.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["RestartFrom", "SetThreshold"]


@dataclass(frozen=True, eq=False)
class RestartFrom:
    """Start the run again from these weights (same settings), e.g. a click in the landscape."""

    coef: np.ndarray        # (m, d), as an iterate's
    intercept: np.ndarray   # (m,)


@dataclass(frozen=True)
class SetThreshold:
    """The decision threshold t (predict class 1 when p ≥ t), shared by every panel."""

    threshold: float


@dataclass(frozen=True)
class AddSample:
    """Paint a sample of class code ``cls`` at input point (x1, x2) (two-feature data)."""

    x1: float
    x2: float
    cls: int


@dataclass(frozen=True)
class MoveSample:
    """Move sample ``index`` (a row of the data set as loaded) to (x1, x2)."""

    index: int
    x1: float
    x2: float


@dataclass(frozen=True)
class DeleteSample:
    """Delete sample ``index`` (a row of the data set as loaded)."""

    index: int


__all__ += ["AddSample", "MoveSample", "DeleteSample"]
