"""What a lecturer hit in the window (issue "Trustworthy anywhere", §3 in the app and §4):
one regression test per item, named after it."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from logit_gui.app.main_window import MainWindow  # noqa: E402
from logit_gui.model.settings import (  # noqa: E402
    DataSettings,
    ModelSettings,
    OptimizerSettings,
    RunSettings,
    Settings,
)

WAIT = 30_000
FAST = Settings(
    DataSettings(source="moons", n=160, noise=0.2, degree=2, test_fraction=0.25, seed=3),
    ModelSettings(l2=1e-2),
    OptimizerSettings("gd", (("lr", 1.0),)),
    RunSettings(speed=None, max_iter=20_000, tol=1e-5),
)


@pytest.fixture
def window(qtbot, tmp_path):
    def make(settings=FAST):
        w = MainWindow(settings, store=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
        qtbot.addWidget(w)
        w.resize(1400, 860)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


def test_an_error_starting_gd_lipschitz_is_a_message_and_the_dock_shows_what_runs(window, qtbot, monkeypatch):
    from logit_gui.model import pipeline

    w = window()
    real = pipeline.new_run

    def broken(problem, o, *a, **kw):
        if o.method == "gd-lipschitz":
            raise np.linalg.LinAlgError("SVD did not converge")
        return real(problem, o, *a, **kw)

    monkeypatch.setattr(pipeline, "new_run", broken)
    ctl = w.controls
    ctl.method.setCurrentIndex(ctl.method.findData("gd-lipschitz"))
    assert w.controller.run.optimizer.name == "gd"
    assert ctl.method.currentData() == "gd"
    assert "gd-lipschitz" in w.last_error and "internal error" not in w.last_error


def test_a_failed_image_save_opens_a_dialog_not_internal_error(window, qtbot, tmp_path):
    w = window()
    path = str(tmp_path / "missing" / "window.png")
    assert not w.save_window_image(path)
    box = w.findChild(QMessageBox, "error_box")
    assert box is not None and path in box.text()
    assert "internal error" not in w.statusBar().currentMessage()


@pytest.mark.parametrize("typed", ["0", "1e999", "-3", "abc"])
def test_a_typed_learning_rate_that_is_not_taken_leaves_the_field_showing_the_one_in_use(window, qtbot, typed):
    w = window()
    lr = w.controls.lr
    used = lr.value()
    lr.edit.setFocus()
    lr.edit.selectAll()
    qtbot.keyClicks(lr.edit, typed)  # typed as a user types it, then Enter
    qtbot.keyClick(lr.edit, Qt.Key_Return)
    assert lr.value() == used
    assert float(lr.edit.text()) == pytest.approx(used)
    assert dict(w.controller.settings.optimizer.params)["lr"] == used
    assert "kept" in w.statusBar().currentMessage()


def test_with_log_y_the_shown_iterate_marker_stays_while_paused(window, qtbot):
    w = window()
    c = w.controller
    for _ in range(3):
        w.actions["step"].trigger()
    qtbot.waitUntil(lambda: c.shown_iterate is not None and c.shown_iterate.k == 3, timeout=WAIT)
    dock = w.panel_docks["loss"]
    dock.option_widgets["log_y"].setChecked(True)
    x, y = dock.item.cursor_dot.getData()
    assert x[0] == 3 and y[0] == pytest.approx(math.log10(c.shown_iterate.objective))
    lo, hi = dock.item.plot.vb.viewRange()[1]
    assert lo <= y[0] <= hi


def test_after_max_iter_a_changed_setting_moves_the_boundary(window, qtbot):
    w = window(Settings(FAST.data, FAST.model, FAST.optimizer, RunSettings(speed=None, max_iter=30, tol=0.0)))
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: c.run.status == "max_iter" and c.shown_iterate.k == 30, timeout=WAIT)
    before = c.frame.grid_P.copy()
    c.apply_optimizer(OptimizerSettings("gd", (("lr", 0.5),)))
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: c.shown_iterate.k > 40, timeout=WAIT)
    assert np.abs(c.frame.grid_P - before).max() > 1e-4


def test_changing_the_optimizer_while_scrubbed_back_says_what_is_dropped(window, qtbot):
    w = window()
    c = w.controller
    for _ in range(6):
        w.actions["step"].trigger()
    qtbot.waitUntil(lambda: len(c.run.history) == 7, timeout=WAIT)
    c.seek(2)
    msgs = []
    c.message.connect(lambda text, level: msgs.append(text))
    c.apply_optimizer(OptimizerSettings("adam", (("lr", 0.05),)))
    assert any("dropped" in m and "4 later iterates" in m for m in msgs), msgs
    assert len(c.run.history) == 3


def test_enter_commits_a_field_and_hands_the_keys_back(window, qtbot):
    w = window()
    c = w.controller
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=WAIT)
    edit = w.controls.lr.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "0.25")
    qtbot.keyClick(edit, Qt.Key_Return)
    assert dict(c.settings.optimizer.params)["lr"] == 0.25
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not edit, timeout=WAIT)
    qtbot.keyClick(w, Qt.Key_Space)  # play: not a blank typed into the field
    assert c.playing and edit.text() == "0.25"
    qtbot.keyClick(w, Qt.Key_Space)


def test_a_csv_opened_in_the_app_starts_with_linear_features(window, qtbot, tmp_path):
    w = window()
    assert w.controller.settings.data.degree == 2
    path = tmp_path / "two.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    path.write_text("a,b,label\n" + "".join(f"{a},{b},{c}\n" for (a, b), c in zip(X, y, strict=True)))
    with qtbot.waitSignal(w.dataDone, timeout=WAIT) as done:
        w.open_csv(str(path))
    assert done.args == [True]
    assert w.controller.settings.data.degree == 1
    assert w.controls.degree.value() == 1


def test_a_long_status_message_shows_whole_on_hover(window):
    w = window()
    text = "a very long message " * 30
    w._message(text, "warning")
    assert w.statusBar().toolTip() == text


def test_the_log_axis_of_the_loss_at_iteration_zero_spans_a_decade_around_j():
    from logit_gui.model import pipeline
    from logit_gui.model.frames import loss, make_frame, make_view

    built = pipeline.build(Settings(DataSettings(source="digits", degree=1)))
    run = pipeline.new_run(built.problem, OptimizerSettings("gd", (("lr", 0.5),)), RunSettings())
    view = make_view(built.problem, grid=20)
    frame = make_frame(view, run.history.latest)
    d = loss.compute(view, run.history, frame, loss.LossOptions(log_y=True))
    lo, hi = d.y_range
    assert hi - lo >= 1 and lo <= math.log10(frame.iterate.objective) <= hi
