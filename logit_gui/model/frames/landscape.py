"""The landscape panel's frame: the objective over two chosen parameters.

The slice: J(θ) with every parameter held at the shown iterate θ_k except two
— any two of w₁ … w_d, b (for many classes: of one class) — evaluated on a
``GRID`` × ``GRID`` grid that holds the optimizer's whole recorded path.
Filled bands and lines at log-spaced levels above the slice's minimum; the
path so far, one point per recorded iterate (their values are J at those
iterates, as recorded); the current point and the −∇J direction; and what the
method knows about the landscape:

* Newton — the contours of its local quadratic model
  J + gᵀΔ + ½ ΔᵀHΔ (H the true Hessian, restricted to the slice) and the step
  it proposes, −H⁻¹∇J (the full step, projected on the two parameters);
* BFGS, L-BFGS — the ellipse of its quasi-Newton model with B = H̃⁻¹ (H̃ the
  inverse-Hessian approximation): the model's level set through θ_k, and its
  proposed step −H̃∇J;
* line-search methods (gd-backtracking, Newton, BFGS, L-BFGS) — the trial
  points of the step that reached θ_k, the accepted one filled;
* Adagrad, RMSProp, Adam — the per-coordinate step sizes η_i = η / (√acc_i + ε)
  in effect at θ_k, drawn as the box of a step −η_i ∂J/∂θ_i along each axis.

**How the grid is evaluated.** On the slice every sample's loss is a softplus
of an affine function of the two free parameters (u, v):
ℓ_i = softplus(ρ_i + u x_i + v y_i) (+ terms that are affine in u, v or
constant), for the binary, softmax and one-vs-rest models alike. With
n·GRID² of them (6.4·10⁷ for n = 10⁴) an exact evaluation costs about two
seconds in NumPy, far from display rate. So:

* up to ``EXACT_N`` samples the grid is exact: one broadcast of ρ + u x + v y
  for a block of samples over all grid points, a weighted sum by one matrix
  product, in float64;
* beyond, samples are first merged: binned on their values (a at the grid's
  centre, and its change across the grid in u and in v — all in units of the
  logit), each bin replaced by its weighted mean and covariance. Since a is
  affine in (u, v), a bin's mean of a is exact at every grid point and its
  variance is a quadratic in (u, v); softplus(ā) + ½ σ′(ā) Var(a) is the
  bin's loss to third order in the bin's width. The width is chosen so that
  the error, measured against the exact J at a 6 × 6 subset of the grid
  nodes, stays below ``REL_TOL`` of the slice's range of J (with at most
  ``MAX_REPS`` bins). The measured error is reported with the data.

The slice is anchored at the shown iterate: its value there is J(θ_k) from
the objective itself.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field

import numpy as np

from logit_gui.core.errors import LogitError
from logit_gui.core.optimizers import DEFAULTS, make_optimizer

from .base import Frame, View
from .contour import contour_levels
from .scale import nice_ceil

__all__ = ["LandscapeOptions", "LandscapeData", "Overlay", "compute", "slice_values", "choose_params",
           "param_names", "value_at", "restart_point", "level_fractions", "GRID", "N_LEVELS", "EXACT_N", "MAX_REPS",
           "REL_TOL", "FILL_UPSAMPLE"]

#: grid nodes per axis
GRID = 80
#: contour levels J_min + (J_max − J_min)·f, the fractions f log-spaced from f_lo to 1 (exclusive)
N_LEVELS = 9
#: f_lo: the fraction below which this share (in %) of the grid lies — the valley's floor gets
#: the lowest band, whatever the range of J — kept within FRACTION_LIMITS
LOW_PERCENTILE = 3.0
FRACTION_LIMITS = (1e-7, 1e-2)
#: the filled bands are drawn from the grid interpolated this many times finer
FILL_UPSAMPLE = 4
#: up to this many samples the grid is evaluated exactly (float64)
EXACT_N = 400
#: at most this many merged samples (bins) beyond
MAX_REPS = 1000
#: the binned grid's error target, relative to the slice's range of J
REL_TOL = 1e-5
#: nodes per axis of the subset of the grid on which the binned values are checked
CHECK_NODES = 6
#: the −∇J arrow's length, a fraction of the plot's (normalized) diagonal
ARROW_FRACTION = 0.15
#: points on the quasi-Newton ellipse
ELLIPSE_POINTS = 121

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class LandscapeOptions:
    x_param: int = field(default=-1, metadata={
        "label": "x", "range": (-1, 9999),
        "tip": "The parameter on the horizontal axis: 0 … d−1 are the weights w₁ … w_d (the features in\n"
               "order), d is the intercept b. −1: automatic — the coefficient largest in magnitude at the\n"
               "newest iterate (for one feature: w₁). The axis label names it."})
    y_param: int = field(default=-1, metadata={
        "label": "y", "range": (-1, 9999),
        "tip": "The parameter on the vertical axis (numbered like x). −1: automatic — the second largest\n"
               "coefficient (for one feature: the intercept b)."})
    klass: int = field(default=0, metadata={
        "label": "class", "range": (0, 99),
        "tip": "Many classes (softmax, one-vs-rest): whose parameters the two axes are, by class number\n"
               "0 … K−1. Ignored for two classes (one set of parameters)."})
    path: bool = field(default=True, metadata={
        "label": "path", "tip": "The optimizer's path so far: one point per recorded iterate, projected on the\n"
                                "two parameters (each lies on its own slice; the picture is the slice through\n"
                                "the shown iterate)."})
    overlay: bool = field(default=True, metadata={
        "label": "method", "tip": "What the method knows: Newton's quadratic model and step, the BFGS / L-BFGS\n"
                                  "model ellipse and step, a line search's trial points, Adagrad / RMSProp /\n"
                                  "Adam's per-coordinate step sizes."})


@dataclass(frozen=True, eq=False)
class Overlay:
    """The method's own view of the landscape at θ_k (every array in plot coordinates)."""

    method: str
    legend: tuple             # ((symbol, what), ...) for the legend row
    model_segs: np.ndarray    # (2s, 2) Newton's quadratic model: contours at the landscape's levels
    ellipse: np.ndarray       # (q, 2) the quasi-Newton model's level set through θ_k (empty: none)
    step: np.ndarray | None   # (2, 2) from θ_k to where the method's full step goes
    trials: np.ndarray        # (t, 2) trial points of the line search that reached θ_k
    accepted: np.ndarray      # (t,) bool: the accepted trial (θ_k itself)
    ray: np.ndarray           # (2, 2) the search line: from θ_{k−1} to the farthest trial (empty: none)
    box: np.ndarray           # (5, 2) the adaptive methods' per-coordinate step box (empty: none)
    etas: tuple | None        # (η_x, η_y, η) per-coordinate step sizes and the base rate
    note: str                 # what could not be drawn, and why ("" when all is there)


