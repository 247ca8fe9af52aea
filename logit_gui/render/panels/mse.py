"""The "why not MSE" panel: the cross-entropy and the squared error of σ(z) side by side.

Top: the two landscapes over two parameters through the shown iterate (✚),
each with its contours and its grid minimum (◆); where the squared error's
curvature over the plane has a negative eigenvalue it is non-convex, shaded
and outlined. Bottom: the gradient magnitude |∂ℓ/∂z| per sample against z —
|σ − y| for the cross-entropy (solid), |σ − y|·σ(1 − σ) for ½(σ − y)²
(dashed) — with the drawn samples on both. Everything drawn is computed in
:mod:`logit_gui.model.frames.mse`; the items are built once.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from logit_gui.model.frames import mse as frames

from ..markers import MovingScatter, Scatter
from ..panel import PanelItem, PanelSpec, brush, cache, pen, register, set_label, style_plot
from .boundary import HeatmapItem

__all__ = ["MseItem", "SPEC"]


class _Landscape:
    """One landscape: image, contours, the non-convex region, the iterate and the minimum."""

    def __init__(self, plot: pg.PlotItem, theme, lut):
        t = theme
        self.plot = plot
        plot.disableAutoRange()
        self.image = HeatmapItem(axisOrder="row-major")
        self.image.setLookupTable(lut)
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.shade = HeatmapItem(axisOrder="row-major")   # RGBA: the non-convex region
        self.shade.setZValue(-5)
        plot.addItem(self.shade)
        self.levels = pg.PlotCurveItem(pen=pen(t, t.contour_rgba, 1.0), connect="pairs", antialias=False,
                                       segmentedLineMode="on")
        self.outline = pg.PlotCurveItem(pen=pen(t, t.warning_color, 2.5), connect="pairs", antialias=True,
                                        segmentedLineMode="on")
        for item in (self.levels, self.outline):
            item.setZValue(5)
            plot.addItem(item)
        self.minimum = Scatter(size=t.px(11), symbol="d", pen=pen(t, t.background, 1.2),
                               brush=brush(t.line_color), antialias=True)
        self.centre = Scatter(size=t.px(16), symbol="+", pen=pen(t, t.background, 1.0),
                              brush=brush(t.line_color), antialias=True)
        for z, item in ((10, self.minimum), (11, self.centre)):
            item.setZValue(z)
            plot.addItem(item)
        self._rect = None

    def set(self, a, b, image, levels, outline, shade, centre, minimum) -> None:
        rect = (float(a[0]), float(b[0]), float(a[-1] - a[0]), float(b[-1] - b[0]))
        self.image.setImage(image, levels=(0.0, 1.0), autoLevels=False)
        self.shade.setImage(shade, levels=(0, 255), autoLevels=False)
        if rect != self._rect:
            self._rect = rect
            self.image.setRect(QRectF(*rect))
            self.shade.setRect(QRectF(*rect))
            self.plot.setRange(xRange=(a[0], a[-1]), yRange=(b[0], b[-1]), padding=0)
        _pairs(self.levels, levels)
        _pairs(self.outline, outline)
        self.centre.setData([centre[0]], [centre[1]])
        self.minimum.setData([minimum[0]], [minimum[1]])


def _pairs(item, segs) -> None:
    if segs.shape[0] == 0:
        item.setData([], [])
    else:
        item.setData(segs[:, 0], segs[:, 1], connect="pairs")


class MseItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, colspan=2, justify="left")
        # each landscape's title: a label row of its own (a PlotItem's title row is 30 px, whatever the font)
        self.ce_title = self.addLabel("", row=1, col=0)
        self.mse_title = self.addLabel("", row=1, col=1)
        self.wrap_labels(self.legend)
        self.wrap_labels(self.ce_title, self.mse_title, fraction=0.45)
        self.ce_plot = self.addPlot(row=2, col=0)
        self.mse_plot = self.addPlot(row=2, col=1)
        self.grad_plot = self.addPlot(row=3, col=0, colspan=2)
        self.layout.setRowStretchFactor(2, 3)
        self.layout.setRowStretchFactor(3, 2)
        style_plot(self.ce_plot, t, left="b", bottom="w")
        style_plot(self.mse_plot, t, left="b", bottom="w")
        style_plot(self.grad_plot, t, left="|∂ℓ/∂z|", bottom="logit z")
        for p in (self.ce_plot, self.mse_plot):
            p.showGrid(x=False, y=False)  # the contours are the grid
        lut = t.landscape_lut()
        self.ce = _Landscape(self.ce_plot, t, lut)
        self.mse = _Landscape(self.mse_plot, t, lut)
        gp = self.grad_plot
        gp.disableAutoRange()
        self.curves = {}
        for loss, style in (("ce", None), ("mse", "dash")):
            for k in (0, 1):
                c = pg.PlotCurveItem(pen=pen(t, t.class_color(k), 2.5, style), antialias=True)
                gp.addItem(c)
                cache(c)
                self.curves[loss, k] = c
        edge = pen(t, t.marker_edge_rgba, 0.8)
        self.marks = {}
        for k in (0, 1):
            on_ce = MovingScatter(size=t.px(7), pen=edge, brush=brush(t.class_color(k), 215), antialias=True)
            on_mse = MovingScatter(size=t.px(7), pen=pen(t, t.class_color(k), 1.5), brush=None, antialias=True)
            for item in (on_ce, on_mse):
                item.setZValue(10)
                gp.addItem(item)
            self.marks["ce", k] = on_ce
            self.marks["mse", k] = on_mse
        self._members: list[np.ndarray] = []
        self._data = None
        self._grad_key = None
        self._labels: dict = {}
        self._shade_rgba = np.array([*(t.rgb(t.warning_color) * 255).round(), 55], dtype=np.ubyte)

    # ------------------------------------------------------------------
    def plot_item(self):
        return self.mse_plot

    def set_view(self, view) -> None:
        super().set_view(view)
        y = view.train_y[view.curve_sel]
        self._members = [np.flatnonzero(y == k) for k in (0, 1)]
        for item in self.marks.values():
            item.setData([], [])
        self._grad_key = None
        t = self.theme
        binary = view.kind == "binary"
        for item in (self.ce_plot, self.mse_plot, self.grad_plot, self.ce_title, self.mse_title):
            item.setVisible(binary)
        names = [html.escape(str(c)) for c in view.classes]
        entries = [("━━", t.foreground, "cross-entropy"), ("╍╍", t.foreground, "½(σ − y)²")]
        if view.K == 2:
            entries += [("●", t.class_color(0), f"y = {names[0]}"), ("●", t.class_color(1), f"y = {names[1]}")]
        entries += [("✚", t.line_color, "shown iterate"), ("◆", t.line_color, "grid minimum"),
                    ("▨", t.warning_color, "non-convex (λ<sub>min</sub> &lt; 0)")]
        self.legend.setText(self.legend_html(entries))

    def update_data(self, data: frames.MseData) -> None:
        if self.view is None:
            return
        self._data = data
        if data.message:  # the plots are hidden (set_view): the message takes the legend's row
            t = self.theme
            self.legend.setText(data.message, color=t.foreground, size=t.css_pt(1))
            return
        for land, image, levels, outline, lam_mask, mn in (
                (self.ce, data.ce_image, data.ce_levels, data.ce_nonconvex, data.ce_mask, data.ce_min),
                (self.mse, data.mse_image, data.mse_levels, data.mse_nonconvex, data.mse_mask, data.mse_min)):
            shade = np.zeros(image.shape + (4,), dtype=np.ubyte)
            shade[lam_mask] = self._shade_rgba
            land.set(data.a, data.b, image, levels, outline, shade, data.centre, mn)
        for plot in (self.ce_plot, self.mse_plot):
            self._label(plot, "bottom", html.escape(data.names[0]))
            self._label(plot, "left", html.escape(data.names[1]))
        self._title(self.ce_plot, "cross-entropy: convex" if data.ce_fraction == 0
                    else f"cross-entropy: {100 * data.ce_fraction:.0f}% non-convex")
        self._title(self.mse_plot, f"½(σ − y)²: {100 * data.mse_fraction:.0f}% non-convex")
        key = (data.log_grad, float(data.z_range[1]))
        if key != self._grad_key:
            self._grad_key = key
            for k in (0, 1):
                self.curves["ce", k].setData(data.z_curve, data.grad_ce[k])
                self.curves["mse", k].setData(data.z_curve, data.grad_mse[k])
            # the log view comes as log10 values: decade ticks, else pyqtgraph's own
            self.grad_plot.getAxis("left").setTicks([list(data.g_ticks), []] if data.g_ticks else None)
            self.grad_plot.setRange(xRange=data.z_range, yRange=data.g_range, padding=0.02)
            self._label(self.grad_plot, "left", "|∂ℓ/∂z| (log scale)" if data.log_grad else "|∂ℓ/∂z|")
        for k in (0, 1):
            idx = self._members[k] if k < len(self._members) else np.empty(0, dtype=np.intp)
            self.marks["ce", k].set_positions(data.z[idx], data.sample_ce[idx])
            self.marks["mse", k].set_positions(data.z[idx], data.sample_mse[idx])

    def _title(self, plot, text: str) -> None:
        key = (id(plot), "title")
        if self._labels.get(key) != text:
            self._labels[key] = text
            t = self.theme
            label = self.ce_title if plot is self.ce_plot else self.mse_title
            label.setText(text, color=t.foreground, size=t.css_pt(0))

    def _label(self, plot, axis: str, text: str) -> None:
        key = (id(plot), axis)
        if self._labels.get(key) != text:
            self._labels[key] = text
            set_label(plot, self.theme, axis, text)

    def readout(self, x: float, y: float) -> str:
        return "" if self._data is None else frames.readout(self._data, x, y)


SPEC = register(PanelSpec(
    id="mse", order=80, default=False, title="Cross-entropy vs squared error", Options=frames.MseOptions,
    compute=frames.compute, item=MseItem,
    tooltip="Why not the squared error? Top: the mean cross-entropy and the mean ½(σ(z) − y)² over two\n"
            "parameters through the shown iterate (✚): the squared error is flat where σ saturates and\n"
            "non-convex (shaded: its Hessian over the plane has a negative eigenvalue). Bottom: each sample's\n"
            "gradient magnitude |∂ℓ/∂z| — |σ − y| for the cross-entropy, |σ − y|·σ(1 − σ) for the squared\n"
            "error, which vanishes for a confidently wrong sample.",
))
