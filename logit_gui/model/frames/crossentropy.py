"""The cross-entropy panel's frame: the per-sample loss, σ and σ′, one sample in detail.

Binary: the two branches of the cross-entropy, −log p for y = 1 and
−log(1 − p) for y = 0, against p = σ(z) (or against the logit z, where they
are the softplus curves log(1 + e^{∓z})), each drawn sample on its branch;
σ(z) and its slope σ′(z) = σ(z)(1 − σ(z)) against z, the samples on σ. For
every drawn sample the numbers a click shows: its input x, z, σ(z), its loss,
∂ℓ/∂z = σ(z) − y and its contribution (sᵢ/Σs)(σ(zᵢ) − yᵢ) x̃ᵢ to ∇J.

Softmax: the loss of a sample is −log p(true class) = −log σ(m) with the
margin m = z_y − log Σ_{j≠y} e^{z_j} (p_y = σ(m) exactly), so one branch;
one-vs-rest: each sample in its own class's binary model, z = z_y.

The "naive" view evaluates the textbook formula −[y log σ + (1 − y) log(1 − σ)]
with σ = 1/(1 + e^{−z}) literally, in float64: 1 − σ rounds to 0 beyond
z ≈ 36.7 and e^{−z} overflows below z ≈ −709.8, so it gives +∞ and 0·(−∞) =
NaN where the stable form (:func:`~logit_gui.core.objective.log_sigmoid`,
min(z, 0) − log1p(e^{−|z|})) stays finite. Both axes are then symmetric-log
(s(v) = sign(v)·log₁₀(1 + |v|)) so |z| up to 1000 fits. NumPy's warnings stay
inside (``np.errstate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from logit_gui.core.objective import decision_function, log_sigmoid, sigmoid, softplus

from .base import Frame, View
from .scale import nice_ceil

__all__ = ["CrossEntropyOptions", "CrossEntropyData", "NaiveData", "compute", "naive_cross_entropy",
           "symlog", "readout", "NAIVE_Z", "FAIL_ONE_MINUS", "FAIL_OVERFLOW"]

#: points on the drawn curves
CURVE_POINTS = 600

#: the naive view's z axis reaches ±NAIVE_Z (symmetric-log)
NAIVE_Z = 1e4


def symlog(v):
    """s(v) = sign(v)·log₁₀(1 + |v|): linear near 0, logarithmic far out (±∞ stay ±∞)."""
    v = np.asarray(v, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.sign(v) * np.log10(1.0 + np.abs(v))


def naive_cross_entropy(z, y):
    """The textbook −[y log σ(z) + (1 − y) log(1 − σ(z))], σ = 1/(1 + e^{−z}), taken
    literally in float64 (+∞ and NaN where it breaks down); no warning escapes."""
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore", under="ignore"):
        p = 1.0 / (1.0 + np.exp(-z))
        return -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def _first_true(pred, lo: float, hi: float) -> float:
    """The smallest float64 z in [lo, hi] with pred(z) (pred monotone: False … True)."""
    lo, hi = float(lo), float(hi)
    while np.nextafter(lo, hi) < hi:
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _one_minus_zero(z) -> bool:
    with np.errstate(over="ignore"):
        return 1.0 - 1.0 / (1.0 + np.exp(-np.float64(z))) == 0.0


def _exp_overflows(z) -> bool:
    with np.errstate(over="ignore"):
        return bool(np.isinf(np.exp(-np.float64(z))))


#: from this z on, 1 − 1/(1 + e^{−z}) is exactly 0 in float64 (≈ 36.74)
FAIL_ONE_MINUS = _first_true(_one_minus_zero, 0.0, 100.0)
#: at and below this z, e^{−z} overflows to +∞ in float64 (≈ −709.78)
FAIL_OVERFLOW = -_first_true(lambda t: _exp_overflows(-t), 0.0, 1000.0)


@dataclass(frozen=True)
class CrossEntropyOptions:
    against_z: bool = field(default=False, metadata={
        "label": "against z", "tip": "Draw the losses against the logit z = wᵀφ(x) + b instead of p = σ(z):\n"
                                     "−log σ(z) = log(1 + e^{−z}) (y = 1) and −log(1 − σ(z)) = log(1 + e^{z}) (y = 0)."})
    naive: bool = field(default=False, metadata={
        "label": "naive log σ", "tip": "Compare the textbook −[y log σ(z) + (1 − y) log(1 − σ(z))] with σ = 1/(1 + e^{−z}),\n"
                                       "evaluated literally in float64, with the stable form log σ(z) = min(z, 0) − log1p(e^{−|z|}):\n"
                                       "1 − σ(z) rounds to 0 beyond z ≈ 36.7 and e^{−z} overflows below z ≈ −709.8, giving +∞ and\n"
                                       "0·log 0 = NaN. Both axes become symmetric-log, s(v) = sign(v)·log₁₀(1 + |v|)."})


@dataclass(frozen=True, eq=False)
class NaiveData:
    """What the textbook formula gives, on the naive view's (symmetric-log) axes."""

    x: np.ndarray             # s(z) of the curve points
    naive: tuple              # per class c (1, then 0): s(naive loss), NaN where not finite
    inf_x: tuple              # per class: s(z) where the naive loss is +∞
    nan_x: tuple              # per class: s(z) where it is NaN
    inf_y: float              # the height of the +∞ band
    nan_y: float              # the height of the NaN band
    band_y: float             # the line between the plot and the bands
    label_x: float            # where the band labels go (nothing fails there)
    fail_x: tuple             # s(z) of the two failure points
    ticks_x: tuple            # (major, minor): ((position, text), ...) for the symmetric-log z axis
    ticks_y: tuple            # ((position, text), ...) for the symmetric-log loss axis
    n_inf: int                # training samples whose naive loss is +∞ at the shown iterate
    n_nan: int                # ... NaN
    n: int
    naive_mean: float         # the textbook mean loss over the training samples (inf or NaN when one fails)
    stable_mean: float        # the stable one
    fail_one_minus: float
    fail_overflow: float


