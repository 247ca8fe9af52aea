"""The paint panel: the data set as loaded, painted by hand, under the shown model.

Left click: add a sample of the chosen class (``AddSample``); drag a sample: move
it (``MoveSample`` on release, a dashed line from where it was while dragging);
right click a sample: delete it (``DeleteSample``). The window edits the data
and the run continues from the weights on screen. Hit-testing is in pixels: a
sample is hit within a few pixels of its marker. What is drawn is computed in
:mod:`logit_gui.model.frames.paint`.
"""

from __future__ import annotations

import html
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt

from logit_gui.model.frames import paint as frames
from logit_gui.model.requests import AddSample, DeleteSample, MoveSample

from ..markers import Scatter
from ..panel import PanelItem, PanelSpec, brush, pen, register, set_label, style_plot
from .boundary import HeatmapItem

__all__ = ["PaintItem", "SPEC", "HIT_PX"]

#: a sample is hit by a click within this many pixels of its centre (× the theme's scale)
HIT_PX = 8.0


class _PaintBox(pg.ViewBox):
    """The plot's view box: its clicks and drags go to the panel (scene positions)."""

    def __init__(self, panel, **kw):
        super().__init__(**kw)
        self._panel = weakref.ref(panel)

    def mouseClickEvent(self, ev):  # noqa: N802 - Qt API
        panel = self._panel()
        if panel is not None and ev.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            ev.accept()
            if not ev.double():  # the second press of a double click: its first click has acted
                panel.click_at(ev.scenePos(), ev.button())
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - Qt API
        panel = self._panel()
        if panel is None or ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        if ev.isStart() and not panel.drag_start(ev.buttonDownScenePos()):
            ev.ignore()  # not on a sample: nothing to drag
            return
        ev.accept()
        if ev.isFinish():
            panel.drag_end(ev.scenePos())
        else:
            panel.drag_move(ev.scenePos())


class _MenuGuard(QObject):
    """Keeps the dock's context menu away from a right click on a sample (that click deletes
    it; a menu popping up would take the mouse and the click would never complete)."""

    def __init__(self, panel):
        super().__init__()
        self._panel = weakref.ref(panel)

    def eventFilter(self, obj, ev):  # noqa: N802 - Qt API
        panel = self._panel()
        if panel is not None and ev.type() == QEvent.Type.ContextMenu:
            view = obj.parent()
            if (isinstance(view, pg.GraphicsView) and panel.scene() is view.scene()
                    and panel.sample_at(view.mapToScene(ev.pos())) is not None):
                return True
        return False


class PaintItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, justify="left")
        self.wrap_labels(self.legend)
        self.box = _PaintBox(self, enableMenu=False)
        self.plot = self.addPlot(row=1, col=0, viewBox=self.box)
        plot = self.plot
        style_plot(plot, t, left="x2", bottom="x1")
        plot.disableAutoRange()
        self.image = HeatmapItem(axisOrder="row-major")
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.lut = t.probability_lut()
        self.boundary_curve = pg.PlotCurveItem(pen=pen(t, t.line_color, 3.0), connect="pairs",
                                               antialias=True, segmentedLineMode="on")
        self.boundary_curve.setZValue(5)
        plot.addItem(self.boundary_curve)
        self.train_scatter = Scatter(size=t.px(10), symbol="o", pxMode=True, antialias=True)
        self.test_scatter = Scatter(size=t.px(12), symbol="t1", pxMode=True, antialias=True)
        for z, item in ((10, self.train_scatter), (11, self.test_scatter)):
            item.setZValue(z)
            plot.addItem(item)
        # a sample being dragged: where it was, a dashed line, where it goes
        self.drag_line = pg.PlotCurveItem(pen=pen(t, t.foreground, 1.5, "dash"), antialias=True)
        self.drag_marker = pg.ScatterPlotItem(size=t.px(13), symbol="o", pxMode=True, antialias=True)
        for item in (self.drag_line, self.drag_marker):
            item.setZValue(20)
            item.hide()
            plot.addItem(item, ignoreBounds=True)
        self.data: frames.PaintData | None = None
        self._samples = None
        self._legend_key = None
        self._drag: int | None = None   # index into the samples of the one being dragged
        self._guard = _MenuGuard(self)
        self._guarded: list = []

    # ------------------------------------------------------------------
    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        self._guard_menu()
        self.data = None
        self._samples = None
        self._legend_key = None
        self._end_drag()
        x0, x1, y0, y1 = view.extent
        binary = view.kind == "binary"
        self.image.setLookupTable(self.lut if binary else None)
        self.image.setImage(np.full((view.ys.size, view.xs.size), 0.5), levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        set_label(self.plot, self.theme, "bottom", view.labels[0])
        set_label(self.plot, self.theme, "left", view.labels[1])
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.boundary_curve.setData([], [])

    def update_data(self, data: frames.PaintData) -> None:
        if self.view is None:
            return
        t = self.theme
        self.data = data
        if data.samples is not self._samples:
            self._samples = data.samples
            self._set_samples(data.samples)
        if data.probability:
            if data.binary:
                self.image.setImage(data.image, levels=(0.0, 1.0), autoLevels=False)
            else:
                self.image.setImage(t.blend_classes(data.image), autoLevels=False, levels=(0, 255))
        self.image.setVisible(data.probability)
        segs = data.boundary
        if segs.shape[0]:
            self.boundary_curve.setData(segs[:, 0], segs[:, 1], connect="pairs")
        else:
            self.boundary_curve.setData([], [])
        key = (data.paint_class, data.samples.classes, data.note)
        if key != self._legend_key:
            self._legend_key = key
            self._set_legend(data)

    def _set_samples(self, s: frames.PaintSamples) -> None:
        t = self.theme
        brushes = [brush(t.class_color(k)) for k in range(max(1, len(s.classes)))]
        edge = pen(t, t.marker_edge_rgba, 1.0)
        tr, te = ~s.test, s.test
        self.train_scatter.setData(pos=s.xy[tr], brush=[brushes[k] for k in s.cls[tr]], pen=edge)
        self.test_scatter.setData(pos=s.xy[te], brush=[brushes[k] for k in s.cls[te]],
                                  pen=pen(t, t.marker_edge_rgba, 1.4))

    def _set_legend(self, data: frames.PaintData) -> None:
        """The classes (numbered: the paint class option), then what the mouse does, or why not."""
        t = self.theme
        names = [str(c) for c in data.samples.classes]
        entries = []
        for k, name in enumerate(names):
            name = name if len(name) < 24 else name[:22] + "…"
            entries.append(("●", t.class_color(k), html.escape(name if name == str(k) else f"{k}: {name}")))
        if data.samples.test.any():
            entries.append(("▲", t.muted, "test"))
        text = self.legend_html(entries)
        line = ""
        if data.can_add:
            k = data.paint_class
            line = (f"<span style='color:{t.foreground}'>painting "
                    f"<span style='color:{t.class_color(k)}'>●</span>&nbsp;<b>{html.escape(names[k])}</b></span>"
                    "&nbsp;&nbsp; click adds" + (" · drag moves · right-click deletes" if data.editable else ""))
        if data.note:
            line += ("&nbsp;&nbsp; " if line else "") + html.escape(data.note)
        if line:
            text += f"<br><span style='color:{t.muted};font-size:{t.css_pt(-1)}'>{line}</span>"
        self.legend.setText(text)

    # ------------------------------------------------------------------
    # the mouse (scene positions; the view box calls these, and so can a test)
    # ------------------------------------------------------------------
    def _to_view(self, scene_pos):
        pt = self.plot.vb.mapSceneToView(scene_pos)
        return float(pt.x()), float(pt.y())

    def sample_at(self, scene_pos) -> int | None:
        """The index (into the drawn samples) of the sample within a few pixels of ``scene_pos``,
        the nearest one; None when there is none or samples cannot be moved or deleted here."""
        data = self.data
        if data is None or not data.editable or data.samples.xy.shape[0] == 0:
            return None
        if not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return None
        # in pixels: the samples mapped to the scene by the view box's transform
        tr = self.plot.vb.childGroup.sceneTransform()
        xy = data.samples.xy
        px = np.column_stack([tr.m11() * xy[:, 0] + tr.m21() * xy[:, 1] + tr.m31(),
                              tr.m12() * xy[:, 0] + tr.m22() * xy[:, 1] + tr.m32()])
        return frames.nearest(px, (scene_pos.x(), scene_pos.y()), self.theme.px(HIT_PX))

    def click_at(self, scene_pos, button=Qt.MouseButton.LeftButton) -> None:
        """Left: paint a sample of the chosen class there. Right: delete the sample there."""
        data, view = self.data, self.view
        if data is None or view is None:
            return
        if button == Qt.MouseButton.RightButton:
            i = self.sample_at(scene_pos)
            if i is not None:
                self.requested.emit(DeleteSample(int(data.samples.rows[i])))
            return
        if button == Qt.MouseButton.LeftButton and data.can_add:
            x1, x2 = frames.to_inputs(view, *self._to_view(scene_pos))
            self.requested.emit(AddSample(float(x1), float(x2), int(data.paint_class)))

    def drag_start(self, scene_pos) -> bool:
        """Grab the sample at ``scene_pos`` (False: there is none)."""
        i = self.sample_at(scene_pos)
        if i is None:
            return False
        self._drag = i
        t = self.theme
        k = int(self.data.samples.cls[i])
        self.drag_marker.setData(pos=self.data.samples.xy[i:i + 1], brush=brush(t.class_color(k)),
                                 pen=pen(t, t.foreground, 1.5),
                                 symbol="t1" if self.data.samples.test[i] else "o")
        self.drag_marker.show()
        self.drag_line.show()
        self.drag_move(scene_pos)
        return True

    def drag_move(self, scene_pos) -> None:
        if self._drag is None:
            return
        x, y = self._to_view(scene_pos)
        x0, y0 = self.data.samples.xy[self._drag]
        self.drag_line.setData([x0, x], [y0, y])
        self.drag_marker.setData(pos=[(x, y)])

    def drag_end(self, scene_pos) -> None:
        """Drop the grabbed sample at ``scene_pos``: ask for the move."""
        i = self._drag
        self._end_drag()
        if i is None or self.data is None:
            return
        x1, x2 = frames.to_inputs(self.view, *self._to_view(scene_pos))
        self.requested.emit(MoveSample(int(self.data.samples.rows[i]), float(x1), float(x2)))

    def _end_drag(self) -> None:
        self._drag = None
        self.drag_marker.hide()
        self.drag_line.hide()
        self.drag_line.setData([], [])

    # ------------------------------------------------------------------
    def _guard_menu(self) -> None:
        """Watch the context menu of the views this panel is shown in (see :class:`_MenuGuard`)."""
        scene = self.scene()
        for v in (scene.views() if scene is not None else ()):
            vp = v.viewport()
            if vp not in self._guarded:
                vp.installEventFilter(self._guard)
                self._guarded.append(vp)

    def readout(self, x: float, y: float) -> str:
        view, data = self.view, self.data
        if view is None or data is None:
            return ""
        from logit_gui.model.frames.boundary import probabilities_at

        P = probabilities_at(view, self.frame, x, y) if self.frame is not None else None
        text = f"({x:.3g}, {y:.3g})"
        if P is not None:
            names = [str(c) for c in view.classes]
            text += (f":  p(y = {names[1]}) = {P[1]:.3f}" if view.kind == "binary"
                     else ":  " + "   ".join(f"p({n}) = {p:.2f}" for n, p in zip(names, P, strict=True)))
        return text


SPEC = register(PanelSpec(
    id="paint", order=15, default=False, title="Paint data", Options=frames.PaintOptions,
    compute=frames.compute, item=PaintItem,
    tooltip="Paint the data by hand (two input features): a left click adds a sample of the chosen class,\n"
            "dragging a sample moves it, a right click deletes it. The run continues from the weights on\n"
            "screen, so the boundary follows the data as you paint (Orange's Paint Data, live).",
))
