"""The run's status as a value the window renders, never text parsed back. Qt-free.

:class:`Status` names every state the status chip can show: the trainer is
stepping (running), it is idle at the newest iterate (paused), an earlier
iterate is on screen (history), or the run stopped by its own rule (the final
statuses: converged, max_iter, diverged, stalled). Being a :class:`enum.StrEnum`,
a member equals its value (``Status.CONVERGED == "converged"``), so it mixes
with the core's iterates, whose ``status`` is a plain string.

:class:`RunStatus` is what the status chip needs: the status, whether the
training data are perfectly separated, and the notes of the iterate shown.
``RunStatus.of`` derives it from that iterate and the run; ``text`` and
``key`` give the chip's words and its colour.

Which statuses are final is the core's rule: :data:`logit_gui.core.train.TERMINAL`
where the core defines it, else :data:`logit_gui.model.run.TERMINAL`.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from logit_gui.core import train as _train

if TYPE_CHECKING:
    from logit_gui.core.iterate import Iterate

__all__ = ["Status", "RunStatus", "final_statuses"]


@functools.cache
def final_statuses() -> frozenset[str]:
    """The statuses after which a run does not step again unless a setting changes."""
    terminal = getattr(_train, "TERMINAL", None)
    if terminal is None:
        from .run import TERMINAL as terminal  # imported here: run.py may one day import this module
    return frozenset(str(s) for s in terminal)


class Status(enum.StrEnum):
    """The state of the run as the window shows it."""

    RUNNING = "running"
    PAUSED = "paused"
    HISTORY = "history"
    CONVERGED = "converged"
    MAX_ITER = "max_iter"
    DIVERGED = "diverged"
    STALLED = "stalled"

    @property
    def final(self) -> bool:
        """The run stopped by its own rule: Play does nothing until a setting changes or R."""
        return self.value in final_statuses()

    @property
    def stepping(self) -> bool:
        """The trainer is computing new iterates."""
        return self is Status.RUNNING

    @property
    def description(self) -> str:
        """One line for a tooltip or a log."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Status.RUNNING: "running: the optimizer is stepping",
    Status.PAUSED: "paused at the newest iterate: Play or → goes on",
    Status.HISTORY: "history: an earlier iterate is shown",
    Status.CONVERGED: "converged: ‖∇J‖∞ ≤ tol",
    Status.MAX_ITER: "max_iter: the iteration budget is spent",
    Status.DIVERGED: "diverged: the loss exploded; the last finite iterate is kept",
    Status.STALLED: "stalled: the optimizer makes no more progress",
}

@dataclass(frozen=True, slots=True)
class RunStatus:
    """What the status chip shows: a :class:`Status`, the separability flag, the notes.

    ``status`` may be given as its string value; it is stored as a :class:`Status`
    (an unknown value raises ValueError). ``notes`` are the shown iterate's notes
    (for the tooltip).
    """

    status: Status
    separable: bool = False
    notes: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "separable", bool(self.separable))
        object.__setattr__(self, "notes", tuple(self.notes))

    @classmethod
    def of(cls, iterate: Iterate, *, run_status: str, playing: bool, newest: bool) -> RunStatus:
        """The status of the window showing ``iterate`` of a run whose status is ``run_status``.

        ``playing``: the trainer is playing (:attr:`TrainerThread.playing`);
        ``newest``: ``iterate`` is the newest one recorded. An iterate that
        carries a final status shows it; otherwise the shown iterate is running
        (playing), history (an earlier one), the run's final status, or paused.
        """
        status = iterate.status
        if status == Status.RUNNING:
            if playing:
                status = Status.RUNNING
            elif not newest:
                status = Status.HISTORY
            elif Status(run_status).final:
                status = run_status
            else:
                status = Status.PAUSED
        notes = tuple(iterate.notes)
        return cls(status, any(_train.SEPARABLE_NOTE in n for n in notes), notes)

    @property
    def final(self) -> bool:
        return self.status.final

    @property
    def text(self) -> str:
        """The chip's words: the status, with "separable" added (or, while running or
        paused, instead) when the data are separated; never for a diverged run."""
        if not self.separable or self.status is Status.DIVERGED:
            return self.status.value
        if self.status in (Status.RUNNING, Status.PAUSED):
            return "separable"
        return f"{self.status.value} · separable"

    @property
    def key(self) -> str:
        """The chip's colour: a :class:`Status` value, or "separable" (running or paused on
        separated data)."""
        if self.separable and self.status in (Status.RUNNING, Status.PAUSED):
            return "separable"
        return self.status.value
