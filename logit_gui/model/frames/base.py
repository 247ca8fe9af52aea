"""What the panels draw, computed from the core: a fixed :class:`View` per problem
and a :class:`Frame` per displayed iterate.

Qt-free. Every probability comes from the core (:meth:`Problem.features` and
:func:`~logit_gui.core.objective.predict_proba`); this module only decides
*where* to evaluate (a grid over the 2-D plane the panels show, the samples
on screen) and caches what does not change between iterates (the grid's
features), so a frame costs a few matrix products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logit_gui.core.datasets import Projection, fit_projection
from logit_gui.core.iterate import Iterate
from logit_gui.core.objective import decision_function, predict_proba

__all__ = ["View", "axis_labels", "Frame", "make_view", "make_frame", "MAX_POINTS"]

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

    @property
    def K(self) -> int:
        return len(self.classes)

    @property
    def extent(self):
        return float(self.xs[0]), float(self.xs[-1]), float(self.ys[0]), float(self.ys[-1])


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
              max_points: int = MAX_POINTS, seed: int = 0) -> View:
    """Fix the grid and the samples on screen for ``problem`` (a core ``Problem``).

    ``features``: two input columns (indices or names) for the plane, or None
    for the core's default (the two columns of 2-D data, else the first two
    principal components). A grid point of the plane is mapped back to the
    input nearest the training mean (:meth:`Projection.inverse`).
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
    return View(
        problem=problem, projection=proj, labels=axis_labels(proj), exact=train.X.shape[1] == 2, xs=xs, ys=ys, grid_features=grid_features,
        train_xy=txy[tr_idx], train_y=np.asarray(train.y)[tr_idx], train_idx=tr_idx,
        train_features=train_features,
        test_xy=test_xy, test_y=test_y, test_idx=te_idx, test_features=test_features, curve_sel=curve_sel,
        classes=tuple(problem.classes), kind=problem.kind, n_train=train.n, n_test=n_test,
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
        iterate=it, grid_P=Pg, train_acc=train_acc, test_acc=test_acc,
        z=z, p_true=p_true, p1=p1, train_wrong=train_wrong, test_wrong=test_wrong,
    )
