"""The ROC panel's frame: the shown iterate's ROC curves, train and test, with their AUC.

Binary models: the curve of the score p(y = 1 | x) (the core's
:func:`~logit_gui.core.metrics.roc_curve`, collinear points dropped), its area
(:func:`~logit_gui.core.metrics.roc_auc`, equal to scikit-learn's) and the
operating point of the shared decision threshold t — the false- and
true-positive rates of "class 1 where p ≥ t". That point is a vertex of the
curve, and a click near a vertex sets t to that vertex's threshold
(:func:`threshold_at`).

Many classes, an option: one-vs-rest curves, one per class (class k against
the rest, scored by p_k), with the macro-average AUC; or the micro-average,
one curve of every (sample, class) pair pooled. The decision there is the most
probable class, and its point on each curve is where the argmax classifier
sits (class k's rates; micro: TPR = accuracy, FPR = (1 − accuracy)/(K − 1)).

:func:`curves` does the work for the precision–recall panel too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from logit_gui.core import metrics

from .base import Frame, View
from .confusion import decide, samples, threshold_field

__all__ = ["RocOptions", "Curve", "CurvesData", "compute", "curves", "threshold_at", "nearest", "MULTICLASS"]

#: a curve with more vertices than this is thinned for drawing (consecutive vertices closer than
#: 1/THIN_GRID of the unit square merge: far below a pixel); areas and points are of the whole curve
MAX_CURVE_POINTS = 4000
THIN_GRID = 2000

#: how many classes are drawn
MULTICLASS = (("ovr", "one-vs-rest, per class"), ("micro", "micro-average"))

_TEST_TIP = "Also the curves of the held-out test samples (dashed)."
_MULTI_TIP = ("Many classes: one curve per class, that class against the rest (one-vs-rest, scored by p_k),\n"
              "with the macro-average area; or one micro-averaged curve of every (sample, class) pair\n"
              "pooled. The points mark the argmax classifier (the threshold applies to binary models).")


@dataclass(frozen=True)
class RocOptions:
    threshold: float = threshold_field()
    test: bool = field(default=True, metadata={"label": "test", "tip": _TEST_TIP})
    multiclass: str = field(default="ovr", metadata={"label": "many classes", "choices": MULTICLASS,
                                                     "tip": _MULTI_TIP})


@dataclass(frozen=True, eq=False)
class Curve:
    split: str               # "train" | "test"
    k: int | None            # class k against the rest; None: the binary model or the micro-average
    x: np.ndarray            # ROC: false-positive rate; PR: recall
    y: np.ndarray            # ROC: true-positive rate; PR: precision
    thresholds: np.ndarray   # each point's score threshold (predicted positive where score ≥ it; +inf: none)
    area: float              # ROC: AUC; PR: average precision (NaN: one class only)
    point: tuple | None      # the operating point (x, y): p ≥ t (binary) or the argmax classifier
    # (beyond MAX_CURVE_POINTS vertices x, y, thresholds are thinned for drawing; area and point are exact)
    positives: int
    negatives: int


@dataclass(frozen=True, eq=False)
class CurvesData:
    kind: str                # "roc" | "pr"
    mode: str                # "binary" | "ovr" | "micro"
    threshold: float | None  # binary: t; many classes: None (argmax)
    classes: tuple           # class names
    curves: tuple            # Curve, ...: train first, then test; within a split by class
    macro: tuple             # ((split, macro-average area), ...) for one-vs-rest; () otherwise
    baselines: tuple         # PR: ((split, positive share), ...) — a no-skill classifier's precision; ROC: ()
    splits: tuple            # the splits drawn


def _binary_curve(kind: str, split: str, k, y01: np.ndarray, score: np.ndarray, tp: int, fp: int) -> Curve:
    """The curve of 0/1 labels ``y01`` scored by ``score``, with the operating point of tp, fp."""
    pos = int(np.count_nonzero(y01))
    neg = int(y01.size - pos)
    empty = np.empty(0)
    if pos == 0 or neg == 0:  # one class only: no curve, no area
        return Curve(split, k, empty, empty, empty, float("nan"), None, pos, neg)
    # one sort per curve: the areas are the metrics' own sums over these very points (the
    # points a dropped vertex would add are collinear (ROC) or add no recall (PR): no area)
    if kind == "roc":
        x, y, thr = metrics.roc_curve(y01, score)
        area = float((np.diff(x) * (y[1:] + y[:-1]) / 2.0).sum())  # metrics.roc_auc
        point = (fp / neg, tp / pos)
    else:
        y, x, thr = metrics.precision_recall_curve(y01, score, drop_intermediate=True)
        thr = np.r_[thr, np.inf]  # the last point (recall 0, precision 1): nothing predicted positive
        area = float(max(0.0, -np.sum(np.diff(x) * y[:-1])))  # metrics.average_precision
        point = (tp / pos, tp / (tp + fp)) if tp + fp > 0 else (0.0, 1.0)
    if x.size > MAX_CURVE_POINTS:
        x, y, thr = _thin(x, y, thr)
    return Curve(split, k, x, y, thr, area, point, pos, neg)


def _thin(x, y, thr):
    """Drop vertices that fall in the same cell of a THIN_GRID² grid as the previous one (the
    ends stay): a curve of 10⁵ vertices draws as a few thousand, identical to the eye."""
    q = np.round(np.column_stack([x, y]) * THIN_GRID)
    keep = np.r_[True, np.any(q[1:] != q[:-1], axis=1)]
    keep[-1] = True
    return x[keep], y[keep], thr[keep]


def curves(kind: str, view: View, frame: Frame, threshold: float, test: bool, multiclass: str) -> CurvesData:
    """ROC (``kind`` "roc") or precision–recall ("pr") curves of the shown iterate."""
    binary = view.kind == "binary"
    mode = "binary" if binary else ("micro" if multiclass == "micro" else "ovr")
    t = float(threshold) if binary else None
    splits = ("train", "test") if test and view.n_test > 0 else ("train",)
    out, macro, baselines = [], [], []
    for split in splits:
        y, P = samples(view, frame.iterate, split)
        K = P.shape[1]
        pred = decide(P, t)
        if mode == "binary":
            y01 = (y == 1).astype(np.intp)
            tp = int(np.count_nonzero(pred & y01))
            fp = int(np.count_nonzero(pred & (1 - y01)))
            out.append(_binary_curve(kind, split, None, y01, P[:, 1], tp, fp))
            baselines.append((split, float(np.mean(y01))))
        elif mode == "micro":
            Y = (y[:, None] == np.arange(K)[None, :]).astype(np.intp)
            correct = int(np.count_nonzero(pred == y))
            out.append(_binary_curve(kind, split, None, Y.ravel(), P.ravel(), correct, y.size - correct))
            baselines.append((split, 1.0 / K))
        else:
            areas = []
            for k in range(K):
                y01 = (y == k).astype(np.intp)
                pk = pred == k
                c = _binary_curve(kind, split, k, y01, P[:, k], int(np.count_nonzero(pk & (y == k))),
                                  int(np.count_nonzero(pk & (y != k))))
                out.append(c)
                if math.isfinite(c.area):
                    areas.append(c.area)
            macro.append((split, float(np.mean(areas)) if areas else float("nan")))
    return CurvesData(kind, mode, t, tuple(str(c) for c in view.classes), tuple(out), tuple(macro),
                      tuple(baselines) if kind == "pr" else (), splits)


def compute(view: View, history, frame: Frame, options: RocOptions) -> CurvesData:
    return curves("roc", view, frame, options.threshold, options.test, options.multiclass)


def nearest(data: CurvesData, x: float, y: float, *, max_dist: float = 0.08):
    """(curve, index) of the curve vertex nearest (x, y) (rates: the unit square), or None
    when none is within ``max_dist``."""
    best, best_d = None, max_dist
    for c in data.curves:
        if c.x.size == 0:
            continue
        d = np.hypot(c.x - x, c.y - y)
        i = int(np.argmin(d))
        if d[i] < best_d:
            best, best_d = (c, i), float(d[i])
    return best


def threshold_at(data: CurvesData, x: float, y: float, *, max_dist: float = 0.08) -> float | None:
    """The decision threshold of the curve vertex nearest (x, y) — setting t to it puts the
    operating point on that vertex — clipped to [0, 1] (+inf, "nothing positive", gives 1).
    None for many classes (the threshold does not apply) or far from every curve."""
    if data.mode != "binary":
        return None
    hit = nearest(data, x, y, max_dist=max_dist)
    if hit is None:
        return None
    c, i = hit
    return float(min(1.0, max(0.0, c.thresholds[i])))


def describe(data: CurvesData, curve: Curve, i: int) -> str:
    """A curve vertex in words (the hover readout)."""
    who = curve.split if curve.k is None else f"{data.classes[curve.k]} vs rest ({curve.split})"
    thr = curve.thresholds[i]
    rule = "nothing predicted positive" if not math.isfinite(thr) else f"p ≥ {thr:.4g}"
    if data.kind == "roc":
        return f"{who}: {rule}   FPR = {curve.x[i]:.3f}   TPR = {curve.y[i]:.3f}"
    return f"{who}: {rule}   recall = {curve.x[i]:.3f}   precision = {curve.y[i]:.3f}"
