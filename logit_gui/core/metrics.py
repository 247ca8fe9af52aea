"""Classification metrics, computed with NumPy and equal to scikit-learn's.

Conventions follow scikit-learn 1.9 exactly:

* ``balanced_accuracy`` averages the recall of the classes present in ``y``.
* ``log_loss`` clips probabilities to [ε, 1 − ε] (ε = float64 machine epsilon).
* ``roc_curve`` drops collinear points by default (``drop_intermediate=True``,
  like ``sklearn.metrics.roc_curve``) and starts at threshold +inf.
* ``precision_recall_curve`` keeps every threshold by default
  (``drop_intermediate=False``, like scikit-learn); precision is 0 where no
  sample is predicted positive, and the curve ends at (recall 0, precision 1).
* ``roc_auc`` is the trapezoidal area under ``roc_curve`` (NaN when ``y``
  holds one class); ``average_precision`` is Σ (R_k − R_{k−1}) P_k, no
  interpolation (0 without positives). :func:`summary` reports both as None
  when ``y`` holds a single class.

Ties in scores are handled as one threshold, as in scikit-learn.
"""

from __future__ import annotations

import numpy as np

from .errors import DataError

__all__ = [
    "accuracy",
    "balanced_accuracy",
    "log_loss",
    "confusion_matrix",
    "roc_curve",
    "roc_auc",
    "precision_recall_curve",
    "average_precision",
    "summary",
]


def _labels(y, name="y") -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise DataError(f"{name} must be 1-D, got shape {y.shape}")
    return y


def _pair(y, y_pred):
    y, y_pred = _labels(y), _labels(y_pred, "y_pred")
    if y.shape != y_pred.shape:
        raise DataError(f"y and y_pred differ in length ({y.size} vs {y_pred.size})")
    if y.size == 0:
        raise DataError("no samples")
    return y, y_pred


def accuracy(y, y_pred) -> float:
    """Fraction of correct predictions."""
    y, y_pred = _pair(y, y_pred)
    return float(np.mean(y == y_pred))


def confusion_matrix(y, y_pred, n_classes: int | None = None) -> np.ndarray:
    """C[i, j] = number of samples of class i predicted as j, shape (K, K), int64.

    Labels are class codes 0..K−1; K defaults to 1 + the largest code seen.
    """
    y, y_pred = _pair(y, y_pred)
    y = y.astype(np.intp)
    y_pred = y_pred.astype(np.intp)
    K = int(max(y.max(), y_pred.max()) + 1) if n_classes is None else int(n_classes)
    if min(y.min(), y_pred.min()) < 0 or max(y.max(), y_pred.max()) >= K:
        raise DataError(f"class codes must lie in 0..{K - 1}")
    return np.bincount(y * K + y_pred, minlength=K * K).reshape(K, K).astype(np.int64)


def balanced_accuracy(y, y_pred) -> float:
    """Mean recall over the classes present in ``y`` (scikit-learn's ``balanced_accuracy_score``)."""
    y, y_pred = _pair(y, y_pred)
    if y.dtype.kind in "iu" and y_pred.dtype.kind in "iu" and min(y.min(), y_pred.min()) >= 0 \
            and max(y.max(), y_pred.max()) < 4096:
        # class codes: count directly (classes absent from y get support 0 below)
        K = int(max(y.max(), y_pred.max())) + 1
        C = np.bincount(y.astype(np.intp) * K + y_pred, minlength=K * K).reshape(K, K)
    else:
        labels, inv = np.unique(np.concatenate([y, y_pred]), return_inverse=True)
        K = labels.size
        C = np.bincount(inv[: y.size] * K + inv[y.size :], minlength=K * K).reshape(K, K)
    support = C.sum(axis=1)
    present = support > 0
    return float(np.mean(np.diag(C)[present] / support[present]))


def log_loss(y, P) -> float:
    """Mean cross-entropy −(1/n) Σ log P[i, y_i], P clipped to [ε, 1 − ε].

    ``P`` (n, K) class probabilities (columns are class codes 0..K−1), or (n,)
    probabilities of class 1.
    """
    y = _labels(y).astype(np.intp)
    P = np.asarray(P, dtype=np.float64)
    if P.ndim == 1:
        P = np.column_stack([1.0 - P, P])
    if P.ndim != 2 or P.shape[0] != y.size:
        raise DataError(f"P must have shape (n, K) with n = {y.size}, got {P.shape}")
    if y.size == 0:
        raise DataError("no samples")
    if y.min() < 0 or y.max() >= P.shape[1]:
        raise DataError(f"class codes must lie in 0..{P.shape[1] - 1}")
    if not np.all(np.isfinite(P)) or P.min() < 0 or P.max() > 1:
        raise DataError("probabilities must be finite numbers in [0, 1]")
    eps = np.finfo(np.float64).eps
    p = np.clip(P[np.arange(y.size), y], eps, 1 - eps)
    return float(np.mean(-np.log(p)))