@dataclass(frozen=True, eq=False)
class LandscapeData:
    ok: bool
    message: str                 # why there is no picture (ok False)
    klass: int                   # the class whose parameters are shown (0 for binary)
    ix: int                      # the parameters on the axes (0 … p−1; p−1 the intercept)
    iy: int
    labels: tuple                # axis labels
    xs: np.ndarray               # (G,) grid of the x parameter
    ys: np.ndarray               # (G,)
    Z: np.ndarray                # (G, G) J on the slice: Z[i, j] at (xs[j], ys[i])
    fill: np.ndarray             # (F, F) float32 in [0, 1]: log10((J − J_min)/(J_max − J_min)), scaled
    levels: np.ndarray           # (L,) the contour levels (values of J)
    level_pos: np.ndarray        # (L,) where each level falls on the fill's 0 … 1 scale: (i + 1)/(L + 1)
    segments: np.ndarray         # (2s, 2) the contour lines
    extent: tuple                # (x0, x1, y0, y1)
    path: np.ndarray             # (N, 2) the iterates so far, projected
    path_k: np.ndarray           # (N,) their iteration numbers
    path_J: np.ndarray           # (N,) J at each of them (as recorded)
    current: np.ndarray          # (2,) θ_k on the two axes
    current_J: float             # J(θ_k)
    arrow: np.ndarray | None     # (2, 2) −∇J from θ_k (direction only: a fixed share of the plot)
    grad: np.ndarray             # (2,) ∂J/∂ of the two parameters at θ_k (min-norm subgradient with L1)
    overlay: Overlay | None
    exact: bool                  # the grid is exact (else binned: see ``error``)
    error: float                 # max |grid − J| measured on the check nodes (0 when exact)
    bins: int                    # merged samples used (n when exact)
    z_range: tuple               # (J_min, J_max) on the grid
    race: tuple = ()             # ((label, (N, 2) path), ...): an optimizer race's whole paths, projected


# ----------------------------------------------------------------------
# the parameters
# ----------------------------------------------------------------------
def param_names(problem, klass: int = 0) -> list[str]:
    """Axis names of the p parameters of a class: w₁ (feature), …, b (intercept) (the class is
    named in the legend)."""
    obj = problem.objective
    names = list(problem.feature_names)
    out = [f"w{str(j + 1).translate(_SUB)} ({names[j] if j < len(names) else j + 1})" for j in range(obj.d)]
    if obj.fit_intercept:
        out.append("b (intercept)")
    return out


def choose_params(obj, coef_row, x_param: int, y_param: int) -> tuple[int, int] | None:
    """The two parameter indices (0 … p−1) from the options; −1 picks automatically the
    coefficients largest in magnitude in ``coef_row`` (one feature: w and b). None
    when the model has fewer than two parameters."""
    p = obj.p
    if p < 2:
        return None
    clamp = lambda i: int(min(max(i, 0), p - 1))  # noqa: E731
    order = list(np.argsort(-np.abs(np.asarray(coef_row, dtype=np.float64)[: obj.d]), kind="stable"))
    if obj.fit_intercept:
        order.append(obj.d)                          # the intercept after every weight
    ix = clamp(x_param) if x_param >= 0 else None
    iy = clamp(y_param) if y_param >= 0 else None
    if ix is not None and iy is not None and ix != iy:
        return ix, iy
    if ix is None and iy is not None:
        ix = next(i for i in order if i != iy)
    elif ix is None:
        ix = int(order[0])
    iy = next(int(i) for i in order if i != ix)
    return int(ix), iy


# ----------------------------------------------------------------------
# the slice: per-sample ridge terms
# ----------------------------------------------------------------------
_DESIGN: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _design(problem) -> np.ndarray:
    """X̃ = [X, 1] of the training rows, once per problem (the objective's own)."""
    X = _DESIGN.get(problem)
    if X is None:
        X = np.ascontiguousarray(problem.objective.Xt)
        _DESIGN[problem] = X
    return X


