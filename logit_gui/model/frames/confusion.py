"""The confusion panel's frame: counts and rates of the shown iterate's decisions.

Binary models decide by the shared decision threshold t — class 1 where
p(y = 1 | x) ≥ t — so the 2 × 2 matrix moves with the threshold slider (and
with a click on the ROC or precision–recall curve). Many classes: the K × K
matrix of the most probable class (argmax; the threshold does not apply). Rows
are the true class, columns the predicted class. Beside it: precision, recall
and F1 per class, accuracy, balanced accuracy (the mean recall of the classes
present) and the macro F1. On the training or the test samples (an option).

The helpers here — every sample of a split with its class probabilities, the
decision at a threshold — are the ones the ROC, precision–recall and
class-imbalance panels use too, so the panels agree on what "predicted" means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from logit_gui.core import metrics
from logit_gui.core.objective import predict_proba

from .base import Frame, View

__all__ = ["ConfusionOptions", "ConfusionData", "compute", "samples", "decide", "threshold_field",
           "SPLITS", "RATES"]

#: the splits a panel can show
SPLITS = (("train", "training samples"), ("test", "test samples"))

#: how the matrix's cells are normalized (their colour and second line)
RATES = (("true", "rate per true class (recall)"), ("pred", "rate per predicted class (precision)"),
         ("all", "share of all samples"))


def threshold_field():
    """The shared decision threshold as an option (every panel that has it shows the same value)."""
    return field(default=0.5, metadata={
        "label": "threshold t", "range": (0.0, 1.0), "step": 0.01,
        "tip": "The decision threshold t: predict class 1 where p(y = 1 | x) ≥ t (binary models; many classes\n"
               "use the most probable class). Shared by every panel that has it: it moves the operating\n"
               "points on the ROC and precision–recall curves, the p = t contour on the data panel and\n"
               "the confusion matrix. A click on the ROC or precision–recall curve sets it."})


@dataclass(frozen=True)
class ConfusionOptions:
    threshold: float = threshold_field()
    split: str = field(default="train", metadata={
        "label": "samples", "choices": SPLITS,
        "tip": "Count the training samples or the held-out test samples (all of them, not only those drawn)."})
    rates: str = field(default="true", metadata={
        "label": "rates", "choices": RATES,
        "tip": "What each cell's percentage (and colour) is:\n"
               "• per true class: the row sums to 100 % — the diagonal is each class's recall\n"
               "  (binary: TNR = specificity, FPR, FNR, TPR = sensitivity);\n"
               "• per predicted class: the column sums to 100 % — the diagonal is each class's precision\n"
               "  (binary: NPV, FOR, FDR, PPV = precision);\n"
               "• of all samples: the whole matrix sums to 100 % — the diagonal sums to the accuracy."})


@dataclass(frozen=True, eq=False)
class ConfusionData:
    split: str                 # the split counted ("train" | "test")
    note: str                  # why another split than the chosen one is shown ("" if none)
    binary: bool
    threshold: float | None    # binary: t; many classes: None (argmax)
    classes: tuple             # class names
    counts: np.ndarray         # (K, K) int64: row = true class, column = predicted class
    rates: np.ndarray          # (K, K) as ``rate_kind`` says; NaN where its row / column is empty
    rate_kind: str
    cell_names: tuple          # binary: (("TN", "FP"), ("FN", "TP")); else ()
    rate_names: tuple          # binary: the rates' names per cell (TNR, FPR, …; "" for shares); else ()
    precision: np.ndarray      # (K,) TP / (TP + FP) per class; NaN where nothing is predicted as it
    recall: np.ndarray         # (K,) TP / (TP + FN); NaN where the class has no sample
    f1: np.ndarray             # (K,) 2TP / (2TP + FP + FN); NaN where both are empty
    support: np.ndarray        # (K,) samples per true class
    accuracy: float
    balanced_accuracy: float   # mean recall over the classes present
    macro_f1: float            # mean F1 over the classes seen (true or predicted)
    n: int


# ----------------------------------------------------------------------
# shared by the classification panels
# ----------------------------------------------------------------------
def samples(view: View, model, split: str):
    """(y, P): the true class codes (n,) and the class probabilities (n, K) of ``model`` (an
    iterate, or anything with its ``coef`` and ``intercept``) on every sample of ``split``
    ("train" | "test"); None when there is no such split."""
    if split == "test":
        if view.test_features is None or view.problem.test is None:
            return None
        X, y = view.test_features, view.problem.test.y
    else:
        X, y = view.train_features, view.problem.train.y
    P = predict_proba(view.kind, model.coef, model.intercept, X)
    return np.asarray(y, dtype=np.intp), P


def decide(P: np.ndarray, threshold: float | None) -> np.ndarray:
    """The predicted class codes: for two classes (and a threshold) class 1 where P[:, 1] ≥ t,
    otherwise the most probable class (ties: the lower code)."""
    if P.shape[1] == 2 and threshold is not None:
        return (P[:, 1] >= threshold).astype(np.intp)
    return np.argmax(P, axis=1)


def pick_split(view: View, split: str) -> tuple[str, str]:
    """The split to show for option ``split``, and a note when it is not that one."""
    if split == "test" and view.n_test == 0:
        return "train", "no test split: training samples"
    return split, ""


_BINARY_RATE_NAMES = {"true": (("TNR", "FPR"), ("FNR", "TPR")), "pred": (("NPV", "FOR"), ("FDR", "PPV")),
                      "all": (("", ""), ("", ""))}


def _div(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


def compute(view: View, history, frame: Frame, options: ConfusionOptions) -> ConfusionData:
    split, note = pick_split(view, options.split)
    y, P = samples(view, frame.iterate, split)
    K = P.shape[1]
    binary = view.kind == "binary"
    t = float(options.threshold) if binary else None
    pred = decide(P, t)
    C = metrics.confusion_matrix(y, pred, K)
    rows, cols = C.sum(axis=1), C.sum(axis=0)
    if options.rates == "pred":
        R = _div(C, cols[None, :])
    elif options.rates == "all":
        R = _div(C, np.full((K, K), C.sum()))
    else:
        R = _div(C, rows[:, None])
    tp = np.diag(C).astype(np.float64)
    fp, fn = cols - tp, rows - tp
    precision = _div(tp, cols)
    recall = _div(tp, rows)
    f1 = _div(2 * tp, 2 * tp + fp + fn)
    seen = (rows + cols) > 0
    return ConfusionData(
        split=split, note=note, binary=binary, threshold=t, classes=tuple(str(c) for c in view.classes),
        counts=C, rates=R, rate_kind=options.rates,
        cell_names=(("TN", "FP"), ("FN", "TP")) if binary else (),
        rate_names=_BINARY_RATE_NAMES.get(options.rates, _BINARY_RATE_NAMES["true"]) if binary else (),
        precision=precision, recall=recall, f1=f1, support=rows,
        accuracy=metrics.accuracy(y, pred), balanced_accuracy=metrics.balanced_accuracy(y, pred),
        macro_f1=float(np.mean(f1[seen])) if seen.any() else float("nan"), n=int(y.size),
    )