@dataclass(frozen=True, eq=False)
class CrossEntropyData:
    binary: bool
    kind: str
    against_z: bool
    # the loss plot
    loss_x: np.ndarray
    loss1: np.ndarray             # −log p (class 1; multiclass: the true class)
    loss0: np.ndarray | None      # −log(1 − p) (binary)
    loss_x_range: tuple
    loss_y_range: tuple
    loss_xlabel: str
    loss_ylabel: str
    # σ and σ′
    z_curve: np.ndarray
    sig: np.ndarray
    dsig: np.ndarray
    sig_x_range: tuple
    sig_xlabel: str
    # the drawn samples (view.curve_sel): where they go
    y: np.ndarray                 # class codes
    on_loss: tuple                # (x, y) of each sample on its loss branch (the loss plot's coordinates)
    on_sig: tuple                 # (z clipped to the axis, σ(z))
    # ... and what a click shows
    rows: np.ndarray              # training row of each drawn sample
    x: np.ndarray                 # (s, d_in) inputs
    input_names: tuple
    z: np.ndarray                 # exact logit (binary), margin (softmax), own-class logit (ovr)
    p: np.ndarray                 # σ(z)
    loss: np.ndarray              # ℓᵢ
    dldz: np.ndarray              # ∂ℓ/∂z: σ(z) − y (binary), σ(m) − 1 (multiclass)
    contribution: np.ndarray      # (s, m·p): the sample's term of ∇J (weight included)
    contribution_norm: np.ndarray  # ‖·‖₂ of each
    share: np.ndarray | None      # sᵢ/Σs (None where the weights differ per one-vs-rest problem)
    param_names: tuple
    worst: int                    # the drawn sample with the largest loss (shown until one is clicked)
    naive: NaiveData | None


#: what z is, per model kind (axis labels: rich text)
_ZNAME = {
    "binary": "logit z = wᵀφ(x) + b",
    "softmax": "margin m = z<sub>y</sub> − log Σ<sub>j≠y</sub> e<sup>z<sub>j</sub></sup>",
    "ovr": "own class's logit z<sub>y</sub>",
}
_ZSHORT = {"binary": "logit z", "softmax": "margin m", "ovr": "own class's logit z<sub>y</sub>"}


def _param_names(problem, m: int, fit_intercept: bool) -> tuple:
    names = [str(n) for n in problem.feature_names] + (["b"] if fit_intercept else [])
    if m == 1:
        return tuple(names)
    cls = [str(c) for c in problem.classes]
    return tuple(f"{n}[{c}]" for c in cls for n in names)


def _logits(view: View, it, rows):
    return decision_function(it.coef, it.intercept, view.train_features[rows])


def _softmax_margin(Z, y):
    """m = z_y − log Σ_{j≠y} e^{z_j}, stable (p_y = σ(m))."""
    n, K = Z.shape
    zy = Z[np.arange(n), y]
    O = Z.copy()
    O[np.arange(n), y] = -np.inf
    mx = O.max(axis=1)
    lse = mx + np.log(np.exp(O - mx[:, None]).sum(axis=1))
    return zy - lse


