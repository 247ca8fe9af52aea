"""Settings → the run's inputs: source → dataset → task → split → features → objective.

Qt-free, and the only place this mapping exists: the app's controller,
``logit-gui train`` and ``logit-gui render`` all call :func:`build` (and
:func:`new_run` for the optimizer), so the same settings give the same model
everywhere.

* :func:`load_source` reads or generates the data set as it is (all its classes);
* :func:`to_task` makes it "X vs rest" when a positive class is set;
* :func:`problem_for` splits, maps the features and builds the objectives;
* :func:`build` does the three, :func:`new_run` starts an optimizer on the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

from logit_gui.core import datasets
from logit_gui.core.datasets import Dataset
from logit_gui.core.errors import DataError
from logit_gui.core.optimizers import make_optimizer
from logit_gui.core.problem import Problem, build_problem

from .history import History
from .run import Run
from .settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings

__all__ = ["Built", "build", "load_source", "to_task", "problem_for", "new_run", "train_to", "MAX_FEATURES",
           "source_name"]

#: refuse feature maps with more polynomial features than this (memory, and nothing to see)
MAX_FEATURES = 3000


@dataclass(frozen=True, eq=False)
class Built:
    """What :func:`build` made from ``settings``."""

    settings: Settings
    source: Dataset    # the data set as loaded: all its classes
    dataset: Dataset   # the one trained on (after "X vs rest")
    problem: Problem


def source_name(d: DataSettings) -> str:
    """A short name for the data source (the file's base name for a file)."""
    if d.source in ("csv", "npz") and d.path:
        return d.path.replace("\\", "/").rsplit("/", 1)[-1]
    return d.source


def load_source(d: DataSettings, cache: dict | None = None) -> Dataset:
    """The data set named by ``d``, with all its classes. ``cache`` (path → Dataset)
    spares re-reading a file when only other settings change."""
    if d.source in ("csv", "npz"):
        if not d.path:
            raise DataError(f"a {d.source} source needs a file")
        key = (d.source, d.path, d.target, d.drop_missing)
        if cache is not None and key in cache:
            return cache[key]
        from logit_gui.core.csvio import read_csv, read_npz

        if d.source == "csv":
            ds = read_csv(d.path, target=d.target, drop_missing=d.drop_missing)
        else:
            ds = read_npz(d.path)
        if cache is not None:
            cache[key] = ds
        return ds
    return datasets.load_dataset(
        d.source, n=d.n, noise=d.noise, classes=d.classes, imbalance=d.imbalance,
        label_noise=d.label_noise, outliers=d.outliers, seed=d.seed,
    )


def to_task(source: Dataset, d: DataSettings) -> Dataset:
    """``source`` as the task trained on: "positive vs rest" when ``d.positive`` is set."""
    return datasets.to_binary(source, d.positive) if d.positive is not None else source


def problem_for(dataset: Dataset, d: DataSettings, m: ModelSettings) -> Problem:
    """Split ``dataset``, fit the feature map on the training rows, build the objectives."""
    if not 0 <= d.test_fraction < 1:
        raise DataError(f"the test fraction must be in [0, 1), got {d.test_fraction}")
    n_in = dataset.X.shape[1]
    n_feat = comb(n_in + d.degree, d.degree) - 1
    if n_feat > MAX_FEATURES:
        raise DataError(
            f"degree {d.degree} on {n_in} input features gives {n_feat:,} polynomial features "
            f"(at most {MAX_FEATURES:,}): lower the degree"
        )
    kind = m.kind
    if len(dataset.classes) <= 2:
        kind = "binary"
    elif kind == "auto":
        kind = "softmax"
    return build_problem(
        dataset, degree=d.degree, standardize=d.standardize, kind=kind,
        class_weight=None if m.class_weight in (None, "none") else m.class_weight,
        l2=m.l2, l1=m.l1, fit_intercept=m.fit_intercept,
        test_fraction=d.test_fraction, seed=d.seed,
    )


def build(settings: Settings, *, cache: dict | None = None, source: Dataset | None = None) -> Built:
    """Everything a run needs from ``settings`` (raises LogitError on bad input).
    ``source``: the data set already loaded for ``settings.data`` (skips loading)."""
    d = settings.data
    src = source if source is not None else load_source(d, cache)
    dataset = to_task(src, d)
    return Built(settings, src, dataset, problem_for(dataset, d, settings.model))


def new_run(problem: Problem, o: OptimizerSettings, r: RunSettings, *, theta0=None,
            history: History | None = None, label: str = "", capacity: int = 4096) -> Run:
    """A run of optimizer ``o`` on ``problem`` under ``r``'s stopping rule, from θ = 0
    or ``theta0``, continuing ``history`` when given."""
    opt = make_optimizer(o.method, problem.objective, theta0,
                         test_objective=problem.test_objective, **o.as_dict())
    if history is None:
        history = History(capacity=capacity)
    return Run(opt, max_iter=r.max_iter, tol=r.tol, history=history, label=label)


def train_to(built: Built, iterations: int, *, capacity: int = 1 << 20) -> Run:
    """A run of ``built``'s optimizer stepped ``iterations`` times (fewer if it stops
    earlier: converged, diverged, …), every iterate recorded."""
    r = built.settings.run
    from dataclasses import replace

    run = new_run(built.problem, built.settings.optimizer, replace(r, max_iter=int(iterations)),
                  capacity=capacity)
    while not run.finished:
        if run.step() is None and not run.finished:
            break
    return run
