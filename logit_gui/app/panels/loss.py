"""Panel 2: the objective against the iteration.

Train objective J(θ_k) (solid) and, with a test split, the same objective on
the test samples (dashed); optionally ‖∇J‖∞ (dotted, on the same axis). A
vertical line and a dot mark the iterate being shown; dashed grey lines mark
where a setting changed mid-run. Hovering reads off the nearest iterate.
Linear or logarithmic y.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .. import style
from logit_gui.model.history import History
from .markers import Scatter

__all__ = ["LossPanel"]


def _fmt(v: float) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:.6g}"


class LossPanel(QWidget):
    """Loss curve; :meth:`set_history` with the run's history, :meth:`show` with the cursor's iterate."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("loss")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 0, 6, 0)
        self.log_y = QCheckBox("log y")
        self.log_y.setObjectName("loss_log_y")
        self.log_y.setToolTip("Logarithmic y axis: shows the linear convergence of gradient descent\n"
                              "(a straight line) and the quadratic convergence of Newton (a cliff).")
        self.show_grad = QCheckBox("‖∇J‖∞")
        self.show_grad.setObjectName("loss_show_grad")
        self.show_grad.setToolTip("Also draw the gradient norm ‖∇J(θ_k)‖∞ (the stopping criterion:\n"
                                  "the run converges when it falls below the tolerance).")
        self.readout = QLabel("")
        self.readout.setObjectName("loss_readout")
        self.readout.setToolTip("Hover over the plot to read the objective at an iteration.")
        bar.addWidget(self.log_y)
        bar.addWidget(self.show_grad)
        bar.addStretch(1)
        bar.addWidget(self.readout)
        lay.addLayout(bar)
        self.plot_widget = pg.PlotWidget(background="w")
        self.plot_widget.setToolTip(
            "Objective J(θ) = (1/Σs) Σ sᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + (λ₂/2)‖w‖² + λ₁‖w‖₁\n"
            "per iteration: train (solid), test (dashed). The vertical line marks the iterate shown."
        )
        lay.addWidget(self.plot_widget, 1)
        plot = self.plot_widget.getPlotItem()
        self.plot = plot
        style.style_plot(plot, left="objective J", bottom="iteration k")
        # ranges are set by _redraw, in nice steps, so the cached axes rarely re-render
        plot.disableAutoRange()

        plot.getViewBox().setMouseEnabled(x=False, y=False)
        self._range = None
        self.legend = plot.addLegend(offset=(-8, 8), labelTextSize=f"{style.FONT_PT}pt",
                                     brush=QColor(255, 255, 255, 215), pen=pg.mkPen("#999999"))
        self.train_curve = plot.plot([], [], pen=pg.mkPen(style.TRAIN_COLOR, width=2.5))
        self.test_curve = plot.plot([], [], pen=pg.mkPen(style.TEST_COLOR, width=2.5, style=Qt.DashLine))
        self.grad_curve = plot.plot([], [], pen=pg.mkPen(style.GRAD_COLOR, width=1.8, style=Qt.DotLine))
        self._legend_key = None
        for curve in (self.train_curve, self.test_curve, self.grad_curve):
            # thousands of iterates on a few hundred pixels: draw each pixel column's min and max
            curve.opts["autoDownsampleFactor"] = 1.0  # about one min/max pair per pixel column
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#111111", width=1.5))
        self.cursor_dot = Scatter(size=11, brush=pg.mkBrush(style.TRAIN_COLOR),
                                             pen=pg.mkPen("#111111", width=1.5))
        self.cursor_dot.setZValue(20)
        plot.addItem(self.cursor_line, ignoreBounds=True)
        plot.addItem(self.cursor_dot)
        self.hover_line = pg.InfiniteLine(angle=90, movable=False,
                                          pen=pg.mkPen(QColor(0, 0, 0, 70), width=1, style=Qt.DashLine))
        self.hover_line.hide()
        plot.addItem(self.hover_line, ignoreBounds=True)
        self._marks: list = []  # InfiniteLines for setting changes (a small pool, reused)
        self.history: History | None = None
        self._version = -1
        self._curves = (np.empty(0),) * 4
        self._shown = None
        self.log_y.toggled.connect(self._on_log)
        self.show_grad.toggled.connect(lambda _: self._redraw(force=True))
        self._proxy = pg.SignalProxy(plot.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse)

    # ------------------------------------------------------------------
    def set_history(self, history: History) -> None:
        self.history = history
        self._version = -1
        self._redraw(force=True)

    def _on_log(self, on: bool) -> None:
        self.plot.setLogMode(x=False, y=on)
        self._range = None
        self._redraw(force=True)

    def _redraw(self, force=False) -> None:
        h = self.history
        if h is None:
            return
        if not force and h.version == self._version:
            return
        self._version = h.version
        k, obj, test, gn = h.curves()
        self._curves = (k, obj, test, gn)
        log = self.log_y.isChecked()

        def clean(x, y):
            ok = np.isfinite(y)
            if log:
                ok &= y > 0
            return x[ok], y[ok]

        self.train_curve.setData(*clean(k, obj))
        tk, tv = clean(k, test)
        self.test_curve.setData(tk, tv)
        self.test_curve.setVisible(tk.size > 0)
        if self.show_grad.isChecked():
            self.grad_curve.setData(*clean(k, gn))
            self.grad_curve.show()
        else:
            self.grad_curve.setData([], [])
            self.grad_curve.hide()
        self._update_legend(tk.size > 0)
        self._update_range(k, obj, test, gn, log)
        self._update_marks(h.marks)

    def _update_range(self, k, obj, test, gn, log) -> None:
        x1 = style.nice_ceil(max(float(k[-1]) if k.size else 1.0, 5.0), style.FINE_STEPS)
        vals = [obj, test] + ([gn] if self.show_grad.isChecked() else [])
        v = np.concatenate(vals)
        v = v[np.isfinite(v)]
        if log:
            v = v[v > 0]
        if v.size == 0:
            return
        if log:
            lo, hi = np.floor(np.log10(v.min())), np.ceil(np.log10(v.max()))
            if hi <= lo:
                hi = lo + 1
        else:
            lo, hi = style.nice_bounds(min(float(v.min()), 0.0) if v.min() < 0.2 * v.max() else float(v.min()),
                                       float(v.max()))
        rng = ((0.0, x1), (lo, hi))
        if rng != self._range:
            self._range = rng
            self.plot.setRange(xRange=rng[0], yRange=rng[1], padding=0.02)

    def _update_legend(self, has_test: bool) -> None:
        """Entries for the curves on show (rebuilt only when that set changes)."""
        key = (has_test, self.show_grad.isChecked())
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()
        self.legend.addItem(self.train_curve, "train J")
        if has_test:
            self.legend.addItem(self.test_curve, "test J")
        if key[1]:
            self.legend.addItem(self.grad_curve, "‖∇J‖∞")

    def _update_marks(self, marks) -> None:
        while len(self._marks) < len(marks):
            line = pg.InfiniteLine(
                angle=90, movable=False, pen=pg.mkPen(QColor(90, 90, 90, 160), width=1.2, style=Qt.DashLine),
                label="", labelOpts={"position": 0.92, "color": "#444444", "fill": QColor(255, 255, 255, 200),
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

    # ------------------------------------------------------------------
    def show(self, it) -> None:  # noqa: A003
        """Move the cursor to iterate ``it`` (and refresh the curves if the history grew)."""
        self._redraw()
        if it is None:
            return
        self._shown = it
        self.cursor_line.setValue(it.k)
        y = it.objective
        log = self.log_y.isChecked()
        if math.isfinite(y) and (not log or y > 0):
            self.cursor_dot.setData([it.k], [math.log10(y) if log else y])
        else:
            self.cursor_dot.setData([], [])

    def _on_mouse(self, event) -> None:
        pos = event[0]
        plot = self.plot
        if not plot.sceneBoundingRect().contains(pos):
            self.hover_line.hide()
            return
        k, obj, test, gn = self._curves
        if k.size == 0:
            return
        x = plot.vb.mapSceneToView(pos).x()
        i = int(np.clip(np.searchsorted(k, x), 0, k.size - 1))
        if i > 0 and abs(k[i - 1] - x) < abs(k[i] - x):
            i -= 1
        self.hover_line.setValue(k[i])
        self.hover_line.show()
        text = f"k = {int(k[i])}   J = {_fmt(obj[i])}"
        if np.isfinite(test[i]):
            text += f"   test J = {_fmt(test[i])}"
        text += f"   ‖∇J‖∞ = {_fmt(gn[i])}"
        self.readout.setText(text)
