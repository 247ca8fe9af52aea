"""A registered panel in the window: a dock with the panel's options and its plot.

The dock holds a small bar of option widgets generated from the panel's
``Options`` dataclass (a check box per bool, with the field's label and
tooltip), a hover readout, and a ``pg.GraphicsView`` whose central item is
the panel's :class:`~logit_gui.render.panel.PanelItem`. Its context menu
offers "Export…" and "Copy image". The dock draws nothing by itself: the
main window hands it the view, history and frame to show.
"""

from __future__ import annotations

from dataclasses import fields, replace

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from logit_gui.render.panel import PanelSpec
from logit_gui.render.theme import Theme

from .widgets import FlowLayout

__all__ = ["PanelDock"]


class PanelDock(QDockWidget):
    optionsChanged = Signal(str, object)   # panel id, its new Options
    requested = Signal(object)             # a request of the panel's (logit_gui.model.requests)
    exportRequested = Signal(str)          # panel id
    copyRequested = Signal(str)            # panel id

    def __init__(self, spec: PanelSpec, theme: Theme, options, parent=None):
        super().__init__(spec.title, parent)
        self.spec = spec
        self.setObjectName(f"dock_{spec.id}")
        self.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                         | QDockWidget.DockWidgetClosable)
        self.toggleViewAction().setText(spec.title)
        self.toggleViewAction().setToolTip(f"Show or hide the panel “{spec.title}”")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        # the options wrap to more lines in a narrow dock instead of widening it
        bar_widget = QWidget()
        bar_widget.setObjectName(f"{spec.id}_options")
        bar = FlowLayout(bar_widget, spacing=10)
        self.option_boxes: dict[str, QCheckBox] = {}
        self.option_widgets: dict[str, object] = {}   # every option's widget, by field name
        for f in fields(spec.Options):
            w = self._option_widget(f)
            if w is None:
                continue
            label = f.metadata.get("label", f.name)
            w.setObjectName(f"{spec.id}_{f.name}")
            w.setToolTip(f.metadata.get("tip", ""))
            if not isinstance(f.default, bool):  # a label and its field stay together on one line
                pair = QWidget()
                pl = QHBoxLayout(pair)
                pl.setContentsMargins(0, 0, 0, 0)
                pl.setSpacing(4)
                lab = QLabel(label)
                lab.setToolTip(f.metadata.get("tip", ""))
                pl.addWidget(lab)
                pl.addWidget(w)
                bar.addWidget(pair)
            else:
                bar.addWidget(w)
            self.option_widgets[f.name] = w
            if isinstance(f.default, bool):
                self.option_boxes[f.name] = w
        self.readout = QLabel("")
        self.readout.setObjectName(f"{spec.id}_readout")
        self.readout.setToolTip("Hover over the plot to read it off here.")
        self.readout.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.readout.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 6, 0)
        row.addWidget(bar_widget, 3)
        row.addWidget(self.readout, 2)
        lay.addLayout(row)
        self.graphics = pg.GraphicsView()
        self.graphics.setObjectName(f"{spec.id}_view")
        self.graphics.setToolTip(spec.tooltip)
        self.graphics.setMinimumSize(120, 90)
        self.graphics.setContextMenuPolicy(Qt.CustomContextMenu)
        self.graphics.customContextMenuRequested.connect(self._context_menu)
        lay.addWidget(self.graphics, 1)
        self.setWidget(body)
        self.item = None
        self.options = options
        self.set_theme(theme)
        self.set_options(options)
        self._proxy = pg.SignalProxy(self.graphics.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse)

    def _option_widget(self, f):
        """A widget for one option: bool → check box; a ``choices`` list → combo box;
        float with a ``range`` → slider (its value shown beside it); int → spin box."""
        meta, default = f.metadata, f.default
        if isinstance(default, bool):
            w = QCheckBox(meta.get("label", f.name))
            w.toggled.connect(self._on_option)
            return w
        if "choices" in meta:
            w = QComboBox()
            for value, text in meta["choices"]:
                w.addItem(text, value)
            w.currentIndexChanged.connect(self._on_option)
            return w
        if isinstance(default, float) and "range" in meta:
            lo, hi = meta["range"]
            w = _FloatSlider(lo, hi, meta.get("step", (hi - lo) / 100))
            w.valueChanged.connect(self._on_option)
            return w
        if isinstance(default, int):
            w = QSpinBox()
            lo, hi = meta.get("range", (0, 10**6))
            w.setRange(int(lo), int(hi))
            w.valueChanged.connect(self._on_option)
            return w
        return None

    # ------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        """Build the panel's items for ``theme`` (the old ones go)."""
        view = self.item.view if self.item is not None else None
        self.theme = theme
        self.item = self.spec.item(theme)
        self.graphics.setBackground(theme.background)
        self.graphics.setCentralItem(self.item)
        # a top-level item that changes its size hint (a legend wrapping) resizes itself to
        # its preferred size: keep it the size of the view
        self.item.geometryChanged.connect(self._refit)
        self.item.requested.connect(self.requested)
        if view is not None:
            self.item.set_view(view)

    def _refit(self) -> None:
        rect = self.graphics.range
        if self.item is not None and self.item.geometry() != rect:
            self.item.setGeometry(rect)

    def set_options(self, options) -> None:
        """Show ``options`` in the bar (no signal)."""
        self.options = options
        for name, w in self.option_widgets.items():
            value = getattr(options, name)
            w.blockSignals(True)
            if isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)))
            else:
                w.setValue(value)
            w.blockSignals(False)

    def set_view(self, view) -> None:
        self.item.set_view(view)

    def draw(self, view, history, frame) -> None:
        """Compute this panel's data for ``frame`` and show it (only while visible)."""
        if self.item.view is not view:
            self.item.set_view(view)
        data = self.spec.compute(view, history, frame, self.options)
        self.item.draw(history, frame, data)

    # ------------------------------------------------------------------
    def _on_option(self, *_) -> None:
        values = {}
        for name, w in self.option_widgets.items():
            if isinstance(w, QCheckBox):
                values[name] = w.isChecked()
            elif isinstance(w, QComboBox):
                values[name] = w.currentData()
            else:
                values[name] = w.value()
        self.options = replace(self.options, **values)
        self.optionsChanged.emit(self.spec.id, self.options)

    def _on_mouse(self, event) -> None:
        plot = self.item.plot_item() if self.item is not None else None
        if plot is None or not plot.sceneBoundingRect().contains(event[0]):
            self.readout.setText("")
            return
        pt = plot.vb.mapSceneToView(event[0])
        text = self.item.readout(pt.x(), pt.y())
        self.readout.setText(text)
        self.readout.setToolTip(text or "Hover over the plot to read it off here.")

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addAction("Export…", lambda: self.exportRequested.emit(self.spec.id))
        menu.addAction("Copy image", lambda: self.copyRequested.emit(self.spec.id))
        menu.popup(self.graphics.mapToGlobal(pos))


