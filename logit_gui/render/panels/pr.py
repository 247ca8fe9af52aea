"""The precision–recall panel: precision against recall of the shown iterate, train and test.

As the ROC panel (:class:`.roc.CurvesItem`): train solid, test dashed, the
average precision (AP) of each in the legend row, the operating point of the
shared threshold t on each curve (a click near a curve sets t). The dashed
horizontal guide is a classifier with no skill: its precision is the share of
positives in the training samples (micro-average: 1/K).
"""

from __future__ import annotations

from logit_gui.model.frames import pr as frames

from ..panel import PanelSpec, register
from .roc import CurvesItem, fmt

__all__ = ["PrItem", "SPEC"]


class PrItem(CurvesItem):
    KIND = "pr"
    X_LABEL = "recall (TPR)"
    Y_LABEL = "precision (PPV)"
    AREA = "AP"

    def _baseline(self, data):
        return dict(data.baselines).get("train")

    def _set_guide(self, data) -> None:
        b = self._baseline(data)
        if b is None:  # one-vs-rest: a baseline per class would clutter; none drawn
            self.guide.setData([], [])
        else:
            self.guide.setData([0.0, 1.0], [b, b])

    def _guide_entry(self, data):
        b = self._baseline(data)
        if b is None:
            return ("", self.theme.muted, "")
        return ("┈┈", self.theme.muted, f"no skill ({fmt(b, 2)})")


SPEC = register(PanelSpec(
    id="pr", order=41, title="Precision–recall curve", Options=frames.PrOptions, compute=frames.compute,
    item=PrItem,
    tooltip="Precision TP/(TP + FP) against recall TP/(TP + FN) of the shown iterate as the threshold on\n"
            "p(y = 1 | x) goes from 1 to 0. Train solid, test dashed; AP = average precision\n"
            "Σ (R_k − R_{k−1}) P_k. Dashed line: no skill (precision = the share of positives).\n"
            "●/▲: the threshold t; click near the curve to set t. Many classes: one-vs-rest per class\n"
            "or the micro-average (option); ● the argmax classifier.",
))