def _class_weights(obj, k: int) -> np.ndarray:
    """Each sample's weight in the (class k) data term, summing to one."""
    if obj.kind == "ovr":
        # one-vs-rest weighs each of its K binary problems on its own ("balanced" per problem)
        return np.asarray(obj._S[:, k], dtype=np.float64)
    s = np.asarray(obj.sample_weight, dtype=np.float64)
    return s / s.sum()


def _ridge_terms(problem, theta, k, ix, iy):
    """(ρ, x, y, w, β): the data term on the slice is Σ w_i softplus(ρ_i + u x_i + v y_i) + β·(u, v)
    plus a constant, for the parameters (u, v) at indices ix, iy of class k.

    binary and one-vs-rest: the loss of the signed logit a = (1 − 2y) z;
    softmax: logsumexp(z) − z_y = log R + softplus(z_k − log R) − z_y with R = Σ_{j≠k} e^{z_j}."""
    obj = problem.objective
    X = _design(problem)
    x, y = X[:, ix], X[:, iy]
    u0, v0 = theta[k, ix], theta[k, iy]
    zk = X @ theta[k] - x * u0 - y * v0             # class k's logit without the two parameters
    w = _class_weights(obj, k)
    beta = np.zeros(2)
    if obj.kind == "softmax":
        others = np.delete(X @ theta.T, k, axis=1)
        mx = others.max(axis=1)
        logR = mx + np.log(np.exp(others - mx[:, None]).sum(axis=1))
        rho = zk - logR
        own = obj.y == k
        beta = -np.array([w[own] @ x[own], w[own] @ y[own]])
        return rho, x, y, w, beta
    positive = (obj.y == 1) if obj.kind == "binary" else (obj.y == k)
    sign = 1.0 - 2.0 * positive
    return sign * zk, sign * x, sign * y, w, beta


def _penalty(obj, idx, t):
    """The penalty's part that depends on parameter ``idx`` (of any class) at value(s) t."""
    if idx >= obj.d:  # the intercept is never penalized
        return np.zeros_like(np.asarray(t, dtype=np.float64))
    t = np.asarray(t, dtype=np.float64)
    return 0.5 * obj.l2 * t * t + obj.l1 * np.abs(t)


def _softplus(a):
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))


# ----------------------------------------------------------------------
# the grid: exact, or from merged samples
# ----------------------------------------------------------------------
def _eval(W, Q, C, U, V, dtype, block):
    """Σ_b W_b [softplus(ā_b) + ½ σ′(ā_b) Var_b] on the grid (V rows × U columns), with
    ā_b = Q0 + Q1 U + Q2 V and Var_b the quadratic in (U, V) of the bin's covariance C
    (None: no covariance, the exact sum over samples). One broadcast per block of
    representatives, the weighted sums as matrix products."""
    G1, G0 = V.size, U.size
    Ud, Vd = U.astype(dtype), V.astype(dtype)
    Au = (Q[0][:, None] + Q[1][:, None] * U[None, :]).astype(dtype)   # (m, G0)
    Av = (Q[2][:, None] * V[None, :]).astype(dtype)                   # (m, G1)
    Wd = W.astype(dtype)
    acc_abs = np.zeros(G1 * G0, dtype)
    acc_log = np.zeros(G1 * G0, dtype)
    acc_var = np.zeros(G1 * G0, dtype) if C is not None else None
    if C is not None:
        Vu = (C[0][:, None] + 2 * C[1][:, None] * U + C[3][:, None] * U * U).astype(dtype)
        Vv = (2 * C[2][:, None] * V + C[5][:, None] * V * V).astype(dtype)
        UV = np.multiply.outer(Vd, Ud)
        c12 = (2 * C[4]).astype(dtype)
    m = W.size
    b = min(block, max(m, 1))
    A = np.empty((b, G1 * G0), dtype)
    E = np.empty_like(A)
    D = np.empty_like(A)
    one = dtype(1.0)
    for lo in range(0, m, block):
        sl = slice(lo, min(lo + block, m))
        r = sl.stop - sl.start
        a, e, d = A[:r], E[:r], D[:r]
        a3 = a.reshape(r, G1, G0)
        np.add(Au[sl, None, :], Av[sl, :, None], out=a3)
        np.abs(a, out=a)
        acc_abs += Wd[sl] @ a
        np.negative(a, out=e)
        np.exp(e, out=e)                                # e^{−|a|} ∈ (0, 1]
        np.add(e, one, out=d)
        np.log(d, out=a)                                # log(1 + e^{−|a|}): absolute error ≤ 1 ulp of 1
        acc_log += Wd[sl] @ a
        if C is not None:
            np.multiply(d, d, out=d)
            np.divide(e, d, out=e)                      # σ′(a) = e^{−|a|} / (1 + e^{−|a|})²
            np.add(Vu[sl, None, :], Vv[sl, :, None], out=a3)
            np.multiply(UV[None, :, :], c12[sl, None, None], out=d.reshape(r, G1, G0))
            a += d
            e *= a
            acc_var += Wd[sl] @ e
    # softplus(a) = max(a, 0) + log(1 + e^{−|a|}), max(a, 0) = (a + |a|)/2 and Σ W a is affine
    lin = float(W @ Q[0]) + float(W @ Q[1]) * U[None, :] + float(W @ Q[2]) * V[:, None]
    out = 0.5 * (lin + acc_abs.reshape(G1, G0)) + acc_log.reshape(G1, G0)
    if C is not None:
        out += 0.5 * acc_var.reshape(G1, G0)
    return out


