"""The sigmoid panel's frame: every drawn sample on the S-curve (or its loss curve).

Binary: the curve σ(z) = 1/(1 + e^{−z}); each sample at its logit zᵢ, on the
curve at σ(zᵢ) and at its label yᵢ (in a band just outside [0, 1]), joined by
the residual σ(zᵢ) − yᵢ. The "−log p" view: the per-sample cross-entropy
−log σ(z) (class 1) and −log σ(−z) (class 0), each sample on its curve.
Softmax / one-vs-rest: the probability of the true class against the margin
m = log(p_true / (1 − p_true)). Every σ and −log σ here is the core's
(:func:`~logit_gui.core.objective.sigmoid`, :func:`~logit_gui.core.objective.log_sigmoid`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from logit_gui.core.objective import log_sigmoid, sigmoid

from .base import Frame, View
from .scale import nice_ceil

__all__ = ["SigmoidOptions", "SigmoidData", "compute", "MAX_RESIDUALS"]

#: residual lines are drawn for at most this many samples
MAX_RESIDUALS = 100

#: points on the drawn curves
CURVE_POINTS = 400


@dataclass(frozen=True)
class SigmoidOptions:
    loss: bool = field(default=False, metadata={
        "label": "−log p", "tip": "Show each sample's cross-entropy −log p(yᵢ | xᵢ) instead of its probability:\n"
                                 "−log σ(z) for class 1, −log(1 − σ(z)) = −log σ(−z) for class 0.\n"
                                 "The objective J is the (weighted) mean of these values plus the penalty."})
    residuals: bool = field(default=True, metadata={
        "label": "residuals", "tip": "Join each sample's label yᵢ to its σ(zᵢ): the residual σ(zᵢ) − yᵢ,\n"
                                     "the sample's weight in the gradient ∇J = (1/Σs) Σ sᵢ (σ(zᵢ) − yᵢ) x̃ᵢ."})


@dataclass(frozen=True, eq=False)
class SigmoidData:
    binary: bool
    loss: bool
    zmax: float
    curve_z: np.ndarray
    curve1: np.ndarray          # σ(z), or −log σ(z)
    curve0: np.ndarray | None   # −log σ(−z) (binary loss view), else None
    y: np.ndarray               # the drawn samples' classes
    on_curve: tuple             # (z, value) of each drawn sample
    at_label: tuple | None      # (z, jittered label) — binary probability view only
    residuals: np.ndarray       # (2s, 2) segment end points
    x_range: tuple
    y_range: tuple
    left_label: str
    bottom_label: str
    half_line: bool             # draw σ = ½


def compute(view: View, history, frame: Frame, options: SigmoidOptions) -> SigmoidData:
    z = frame.z
    binary = view.kind == "binary"
    ce = options.loss
    want = float(np.clip(np.percentile(np.abs(z), 98) * 1.15, 6.0, 40.0)) if z.size else 6.0
    zmax = nice_ceil(want)
    zz = np.linspace(-zmax, zmax, CURVE_POINTS)
    y = view.train_y[view.curve_sel]
    at_label = None
    residuals = np.empty((0, 2))
    curve0 = None
    if ce:
        curve1 = -log_sigmoid(zz)
        if binary:
            curve0 = -log_sigmoid(-zz)
            vals = np.where(y == 1, -log_sigmoid(z), -log_sigmoid(-z))
            lo = 1.0
        else:
            vals = -log_sigmoid(z)  # −log p_true = −log σ(m)
            lo = 3.0
        ytop = float(np.clip(np.percentile(vals, 99) * 1.15 if vals.size else 3.0, lo, 12.0))
        y_range = (0.0, nice_ceil(max(ytop, 3.0)))
        left = "per-sample loss −log p(yᵢ|xᵢ)"
    else:
        curve1 = sigmoid(zz)
        if binary:
            vals = sigmoid(z)
            jitter = np.random.default_rng(7).uniform(0.05, 0.13, size=y.size)
            ylab = np.where(y == 1, 1.0 + jitter, -jitter)
            at_label = (z, ylab)
            if options.residuals:
                m = min(z.size, MAX_RESIDUALS)
                residuals = np.empty((2 * m, 2))
                residuals[0::2, 0] = z[:m]
                residuals[0::2, 1] = vals[:m]
                residuals[1::2, 0] = z[:m]
                residuals[1::2, 1] = ylab[:m]
            y_range = (-0.16, 1.16)
            left = "σ(z) and label y"
        else:
            vals = frame.p_true
            y_range = (-0.05, 1.05)
            left = "p(true class)"
    bottom = "logit z = wᵀφ(x) + b" if binary else "margin m = logit of p(true class)"
    return SigmoidData(binary, ce, zmax, zz, curve1, curve0, y, (z, vals), at_label, residuals,
                       (-zmax, zmax), y_range, left, bottom, not ce)