def _per_sample(view: View, it, rows, y):
    """(z, p, loss, ∂ℓ/∂z, ∇ℓ as (s, m·p)) of training rows ``rows`` (classes ``y``)."""
    obj = view.problem.objective
    Z = _logits(view, it, rows)
    Xt = view.train_features[rows]
    if obj.fit_intercept:
        Xt = np.column_stack([Xt, np.ones(len(rows))])
    kind = view.kind
    if kind == "binary":
        z = Z[:, 0]
        yy = (y == 1).astype(np.float64)
        p = sigmoid(z)
        loss = softplus((1.0 - 2.0 * yy) * z)       # −log σ(z) for y = 1, −log σ(−z) for y = 0
        # σ(z) − y = (1 − 2y) σ((1 − 2y) z): never 1 − σ rounded
        dldz = (1.0 - 2.0 * yy) * sigmoid((1.0 - 2.0 * yy) * z)
        G = dldz[:, None] * Xt
        return z, p, loss, dldz, G
    K = Z.shape[1]
    Y = (y[:, None] == np.arange(K)[None, :]).astype(np.float64)
    if kind == "softmax":
        z = _softmax_margin(Z, y)
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        R = E / E.sum(axis=1, keepdims=True) - Y        # ∂ℓ/∂z_k = p_k − [k = y]
    else:  # ovr: the sample in its own class's model; the gradient of all K binary terms
        z = Z[np.arange(len(rows)), y]
        sign = 1.0 - 2.0 * Y
        R = sign * sigmoid(sign * Z)                    # σ(z_k) − Y_k
    p = sigmoid(z)
    loss = softplus(-z)
    dldz = -sigmoid(-z)                                 # σ(z) − 1
    G = (R[:, :, None] * Xt[:, None, :]).reshape(len(rows), -1)
    return z, p, loss, dldz, G


def _shares(view: View, rows) -> np.ndarray | None:
    obj = view.problem.objective
    s = np.asarray(obj.sample_weight, dtype=np.float64)
    if view.kind == "ovr" and not np.all(s == s[0]):
        return None
    return s[rows] / s.sum()


def _symlog_ticks(values) -> tuple:
    """((s(v), text), ...) for the tick values ``values`` (a real minus sign)."""
    return tuple((float(symlog(v)), f"{v:g}".replace("-", "−")) for v in values)


