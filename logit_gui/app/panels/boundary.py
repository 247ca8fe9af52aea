"""Panel 1: the data and the model's decision boundary.

Binary: P(class 1) as a heatmap over the plane (diverging colour map, colour
bar, fixed levels 0..1), the p = 0.5 contour bold, optional contours at
0.1 … 0.9. Multiclass: each class's colour weighted by its probability, and
the boundaries where the most probable class changes. Training samples are
circles, test samples triangles, misclassified samples get a black ring.

Every item is created once in ``__init__``; :meth:`set_view` (new data) and
:meth:`show` (new iterate) only call ``setData``/``setImage``.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .. import style
from logit_gui.model.frame import Frame, View
from logit_gui.model.contour import contour_levels, contour_segments
from .markers import Scatter

__all__ = ["BoundaryPanel"]

LEVELS = (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9)


class HeatmapItem(pg.ImageItem):
    """An ImageItem that hands Qt a 32-bit image.

    pyqtgraph renders a one-channel image through a 256-entry lookup table as
    an 8-bit indexed QImage, and Qt converts and scales such an image pixel
    by pixel at every paint (≈ 4 ms for a 200 × 200 grid filling 600 × 800
    pixels, against ≈ 0.5 ms for a 32-bit one). Converting once, when a new
    grid arrives, makes every paint of it cheap.
    """

    def render(self):
        super().render()
        q = self.qimage
        if q is not None and q.format() == QImage.Format.Format_Indexed8:
            fmt = (QImage.Format.Format_ARGB32_Premultiplied if q.hasAlphaChannel()
                   else QImage.Format.Format_RGB32)
            self.qimage = q.convertToFormat(fmt)


class BoundaryPanel(QWidget):
    """Data and decision boundary; one :meth:`show` per iterate."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("boundary")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 0, 6, 0)
        # the legend sits above the plot, where it never hides a data point
        self.legend_label = QLabel("")
        self.legend_label.setObjectName("boundary_legend")
        self.legend_label.setTextFormat(Qt.RichText)
        self.legend_label.setToolTip("Marker meanings: class colours (training samples ●), "
                                     "test samples ▲, misclassified samples ringed ◯.")
        self.legend_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.readout = QLabel("")
        self.readout.setObjectName("boundary_readout")
        self.readout.setToolTip("Hover over the plot: the model's class probabilities at that point.")
        bar.addWidget(self.legend_label, 1)
        bar.addWidget(self.readout)
        lay.addLayout(bar)
        self.plot_widget = pg.PlotWidget(background="w")
        lay.addWidget(self.plot_widget, 1)
        self.plot_widget.setToolTip(
            "Data and decision boundary.\n"
            "Colour: the model's probability p(x) = σ(wᵀφ(x) + b) of the red class (binary),\n"
            "or each class's colour weighted by its softmax probability (multiclass).\n"
            "Bold line: p = 0.5, the decision boundary. Thin lines: p = 0.1 … 0.9.\n"
            "● training samples, ▲ test samples, ○ black ring: misclassified."
        )
        plot = self.plot_widget.getPlotItem()
        self.plot = plot
        style.style_plot(plot, left="x2", bottom="x1")
        self.image = HeatmapItem(axisOrder="row-major")
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.cmap = style.probability_colormap()
        self.image.setLookupTable(self.cmap.getLookupTable(nPts=256))
        self.image.setLevels((0.0, 1.0))
        self.colorbar = pg.ColorBarItem(
            values=(0.0, 1.0), colorMap=self.cmap, interactive=False, width=18, colorMapMenu=False,
        )
        self.colorbar.setImageItem(self.image, insert_in=plot)
        self.colorbar.getAxis("right").setTickFont(style.tick_font())
        style.cache(self.colorbar, self.colorbar.getAxis("right"))
        # thin contours: aliased 1-px lines (Qt's fast path); the boundary: a bold antialiased line
        self.levels_curve = pg.PlotCurveItem(pen=pg.mkPen(QColor(30, 30, 30, 110), width=1.0),
                                             connect="pairs", antialias=False, segmentedLineMode="on")
        self.boundary_curve = pg.PlotCurveItem(pen=pg.mkPen("#111111", width=3.5), connect="pairs",
                                               segmentedLineMode="on")
        for item in (self.levels_curve, self.boundary_curve):
            item.setZValue(5)
            plot.addItem(item)
        self.train_scatter = Scatter(size=9, symbol="o", pxMode=True)
        self.test_scatter = Scatter(size=11, symbol="t1", pxMode=True)
        self.wrong_scatter = Scatter(
            size=16, symbol="o", pen=pg.mkPen("#000000", width=2.2), brush=None, pxMode=True,
        )
        for z, item in ((10, self.train_scatter), (11, self.test_scatter), (12, self.wrong_scatter)):
            item.setZValue(z)
            plot.addItem(item)
        style.cache(self.train_scatter, self.test_scatter)
        self.note = pg.TextItem("", color="#444444", anchor=(1, 1), fill=QColor(255, 255, 255, 170))
        self.note.setZValue(31)
        plot.addItem(self.note, ignoreBounds=True)
        self.view: View | None = None
        self.show_levels = True
        self.show_test = True
        self.show_wrong = True
        self._last: Frame | None = None
        self._proxy = pg.SignalProxy(plot.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse)

    # ------------------------------------------------------------------
    def set_view(self, view: View) -> None:
        """New data (or a new plane): points, grid extent, legend."""
        self.view = view
        plot = self.plot
        x0, x1, y0, y1 = view.extent
        K = view.K
        binary = view.kind == "binary"
        self.colorbar.setVisible(binary)
        self.image.setLookupTable(self.cmap.getLookupTable(nPts=256) if binary else None)
        self.image.setImage(np.full((view.ys.size, view.xs.size), 0.5), levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        names = [str(c) for c in view.classes]
        if binary:
            self.colorbar.axis.setLabel(f"p(y = {names[1]})", color=style.TEXT, **{"font-size": f"{style.FONT_PT + 1}pt"})
        dark = pg.mkPen(QColor(20, 20, 20, 200), width=1.0)
        brushes = [pg.mkBrush(style.class_color(k)) for k in range(K)]
        self.train_scatter.setData(
            pos=view.train_xy, brush=[brushes[k] for k in view.train_y], pen=dark,
        )
        tpen = pg.mkPen(QColor(20, 20, 20, 230), width=1.4)
        self.test_scatter.setData(
            pos=view.test_xy, brush=[brushes[k] for k in view.test_y], pen=tpen,
        )
        self.test_scatter.setVisible(self.show_test)
        # the rings: one per sample on screen, shown where that sample is misclassified
        self.wrong_scatter.setData(pos=np.concatenate([view.train_xy, view.test_xy]))
        self.wrong_scatter.show_only(np.zeros(view.train_xy.shape[0] + view.test_xy.shape[0], dtype=bool))
        plot.setLabel("bottom", view.labels[0], color=style.TEXT, **{"font-size": f"{style.FONT_PT + 2}pt"})
        plot.setLabel("left", view.labels[1], color=style.TEXT, **{"font-size": f"{style.FONT_PT + 2}pt"})
        # legend: one entry per class, then the marker meanings (set only with new data)
        items = []
        for k in range(K):
            name = html.escape(names[k] if len(names[k]) < 24 else names[k][:22] + "…")
            items.append(f"<span style='color:{style.CLASS_COLORS[k % len(style.CLASS_COLORS)]};"
                         f"font-size:{style.FONT_PT + 5}pt'>●</span>&nbsp;{name}")
        if view.n_test:
            items.append(f"<span style='color:#555;font-size:{style.FONT_PT + 3}pt'>▲</span>&nbsp;test")
        items.append(f"<span style='font-size:{style.FONT_PT + 5}pt'>◯</span>&nbsp;misclassified")
        self.legend_label.setText(
            f"<span style='font-size:{style.FONT_PT + 1}pt'>" + "&nbsp;&nbsp;&nbsp;".join(items) + "</span>")
        shown = view.train_xy.shape[0]
        text = []
        if shown < view.n_train:
            text.append(f"showing {shown:,} of {view.n_train:,} training points")
        if not view.exact:
            text.append("a 2-D slice of the model through the training mean")
        self.note.setText(";  ".join(text))
        self.note.setVisible(bool(text))
        self.note.setPos(x1, y0)
        plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.levels_curve.setData([], [])
        self.boundary_curve.setData([], [])
        self._last = None

    def set_options(self, *, levels: bool | None = None, test: bool | None = None, wrong: bool | None = None):
        if levels is not None:
            self.show_levels = levels
        if test is not None:
            self.show_test = test
            self.test_scatter.setVisible(test)
        if wrong is not None:
            self.show_wrong = wrong
        if self._last is not None:
            self.show(self._last)

    # ------------------------------------------------------------------
    def show(self, frame: Frame) -> None:  # noqa: A003 - the panel contract's name
        view = self.view
        if view is None:
            return
        self._last = frame
        P = frame.grid_P
        xs, ys = view.xs, view.ys
        if view.kind == "binary":
            p1 = P[:, :, 1]
            self.image.setImage(p1, levels=(0.0, 1.0), autoLevels=False)
            segs = contour_segments(p1, 0.5, xs, ys)
            if self.show_levels:  # thin guide lines: half the grid resolution is plenty
                lv = contour_levels(p1[::2, ::2], LEVELS, xs[::2], ys[::2])
            else:
                lv = np.empty((0, 2))
        else:
            self.image.setImage(self._blend(P), autoLevels=False, levels=(0, 255))
            parts = []
            K = P.shape[2]
            order = np.sort(P, axis=2)
            runner_up = order[:, :, -2]
            top = order[:, :, -1]
            for k in range(K):
                pk = P[:, :, k]
                other = np.where(pk >= top, runner_up, top)
                parts.append(contour_segments(pk - other, 0.0, xs, ys))
            segs = np.concatenate(parts) if parts else np.empty((0, 2))
            lv = np.empty((0, 2))
        self._set_pairs(self.boundary_curve, segs)
        self._set_pairs(self.levels_curve, lv)
        test_wrong = frame.test_wrong if self.show_test else np.zeros_like(frame.test_wrong)
        wrong = np.concatenate([frame.train_wrong, test_wrong])
        self.wrong_scatter.show_only(wrong if self.show_wrong else np.zeros_like(wrong))

    def _on_mouse(self, event) -> None:
        """Read the shown iterate's probabilities off the grid under the mouse."""
        view, frame = self.view, self._last
        if view is None or frame is None or not self.plot.sceneBoundingRect().contains(event[0]):
            self.readout.setText("")
            return
        pt = self.plot.vb.mapSceneToView(event[0])
        x, y = pt.x(), pt.y()
        x0, x1, y0, y1 = view.extent
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            self.readout.setText("")
            return
        j = int(round((x - x0) / (x1 - x0) * (view.xs.size - 1)))
        i = int(round((y - y0) / (y1 - y0) * (view.ys.size - 1)))
        P = frame.grid_P[i, j]
        names = [str(c) for c in view.classes]
        if view.kind == "binary":
            text = f"p(y = {html.escape(names[1])}) = {P[1]:.3f}"
        else:
            text = "   ".join(f"p({html.escape(n)}) = {p:.2f}" for n, p in zip(names, P, strict=True))
        self.readout.setText(f"({x:.3g}, {y:.3g}):  {text}")

    @staticmethod
    def _set_pairs(item, segs):
        if segs.shape[0] == 0:
            item.setData([], [])
        else:
            item.setData(segs[:, 0], segs[:, 1], connect="pairs")

    def _blend(self, P) -> np.ndarray:
        """Multiclass colours: Σ_k p_k · colour_k, lightened like the binary map."""
        K = P.shape[2]
        C = style.class_rgb(K)
        rgb = P @ C
        rgb = rgb + (1.0 - rgb) * 0.45
        return np.clip(rgb * 255.0, 0, 255).astype(np.ubyte)
