"""The curvature panel's frame: the Hessian's eigenvalues over the iterations.

At each iterate θ_k the Hessian ∇²J(θ_k) = X̃ᵀ diag(s p(1−p)) X̃ / Σs (+ λ₂ on
the weights; softmax: its K × K block form) is symmetric positive
semi-definite — the cross-entropy is convex — so every eigenvalue is ≥ 0.
The panel shows them all against k on a log axis, the condition number
κ = λ_max / λ_min (softmax: over the directions that change a probability),
and the Lipschitz constant L of ∇J with the step 1/L, for every method: L
bounds λ_max at every θ (p(1 − p) ≤ 1/4), so the curves never cross it, and
gradient descent is stable near θ_k only with a step below 2/λ_max.

The Hessians come from the objective (:meth:`Objective.hessian`), their
eigenvalues from ``numpy.linalg.eigvalsh``. They are kept per problem and
iterate (a cache the caller never sees). Which recorded iterates are used is
fixed by their iteration numbers and the model's size — every one of the first
128, then 64 per doubling of k, fewer when one Hessian costs much — so the
curves do not change with what was computed before. The shown iterate is
always among them, except for models whose Hessian costs more than
``SNAP_COST`` operations (softmax on 64 features and 10 classes): there the
spectrum shown is the one at the newest used iterate at or before it.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field

import numpy as np

from .base import Frame, View
from .scale import FINE_STEPS, nice_ceil

__all__ = ["CurvatureOptions", "CurvatureData", "compute", "eigenvalues", "null_dims", "select", "FLOP_BUDGET"]

#: the first this many iterations are all used; after, PER_OCTAVE per doubling of k
DENSE = 128
PER_OCTAVE = 64
#: the Hessians of one curve may cost this many operations (n·size² + size³ each: about a second)
FLOP_BUDGET = 2e10
#: a Hessian and its eigenvalues costing more than this (n·size² + size³ operations) is computed
#: only for the fixed subset of iterates, not for every iterate shown
SNAP_COST = 5e8
#: cached spectra per problem (beyond, the cache starts again)
CACHE_SIZE = 20000


@dataclass(frozen=True)
class CurvatureOptions:
    every: bool = field(default=True, metadata={
        "label": "all λ", "tip": "Draw every eigenvalue of the Hessian (faint), not only the smallest and the\n"
                                 "largest."})
    kappa: bool = field(default=True, metadata={
        "label": "κ", "tip": "Also plot the condition number κ = λ_max / λ_min below: how elongated the\n"
                             "objective's level sets are (gradient descent slows down by about κ)."})


@dataclass(frozen=True, eq=False)
class CurvatureData:
    ok: bool
    message: str
    ks: np.ndarray               # (N,) iteration numbers of the iterates used
    eigs: np.ndarray             # (N, P) their Hessians' eigenvalues, ascending
    lam_min: np.ndarray          # (N,) smallest eigenvalue not 0 to rounding
    lam_max: np.ndarray          # (N,)
    kappa: np.ndarray            # (N,) λ_max / λ_min (inf where λ_min ≤ 0)
    null: int                    # eigenvalues that are 0 by symmetry (softmax's shift)
    zero: int                    # eigenvalues 0 to rounding at the shown iterate (≥ null), left out of λmin, κ
    L: float                     # the Lipschitz constant of ∇J (λ_max ≤ L everywhere)
    inv_L: float                 # 1/L, gd-lipschitz's step
    shown_k: float               # the shown iterate's k (for a large model: the nearest used one at or before it)
    shown_eigs: np.ndarray       # (P,) at that iterate
    shown_kappa: float
    cursor_k: float              # the shown iterate's k (the vertical line)
    lines: tuple                 # (x, y) every eigenvalue's curve, log10 y, NaN between curves
    extremes: tuple              # ((x, log10 λ_min), (x, log10 λ_max))
    kappa_line: tuple            # (x, log10 κ), finite points only
    x_range: tuple
    y_range: tuple               # log10
    kappa_range: tuple           # log10
    show_every: bool
    show_kappa: bool
    lr: float | None             # the shown iterate's learning rate, when its method has one


def null_dims(obj) -> int:
    """Directions in which J is flat by symmetry: softmax's probabilities do not change when one
    vector is added to every class's parameters — its intercepts always, its weights when nothing
    penalizes them. 0 for the binary and one-vs-rest models."""
    if obj.kind != "softmax":
        return 0
    return (1 if obj.fit_intercept else 0) + (0 if obj.l2 > 0 else obj.d)


_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def eigenvalues(problem, it) -> np.ndarray:
    """The eigenvalues (ascending) of ∇²J at iterate ``it``, cached per problem and iterate."""
    cache = _CACHE.setdefault(problem, {})
    key = (it.k, it.coef.tobytes(), it.intercept.tobytes())
    lam = cache.get(key)
    if lam is None:
        obj = problem.objective
        theta = obj.join(it.coef, it.intercept if obj.fit_intercept else None)
        lam = np.linalg.eigvalsh(obj.hessian(theta))
        lam.setflags(write=False)
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = lam
    return lam


def select(ks, per_octave: int = PER_OCTAVE, dense: int = DENSE, last: bool = True) -> np.ndarray:
    """Indices into ``ks`` (ascending iteration numbers) of the iterates used: every k < dense,
    then those on a grid of ``per_octave`` steps per doubling of k, and the last one (``last``)."""
    ks = np.asarray(ks, dtype=np.int64)
    if ks.size == 0:
        return np.zeros(0, dtype=np.intp)
    octave = np.floor(np.log2(np.maximum(ks, 1) / max(dense, 1)))
    stride = np.where(ks < dense, 1, np.maximum(1, (dense * 2.0 ** octave / per_octave))).astype(np.int64)
    keep = (ks % stride) == 0
    keep[-1] |= last
    return np.flatnonzero(keep)


def _nice_log_range(lo: float, hi: float) -> tuple:
    lo, hi = math.floor(lo), math.ceil(hi)
    if hi <= lo:
        hi = lo + 1
    return float(lo), float(hi)


def compute(view: View, history, frame: Frame, options: CurvatureOptions) -> CurvatureData:
    problem = view.problem
    obj = problem.objective
    it = frame.iterate
    if it.coef.shape != (obj.m, obj.d):
        e = np.empty(0)
        return CurvatureData(False, "the shown iterate does not belong to this model", e, np.empty((0, 0)), e, e, e,
                             0, 0, math.nan, math.nan, math.nan, e, math.nan, math.nan, (e, e), ((e, e), (e, e)), (e, e),
                             (0.0, 1.0), (0.0, 1.0), (0.0, 1.0), options.every, options.kappa, None)
    items = [x for x in history if x.k <= it.k and x.coef.shape == it.coef.shape]
    if not items or items[-1].k != it.k:
        items.append(it)
    ks_all = np.array([x.k for x in items], dtype=np.int64)
    # fewer iterates when each Hessian is expensive (n·size² operations, size³ for the eigenvalues)
    cost = float(obj.n) * obj.size ** 2 + float(obj.size) ** 3
    per_octave = int(min(PER_OCTAVE, max(2, FLOP_BUDGET / cost / 16)))
    dense = int(min(DENSE, max(2, FLOP_BUDGET / cost / 4)))
    # an expensive Hessian is not computed anew at every frame: the spectrum shown is the one at
    # the newest iterate of the fixed subset (the first iterate always is in it)
    snap = cost > SNAP_COST
    idx = select(ks_all, per_octave, dense, last=not snap)
    used = [items[i] for i in idx]
    eigs = np.array([eigenvalues(problem, x) for x in used])
    ks = ks_all[idx].astype(np.float64)
    m0 = null_dims(obj)
    N, P = eigs.shape
    lam_max = eigs[:, -1]
    # eigenvalues within rounding of 0 (≤ P·ε·λmax, NumPy's rank tolerance) are directions J does not
    # depend on — softmax's shift symmetry, a feature constant on the training rows — left out of
    # λmin, κ and the log axis (they are the smallest: the spectrum is sorted)
    tol = P * np.finfo(np.float64).eps * np.maximum(lam_max, 0.0)
    nzero = np.sum(eigs <= tol[:, None], axis=1)
    lam_min = np.where(nzero < P, eigs[np.arange(N), np.minimum(nzero, P - 1)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(lam_min > 0, lam_max / np.where(lam_min > 0, lam_min, 1.0), np.inf)
        logs = np.where(eigs > tol[:, None], np.log10(np.where(eigs > 0, eigs, 1.0)), np.nan)
        lo_c = np.where(lam_min > 0, np.log10(np.where(lam_min > 0, lam_min, 1.0)), np.nan)
    L = float(obj.lipschitz())
    shown = eigs[-1]
    # every eigenvalue's curve on the log axis, NaN between curves (and where it is 0)
    if options.every and P:
        cols = range(int(nzero.min()), P)
        xs = np.concatenate([np.append(ks, np.nan) for _ in cols])
        ys = np.concatenate([np.append(logs[:, j], np.nan) for j in cols])
        lines = (xs, ys)
    else:
        lines = (np.empty(0), np.empty(0))
    hi_c = logs[:, -1]
    extremes = ((ks, lo_c), (ks, hi_c))
    finite = np.isfinite(kappa)
    kappa_line = (ks[finite], np.log10(kappa[finite]))
    vals = np.concatenate([lo_c[np.isfinite(lo_c)], hi_c[np.isfinite(hi_c)], [math.log10(L)]])
    if options.every:
        vals = np.concatenate([vals, logs[np.isfinite(logs)]])
    y_range = _nice_log_range(float(vals.min()), float(vals.max()) + 0.1)   # L clear of the top
    kv = kappa_line[1]
    kappa_range = _nice_log_range(float(kv.min()), float(kv.max())) if kv.size else (0.0, 1.0)
    kmax = float(ks_all[-1]) if ks_all.size else 1.0
    x1 = nice_ceil(max(float(history.latest.k) if len(history) else kmax, 5.0), FINE_STEPS)
    lr = it.info.get("lr") if it.method in ("gd", "gd-lipschitz", "sgd", "momentum", "nesterov") else None
    return CurvatureData(
        True, "", ks, eigs, lam_min, lam_max, kappa, m0, int(nzero[-1]), L, 1.0 / L, float(ks[-1]), shown,
        float(kappa[-1]), float(it.k),
        lines, extremes, kappa_line, (0.0, x1), y_range, kappa_range, options.every, options.kappa,
        None if lr is None else float(lr),
    )


def readout(data: CurvatureData, x: float) -> str:
    """The spectrum at the used iterate nearest iteration ``x``."""
    if not data.ok or data.ks.size == 0:
        return ""
    i = int(np.argmin(np.abs(data.ks - x)))
    lmin, lmax, kap = data.lam_min[i], data.lam_max[i], data.kappa[i]
    kap_s = "∞" if not math.isfinite(kap) else f"{kap:.4g}"
    return (f"k = {int(data.ks[i])}:  λmin = {lmin:.4g}   λmax = {lmax:.4g}   κ = {kap_s}   "
            f"L = {data.L:.4g}")
