"""The landscape panel: the objective over two chosen parameters, and the optimizer's path.

Filled bands and thin lines at log-spaced levels of J above the slice's
minimum (the colour bar gives their values), the path so far (one dot per
recorded iterate, θ₀ a square), the shown iterate ● and the −∇J direction;
then what the method knows (Newton's quadratic model and step, a quasi-Newton
ellipse and step, a line search's trial points, Adagrad / RMSProp / Adam's
per-coordinate step box). The legend is a row above the plot. A click in the
plot asks the window to restart the run from there (the shown iterate's
weights, the two on the axes set to the click).

:class:`PathTrace` draws one path; an optimizer race repeats it per run.
:class:`Arrow` draws an arrow whose head keeps its size in pixels however the
axes are scaled.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPolygonF

from logit_gui.model.frames import landscape as frames
from logit_gui.model.requests import RestartFrom

from ..markers import Scatter
from ..panel import PanelItem, PanelSpec, brush, cache, color, font, pen, register, roomy_axis, set_label, style_plot
from .boundary import HeatmapItem

__all__ = ["LandscapeItem", "PathTrace", "Arrow", "SPEC"]

#: at most this many path points get a dot (beyond, the line alone: dots would merge anyway)
MAX_DOTS = 400


class Arrow(pg.GraphicsObject):
    """A line from p0 to p1 in data coordinates with a head of ``head`` pixels at p1, drawn in
    device space: the head is the same size and shape whatever the axes' scales (optionally
    over a halo of the background's colour, to stand out on any fill)."""

    def __init__(self, line_pen, head: float, fill, halo_pen=None):
        super().__init__()
        self._pen = line_pen
        self._head_pen = pg.mkPen(line_pen.color(), width=line_pen.widthF())
        self._head_pen.setCosmetic(True)
        self._halo = halo_pen
        self._brush = fill
        self._head = float(head)
        self._pts = None

    def set_points(self, p0, p1) -> None:
        self.prepareGeometryChange()
        if p0 is None or p1 is None or not (np.all(np.isfinite(p0)) and np.all(np.isfinite(p1))):
            self._pts = None
        else:
            self._pts = (QPointF(float(p0[0]), float(p0[1])), QPointF(float(p1[0]), float(p1[1])))
        self.update()

    def boundingRect(self):
        if self._pts is None:
            return QRectF()
        r = QRectF(self._pts[0], self._pts[1]).normalized()
        px = self.pixelVectors()
        if px is None or px[0] is None:
            return r
        pad = self._head + (self._halo.widthF() if self._halo is not None else 0.0)
        dx = abs(px[0].x()) * pad + abs(px[1].x()) * pad
        dy = abs(px[0].y()) * pad + abs(px[1].y()) * pad
        return r.adjusted(-dx, -dy, dx, dy)

    def viewTransformChanged(self):
        self.prepareGeometryChange()
        super().viewTransformChanged()

    def paint(self, p, *args):
        if self._pts is None:
            return
        tr = p.transform()
        a, b = tr.map(self._pts[0]), tr.map(self._pts[1])
        vx, vy = b.x() - a.x(), b.y() - a.y()
        length = math.hypot(vx, vy)
        if not math.isfinite(length) or length < 1.0:
            return
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        ux, uy = vx / length, vy / length
        h = min(self._head, 0.6 * length)
        w = 0.42 * h
        base = QPointF(b.x() - ux * h, b.y() - uy * h)
        head = QPolygonF([b, QPointF(base.x() - uy * w, base.y() + ux * w),
                          QPointF(base.x() + uy * w, base.y() - ux * w)])
        shaft_end = QPointF(b.x() - ux * 0.8 * h, b.y() - uy * 0.8 * h)
        if self._halo is not None:
            p.setPen(self._halo)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawLine(a, shaft_end)
            p.setBrush(pg.mkBrush(self._halo.color()))
            p.drawPolygon(head)
        p.setPen(self._pen)
        p.drawLine(a, shaft_end)
        p.setPen(self._head_pen)
        p.setBrush(self._brush)
        p.drawPolygon(head)
        p.restore()


