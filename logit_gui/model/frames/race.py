"""The race panel's frame: the table of an optimizer race — each method's iterations and
time to the tolerance, how it ended, and its final objective."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .base import Frame, View

__all__ = ["RaceOptions", "RaceData", "compute"]


@dataclass(frozen=True)
class RaceOptions:
    pass


@dataclass(frozen=True, eq=False)
class RaceData:
    tol: float | None
    rows: tuple        # (label, status, iterations run, iterations to tol or None, seconds to tol or None, final J)
    winner: str | None  # the label first to the tolerance in seconds (None: nobody got there)
    note: str


def compute(view: View, history, frame: Frame, options: RaceOptions) -> RaceData:
    race = view.race
    if race is None:
        return RaceData(None, (), None, "No race yet: Run → Race optimizers… (or logit-gui render --compare "
                                        "gd,newton,bfgs) runs several optimizers from the same start.")
    rows = []
    for e in race.entries:
        last = e.history.latest
        rows.append((e.label, e.status, int(last.k), e.iterations_to_tol, e.seconds_to_tol, float(last.objective)))
    reached = [r for r in rows if r[4] is not None]
    winner = min(reached, key=lambda r: r[4])[0] if reached else None
    note = (f"all from the same start, tolerance ‖∇J‖∞ ≤ {race.tol:g}; times measured here, one method after "
            "another: they compare the methods, they are not benchmarks")
    return RaceData(race.tol, tuple(rows), winner, note)


def fmt_seconds(s: float | None) -> str:
    if s is None or not math.isfinite(s):
        return "–"
    return f"{1000 * s:.1f} ms" if s < 1 else f"{s:.2f} s"