def _bins(q, w, delta):
    """Merge samples whose (q0, q1, q2) fall in one cube of side ``delta``: (W, Q, C) — each
    bin's weight, weighted mean (3, m) and covariance (6, m: 00 01 02 11 12 22)."""
    k = np.floor(q / delta).astype(np.int64)
    k -= k.min(axis=1, keepdims=True)
    span = k.max(axis=1) + 1
    key = (k[0] * span[1] + k[1]) * span[2] + k[2]
    uniq, inv = np.unique(key, return_inverse=True)
    m = uniq.size
    W = np.bincount(inv, w, m)
    Wi = np.where(W > 0, 1.0 / np.where(W > 0, W, 1.0), 0.0)
    Q = np.stack([np.bincount(inv, w * qi, m) for qi in q]) * Wi
    dq = q - Q[:, inv]
    C = np.stack([np.bincount(inv, w * dq[a] * dq[b], m)
                  for a, b in ((0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2))]) * Wi
    return W, Q, C


def _exact_at(q, w, U, V):
    """The exact Σ w softplus(q0 + q1 U + q2 V) at the grid nodes (V rows × U columns), float64."""
    return _eval(w, q, None, U, V, np.float64, _block(U, V))


def _block(U, V, cells: int = 1 << 17):
    """Samples per block: about ``cells`` values at a time (the three work arrays stay in cache)."""
    return max(8, cells // (U.size * V.size))


def slice_values(problem, theta, k, ix, iy, xs, ys, *, exact: bool | None = None):
    """J on the slice through ``theta`` (m, p): parameters (k, ix) = xs[j], (k, iy) = ys[i] at
    Z[i, j], everything else as in ``theta``. Returns (Z, exact, error, bins): ``error`` is the
    largest |Z − J| measured on the check nodes when the samples were binned (0 when exact).
    ``exact`` forces (True) or forbids (False) the exact evaluation; None: exact up to EXACT_N."""
    obj = problem.objective
    theta = np.asarray(theta, dtype=np.float64)
    rho, x, y, w, beta = _ridge_terms(problem, theta, k, ix, iy)
    u0, v0 = theta[k, ix], theta[k, iy]
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    um, vm = 0.5 * (xs[0] + xs[-1]), 0.5 * (ys[0] + ys[-1])
    hu, hv = max(0.5 * (xs[-1] - xs[0]), 1e-300), max(0.5 * (ys[-1] - ys[0]), 1e-300)
    U, V = (xs - um) / hu, (ys - vm) / hv
    # in units of the logit: a = q0 + q1 U + q2 V, U and V in [−1, 1] over the grid
    q = np.stack([rho + x * um + y * vm, x * hu, y * hv])
    n = rho.size
    use_exact = (n <= EXACT_N) if exact is None else exact
    error, bins = 0.0, n
    if use_exact:
        D = _exact_at(q, w, U, V)
    else:
        ci = np.unique(np.round(np.linspace(0, U.size - 1, CHECK_NODES)).astype(int))
        cj = np.unique(np.round(np.linspace(0, V.size - 1, CHECK_NODES)).astype(int))
        Uc, Vc = U[ci], V[cj]
        truth = _exact_at(q, w, Uc, Vc)
        tol = REL_TOL * max(float(truth.max() - truth.min()), 1e-12)

        def checked(delta):
            W, Q, C = _bins(q, w, delta)
            if W.size > MAX_REPS:
                return None, (W, Q, C)
            return float(np.max(np.abs(_eval(W, Q, C, Uc, Vc, np.float32, _block(Uc, Vc)) - truth))), (W, Q, C)

        delta, best = 1.0, None
        for _ in range(8):
            err, reps = checked(delta)
            if err is None:                  # more bins than MAX_REPS allow
                if best is not None:
                    break                    # keep the finest that fitted
                delta *= 1.05 * math.sqrt(reps[0].size / MAX_REPS)
                continue
            if best is None or err < best[0]:
                best = (err, reps)
            if err <= tol:
                break
            # the error falls like the fourth power of the bins' side (a third-order remainder)
            delta *= min(0.85, 0.9 * (tol / err) ** 0.25)
        if best is not None and best[0] < 0.3 * tol:
            # well inside the target: coarser bins (fewer of them) may do, and cost less
            err, reps = checked(delta * 0.9 * (tol / max(best[0], 1e-300)) ** 0.25)
            if err is not None and err <= tol and reps[0].size < best[1][0].size:
                best = (err, reps)
        if best is None:                     # never fitted (an extreme spread): the last bins, checked
            W, Q, C = reps
            best = (float(np.max(np.abs(_eval(W, Q, C, Uc, Vc, np.float32, _block(Uc, Vc)) - truth))), reps)
        error, (W, Q, C) = best
        bins = int(W.size)
        D = _eval(W, Q, C, U, V, np.float32, _block(U, V))
    D = D + beta[0] * xs[None, :] + beta[1] * ys[:, None]
    # anchored at θ: the grid's offset is J(θ) − (its data and penalty terms at θ)
    a0 = rho + x * u0 + y * v0
    D0 = float(w @ _softplus(a0)) + float(beta @ (u0, v0))
    P = _penalty(obj, ix, xs)[None, :] + _penalty(obj, iy, ys)[:, None]
    P0 = float(_penalty(obj, ix, u0) + _penalty(obj, iy, v0))
    J0 = obj.value(theta.ravel())
    return D + P + (J0 - D0 - P0), use_exact, error, bins


# ----------------------------------------------------------------------
# the frame
# ----------------------------------------------------------------------
def _extent(points, units):
    """(x0, x1, y0, y1) around ``points`` (N, 2): 12 % margins, at least ±1 unit of each
    parameter, rounded outward to a nice step (small moves leave the axes alone)."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    c = 0.5 * (lo + hi)
    half = np.maximum(0.5 * (hi - lo) * 1.24, units)
    out = []
    for a in range(2):
        step = nice_ceil(2 * half[a] / 8)
        out += [math.floor((c[a] - half[a]) / step) * step, math.ceil((c[a] + half[a]) / step) * step]
    return tuple(float(v) for v in out)


_MINIMA: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _slice_minimum(problem, theta, k, ix, iy, reach):
    """Where J is least on the slice through ``theta`` (Newton's method on the two parameters,
    the L1 term left out), moved at most ``reach`` (per axis) from θ: the picture then holds
    the bowl the path is heading for. None if it cannot be found. Kept per problem for the
    last few slices (the newest iterate's: the same for every frame while the cursor scrubs)."""
    key = (theta.tobytes(), k, ix, iy, np.asarray(reach, dtype=np.float64).tobytes())
    memo = _MINIMA.setdefault(problem, {})
    if key not in memo:
        if len(memo) >= 16:
            memo.clear()
        memo[key] = _newton_on_slice(problem, theta, k, ix, iy, reach)
    return memo[key]


def _newton_on_slice(problem, theta, k, ix, iy, reach):
    obj = problem.objective
    rho, x, y, w, beta = _ridge_terms(problem, theta, k, ix, iy)
    pen = np.array([obj.l2 if i < obj.d else 0.0 for i in (ix, iy)])
    start = np.array([theta[k, ix], theta[k, iy]])
    uv = start.copy()

    def f_g_h(uv):
        a = rho + x * uv[0] + y * uv[1]
        e = np.exp(-np.abs(a))
        f = float(w @ (np.maximum(a, 0.0) + np.log1p(e))) + float(beta @ uv) + 0.5 * float(pen @ (uv * uv))
        sig = np.where(a >= 0, 1.0, e) / (1.0 + e)
        h = w * e / ((1.0 + e) * (1.0 + e))
        g = np.array([w @ (sig * x), w @ (sig * y)]) + beta + pen * uv
        H = np.array([[h @ (x * x), h @ (x * y)], [h @ (x * y), h @ (y * y)]]) + np.diag(pen)
        return f, g, H

    f, g, H = f_g_h(uv)
    for _ in range(30):
        try:
            d = -np.linalg.solve(H + 1e-12 * np.trace(H) * np.eye(2), g)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(d)):
            return None
        t = 1.0
        while t > 1e-6:
            cand = np.clip(uv + t * d, start - reach, start + reach)
            fc, gc, Hc = f_g_h(cand)
            if fc <= f:
                break
            t *= 0.5
        else:
            break
        done = np.all(np.abs(cand - uv) <= 1e-6 * reach) or np.any(np.abs(cand - start) >= reach)
        uv, f, g, H = cand, fc, gc, Hc
        if done:
            break
    return uv


_INTERP: dict = {}


def _interp(G: int, f: int) -> np.ndarray:
    """The ((f(G−1)+1) × G) matrix of linear interpolation f times finer (kept: a constant)."""
    R = _INTERP.get((G, f))
    if R is None:
        t = np.linspace(0, G - 1, f * (G - 1) + 1)
        R = _INTERP[(G, f)] = np.maximum(0.0, 1.0 - np.abs(t[:, None] - np.arange(G)[None, :]))
    return R


def _upsample(Z, f):
    """Z (G1, G0) bilinearly interpolated f times finer ((f(G1−1)+1) × (f(G0−1)+1))."""
    return _interp(Z.shape[0], f) @ Z @ _interp(Z.shape[1], f).T


def level_fractions(Z, zmin, zrange) -> np.ndarray:
    """The levels' fractions f of the slice's range, log-spaced: f_lo^(1 − i/N) for i = 0 … N−1,
    f_lo where the lowest LOW_PERCENTILE % of the grid lie (within FRACTION_LIMITS)."""
    frac = (np.asarray(Z) - zmin) / zrange
    lo = float(np.clip(np.percentile(frac, LOW_PERCENTILE), *FRACTION_LIMITS))
    return lo ** (1.0 - np.arange(N_LEVELS) / N_LEVELS)


def _fill(Z, zmin, zrange, f_lo):
    """The fill's coordinate: level i at (i + 1)/(N + 1), linear in log(J − J_min) between them
    and one band below the lowest level; 1 at the maximum."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log10(np.maximum((Z - zmin) / zrange, 1e-300)) / math.log10(f_lo)   # 0 at the top, 1 at f_lo
    return np.clip(1.0 - s * N_LEVELS / (N_LEVELS + 1), 0.0, 1.0).astype(np.float32)


def _path(history, k, ix, iy, shown_k):
    """(all (N, 2) points, so-far mask, ks, Js) of the recorded iterates."""
    items = list(history)
    pts = np.empty((len(items), 2))
    ks = np.empty(len(items))
    Js = np.empty(len(items))
    for n, it in enumerate(items):
        c, b = it.coef, it.intercept
        row = c[min(k, c.shape[0] - 1)]
        d = row.size
        pts[n, 0] = row[ix] if ix < d else b[min(k, b.size - 1)]
        pts[n, 1] = row[iy] if iy < d else b[min(k, b.size - 1)]
        ks[n] = it.k
        Js[n] = it.objective
    return pts, ks <= shown_k, ks, Js


def _unavailable(message, labels=("", "")):
    e = np.empty(0)
    e2 = np.empty((0, 2))
    return LandscapeData(False, message, 0, 0, 1, labels, e, e, np.empty((0, 0)), np.empty((0, 0), np.float32),
                         e, e, e2, (0.0, 1.0, 0.0, 1.0), e2, e, e, np.zeros(2), math.nan, None, np.zeros(2),
                         None, True, 0.0, 0, (0.0, 1.0))


def compute(view: View, history, frame: Frame, options: LandscapeOptions) -> LandscapeData:
    problem = view.problem
    obj = problem.objective
    it = frame.iterate
    theta = np.column_stack([it.coef, it.intercept]) if obj.fit_intercept else np.array(it.coef)
    if theta.shape != (obj.m, obj.p):
        return _unavailable("the shown iterate does not belong to this model")
    k = int(min(max(options.klass, 0), obj.m - 1))
    latest = history.latest if len(history) else it
    pair = choose_params(obj, latest.coef[min(k, latest.coef.shape[0] - 1)], options.x_param, options.y_param)
    names = param_names(problem, k)
    if pair is None:
        return _unavailable("the model has a single parameter: there is no plane to show")
    ix, iy = pair
    labels = (names[ix], names[iy])
    pts, so_far, ks, Js = _path(history, k, ix, iy, it.k)
    current = np.array([theta[k, ix], theta[k, iy]])
    rms = obj.feature_rms()
    units = np.array([1.0 / rms[i] if i < obj.d else 1.0 for i in (ix, iy)])
    # the whole recorded path, and the bowl the newest iterate's slice has (within reach):
    # the axes stay put while the cursor scrubs through the history
    newest = np.column_stack([latest.coef, latest.intercept]) if obj.fit_intercept else np.array(latest.coef)
    reach = np.maximum(2.0 * (pts.max(axis=0) - pts.min(axis=0)), 2.0 * units)
    low = _slice_minimum(problem, newest, k, ix, iy, reach) if newest.shape == theta.shape else None
    extra = [current[None, :]] + ([low[None, :]] if low is not None else [])
    race = ()
    if getattr(view, "race", None) is not None and options.path:  # a race's paths, each from the common start to its end
        race = tuple((e.label, _path(e.history, k, ix, iy, math.inf)[0]) for e in view.race.entries)
        extra += [p for _, p in race if p.shape[0]]
    x0, x1, y0, y1 = _extent(np.vstack([pts, *extra]), units)
    xs = np.linspace(x0, x1, GRID)
    ys = np.linspace(y0, y1, GRID)
    Z, exact, error, bins = slice_values(problem, theta, k, ix, iy, xs, ys)
    zmin, zmax = float(np.min(Z)), float(np.max(Z))
    zrange = max(zmax - zmin, 1e-300)
    fractions = level_fractions(Z, zmin, zrange)
    levels = zmin + zrange * fractions
    level_pos = (np.arange(N_LEVELS) + 1.0) / (N_LEVELS + 1)
    fill = _fill(_upsample(Z, FILL_UPSAMPLE), zmin, zrange, fractions[0])
    segments = contour_levels(Z, levels, xs, ys)
    flat = obj.join(it.coef, it.intercept if obj.fit_intercept else None)
    g_full = obj.subgradient(flat, obj.grad(flat)).reshape(obj.m, obj.p)
    grad = np.array([g_full[k, ix], g_full[k, iy]])
    span = np.array([x1 - x0, y1 - y0])
    arrow = None
    gn = grad / span
    if np.all(np.isfinite(gn)) and np.any(gn != 0):
        d = -gn / np.linalg.norm(gn) * ARROW_FRACTION * math.sqrt(2.0)
        arrow = np.array([current, current + d * span])
    overlay = None
    if options.overlay:
        overlay = _overlay(problem, history, it, theta, flat, k, ix, iy, xs, ys, levels)
    path = pts[so_far] if options.path else np.empty((0, 2))
    return LandscapeData(
        True, "", k, ix, iy, labels, xs, ys, Z, fill, levels, level_pos, segments, (x0, x1, y0, y1),
        path, ks[so_far] if options.path else np.empty(0), Js[so_far] if options.path else np.empty(0),
        current, float(obj.value(flat)), arrow, grad, overlay, exact, error, bins, (zmin, zmax), race,
    )


# ----------------------------------------------------------------------
# what each method knows
# ----------------------------------------------------------------------
_EMPTY2 = np.empty((0, 2))


def _quadratic_grid(J0, g2, H2, current, xs, ys):
    du = xs[None, :] - current[0]
    dv = ys[:, None] - current[1]
    return J0 + g2[0] * du + g2[1] * dv + 0.5 * (H2[0, 0] * du * du + 2 * H2[0, 1] * du * dv + H2[1, 1] * dv * dv)


def _ellipse(g2, B2, current):
    """The level set through θ_k of the model gᵀΔ + ½ ΔᵀBΔ (B positive definite): centred at the
    model's minimum c = −B⁻¹g, {Δ : (Δ − c)ᵀB(Δ − c) = cᵀBc}."""
    try:
        L = np.linalg.cholesky(B2)
    except np.linalg.LinAlgError:
        return _EMPTY2
    c = -np.linalg.solve(B2, g2)
    r2 = float(c @ B2 @ c)
    if not (np.isfinite(r2) and r2 > 0):
        return _EMPTY2
    phi = np.linspace(0.0, 2 * math.pi, ELLIPSE_POINTS)
    circle = np.vstack([np.cos(phi), np.sin(phi)]) * math.sqrt(r2)
    pts = np.linalg.solve(L.T, circle).T + c     # Δ with (Δ − c)ᵀ L Lᵀ (Δ − c) = r²
    return pts + current


def _previous(history, it):
    """The recorded iterate k − 1, if it is in the history."""
    if it.k < 1 or len(history) == 0:
        return None
    _, prev = history.locate(it.k - 1)
    return prev if prev.k == it.k - 1 else None


def _next_direction(history, it):
    """The search direction the method recorded for its step out of ``it`` (in the next iterate's
    info), if that iterate is in the history and took no detour (no reset, no fallback)."""
    if len(history) == 0:
        return None
    _, nxt = history.locate(it.k + 1)
    if nxt.k != it.k + 1 or nxt.info.get("direction") is None or nxt.info.get("search_from", 0):
        return None
    if any("direction" in note or "reset" in note or "cleared" in note for note in nxt.notes):
        return None
    return np.asarray(nxt.info["direction"], dtype=np.float64)


def _flat(obj, it):
    return obj.join(it.coef, it.intercept if obj.fit_intercept else None)


def _trials(problem, history, it, k, idx):
    """Plot coordinates of the trial points of the line search that reached ``it``, and which was
    taken; None when they cannot be placed (the previous iterate thinned away and no direction)."""
    obj = problem.objective
    info = it.info
    trials = tuple(info.get("trials", ()))
    if not trials or it.k < 1:
        return None
    start = int(info.get("search_from", 0))
    ts = np.array([t for t, _ in trials[start:]], dtype=np.float64)
    if ts.size == 0:
        return None
    t_acc = float(it.step_size)
    theta_k = _flat(obj, it)
    prev = _previous(history, it)
    origin = _flat(obj, prev) if prev is not None else None
    d = info.get("direction")
    d = None if d is None else obj.gauge(np.asarray(d, dtype=np.float64))
    method = it.method
    if method == "gd-backtracking" and obj.l1:
        if origin is None:
            return None
        g = obj.grad(origin)
        pts = np.array([obj.prox_l1(origin - t * g, t) for t in ts])
    elif method == "lbfgs" and info.get("owlqn"):
        if origin is None or d is None:
            return None
        pg = obj.subgradient(origin, obj.grad(origin))
        xi = np.where(origin != 0, np.sign(origin), -np.sign(pg))
        pen = obj.penalty_mask > 0
        pts = []
        for t in ts:
            cand = origin + t * d
            pts.append(np.where(pen & (np.sign(cand) != xi), 0.0, cand))
        pts = np.array(pts)
    else:
        if d is None:
            if origin is None or t_acc <= 0:
                return None
            d = (theta_k - origin) / t_acc
        if origin is None:
            origin = theta_k - t_acc * d
        pts = origin[None, :] + ts[:, None] * d[None, :]
    P = pts.reshape(ts.size, obj.m, obj.p)[:, k, :][:, idx]
    accepted = np.isclose(ts, t_acc, rtol=1e-12, atol=0.0)
    start = origin.reshape(obj.m, obj.p)[k, idx]       # θ_{k−1}: set in every branch that gets here
    far = P[int(np.argmax(ts))]
    return P, accepted, np.array([start, far])


def _lbfgs_B(obj, S, Y):
    """B = H⁻¹ of L-BFGS's inverse-Hessian approximation: H₀ = γD⁻² (γ = sᵀy / yᵀD⁻²y of the newest
    pair), then the BFGS updates of B by the pairs, oldest first."""
    D2 = 1.0 / obj.grad_scales() ** 2
    gamma = float(S[-1] @ Y[-1]) / float(Y[-1] @ (D2 * Y[-1])) if len(S) else 1.0
    B = np.diag(1.0 / (gamma * D2))
    for s, y in zip(S, Y):
        Bs = B @ s
        B = B - np.outer(Bs, Bs) / float(s @ Bs) + np.outer(y, y) / float(y @ s)
    return B


def _overlay(problem, history, it, theta, flat, k, ix, iy, xs, ys, levels) -> Overlay | None:
    obj = problem.objective
    method = it.method
    info = it.info
    idx = [k * obj.p + ix, k * obj.p + iy]
    current = np.array([theta[k, ix], theta[k, iy]])
    model_segs, ellipse, step, box, etas = _EMPTY2, _EMPTY2, None, _EMPTY2, None
    trials, accepted, ray = _EMPTY2, np.zeros(0, dtype=bool), _EMPTY2
    legend, notes = [], []
    line_search = method in ("gd-backtracking", "newton", "bfgs", "lbfgs")
    if line_search:
        tr = _trials(problem, history, it, k, idx)
        if tr is not None:
            trials, accepted, ray = tr
            if not np.all(accepted):
                legend.append(("○", "rejected trials"))
        elif it.k >= 1:
            notes.append("the line search's trial points are not recorded for this iterate")
    if method == "newton":
        g = obj.grad(flat)
        # the Hessian's 2 × 2 block on the axes: two Hessian-vector products, not the whole matrix
        cols = np.column_stack([obj.hessp(flat, np.eye(obj.size)[i]) for i in idx])
        H2 = cols[idx]
        J0 = obj.value(flat)
        Q = _quadratic_grid(J0, g[idx], 0.5 * (H2 + H2.T), current, xs, ys)
        model_segs = contour_levels(Q, levels, xs, ys)
        legend.append(("━━", "Newton's model"))
        d = _next_direction(history, it)
        if d is None:
            try:
                opt = make_optimizer("newton", obj, flat)
                d = opt._direction(opt.g)[0]   # the method's own: scaled, damped when singular
            except (LogitError, np.linalg.LinAlgError):
                notes.append("no Newton step here")
        if d is not None:
            step = np.array([current, current + obj.gauge(d)[idx]])
            legend.append(("⇢", "Newton step"))
    elif method in ("bfgs", "lbfgs"):
        g = obj.grad(flat)
        pg = obj.subgradient(flat, g)
        B = None
        Hinv = None
        if method == "bfgs":
            Hinv = info.get("H_inv")
            if Hinv is not None:
                Hinv = np.asarray(Hinv, dtype=np.float64)
                try:
                    B = np.linalg.inv(Hinv)
                except np.linalg.LinAlgError:
                    B = None
            else:
                notes.append("BFGS keeps its inverse-Hessian in the iterates only up to 64 parameters")
        else:
            S, Y = info.get("S"), info.get("Y")
            if S is not None and Y is not None:
                S = np.asarray(S, dtype=np.float64).reshape(-1, obj.size)
                Y = np.asarray(Y, dtype=np.float64).reshape(-1, obj.size)
                B = _lbfgs_B(obj, S, Y)
            elif not info.get("pairs"):
                notes.append("no curvature pairs yet: the first step is along −D⁻²∇J")
            else:
                notes.append("L-BFGS keeps its curvature pairs in the iterates only up to 64 parameters")
        if B is not None:
            B2 = B[np.ix_(idx, idx)]
            ellipse = _ellipse(pg[idx], 0.5 * (B2 + B2.T), current)
            legend.append(("◯", f"{'BFGS' if method == 'bfgs' else 'L-BFGS'} model"))
            try:
                d = -(Hinv @ pg) if Hinv is not None else -np.linalg.solve(B, pg)
                if method == "lbfgs" and info.get("owlqn"):
                    d = np.where(d * pg < 0, d, 0.0)
                step = np.array([current, current + obj.gauge(d)[idx]])
                legend.append(("⇢", f"{'BFGS' if method == 'bfgs' else 'L-BFGS'} step"))
            except np.linalg.LinAlgError:
                pass
    elif method in ("adagrad", "rmsprop", "adam"):
        lr = float(info.get("lr", DEFAULTS["lr"]))
        eps = float(info.get("eps", DEFAULTS["eps"]))
        acc = None
        if method == "adagrad":
            acc = info.get("G")
        elif method == "rmsprop":
            acc = info.get("E")
        else:
            v = info.get("v")
            t = info.get("t")
            if v is not None and t:
                acc = np.asarray(v) / (1.0 - float(info.get("beta2", DEFAULTS["beta2"])) ** int(t))
        if acc is not None and np.any(np.asarray(acc)[idx] > 0):
            eta = lr / (np.sqrt(np.asarray(acc, dtype=np.float64)[idx]) + eps)
            g2 = obj.subgradient(flat, obj.grad(flat))[idx]
            # the step −ηᵢ ∂J/∂θᵢ along each axis, drawn like the −∇J arrow (its direction, the same
            # length on the plot's normalized axes): the box's sides are in the ratio of the steps
            span = np.array([xs[-1] - xs[0], ys[-1] - ys[0]])
            move = -eta * g2
            size = np.linalg.norm(move / span)
            if np.all(np.isfinite(move)) and size > 0:
                dx, dy = move / size * ARROW_FRACTION * math.sqrt(2.0)
                cx, cy = current
                box = np.array([[cx, cy], [cx + dx, cy], [cx + dx, cy + dy], [cx, cy + dy], [cx, cy]])
                step = np.array([current, current + (dx, dy)])
            etas = (float(eta[0]), float(eta[1]), lr)
            legend.append(("▭", "per-axis steps"))
        else:
            notes.append("no step sizes yet (no step taken)")
    if not legend and not notes:
        return None
    return Overlay(method, tuple(legend), model_segs, ellipse, step, trials, accepted, ray, box, etas,
                   "; ".join(notes))


# ----------------------------------------------------------------------
# hover and click
# ----------------------------------------------------------------------
def _replaced(view: View, frame: Frame, data: LandscapeData, x: float, y: float):
    it = frame.iterate
    coef = np.array(it.coef, dtype=np.float64)
    intercept = np.array(it.intercept, dtype=np.float64)
    d = coef.shape[1]
    for i, val in ((data.ix, x), (data.iy, y)):
        if i < d:
            coef[data.klass, i] = val
        else:
            intercept[data.klass] = val
    return coef, intercept


def value_at(view: View, frame: Frame, data: LandscapeData, x: float, y: float) -> float:
    """J exactly at plot point (x, y) of the slice (from the objective, not the grid)."""
    obj = view.problem.objective
    coef, intercept = _replaced(view, frame, data, x, y)
    return float(obj.value(obj.join(coef, intercept if obj.fit_intercept else None)))


def restart_point(view: View, frame: Frame, data: LandscapeData, x: float, y: float):
    """(coef, intercept): the shown iterate's parameters with the two on the axes set to (x, y)."""
    return _replaced(view, frame, data, x, y)