class _FloatSlider(QWidget):
    """A slider over [lo, hi] in steps of ``step``, with a spin box showing the exact value."""

    valueChanged = Signal(float)

    def __init__(self, lo: float, hi: float, step: float, parent=None):
        super().__init__(parent)
        self.lo, self.step = float(lo), float(step)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, max(1, round((hi - lo) / step)))
        self.slider.setMinimumWidth(90)
        self.box = QDoubleSpinBox()
        self.box.setRange(lo, hi)
        self.box.setSingleStep(step)
        self.box.setDecimals(max(0, len(f"{step:g}".split(".")[-1]) if "." in f"{step:g}" else 0))
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.box)
        self.slider.valueChanged.connect(lambda i: self._set(self.lo + i * self.step, emit=True))
        self.box.valueChanged.connect(lambda v: self._set(v, emit=True))

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt naming
        super().setToolTip(text)
        self.slider.setToolTip(text)
        self.box.setToolTip(text)

    def value(self) -> float:
        return float(self.box.value())

    def setValue(self, v: float) -> None:  # noqa: N802
        self._set(v, emit=False)

    def _set(self, v: float, emit: bool) -> None:
        for w in (self.slider, self.box):
            w.blockSignals(True)
        self.box.setValue(v)
        self.slider.setValue(round((v - self.lo) / self.step))
        for w in (self.slider, self.box):
            w.blockSignals(False)
        if emit:
            self.valueChanged.emit(self.value())
