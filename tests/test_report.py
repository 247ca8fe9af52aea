"""model/report.py: the history as CSV (numpy reads back the recorded values) and the
model as ``train --json``'s object (the same JSON for the same settings, run both)."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest

from logit_gui import cli
from logit_gui.model.pipeline import build, train_to
from logit_gui.model.report import (
    HISTORY_COLUMNS,
    history_csv,
    history_entries,
    model_json,
    model_report,
    write_history_csv,
    write_model_json,
)

TRAIN_CASES = {
    "gd-lipschitz, a test split": ["--dataset", "moons", "--n", "150", "--features", "poly:2", "--test-fraction",
                                   "0.3", "--optimizer", "gd-lipschitz", "--max-iter", "40"],
    "lbfgs converges, standardized": ["--dataset", "circles", "--n", "120", "--features", "poly:2", "--standardize",
                                      "--l2", "1e-3", "--optimizer", "lbfgs"],
    "separable, no penalty": ["--dataset", "linear", "--n", "60", "--optimizer", "newton", "--max-iter", "15"],
    "softmax, 3 classes": ["--dataset", "blobs", "--classes", "3", "--n", "150", "--optimizer", "adam",
                           "--lr", "0.05", "--max-iter", "30", "--test-fraction", "0.2"],
    "wine: class_2 vs rest, balanced": ["--dataset", "wine", "--positive", "class_2", "--standardize", "--class-weight",
                                  "balanced", "--optimizer", "bfgs", "--max-iter", "50"],
}


def _trained(argv):
    args = cli._build_parser().parse_args(["train", *argv])
    settings = cli._settings(args)
    built = build(settings)
    return settings, built, train_to(built, settings.run.max_iter)


@pytest.mark.parametrize("argv", TRAIN_CASES.values(), ids=TRAIN_CASES.keys())
@pytest.mark.parametrize("with_history", [False, True])
def test_the_model_json_is_train_jsons_for_the_same_settings(tmp_path, capsys, argv, with_history):
    out = tmp_path / "train.json"
    extra = ["--history"] if with_history else []
    assert cli.main(["train", *argv, *extra, "--json", str(out)]) == 0, capsys.readouterr().err
    theirs = json.loads(out.read_text())

    settings, built, run = _trained(argv)
    report = model_report(built.problem, run.history.latest, optimizer=settings.optimizer.method,
                          dataset_warnings=built.dataset.warnings, seconds=1.5,
                          history=history_entries(run.history) if with_history else None)
    mine_path = tmp_path / "mine.json"
    write_model_json(str(mine_path), report)
    text = mine_path.read_text()
    mine = json.loads(text)
    assert text.endswith("\n") and "NaN" not in text and "Infinity" not in text
    assert list(mine) == list(theirs)  # the same fields in the same order
    assert mine.pop("seconds") == 1.5 and isinstance(theirs.pop("seconds"), float)
    assert mine == theirs
    if "lipschitz" in theirs:
        assert mine["lipschitz"] > 0


def test_an_untimed_model_says_seconds_null_and_a_nonfinite_number_is_null():
    settings, built, run = _trained(TRAIN_CASES["gd-lipschitz, a test split"])
    report = model_report(built.problem, run.history.latest, optimizer="gd-lipschitz")
    data = json.loads(model_json(report))
    assert data["seconds"] is None and data["warnings"] == list(run.history.latest.notes)
    import dataclasses

    bad = dataclasses.replace(run.history.latest, test_objective=float("nan"))
    assert json.loads(model_json(model_report(built.problem, bad, optimizer="gd")))["test_objective"] is None


@pytest.mark.parametrize("argv", [TRAIN_CASES["gd-lipschitz, a test split"], TRAIN_CASES["softmax, 3 classes"],
                                  TRAIN_CASES["separable, no penalty"]], ids=["binary", "softmax", "no test"])
def test_the_history_csv_round_trips_through_numpy(tmp_path, argv):
    settings, built, run = _trained(argv)
    h = run.history
    path = tmp_path / "history.csv"
    write_history_csv(str(path), h, built.problem)
    a = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    header = next(csv.reader(io.StringIO(path.read_text())))
    items = list(h)
    m, d = items[0].coef.shape
    assert a.shape == (len(items), len(HISTORY_COLUMNS) + m + m * d)
    assert header[:5] == ["iteration", "J", "test_J", "grad_norm", "step_size"]
    assert len(header) == a.shape[1]
    k, obj, test, gn = h.curves()
    np.testing.assert_array_equal(a[:, 0], k)
    np.testing.assert_array_equal(a[:, 1], obj)        # repr: the very same floats
    np.testing.assert_array_equal(a[:, 2], test)       # nan where there is no test split
    np.testing.assert_array_equal(a[:, 3], gn)
    np.testing.assert_array_equal(a[:, 4], [it.step_size for it in items])
    np.testing.assert_array_equal(a[:, 5:5 + m], np.array([it.intercept for it in items]))
    np.testing.assert_array_equal(a[:, 5 + m:], np.array([np.ravel(it.coef) for it in items]))
    assert a[0, 4] == 0.0 and a[0, 0] == 0
    if built.problem.test is None:
        assert np.all(np.isnan(a[:, 2]))
    else:
        assert np.all(np.isfinite(a[:, 2]))
    names = list(built.problem.feature_names)
    if m == 1:
        assert header[5:] == ["b", *(f"w[{n}]" for n in names)]
    else:
        classes = list(built.problem.classes)
        assert header[5:5 + m] == [f"b[{c}]" for c in classes]
        assert header[5 + m:5 + m + d] == [f"w[{classes[0]}][{n}]" for n in names]


def test_the_history_csv_quotes_names_with_commas_and_writes_infinities():
    import dataclasses

    from logit_gui.core.iterate import Iterate

    class P:
        feature_names = ("a,b", "c")
        classes = (0, 1)

    its = [Iterate(0, [[0.0, 0.0]], [0.0], math.log(2), 0.5),
           Iterate(1, [[1e-300, -2.5]], [0.1], float("inf"), float("nan"), step_size=0.25)]
    its[1] = dataclasses.replace(its[1], test_objective=-0.0)
    text = history_csv(its, P())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["iteration", "J", "test_J", "grad_norm", "step_size", "b", "w[a,b]", "w[c]"]
    assert rows[2] == ["1", "inf", "-0.0", "nan", "0.25", "0.1", "1e-300", "-2.5"]
    a = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, ndmin=2)
    assert a[1, 1] == np.inf and np.isnan(a[1, 3]) and a[1, 6] == 1e-300


def test_writing_to_a_missing_folder_is_one_line_naming_the_path(tmp_path):
    from logit_gui.core.errors import OutputError

    settings, built, run = _trained(TRAIN_CASES["separable, no penalty"])
    with pytest.raises(OutputError) as e:
        write_history_csv(str(tmp_path / "no" / "h.csv"), run.history, built.problem)
    assert "h.csv" in str(e.value) and "\n" not in str(e.value)
    assert list(tmp_path.iterdir()) == []


def test_report_is_qt_free():
    import subprocess
    import sys

    code = ("import sys; import logit_gui.model.report as r; "
            "assert not any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules), 'Qt imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
