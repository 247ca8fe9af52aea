"""The data panel's frame: the probability image and the boundary's segments.

Binary: P(class 1) on the grid, the p = 0.5 contour and (optionally) the
contours at 0.1 … 0.9. Multiclass: the probabilities (the item blends the
class colours) and the lines where the most probable class changes. Plus which
drawn samples the shown iterate misclassifies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .base import Frame, View
from .contour import contour_levels, contour_segments

__all__ = ["BoundaryOptions", "BoundaryData", "compute", "LEVELS"]

#: the thin contours' probability levels
LEVELS = (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class BoundaryOptions:
    levels: bool = field(default=True, metadata={
        "label": "contours", "tip": "Thin contours of the probability at 0.1, 0.2, …, 0.9 (the bold line is\n"
                                    "always p = 0.5, the decision boundary). Binary models."})
    test: bool = field(default=True, metadata={
        "label": "test ▲", "tip": "Draw the held-out test samples as triangles."})
    wrong: bool = field(default=True, metadata={
        "label": "rings", "tip": "A ring around every sample the shown model classifies wrongly\n"
                                 "(predicted class = argmax_k p_k ≠ true class)."})


@dataclass(frozen=True, eq=False)
class BoundaryData:
    binary: bool
    image: np.ndarray        # (ny, nx) P(class 1), or (ny, nx, K) probabilities
    boundary: np.ndarray     # (2s, 2) segment end points
    levels: np.ndarray       # (2s, 2)
    wrong: np.ndarray        # (n_train_shown + n_test_shown,) bool: draw a ring
    show_test: bool


def compute(view: View, history, frame: Frame, options: BoundaryOptions) -> BoundaryData:
    P = frame.grid_P
    xs, ys = view.xs, view.ys
    empty = np.empty((0, 2))
    if view.kind == "binary":
        p1 = P[:, :, 1]
        segs = contour_segments(p1, 0.5, xs, ys)
        # thin guide lines: half the grid resolution is plenty
        lv = contour_levels(p1[::2, ::2], LEVELS, xs[::2], ys[::2]) if options.levels else empty
        image = p1
    else:
        order = np.sort(P, axis=2)
        runner_up, top = order[:, :, -2], order[:, :, -1]
        parts = []
        for k in range(P.shape[2]):
            pk = P[:, :, k]
            other = np.where(pk >= top, runner_up, top)
            parts.append(contour_segments(pk - other, 0.0, xs, ys))
        segs = np.concatenate(parts) if parts else empty
        lv = empty
        image = P
    test_wrong = frame.test_wrong if options.test else np.zeros_like(frame.test_wrong)
    wrong = np.concatenate([frame.train_wrong, test_wrong])
    if not options.wrong:
        wrong = np.zeros_like(wrong)
    return BoundaryData(view.kind == "binary", image, segs, lv, wrong, options.test)


def probabilities_at(view: View, frame: Frame, x: float, y: float):
    """The shown iterate's class probabilities at plane point (x, y), read off the grid
    (None outside it)."""
    x0, x1, y0, y1 = view.extent
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return None
    j = int(round((x - x0) / (x1 - x0) * (view.xs.size - 1)))
    i = int(round((y - y0) / (y1 - y0) * (view.ys.size - 1)))
    return frame.grid_P[i, j]
