"""The hands-on panel's frame: the model as a 1-D logistic regression, to drag by hand.

As in MLU-Explain's logistic regression: one input x, the logit z = w·x + b, the
sigmoid σ(z) against x with the samples at their labels, and each sample's
cross-entropy; the weights are handles to drag.

The model's logit is z = wᵀφ + b over its d features φ (after the polynomial map
and standardization). Its 1-D view is the line through the training mean φ̄ of
the features along a direction u, with the axis

    x = α·(uᵀφ) + β,

either **feature j** (u = e_j; x is that feature in input units: α, β undo the
standardization; the other features stay at their training mean) or the **first
principal direction** of the training features (α = 1, β = −uᵀφ̄: x is centred).
Along that line the logit is exactly affine in x, z = S·x + C with

    S = s/α,  C = b + wᵀφ̄ − s·(uᵀφ̄ + β/α),  s = wᵀu.

Setting (S, C) changes the weights along u only: w' = w + (αS − s)·u and b so that
C holds (:func:`weights_for`): for feature j only w_j and the intercept b change.
The samples sit at their own x; with more than one feature their logits also
depend on the features off the line, so their loss is that of the whole model at
the weights drawn — the terms whose weighted mean, plus the penalty, is J, which
is the objective's own value at those weights (:meth:`Objective.value`).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

from logit_gui.core.objective import log_sigmoid, sigmoid, softplus

from .base import Frame, View
from .scale import nice_ceil

__all__ = ["HandsOnOptions", "Line", "HandsOnData", "compute", "line_for", "at_weights", "slope_intercept",
           "weights_for", "move_curve", "turn_curve", "logit", "P_MIN"]

#: points on the drawn curves
CURVE_POINTS = 300

#: a handle dragged beyond p ∈ [P_MIN, 1 − P_MIN] stops there (its logit stays finite)
P_MIN = 1e-3

#: the slope handle sits this fraction of the axis's span from the midpoint handle
SLOPE_OFFSET = 0.2


@dataclass(frozen=True)
class HandsOnOptions:
    feature: int = field(default=1, metadata={
        "label": "along", "range": (0, 9999),
        "tip": "The 1-D view's input x: 1 … d is the model's feature j (x₁, x₂, …, then the polynomial\n"
               "terms), in input units, with the other features at their training mean; dragging changes\n"
               "only w_j and the intercept b. 0: the first principal direction of the training features\n"
               "(centred); dragging changes the weights along that direction and b. The axis label names it."})
    loss: bool = field(default=True, metadata={
        "label": "loss plot",
        "tip": "Below the sigmoid: each sample's cross-entropy −log p(yᵢ | xᵢ) against x, with the two\n"
               "branches −log σ(z) (y = 1) and −log σ(−z) (y = 0) along the line."})


@dataclass(frozen=True, eq=False)
class Line:
    """The 1-D view: x = α·(uᵀφ) + β along u through the training mean φ̄ of the features."""

    u: np.ndarray          # (d,) unit direction in the model's feature space
    alpha: float
    beta: float
    mean: np.ndarray       # φ̄ (d,)
    index: int | None      # j when u = e_j (only w_j and b change), None for the principal direction
    label: str             # the axis label
    about: str             # what the line is, in words
    name: str              # the 1-D weight's name ("w₁", "w along PC1")
    x: np.ndarray          # the drawn training samples' x
    y: np.ndarray          # ... their classes
    rows: np.ndarray       # ... their rows in the training set
    x_range: tuple


@dataclass(frozen=True, eq=False)
class HandsOnData:
    binary: bool
    note: str
    line: Line | None
    coef: np.ndarray           # (1, d) the weights drawn
    intercept: np.ndarray      # (1,)
    S: float                   # the 1-D slope (weight of x)
    C: float                   # the 1-D intercept
    J: float                   # the objective at these weights
    curve_x: np.ndarray
    curve_p: np.ndarray        # σ(S x + C)
    curve_loss1: np.ndarray    # −log σ(S x + C): the loss of a class-1 sample on the line
    curve_loss0: np.ndarray    # −log σ(−(S x + C))
    sample_p_at: np.ndarray    # each drawn sample's label position (y plus a little jitter)
    sample_loss: np.ndarray    # each drawn sample's cross-entropy at these weights
    mid: tuple                 # (x, z) of the midpoint handle: on the curve, at p = ½ where the view has it
    slope: tuple               # (x, z) of the slope handle
    loss_top: float            # the loss plot's upper limit
    x_range: tuple
    show_loss: bool = True     # draw the loss plot


_LINES: "weakref.WeakKeyDictionary[View, dict]" = weakref.WeakKeyDictionary()


def logit(p) -> np.ndarray:
    """log(p / (1 − p)) with p clipped to [P_MIN, 1 − P_MIN]."""
    p = np.clip(np.asarray(p, dtype=np.float64), P_MIN, 1.0 - P_MIN)
    return np.log(p) - np.log1p(-p)


def _subscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _weight_name(j: int) -> str:
    return f"w{_subscript(j)}"


def line_for(view: View, feature: int) -> Line:
    """The 1-D view along ``feature`` (0: the first principal direction, j ≥ 1: feature j, clamped to d);
    cached per view."""
    problem = view.problem
    Phi = view.train_features
    d = Phi.shape[1]
    j = int(min(max(int(feature), 0), d))
    cache = _LINES.setdefault(view, {})
    if j in cache:
        return cache[j]
    mean = Phi.mean(axis=0)
    names = problem.feature_names
    if j == 0:
        _, _, Vt = np.linalg.svd(Phi - mean, full_matrices=False)
        u = Vt[0].copy()
        u *= np.sign(u[np.argmax(np.abs(u))]) or 1.0
        alpha, beta, index = 1.0, -float(u @ mean), None
        label, name = "x = PC1 of the features (centred)", "w along PC1"
        about = (f"along the first principal direction of the {d} features, through their training mean; "
                 "dragging changes the weights along it and b")
    else:
        index = j - 1
        u = np.zeros(d)
        u[index] = 1.0
        scaler = problem.feature_map.scaler
        alpha, beta = ((float(scaler.scale_[index]), float(scaler.mean_[index])) if scaler is not None
                       else (1.0, 0.0))
        label = f"x = {names[index]}"
        about = (f"along {names[index]}, the other {d - 1} feature{'s' if d > 2 else ''} at their training mean; "
                 f"dragging changes only {_weight_name(j)} and b" if d > 1 else "dragging changes w and b")
        name = _weight_name(j)
    rows = view.train_idx[view.curve_sel]
    x = alpha * (Phi[rows] @ u) + beta
    lo, hi = (float(np.min(x)), float(np.max(x))) if x.size else (-1.0, 1.0)
    span = hi - lo if hi > lo else max(1.0, abs(hi))
    x_range = (lo - 0.08 * span, hi + 0.08 * span)
    y = np.asarray(view.problem.train.y)[rows]
    line = Line(u, alpha, beta, mean, index, label, about, name, x, y, rows, x_range)
    cache[j] = line
    return line


def slope_intercept(line: Line, coef, intercept) -> tuple[float, float]:
    """(S, C): the logit along the line is z = S·x + C."""
    w = np.asarray(coef, dtype=np.float64).reshape(-1)
    b = float(np.asarray(intercept, dtype=np.float64).reshape(-1)[0])
    s = float(w @ line.u)
    S = s / line.alpha
    C = b + float(w @ line.mean) - s * (float(line.u @ line.mean) + line.beta / line.alpha)
    return S, C


def weights_for(line: Line, coef, intercept, S: float, C: float, fit_intercept: bool = True):
    """The weights (coef (1, d), intercept (1,)) whose logit along the line is S·x + C: w changed along
    u only, b set to match (without an intercept b stays 0, and C is what follows)."""
    w = np.asarray(coef, dtype=np.float64).reshape(-1).copy()
    s_new = line.alpha * float(S)
    if line.index is not None:  # exactly the one coefficient (the others untouched to the last bit)
        w[line.index] = s_new
    else:
        w += (s_new - float(w @ line.u)) * line.u
    if fit_intercept:
        b = float(C) - float(w @ line.mean) + s_new * (float(line.u @ line.mean) + line.beta / line.alpha)
    else:
        b = 0.0
    return w[None, :], np.array([b])


def move_curve(S: float, x: float, p: float) -> tuple[float, float]:
    """Drag the midpoint handle to (x, p): the curve, its slope kept, passes through it."""
    return float(S), float(logit(p) - S * float(x))


def turn_curve(pivot: tuple, x: float, p: float) -> tuple[float, float]:
    """Drag the slope handle (at abscissa ``x``) to height ``p``: the curve turns about the midpoint
    handle ``pivot`` = (x₀, z₀) to pass through (x, p)."""
    x0, z0 = float(pivot[0]), float(pivot[1])
    S = (float(logit(p)) - z0) / (float(x) - x0)
    return S, z0 - S * x0


def _handles(S: float, C: float, x_range: tuple) -> tuple[tuple, tuple]:
    lo, hi = x_range
    span = hi - lo
    inner = (lo + 0.05 * span, hi - 0.05 * span)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        cross = -C / S if S != 0 else np.nan
    x0 = float(np.clip(cross, *inner)) if np.isfinite(cross) else 0.5 * (lo + hi)
    h = SLOPE_OFFSET * span
    x1 = x0 + h if x0 + h <= inner[1] else x0 - h
    return (x0, S * x0 + C), (x1, S * x1 + C)


def at_weights(view: View, line: Line | None, coef, intercept, *, show_loss: bool = True) -> HandsOnData:
    """What the panel draws for these weights (the shown iterate's, or those being dragged)."""
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
    obj = view.problem.objective
    empty = np.empty(0)
    if view.kind != "binary" or line is None:
        return HandsOnData(False, "the hands-on view is a binary model's: choose two classes (a positive class)",
                           None, coef, intercept, 0.0, 0.0, float("nan"), empty, empty, empty, empty, empty, empty,
                           (0.0, 0.0), (1.0, 0.0), 1.0, (0.0, 1.0), show_loss)
    S, C = slope_intercept(line, coef, intercept)
    J = float(obj.value(obj.join(coef, intercept)))
    xs = np.linspace(*line.x_range, CURVE_POINTS)
    zc = S * xs + C
    z = view.train_features[line.rows] @ coef[0] + intercept[0]  # the whole model's logit of each sample
    y = line.y
    loss = softplus(np.where(y == 1, -z, z))  # −log σ(z) for y = 1, −log σ(−z) for y = 0
    jitter = np.random.default_rng(7).uniform(0.03, 0.09, size=y.size)
    at = np.where(y == 1, 1.0 + jitter, -jitter)
    top = float(np.percentile(loss, 98)) * 1.15 if loss.size else 3.0
    loss_top = nice_ceil(float(np.clip(top, 2.0, 12.0)))
    mid, slope = _handles(S, C, line.x_range)
    note = "" if obj.fit_intercept else "no intercept: b = 0 stays (the midpoint follows the slope)"
    return HandsOnData(True, note, line, coef, intercept, S, C, J, xs, sigmoid(zc), -log_sigmoid(zc),
                       -log_sigmoid(-zc), at, loss, mid, slope, loss_top, line.x_range, show_loss)


def compute(view: View, history, frame: Frame, options: HandsOnOptions) -> HandsOnData:
    it = frame.iterate
    line = line_for(view, options.feature) if view.kind == "binary" else None
    return at_weights(view, line, it.coef, it.intercept, show_loss=bool(options.loss))
