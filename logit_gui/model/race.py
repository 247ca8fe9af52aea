"""An optimizer race: several optimizers from the same start on the same problem. Qt-free.

:func:`run_race` steps each method (the core's, with the same stopping rule)
from the same θ₀, records every iterate and the wall-clock time at each, and
notes when each first reached the tolerance. The panels draw the result: the
loss panel overlays the curves (against iterations or seconds), the landscape
the paths, the ``race`` panel the table. Times are measured in this process
one method after another, so they compare the methods with each other on this
machine; they are not benchmarks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .history import History
from .pipeline import new_run
from .settings import OptimizerSettings, RunSettings

__all__ = ["RaceEntry", "Race", "run_race", "DEFAULT_RACE", "parse_compare"]

#: the methods a race runs unless told otherwise (their default parameters)
DEFAULT_RACE = ("gd", "gd-lipschitz", "newton", "bfgs", "adam")


@dataclass(frozen=True, eq=False)
class RaceEntry:
    label: str                 # the method (and parameters that differ from its defaults)
    method: str
    history: History           # every iterate
    seconds: np.ndarray        # wall-clock time at each recorded iterate (0 at the start)
    status: str                # how the run ended
    iterations_to_tol: int | None  # first k with the run's tolerance met (None: never)
    seconds_to_tol: float | None


@dataclass(frozen=True, eq=False)
class Race:
    entries: tuple             # RaceEntry, in the order asked
    tol: float
    theta0: np.ndarray | None  # the common start (None: θ = 0)

    def entry(self, method: str) -> RaceEntry:
        for e in self.entries:
            if e.method == method:
                return e
        raise KeyError(method)


def parse_compare(text: str) -> list[OptimizerSettings]:
    """``gd,newton,adam:lr=0.05`` → optimizer settings (a method's parameters after a colon)."""
    from logit_gui.core.errors import OptimizerError
    from logit_gui.core.optimizers import OPTIMIZER_PARAMS, check_optimizer

    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        method, _, rest = part.partition(":")
        check_optimizer(method)
        params = []
        for kv in filter(None, rest.split(";")):
            k, eq, v = kv.partition("=")
            if not eq or k not in OPTIMIZER_PARAMS[method]:
                raise OptimizerError(f"--compare {part}: {method} has no parameter {k!r} "
                                     f"(its parameters: {', '.join(OPTIMIZER_PARAMS[method]) or 'none'})")
            try:
                params.append((k, int(v) if k in ("memory", "batch_size", "seed") else float(v)))
            except ValueError:
                raise OptimizerError(f"--compare {part}: {k} must be a number, got {v!r}") from None
        out.append(OptimizerSettings(method, tuple(params)))
    if len(out) < 2:
        raise OptimizerError(f"--compare needs at least two optimizers, got {text!r}")
    return out


def _label(o: OptimizerSettings) -> str:
    return o.method + "".join(f" {k}={v:g}" if isinstance(v, float) else f" {k}={v}" for k, v in o.params)


def run_race(problem, methods, run: RunSettings, *, theta0=None, max_iter: int | None = None,
             progress=None) -> Race:
    """Run every optimizer of ``methods`` (OptimizerSettings) on ``problem`` from ``theta0``
    under ``run``'s tolerance, at most ``max_iter`` (default ``run.max_iter``) iterations each.
    ``progress(i, n)`` is called before each method; returning False stops the race there."""
    limit = run.max_iter if max_iter is None else int(max_iter)
    rs = RunSettings(max_iter=limit, tol=run.tol)
    entries = []
    for i, o in enumerate(methods):
        if progress is not None and progress(i, len(methods)) is False:
            break
        r = new_run(problem, o, rs, theta0=theta0, capacity=max(64, limit + 2))
        times = [0.0]
        t0 = time.perf_counter()
        hit_k, hit_t = None, None
        if r.status == "converged":  # already at the tolerance where it starts
            hit_k, hit_t = r.history.latest.k, 0.0
        while not r.finished:
            it = r.step()
            if it is None:
                break
            now = time.perf_counter() - t0
            times.append(now)
            if hit_k is None and it.status == "converged":
                hit_k, hit_t = it.k, now
        entries.append(RaceEntry(_label(o), o.method, r.history, np.asarray(times), r.status, hit_k, hit_t))
    return Race(tuple(entries), float(run.tol), None if theta0 is None else np.asarray(theta0))