def _naive(view: View, it, y_all) -> NaiveData:
    sx = np.linspace(-symlog(NAIVE_Z), symlog(NAIVE_Z), 2 * CURVE_POINTS + 1)
    z = np.sign(sx) * (10.0 ** np.abs(sx) - 1.0)          # the inverse of s
    naive, inf_x, nan_x = [], [], []
    for c in (1, 0):
        v = naive_cross_entropy(z, c)
        fin = np.isfinite(v)
        naive.append(np.where(fin, symlog(np.where(fin, v, 0.0)), np.nan))
        step = max(1, z.size // 120)  # markers: a readable row, not a smear
        inf_x.append(sx[np.isposinf(v)][::step])
        nan_x.append(sx[np.isnan(v)][::step])
    top = float(symlog(NAIVE_Z))
    # the whole training set at the shown iterate
    obj = view.problem.objective
    if view.kind == "binary":
        z_all = decision_function(it.coef, it.intercept, view.train_features)[:, 0]
        yy = (y_all == 1).astype(np.float64)
        nv = naive_cross_entropy(z_all, yy)
        st = softplus((1.0 - 2.0 * yy) * z_all)
    else:
        Z = decision_function(it.coef, it.intercept, view.train_features)
        m = _softmax_margin(Z, y_all) if view.kind == "softmax" else Z[np.arange(Z.shape[0]), y_all]
        nv = naive_cross_entropy(m, 1.0)
        st = softplus(-m)
    s = np.asarray(obj.sample_weight, dtype=np.float64)
    w = s / s.sum() if view.kind != "ovr" else np.full(s.size, 1.0 / s.size)
    with np.errstate(invalid="ignore", over="ignore"):
        naive_mean = float(np.sum(w * nv))
    return NaiveData(
        x=sx, naive=tuple(naive), inf_x=tuple(inf_x), nan_x=tuple(nan_x),
        inf_y=top + 0.35, nan_y=top + 0.7, band_y=top + 0.15,
        label_x=float(0.5 * (symlog(FAIL_ONE_MINUS) + symlog(FAIL_OVERFLOW))),
        fail_x=(float(symlog(FAIL_ONE_MINUS)), float(symlog(FAIL_OVERFLOW))),
        ticks_x=(_symlog_ticks((-1000, -10, 0, 10, 1000)), _symlog_ticks((-100, 100))), ticks_y=_symlog_ticks((0, 1, 10, 100, 1000, 10000)),
        n_inf=int(np.count_nonzero(np.isposinf(nv))), n_nan=int(np.count_nonzero(np.isnan(nv))), n=int(nv.size),
        naive_mean=naive_mean, stable_mean=float(np.sum(w * st)),
        fail_one_minus=FAIL_ONE_MINUS, fail_overflow=FAIL_OVERFLOW,
    )


def compute(view: View, history, frame: Frame, options: CrossEntropyOptions) -> CrossEntropyData:
    it = frame.iterate
    problem = view.problem
    obj = problem.objective
    binary = view.kind == "binary"
    rows = view.train_idx[view.curve_sel]
    y = view.train_y[view.curve_sel]
    z, p, loss, dldz, G = _per_sample(view, it, rows, y)
    share = _shares(view, rows)
    contribution = G * (share[:, None] if share is not None else 1.0)
    # the axes: z up to the 98th percentile of |z| (as the sigmoid panel), the loss to its 99th
    want = float(np.clip(np.percentile(np.abs(z), 98) * 1.15, 6.0, 40.0)) if z.size else 6.0
    zmax = nice_ceil(want)
    zz = np.linspace(-zmax, zmax, CURVE_POINTS)
    sig = sigmoid(zz)
    dsig = sig * sigmoid(-zz)                             # σ(1 − σ) without 1 − σ rounding
    z_plot = np.clip(z, -zmax, zmax)
    ytop = float(np.clip(np.percentile(loss, 99) * 1.15 if loss.size else 3.0, 3.0, 12.0))
    against_z = options.against_z or options.naive
    naive = None
    if options.naive:
        naive = _naive(view, it, np.asarray(problem.train.y))
        lx = naive.x
        zc = np.sign(lx) * (10.0 ** np.abs(lx) - 1.0)
        loss1 = symlog(-log_sigmoid(zc))
        loss0 = symlog(-log_sigmoid(-zc)) if binary else None
        on_loss = (symlog(z), symlog(loss))
        x_range = (float(lx[0]), float(lx[-1]))
        y_range = (0.0, naive.nan_y + 0.25)
        xlabel = _ZSHORT[view.kind] + " (signed log scale)"
        ylabel = "loss (log scale)"
    elif against_z:
        lx = zz
        loss1 = -log_sigmoid(zz)
        loss0 = -log_sigmoid(-zz) if binary else None
        on_loss = (z_plot, loss)
        x_range = (-zmax, zmax)
        y_range = (0.0, nice_ceil(ytop))
        xlabel = "logit z = wᵀφ(x) + b" if binary else _ZNAME[view.kind]
        ylabel = "per-sample loss"
    else:
        # p = σ(z) over a z grid: the branches are resolved right up to p = 0 and p = 1
        zl = np.linspace(-14.0, 14.0, CURVE_POINTS)
        lx = sigmoid(zl)
        loss1 = -log_sigmoid(zl)
        loss0 = -log_sigmoid(-zl) if binary else None
        on_loss = (p if binary else p, loss)
        x_range = (0.0, 1.0)
        y_range = (0.0, nice_ceil(ytop))
        xlabel = "p = σ(z) = P(y = 1 | x)" if binary else "p = p(true class | x)"
        ylabel = "per-sample loss"
    if not binary and not options.naive:
        ylabel = "−log p(true class)"
    return CrossEntropyData(
        binary=binary, kind=view.kind, against_z=against_z,
        loss_x=lx, loss1=loss1, loss0=loss0, loss_x_range=x_range, loss_y_range=y_range,
        loss_xlabel=xlabel, loss_ylabel=ylabel,
        z_curve=zz, sig=sig, dsig=dsig, sig_x_range=(-zmax, zmax),
        sig_xlabel=_ZSHORT[view.kind],
        y=y, on_loss=on_loss, on_sig=(z_plot, p),
        rows=rows, x=np.asarray(problem.train.X)[rows], input_names=tuple(problem.train.feature_names),
        z=z, p=p, loss=loss, dldz=dldz, contribution=contribution,
        contribution_norm=np.linalg.norm(contribution, axis=1), share=share,
        param_names=_param_names(problem, obj.m, obj.fit_intercept),
        worst=int(np.argmax(loss)) if loss.size else -1, naive=naive,
    )


def readout(data: CrossEntropyData, x: float) -> str:
    """The hover text at abscissa ``x`` of the loss plot: both branches there."""
    if data.naive is not None:
        x = float(np.sign(x) * (10.0 ** abs(x) - 1.0))  # back from the symmetric-log axis
    if data.naive is not None or data.against_z:
        a, b = float(-log_sigmoid(x)), float(-log_sigmoid(-x))
        name = "z" if data.binary else "m"
        if not data.binary:
            return f"{name} = {x:.4g}:  −log σ({name}) = {a:.4g}"
        return f"z = {x:.4g}:  −log σ(z) = {a:.4g},  −log(1 − σ(z)) = {b:.4g}"
    if 0.0 < x < 1.0:
        if not data.binary:
            return f"p = {x:.3g}:  −log p = {-np.log(x):.4g}"
        return f"p = {x:.3g}:  −log p = {-np.log(x):.4g},  −log(1 − p) = {-np.log1p(-x):.4g}"
    return ""
