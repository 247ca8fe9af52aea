"""The one-vs-rest panel: K one-vs-rest models beside one softmax model.

Left: each plane point in the colour of the one class whose one-vs-rest model
claims it (z_k > 0), grey where no model or more than one claims it (the
undecided regions), the K boundaries z_k = 0 in their classes' colours.
Right: the softmax regions (every point to its largest logit) and their
borders. The run trains one of the two; the other is fitted once per
problem (:mod:`logit_gui.model.frames.ovr`). Binary data: a note that the
comparison needs three classes or more, over the samples.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from logit_gui.model.frames import ovr as frames

from ..markers import Scatter
from ..panel import PanelItem, PanelSpec, brush, cache, pen, register, set_label, style_plot
from .boundary import HeatmapItem

__all__ = ["OvrItem", "SPEC"]

#: one-vs-rest boundaries drawn (the data sets have at most 10 classes)
MAX_CLASSES = 10


class OvrItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, colspan=2, justify="left")
        self.ovr_title = self.addLabel("", row=1, col=0)
        self.soft_title = self.addLabel("", row=1, col=1)
        self.ovr_plot = self.addPlot(row=2, col=0)
        self.soft_plot = self.addPlot(row=2, col=1)
        self.note = self.addLabel("", row=3, col=0, colspan=2, justify="left")
        self.wrap_labels(self.legend, self.note)
        self.wrap_labels(self.ovr_title, self.soft_title, fraction=0.48)
        self.plots = (self.ovr_plot, self.soft_plot)
        self.images, self.samples = [], []
        for plot in self.plots:
            style_plot(plot, t, left="x2", bottom="x1")
            plot.showGrid(x=False, y=False)
            plot.disableAutoRange()
            image = HeatmapItem(axisOrder="row-major")
            image.setZValue(-10)
            plot.addItem(image)
            self.images.append(image)
            sc = Scatter(size=t.px(7), symbol="o", pxMode=True, antialias=True)
            sc.setZValue(10)
            plot.addItem(sc)
            cache(sc)
            self.samples.append(sc)
        self.ovr_lines = []
        for k in range(MAX_CLASSES):
            c = pg.PlotCurveItem(pen=pen(t, t.class_color(k), 3.0), connect="pairs", antialias=True,
                                 segmentedLineMode="on")
            c.setZValue(5)
            self.ovr_plot.addItem(c)
            self.ovr_lines.append(c)
        self.soft_lines = pg.PlotCurveItem(pen=pen(t, t.line_color, 3.0), connect="pairs", antialias=True,
                                           segmentedLineMode="on")
        self.soft_lines.setZValue(5)
        self.soft_plot.addItem(self.soft_lines)
        self._lut = None
        self._data = None

    def plot_item(self):
        return self.ovr_plot

    # ------------------------------------------------------------------
    def set_view(self, view) -> None:
        super().set_view(view)
        t = self.theme
        K = view.K
        x0, x1, y0, y1 = view.extent
        # the region colours: each class's blended like the probability maps, then "none", "several"
        extra = np.array([t.rgb(t.undecided_none), t.rgb(t.undecided_many)]) * 255.0
        self._lut = np.vstack([t.blend_classes(np.eye(K)), np.round(extra).astype(np.ubyte)])
        edge = pen(t, t.marker_edge_rgba, 0.8)
        brushes = [brush(t.class_color(k)) for k in range(K)]
        for plot, image, sc in zip(self.plots, self.images, self.samples, strict=True):
            image.setImage(np.zeros((view.ys.size, view.xs.size, 3), dtype=np.ubyte), autoLevels=False,
                           levels=(0, 255))
            image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
            sc.setData(pos=view.train_xy, brush=[brushes[k] for k in view.train_y], pen=edge)
            set_label(plot, t, "bottom", view.labels[0])
            set_label(plot, t, "left", view.labels[1])
            plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        for k, c in enumerate(self.ovr_lines):
            c.setData([], [])
            c.setVisible(k < K)
        self.soft_lines.setData([], [])
        names = [str(c) for c in view.classes]
        entries = []
        for k in range(min(K, MAX_CLASSES)):
            name = html.escape(names[k] if len(names[k]) < 24 else names[k][:22] + "…")
            entries.append(("■", t.class_color(k), name))
        if K >= 3:
            entries += [("■", t.undecided_none, "no model claims"), ("■", t.undecided_many, "several claim"),
                        ("━━", t.foreground, "boundaries z<sub>k</sub> = 0 · softmax borders")]
        self.legend.setText(self.legend_html(entries))

    def update_data(self, data: frames.OvrData) -> None:
        if self.view is None:
            return
        self._data = data
        for sc in self.samples:
            sc.setVisible(data.show_samples)
        if data.message:
            for image in self.images:
                image.setVisible(False)
            for c in self.ovr_lines:
                c.setData([], [])
            self.soft_lines.setData([], [])
            self._set(self.ovr_title, "one-vs-rest: K binary models")
            self._set(self.soft_title, "softmax: one model")
            self._set(self.note, data.message, size=1)
            return
        for image in self.images:
            image.setVisible(True)
        self.images[0].setImage(self._lut[data.ovr_codes], autoLevels=False, levels=(0, 255))
        self.images[1].setImage(self._lut[data.softmax_codes], autoLevels=False, levels=(0, 255))
        for k, c in enumerate(self.ovr_lines):
            segs = data.ovr_lines[k] if (data.show_lines and k < len(data.ovr_lines)) else np.empty((0, 2))
            _pairs(c, segs)
        _pairs(self.soft_lines, data.softmax_lines if data.show_lines else np.empty((0, 2)))
        run = "the run's model"
        fit = data.fitted
        fitted = f"fitted: L-BFGS, {fit.iterations} iterations, {fit.status}" if fit is not None else ""
        undecided = 100 * (data.none_fraction + data.many_fraction)
        self._set(self.ovr_title, f"one-vs-rest ({run if data.shown == 'ovr' else 'fitted'}): "
                                  f"{undecided:.0f}% undecided")
        self._set(self.soft_title, f"softmax ({run if data.shown == 'softmax' else 'fitted'}): always decides")
        self._set(self.note, (
            f"undecided plane: no model claims {100 * data.none_fraction:.1f}%, several claim "
            f"{100 * data.many_fraction:.1f}%; training samples: {100 * data.train_none:.1f}% and "
            f"{100 * data.train_many:.1f}%. Training accuracy: one-vs-rest (largest z<sub>k</sub>) "
            f"{100 * data.ovr_accuracy:.1f}%, softmax {100 * data.softmax_accuracy:.1f}%. The other model is {fitted}."),
            muted=True)

    def _set(self, label, text: str, muted: bool = False, size: float | None = None) -> None:
        t = self.theme
        size = (-1 if muted else 0) if size is None else size
        label.setText(text, color=t.muted if muted else t.foreground, size=t.css_pt(size))

    def readout(self, x: float, y: float) -> str:
        if self._data is None or self.view is None:
            return ""
        return frames.readout(self.view, self._data, x, y)


def _pairs(item, segs) -> None:
    if segs.shape[0] == 0:
        item.setData([], [])
    else:
        item.setData(segs[:, 0], segs[:, 1], connect="pairs")


SPEC = register(PanelSpec(
    id="ovr", order=110, default=False, title="One-vs-rest vs softmax", Options=frames.OvrOptions,
    compute=frames.compute, item=OvrItem,
    tooltip="For K ≥ 3 classes. Left: one-vs-rest, K binary models “class k against the rest”; model k claims\n"
            "a point where z_k > 0. Grey: no model claims the point, or several do (undecided). Right: softmax,\n"
            "one model whose probabilities sum to one; every point goes to its largest logit. The run trains\n"
            "one of the two; the other is fitted with L-BFGS to the same features and penalty.",
))
