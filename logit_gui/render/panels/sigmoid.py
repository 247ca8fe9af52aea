"""The sigmoid panel: every drawn sample on the S-curve (or on its loss curve).

What is drawn is computed in :mod:`logit_gui.model.frames.sigmoid`; here the
curves, one scatter per class (a uniform brush is ScatterPlotItem's fast path)
and the residual lines are created once and only moved.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from logit_gui.model.frames import sigmoid as frames

from ..markers import MovingScatter
from ..panel import PanelItem, PanelSpec, brush, cache, color, pen, register, set_label, style_plot

__all__ = ["SigmoidItem", "SPEC"]

#: classes drawn in their own colour (the data sets have at most 10)
MAX_CLASSES = 10


class SigmoidItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.info = self.addLabel("", row=0, col=0, justify="left")
        self.wrap_labels(self.info)
        self.plot = self.addPlot(row=1, col=0)
        plot = self.plot
        style_plot(plot, t, left="σ(z)", bottom="logit z = wᵀφ(x) + b")
        self.zero_line = pg.InfiniteLine(pos=0, angle=90, movable=False, pen=pen(t, t.guide_rgba, 1.2, "dash"))
        self.half_line = pg.InfiniteLine(pos=0.5, angle=0, movable=False, pen=pen(t, t.guide_rgba, 1.0, "dot"))
        plot.addItem(self.zero_line, ignoreBounds=True)
        plot.addItem(self.half_line, ignoreBounds=True)
        self.res_lines = pg.PlotCurveItem(pen=pen(t, t.residual_rgba, 1.0), connect="pairs", antialias=False,
                                          segmentedLineMode="on")
        plot.addItem(self.res_lines)
        self.curve0 = pg.PlotCurveItem(pen=pen(t, t.class_color(0), 3.0), antialias=True)
        self.curve1 = pg.PlotCurveItem(pen=pen(t, t.line_color, 3.0), antialias=True)
        plot.addItem(self.curve0)
        plot.addItem(self.curve1)
        cache(self.curve0, self.curve1)  # they change only with the z range
        self.on_curve, self.at_label = [], []
        edge = pen(t, t.marker_edge_rgba, 0.8)
        for k in range(MAX_CLASSES):
            on = MovingScatter(size=t.px(7), pen=edge, brush=brush(t.class_color(k), 215), antialias=True)
            at = MovingScatter(size=t.px(6), pen=None, brush=brush(t.class_color(k), 110), antialias=True)
            on.setZValue(10)
            plot.addItem(at)
            plot.addItem(on)
            self.on_curve.append(on)
            self.at_label.append(at)
        self._members: list[np.ndarray] = []
        self._labels: dict[str, str] = {}
        self._range = None
        self._curve_key = None

    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        y = view.train_y[view.curve_sel]
        self._members = [np.flatnonzero(y == k) for k in range(min(view.K, MAX_CLASSES))]
        for k in range(MAX_CLASSES):
            self.on_curve[k].setData([], [])
            self.at_label[k].setData([], [])
        shown = view.curve_sel.size
        t = self.theme
        text = f"{shown:,} of {view.n_train:,} training samples" if shown < view.n_train else ""
        self.info.setText(text, color=t.muted, size=t.css_pt(0))
        self._curve_key = None
        self._range = None

    def update_data(self, data: frames.SigmoidData) -> None:
        if self.view is None:
            return
        t = self.theme
        key = (data.binary, data.loss, data.zmax)
        if key != self._curve_key:
            self._curve_key = key
            self.curve1.setData(data.curve_z, data.curve1)
            self.curve1.setPen(pen(t, t.class_color(1) if (data.binary and data.loss) else t.line_color, 3.0))
            if data.curve0 is not None:
                self.curve0.setData(data.curve_z, data.curve0)
            self.curve0.setVisible(data.curve0 is not None)
            self.half_line.setVisible(data.half_line)
            self._label("left", data.left_label)
            self._label("bottom", data.bottom_label)
        self._scatter(self.on_curve, *data.on_curve)
        if data.at_label is None:
            self._scatter(self.at_label, None, None)
        else:
            self._scatter(self.at_label, *data.at_label)
        segs = data.residuals
        if segs.shape[0]:
            self.res_lines.setData(segs[:, 0], segs[:, 1], connect="pairs")
        else:
            self.res_lines.setData([], [])
        rng = (data.x_range, data.y_range)
        if rng != self._range:
            self._range = rng
            self.plot.setRange(xRange=rng[0], yRange=rng[1], padding=0.02)

    def _scatter(self, items, x, y) -> None:
        for k, item in enumerate(items):
            if x is None or k >= len(self._members):
                if item.isVisible():
                    item.setData([], [])
                    item.hide()  # hidden items cost nothing at paint time
                continue
            idx = self._members[k]
            item.set_positions(x[idx], y[idx])
            item.show()

    def _label(self, axis: str, text: str) -> None:
        if self._labels.get(axis) != text:
            self._labels[axis] = text
            set_label(self.plot, self.theme, axis, text)


SPEC = register(PanelSpec(
    id="sigmoid", order=30, default=True, title="The sigmoid and every sample", Options=frames.SigmoidOptions, compute=frames.compute,
    item=SigmoidItem,
    tooltip="The logistic function σ(z) = 1 / (1 + e^{−z}) with every sample at its logit z = wᵀφ(x) + b:\n"
            "on the curve at σ(zᵢ) and at its label yᵢ ∈ {0, 1}. z > 0 predicts class 1.",
))
