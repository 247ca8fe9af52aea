"""Panel 3: every sample on the S-curve.

Binary: the curve σ(z) = 1/(1 + e^{−z}); each sample sits at its logit
zᵢ = wᵀφ(xᵢ) + b twice — at its label yᵢ (0 or 1, in a band just outside the
unit interval) and at σ(zᵢ) on the curve, joined by a thin line: the residual
σ(zᵢ) − yᵢ, which is exactly that sample's weight in the gradient. Samples on the
wrong side of z = 0 are misclassified; far out on the flat tails they are
confident. The "−log p" view draws the per-sample cross-entropy instead:
−log σ(z) for class 1 and −log(1 − σ(z)) for class 0, each sample on its curve.

Softmax / one-vs-rest: the probability each sample gives its true class,
p_true = σ(m) with m = log(p_true / (1 − p_true)) (for softmax exactly
z_y − log Σ_{j≠y} e^{z_j}).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from logit_gui.core.objective import log_sigmoid, sigmoid

from .. import style
from logit_gui.model.frame import Frame, View
from .markers import MovingScatter

__all__ = ["SigmoidPanel"]

#: residual lines are drawn for at most this many samples
MAX_RESIDUALS = 100

#: classes drawn in their own colour (the data sets have at most 10)
MAX_CLASSES = 10


class SigmoidPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("sigmoid")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 0, 6, 0)
        self.ce_mode = QCheckBox("−log p (per-sample loss)")
        self.ce_mode.setObjectName("sigmoid_ce")
        self.ce_mode.setToolTip(
            "Show each sample's cross-entropy −log p(yᵢ | xᵢ) instead of its probability:\n"
            "−log σ(z) for class 1, −log(1 − σ(z)) = −log σ(−z) for class 0.\n"
            "The objective J is the (weighted) mean of these values plus the penalty."
        )
        self.residuals = QCheckBox("residuals")
        self.residuals.setObjectName("sigmoid_residuals")
        self.residuals.setChecked(True)
        self.residuals.setToolTip(
            "Join each sample's label yᵢ to its σ(zᵢ): the residual σ(zᵢ) − yᵢ,\n"
            "the sample's weight in the gradient ∇J = (1/Σs) Σ sᵢ (σ(zᵢ) − yᵢ) x̃ᵢ."
        )
        self.info = QLabel("")
        self.info.setObjectName("sigmoid_info")
        bar.addWidget(self.ce_mode)
        bar.addWidget(self.residuals)
        bar.addStretch(1)
        bar.addWidget(self.info)
        lay.addLayout(bar)
        self.plot_widget = pg.PlotWidget(background="w")
        self.plot_widget.setToolTip(
            "The logistic function σ(z) = 1 / (1 + e^{−z}) with every sample at its logit z = wᵀφ(x) + b:\n"
            "on the curve at σ(zᵢ) and at its label yᵢ ∈ {0, 1}. z > 0 predicts the red class."
        )
        lay.addWidget(self.plot_widget, 1)
        plot = self.plot_widget.getPlotItem()
        self.plot = plot
        style.style_plot(plot, left="σ(z)", bottom="logit z = wᵀφ(x) + b")
        plot.getViewBox().setMouseEnabled(x=False, y=False)
        self.zero_line = pg.InfiniteLine(pos=0, angle=90, movable=False,
                                         pen=pg.mkPen(QColor(0, 0, 0, 110), width=1.2, style=Qt.DashLine))
        self.half_line = pg.InfiniteLine(pos=0.5, angle=0, movable=False,
                                         pen=pg.mkPen(QColor(0, 0, 0, 70), width=1, style=Qt.DotLine))
        plot.addItem(self.zero_line, ignoreBounds=True)
        plot.addItem(self.half_line, ignoreBounds=True)
        self.res_lines = pg.PlotCurveItem(pen=pg.mkPen(QColor(200, 200, 200), width=1), connect="pairs", antialias=False,
                                          segmentedLineMode="on")
        plot.addItem(self.res_lines)
        self.curve0 = pg.PlotCurveItem(pen=pg.mkPen("#111111", width=3))
        self.curve1 = pg.PlotCurveItem(pen=pg.mkPen("#111111", width=3))
        plot.addItem(self.curve0)
        plot.addItem(self.curve1)
        style.cache(self.curve0, self.curve1)  # they change only with the z range
        # one scatter per class (a uniform brush is the fast path of ScatterPlotItem),
        # created once for the largest number of classes and hidden when unused
        self.on_curve = []
        self.at_label = []
        for k in range(MAX_CLASSES):
            on = MovingScatter(size=7, pen=pg.mkPen(QColor(20, 20, 20, 150), width=0.8),
                                    brush=pg.mkBrush(style.class_color(k, 215)))
            at = MovingScatter(size=6, pen=None, brush=pg.mkBrush(style.class_color(k, 110)))
            on.setZValue(10)
            plot.addItem(at)
            plot.addItem(on)
            self.on_curve.append(on)
            self.at_label.append(at)
        self.view: View | None = None
        self._members: list[np.ndarray] = []
        self._jitter = np.empty(0)
        self._last: Frame | None = None
        self._zmax = 6.0
        self._labels: dict[str, str] = {}
        self._range = None
        self._curve_key = None
        self.ce_mode.toggled.connect(self._redo)
        self.residuals.toggled.connect(self._redo)

    def _set_range(self, xr, yr) -> None:
        if (xr, yr) != self._range:
            self._range = (xr, yr)
            self.plot.setRange(xRange=xr, yRange=yr, padding=0.02)

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
            self.plot.setLabel(axis, text, color=style.TEXT, **{"font-size": f"{style.FONT_PT + 2}pt"})

    def _redo(self, *_):
        if self._last is not None:
            self.show(self._last)

    def set_view(self, view: View) -> None:
        self.view = view
        K = view.K
        y = view.train_y[view.curve_sel]
        self._members = [np.flatnonzero(y == k) for k in range(min(K, MAX_CLASSES))]
        for k in range(MAX_CLASSES):
            self.on_curve[k].setData([], [])
            self.at_label[k].setData([], [])
        rng = np.random.default_rng(7)
        self._jitter = rng.uniform(0.05, 0.13, size=y.size)
        binary = view.kind == "binary"
        self.residuals.setEnabled(binary)
        self.ce_mode.setEnabled(True)
        shown = view.curve_sel.size
        self.info.setText(f"{shown:,} of {view.n_train:,} samples" if shown < view.n_train else "")
        self._zmax = 6.0
        self._curve_key = None
        self._last = None

    # ------------------------------------------------------------------
    def show(self, frame: Frame) -> None:  # noqa: A003
        view = self.view
        if view is None:
            return
        self._last = frame
        z = frame.z
        binary = view.kind == "binary"
        ce = self.ce_mode.isChecked()
        # the z range follows the samples (slowly shrinking, quickly growing) so the curve stays put
        if z.size:
            want = float(np.clip(np.percentile(np.abs(z), 98) * 1.15, 6.0, 40.0))
        else:
            want = 6.0
        if want > self._zmax or want < 0.6 * self._zmax:
            self._zmax = style.nice_ceil(want)
        zmax = self._zmax
        self._curves(binary, ce, zmax)
        y = view.train_y[view.curve_sel]
        if binary:
            if ce:
                loss = np.where(y == 1, -log_sigmoid(z), -log_sigmoid(-z))
                self._scatter(self.on_curve, z, loss)
                self._scatter(self.at_label, None, None)
                self.res_lines.setData([], [])
                ytop = float(np.clip(np.percentile(loss, 99) * 1.15 if loss.size else 3.0, 1.0, 12.0))
                self._set_range((-zmax, zmax), (0, style.nice_ceil(max(ytop, 3.0))))
            else:
                p = sigmoid(z)
                self._scatter(self.on_curve, z, p)
                ylab = np.where(y == 1, 1.0 + self._jitter, -self._jitter)
                self._scatter(self.at_label, z, ylab)
                if self.residuals.isChecked():
                    m = min(z.size, MAX_RESIDUALS)
                    seg = np.empty((2 * m, 2))
                    seg[0::2, 0] = z[:m]
                    seg[0::2, 1] = p[:m]
                    seg[1::2, 0] = z[:m]
                    seg[1::2, 1] = ylab[:m]
                    self.res_lines.setData(seg[:, 0], seg[:, 1], connect="pairs")
                else:
                    self.res_lines.setData([], [])
                self._set_range((-zmax, zmax), (-0.16, 1.16))
        else:
            self.res_lines.setData([], [])
            self._scatter(self.at_label, None, None)
            if ce:
                vals = -np.log(np.clip(frame.p_true, 1e-300, 1.0))
                ytop = float(np.clip(np.percentile(vals, 99) * 1.15 if vals.size else 3.0, 3.0, 12.0))
                yr = (0, style.nice_ceil(ytop))
            else:
                vals = frame.p_true
                yr = (-0.05, 1.05)
            self._scatter(self.on_curve, z, vals)
            self._set_range((-zmax, zmax), yr)

    def _curves(self, binary: bool, ce: bool, zmax: float) -> None:
        """The S-curve (or the two loss curves): redrawn only when the mode or z range changes."""
        key = (binary, ce, zmax)
        if key == self._curve_key:
            return
        self._curve_key = key
        zz = np.linspace(-zmax, zmax, 400)
        if ce:
            self.curve1.setData(zz, -log_sigmoid(zz))        # class 1 (or the true class): −log σ(z)
            if binary:
                self.curve0.setData(zz, -log_sigmoid(-zz))   # class 0: −log(1 − σ(z))
            self.curve1.setPen(pg.mkPen(style.class_color(1) if binary else "#111111", width=3))
            self.curve0.setPen(pg.mkPen(style.class_color(0), width=3))
            self.half_line.hide()
            self._label("left", "per-sample loss −log p(yᵢ|xᵢ)")
        else:
            self.curve1.setData(zz, sigmoid(zz))
            self.curve1.setPen(pg.mkPen("#111111", width=3))
            self.half_line.show()
            self._label("left", "σ(z) and label y" if binary else "p(true class)")
        self.curve0.setVisible(binary and ce)
        self._label("bottom", "logit z = wᵀφ(x) + b" if binary else "margin m = log(p_true / (1 − p_true))")