def _binary_clf_curve(y01, score):
    """False and true positive counts at each distinct score, scores descending."""
    y = _labels(y01, "y01")
    s = _labels(score, "score").astype(np.float64)
    if y.shape != s.shape:
        raise DataError(f"y01 and score differ in length ({y.size} vs {s.size})")
    if y.size == 0:
        raise DataError("no samples")
    if not np.all(np.isfinite(s)):
        raise DataError("scores must be finite")
    yb = y == 1
    if not np.all(yb | (y == 0)):
        raise DataError("y01 must hold 0/1 labels")
    order = np.argsort(-s, kind="stable")  # descending, ties in input order (as scikit-learn)
    s = s[order]
    yb = yb[order].astype(np.float64)
    idx = np.r_[np.flatnonzero(np.diff(s)), y.size - 1]
    tps = np.cumsum(yb)[idx]
    fps = 1 + idx - tps
    return fps, tps, s[idx]


def roc_curve(y01, score, *, drop_intermediate: bool = True):
    """(fpr, tpr, thresholds) of the ROC curve, thresholds decreasing from +inf.

    Point i is the rate of positives / negatives with score ≥ thresholds[i].
    With ``drop_intermediate`` (default, as scikit-learn) points collinear with
    their neighbours are dropped; the area is unchanged. A rate is NaN when
    its class is absent.
    """
    return _roc_from_counts(*_binary_clf_curve(y01, score), drop_intermediate)


def _roc_from_counts(fps, tps, thr, drop_intermediate=True):
    if drop_intermediate and fps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])
        fps, tps, thr = fps[keep], tps[keep], thr[keep]
    fps = np.r_[0.0, fps]
    tps = np.r_[0.0, tps]
    thr = np.r_[np.inf, thr]
    fpr = fps / fps[-1] if fps[-1] > 0 else np.full(fps.shape, np.nan)
    tpr = tps / tps[-1] if tps[-1] > 0 else np.full(tps.shape, np.nan)
    return fpr, tpr, thr


def roc_auc(y01, score) -> float:
    """Area under the ROC curve (trapezoids); NaN when ``y01`` holds one class."""
    return _auc_from_counts(*_binary_clf_curve(y01, score))


def _auc_from_counts(fps, tps, thr):
    if fps[-1] == 0 or tps[-1] == 0:  # one class only
        return float("nan")
    fpr, tpr, _ = _roc_from_counts(fps, tps, thr)
    return float((np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0).sum())  # numpy.trapezoid(tpr, fpr)


def precision_recall_curve(y01, score, *, drop_intermediate: bool = False):
    """(precision, recall, thresholds) with recall decreasing, ending at (recall 0, precision 1).

    ``thresholds`` are the distinct scores increasing (one fewer than the
    points). Precision is 0 where nothing is predicted positive; recall is 1
    everywhere when ``y01`` has no positives (as scikit-learn).
    """
    return _pr_from_counts(*_binary_clf_curve(y01, score), drop_intermediate)


def _pr_from_counts(fps, tps, thr, drop_intermediate=False):
    if drop_intermediate and fps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True])
        fps, tps, thr = fps[keep], tps[keep], thr[keep]
    ps = tps + fps
    precision = np.divide(tps, ps, out=np.zeros_like(tps), where=ps != 0)
    recall = np.ones_like(tps) if tps[-1] == 0 else tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thr[::-1]


def average_precision(y01, score) -> float:
    """Average precision Σ (R_k − R_{k−1}) P_k (scikit-learn's ``average_precision_score``).

    As scikit-learn, 0 when ``y01`` has no positives (:func:`summary` reports None then).
    """
    return _ap_from_counts(*_binary_clf_curve(y01, score))


def _ap_from_counts(fps, tps, thr):
    precision, recall, _ = _pr_from_counts(fps, tps, thr)
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))


def summary(y, P) -> dict:
    """The metrics a lecture shows for probabilities ``P`` (n, K) of labels ``y`` (codes 0..K−1).

    Keys: accuracy, balanced_accuracy, log_loss, confusion (list of lists,
    rows = true class) and, for K == 2, roc_auc and average_precision of
    the score P[:, 1] (None when ``y`` holds a single class). Predictions
    are argmax P (ties: the lower class code).
    """
    y = _labels(y).astype(np.intp)
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] != y.size:
        raise DataError(f"P must have shape (n, K) with n = {y.size}, got {P.shape}")
    K = P.shape[1]
    y_pred = np.argmax(P, axis=1)
    out = {
        "accuracy": accuracy(y, y_pred),
        "balanced_accuracy": balanced_accuracy(y, y_pred),
        "log_loss": log_loss(y, P),
        "confusion": confusion_matrix(y, y_pred, K).tolist(),
    }
    if K == 2:
        counts = _binary_clf_curve(y, P[:, 1])  # one sort for both areas
        both = counts[0][-1] > 0 and counts[1][-1] > 0
        out["roc_auc"] = _auc_from_counts(*counts) if both else None
        out["average_precision"] = _ap_from_counts(*counts) if both else None
    return out
