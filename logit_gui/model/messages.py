"""The messages between the window and the trainer process. Qt-free.

One small frozen dataclass per message, pickled through a
:mod:`multiprocessing` pipe by :class:`~logit_gui.model.engine.Engine` and
matched by type on the other side (``match msg: case Play(): ...``). Nothing is
a positional tuple and no status is text to be parsed back.

To the child (commands). Every command but :class:`SetProblem` and
:class:`Quit` carries ``seq``, its sequence number; the child echoes the newest
one it has taken in :class:`State`:

* :class:`SetProblem` — the data (objectives) the next runs use, sent once per problem;
* :class:`StartRun` — step this run from now on (the one in flight is dropped);
* :class:`Play`, :class:`Pause`, :class:`Step` (exactly one more iterate, then idle);
* :class:`Speed` — iterations per second (None: as fast as possible);
* :class:`Limits` — a new stopping rule for the current run;
* :class:`Quit`.

From the child (events):

* :class:`Iterates` — a batch of the run's iterates, in order. The child sends
  one at least every ``engine.FLUSH`` seconds while it steps, and always before
  any other event, so fewer, larger messages wake the window's relay less often
  and nothing overtakes an iterate;
* :class:`Stopped` — the run stopped by its own rule (converged, max_iter, ...);
* :class:`Failed` — the optimizer or a command raised (message and traceback);
* :class:`State` — the newest command taken and whether the child goes on
  stepping; it follows every batch of commands and every step after which the
  child falls idle, so the window knows when a pause has really taken effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from .status import Status

if TYPE_CHECKING:  # annotations only: this module imports nothing heavy
    import numpy as np

    from logit_gui.core.iterate import Iterate
    from logit_gui.core.objective import Objective

__all__ = [
    "SetProblem", "StartRun", "Play", "Pause", "Step", "Speed", "Limits", "Quit",
    "Iterates", "Stopped", "Failed", "State",
    "Command", "Event", "COMMANDS", "EVENTS",
]


# ----------------------------------------------------------------------
# to the child
# ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SetProblem:
    """The objectives (the data) that runs with this ``key`` are built on."""

    key: int
    objective: Objective
    test_objective: Objective | None = None


@dataclass(frozen=True, slots=True)
class StartRun:
    """Step a twin of the window's run ``run_id`` from now on.

    The child builds ``make_optimizer(method, <problem key's objective>, theta0,
    **params)`` from the same core code as the window, and steps it under the
    window run's stopping rule: ``first`` is the first iterate of the window's
    history (divergence and the iteration budget are judged against it),
    ``offset`` the iteration number the optimizer's own iterate 0 has in that
    history (0 for a fresh run; the newest recorded iterate's when continuing).
    """

    seq: int
    run_id: int
    key: int
    method: str
    params: Mapping[str, Any]
    theta0: np.ndarray | None
    first: Iterate
    offset: int
    max_iter: int
    tol: float
    play: bool


@dataclass(frozen=True, slots=True)
class Play:
    seq: int


@dataclass(frozen=True, slots=True)
class Pause:
    seq: int


@dataclass(frozen=True, slots=True)
class Step:
    """Exactly one more iterate (even from a converged run), then idle."""

    seq: int


@dataclass(frozen=True, slots=True)
class Speed:
    """Iterations per second; None (or ≤ 0): as fast as possible."""

    seq: int
    ips: float | None


@dataclass(frozen=True, slots=True)
class Limits:
    """A new stopping rule for run ``run_id`` (ignored if that run is no longer the child's)."""

    seq: int
    run_id: int
    max_iter: int
    tol: float


@dataclass(frozen=True, slots=True)
class Quit:
    pass


# ----------------------------------------------------------------------
# from the child
# ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Iterates:
    """Iterates of run ``run_id``, in order, numbered and stamped by the child."""

    run_id: int
    iterates: tuple[Iterate, ...]


@dataclass(frozen=True, slots=True)
class Stopped:
    """Run ``run_id`` stopped by its own rule; the child has stopped playing."""

    run_id: int
    status: Status


@dataclass(frozen=True, slots=True)
class Failed:
    """Something raised for run ``run_id`` (the optimizer, or a bad command); the child
    has stopped playing."""

    run_id: int
    message: str
    traceback: str


@dataclass(frozen=True, slots=True)
class State:
    """The child's state after taking command ``seq`` (and every command before it).

    ``playing``: it steps until told otherwise or the run stops (the child owns
    this; the window's :class:`~logit_gui.app.worker.TrainerThread` derives its
    own ``playing`` from it). ``busy``: it goes on stepping (playing, or steps
    asked for are still to come).
    """

    seq: int
    busy: bool
    playing: bool


Command = SetProblem | StartRun | Play | Pause | Step | Speed | Limits | Quit
Event = Iterates | Stopped | Failed | State

#: the message types each way (for checks and tests)
COMMANDS = (SetProblem, StartRun, Play, Pause, Step, Speed, Limits, Quit)
EVENTS = (Iterates, Stopped, Failed, State)
