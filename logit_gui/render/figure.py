"""A figure: one panel or several laid out together, drawn without a window.

``logit-gui render`` and the app's File → Export… both build a :class:`Figure`
from the registered panels, give it the view, history and shown frame the
window has (or the headless run made), and export it: the same items, the
same compute functions, so a figure is exactly what the app draws.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QRectF

from .panel import get_spec
from .theme import Theme

__all__ = ["Figure", "DEFAULT_SIZE", "panel_size"]

#: the size (logical pixels, before --scale) of a one-panel figure and of an all-panels figure
DEFAULT_SIZE = (800, 600)
DEFAULT_ALL_SIZE = (1400, 800)


def panel_size(n_panels: int) -> tuple[int, int]:
    return DEFAULT_SIZE if n_panels == 1 else DEFAULT_ALL_SIZE


class Figure:
    """Panels ``panel_ids`` in theme ``theme``, in a never-shown pyqtgraph widget of
    ``size`` logical pixels. Three panels: the first tall on the left, the others
    stacked on the right; more: a grid."""

    def __init__(self, panel_ids, theme: Theme, size: tuple[int, int] | None = None):
        self.ids = list(panel_ids)
        self.specs = [get_spec(p) for p in self.ids]
        self.theme = theme
        w, h = size or panel_size(len(self.ids))
        self.size = (int(w), int(h))
        self.widget = pg.GraphicsLayoutWidget()
        self.widget.setBackground(theme.background)
        self.layout = self.widget.ci
        self.layout.setContentsMargins(0, 0, 0, 0)
        self.items = {}
        n = len(self.specs)
        if n <= 3:
            for i, spec in enumerate(self.specs):
                item = spec.item(theme)
                if i == 0:
                    self.layout.addItem(item, row=0, col=0, rowspan=max(1, n - 1))
                else:
                    self.layout.addItem(item, row=i - 1, col=1)
                self.items[spec.id] = item
            self._fix_columns = n > 1
        else:
            self._fix_columns = False
            cols = math.ceil(math.sqrt(n))
            for i, spec in enumerate(self.specs):
                item = spec.item(theme)
                self.layout.addItem(item, row=i // cols, col=i % cols)
                self.items[spec.id] = item
        self.resize(*self.size)

    def resize(self, w: int, h: int) -> None:
        self.size = (int(w), int(h))
        self.widget.resize(*self.size)
        rect = QRectF(0, 0, *self.size)
        self.widget.setSceneRect(rect)
        if getattr(self, "_fix_columns", False):
            # the first panel 55 % of the width, the others share the rest's height: items'
            # own preferred sizes (a colour bar, a long legend) must not decide the split
            w, h = self.size
            items = list(self.items.values())
            left, right = round(0.55 * w), w - round(0.55 * w)
            for i, item in enumerate(items):
                width = left if i == 0 else right
                height = h if i == 0 else h / (len(items) - 1)
                item.setMinimumWidth(width)
                item.setMaximumWidth(width)
                item.setPreferredHeight(height)
                item.setMaximumHeight(height)
            self.layout.layout.setContentsMargins(0, 0, 0, 0)
            self.layout.layout.setSpacing(0)
        self.layout.setGeometry(rect)

    def draw(self, view, history, frame, display) -> None:
        """Set every panel to ``frame`` of ``history`` on ``view``; ``display``: the
        settings' DisplaySettings (each panel's options)."""
        for spec in self.specs:
            item = self.items[spec.id]
            if item.view is not view:
                item.set_view(view)
            options = display.options(spec.id, spec.Options)
            item.draw(history, frame, spec.compute(view, history, frame, options))
        self.settle()

    def settle(self, rounds: int = 2) -> None:
        """Lay out as a window would before it is seen: axes measure their tick labels
        while painting and then take the room they need, so paint (into a throwaway
        image) and lay out again."""
        from PySide6.QtCore import QCoreApplication, QEvent
        from PySide6.QtGui import QImage, QPainter

        rect = QRectF(0, 0, *self.size)
        for _ in range(rounds):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
            self.layout.setGeometry(rect)
            img = QImage(self.size[0], self.size[1], QImage.Format_ARGB32)
            painter = QPainter(img)
            self.widget.scene().render(painter, QRectF(0, 0, img.width(), img.height()), rect)
            painter.end()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        self.layout.setGeometry(rect)

    def close(self) -> None:
        self.widget.deleteLater()
