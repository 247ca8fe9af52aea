"""One training run as the app sees it: an optimizer, its stopping rule, its history.

Qt-free. The stopping rules are the core's (:func:`logit_gui.core.train.run`
and :func:`~logit_gui.core.train.check_stop`); a :class:`Run` only pulls one
iterate at a time from that stream and records it, renumbering iterations
when the run continues from an earlier run's weights (a changed learning
rate or penalty), so the history reads as one continuous timeline.

In the app a run is stepped in the trainer process (:mod:`.engine`) by a
:class:`Stepper`, the same stepping without a history: it is given the run's
first iterate, the offset of its iteration numbers and its stopping rule. The
iterates it sends are recorded here with :meth:`Run.record`; the history is
thread-safe for readers.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading

from logit_gui.core import train
from logit_gui.core.iterate import Iterate

from .history import History

__all__ = ["Run", "Stepper", "TERMINAL"]

#: statuses after which Play does nothing until a setting changes
TERMINAL = train.TERMINAL

_ids = itertools.count(1)


def _renumbered(it: Iterate, offset: int) -> Iterate:
    return it if offset == 0 else dataclasses.replace(it, k=it.k + offset)


class Stepper:
    """Steps ``optimizer`` under ``max_iter``/``tol``, numbering its iterates; records nothing.

    What the trainer process needs to step a twin of the window's run, with no
    history: ``first`` is the first iterate of the run's timeline (divergence and
    the iteration budget are judged against it; default: the optimizer's own
    iterate 0), ``offset`` the iteration number the optimizer's iterate 0 has on
    that timeline (a run that continues from an earlier run's weights goes on
    numbering from there). ``latest`` is the newest iterate made or recorded.
    """

    def __init__(self, optimizer, *, max_iter: int = 1000, tol: float = 1e-6,
                 first: Iterate | None = None, offset: int = 0):
        self.optimizer = optimizer
        self.max_iter = int(max_iter)
        self.tol = float(tol)
        self.offset = int(offset)
        self.latest: Iterate = self._renumber(optimizer.current)
        self.first: Iterate = self.latest if first is None else first
        self._gen = None
        self._lock = threading.Lock()  # one step or one change of limits at a time
        self.status = "running"
        # an already finished start (e.g. converged at the given weights)
        self._classify_start()

    # ------------------------------------------------------------------
    def _renumber(self, it: Iterate) -> Iterate:
        return _renumbered(it, self.offset)

    def _classify_start(self):
        status = train.check_stop(self.latest, self.first, max_iter=self.max_iter, tol=self.tol)
        if status in ("converged", "max_iter"):
            self.status = status

    def set_limits(self, max_iter: int, tol: float) -> None:
        """New stopping rule; a run stopped by the old one may go on."""
        with self._lock:
            self._set_limits(max_iter, tol)

    def _set_limits(self, max_iter: int, tol: float) -> None:
        self.max_iter = int(max_iter)
        self.tol = float(tol)
        self._gen = None
        if self.status in ("converged", "max_iter"):
            self.status = "running"
            self._classify_start()

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    # ------------------------------------------------------------------
    def step(self, force: bool = False) -> Iterate | None:
        """Pull the next iterate from the core's training stream, record it and return it.

        Returns None (and records nothing) when the run has finished, unless
        ``force``: then a converged or max_iter run takes exactly one more step
        (the Step button at the end of the history). A diverged run never steps.
        """
        if self.status == "diverged":
            return None
        if self.finished:
            if not force:
                return None
            return self._forced_step()
        if self._gen is None:
            budget = max(0, self.max_iter - self.latest.k)
            self._gen = train.run(self.optimizer, max_iter=budget, tol=self.tol)
            first = next(self._gen)  # the current iterate, already recorded
            if first.status != "running":
                self._gen = None
                self._record(self._renumber(first))
                return None
        try:
            it = next(self._gen)
        except StopIteration:  # the stream ended without a final status (not expected)
            self._gen = None
            self.status = "max_iter"
            return None
        it = self._renumber(it)
        self._record(it)
        return it

    def _forced_step(self) -> Iterate:
        self._gen = None
        gen = train.run(self.optimizer, max_iter=1, tol=0.0)
        next(gen)
        it = next(gen)
        if it.status != "diverged":
            it = self._renumber(it)
            status = train.check_stop(it, self.first, max_iter=self.max_iter, tol=self.tol)
            # the core's stream stamps its own budget; restate the run's
            it = dataclasses.replace(it, status=status)
        else:
            it = self._renumber(it)
        self._record(it)
        return it

    def _record(self, it: Iterate) -> None:
        if it.k == self.first.k:  # the timeline's start, restamped
            self.first = it
        self.latest = it
        self.status = it.status
        if it.status in TERMINAL:
            self._gen = None


class Run(Stepper):
    """Steps ``optimizer`` under ``max_iter``/``tol`` and records every iterate.

    With ``history`` given, the run continues that history: the optimizer's
    iterate 0 (the same weights, evaluated by the possibly new objective)
    replaces the history's newest entry and later iterates are numbered on
    from it.
    """

    def __init__(self, optimizer, *, max_iter: int = 1000, tol: float = 1e-6,
                 history: History | None = None, label: str = ""):
        self.id = next(_ids)
        if history is None or len(history) == 0:
            offset = 0
            history = History() if history is None else history
            history.append(optimizer.current)
        else:
            offset = history.latest.k
            history.replace_last(_renumbered(optimizer.current, offset))
            if label:
                history.mark(label)
        self.history = history
        super().__init__(optimizer, max_iter=max_iter, tol=tol, first=history[0], offset=offset)

    def record(self, it: Iterate) -> None:
        """Record an iterate this run's optimizer produced elsewhere (the trainer
        process steps a twin of it): numbered and stamped there, as by :meth:`step`."""
        with self._lock:
            self._record(it)

    def _record(self, it: Iterate) -> None:
        latest = self.history.latest
        if latest is not None and it.k == latest.k:
            self.history.replace_last(it)
        else:
            self.history.append(it)
        super()._record(it)
