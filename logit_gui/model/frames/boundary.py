"""The data panel's frame: the probability image and the boundary's segments.

Binary: P(class 1) on the grid, the p = 0.5 contour and (optionally) the
contours at 0.1 … 0.9; when the shared decision threshold t is not 0.5, the
p = t contour too (the bold p = 0.5 line stays the argmax boundary). Multiclass: the probabilities (the item blends the
class colours) and the lines where the most probable class changes. Plus which
drawn samples the shown iterate misclassifies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .base import Frame, View
from .contour import contour_levels, contour_segments

__all__ = ["BoundaryOptions", "BoundaryData", "compute", "LEVELS", "is_half"]

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
    threshold: float = field(default=0.5, metadata={
        "label": "threshold t", "range": (0.0, 1.0), "step": 0.01,
        "tip": "The decision threshold t: predict class 1 where p ≥ t. When t ≠ 0.5 the p = t contour is\n"
               "drawn dashed (the bold line stays p = 0.5, the most probable class). Shared by every panel\n"
               "(ROC, precision–recall, confusion matrix). Binary models."})


@dataclass(frozen=True, eq=False)
class BoundaryData:
    binary: bool
    image: np.ndarray        # (ny, nx) P(class 1), or (ny, nx, K) probabilities
    boundary: np.ndarray     # (2s, 2) segment end points
    levels: np.ndarray       # (2s, 2)
    wrong: np.ndarray        # (n_train_shown + n_test_shown,) bool: draw a ring
    show_test: bool
    threshold: float = 0.5   # the decision threshold t
    #: the p = t contour (binary, t ≠ ½) as polylines, NaN rows between them: a dash pattern runs along
    #: a whole line (drawn as separate segments, each would restart it and look solid)
    threshold_line: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))


def compute(view: View, history, frame: Frame, options: BoundaryOptions) -> BoundaryData:
    P = frame.grid_P
    xs, ys = view.xs, view.ys
    empty = np.empty((0, 2))
    t = float(options.threshold)
    tline = empty
    if view.kind == "binary":
        p1 = P[:, :, 1]
        segs = contour_segments(p1, 0.5, xs, ys)
        if not is_half(t):
            tline = polylines(contour_segments(p1, t, xs, ys))
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
    return BoundaryData(view.kind == "binary", image, segs, lv, wrong, options.test, t, tline)


def polylines(segs: np.ndarray) -> np.ndarray:
    """Marching-squares segments (2s, 2) joined into polylines: (m, 2) points, one NaN row
    between two lines. Two segments join where an end of one is an end of the other (the
    same cell edge, to a millionth of the segments' extent)."""
    n = segs.shape[0] // 2
    if n == 0:
        return np.empty((0, 2))
    span = float(np.ptp(segs, axis=0).max()) or 1.0
    keys = np.round(segs / (span * 1e-6)).astype(np.int64)
    ends: dict = {}
    for i, key in enumerate(map(tuple, keys)):
        ends.setdefault(key, []).append(i)
    used = np.zeros(n, dtype=bool)

    def walk(point: int) -> list:
        """Point indices from ``point`` (an end of a used segment) onwards, as far as it joins."""
        out = []
        while True:
            nxt = [j for j in ends[tuple(keys[point])] if not used[j // 2]]
            if not nxt:
                return out
            j = nxt[0]
            used[j // 2] = True
            point = j ^ 1  # the segment's other end
            out.append(point)

    parts = []
    for s0 in range(n):
        if used[s0]:
            continue
        used[s0] = True
        ahead = walk(2 * s0 + 1)
        behind = walk(2 * s0)
        idx = behind[::-1] + [2 * s0, 2 * s0 + 1] + ahead
        parts.append(segs[idx])
        parts.append(np.full((1, 2), np.nan))
    return np.concatenate(parts[:-1])


def is_half(t: float) -> bool:
    """Whether threshold ``t`` is 0.5 (the argmax boundary; no extra contour), to a slider's rounding."""
    return abs(float(t) - 0.5) < 1e-9


def probabilities_at(view: View, frame: Frame, x: float, y: float):
    """The shown iterate's class probabilities at plane point (x, y), read off the grid
    (None outside it)."""
    x0, x1, y0, y1 = view.extent
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return None
    j = int(round((x - x0) / (x1 - x0) * (view.xs.size - 1)))
    i = int(round((y - y0) / (y1 - y0) * (view.ys.size - 1)))
    return frame.grid_P[i, j]
