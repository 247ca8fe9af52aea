"""A run as files: its history as CSV, its model as the JSON ``train --json`` writes.

Qt-free. The app's File menu and ``logit-gui train`` describe a model the same
way, so a lecturer can save the model on screen and compare it with a
headless run::

    history_csv(history, problem=None) -> str          # one row per recorded iterate
    history_entries(iterates) -> list[dict]            # train --json's "history" list
    model_report(problem, iterate, *, optimizer, dataset_warnings=(), seconds=None,
                 history=None) -> dict                 # train --json's object
    model_json(report) -> str                          # strict JSON text (no NaN, no Infinity)
    write_history_csv(path, history, problem=None)     # through core.fileio: never half-written
    write_model_json(path, report)

**History CSV.** A header row, then one row per recorded iterate (a long run's
history is thinned: the first and the newest iterates are always kept):
``iteration, J, test_J, grad_norm, step_size`` and θ as the optimizer holds it
— the intercept(s) ``b`` and the weights ``w[feature]`` (for K classes
``b[class]`` and ``w[class][feature]``), on the model's features (with
standardization: per standardized feature; the JSON's ``coef`` and
``intercept`` are in input units). ``grad_norm`` is ‖∇J‖∞, ``step_size`` the
step that reached the iterate (0 for iteration 0), ``test_J`` is ``nan``
without a test split. Numbers are written with Python's ``repr``: they read
back to the same float (``numpy.loadtxt(path, delimiter=",", skiprows=1)``).

**Model JSON.** :func:`model_report` returns the object ``train --json``
writes, field for field: ``status, optimizer, model, iterations, objective,
test_objective, grad_norm, scaled_grad_norm, classes, feature_names, coef,
intercept, metrics, warnings, seconds`` and, when the optimizer reports it,
``lipschitz``; with ``history`` given, ``history``. ``seconds`` is the
training time when known (the app does not time a run: null).
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Iterable

import numpy as np

from logit_gui.core.iterate import Iterate

__all__ = ["HISTORY_COLUMNS", "history_columns", "history_csv", "history_entries", "model_report",
           "model_json", "clean", "write_history_csv", "write_model_json"]

#: the first columns of the history CSV; θ's columns follow (see :func:`history_columns`)
HISTORY_COLUMNS = ("iteration", "J", "test_J", "grad_norm", "step_size")


def _names(problem, d: int) -> list[str]:
    names = list(problem.feature_names) if problem is not None else []
    if len(names) != d:
        names = [f"x{j + 1}" for j in range(d)]
    return names


def history_columns(iterate: Iterate, problem=None) -> list[str]:
    """The CSV header for iterates shaped like ``iterate`` (``problem``: names of features and classes)."""
    m, d = iterate.coef.shape
    names = _names(problem, d)
    if m == 1:
        return [*HISTORY_COLUMNS, "b", *(f"w[{n}]" for n in names)]
    classes = list(problem.classes) if problem is not None and len(problem.classes) == m else list(range(m))
    cols = [*HISTORY_COLUMNS, *(f"b[{c}]" for c in classes)]
    for c in classes:
        cols += [f"w[{c}][{n}]" for n in names]
    return cols


def _num(x) -> str:
    if x is None:
        return "nan"
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def history_csv(history: Iterable[Iterate], problem=None) -> str:
    """The recorded iterates as CSV text (see the module's docstring); ``history`` a
    :class:`~logit_gui.model.history.History` or any iterable of iterates."""
    items = list(history)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if not items:
        w.writerow([*HISTORY_COLUMNS, "b"])
        return out.getvalue()
    shape = items[0].coef.shape
    w.writerow(history_columns(items[0], problem))
    for it in items:
        if it.coef.shape != shape:
            raise ValueError(f"iterate {it.k} has θ of shape {it.coef.shape}, not {shape}")
        w.writerow([str(int(it.k)), _num(it.objective), _num(it.test_objective), _num(it.grad_norm),
                    _num(it.step_size), *(_num(v) for v in it.intercept),
                    *(_num(v) for v in np.asarray(it.coef).ravel())])
    return out.getvalue()


def history_entries(iterates: Iterable[Iterate]) -> list[dict]:
    """``train --json --history``'s list: one dict per iterate."""
    return [{"iteration": it.k, "objective": it.objective, "grad_norm": it.grad_norm,
             "step_size": it.step_size, "test_objective": it.test_objective} for it in iterates]


def model_report(problem, iterate: Iterate, *, optimizer: str, dataset_warnings=(), seconds=None,
                 history=None) -> dict:
    """The object ``train --json`` writes for ``iterate`` of a run on ``problem`` (a core
    ``Problem``): ``optimizer`` the method's name, ``dataset_warnings`` the trained data
    set's warnings, ``seconds`` the training time (None when not timed), ``history`` the
    ``--history`` entries (:func:`history_entries`) or None for none."""
    from logit_gui.core.metrics import summary

    last = iterate
    coef, intercept = problem.coef_in_input_units(last)
    warnings = list(dataset_warnings) + [n for n in last.notes]
    metrics = {"train": summary(problem.train.y, problem.proba(last, problem.train.X))}
    if problem.test is not None:
        metrics["test"] = summary(problem.test.y, problem.proba(last, problem.test.X))
    result = {
        "status": last.status,
        "optimizer": optimizer,
        "model": problem.kind,
        "iterations": last.k,
        "objective": last.objective,
        "test_objective": last.test_objective,
        "grad_norm": last.grad_norm,
        "scaled_grad_norm": last.scaled_grad_norm,
        "classes": list(problem.classes),
        "feature_names": list(problem.feature_names),
        "coef": np.asarray(coef),
        "intercept": np.asarray(intercept),
        "metrics": metrics,
        "warnings": warnings,
        "seconds": seconds,
    }
    if "lipschitz" in last.info:
        result["lipschitz"] = last.info["lipschitz"]
    if history is not None:
        result["history"] = list(history)
    return result


def clean(obj):
    """``obj`` made strict-JSON safe: numpy → Python, non-finite floats → None."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return clean(obj.tolist())
    if isinstance(obj, np.generic):
        return clean(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    return obj


def model_json(report: dict) -> str:
    """``report`` as ``train --json`` prints it: indented strict JSON and a newline."""
    return json.dumps(clean(report), indent=2, allow_nan=False) + "\n"


def write_history_csv(path: str, history, problem=None) -> None:
    """Write :func:`history_csv` to ``path`` (atomic for a regular file; raises OutputError)."""
    from logit_gui.core.fileio import write_output

    write_output(path, history_csv(history, problem))


def write_model_json(path: str, report: dict) -> None:
    """Write :func:`model_json` of ``report`` to ``path`` (atomic for a regular file; raises OutputError)."""
    from logit_gui.core.fileio import write_output

    write_output(path, model_json(report))
