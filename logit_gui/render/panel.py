"""The panel contract and its registry.

A panel is

* a :class:`PanelSpec` — ``id``, ``title``, its ``Options`` (a frozen dataclass
  of display options whose fields carry a label and a tooltip in their
  metadata) and its ``compute(view, history, frame, options)``, a pure Qt-free
  function in :mod:`logit_gui.model.frames`;
* a :class:`PanelItem` — a pyqtgraph item tree (a ``GraphicsLayout``) built
  once for a :class:`~logit_gui.render.theme.Theme`, then only updated:
  :meth:`PanelItem.set_view` with new data, :meth:`PanelItem.update_data` with
  what ``compute`` returned for the shown iterate.

:func:`register` records a spec once; the registry feeds the app's View menu
and panel docks, the export dialog and ``logit-gui render --panel``. Adding a
panel: a compute module in ``model/frames/``, an item module in
``render/panels/`` that calls :func:`register` — both modules named after the
panel's id. Nothing else changes: the registry imports every module it finds there.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem

from .theme import Theme

__all__ = ["PanelSpec", "PanelItem", "register", "registry", "default_panels", "get_spec",
           "color", "pen", "brush", "font", "style_plot", "cache", "roomy_axis"]

_REGISTRY: dict[str, "PanelSpec"] = {}


@dataclass(frozen=True)
class PanelSpec:
    id: str               # also the name of its modules: model/frames/<id>.py, render/panels/<id>.py
    title: str
    Options: type
    compute: Callable
    item: type            # a PanelItem subclass
    tooltip: str = ""
    order: int = 100      # place in the View menu, the default layout and ``--panel all``
    default: bool = False  # shown when the app opens (and drawn by ``render --panel all``)


def register(spec: PanelSpec) -> PanelSpec:
    if spec.id in _REGISTRY and _REGISTRY[spec.id] is not spec:
        raise ValueError(f"panel {spec.id!r} is registered twice")
    _REGISTRY[spec.id] = spec
    return spec


def registry() -> dict[str, PanelSpec]:
    """Every registered panel, by ``order`` (the View menu's and the default layout's order)."""
    from .panels import load_all

    load_all()  # the panel modules register themselves
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (kv[1].order, kv[0])))


def default_panels() -> list[str]:
    """The panels the app opens with (``render --panel all``)."""
    return [pid for pid, spec in registry().items() if spec.default]


def get_spec(panel_id: str) -> PanelSpec:
    reg = registry()
    try:
        return reg[panel_id]
    except KeyError:
        raise KeyError(f"unknown panel {panel_id!r} (panels: {', '.join(reg)})") from None


# ----------------------------------------------------------------------
# the theme, as Qt objects
# ----------------------------------------------------------------------
def color(c, alpha: int | None = None) -> QColor:
    q = QColor(*c) if isinstance(c, tuple) else QColor(c)
    if alpha is not None:
        q.setAlpha(alpha)
    return q


def pen(theme: Theme, c, width: float = 1.0, style=None, *, cosmetic: bool = True):
    p = pg.mkPen(color(c), width=theme.px(width))
    if style == "dash":
        p.setStyle(Qt.DashLine)
    elif style == "dot":
        p.setStyle(Qt.DotLine)
    p.setCosmetic(cosmetic)
    return p


def brush(c, alpha: int | None = None):
    return pg.mkBrush(color(c, alpha))


def font(theme: Theme, delta: float = 0.0, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(theme.pt(delta))
    f.setBold(bold)
    return f


def cache(*items) -> None:
    """Paint these items into a cached pixmap, re-rendered only when they change
    (axes and static scatters would otherwise be re-painted every frame)."""
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def roomy_axis(axis: pg.AxisItem) -> None:
    """Leave the axis label its whole height. pyqtgraph reserves 0.8 of the label's
    height, so with large fonts (presentation, a 3× PNG) the label runs into the
    tick numbers; this adds the missing fifth."""
    horizontal = axis.orientation in ("top", "bottom")
    update = axis._updateHeight if horizontal else axis._updateWidth

    def roomier():
        update()
        if axis.label.isVisible():
            extra = 0.22 * axis.label.boundingRect().height()
            if horizontal:
                h = axis.maximumHeight() + extra
                axis.setMaximumHeight(h)
                axis.setMinimumHeight(h)
            else:
                w = axis.maximumWidth() + extra
                axis.setMaximumWidth(w)
                axis.setMinimumWidth(w)

    if horizontal:
        axis._updateHeight = roomier
    else:
        axis._updateWidth = roomier


def style_plot(plot: pg.PlotItem, theme: Theme, *, left: str = "", bottom: str = "") -> None:
    """Readable axes in the theme's colours and sizes, a light grid, axes cached; no
    context menu, no auto-range button, no mouse panning (the panels set their ranges)."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.getViewBox().setMouseEnabled(x=False, y=False)
    plot.getViewBox().setBackgroundColor(None)
    for name in ("left", "bottom", "top", "right"):
        cache(plot.getAxis(name))
    for name in ("left", "bottom"):
        ax = plot.getAxis(name)
        ax.enableAutoSIPrefix(False)  # J = 0.2, not "200 (×0.001)"
        ax.setTickFont(font(theme))
        ax.setPen(pen(theme, theme.foreground, 1.0))
        ax.setTextPen(pen(theme, theme.foreground, 1.0))
        ax.setStyle(tickLength=int(round(theme.px(5))), tickTextOffset=int(round(theme.px(3))))
        roomy_axis(ax)
    set_label(plot, theme, "left", left)
    set_label(plot, theme, "bottom", bottom)
    plot.showGrid(x=True, y=True, alpha=theme.grid_alpha)


