"""The "why not MSE" panel's frame: cross-entropy against squared error on σ(z).

For the shown iterate θ̂ and two of its parameters θ_i, θ_j (the largest
weight and the intercept b, or the two largest weights) the landscapes over
the plane θ = θ̂ + a·e_i + b·e_j of

* the mean cross-entropy CE(θ) = (1/Σs) Σ s_k log(1 + e^{(1 − 2y_k) z_k}), and
* the mean squared error MSE(θ) = (1/Σs) Σ s_k ½(σ(z_k) − y_k)²,

with z_k = x̃_k·θ, both computed here for all grid points at once: the
logits of every grid point are one matrix product Z = [x̃θ̂ − θ̂_i x_i − θ̂_j x_j,
x_i, x_j] · [1; a; b] (rows of samples, columns of grid points). The data terms
only (no penalty). Their curvature over the plane is exact: the 2×2 Hessian
Σ s_k ℓ''(z_k) [x_i, x_j]ᵀ[x_i, x_j] / Σs, with ℓ'' = σ(1 − σ) for the
cross-entropy (never negative: convex) and ℓ'' = σ′² + (σ − y)σ″,
σ″ = σ′(1 − 2σ), for the squared error, negative where σ saturates on the
wrong side: there the MSE is non-convex (its smallest eigenvalue λ_min < 0)
and flat. And the gradient magnitude per sample against z:
|∂ℓ/∂z| = |σ − y| for the cross-entropy, |σ − y|·σ(1 − σ) for ½(σ − y)² —
a sample that is confidently wrong pushes hard on CE and hardly at all on MSE.

Binary models only. More than :data:`MAX_SAMPLES` training samples: a fixed
random subset of them (the same for both landscapes).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

import numpy as np

from logit_gui.core.objective import decision_function, sigmoid

from .base import Frame, View
from .contour import contour_levels, contour_segments
from .scale import nice_ceil

__all__ = ["MseOptions", "MseData", "compute", "landscapes", "MAX_SAMPLES", "GRID"]

#: at most this many training samples enter the landscapes (a fixed random subset beyond)
MAX_SAMPLES = 1000

#: grid points per side of the landscapes
GRID = 51

#: contour lines per landscape
N_LEVELS = 12

#: rows of samples per block of the grid product (bounds the work arrays at BLOCK × GRID² floats)
BLOCK = 256

#: points on the gradient curves
CURVE_POINTS = 400

#: the log view of |∂ℓ/∂z| reaches down to 10^−LOG_DECADES
LOG_DECADES = 8

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")

_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class MseOptions:
    pair: str = field(default="wb", metadata={
        "label": "plane", "tip": "The two parameters the landscapes vary, through the shown iterate:\n"
                                 "the weight largest in magnitude and the intercept b, or the two largest weights\n"
                                 "(at θ = 0: the largest gradient components).",
        "choices": [("wb", "largest w and b"), ("ww", "two largest w")]})
    span: float = field(default=6.0, metadata={
        "label": "half-width", "tip": "How far the landscapes reach on each side of the shown iterate,\n"
                                      "in the units of the parameters.",
        "range": (1.0, 30.0), "step": 0.5})
    log_grad: bool = field(default=False, metadata={
        "label": "log |∂ℓ/∂z|", "tip": "A logarithmic axis for the gradient magnitudes: the squared error's\n"
                                       "vanishes like e^{−|z|} where σ saturates, on the wrong side too."})


@dataclass(frozen=True, eq=False)
class MseData:
    message: str                 # non-empty: nothing to draw, say this instead
    a: np.ndarray                # (G,) values of θ_i
    b: np.ndarray                # (G,) values of θ_j
    names: tuple                 # (name of θ_i, name of θ_j)
    centre: tuple                # (θ̂_i, θ̂_j): the shown iterate
    ce: np.ndarray               # (G, G) mean cross-entropy, [row j of b, column i of a]
    mse: np.ndarray              # (G, G) mean ½(σ − y)²
    ce_lam: np.ndarray           # (G, G) smallest eigenvalue of the 2×2 Hessian of CE over the plane
    mse_lam: np.ndarray          # ... of MSE
    ce_image: np.ndarray         # (G, G) in 0..1 for the colour map
    mse_image: np.ndarray
    ce_levels: np.ndarray        # (2s, 2) contour segments
    mse_levels: np.ndarray
    ce_nonconvex: np.ndarray     # (2s, 2) the outline of {λ_min < 0}
    mse_nonconvex: np.ndarray
    ce_mask: np.ndarray          # (G, G) bool: λ_min < 0 (CE: never, it is convex)
    mse_mask: np.ndarray         # (G, G) bool: λ_min < 0 (MSE)
    ce_fraction: float           # share of the grid where λ_min < 0
    mse_fraction: float
    ce_min: tuple                # the grid minimum (a, b)
    mse_min: tuple
    n_used: int                  # samples in the landscapes
    n_train: int
    # |∂ℓ/∂z| against z
    z_curve: np.ndarray
    grad_ce: tuple               # (y = 0, y = 1) curves |σ − y|
    grad_mse: tuple              # (y = 0, y = 1) curves |σ − y| σ(1 − σ)
    z: np.ndarray                # the drawn samples (view.curve_sel): z clipped to the axis
    y: np.ndarray
    sample_ce: np.ndarray
    sample_mse: np.ndarray
    z_range: tuple
    g_range: tuple
    log_grad: bool               # the gradient values above are log10 of the magnitudes
    g_ticks: tuple | None        # ((log10 value, text), ...) for the log axis (None: linear)


def _empty(message: str, log_grad: bool) -> MseData:
    e1, e2, seg = np.empty(0), np.empty((0, 0)), np.empty((0, 2))
    return MseData(message, e1, e1, ("", ""), (0.0, 0.0), e2, e2, e2, e2, e2, e2, seg, seg, seg, seg,
                   np.zeros((0, 0), dtype=bool), np.zeros((0, 0), dtype=bool), 0.0, 0.0, (0.0, 0.0), (0.0, 0.0), 0, 0,
                   e1, (e1, e1), (e1, e1), e1, np.empty(0, dtype=np.intp), e1, e1, (-1.0, 1.0), (0.0, 1.0),
                   log_grad, None)


def _samples(problem):
    """(rows, X̃ (m, p), y ∈ {0, 1}, s/Σs) of the samples in the landscapes; cached per problem."""
    with _LOCK:
        hit = _CACHE.get(problem)
    if hit is not None:
        return hit
    obj = problem.objective
    n = obj.n
    if n > MAX_SAMPLES:
        rows = np.sort(np.random.default_rng(0).choice(n, MAX_SAMPLES, replace=False))
    else:
        rows = np.arange(n)
    X = problem.feature_map.transform(np.asarray(problem.train.X)[rows])
    Xt = np.column_stack([X, np.ones(rows.size)]) if obj.fit_intercept else np.ascontiguousarray(X)
    y = (np.asarray(problem.train.y)[rows] == 1).astype(np.float64)
    s = np.asarray(obj.sample_weight, dtype=np.float64)[rows]
    out = (rows, Xt, y, s / s.sum())
    with _LOCK:
        _CACHE[problem] = out
    return out


def _pick(theta, grad, d: int, fit_intercept: bool, pair: str) -> tuple[int, int]:
    """The plane's two coordinates: the largest |θ| (ties, θ = 0: the largest |∇J|)."""
    key = np.abs(theta) if np.any(theta[:d]) else np.abs(grad)
    order = [int(k) for k in np.argsort(-key[:d], kind="stable")]
    if pair == "wb" and fit_intercept:
        return order[0], d
    if d >= 2:
        return order[0], order[1]
    return order[0], d if fit_intercept else order[0]


