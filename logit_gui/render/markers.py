"""Scatter items for markers redrawn every frame.

pyqtgraph's ``ScatterPlotItem`` recomputes its bounding rectangle (the data
bounds, then the size of a pixel through the view's transform, in Python) each
time Qt asks, and Qt asks it tens of times a frame. :class:`Scatter` keeps the
answer until the data bounds, the marker size or the view's transform change.

``ScatterPlotItem.setData`` also rebuilds its record array and looks up every
point's symbol in the atlas in Python — a few milliseconds per thousand points,
every frame. When only the positions change (the samples on the sigmoid panel
as the weights move), :meth:`MovingScatter.set_positions` writes the new
coordinates into the existing records: the atlas entries, sizes and styles stay
valid; :meth:`Scatter.show_only` likewise only flags which points are drawn.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

__all__ = ["Scatter", "MovingScatter"]


class Scatter(pg.ScatterPlotItem):
    _br = None
    _br_key = None

    def boundingRect(self):
        key = (self.dataBounds(0), self.dataBounds(1), self._maxSpotPxWidth)
        if self._br is None or key != self._br_key:
            self._br = super().boundingRect()
            self._br_key = key
        return self._br

    def show_only(self, mask) -> None:
        """Draw only the points where ``mask`` is True: cheaper than a new setData
        when the same points come and go (the rings of misclassified samples)."""
        mask = np.asarray(mask, dtype=bool)
        if len(self.data) != mask.size:
            raise ValueError(f"{mask.size} flags for {len(self.data)} points")
        self.data["visible"] = mask
        self.update()

    def viewTransformChanged(self):
        self._br = None  # the padding is in pixels: it changes with the view
        super().viewTransformChanged()


class MovingScatter(Scatter):
    def set_positions(self, x, y) -> None:
        """New coordinates for the same points (same count and style); else a full setData."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if x.size == 0 or x.size != len(self.data):
            self.setData(x, y)
            return
        self.data["x"] = x
        self.data["y"] = y
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self.invalidate()
