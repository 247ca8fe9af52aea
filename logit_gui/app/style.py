"""Colours, pens and fonts shared by the panels: one place, chosen for a projector.

Light background, dark text, large ticks; a diverging blue–white–red map for
P(class 1) (pyqtgraph's CET-D1, lightened so the data points stay readable on
top of it); class colours that match the map's ends for two classes and a
qualitative palette beyond.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem

#: finer steps, for an axis that grows with the run (the iteration axis)
FINE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)

__all__ = [
    "apply",
    "CLASS_COLORS",
    "class_color",
    "probability_colormap",
    "style_plot",
    "TEXT",
    "FONT_PT",
]

TEXT = "#1f2328"
GRID_ALPHA = 0.18
FONT_PT = 11

#: class 0 blue and class 1 red (the ends of the probability map), then a qualitative palette
CLASS_COLORS = (
    "#2b63c9", "#c8302c", "#2e9e44", "#e8870e", "#8a4fc0",
    "#8c564b", "#d6479f", "#5f6a6a", "#a6a21c", "#1aa7b8",
)

TRAIN_COLOR = "#2b63c9"
TEST_COLOR = "#e8870e"
GRAD_COLOR = "#6b6f76"


def apply() -> None:
    """Global pyqtgraph options (idempotent): white plots, antialiasing, row-major images."""
    pg.setConfigOptions(
        background="w", foreground=TEXT, antialias=True, imageAxisOrder="row-major",
    )


def class_color(k: int, alpha: int = 255) -> QColor:
    c = QColor(CLASS_COLORS[k % len(CLASS_COLORS)])
    c.setAlpha(alpha)
    return c


def class_rgb(K: int) -> np.ndarray:
    """(K, 3) floats in 0..1."""
    return np.array([[class_color(k).redF(), class_color(k).greenF(), class_color(k).blueF()] for k in range(K)])


def probability_colormap(lighten: float = 0.45) -> pg.ColorMap:
    """CET-D1 (blue–white–red, perceptually uniform), blended towards white by ``lighten``."""
    base = pg.colormap.get("CET-D1")
    lut = base.getLookupTable(nPts=256, alpha=False).astype(np.float64)
    lut = lut + (255.0 - lut) * lighten
    pos = np.linspace(0.0, 1.0, 256)
    return pg.ColorMap(pos, lut.astype(np.ubyte), name="p(class 1)")


def tick_font() -> QFont:
    f = QFont()
    f.setPointSize(FONT_PT)
    return f


def nice_ceil(x: float, steps=(1.0, 2.0, 2.5, 5.0, 10.0)) -> float:
    """The smallest of ``steps`` × 10^k that is ≥ x (x > 0)."""
    if not np.isfinite(x) or x <= 0:
        return 1.0
    e = np.floor(np.log10(x))
    for m in steps:
        v = m * 10.0 ** e
        if v >= x * (1 - 1e-12):
            return float(v)
    return float(10.0 ** (e + 1))


def nice_bounds(lo: float, hi: float, ticks: int = 5) -> tuple[float, float]:
    """(lo, hi) rounded outward to a step of a nice size, so small changes of the data
    leave the axis alone (the axes are cached pixmaps: a changed range re-renders them)."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return 0.0, 1.0
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        pad = 0.5 * max(abs(hi), 1e-3)
        lo, hi = lo - pad, hi + pad
    step = nice_ceil((hi - lo) / ticks)
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)


def cache(*items) -> None:
    """Paint these items into a cached pixmap, re-rendered only when they change.

    Axes, legends and static scatters would otherwise be re-painted (text and
    all) every time anything in their view changes, i.e. on every frame.
    """
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def style_plot(plot: pg.PlotItem, *, left: str = "", bottom: str = "", title: str = "") -> None:
    """Readable axes: larger ticks and labels, a light grid; axes cached as pixmaps;
    no context menu and no auto-range button (the panels set their own ranges)."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    for name in ("left", "bottom", "top", "right"):
        cache(plot.getAxis(name))
    for name in ("left", "bottom"):
        ax = plot.getAxis(name)
        ax.enableAutoSIPrefix(False)  # J = 0.2, not "200 (×0.001)"
        ax.setTickFont(tick_font())
        ax.setPen(pg.mkPen(TEXT))
        ax.setTextPen(pg.mkPen(TEXT))
    label_style = {"color": TEXT, "font-size": f"{FONT_PT + 2}pt"}
    if left:
        plot.setLabel("left", left, **label_style)
    if bottom:
        plot.setLabel("bottom", bottom, **label_style)
    if title:
        plot.setTitle(title, color=TEXT, size=f"{FONT_PT + 3}pt")
    plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