def landscapes(Xt, y, s, theta, i: int, j: int, A, B):
    """CE, MSE and the smallest eigenvalue of each one's 2×2 Hessian over the plane
    θ = θ̂ + (a − θ̂_i) e_i + (b − θ̂_j) e_j, for a in A, b in B: arrays (len(B), len(A)).

    The logits of all grid points: one matrix product per block of samples,
    [x̃θ̂ − θ̂_i x_i − θ̂_j x_j, x_i, x_j] · [1; a; b]."""
    AA, BB = np.meshgrid(A, B)
    C = np.vstack([np.ones(AA.size), AA.ravel(), BB.ravel()])        # (3, G²)
    xi, xj = Xt[:, i], Xt[:, j]
    base = np.column_stack([Xt @ theta - theta[i] * xi - theta[j] * xj, xi, xj])  # (n, 3)
    quad = np.column_stack([xi * xi, xi * xj, xj * xj]) * s[:, None]             # (n, 3)
    ce = np.zeros(C.shape[1])
    mse = np.zeros(C.shape[1])
    Hce = np.zeros((C.shape[1], 3))
    Hmse = np.zeros((C.shape[1], 3))
    for lo in range(0, Xt.shape[0], BLOCK):
        sl = slice(lo, lo + BLOCK)
        Z = base[sl] @ C                                              # (block, G²)
        pos = y[sl, None] > 0.5
        sb = s[sl]
        # everything from one e^{−|z|}: σ(z) = p, 1 − σ(z) = q (never 1 − p rounded)
        e = np.exp(-np.abs(Z))
        u = 1.0 / (1.0 + e)
        eu = e * u
        up = Z >= 0
        p = np.where(up, u, eu)
        q = np.where(up, eu, u)
        # log(1 + e^{(1 − 2y) z}) = max((1 − 2y) z, 0) + log1p(e^{−|z|})
        ce += sb @ (np.maximum(np.where(pos, -Z, Z), 0.0) + np.log1p(e))
        r = np.where(pos, -q, p)                                      # σ − y
        mse += sb @ (0.5 * r * r)
        d1 = p * q                                                    # σ′ = σ(1 − σ)
        Hce += d1.T @ quad[sl]
        Hmse += (d1 * (d1 + r * (q - p))).T @ quad[sl]                # σ′² + (σ − y) σ″, σ″ = σ′(1 − 2σ)
    shape = (len(B), len(A))

    def lam_min(H):
        h11, h12, h22 = H[:, 0], H[:, 1], H[:, 2]
        return (0.5 * (h11 + h22) - np.sqrt(0.25 * (h11 - h22) ** 2 + h12 * h12)).reshape(shape)

    return ce.reshape(shape), mse.reshape(shape), lam_min(Hce), lam_min(Hmse)


