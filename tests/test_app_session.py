"""Sessions in the window: save and open (the same settings, panels and iterate), recent
files, unsaved changes asked about, bad files in a dialog with the session untouched, and
every bundled scenario opens and runs."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from logit_gui.app.main_window import MainWindow  # noqa: E402
from logit_gui.model.scenarios import scenarios  # noqa: E402
from logit_gui.model.settings import (  # noqa: E402
    DataSettings,
    ModelSettings,
    OptimizerSettings,
    RunSettings,
    Settings,
)

WAIT = 60_000
FAST = Settings(DataSettings(source="moons", n=160, degree=2, seed=3), ModelSettings(l2=1e-2),
                OptimizerSettings("gd", (("lr", 1.0),)), RunSettings(speed=None, max_iter=20_000, tol=1e-5))


@pytest.fixture
def window(qtbot, tmp_path):
    store = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)

    def make(settings=FAST):
        w = MainWindow(settings, store=store)
        qtbot.addWidget(w)
        w.resize(1280, 720)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


def test_save_then_open_gives_the_same_settings_panels_and_iterate(window, qtbot, tmp_path):
    w = window()
    c = w.controller
    for _ in range(8):
        w.actions["step"].trigger()
    qtbot.waitUntil(lambda: len(c.run.history) == 9, timeout=WAIT)
    c.seek(5)
    w.panel_docks["sigmoid"].hide()
    w.panel_docks["loss"].option_widgets["log_y"].setChecked(True)
    path = str(tmp_path / "lecture.logit.json")
    assert w.save_session(path=path)
    shown = c.shown_iterate
    assert w.recent_sessions()[0] == path and not w.session_dirty

    w2 = window(Settings())
    with qtbot.waitSignal(w2.dataDone, timeout=WAIT):
        assert w2.open_session(path)
    c2 = w2.controller
    assert c2.settings == c.settings
    qtbot.waitUntil(lambda: c2.shown_iterate is not None and c2.shown_iterate.k == 5, timeout=WAIT)
    assert np.array_equal(c2.shown_iterate.coef, shown.coef)  # the same iterate, bit for bit
    assert not w2.panel_docks["sigmoid"].isVisible() and w2.panel_docks["loss"].isVisible()
    assert w2.panel_docks["loss"].option_widgets["log_y"].isChecked()
    assert w2.session_path == path and "lecture" in w2.windowTitle()


def test_unsaved_changes_are_asked_about_before_opening_another(window, qtbot, tmp_path, monkeypatch):
    w = window()
    path = str(tmp_path / "a.logit.json")
    assert w.save_session(path=path)
    w.controller.apply_optimizer(OptimizerSettings("adam", (("lr", 0.05),)))
    assert w.session_dirty
    asked = []
    monkeypatch.setattr(w, "confirm_discard", lambda: asked.append(1) or False)  # Cancel
    assert not w.open_session(path)
    assert asked and w.controller.settings.optimizer.method == "adam"
    monkeypatch.setattr(w, "confirm_discard", lambda: True)  # Discard
    with qtbot.waitSignal(w.dataDone, timeout=WAIT):
        assert w.open_session(path)
    assert w.controller.settings.optimizer.method == "gd" and not w.session_dirty


@pytest.mark.parametrize("case", ["corrupt", "future"])
def test_a_bad_session_opens_a_dialog_and_leaves_the_current_one(window, tmp_path, case):
    w = window()
    before = (w.controller.settings, w.controller.run)
    path = tmp_path / "bad.logit.json"
    if case == "corrupt":
        path.write_text('{"format": "logit-gui session", "version": 1, "settings": {')
    else:
        path.write_text(json.dumps({"format": "logit-gui session", "version": 999, "settings": {}}))
    assert not w.open_session(str(path))
    box = w.findChild(QMessageBox, "error_box")
    assert box is not None and str(path) in box.text()
    assert (w.controller.settings, w.controller.run) == before


@pytest.mark.parametrize("name, title, path", scenarios())
def test_every_bundled_scenario_opens_and_runs_50_iterations(window, qtbot, name, title, path):
    w = window()
    with qtbot.waitSignal(w.dataDone, timeout=WAIT) as done:
        assert w.open_session(path)
    assert done.args == [True], w.last_error
    c = w.controller
    c.run_to(50)
    qtbot.waitUntil(lambda: c.run.history.latest.k >= 50 or c.run.finished, timeout=WAIT)
    assert any(dock.isVisible() for dock in w.panel_docks.values())


def test_the_scenarios_menu_lists_the_bundled_sessions(window):
    w = window()
    titles = [a.text() for a in w.scenarios_menu.actions()]
    assert len(titles) == len(scenarios()) >= 8
    assert "Digits: 9 vs rest" in titles and "L1 makes zeros" in titles


def test_copy_as_command_reproduces_the_run_on_screen(window, qtbot):
    import shlex

    from PySide6.QtWidgets import QApplication

    from logit_gui.cli import _build_parser, _settings
    from logit_gui.model.commandline import effective

    w = window()
    text = w.copy_command()
    assert QApplication.clipboard().text() == text
    train, render = text.strip().splitlines()
    assert train.startswith("logit-gui train ") and render.startswith("logit-gui render ")
    back = _settings(_build_parser().parse_args(shlex.split(train)[1:]))
    assert effective(back) == effective(w.controller.settings)


def test_history_csv_and_model_json_from_the_file_menu(window, qtbot, tmp_path):
    w = window()
    c = w.controller
    for _ in range(4):
        w.actions["step"].trigger()
    qtbot.waitUntil(lambda: len(c.run.history) == 5, timeout=WAIT)
    w.save_history(str(tmp_path / "h.csv"))
    w.save_model(str(tmp_path / "m.json"))
    rows = np.loadtxt(tmp_path / "h.csv", delimiter=",", skiprows=1)
    assert rows.shape[0] == 5
    model = json.loads((tmp_path / "m.json").read_text())
    assert model["iterations"] == c.shown_iterate.k and model["optimizer"] == "gd"


def test_painted_data_train_from_the_weights_on_screen_and_travel_in_sessions(window, qtbot, tmp_path):
    from logit_gui.model.requests import AddSample, DeleteSample, MoveSample

    w = window()
    c = w.controller
    for _ in range(3):
        w.actions["step"].trigger()
    qtbot.waitUntil(lambda: len(c.run.history) == 4, timeout=WAIT)
    shown = c.shown_iterate
    n = c.source_dataset.n
    w._on_panel_request(AddSample(0.5, 0.5, 1))
    assert c.source_dataset.n == n + 1 and c.settings.data.source == "painted"
    assert np.array_equal(c.run.history[0].coef, shown.coef)  # continues from the weights on screen
    w._on_panel_request(MoveSample(n, 2.0, -1.0))
    assert tuple(c.source_dataset.X[n]) == (2.0, -1.0)
    w._on_panel_request(DeleteSample(0))
    assert c.source_dataset.n == n
    assert "painted" in w.controls.source.currentText()
    path = str(tmp_path / "painted.logit.json")
    assert w.save_session(path=path)  # painted rows are embedded: they exist nowhere else
    w2 = window(Settings())
    with qtbot.waitSignal(w2.dataDone, timeout=WAIT):
        w2.open_session(path)
    assert np.array_equal(w2.controller.source_dataset.X, c.source_dataset.X)
    w._on_panel_request(DeleteSample(10_000))  # a row that is not there: a message, nothing changes
    assert "no sample" in w.last_error and c.source_dataset.n == n
