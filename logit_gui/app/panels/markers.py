"""A scatter item for markers that move every frame but keep their number and style.

``ScatterPlotItem.setData`` rebuilds its record array and looks up every point's
symbol in the atlas in Python — a few milliseconds per thousand points, every
frame. When only the positions change (the samples on the sigmoid panel as the
weights move), writing the new coordinates into the existing records is enough:
the atlas entries, sizes and styles stay valid.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

__all__ = ["MovingScatter"]


class MovingScatter(pg.ScatterPlotItem):
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
