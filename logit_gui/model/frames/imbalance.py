"""The class-imbalance panel's frame: class sizes, class weights, and what the weights change.

* How many training (and test) samples each class has, and the class weight
  α_k each class's samples get in the objective in use,
  J = (1/Σs) Σ sᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + …, sᵢ = α_{yᵢ} ("balanced":
  α_k = n / (K·n_k), every class weighing the same in total).
* Two decision boundaries over the data: the **shown iterate** (trained with
  the weights in use) and a **reference model** fitted to convergence with
  other weights — unweighted (α = 1) by default, or balanced — by the core's
  own optimizer (Newton–Raphson; L-BFGS with an L1 penalty or many
  parameters). The reference is fitted once per problem and cached
  (:func:`reference_fit`; invisible to callers).
* Accuracy and balanced accuracy (the mean recall over the classes present:
  what a classifier that ignores a small class loses) of both, train and
  test. :func:`balanced_accuracy` is the same number for any iterate (the
  status bar's).

Decisions are the most probable class (p = 0.5 for two classes) on both
boundaries, so the two lines differ only by the weights (and by how far the
shown run has got).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field, replace

import numpy as np

from logit_gui.core import metrics
from logit_gui.core.objective import Objective, class_sample_weights, predict_proba
from logit_gui.core.optimizers import make_optimizer
from logit_gui.core.train import run as run_optimizer

from .base import Frame, View
from .boundary import polylines
from .confusion import decide, samples
from .contour import contour_segments

__all__ = ["ImbalanceOptions", "ImbalanceData", "Fit", "Scores", "compute", "reference_fit", "alpha_in_use",
           "balanced_accuracy", "borders", "REFERENCES", "NEWTON_MAX_PARAMS"]

#: the reference model's class weights
REFERENCES = (("none", "unweighted (α = 1)"), ("balanced", "balanced (α = n / (K·n_k))"))

#: Newton's Hessian has (number of parameters)² entries: beyond this many parameters, L-BFGS
NEWTON_MAX_PARAMS = 400

#: the reference fit's stopping rule: ‖∇J‖∞ per feature RMS (Newton gets there in a few steps)
REFERENCE_TOL = 1e-9
REFERENCE_MAX_ITER = 500


@dataclass(frozen=True)
class ImbalanceOptions:
    reference: str = field(default="none", metadata={
        "label": "compare with", "choices": REFERENCES,
        "tip": "The reference model drawn dashed beside the shown one: the same features and penalty,\n"
               "class weights α = 1 (unweighted) or balanced α_k = n / (K·n_k), fitted to convergence by\n"
               "Newton–Raphson (L-BFGS with an L1 penalty or many parameters). The solid line is the\n"
               "iterate on screen, trained with the class weights in use (Settings → class weight)."})
    samples: bool = field(default=True, metadata={
        "label": "samples", "tip": "Draw the training samples under the boundaries."})


@dataclass(frozen=True, eq=False)
class Fit:
    """The reference model, fitted to convergence."""

    coef: np.ndarray
    intercept: np.ndarray
    method: str
    iterations: int
    status: str              # the core's: converged, stalled (no further progress), max_iter, diverged
    objective: float
    notes: tuple
    scores: "Scores | None" = None  # its accuracy and balanced accuracy, train and test


@dataclass(frozen=True)
class Scores:
    accuracy: float
    balanced_accuracy: float
    test_accuracy: float | None
    test_balanced_accuracy: float | None


@dataclass(frozen=True, eq=False)
class ImbalanceData:
    binary: bool
    classes: tuple             # class names
    train_counts: np.ndarray   # (K,) training samples per class
    test_counts: np.ndarray | None
    alpha: np.ndarray          # (K,) the class weight of each class in the objective in use
    alpha_note: str            # one-vs-rest: how its per-problem weights are read
    reference: str             # "none" | "balanced"
    reference_alpha: np.ndarray  # (K,)
    same_weights: bool         # the reference's weights are the ones in use (it is the shown run's optimum)
    fit: Fit
    shown_k: int               # the shown iterate's iteration number
    shown_boundary: np.ndarray      # (2s, 2) segments: where the shown iterate's decision changes
    reference_boundary: np.ndarray  # the reference model's, as polylines (NaN rows between): drawn dashed
    shown: Scores
    ref: Scores
    show_samples: bool


# ----------------------------------------------------------------------
def alpha_in_use(objective: Objective) -> tuple[np.ndarray, str]:
    """(α per class, note): the class weight each class's samples have in ``objective``.
    One-vs-rest has K problems with weights of their own: α_k is class k's weight in
    "k vs rest" (the note says so). NaN for a class without training samples."""
    y = np.asarray(objective.y)
    K = objective.n_classes
    if objective.kind == "ovr":
        S = objective._S * objective._ssum  # the K problems' un-normalized weights (n, K)
        alpha = np.array([S[y == k, k][0] if np.any(y == k) else np.nan for k in range(K)])
        return alpha, "one-vs-rest: α_k is class k's weight in its own problem “k vs rest”"
    s = np.asarray(objective.sample_weight, dtype=np.float64)
    alpha = np.array([s[y == k][0] if np.any(y == k) else np.nan for k in range(K)])
    return alpha, ""


def _reference_alpha(y, K: int, reference: str) -> np.ndarray:
    if reference == "balanced":
        w = class_sample_weights(np.asarray(y, dtype=np.intp), K, "balanced")
        return np.array([w[np.asarray(y) == k][0] if np.any(np.asarray(y) == k) else np.nan for k in range(K)])
    return np.ones(K)


_FITS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_FITS_LOCK = threading.Lock()


def reference_fit(problem, reference: str = "none") -> Fit:
    """The model with ``problem``'s features, penalty and kind but class weights
    ``reference`` ("none": α = 1, or "balanced"), fitted to convergence by the core's
    Newton–Raphson (L-BFGS with L1 or more than :data:`NEWTON_MAX_PARAMS` parameters).
    Computed once per (problem, reference): later calls return the same :class:`Fit`."""
    with _FITS_LOCK:
        cached = _FITS.get(problem, {}).get(reference)
    if cached is not None:
        return cached
    obj = problem.objective
    X = problem.features(problem.train.X)
    ref = Objective(X, problem.train.y, n_classes=obj.n_classes, kind=obj.kind,
                    class_weight=None if reference == "none" else reference,
                    l2=obj.l2, l1=obj.l1, fit_intercept=obj.fit_intercept)
    method = "newton" if obj.l1 == 0 and ref.size <= NEWTON_MAX_PARAMS else "lbfgs"
    it = None
    for it in run_optimizer(make_optimizer(method, ref), max_iter=REFERENCE_MAX_ITER, tol=REFERENCE_TOL):
        pass
    fit = Fit(np.array(it.coef), np.array(it.intercept), method, int(it.k), it.status, float(it.objective),
              tuple(it.notes))
    splits = [(X, problem.train.y)]
    if problem.test is not None and problem.test.n:
        splits.append((problem.features(problem.test.X), problem.test.y))
    out = [None] * 4
    for i, (Xs, ys) in enumerate(splits):
        pred = decide(predict_proba(obj.kind, fit.coef, fit.intercept, Xs), None)
        out[2 * i:2 * i + 2] = metrics.accuracy(ys, pred), metrics.balanced_accuracy(ys, pred)
    fit = replace(fit, scores=Scores(*out))
    with _FITS_LOCK:
        _FITS.setdefault(problem, {})[reference] = fit
    return fit


def borders(P: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """(2s, 2) segments where the most probable class changes on the grid probabilities
    ``P`` (ny, nx, K): for two classes the p = 0.5 contour."""
    if P.shape[2] == 2:
        return contour_segments(P[:, :, 1], 0.5, xs, ys)
    order = np.sort(P, axis=2)
    runner_up, top = order[:, :, -2], order[:, :, -1]
    parts = []
    for k in range(P.shape[2]):
        pk = P[:, :, k]
        other = np.where(pk >= top, runner_up, top)
        parts.append(contour_segments(pk - other, 0.0, xs, ys))
    return np.concatenate(parts) if parts else np.empty((0, 2))


def _scores(view: View, model) -> Scores:
    """Accuracy and balanced accuracy of ``model`` (an Iterate or a Fit: its coef and intercept)."""
    out = []
    for split in ("train", "test"):
        got = samples(view, model, split) if split == "train" or view.n_test else None
        if got is None:
            out += [None, None]
            continue
        y, P = got
        pred = decide(P, None)
        out += [metrics.accuracy(y, pred), metrics.balanced_accuracy(y, pred)]
    return Scores(*out)


def balanced_accuracy(view: View, iterate, split: str = "train") -> float | None:
    """Balanced accuracy — the mean recall over the classes present in ``split`` — of
    ``iterate``'s most probable class on every sample of ``split`` ("train" | "test");
    None when there is no such split. (scikit-learn's ``balanced_accuracy_score``.)"""
    if split == "test" and not view.n_test:
        return None
    y, P = samples(view, iterate, split)
    return metrics.balanced_accuracy(y, decide(P, None))


def compute(view: View, history, frame: Frame, options: ImbalanceOptions) -> ImbalanceData:
    problem = view.problem
    K = view.K
    ytr = np.asarray(problem.train.y, dtype=np.intp)
    train_counts = np.bincount(ytr, minlength=K)
    test_counts = (np.bincount(np.asarray(problem.test.y, dtype=np.intp), minlength=K)
                   if view.n_test else None)
    alpha, note = alpha_in_use(problem.objective)
    ref_alpha = _reference_alpha(ytr, K, options.reference)
    same = problem.objective.kind != "ovr" and bool(np.allclose(alpha, ref_alpha, equal_nan=True))
    fit = reference_fit(problem, options.reference)
    ny, nx = view.ys.size, view.xs.size
    Pref = predict_proba(view.kind, fit.coef, fit.intercept, view.grid_features).reshape(ny, nx, -1)
    it = frame.iterate
    return ImbalanceData(
        binary=view.kind == "binary", classes=tuple(str(c) for c in view.classes),
        train_counts=train_counts, test_counts=test_counts, alpha=alpha, alpha_note=note,
        reference=options.reference, reference_alpha=ref_alpha, same_weights=same, fit=fit,
        shown_k=int(it.k), shown_boundary=borders(frame.grid_P, view.xs, view.ys),
        reference_boundary=polylines(borders(Pref, view.xs, view.ys)),
        shown=_scores(view, it), ref=fit.scores,
        show_samples=options.samples,
    )
