"""The loss panel: the objective against the iteration.

Train objective J(θ_k) (solid), the test objective (dashed), optionally
‖∇J‖∞ (dotted); a vertical line and a dot mark the iterate on screen; dashed
grey lines mark where a setting changed mid-run. The legend is a row above
the plot (never over the curves). Linear or logarithmic y.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

from logit_gui.model.frames import loss as frames

from ..markers import Scatter
from ..panel import PanelItem, PanelSpec, brush, color, pen, register, set_label, style_plot

__all__ = ["LossItem", "SPEC"]


class LossItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, justify="left")
        self.wrap_labels(self.legend)
        self.plot = self.addPlot(row=1, col=0)
        plot = self.plot
        style_plot(plot, t, left="objective J", bottom="iteration k")
        plot.disableAutoRange()  # ranges come in nice steps from compute: the cached axes rarely re-render
        self.train_curve = plot.plot([], [], pen=pen(t, t.train_color, 2.5))
        self.test_curve = plot.plot([], [], pen=pen(t, t.test_color, 2.5, "dash"))
        self.grad_curve = plot.plot([], [], pen=pen(t, t.grad_color, 1.8, "dot"))
        for curve in (self.train_curve, self.test_curve, self.grad_curve):
            # thousands of iterates on a few hundred pixels: each pixel column's min and max
            curve.opts["autoDownsampleFactor"] = 1.0
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=pen(t, t.line_color, 1.5))
        self.cursor_dot = Scatter(size=t.px(11), brush=brush(t.train_color), pen=pen(t, t.line_color, 1.5),
                                  antialias=True)
        self.cursor_dot.setZValue(20)
        plot.addItem(self.cursor_line, ignoreBounds=True)
        plot.addItem(self.cursor_dot)
        self._marks: list = []   # InfiniteLines for setting changes (a small pool, reused)
        self._racers: list = []  # one curve per optimizer of a race (a pool, reused)
        self._race_data_key = ("unset",)
        self._x_label = "iteration k"
        self._key = None         # (history version, log, grad) of the curves on show
        self._range = None
        self._legend_key = None
        self._log = False

    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        self._key = None

    def update_data(self, data: frames.LossData) -> None:
        key = (id(self.history), data.version, data.log_y, data.grad is not None)
        if key != self._key:
            self._key = key
            if data.log_y != self._log:
                self._log = data.log_y
                self.plot.setLogMode(x=False, y=data.log_y)
                self._range = None
            self.train_curve.setData(*data.train)
            self.test_curve.setData(*data.test)
            has_test = data.test[0].size > 0
            self.test_curve.setVisible(has_test)
            if data.grad is not None:
                self.grad_curve.setData(*data.grad)
                self.grad_curve.show()
            else:
                self.grad_curve.setData([], [])
                self.grad_curve.hide()
            self._update_marks(data.marks)
            if data.y_range is not None:
                rng = (data.x_range, data.y_range)
                if rng != self._range:
                    self._range = rng
                    self.plot.setRange(xRange=rng[0], yRange=rng[1], padding=0.02)
                    self._set_log_ticks(data)
        self._update_race(data)
        seconds = data.x_label == "seconds"
        for item in (self.train_curve, self.test_curve, self.grad_curve, self.cursor_line):
            item.setVisible(not seconds and (item is not self.test_curve or data.test[0].size > 0)
                            and (item is not self.grad_curve or data.grad is not None))
        self.cursor_line.setValue(data.cursor_k)
        if data.cursor is not None:
            self.cursor_dot.setData([data.cursor[0]], [data.cursor[1]])
        else:
            self.cursor_dot.setData([], [])

    def _update_legend(self, has_test: bool, grad: bool, racers=(), seconds=False) -> None:
        key = (has_test, grad, tuple(racers), seconds)
        if key == self._legend_key:
            return
        self._legend_key = key
        t = self.theme
        entries = [] if seconds else [("━━", t.train_color, "train J")]
        if has_test and not seconds:
            entries.append(("╍╍", t.test_color, "test J"))
        if grad and not seconds:
            entries.append(("┈┈", t.grad_color, "‖∇J‖∞"))
        entries += [("━━", t.race_color(i), label) for i, label in enumerate(racers)]
        self.legend.setText(self.legend_html(entries))

    def _set_log_ticks(self, data) -> None:
        """A log axis labels its decades, and 2 and 5 between them when it spans few: pyqtgraph
        labels every minor tick of a short log axis, and at k = 0 (one decade) they overlap."""
        axis = self.plot.getAxis("left")
        if not data.log_y or data.y_range is None:
            axis.setTicks(None)
            return
        lo, hi = int(math.floor(data.y_range[0])), int(math.ceil(data.y_range[1]))
        major = [(float(k), f"{10.0 ** k:g}") for k in range(lo, hi + 1)]
        between = [(math.log10(m * 10.0 ** k), f"{m * 10.0 ** k:g}") for k in range(lo, hi) for m in (2, 5)]
        axis.setTicks([major, between if hi - lo <= 3 else [(v, "") for v, _ in between]])

    def _update_race(self, data) -> None:
        """An optimizer race's curves: set only when the race (or the x axis, or log y) changed."""
        t = self.theme
        labels = [r[0] for r in data.race]
        self._update_legend(data.test[0].size > 0, data.grad is not None, labels, data.x_label == "seconds")
        if data.race_key == self._race_data_key:
            return
        self._race_data_key = data.race_key
        while len(self._racers) < len(data.race):
            curve = self.plot.plot([], [], pen=pen(t, t.race_color(len(self._racers)), 2.2))
            self._racers.append(curve)
        for i, curve in enumerate(self._racers):
            if i < len(data.race):
                _, x, y = data.race[i]
                curve.setLogMode(False, data.log_y)
                curve.setData(x, y)
                curve.show()
            else:
                curve.setData([], [])
                curve.hide()
        if data.race and data.y_range is not None:
            self._range = (data.x_range, data.y_range)
            self.plot.setRange(xRange=data.x_range, yRange=data.y_range, padding=0.02)
            self._set_log_ticks(data)
        if data.x_label != self._x_label:
            self._x_label = data.x_label
            set_label(self.plot, t, "bottom", data.x_label)

    def _update_marks(self, marks) -> None:
        t = self.theme
        while len(self._marks) < len(marks):
            line = pg.InfiniteLine(
                angle=90, movable=False, pen=pen(t, t.guide_rgba, 1.2, "dash"), label="",
                labelOpts={"position": 0.92, "color": color(t.muted), "fill": brush(t.legend_rgba),
                           "anchors": [(0, 0.5), (0, 0.5)]},
            )
            self.plot.addItem(line, ignoreBounds=True)
            self._marks.append(line)
        for i, line in enumerate(self._marks):
            if i < len(marks):
                k, label = marks[i]
                line.setValue(k)
                line.label.setFormat(label)
                line.show()
            else:
                line.hide()

    def readout(self, x: float, y: float) -> str:
        return frames.readout(self.history, x) if self.history is not None else ""


SPEC = register(PanelSpec(
    id="loss", order=20, default=True, title="Loss per iteration", Options=frames.LossOptions, compute=frames.compute, item=LossItem,
    tooltip="Objective J(θ) = (1/Σs) Σ sᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + (λ₂/2)‖w‖² + λ₁‖w‖₁ per iteration:\n"
            "train (solid), test (dashed). The vertical line marks the iterate shown.",
))
