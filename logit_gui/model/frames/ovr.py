"""The one-vs-rest panel's frame: K binary models against one softmax model.

One-vs-rest fits K binary models, class k against the rest, each with its own
logit z_k(x) = w_kᵀφ(x) + b_k; model k claims a point where z_k > 0
(σ(z_k) > ½). Its K boundaries z_k = 0 leave regions where **no** model
claims the point and regions where **more than one** does: there one-vs-rest
on its own is undecided (in practice the largest z_k decides, an arbitrary
rule the models were never trained for). Softmax fits one model whose
probabilities sum to one: every point goes to its largest logit, with no
region left over.

The shown iterate is one of the two (the run's model, ``softmax`` or
``ovr``); the other is fitted here to the same training features and
penalty with the core's L-BFGS (:func:`~logit_gui.core.optimizers.make_optimizer`,
stopped by :func:`~logit_gui.core.train.run`), once per problem (cached,
keyed on the problem object). Sample weights: the run's per-sample weights
(with one-vs-rest's "balanced" weights, which differ per problem, those of
its first problem).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

import numpy as np

from logit_gui.core.objective import Objective, decision_function, softmax
from logit_gui.core.optimizers import make_optimizer
from logit_gui.core.train import run as run_to_stop

from .base import Frame, View
from .contour import contour_segments

__all__ = ["OvrOptions", "OvrData", "compute", "fitted", "regions", "MAX_ITER", "TOL"]

#: the fitted model: L-BFGS until ‖∇J‖∞ ≤ TOL (per feature RMS) or MAX_ITER iterations
MAX_ITER = 500
TOL = 1e-8

_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class OvrOptions:
    lines: bool = field(default=True, metadata={
        "label": "boundaries", "tip": "Draw each one-vs-rest model's boundary z_k = 0 (σ(z_k) = ½) in its class's colour,\n"
                                      "and the softmax borders where the largest logit changes."})
    samples: bool = field(default=True, metadata={
        "label": "samples", "tip": "Draw the training samples on both maps."})


@dataclass(frozen=True, eq=False)
class Fitted:
    """A model fitted here (the one the run does not train)."""

    kind: str
    coef: np.ndarray
    intercept: np.ndarray
    status: str
    iterations: int
    objective: float


@dataclass(frozen=True, eq=False)
class OvrData:
    message: str               # non-empty: nothing to compare (binary data), say this instead
    K: int
    ovr_codes: np.ndarray      # (ny, nx): k where exactly model k claims the point, K: none, K + 1: several
    softmax_codes: np.ndarray  # (ny, nx): the softmax argmax
    ovr_z: np.ndarray          # (ny, nx, K) the one-vs-rest logits (the readout)
    softmax_p: np.ndarray      # (ny, nx, K) the softmax probabilities
    ovr_lines: tuple           # per class k: (2s, 2) segments of z_k = 0
    softmax_lines: np.ndarray  # (2s, 2) where the softmax argmax changes
    none_fraction: float       # share of the plane no model claims
    many_fraction: float       # share claimed by more than one
    train_none: float          # share of the training samples no model claims
    train_many: float
    ovr_accuracy: float        # training accuracy, one-vs-rest by its largest z_k
    softmax_accuracy: float
    shown: str                 # "softmax" or "ovr": the run's model (the shown iterate)
    fitted: Fitted | None      # the other one
    show_lines: bool
    show_samples: bool


def _weights(obj) -> np.ndarray | None:
    s = np.asarray(obj.sample_weight, dtype=np.float64)
    return None if np.all(s == s[0]) else s


def fitted(problem, kind: str) -> Fitted:
    """The ``kind`` model ("ovr" or "softmax") fitted by the core's L-BFGS to ``problem``'s
    training features with its penalty; cached per problem."""
    with _LOCK:
        hit = _CACHE.get(problem, {}).get(kind)
    if hit is not None:
        return hit
    obj = problem.objective
    X = problem.features(problem.train.X)
    other = Objective(X, problem.train.y, n_classes=obj.n_classes, kind=kind, sample_weight=_weights(obj),
                      l2=obj.l2, l1=obj.l1, fit_intercept=obj.fit_intercept)
    opt = make_optimizer("lbfgs", other)
    last = None
    for last in run_to_stop(opt, max_iter=MAX_ITER, tol=TOL):
        pass
    out = Fitted(kind, np.array(last.coef), np.array(last.intercept), last.status, last.k, float(last.objective))
    with _LOCK:
        _CACHE.setdefault(problem, {})[kind] = out
    return out


def regions(Z: np.ndarray) -> np.ndarray:
    """One-vs-rest logits (n, K) → codes: k where only model k claims (z_k > 0), K where none
    does, K + 1 where several do."""
    K = Z.shape[1]
    claims = Z > 0
    count = claims.sum(axis=1)
    return np.where(count == 1, claims.argmax(axis=1), np.where(count == 0, K, K + 1))


def _argmax_borders(Z, xs, ys) -> np.ndarray:
    """Segments where the largest of the K grids Z (ny, nx, K) changes."""
    order = np.sort(Z, axis=2)
    runner_up, top = order[:, :, -2], order[:, :, -1]
    parts = []
    for k in range(Z.shape[2]):
        zk = Z[:, :, k]
        other = np.where(zk >= top, runner_up, top)
        parts.append(contour_segments(zk - other, 0.0, xs, ys))
    return np.concatenate(parts) if parts else np.empty((0, 2))


def _empty(view: View, options: OvrOptions, message: str) -> OvrData:
    shape = (view.ys.size, view.xs.size)
    return OvrData(message, view.K, np.zeros(shape, dtype=np.intp), np.zeros(shape, dtype=np.intp),
                   np.zeros(shape + (0,)), np.zeros(shape + (0,)), (), np.empty((0, 2)), 0.0, 0.0, 0.0, 0.0,
                   float("nan"), float("nan"), view.kind, None, options.lines, options.samples)


def compute(view: View, history, frame: Frame, options: OvrOptions) -> OvrData:
    K = view.K
    if K < 3:
        return _empty(view, options, f"One-vs-rest against softmax needs ≥ 3 classes; these data have {K}. "
                                     "Try a data set with more classes, e.g. blobs with 3 classes.")
    problem = view.problem
    it = frame.iterate
    shown = view.kind  # "softmax" or "ovr"
    other = fitted(problem, "ovr" if shown == "softmax" else "softmax")
    if shown == "ovr":
        ovr_coef, ovr_b, soft_coef, soft_b = it.coef, it.intercept, other.coef, other.intercept
    else:
        ovr_coef, ovr_b, soft_coef, soft_b = other.coef, other.intercept, it.coef, it.intercept
    ny, nx = view.ys.size, view.xs.size
    Zo = decision_function(ovr_coef, ovr_b, view.grid_features)
    Zs = decision_function(soft_coef, soft_b, view.grid_features)
    codes = regions(Zo)
    xs, ys = view.xs, view.ys
    Zo3 = Zo.reshape(ny, nx, K)
    Zs3 = Zs.reshape(ny, nx, K)
    ovr_lines = tuple(contour_segments(Zo3[:, :, k], 0.0, xs, ys) for k in range(K))
    y = np.asarray(problem.train.y)
    To = decision_function(ovr_coef, ovr_b, view.train_features)
    Ts = decision_function(soft_coef, soft_b, view.train_features)
    tcodes = regions(To)
    return OvrData(
        message="", K=K, ovr_codes=codes.reshape(ny, nx), softmax_codes=Zs.argmax(axis=1).reshape(ny, nx),
        ovr_z=Zo3, softmax_p=softmax(Zs3), ovr_lines=ovr_lines, softmax_lines=_argmax_borders(Zs3, xs, ys),
        none_fraction=float(np.mean(codes == K)), many_fraction=float(np.mean(codes == K + 1)),
        train_none=float(np.mean(tcodes == K)), train_many=float(np.mean(tcodes == K + 1)),
        ovr_accuracy=float(np.mean(To.argmax(axis=1) == y)), softmax_accuracy=float(np.mean(Ts.argmax(axis=1) == y)),
        shown=shown, fitted=other, show_lines=options.lines, show_samples=options.samples,
    )


def readout(view: View, data: OvrData, x: float, y: float) -> str:
    """What each model says at plane point (x, y), read off the grid ("" outside it)."""
    if data.message or data.ovr_z.size == 0:
        return ""
    x0, x1, y0, y1 = view.extent
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return ""
    j = int(round((x - x0) / (x1 - x0) * (view.xs.size - 1)))
    i = int(round((y - y0) / (y1 - y0) * (view.ys.size - 1)))
    names = [str(c) for c in view.classes]
    z = data.ovr_z[i, j]
    claim = [names[k] for k in range(data.K) if z[k] > 0]
    said = ("claimed by " + ", ".join(claim)) if claim else "claimed by none"
    p = data.softmax_p[i, j]
    k = int(np.argmax(p))
    return (f"one-vs-rest: {said} (" + ", ".join(f"z_{n} = {v:.2g}" for n, v in zip(names, z, strict=True))
            + f");  softmax: {names[k]} (p = {p[k]:.2f})")
