"""The data panel: samples, the model's probability and its decision boundary.

Binary: P(class 1) as a heatmap (diverging map, colour bar, levels 0..1), the
p = 0.5 contour bold, optional contours at 0.1 … 0.9, and the p = t contour
dashed in the threshold colour when the shared decision threshold t ≠ 0.5. Multiclass: each class's
colour weighted by its probability, and the lines where the most probable
class changes. Training samples ●, test samples ▲, misclassified ones ringed.
The legend is a row above the plot, where it never hides a sample.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage

from logit_gui.model.frames import boundary as frames

from ..markers import Scatter
from ..panel import PanelItem, PanelSpec, brush, cache, color, font, pen, register, roomy_axis, set_label, style_plot

__all__ = ["BoundaryItem", "HeatmapItem", "SPEC"]


class HeatmapItem(pg.ImageItem):
    """An ImageItem that hands Qt a 32-bit image.

    pyqtgraph renders a one-channel image through a lookup table as an 8-bit
    indexed QImage, which Qt converts and scales pixel by pixel at every paint
    (≈ 4 ms for 200 × 200 filling 600 × 800 pixels, against ≈ 0.5 ms for a 32-bit
    one). Converting once, when a new grid arrives, makes every paint cheap.
    """

    def render(self):
        super().render()
        q = self.qimage
        if q is not None and q.format() == QImage.Format.Format_Indexed8:
            fmt = (QImage.Format.Format_ARGB32_Premultiplied if q.hasAlphaChannel()
                   else QImage.Format.Format_RGB32)
            self.qimage = q.convertToFormat(fmt)


class BoundaryItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, justify="left")
        self.wrap_labels(self.legend)
        self.plot = self.addPlot(row=1, col=0)
        plot = self.plot
        style_plot(plot, t, left="x2", bottom="x1")
        self.image = HeatmapItem(axisOrder="row-major")
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.lut = t.probability_lut()
        cmap = pg.ColorMap(np.linspace(0.0, 1.0, 256), self.lut)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=cmap, interactive=False,
                                        width=t.px(16), colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=plot)
        ax = self.colorbar.getAxis("right")
        ax.setTickFont(font(t))
        ax.setPen(pen(t, t.foreground))
        ax.setTextPen(pen(t, t.foreground))
        ax.setStyle(tickLength=int(round(t.px(5))), tickTextOffset=int(round(t.px(3))))
        roomy_axis(ax)
        ax.setWidth(None)  # ColorBarItem fixes it at 45 px: too narrow for large tick labels
        cache(self.colorbar, ax)
        # thin contours: aliased lines (Qt's fast path); the boundary: a bold antialiased line
        self.levels_curve = pg.PlotCurveItem(pen=pen(t, t.contour_rgba, 1.0), connect="pairs",
                                             antialias=False, segmentedLineMode="on")
        self.boundary_curve = pg.PlotCurveItem(pen=pen(t, t.line_color, 3.5), connect="pairs",
                                               antialias=True, segmentedLineMode="on")
        # the decision threshold's contour p = t (binary, t ≠ 0.5): dashed, in the threshold colour
        self.threshold_curve = pg.PlotCurveItem(pen=pen(t, t.threshold_color, 2.5, "dash"), connect="finite",
                                                antialias=True)
        for item in (self.levels_curve, self.boundary_curve, self.threshold_curve):
            item.setZValue(5)
            plot.addItem(item)
        self.train_scatter = Scatter(size=t.px(9), symbol="o", pxMode=True, antialias=True)
        self.test_scatter = Scatter(size=t.px(11), symbol="t1", pxMode=True, antialias=True)
        self.wrong_scatter = Scatter(size=t.px(16), symbol="o", pen=pen(t, t.ring_color, 2.2), brush=None,
                                     pxMode=True, antialias=True)
        for z, item in ((10, self.train_scatter), (11, self.test_scatter), (12, self.wrong_scatter)):
            item.setZValue(z)
            plot.addItem(item)
        cache(self.train_scatter, self.test_scatter)
        self.note = pg.TextItem("", color=color(t.muted), anchor=(1, 1), fill=brush(t.legend_rgba))
        self.note.setFont(font(t, -1))
        self.note.setZValue(31)
        plot.addItem(self.note, ignoreBounds=True)
        self._legend_text = ""
        self._legend_entries: list = []
        self._threshold_key = None

    # ------------------------------------------------------------------
    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        t = self.theme
        x0, x1, y0, y1 = view.extent
        K = view.K
        binary = view.kind == "binary"
        self.colorbar.setVisible(binary)
        self.image.setLookupTable(self.lut if binary else None)
        self.image.setImage(np.full((view.ys.size, view.xs.size), 0.5), levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        names = [str(c) for c in view.classes]
        if binary:
            self.colorbar.axis.setLabel(f"p(y = {names[1]})", color=t.foreground, **{"font-size": t.css_pt(1)})
        edge = pen(t, t.marker_edge_rgba, 1.0)
        brushes = [brush(t.class_color(k)) for k in range(K)]
        self.train_scatter.setData(pos=view.train_xy, brush=[brushes[k] for k in view.train_y], pen=edge)
        self.test_scatter.setData(pos=view.test_xy, brush=[brushes[k] for k in view.test_y],
                                  pen=pen(t, t.marker_edge_rgba, 1.4))
        # the rings: one per sample on screen, shown where that sample is misclassified
        self.wrong_scatter.setData(pos=np.concatenate([view.train_xy, view.test_xy]))
        self.wrong_scatter.show_only(np.zeros(view.train_xy.shape[0] + view.test_xy.shape[0], dtype=bool))
        set_label(self.plot, t, "bottom", view.labels[0])
        set_label(self.plot, t, "left", view.labels[1])
        entries = []
        for k in range(K):
            name = html.escape(names[k] if len(names[k]) < 24 else names[k][:22] + "…")
            entries.append(("●", t.class_color(k), name))
        if view.n_test:
            entries.append(("▲", t.muted, "test"))
        entries.append(("◯", t.foreground, "misclassified"))
        self._legend_entries = entries
        self._threshold_key = None
        self._set_legend(entries)
        shown = view.train_xy.shape[0]
        text = []
        if shown < view.n_train:
            text.append(f"showing {shown:,} of {view.n_train:,} training points")
        if not view.exact:
            text.append("a 2-D slice of the model through the training mean")
        self.note.setText(";  ".join(text))
        self.note.setVisible(bool(text))
        self.note.setPos(x1, y0)
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.levels_curve.setData([], [])
        self.boundary_curve.setData([], [])
        self.threshold_curve.setData([], [])

    def _set_legend(self, entries) -> None:
        self._legend_text = self.legend_html(entries)
        self.legend.setText(self._legend_text)

    def update_data(self, data: frames.BoundaryData) -> None:
        if self.view is None:
            return
        if data.binary:
            self.image.setImage(data.image, levels=(0.0, 1.0), autoLevels=False)
        else:
            self.image.setImage(self.theme.blend_classes(data.image), autoLevels=False, levels=(0, 255))
        _set_pairs(self.boundary_curve, data.boundary)
        _set_pairs(self.levels_curve, data.levels)
        line = data.threshold_line
        self.threshold_curve.setData(line[:, 0], line[:, 1], connect="finite")
        shown = data.binary and not frames.is_half(data.threshold)
        key = (shown, round(data.threshold, 4) if shown else None)
        if key != self._threshold_key:  # the legend names p = t while its contour is drawn
            self._threshold_key = key
            extra = [("╍╍", self.theme.threshold_color, f"p = {data.threshold:.3g} (threshold)")] if shown else []
            self._set_legend(self._legend_entries + extra)
        self.test_scatter.setVisible(data.show_test)
        self.wrong_scatter.show_only(data.wrong)

    def readout(self, x: float, y: float) -> str:
        frame = self.frame
        if self.view is None or frame is None:
            return ""
        P = frames.probabilities_at(self.view, frame, x, y)
        if P is None:
            return ""
        names = [str(c) for c in self.view.classes]
        if self.view.kind == "binary":
            text = f"p(y = {names[1]}) = {P[1]:.3f}"
        else:
            text = "   ".join(f"p({n}) = {p:.2f}" for n, p in zip(names, P, strict=True))
        return f"({x:.3g}, {y:.3g}):  {text}"


def _set_pairs(item, segs) -> None:
    if segs.shape[0] == 0:
        item.setData([], [])
    else:
        item.setData(segs[:, 0], segs[:, 1], connect="pairs")


SPEC = register(PanelSpec(
    id="boundary", order=10, default=True, title="Data and decision boundary", Options=frames.BoundaryOptions,
    compute=frames.compute, item=BoundaryItem,
    tooltip="Colour: the model's probability p(x) = σ(wᵀφ(x) + b) of class 1 (binary), or each class's\n"
            "colour weighted by its softmax probability. Bold line: p = 0.5, the decision boundary.\n"
            "Thin lines: p = 0.1 … 0.9. Dashed: p = t, the decision threshold, when t ≠ 0.5.\n"
            "● training samples, ▲ test samples, ◯ misclassified.",
))
