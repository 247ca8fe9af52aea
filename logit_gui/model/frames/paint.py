"""The paint panel's frame: the data set as loaded, to paint on, under the shown model.

Orange's Paint Data, live: a click adds a sample of the chosen class, a drag moves
one, a right click deletes one; the window edits the data set
(:mod:`logit_gui.model.editing`) and the run continues from the weights on
screen. Painting needs data with two input features (then the plane the panels
show is the input space itself). A painted edit names a row of the data set as
loaded — before "X vs rest" and the split — so every drawn sample carries its
row (:attr:`View.source <logit_gui.model.frames.base.View.source>`); where the
rows are not known (a test split the window did not locate) samples can be
added but not moved or deleted.

The samples on screen do not change from iterate to iterate: they are computed
once per view (:func:`samples`); a frame adds the model's probability and its
decision boundary (those of the data panel, :mod:`.boundary`).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

from . import boundary
from .base import Frame, View, classes_as_loaded

__all__ = ["PaintOptions", "PaintSamples", "PaintData", "compute", "samples", "to_inputs"]


@dataclass(frozen=True)
class PaintOptions:
    paint_class: int = field(default=0, metadata={
        "label": "paint class", "range": (0, 9),
        "tip": "The class a left click paints: its number 0 … K−1 in the order of the legend above the plot\n"
               "(the classes of the data set as loaded). Click: add a sample of this class; drag a sample:\n"
               "move it; right click a sample: delete it. The run continues from the weights on screen."})
    probability: bool = field(default=True, metadata={
        "label": "p map", "tip": "Colour the plane by the shown model's probability (as on the data panel);\n"
                                 "off: only the decision boundary p = 0.5."})


@dataclass(frozen=True, eq=False)
class PaintSamples:
    """The samples drawn (the same for every iterate of a view)."""

    rows: np.ndarray      # (m,) each one's row of the data set as loaded (−1: not known)
    xy: np.ndarray        # (m, 2) plane coordinates
    inputs: np.ndarray    # (m, d_in) input coordinates (= xy, up to the order of the axes, for 2-D data)
    cls: np.ndarray       # (m,) class codes of the data set as loaded
    test: np.ndarray      # (m,) bool: a test sample (▲)
    classes: tuple        # the class names of the data set as loaded (what AddSample's codes mean)
    n_source: int         # rows of the data set as loaded (0: not known)


@dataclass(frozen=True, eq=False)
class PaintData:
    samples: PaintSamples
    paintable: bool       # two input features: a click is a point of the input space
    can_add: bool         # ... and the class codes are those of the data set as loaded
    editable: bool        # ... and the rows are known: samples can be moved and deleted
    paint_class: int      # the class a click paints (clamped to the classes)
    note: str             # what cannot be done here, and why ("" when everything can)
    binary: bool
    probability: bool
    image: np.ndarray     # (ny, nx) P(class 1), or (ny, nx, K)
    boundary: np.ndarray  # (2s, 2) segment end points of the decision boundary
    extent: tuple         # (x0, x1, y0, y1) of the image


_SAMPLES: "weakref.WeakKeyDictionary[View, PaintSamples]" = weakref.WeakKeyDictionary()


def samples(view: View) -> PaintSamples:
    """The samples the panel draws: every one drawn on the data panel (all of them up to
    MAX_POINTS), training ● then test ▲, with its row of the data set as loaded."""
    cached = _SAMPLES.get(view)
    if cached is not None:
        return cached
    problem, src = view.problem, view.source
    train_in = np.asarray(problem.train.X)[view.train_idx]
    test_in = (np.asarray(problem.test.X)[view.test_idx] if view.test_idx.size
               else np.empty((0, train_in.shape[1])))
    xy = np.concatenate([view.train_xy, view.test_xy]).reshape(-1, 2)
    inputs = np.concatenate([train_in, test_in])
    test = np.concatenate([np.zeros(view.train_idx.size, bool), np.ones(view.test_idx.size, bool)])
    if src is not None:
        rows = np.concatenate([src.train[view.train_idx], src.test[view.test_idx]]).astype(np.intp)
        cls = np.asarray(src.dataset.y)[rows].astype(np.intp)
        classes, n_source = tuple(src.dataset.classes), src.dataset.n
    else:
        rows = np.full(test.size, -1, dtype=np.intp)
        cls = np.concatenate([view.train_y, view.test_y]).astype(np.intp)
        classes, n_source = tuple(view.classes), 0
    out = PaintSamples(rows, xy, inputs, cls, test, classes, n_source)
    _SAMPLES[view] = out
    return out


def to_inputs(view: View, x: float, y: float) -> np.ndarray:
    """The input point (x1, x2) at plane point (x, y) (two input features: the plane is the input
    space, its axes possibly in the other order)."""
    return view.projection.inverse(np.array([[float(x), float(y)]]))[0]


def compute(view: View, history, frame: Frame, options: PaintOptions) -> PaintData:
    s = samples(view)
    d_in = view.problem.train.X.shape[1]
    paintable = d_in == 2
    can_add = paintable and (view.source is not None or classes_as_loaded(view.problem))
    editable = paintable and view.source is not None
    if not paintable:
        note = f"painting needs data with two input features (these have {d_in})"
    elif not can_add:
        note = "painting is off: the classes and rows of the data set as loaded are not known here"
    elif not editable:
        note = "to move or delete samples, set the test fraction to 0"
    else:
        note = ""
    K = max(1, len(s.classes))
    paint_class = int(min(max(int(options.paint_class), 0), K - 1))
    b = boundary.compute(view, history, frame, boundary.BoundaryOptions(levels=False, test=False, wrong=False))
    return PaintData(s, paintable, can_add, editable, paint_class, note, b.binary, bool(options.probability),
                     b.image, b.boundary, view.extent)


def nearest(points_px: np.ndarray, at_px, radius: float) -> int | None:
    """The index of the point nearest ``at_px`` (pixel coordinates) within ``radius`` pixels."""
    if points_px.shape[0] == 0:
        return None
    d2 = np.sum((points_px - np.asarray(at_px, dtype=np.float64)) ** 2, axis=1)
    i = int(np.argmin(d2))
    return i if d2[i] <= radius * radius else None
