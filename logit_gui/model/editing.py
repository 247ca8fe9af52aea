"""Painting data: a data set with a sample added, moved or deleted. Qt-free.

The window's paint panel asks for an edit (:mod:`.requests`); :func:`apply_edit`
returns the edited data set (a new one: data sets are immutable), named
"painted", which the controller trains on from the weights on screen (Orange's
Paint Data, live). Only data with exactly two input features can be painted:
the plane the panels show is then the input space itself.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from logit_gui.core.datasets import Dataset
from logit_gui.core.errors import DataError

from .requests import AddSample, DeleteSample, MoveSample

__all__ = ["apply_edit", "PAINTED", "MIN_PER_CLASS"]

#: the source name of an edited data set
PAINTED = "painted"

#: a class is never painted away below this many samples (logistic regression needs both classes)
MIN_PER_CLASS = 1


def apply_edit(ds: Dataset, edit) -> Dataset:
    """``ds`` with ``edit`` applied (AddSample, MoveSample or DeleteSample); DataError when
    the edit makes no sense (not 2-D data, an unknown class or row, the last of a class)."""
    if ds.X.shape[1] != 2:
        raise DataError(f"{ds.name}: only data with two input features can be painted "
                        f"(this one has {ds.X.shape[1]})")
    X = np.array(ds.X, dtype=np.float64)
    y = np.array(ds.y)
    K = len(ds.classes)
    if isinstance(edit, AddSample):
        if not 0 <= int(edit.cls) < K:
            raise DataError(f"no class {edit.cls} to paint (classes 0 … {K - 1})")
        X = np.vstack([X, [[float(edit.x1), float(edit.x2)]]])
        y = np.append(y, int(edit.cls))
    elif isinstance(edit, MoveSample):
        _row(ds, edit.index)
        X[edit.index] = (float(edit.x1), float(edit.x2))
    elif isinstance(edit, DeleteSample):
        _row(ds, edit.index)
        cls = int(y[edit.index])
        if np.count_nonzero(y == cls) <= MIN_PER_CLASS:
            raise DataError(f"the last sample of class {ds.classes[cls]} stays: the model needs every class")
        X = np.delete(X, edit.index, axis=0)
        y = np.delete(y, edit.index)
    else:
        raise TypeError(f"not a data edit: {edit!r}")
    if not np.all(np.isfinite(X)):
        raise DataError("a painted sample must have finite coordinates")
    name = ds.name if ds.name.startswith(PAINTED) else f"{PAINTED} ({ds.name})"
    return dataclasses.replace(ds, X=X, y=y, name=name, warnings=())


def _row(ds: Dataset, index: int) -> None:
    if not 0 <= int(index) < ds.n:
        raise DataError(f"no sample {index} (the data set has {ds.n})")