def set_label(plot: pg.PlotItem, theme: Theme, axis: str, text: str) -> None:
    if text:
        plot.setLabel(axis, text, color=theme.foreground, **{"font-size": theme.css_pt(2)})


class PanelItem(pg.GraphicsLayout):
    """Base of every panel's item tree. Subclasses build their items in
    ``__init__`` (once) and override :meth:`set_view` and :meth:`update_data`.
    A panel asks the window to act (restart from a clicked point, move the
    threshold) by emitting :attr:`requested` with a value from
    :mod:`logit_gui.model.requests`; offscreen (``render``) nobody listens."""

    requested = Signal(object)

    def __init__(self, theme: Theme):
        super().__init__()
        self.theme = theme
        self.view = None
        self.history = None
        self.frame = None
        self.setContentsMargins(*(theme.px(4),) * 4)

    def set_view(self, view) -> None:
        """New data or a new plane."""
        self.view = view

    def wrap_labels(self, *labels, fraction: float = 1.0) -> None:
        """These label rows (legends, notes, titles) wrap to ``fraction`` of the panel's width
        and never make the panel wider: many classes or a race's many entries take two
        lines, not the neighbouring panel's room. A text that fits keeps its own width (a
        centred title stays centred). New text (``setText``) and a resized panel re-wrap."""
        if not hasattr(self, "_wrapped"):
            self._wrapped = []
        panel = weakref.ref(self)  # no cycle through the label: Qt owns these items' lives
        for lab in labels:
            measure = lab.updateMin  # LabelItem's: the minimum size from the text's

            def update_min(measure=measure, lab=lab):
                lab.item.setTextWidth(-1)  # new text: measured at its own width first
                measure()
                p = panel()
                if p is not None:
                    p._fit_label(lab, measure, fraction)

            lab.updateMin = update_min
            self._wrapped.append((lab, measure, fraction))
            self._fit_label(lab, measure, fraction)

    def _fit_label(self, lab, measure, fraction: float) -> None:
        width = max(50.0, fraction * (self.geometry().width() - 2 * self.theme.px(8)))
        item = lab.item
        natural = item.textWidth() < 0
        if not (natural and item.boundingRect().width() <= width) and abs(item.textWidth() - width) > 1:
            item.setTextWidth(width)
            measure()
        lab.setMinimumWidth(10)  # the text wraps: its width is the panel's, not the text's

    def resizeEvent(self, ev):  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        for lab, measure, fraction in getattr(self, "_wrapped", ()):
            if lab.item.textWidth() >= 0 or lab.item.boundingRect().width() > fraction * self.geometry().width():
                lab.item.setTextWidth(-1)  # re-measure at the new width
                measure()
            self._fit_label(lab, measure, fraction)

    def draw(self, history, frame, data) -> None:
        """Show ``data`` (what the spec's ``compute`` returned for ``frame``)."""
        self.history, self.frame = history, frame
        self.update_data(data)

    def update_data(self, data) -> None:  # pragma: no cover - every panel overrides it
        raise NotImplementedError

    def plot_item(self) -> pg.PlotItem | None:
        """The plot whose coordinates the hover readout reads (None: no readout)."""
        return None

    def readout(self, x: float, y: float) -> str:
        """Hover text at data point (x, y) of :meth:`plot_item` ("" for none)."""
        return ""

    def legend_html(self, entries) -> str:
        """One line of legend entries ``[(symbol, colour, text), ...]`` as rich text."""
        t = self.theme
        parts = [f"<span style='color:{c}'>{s}</span>&nbsp;{text}" for s, c, text in entries]
        return (f"<span style='color:{t.foreground};font-size:{t.css_pt(0)}'>"
                + "&nbsp;&nbsp; ".join(parts) + "</span>")  # breaks between entries only