def _image(v) -> np.ndarray:
    lo, hi = float(np.min(v)), float(np.max(v))
    return (v - lo) / (hi - lo) if hi > lo else np.zeros_like(v)


def _levels(v, xs, ys) -> np.ndarray:
    lo, hi = float(np.min(v)), float(np.max(v))
    if not hi > lo:
        return np.empty((0, 2))
    return contour_levels(v, np.linspace(lo, hi, N_LEVELS + 2)[1:-1], xs, ys)


def _argmin(v, xs, ys) -> tuple:
    r, c = np.unravel_index(int(np.argmin(v)), v.shape)
    return float(xs[c]), float(ys[r])


def _names(problem, d: int, fit_intercept: bool) -> list[str]:
    return [f"w[{n}]" for n in problem.feature_names] + (["b"] if fit_intercept else [])


def compute(view: View, history, frame: Frame, options: MseOptions) -> MseData:
    if view.kind != "binary":
        return _empty(f"The squared-error comparison is drawn for binary models; this one has {view.K} classes "
                      "(choose a positive class: “X vs rest”).", options.log_grad)
    problem = view.problem
    obj = problem.objective
    it = frame.iterate
    rows, Xt, y, s = _samples(problem)
    theta = obj.join(it.coef, it.intercept)
    grad = obj.grad(theta) if not np.any(theta[: obj.d]) else np.zeros_like(theta)
    i, j = _pick(theta, grad, obj.d, obj.fit_intercept, options.pair)
    h = float(options.span)
    A = theta[i] + np.linspace(-h, h, GRID)
    B = theta[j] + np.linspace(-h, h, GRID)
    ce, mse, ce_lam, mse_lam = landscapes(Xt, y, s, theta, i, j, A, B)
    # a relative floor: λ_min within round-off of 0 is not "negative"
    tol_ce = 1e-12 * max(float(np.max(np.abs(ce_lam))), 1e-300)
    tol_mse = 1e-12 * max(float(np.max(np.abs(mse_lam))), 1e-300)
    ce_mask = ce_lam < -tol_ce
    mse_mask = mse_lam < -tol_mse
    names = _names(problem, obj.d, obj.fit_intercept)
    # |∂ℓ/∂z| against z, the drawn samples on it
    zs = decision_function(it.coef, it.intercept, view.train_features[view.train_idx[view.curve_sel]])[:, 0]
    ys = view.train_y[view.curve_sel]
    want = float(np.clip(np.percentile(np.abs(zs), 98) * 1.15, 8.0, 40.0)) if zs.size else 8.0
    zmax = nice_ceil(want)
    zz = np.linspace(-zmax, zmax, CURVE_POINTS)
    sig, sig_m = sigmoid(zz), sigmoid(-zz)
    slope = sig * sig_m
    grad_ce = (sig, sig_m)                     # |σ − 0| = σ, |σ − 1| = 1 − σ = σ(−z)
    grad_mse = (sig * slope, sig_m * slope)
    zc = np.clip(zs, -zmax, zmax)
    ps, pms = sigmoid(zc), sigmoid(-zc)
    sample_ce = np.where(ys == 1, pms, ps)
    sample_mse = sample_ce * ps * pms
    g_ticks = None
    if options.log_grad:
        # log10 of the magnitudes (a floor: what is below it sits on the axis), decade ticks
        lo = -float(LOG_DECADES)

        def lg(v):
            return np.log10(np.maximum(v, 10.0 ** lo))

        grad_ce, grad_mse = tuple(lg(c) for c in grad_ce), tuple(lg(c) for c in grad_mse)
        sample_ce, sample_mse = lg(sample_ce), lg(sample_mse)
        g_range = (lo - 0.4, 0.4)  # room for the end decades' labels
        g_ticks = tuple((float(e), "1" if e == 0 else "10" + str(e).translate(_SUPERSCRIPT))
                        for e in range(int(lo), 1, 2))
    else:
        g_range = (0.0, 1.05)
    return MseData(
        message="", a=A, b=B, names=(names[i], names[j]), centre=(float(theta[i]), float(theta[j])),
        ce=ce, mse=mse, ce_lam=ce_lam, mse_lam=mse_lam, ce_image=_image(ce), mse_image=_image(mse),
        ce_levels=_levels(ce, A, B), mse_levels=_levels(mse, A, B),
        ce_nonconvex=contour_segments(np.where(ce_mask, -1.0, 1.0), 0.0, A, B) if ce_mask.any() else np.empty((0, 2)),
        mse_nonconvex=contour_segments(np.where(mse_mask, -1.0, 1.0), 0.0, A, B) if mse_mask.any() else np.empty((0, 2)),
        ce_mask=ce_mask, mse_mask=mse_mask, ce_fraction=float(ce_mask.mean()), mse_fraction=float(mse_mask.mean()),
        ce_min=_argmin(ce, A, B), mse_min=_argmin(mse, A, B), n_used=int(rows.size), n_train=int(obj.n),
        z_curve=zz, grad_ce=grad_ce, grad_mse=grad_mse, z=zc, y=ys, sample_ce=sample_ce, sample_mse=sample_mse,
        z_range=(-zmax, zmax), g_range=g_range, log_grad=options.log_grad, g_ticks=g_ticks,
    )


def readout(data: MseData, a: float, b: float) -> str:
    """CE and MSE at plane point (a, b), read off the grid ("" outside)."""
    if data.message or data.a.size == 0:
        return ""
    A, B = data.a, data.b
    if not (A[0] <= a <= A[-1] and B[0] <= b <= B[-1]):
        return ""
    c = int(round((a - A[0]) / (A[-1] - A[0]) * (A.size - 1)))
    r = int(round((b - B[0]) / (B[-1] - B[0]) * (B.size - 1)))
    shape = "convex" if data.mse_lam[r, c] >= 0 else "non-convex"
    return (f"{data.names[0]} = {a:.3g}, {data.names[1]} = {b:.3g}:  CE = {data.ce[r, c]:.4g},  "
            f"MSE = {data.mse[r, c]:.4g} ({shape} there)")
