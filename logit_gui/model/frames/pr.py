"""The precision–recall panel's frame: the shown iterate's PR curves, train and test, with AP.

Binary models: precision against recall of the score p(y = 1 | x) (the core's
:func:`~logit_gui.core.metrics.precision_recall_curve`), the average precision
Σ (R_k − R_{k−1}) P_k (:func:`~logit_gui.core.metrics.average_precision`,
equal to scikit-learn's, no interpolation), the no-skill baseline (precision =
the share of positives) and the operating point of the shared decision
threshold t. Many classes: one-vs-rest per class (with the macro-average AP)
or the micro-average, as on the ROC panel (:func:`.roc.curves`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .base import Frame, View
from .confusion import threshold_field
from .roc import _MULTI_TIP, _TEST_TIP, MULTICLASS, CurvesData, curves

__all__ = ["PrOptions", "compute"]


@dataclass(frozen=True)
class PrOptions:
    threshold: float = threshold_field()
    test: bool = field(default=True, metadata={"label": "test", "tip": _TEST_TIP})
    multiclass: str = field(default="ovr", metadata={"label": "many classes", "choices": MULTICLASS,
                                                     "tip": _MULTI_TIP})


def compute(view: View, history, frame: Frame, options: PrOptions) -> CurvesData:
    return curves("pr", view, frame, options.threshold, options.test, options.multiclass)
