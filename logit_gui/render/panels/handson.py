"""The hands-on panel: drag the 1-D model's w and b by hand (as in MLU-Explain).

Top: σ(z) = σ(S·x + C) against x, the samples at their labels, and two handles
on the curve — ● at p = ½ (where z = 0: x = −C/S, the decision boundary) moves
the curve sideways, ◆ turns it about ● (its height sets the slope S). Below: each
sample's cross-entropy at those weights and the two branches −log σ(±z) along
the line. While a handle is dragged the curves, the losses and J follow at once
(J is the objective's value at the dragged weights); on release the panel asks
the window to train from those weights (``RestartFrom``). What is drawn is
computed in :mod:`logit_gui.model.frames.handson`.
"""

from __future__ import annotations

import html
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from logit_gui.core.objective import sigmoid
from logit_gui.model.frames import handson as frames
from logit_gui.model.requests import RestartFrom

from ..markers import MovingScatter
from ..panel import PanelItem, PanelSpec, brush, cache, pen, register, set_label, style_plot

__all__ = ["HandsOnItem", "SPEC"]

#: the label band just outside [0, 1] where the samples sit on the sigmoid plot
Y_RANGE = (-0.12, 1.12)


class _Handle(pg.TargetItem):
    """A handle whose drags go to the panel (scene positions); it never moves by itself."""

    def __init__(self, name: str, panel, **kw):
        super().__init__(movable=True, **kw)
        self.name = name
        self._panel = weakref.ref(panel)

    def mouseDragEvent(self, ev):  # noqa: N802 - Qt API
        panel = self._panel()
        if panel is None or ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        if ev.isStart():
            panel.drag_start(self.name, ev.buttonDownScenePos())
        panel.drag_to(ev.scenePos(), finish=ev.isFinish())

    def mouseClickEvent(self, ev):  # noqa: N802 - Qt API
        ev.accept()  # a click is not a drag: nothing moves


class HandsOnItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.info = self.addLabel("", row=0, col=0, justify="left")
        self.wrap_labels(self.info)
        self.sig_plot = self.addPlot(row=1, col=0)
        self.loss_plot = self.addPlot(row=2, col=0)
        self.layout.setRowStretchFactor(1, 3)
        self.layout.setRowStretchFactor(2, 2)
        style_plot(self.sig_plot, t, left="σ(z) and label y")
        style_plot(self.loss_plot, t, left="−log p(yᵢ | xᵢ)", bottom="x")
        for p in (self.sig_plot, self.loss_plot):
            p.disableAutoRange()
        self.loss_plot.setXLink(self.sig_plot)
        guide = pen(t, t.guide_rgba, 1.0, "dot")
        self.half_line = pg.InfiniteLine(pos=0.5, angle=0, movable=False, pen=guide)
        self.sig_plot.addItem(self.half_line, ignoreBounds=True)
        # x = −C/S, where z = 0: the decision boundary of the 1-D model, in both plots
        self.cross_lines = []
        for p in (self.sig_plot, self.loss_plot):
            line = pg.InfiniteLine(pos=0.0, angle=90, movable=False, pen=pen(t, t.guide_rgba, 1.2, "dash"))
            p.addItem(line, ignoreBounds=True)
            self.cross_lines.append(line)
        self.curve = pg.PlotCurveItem(pen=pen(t, t.line_color, 3.0), antialias=True)
        self.sig_plot.addItem(self.curve)
        self.branch1 = pg.PlotCurveItem(pen=pen(t, t.class_color(1), 2.2), antialias=True)
        self.branch0 = pg.PlotCurveItem(pen=pen(t, t.class_color(0), 2.2), antialias=True)
        for c in (self.branch0, self.branch1):
            self.loss_plot.addItem(c)
        edge = pen(t, t.marker_edge_rgba, 0.8)
        self.at_label, self.on_loss = [], []
        for k in range(2):
            a = MovingScatter(size=t.px(7), pen=edge, brush=brush(t.class_color(k), 170), antialias=True)
            b = MovingScatter(size=t.px(7), pen=edge, brush=brush(t.class_color(k), 200), antialias=True)
            a.setZValue(8)
            b.setZValue(8)
            self.sig_plot.addItem(a)
            self.loss_plot.addItem(b)
            self.at_label.append(a)
            self.on_loss.append(b)
        hpen = pen(t, t.foreground, 1.5)
        common = dict(size=t.px(16), pen=hpen, brush=brush(t.handle_color), hoverPen=pen(t, t.foreground, 2.5),
                      hoverBrush=brush(t.handle_color, 160))
        self.mid_handle = _Handle("mid", self, symbol="o", **common)
        self.slope_handle = _Handle("slope", self, symbol="d", **common)
        self.mid_handle.setToolTip("Drag: move the curve sideways — where it crosses p = ½, x = −b/w, is the\n"
                                   "decision boundary. Release: train from these weights.")
        self.slope_handle.setToolTip("Drag up or down: turn the curve about ● — the steepness is the weight w\n"
                                     "(negative when it falls). Release: train from these weights.")
        for h in (self.mid_handle, self.slope_handle):
            h.setZValue(30)
            self.sig_plot.addItem(h, ignoreBounds=True)
        cache(self.branch0, self.branch1)
        self.data: frames.HandsOnData | None = None    # what is drawn (the dragged weights while dragging)
        self.latest: frames.HandsOnData | None = None  # the shown iterate's
        self._drag = None     # (handle name, the data at the start, offset of the grab point, pivot)
        self._members = [np.empty(0, np.intp), np.empty(0, np.intp)]
        self._line = None
        self._loss_top = None
        self._show_loss = None

    # ------------------------------------------------------------------
    def plot_item(self):
        return self.sig_plot

    def set_view(self, view) -> None:
        super().set_view(view)
        self._drag = None
        self._line = None
        self._loss_top = None
        self.data = self.latest = None

    def update_data(self, data: frames.HandsOnData) -> None:
        if self.view is None:
            return
        self.latest = data
        if self._drag is None:  # while a handle is held the dragged weights stay on screen
            self._show(data)

    def _show(self, data: frames.HandsOnData, dragging: bool = False, handles=None) -> None:
        t = self.theme
        self.data = data
        shown = data.binary
        for item in (self.curve, self.branch0, self.branch1, self.mid_handle, self.slope_handle, self.half_line,
                     *self.cross_lines, *self.at_label, *self.on_loss):
            item.setVisible(shown)
        if not shown:
            self.info.setText(html.escape(data.note), color=t.muted, size=t.css_pt(0))
            return
        line = data.line
        self.set_loss_visible(data.show_loss)
        if line is not self._line:
            self._line = line
            y = line.y
            self._members = [np.flatnonzero(y == k) for k in range(2)]
            self.sig_plot.setRange(xRange=line.x_range, yRange=Y_RANGE, padding=0.0)
            set_label(self.loss_plot, t, "bottom", line.label)
            self._show_loss = None
        self.curve.setData(data.curve_x, data.curve_p)
        self.branch1.setData(data.curve_x, data.curve_loss1)
        self.branch0.setData(data.curve_x, data.curve_loss0)
        for k in range(2):
            idx = self._members[k]
            self.at_label[k].set_positions(line.x[idx], data.sample_p_at[idx])
            self.on_loss[k].set_positions(line.x[idx], data.sample_loss[idx])
        if not dragging and data.loss_top != self._loss_top:
            self._loss_top = data.loss_top
            self.loss_plot.setYRange(0.0, data.loss_top, padding=0.02)
        (mx, mz), (sx, sz) = handles if handles is not None else (data.mid, data.slope)
        self.mid_handle.setPos(QPointF(mx, float(sigmoid(mz))))
        self.slope_handle.setPos(QPointF(sx, float(sigmoid(sz))))
        crosses = abs(data.S) > 0 and line.x_range[0] <= -data.C / data.S <= line.x_range[1]
        for c in self.cross_lines:
            c.setVisible(bool(crosses))
            if crosses:
                c.setPos(-data.C / data.S)
        self._set_info(data, dragging)

    def _set_info(self, data: frames.HandsOnData, dragging: bool) -> None:
        t = self.theme
        line = data.line
        w, b = data.coef[0], float(data.intercept[0])
        num = _num
        weight = (f"{line.name} = {num(w[line.index])}, " if line.index is not None else "")
        text = (f"z = <b>{num(data.S)}</b>·x {'−' if data.C < 0 else '+'} <b>{num(abs(data.C))}</b>"
                f"&nbsp;&nbsp;&nbsp;<span style='color:{t.muted}'>({weight}b = {num(b)})</span>"
                f"&nbsp;&nbsp;&nbsp;J = <b>{num(data.J, 5)}</b>")
        if dragging and self.latest is not None:
            second = (f"dragged: the shown iterate has J = {num(self.latest.J, 5)}; release to train from "
                      "these weights")
        else:
            second = line.about + (f"; {data.note}" if data.note else "")
        self.info.setText(f"<span style='color:{t.foreground};font-size:{t.css_pt(0)}'>{text}</span><br>"
                          f"<span style='color:{t.muted};font-size:{t.css_pt(-1)}'>{html.escape(second)}</span>")

    def set_loss_visible(self, visible: bool) -> None:
        if visible != self._show_loss:
            self._show_loss = visible
            self.loss_plot.setVisible(visible)
            self.layout.setRowStretchFactor(2, 2 if visible else 0)
            self.loss_plot.setMaximumHeight(1e6 if visible else 0)
            if not visible:
                set_label(self.sig_plot, self.theme, "bottom", self._line.label if self._line else "x")
            self.sig_plot.getAxis("bottom").showLabel(not visible)

    # ------------------------------------------------------------------
    # dragging a handle (scene positions: the handles call these, and so can a test)
    # ------------------------------------------------------------------
    def drag_start(self, name: str, scene_pos) -> None:
        """Take hold of handle ``name`` ("mid" or "slope") at ``scene_pos``."""
        data = self.data
        if data is None or not data.binary:
            return
        handle = self.mid_handle if name == "mid" else self.slope_handle
        grab = self.sig_plot.vb.mapSceneToView(scene_pos)
        offset = (handle.pos().x() - grab.x(), handle.pos().y() - grab.y())
        self._drag = (name, data, offset, data.mid, data.slope)

    def drag_to(self, scene_pos, finish: bool = False) -> None:
        """The held handle is at ``scene_pos``: show the model it makes; on ``finish`` ask the window
        to train from it."""
        if self._drag is None:
            return
        name, base, offset, mid, slope = self._drag
        pt = self.sig_plot.vb.mapSceneToView(scene_pos)
        x, p = pt.x() + offset[0], pt.y() + offset[1]
        lo, hi = base.line.x_range
        x = float(np.clip(x, lo, hi))
        if name == "mid":
            S, C = frames.move_curve(base.S, x, p)
            handles_x = (x, x + (slope[0] - mid[0]))
        else:
            S, C = frames.turn_curve(mid, slope[0], p)
            handles_x = (mid[0], slope[0])
        fit_b = self.view.problem.objective.fit_intercept
        coef, intercept = frames.weights_for(base.line, base.coef, base.intercept, S, C, fit_b)
        data = frames.at_weights(self.view, base.line, coef, intercept, show_loss=base.show_loss)
        handles = tuple((hx, data.S * hx + data.C) for hx in handles_x)
        if not finish:
            self._show(data, dragging=True, handles=handles)
            return
        self._drag = None
        self._show(data)
        self.requested.emit(RestartFrom(coef, intercept))
        if self.latest is not None and self.data is data:  # nobody trained from it: the shown iterate again
            self._show(self.latest)

    def readout(self, x: float, y: float) -> str:
        data = self.data
        if data is None or not data.binary:
            return ""
        z = data.S * x + data.C
        return f"x = {x:.4g}:  z = {z:.4g},  σ(z) = {float(sigmoid(z)):.4f}"


def _num(v: float, digits: int = 4) -> str:
    if not np.isfinite(v):
        return "NaN" if np.isnan(v) else ("+∞" if v > 0 else "−∞")
    return f"{v:.{digits}g}".replace("-", "−")


SPEC = register(PanelSpec(
    id="handson", order=35, default=False, title="Hands-on: drag w and b", Options=frames.HandsOnOptions,
    compute=frames.compute, item=HandsOnItem,
    tooltip="The model as a 1-D logistic regression z = w·x + b along one feature (the others at their mean)\n"
            "or the first principal direction: the sigmoid against x with every sample at its label, and\n"
            "each sample's cross-entropy below. Drag ● (at p = ½: x = −b/w) to move the curve, ◆ to change\n"
            "its slope w; J follows at once, and on release the run trains from the weights you set.",
))