class PathTrace:
    """One optimizer's path on a plot: a line over a halo (readable on any fill), a dot per
    iterate (up to MAX_DOTS), θ₀ as a square and the shown iterate as a large dot. Items are
    made once; :meth:`set_path` only sets data. An optimizer race makes one per run."""

    def __init__(self, plot, theme, c, z: float = 20.0):
        t = theme
        self.halo = pg.PlotCurveItem(pen=pen(t, t.background, 5.0), antialias=True)
        self.line = pg.PlotCurveItem(pen=pen(t, c, 2.2), antialias=True)
        self.dots = Scatter(size=t.px(5), symbol="o", pen=None, brush=brush(c), pxMode=True, antialias=True)
        self.start = Scatter(size=t.px(10), symbol="s", pen=pen(t, t.background, 1.5), brush=brush(c),
                             pxMode=True, antialias=True)
        self.here = Scatter(size=t.px(15), symbol="o", pen=pen(t, t.background, 2.0), brush=brush(c),
                            pxMode=True, antialias=True)
        for i, item in enumerate((self.halo, self.line, self.dots, self.start, self.here)):
            item.setZValue(z + i * 0.1)
            plot.addItem(item, ignoreBounds=True)

    def set_path(self, xy, current=None) -> None:
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        if xy.shape[0]:
            self.halo.setData(xy[:, 0], xy[:, 1])
            self.line.setData(xy[:, 0], xy[:, 1])
            dots = xy if xy.shape[0] <= MAX_DOTS else np.empty((0, 2))
            self.dots.setData(pos=dots)
            self.start.setData(pos=xy[:1])
        else:
            for item in (self.halo, self.line):
                item.setData([], [])
            self.dots.setData(pos=np.empty((0, 2)))
            self.start.setData(pos=np.empty((0, 2)))
        self.here.setData(pos=np.empty((0, 2)) if current is None else np.asarray(current, dtype=float).reshape(1, 2))

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - like a Qt item
        for item in (self.halo, self.line, self.dots, self.start, self.here):
            item.setVisible(visible)


class _ClickBox(pg.ViewBox):
    """A view box that reports a left click (in data coordinates) to ``on_click``."""

    def __init__(self, on_click, **kw):
        super().__init__(**kw)
        self._on_click = on_click

    def mouseClickEvent(self, ev):  # noqa: N802 - Qt API
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            pt = self.mapSceneToView(ev.scenePos())
            self._on_click(pt.x(), pt.y())
        else:
            super().mouseClickEvent(ev)


def _band_lut(theme, positions) -> np.ndarray:
    """(256, 3): the theme's landscape map in flat bands between the level positions (0 … 1)."""
    lut = theme.landscape_lut()
    edges = np.concatenate([[0.0], np.asarray(positions, dtype=float), [1.0]])
    x = np.linspace(0.0, 1.0, 256)
    band = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    mid = 0.5 * (edges[band] + edges[band + 1])
    return lut[np.clip(np.round(mid * 255).astype(int), 0, 255)]


def _unbroken(text: str) -> str:
    return text.replace(" ", "&nbsp;").replace("-", "\u2011").replace("/", "\u2060/\u2060")


def _fmt(v: float) -> str:
    return f"{v:.4g}"


class LandscapeItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, justify="left")
        self.wrap_labels(self.legend)
        self.box = _ClickBox(self._clicked, enableMenu=False)
        self.plot = self.addPlot(row=1, col=0, viewBox=self.box)
        plot = self.plot
        style_plot(plot, t, left="parameter 2", bottom="parameter 1")
        plot.showGrid(x=False, y=False)   # the bands and their lines are the grid
        plot.disableAutoRange()
        self.image = HeatmapItem(axisOrder="row-major")
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.lut = _band_lut(t, (np.arange(frames.N_LEVELS) + 1.0) / (frames.N_LEVELS + 1))
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
        ax.setWidth(None)
        ax.setLabel("J", color=t.foreground, **{"font-size": t.css_pt(1)})
        cache(self.colorbar, ax)
        self.lines = pg.PlotCurveItem(pen=pen(t, t.contour_rgba, 1.0), connect="pairs", antialias=False,
                                      segmentedLineMode="on")
        self.lines.setZValue(1)
        plot.addItem(self.lines, ignoreBounds=True)
        # what the method knows
        # solid and aliased like the landscape's own lines (dashes over thousands of segments are slow)
        self.model_lines = pg.PlotCurveItem(pen=pen(t, t.model_color, 1.6), connect="pairs",
                                            antialias=False, segmentedLineMode="on")
        self.ellipse = pg.PlotCurveItem(pen=pen(t, t.model_color, 2.2, "dash"), antialias=True)
        self.box_curve = pg.PlotCurveItem(pen=pen(t, t.model_color, 1.8, "dot"), antialias=True)
        self.ray = pg.PlotCurveItem(pen=pen(t, t.model_color, 1.4, "dot"), antialias=True)
        for i, item in enumerate((self.model_lines, self.ellipse, self.box_curve, self.ray)):
            item.setZValue(20.25 + 0.01 * i)   # over the path's line, under the current point
            plot.addItem(item, ignoreBounds=True)
        self.trials = Scatter(size=t.px(10), symbol="o", pen=pen(t, t.model_color, 2.0), brush=brush(t.background),
                              pxMode=True, antialias=True)
        self.trials.setZValue(15)
        plot.addItem(self.trials, ignoreBounds=True)
        self.step_arrow = Arrow(pen(t, t.model_color, 2.4, "dash"), t.px(13), brush(t.model_color),
                                halo_pen=pen(t, t.background, 5.0))
        self.step_arrow.setZValue(18)
        plot.addItem(self.step_arrow, ignoreBounds=True)
        # the path and the descent direction
        self.path = PathTrace(plot, t, t.path_color, z=20.0)
        self._plot_for_race = plot
        self.racers: list = []   # one PathTrace per optimizer of a race (a pool, reused)
        self.arrow = Arrow(pen(t, t.descent_color, 2.6), t.px(14), brush(t.descent_color),
                           halo_pen=pen(t, t.background, 6.0))
        self.arrow.setZValue(30)
        plot.addItem(self.arrow, ignoreBounds=True)
        self.message = pg.TextItem("", color=color(t.muted), anchor=(0.5, 0.5))
        self.message.setFont(font(t, 1))
        plot.addItem(self.message, ignoreBounds=True)
        self.shown_data = None
        self._range = None
        self._legend_text = None
        self._labels = None
        self._ticks = None

    # ------------------------------------------------------------------
    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        self.shown_data = None
        self._range = None

    def update_data(self, data: frames.LandscapeData) -> None:
        self.shown_data = data
        t = self.theme
        if not data.ok:
            for item in (self.image, self.lines, self.model_lines, self.ellipse, self.box_curve, self.ray,
                         self.trials, self.step_arrow, self.arrow, self.colorbar):
                item.setVisible(False)
            self.path.setVisible(False)
            self.message.setText(data.message)
            self.message.setPos(0.5, 0.5)
            self.message.setVisible(True)
            self.plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            self._range = None
            self._set_legend("")
            return
        self.message.setVisible(False)
        for item in (self.image, self.lines, self.arrow, self.colorbar):
            item.setVisible(True)
        self.path.setVisible(True)
        if data.labels != self._labels:
            self._labels = data.labels
            set_label(self.plot, t, "bottom", data.labels[0])
            set_label(self.plot, t, "left", data.labels[1])
        x0, x1, y0, y1 = data.extent
        self.image.setImage(data.fill, levels=(0.0, 1.0), autoLevels=False, lut=self.lut)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        if data.extent != self._range:
            self._range = data.extent
            self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        _set_pairs(self.lines, data.segments)
        self._set_ticks(data)
        self.path.set_path(data.path, data.current)
        self._set_race(data)
        self.arrow.set_points(*(data.arrow if data.arrow is not None else (None, None)))
        ov = data.overlay
        _set_pairs(self.model_lines, ov.model_segs if ov is not None else np.empty((0, 2)))
        _set_line(self.ellipse, ov.ellipse if ov is not None else np.empty((0, 2)))
        _set_line(self.box_curve, ov.box if ov is not None else np.empty((0, 2)))
        rejected = ov.trials[~ov.accepted] if ov is not None and ov.trials.shape[0] else np.empty((0, 2))
        self.trials.setData(pos=rejected)
        _set_line(self.ray, ov.ray if rejected.shape[0] else np.empty((0, 2)))
        self.step_arrow.set_points(*(ov.step if ov is not None and ov.step is not None else (None, None)))
        for item in (self.model_lines, self.ellipse, self.box_curve, self.ray, self.trials, self.step_arrow):
            item.setVisible(ov is not None)
        self._set_legend(self._legend_for(data))

    def _set_race(self, data) -> None:
        """An optimizer race: every racer's whole path from the common start, in its colour."""
        t = self.theme
        while len(self.racers) < len(data.race):
            i = len(self.racers)
            self.racers.append(PathTrace(self._plot_for_race, t, t.race_color(i), z=18.0 - 0.5 * i))
        for i, trace in enumerate(self.racers):
            if i < len(data.race):
                pts = data.race[i][1]
                trace.set_path(pts, pts[-1] if pts.shape[0] else None)
                trace.setVisible(True)
            else:
                trace.set_path(np.empty((0, 2)))
                trace.setVisible(False)

    def _set_ticks(self, data) -> None:
        """The colour bar's ticks: J at every third level from the lowest, and the maximum."""
        zmin, zmax = data.z_range
        ticks = []
        for i in range(0, len(data.levels), 3):
            ticks.append((float(data.level_pos[i]), _fmt(float(data.levels[i]))))
        ticks.append((1.0, _fmt(zmax)))
        ticks = [tk for n, tk in enumerate(ticks) if n == 0 or tk[1] != ticks[n - 1][1]]
        key = tuple(ticks)
        if key != self._ticks:
            self._ticks = key
            self.colorbar.getAxis("right").setTicks([ticks, []])

    def _legend_for(self, data) -> str:
        t = self.theme
        entries = [("━●", t.path_color, "path,&nbsp;θₖ"), ("➜", t.descent_color, "−∇J")]
        entries += [("━●", t.race_color(i), _unbroken(html.escape(label))) for i, (label, _) in enumerate(data.race)]
        ov = data.overlay
        if ov is not None:
            # lines break between entries only (no-break spaces and hyphens inside one)
            entries += [(html.escape(sym), t.model_color, _unbroken(html.escape(what))) for sym, what in ov.legend]
        text = self.legend_html(entries)
        extra = []
        if ov is not None and ov.etas is not None:
            ex, ey, lr = ov.etas
            extra.append(_unbroken(f"step sizes ηᵢ on the axes: {ex:.3g}, {ey:.3g} (η = {lr:.3g})"))
        if ov is not None and ov.note:
            extra.append(html.escape(ov.note))
        if self.view is not None and self.view.kind != "binary":
            names = [str(c) for c in self.view.classes]
            extra.insert(0, f"the parameters of class {html.escape(names[data.klass])}")
        if not data.exact:
            extra.append(f"J on {data.xs.size}×{data.ys.size} nodes from {data.bins} merged samples, "
                         f"±{data.error:.1g}")
        if extra:
            text += (f"<br><span style='color:{t.muted};font-size:{t.css_pt(-1)}'>"
                     + "&nbsp;&nbsp; ".join(extra) + "</span>")
        return text

    def _set_legend(self, text: str) -> None:
        if text != self._legend_text:
            self._legend_text = text
            self.legend.setText(text)

    # ------------------------------------------------------------------
    def readout(self, x: float, y: float) -> str:
        d = self.shown_data
        if self.view is None or self.frame is None or d is None or not d.ok:
            return ""
        x0, x1, y0, y1 = d.extent
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return ""
        J = frames.value_at(self.view, self.frame, d, x, y)
        nx, ny = (s.split(" (")[0] for s in d.labels)
        return f"{nx} = {x:.4g}, {ny} = {y:.4g}:  J = {J:.6g}   (click: restart from here)"

    def _clicked(self, x: float, y: float) -> None:
        d = self.shown_data
        if self.view is None or self.frame is None or d is None or not d.ok:
            return
        x0, x1, y0, y1 = d.extent
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return
        coef, intercept = frames.restart_point(self.view, self.frame, d, x, y)
        self.requested.emit(RestartFrom(coef, intercept))


def _set_pairs(item, segs) -> None:
    if segs.shape[0] == 0:
        item.setData([], [])
    else:
        item.setData(segs[:, 0], segs[:, 1], connect="pairs")


def _set_line(item, pts) -> None:
    if pts.shape[0] == 0:
        item.setData([], [])
    else:
        item.setData(pts[:, 0], pts[:, 1])


SPEC = register(PanelSpec(
    id="landscape", order=60, default=False, title="Objective landscape", Options=frames.LandscapeOptions,
    compute=frames.compute, item=LandscapeItem,
    tooltip="J over two parameters (the others held at the shown iterate): bands and lines at levels\n"
            "log-spaced above the slice's minimum; the optimizer's path (one dot per iterate, θ₀ a square),\n"
            "θₖ ● and the direction of −∇J. What the method knows: Newton's quadratic model J + gᵀΔ + ½ΔᵀHΔ\n"
            "and its step −H⁻¹∇J; the BFGS / L-BFGS model's level set through θₖ (B = H̃⁻¹) and its step\n"
            "−H̃∇J; a line search's rejected trial points; Adagrad / RMSProp / Adam's steps −ηᵢ∂J/∂θᵢ per\n"
            "axis (their direction). Click to restart the run from the clicked point.",
))
