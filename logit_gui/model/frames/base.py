"""What the panels draw, computed from the core: a fixed :class:`View` per problem
and a :class:`Frame` per displayed iterate.

Qt-free. Every probability comes from the core (:meth:`Problem.features` and
:func:`~logit_gui.core.objective.predict_proba`); this module only decides
*where* to evaluate (a grid over the 2-D plane the panels show, the samples
on screen) and caches what does not change between iterates (the grid's
features), so a frame costs a few matrix products.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from logit_gui.core.datasets import Dataset, Projection, fit_projection, train_test_split
from logit_gui.core.iterate import Iterate
from logit_gui.core.objective import decision_function, predict_proba

__all__ = ["View", "axis_labels", "Frame", "make_view", "make_frame", "MAX_POINTS", "SourceRows", "source_rows",
           "classes_as_loaded"]

#: at most this many samples are drawn as markers on the data panel (a fixed random subset beyond)
MAX_POINTS = 4000

#: at most this many of those are placed on the sigmoid panel (enough to see the S-curve fill)
MAX_CURVE_POINTS = 400

#: logits beyond ±Z_CLIP are drawn at the edge (p = 1 to double precision already)
Z_CLIP = 40.0


@dataclass(frozen=True, eq=False)
class View:
    """Per problem: the grid, the points on screen, the class names."""

    problem: object
    projection: Projection    # inputs → the plane the panels show (the core's)
    labels: tuple[str, str]   # axis labels of that plane
    exact: bool               # True when the inputs are 2-D: the picture is the whole model
    xs: np.ndarray            # grid axis (nx,)
    ys: np.ndarray            # grid axis (ny,)
    grid_features: np.ndarray  # (ny·nx, d): the model's features at the grid points
    train_xy: np.ndarray      # (n_shown, 2) plane coordinates of the samples drawn
    train_y: np.ndarray
    train_idx: np.ndarray     # which training rows are drawn
    train_features: np.ndarray  # (n, d): all training rows (accuracy)
    test_xy: np.ndarray
    test_y: np.ndarray
    test_idx: np.ndarray
    curve_sel: np.ndarray     # positions in train_idx of the samples on the sigmoid panel
    test_features: np.ndarray | None
    classes: tuple
    kind: str
    n_train: int
    n_test: int
    race: object = None       # a model.race.Race on this problem (several optimizers from one start), or None
    #: where the samples are in the data set as loaded (the rows a painted edit names), None when not known
    source: "SourceRows | None" = None
    source_xy: np.ndarray | None = None  # (n_source, 2) plane coordinates of every row of that data set

    @property
    def K(self) -> int:
        return len(self.classes)

    @property
    def extent(self):
        return float(self.xs[0]), float(self.xs[-1]), float(self.ys[0]), float(self.ys[-1])


@dataclass(frozen=True, eq=False)
class SourceRows:
    """Where the problem's samples are in the data set as loaded (before "X vs rest" and the
    split): the rows that painting (:mod:`logit_gui.model.editing`) adds to, moves and deletes."""

    dataset: Dataset   # the data set as loaded (its classes are the codes a painted sample gets)
    train: np.ndarray  # (problem.train.n,) the row of each training sample
    test: np.ndarray   # (problem.test.n,) the row of each test sample (empty without a split)


def source_rows(source: Dataset, task: Dataset, test_fraction: float, seed: int) -> SourceRows:
    """The rows of ``source`` (the data set as loaded) that the split of ``task`` (the same rows,
    after "X vs rest") puts in the training and in the test set: the core's own stratified,
    seeded split (:func:`~logit_gui.core.datasets.train_test_split`, as the problem was built
    with) applied to the row numbers."""
    n = source.n
    if task.n != n:
        raise ValueError(f"the task has {task.n} rows, the data set as loaded {n}")
    numbers = replace(task, X=np.arange(n, dtype=np.float64)[:, None], feature_names=("row",), warnings=())
    train, test = train_test_split(numbers, test_fraction, seed=seed)
    te = np.arange(0, dtype=np.intp) if test is None else test.X[:, 0].astype(np.intp)
    return SourceRows(source, train.X[:, 0].astype(np.intp), te)


def classes_as_loaded(problem) -> bool:
    """Whether the problem's classes are those of the data set as loaded (not "X vs rest",
    :func:`~logit_gui.core.datasets.to_binary`, whose description says so)."""
    return not problem.train.description.endswith("vs rest (0)")


def _infer_source(problem) -> SourceRows | None:
    """The rows when the problem alone tells them: no test split (the training set is the data
    set, in its order) and the classes as loaded."""
    train, test = problem.train, problem.test
    if (test is not None and test.n > 0) or not classes_as_loaded(problem):
        return None
    return SourceRows(train, np.arange(train.n, dtype=np.intp), np.arange(0, dtype=np.intp))


def _check_source(problem, src: SourceRows) -> None:
    X = np.asarray(src.dataset.X)
    test = problem.test
    n_test = 0 if test is None else test.n
    if (src.train.shape != (problem.train.n,) or src.test.shape != (n_test,)
            or not np.array_equal(X[src.train], problem.train.X, equal_nan=True)
            or (n_test and not np.array_equal(X[src.test], test.X, equal_nan=True))):
        raise ValueError("these source rows are not the problem's samples (another data set or split)")


def _subset(n: int, cap: int, seed: int) -> np.ndarray:
    if n <= cap:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=cap, replace=False))


def axis_labels(proj: Projection) -> tuple[str, str]:
    if proj.kind == "pca" and proj.explained_variance_ratio is not None:
        r = proj.explained_variance_ratio
        return (f"{proj.names[0]} ({100 * r[0]:.0f}% of variance)", f"{proj.names[1]} ({100 * r[1]:.0f}% of variance)")
    return tuple(proj.names)


def make_view(problem, features=None, *, grid: int = 200,
              max_points: int = MAX_POINTS, seed: int = 0, source: SourceRows | None = None) -> View:
    """Fix the grid and the samples on screen for ``problem`` (a core ``Problem``).

    ``features``: two input columns (indices or names) for the plane, or None
    for the core's default (the two columns of 2-D data, else the first two
    principal components). A grid point of the plane is mapped back to the
    input nearest the training mean (:meth:`Projection.inverse`).

    ``source``: where the samples are in the data set as loaded (:func:`source_rows`);
    without it they are known only when there is no test split and no "X vs rest".
    """
    train, test = problem.train, problem.test
    proj = fit_projection(train.X, features, train.feature_names)
    txy = proj.transform(train.X)
    allxy = txy if test is None or test.n == 0 else np.vstack([txy, proj.transform(test.X)])
    lo = np.nanmin(allxy, axis=0)
    hi = np.nanmax(allxy, axis=0)
    span = np.maximum(hi - lo, 1e-9)
    lo = lo - 0.08 * span
    hi = hi + 0.08 * span
    xs = np.linspace(lo[0], hi[0], grid)
    ys = np.linspace(lo[1], hi[1], grid)
    U = np.column_stack([np.tile(xs, grid), np.repeat(ys, grid)])
    grid_features = np.ascontiguousarray(problem.features(proj.inverse(U)))
    tr_idx = _subset(train.n, max_points, seed)
    curve_sel = _subset(tr_idx.size, MAX_CURVE_POINTS, seed + 2)
    train_features = np.ascontiguousarray(problem.features(train.X))
    if test is not None and test.n > 0:
        te_idx = _subset(test.n, max(1, max_points // 3), seed + 1)
        test_xy = proj.transform(test.X[te_idx])
        test_y = np.asarray(test.y)[te_idx]
        test_features = np.ascontiguousarray(problem.features(test.X))
        n_test = test.n
    else:
        te_idx = np.arange(0)
        test_xy = np.empty((0, 2))
        test_y = np.empty(0, dtype=np.intp)
        test_features = None
        n_test = 0
    if source is not None:
        _check_source(problem, source)
    src = source if source is not None else _infer_source(problem)
    src_xy = None if src is None else proj.transform(src.dataset.X)
    return View(
        problem=problem, projection=proj, labels=axis_labels(proj), exact=train.X.shape[1] == 2, xs=xs, ys=ys, grid_features=grid_features,
        train_xy=txy[tr_idx], train_y=np.asarray(train.y)[tr_idx], train_idx=tr_idx,
        train_features=train_features,
        test_xy=test_xy, test_y=test_y, test_idx=te_idx, test_features=test_features, curve_sel=curve_sel,
        classes=tuple(problem.classes), kind=problem.kind, n_train=train.n, n_test=n_test,
        source=src, source_xy=src_xy,
    )


@dataclass(frozen=True, eq=False)
class Frame:
    """Everything the panels draw for one iterate."""

    iterate: Iterate
    grid_P: np.ndarray         # (ny, nx, K) class probabilities on the grid
    train_acc: float
    test_acc: float | None
    z: np.ndarray              # sigmoid-panel samples: logit (binary) or true-class margin
    p_true: np.ndarray         # sigmoid-panel samples: probability of the true class
    p1: np.ndarray             # sigmoid-panel samples: P(class 1) (binary) or p_true
    train_wrong: np.ndarray    # drawn training samples: misclassified (bool)
    test_wrong: np.ndarray     # drawn test samples: misclassified (bool)
    train_bal_acc: float = float("nan")  # balanced accuracy: the mean of the per-class recalls


def _logit(p):
    p = np.clip(p, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        z = np.log(p) - np.log1p(-p)
    return np.clip(z, -Z_CLIP, Z_CLIP)


def _predict(P) -> np.ndarray:
    """The most probable class (for two classes a comparison: much faster than argmax)."""
    if P.shape[1] == 2:
        return (P[:, 1] > P[:, 0]).astype(np.intp)
    return P.argmax(axis=1)


def make_frame(view: View, it: Iterate) -> Frame:
    kind = view.kind
    coef, intercept = it.coef, it.intercept
    ny, nx = view.ys.size, view.xs.size
    Pg = predict_proba(kind, coef, intercept, view.grid_features).reshape(ny, nx, -1)
    ytr = np.asarray(view.problem.train.y)
    idx = view.train_idx[view.curve_sel]
    if kind == "binary":
        # the model's logit z = x·w + b on every training row: the prediction is z > 0
        # (σ(z) > 1/2) and the sigmoid panel shows z itself (exact where σ(z) rounds to 1)
        z_all = decision_function(coef, intercept, view.train_features)[:, 0]
        pred = (z_all > 0).astype(np.intp)
        P = predict_proba(kind, coef, intercept, view.train_features[idx])
    else:
        Ptr = predict_proba(kind, coef, intercept, view.train_features)
        pred = _predict(Ptr)
        P = Ptr[idx]
    train_acc = float(np.mean(pred == ytr))
    recalls = [np.mean(pred[ytr == k] == k) for k in range(len(view.classes)) if np.any(ytr == k)]
    train_bal_acc = float(np.mean(recalls)) if recalls else float("nan")
    test_acc = None
    test_wrong = np.zeros(view.test_y.size, dtype=bool)
    if view.test_features is not None:
        Pte = predict_proba(kind, coef, intercept, view.test_features)
        yte = np.asarray(view.problem.test.y)
        pred_te = _predict(Pte)
        test_acc = float(np.mean(pred_te == yte))
        test_wrong = pred_te[view.test_idx] != view.test_y
    train_wrong = pred[view.train_idx] != view.train_y
    y = view.train_y[view.curve_sel]
    p_true = P[np.arange(idx.size), y]
    if kind == "binary":
        z = np.clip(z_all[idx], -Z_CLIP, Z_CLIP)
        p1 = P[:, 1]
    else:
        z = _logit(p_true)  # softmax: z_y − logsumexp of the others
        p1 = p_true
    return Frame(
        iterate=it, grid_P=Pg, train_acc=train_acc, test_acc=test_acc, train_bal_acc=train_bal_acc,
        z=z, p_true=p_true, p1=p1, train_wrong=train_wrong, test_wrong=test_wrong,
    )
