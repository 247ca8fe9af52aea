"""The ROC panel: true-positive against false-positive rate of the shown iterate, train and test.

Train solid, test dashed; the AUC of each in the legend row above the plot;
the diagonal is a classifier that guesses. The operating point of the shared
decision threshold t (binary: class 1 where p ≥ t) sits on each curve — ● train,
▲ test — and moves with the threshold slider; a click near the curve sets t to
the threshold of the nearest point (the window then moves every panel that
shows t). Many classes: one-vs-rest curves per class in the class colours, or
the micro-average (an option), the points marking the argmax classifier.

:class:`CurvesItem` draws the precision–recall panel too (``panels/pr.py``).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from logit_gui.model.frames import roc as frames
from logit_gui.model.requests import SetThreshold

from ..markers import Scatter
from ..panel import PanelItem, PanelSpec, brush, pen, register, style_plot

__all__ = ["CurvesItem", "RocItem", "ClickBox", "nobreak", "fmt", "SPEC"]

#: classes drawn in their own colour (the data sets have at most 10)
MAX_CLASSES = 10


def fmt(v, digits: int = 3) -> str:
    """A rate or an area, "–" when undefined."""
    return "–" if v is None or not math.isfinite(v) else f"{v:.{digits}f}"


def nobreak(entries) -> list:
    """Legend entries whose text never breaks inside (a wrapped legend breaks between entries)."""
    return [(sym, c, text.replace(" ", "\u00a0").replace("-", "\u2011")) for sym, c, text in entries]


class ClickBox(pg.ViewBox):
    """A view box that reports left clicks in data coordinates (and neither pans nor zooms)."""

    clicked = pg.QtCore.Signal(float, float)

    def mouseClickEvent(self, ev):  # noqa: N802 - Qt API
        if ev.button() == Qt.MouseButton.LeftButton:
            pt = self.mapSceneToView(ev.scenePos())
            ev.accept()
            self.clicked.emit(float(pt.x()), float(pt.y()))
        else:
            super().mouseClickEvent(ev)


class CurvesItem(PanelItem):
    """ROC or precision–recall curves (``KIND``), train and test, with operating points."""

    KIND = "roc"
    X_LABEL = "false-positive rate FPR"   # the formulas are in the panel's tooltip
    Y_LABEL = "true-positive rate TPR"
    AREA = "AUC"

    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, justify="left")
        self.wrap_labels(self.legend)
        self.box = ClickBox()
        self.plot = self.addPlot(row=1, col=0, viewBox=self.box)
        style_plot(self.plot, t, left=self.Y_LABEL, bottom=self.X_LABEL)
        self.plot.disableAutoRange()
        # room at the ends for the 0 and 1 tick labels (pyqtgraph hides a label that would overhang)
        self.plot.setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0), padding=0.045)
        # the guide: the chance diagonal (ROC) or the no-skill precision (PR)
        self.guide = pg.PlotCurveItem(pen=pen(t, t.guide_rgba, 1.5, "dash"), antialias=True)
        self.plot.addItem(self.guide)
        # curves: train then test, one per class at most (a pool, styled when the mode changes)
        self.curves = []
        for _ in range(2 * MAX_CLASSES):
            c = pg.PlotCurveItem(antialias=True)
            c.setZValue(5)
            self.plot.addItem(c)
            self.curves.append(c)
        self.train_points = Scatter(size=t.px(13), symbol="o", pxMode=True, antialias=True)
        self.test_points = Scatter(size=t.px(14), symbol="t1", pxMode=True, antialias=True)
        for z, item in ((20, self.test_points), (21, self.train_points)):
            item.setZValue(z)
            self.plot.addItem(item)
        self.box.clicked.connect(self._on_click)
        self._style_key = None
        self._legend_text = None
        self._point_style = None
        self.data = None

    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        self._style_key = None
        self._legend_text = None
        self.data = None
        for c in self.curves:
            c.setData([], [])
        self.train_points.setData([], [])
        self.test_points.setData([], [])

    # ------------------------------------------------------------------
    def _colour(self, curve) -> str:
        t = self.theme
        if curve.k is not None:
            return t.class_color(curve.k)
        return t.train_color if curve.split == "train" else t.test_color

    def update_data(self, data: frames.CurvesData) -> None:
        if self.view is None:
            return
        self.data = data
        t = self.theme
        key = (data.mode, len(data.classes), data.splits, tuple((c.split, c.k) for c in data.curves))
        if key != self._style_key:  # pens follow the mode and the classes; set once per change
            self._style_key = key
            for i, item in enumerate(self.curves):
                if i < len(data.curves):
                    c = data.curves[i]
                    width = 2.5 if c.k is None else 2.0
                    item.setPen(pen(t, self._colour(c), width, None if c.split == "train" else "dash"))
        for i, item in enumerate(self.curves):
            if i < len(data.curves) and data.curves[i].x.size:
                c = data.curves[i]
                item.setData(c.x, c.y)
                item.show()
            elif item.isVisible():
                item.setData([], [])
                item.hide()
        self._set_guide(data)
        for split, scatter in (("train", self.train_points), ("test", self.test_points)):
            pts = [c for c in data.curves if c.split == split and c.point is not None]
            if data.mode == "binary":
                brushes = [brush(t.threshold_color)] * len(pts)
            else:
                brushes = [brush(self._colour(c)) for c in pts]
            scatter.setData([c.point[0] for c in pts], [c.point[1] for c in pts], brush=brushes,
                            pen=pen(t, t.line_color, 1.6))
        text = self.legend_html(nobreak(self._legend_entries(data)))
        if text != self._legend_text:
            self._legend_text = text
            self.legend.setText(text)

    def _set_guide(self, data) -> None:
        self.guide.setData([0.0, 1.0], [0.0, 1.0])

    def _guide_entry(self, data):
        return ("┈┈", self.theme.muted, "chance")

    def _legend_entries(self, data) -> list:
        t = self.theme
        A = self.AREA
        entries = []
        if data.mode == "ovr":
            by = {(c.split, c.k): c for c in data.curves}
            two = "test" in data.splits
            entries.append(("", t.foreground, f"one-vs-rest {A}" + (" train / test:" if two else ":")))
            digits = 3 if len(data.classes) <= 6 else 2  # ten classes: a shorter legend
            for k, name in enumerate(data.classes[:MAX_CLASSES]):
                name = html.escape(name if len(name) < 16 else name[:14] + "…")
                a = fmt(by[("train", k)].area, digits) + (" / " + fmt(by[("test", k)].area, digits) if two else "")
                entries.append(("━━", t.class_color(k), f"{name} {a}"))
            macro = dict(data.macro)
            entries.append(("", t.foreground, "macro " + fmt(macro.get("train"))
                            + (" / " + fmt(macro.get("test")) if two else "")))
            if two:
                entries.append(("╍╍", t.muted, "test"))
            entries.append(("●", t.foreground, "argmax classifier"))
        else:
            what = "micro-avg. " if data.mode == "micro" else ""
            for c in data.curves:
                style = "━━" if c.split == "train" else "╍╍"
                entries.append((style, self._colour(c), f"{what}{c.split} {A} {fmt(c.area)}"))
            if data.mode == "binary":
                entries.append(("●▲", t.threshold_color, f"p ≥ t = {data.threshold:.3g}"))
            else:
                entries.append(("●", t.foreground, "argmax classifier"))
        guide = self._guide_entry(data)
        if guide[2]:
            entries.append(guide)
        return entries

    # ------------------------------------------------------------------
    def readout(self, x: float, y: float) -> str:
        if self.data is None:
            return ""
        hit = frames.nearest(self.data, x, y)
        if hit is None:
            return ""
        text = frames.describe(self.data, *hit)
        if self.data.mode == "binary":
            text += "   (click: set t)"
        return text

    def _on_click(self, x: float, y: float) -> None:
        if self.data is None:
            return
        t = frames.threshold_at(self.data, x, y)
        if t is not None:
            self.requested.emit(SetThreshold(t))


class RocItem(CurvesItem):
    pass


SPEC = register(PanelSpec(
    id="roc", order=40, title="ROC curve", Options=frames.RocOptions, compute=frames.compute, item=RocItem,
    tooltip="Receiver operating characteristic of the shown iterate: the true-positive rate TP/(TP + FN)\n"
            "against the false-positive rate FP/(FP + TN) as the threshold on p(y = 1 | x) goes from 1 to 0.\n"
            "Train solid, test dashed; AUC = the area under the curve (the chance that a random positive\n"
            "scores higher than a random negative). ●/▲: the threshold t; click near the curve to set t.\n"
            "Many classes: one-vs-rest per class or the micro-average (option); ● the argmax classifier.",
))
