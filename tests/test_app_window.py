"""The main window, driven the way a lecturer drives it (pytest-qt, offscreen).

Every wait is a ``qtbot.waitUntil`` with a generous timeout, never a sleep, so
the tests hold on a loaded two-core machine.
"""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest

pytest.importorskip("pytestqt")

from logit_gui.app import qt_is_broken  # noqa: E402

# PySide6 6.12.0 on Python < 3.12 drops references to None/True/False (signal emission,
# QObject.property): the interpreter aborts after a few thousand Qt calls, taking every
# test with it. Skip loudly instead; the fix is PySide6-Essentials < 6.12 (or Python ≥ 3.12).
pytestmark = pytest.mark.skipif(qt_is_broken() is not None, reason=str(qt_is_broken()))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QScrollBar,
)

from logit_gui.app.main_window import MainWindow  # noqa: E402
from logit_gui.model.settings import (  # noqa: E402
    DataSettings,
    ModelSettings,
    OptimizerSettings,
    RunSettings,
    Settings,
)

ROOT = Path(__file__).resolve().parents[1]
WAIT = 30_000  # ms: generous, the conditions are usually met in well under a second

FAST = Settings(
    DataSettings(source="moons", n=160, noise=0.2, degree=2, test_fraction=0.25, seed=3),
    ModelSettings(l2=1e-2),
    OptimizerSettings("gd", (("lr", 1.0),)),
    RunSettings(speed=None, max_iter=20_000, tol=1e-5),
)

# a run that goes on for minutes: a small step (with a large one the core would soon stop it as
# "stalled", when no step makes progress at machine precision)
ENDLESS = Settings(FAST.data, FAST.model, OptimizerSettings("gd", (("lr", 0.02),)),
                   RunSettings(speed=None, max_iter=10**7, tol=0.0))


@pytest.fixture
def make_window(qtbot):
    def make(settings=FAST):
        w = MainWindow(settings)
        qtbot.addWidget(w)  # closed (and its trainer joined) at teardown
        w.resize(1400, 860)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


def _k(w):
    return w.controller.run.history.latest.k


def test_opens_ready_to_train(make_window):
    w = make_window(Settings())  # the defaults a lecturer sees on launch
    c = w.controller
    assert c.problem is not None and c.view is not None
    assert len(c.run.history) == 1 and c.current_iterate.k == 0
    assert w.status_text == "paused"
    assert "moons" in w.header.text()


def test_play_until_converged(make_window, qtbot):
    w = make_window()
    c = w.controller
    w.actions["play"].trigger()
    assert c.playing
    qtbot.waitUntil(lambda: c.run.status == "converged" and not c.playing, timeout=WAIT)
    it = c.run.history.latest
    assert it.status == "converged" and it.grad_norm <= FAST.run.tol
    qtbot.waitUntil(lambda: c.shown_iterate is it and "converged" in w.status_text, timeout=WAIT)
    assert w.status_fields["k"].text() == f"k = {it.k}"
    assert c.frame.train_acc > 0.8
    # the loss curve holds every recorded iterate, all finite
    k, obj, test, _ = c.run.history.curves()
    assert k.size == len(c.run.history) and np.isfinite(obj).all() and np.isfinite(test).all()
    # Play on a converged run explains itself instead of doing nothing silently
    w.actions["play"].trigger()
    assert not c.playing
    assert "converged" in w.statusBar().currentMessage()


def test_step_and_back_show_exactly_the_recorded_iterates(make_window, qtbot):
    w = make_window()
    c = w.controller
    for n in range(1, 7):
        w.actions["step"].trigger()  # at the end of history: exactly one new iterate
        qtbot.waitUntil(lambda n=n: len(c.run.history) == n + 1 and c.shown_iterate is c.run.history.latest,
                        timeout=WAIT)
    recorded = list(c.run.history)
    assert [it.k for it in recorded] == list(range(7))
    shown = []
    c.frameChanged.connect(lambda f: shown.append(f.iterate))
    for _ in range(3):
        w.actions["back"].trigger()
    for _ in range(3):
        w.actions["step"].trigger()
    assert [it.k for it in shown] == [5, 4, 3, 4, 5, 6]
    assert all(a is recorded[a.k] for a in shown)  # the very same snapshots, not recomputed
    assert len(c.run.history) == 7  # moving inside the history computes nothing
    w.actions["first"].trigger()
    assert c.current_iterate is recorded[0] and w.timeline.value() == 0
    w.actions["last"].trigger()
    assert c.current_iterate is recorded[6]
    w.timeline.setValue(2)  # scrubbing
    assert c.current_iterate is recorded[2]
    assert w.status_fields["k"].text() == "k = 2" and w.panel_docks['loss'].item.cursor_line.value() == 2


def test_pause_mid_run(make_window, qtbot):
    w = make_window(ENDLESS)
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: _k(w) > 50, timeout=WAIT)
    t0 = time.monotonic()
    w.actions["play"].trigger()  # Space toggles: pause
    qtbot.waitUntil(lambda: not c.trainer.busy, timeout=WAIT)
    assert time.monotonic() - t0 < 0.1
    assert not c.playing
    n = len(c.run.history)
    qtbot.wait(200)
    assert len(c.run.history) == n  # nothing arrives after a pause
    qtbot.waitUntil(lambda: c.shown_iterate is c.run.history.latest and w.status_text == "paused", timeout=WAIT)


def test_reset_mid_run(make_window, qtbot):
    w = make_window(ENDLESS)
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: _k(w) > 50, timeout=WAIT)
    old = c.run
    t0 = time.monotonic()
    w.actions["reset"].trigger()
    assert time.monotonic() - t0 < 0.1
    assert c.run is not old and c.run.history[0].k == 0
    assert c.shown_iterate.k < 50 or c.shown_iterate is not old.history.latest
    n_old = len(old.history)
    qtbot.waitUntil(lambda: _k(w) > 20, timeout=WAIT)  # still playing, the new run from θ = 0
    assert len(old.history) <= n_old + 1  # the old run got at most the step in flight
    assert np.allclose(c.run.history[0].coef, 0.0)
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: not c.trainer.busy, timeout=WAIT)


def test_parameter_change_mid_run_continues_from_the_current_weights(make_window, qtbot):
    w = make_window(ENDLESS)
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: _k(w) > 50, timeout=WAIT)
    old = c.run
    t0 = time.monotonic()
    w.controls.lr.edit.setText("0.05")
    w.controls.lr.edit.editingFinished.emit()
    assert time.monotonic() - t0 < 0.1
    assert c.run is not old
    k0, label = c.run.history.marks[-1]
    assert label == "η = 0.05"
    assert k0 > 50  # the history goes on from where it was: the newest weights, renumbered on
    assert c.run.offset == k0
    assert np.allclose(c.run.history[c.run.history.index_of_k(k0)].coef, old.history[old.history.index_of_k(k0)].coef)
    qtbot.waitUntil(lambda: _k(w) > k0 + 20, timeout=WAIT)
    new = [it for it in c.run.history if it.k > k0]
    assert new and all(it.step_size == pytest.approx(0.05) for it in new)
    assert "η = 0.05" in w.header.text()
    # a penalty change continues too; with "restart on change" it starts again from zero
    w.controls.restart.setChecked(True)
    w.controls.l2.setValue(0.1)
    w.controls.l2.valueChanged.emit(0.1)
    assert c.run.offset == 0 and c.run.history.marks == []
    assert np.allclose(c.run.history[0].coef, 0.0)
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: not c.trainer.busy, timeout=WAIT)


def test_divergent_learning_rate(make_window, qtbot):
    # the cross-entropy grows at most linearly in θ: only a huge step makes it explode
    settings = Settings(FAST.data, ModelSettings(l2=0.0), OptimizerSettings("gd", (("lr", 1e6),)), FAST.run)
    w = make_window(settings)
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: c.run.status == "diverged" and not c.playing, timeout=WAIT)
    qtbot.waitUntil(lambda: "diverged" in w.status_text, timeout=WAIT)
    assert "diverged" in w.statusBar().currentMessage()
    last = c.run.history.latest
    assert last.finite and c.current_iterate is last
    k, obj, test, gn = c.run.history.curves()
    assert np.isfinite(obj).all() and np.isfinite(gn).all()
    assert np.isfinite(c.frame.grid_P).all() and np.isfinite(c.frame.z).all()
    # nothing more to do until the settings change
    w.actions["step"].trigger()
    assert len(c.run.history) == k.size


def test_close_mid_run_stops_the_trainer(make_window, qtbot):
    w = make_window(ENDLESS)
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: _k(w) > 20, timeout=WAIT)
    w.close()  # returns with the trainer stopped (no wall-clock bound: these machines are noisy)
    assert not c.trainer.isRunning()


def test_closing_while_training_exits_cleanly():
    """The real thing, in its own process: exit status 0, no QThread warning, no traceback."""
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from logit_gui.app.main_window import MainWindow
        from logit_gui.model.settings import Settings, RunSettings, DataSettings
        app = QApplication(sys.argv)
        w = MainWindow(Settings(data=DataSettings(n=2000), run=RunSettings(speed=None, max_iter=10**7, tol=0.0)))
        w.show()
        QTimer.singleShot(0, w.controller.play)
        def close():
            print("iterations", w.controller.trainer.iterations, flush=True)
            w.close()
        QTimer.singleShot(1500, close)
        sys.exit(app.exec())
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "iterations" in r.stdout and int(r.stdout.split()[-1]) > 0
    assert "QThread" not in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_display_is_coalesced_to_display_rate(make_window, qtbot):
    w = make_window(ENDLESS)
    c = w.controller
    draws0, it0 = c.draws, c.trainer.iterations
    t0 = time.monotonic()
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: c.trainer.iterations - it0 > 2000, timeout=WAIT)
    qtbot.wait(300)
    w.actions["play"].trigger()
    elapsed = time.monotonic() - t0
    draws = c.draws - draws0
    iters = c.trainer.iterations - it0
    assert draws <= 61 * elapsed + 3
    assert iters > 2 * draws  # one frame shows many iterates: the trainer is not held to the display
    assert draws >= 5  # and the panels did move


def test_keyboard_shortcuts_work_from_buttons_and_sliders_but_not_while_typing(make_window, qtbot):
    w = make_window()
    c = w.controller
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=WAIT)
    w.timeline.setFocus()
    qtbot.keyClick(w.timeline, Qt.Key_Right)  # step
    qtbot.waitUntil(lambda: len(c.run.history) == 2 and c.current_iterate.k == 1, timeout=WAIT)
    qtbot.keyClick(w.timeline, Qt.Key_Left)  # back
    assert c.current_iterate.k == 0
    qtbot.keyClick(w.timeline, Qt.Key_End)
    assert c.current_iterate.k == 1
    qtbot.keyClick(w.timeline, Qt.Key_Home)
    assert c.current_iterate.k == 0
    button = w.controls.findChild(QAbstractButton, "button_step")
    button.setFocus()
    qtbot.keyClick(button, Qt.Key_Space)  # play, although a button has focus
    assert c.playing
    qtbot.keyClick(button, Qt.Key_Space)
    assert not c.playing
    run = c.run
    qtbot.keyClick(button, Qt.Key_R)  # reset
    assert c.run is not run
    # typing in a text field: the keys are text, not commands
    run = c.run
    edit = w.controls.lr.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "0.25")
    qtbot.keyClick(edit, Qt.Key_Home)
    qtbot.keyClick(edit, Qt.Key_Right)
    qtbot.keyClick(edit, Qt.Key_Space)
    qtbot.keyClick(edit, Qt.Key_R)
    assert not c.playing and c.run is run and len(run.history) == 1
    assert edit.text().startswith("0.25") or edit.text().startswith("0")


def test_bad_csv_keeps_the_previous_data(make_window, qtbot, tmp_path):
    w = make_window()
    c = w.controller
    before = (c.problem, c.view, c.run)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,2,x\n3,oops,y\n4,5,x\n")
    with qtbot.waitSignal(w.dataDone, timeout=WAIT) as done:
        w.open_csv(str(bad))
    assert done.args == [False]
    box = w.findChild(QMessageBox, "error_box")
    assert box is not None and box.isVisible()
    assert "line 3" in box.text() and "'b'" in box.text()
    assert (c.problem, c.view, c.run) == before
    box.close()
    good = tmp_path / "good.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    good.write_text("u,v,w,label\n" + "\n".join(f"{a:.4f},{b:.4f},{d:.4f},{t}" for (a, b, d), t in zip(X, y, strict=True)))
    with qtbot.waitSignal(w.dataDone, timeout=WAIT) as done:
        w.open_csv(str(good))
    assert done.args == [True]
    assert c.problem.train.n + (c.problem.test.n if c.problem.test else 0) == 60
    assert c.view.labels[0].startswith("PC1")  # three inputs: the principal-component plane
    assert "good.csv" in w.controls.source.currentText()


def test_every_control_has_a_tooltip(make_window):
    w = make_window()
    missing = []
    for cls in (QAbstractButton, QComboBox, QAbstractSpinBox, QAbstractSlider, QLineEdit):
        for widget in w.controls.findChildren(cls):
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
                continue  # the editor inside a spin box / combo box: the box has the tip
            if isinstance(widget, QScrollBar):
                continue  # the dock's own scroll bars
            if not widget.toolTip().strip():
                missing.append(widget.objectName() or type(widget).__name__)
    assert not missing, missing
    for name in ("play", "step", "back", "first", "last", "reset", "open"):
        assert w.actions[name].toolTip()
    assert "∇J" in w.controls.lr.toolTip() and "λ₂" in w.controls.l2.toolTip()


def test_optimizer_rows_and_lipschitz_step(make_window, qtbot):
    w = make_window()
    ctl = w.controls
    ctl.method.setCurrentIndex(ctl.method.findData("gd-lipschitz"))
    assert w.controller.run.optimizer.name == "gd-lipschitz"
    assert ctl.lipschitz.isVisible() and "L = " in ctl.lipschitz.text() and "1/L" in ctl.lipschitz.text()
    assert not ctl.lr.isVisible()  # only the parameters the method uses
    ctl.method.setCurrentIndex(ctl.method.findData("adam"))
    assert ctl.lr.isVisible() and ctl.beta1.isVisible() and not ctl.memory.isVisible()
    assert not ctl.lipschitz.isVisible()
    # L1 with Newton is refused by the core: a message, and the previous run stays
    ctl.l1.setValue(0.01)
    ctl.l1.valueChanged.emit(0.01)
    ctl.method.setCurrentIndex(ctl.method.findData("newton"))
    assert w.controller.run.optimizer.name == "adam"
    assert "L1" in w.last_error
    assert ctl.method.currentData() == "adam"  # the dock shows what is actually running


def test_multiclass_and_real_data(make_window, qtbot):
    settings = Settings(
        DataSettings(source="blobs", n=240, classes=3, degree=1, test_fraction=0.0),
        ModelSettings(kind="softmax", l2=1e-3),
        OptimizerSettings("lbfgs", (("memory", 10),)),
        RunSettings(speed=None, max_iter=500, tol=1e-6),
    )
    w = make_window(settings)
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: c.run.finished and not c.playing, timeout=WAIT)
    qtbot.waitUntil(lambda: c.shown_iterate is c.run.history.latest, timeout=WAIT)
    assert c.frame.grid_P.shape[2] == 3
    assert w.panel_docks['boundary'].item.image.image.ndim == 3  # class colours blended by probability
    assert not w.panel_docks['boundary'].item.colorbar.isVisible()
    assert w.panel_docks['boundary'].item.boundary_curve.getData()[0].size > 0
    # a bundled data set with more than two features: a 2-D view of the first two PCs
    w.controls.select_source("bundled", "iris")
    qtbot.waitUntil(lambda: c.dataset.name == "iris", timeout=WAIT)
    assert c.view.labels[0].startswith("PC1")
    assert "iris" in w.header.text()
    with qtbot.waitSignal(w.dataDone, timeout=WAIT):
        w.controls.view_mode.setCurrentIndex(1)  # two chosen features instead
    assert c.view.labels == ("sepal length (cm)", "sepal width (cm)")
    # "virginica vs rest": a binary task on the same data
    pos = w.controls.positive
    with qtbot.waitSignal(w.dataDone, timeout=WAIT):
        pos.setCurrentIndex(pos.findData("virginica"))
    assert c.problem.kind == "binary" and str(c.problem.classes[1]) == "virginica"
    assert w.panel_docks['boundary'].item.colorbar.isVisible()
    assert pos.count() == 4 and pos.currentData() == "virginica"


def test_screenshot_of_the_main_window(make_window, qtbot, tmp_path):
    w = make_window()
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: c.run.finished and not c.playing, timeout=WAIT)
    qtbot.waitUntil(lambda: c.shown_iterate is c.run.history.latest, timeout=WAIT)
    path = tmp_path / "main_window.png"
    w.save_image(str(path))
    img = QImage(str(path)).convertToFormat(QImage.Format_RGB888)
    assert img.width() == w.width() and img.height() == w.height()
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    a = a[:, : 3 * img.width()].reshape(img.height(), img.width(), 3).astype(int)
    assert a.std() > 20  # not blank
    assert len(np.unique(a.reshape(-1, 3) @ [65536, 256, 1])) > 500
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    reddish = np.mean((r > 190) & (g < 150) & (b < 150))
    bluish = np.mean((b > 190) & (r < 150) & (g < 170))
    assert reddish > 0.01 and bluish > 0.01  # both ends of the probability map are on screen
    # a 2× render for slides scales text and lines with the picture
    big = w.save_image(str(tmp_path / "main_window@2x.png"), scale=2.0)
    assert big.width() == 2 * w.width()


def test_a_failing_optimizer_reaches_the_status_bar_and_the_log(make_window, qtbot):
    w = make_window()
    c = w.controller
    # the trainer process is asked for a run it cannot build: the core raises there
    from logit_gui.model.messages import StartRun

    engine = c.trainer._engine
    with c.trainer._cond:
        c.trainer._sent = engine.command(StartRun, run_id=c.run.id, key=engine._key, method="no-such-method",
                                         params={}, theta0=None, first=c.run.history[0], offset=0,
                                         max_iter=10, tol=0.0, play=True)
    qtbot.waitUntil(lambda: "no-such-method" in w.statusBar().currentMessage(), timeout=WAIT)
    assert "no-such-method" in w.last_error and not c.playing
    qtbot.waitUntil(lambda: "no-such-method" in w.log_view.toPlainText(), timeout=WAIT)
    assert "Traceback" in w.log_view.toPlainText()  # the whole story is in the log
    w.actions["reset"].trigger()  # the app goes on working
    w.actions["step"].trigger()
    qtbot.waitUntil(lambda: len(c.run.history) == 2, timeout=WAIT)


def test_a_killed_trainer_process_is_reported_and_replaced(make_window, qtbot):
    w = make_window(ENDLESS)
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: _k(w) > 50, timeout=WAIT)
    c.trainer._engine.process.kill()
    qtbot.waitUntil(lambda: "trainer process ended unexpectedly" in w.statusBar().currentMessage(), timeout=WAIT)
    assert not c.playing
    qtbot.waitUntil(lambda: "ended unexpectedly" in w.log_view.toPlainText(), timeout=WAIT)
    qtbot.waitUntil(lambda: not c.trainer.busy, timeout=WAIT)
    k = _k(w)
    w.actions["step"].trigger()  # a new process goes on from the newest iterate
    qtbot.waitUntil(lambda: _k(w) == k + 1, timeout=WAIT)
    assert c.trainer._engine.alive
    assert c.run.history.latest.objective <= c.run.history[c.run.history.index_of_k(k)].objective + 1e-12


def test_sigmoid_panel_modes(make_window, qtbot):
    w = make_window()
    c = w.controller
    for _ in range(3):
        n = len(c.run.history)
        w.actions["step"].trigger()
        qtbot.waitUntil(lambda n=n: len(c.run.history) == n + 1, timeout=WAIT)
    qtbot.waitUntil(lambda: c.shown_iterate is c.run.history.latest, timeout=WAIT)
    z = c.frame.z
    xs, ys = w.panel_docks['sigmoid'].item.on_curve[1].getData()
    assert xs.size > 0 and np.allclose(ys, 1 / (1 + np.exp(-xs)))  # each sample sits on σ(z)
    w.panel_docks['sigmoid'].option_boxes['loss'].setChecked(True)
    xs, ys = w.panel_docks['sigmoid'].item.on_curve[1].getData()
    assert np.allclose(ys, np.log1p(np.exp(-xs)))  # class 1: −log σ(z)
    xs0, ys0 = w.panel_docks['sigmoid'].item.on_curve[0].getData()
    assert np.allclose(ys0, np.log1p(np.exp(xs0)))  # class 0: −log(1 − σ(z))
    assert z.size == xs.size + xs0.size


def test_long_run_thins_the_history_while_it_is_drawn(qtbot):
    from logit_gui.app.controller import Controller

    w = MainWindow(controller=Controller(ENDLESS, history_capacity=32))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    c = w.controller
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: _k(w) > 1000 and c.draws > 10, timeout=WAIT)
    w.actions["back"].trigger()  # scrub while the history is being thinned
    w.timeline.setValue(1)
    w.actions["play"].trigger()
    qtbot.waitUntil(lambda: _k(w) > 2500, timeout=WAIT)
    w.actions["play"].trigger()
    h = c.run.history
    assert len(h) <= 32 and h[0].k == 0
    ks = [it.k for it in h]
    assert ks == sorted(ks) and ks[-1] > 2500
    assert w.timeline.maximum() <= 31


def test_hovering_the_data_panel_reads_the_probability(make_window, qtbot):
    w = make_window()
    c = w.controller
    w.actions["step"].trigger()
    qtbot.waitUntil(lambda: c.shown_iterate.k == 1, timeout=WAIT)
    plot = w.panel_docks['boundary'].item.plot
    x0, x1, y0, y1 = c.view.extent
    scene_pt = plot.vb.mapViewToScene(pg.Point((x0 + x1) / 2, (y0 + y1) / 2))
    w.panel_docks['boundary']._on_mouse((scene_pt,))
    i, j = c.view.ys.size // 2, c.view.xs.size // 2
    p = c.frame.grid_P[i - 1: i + 2, j - 1: j + 2, 1]
    text = w.panel_docks['boundary'].readout.text()
    assert "p(y = 1) = " in text
    assert p.min() - 1e-3 <= float(text.rsplit("= ", 1)[1]) <= p.max() + 1e-3


def test_a_change_at_an_earlier_iterate_branches_from_it(make_window, qtbot):
    w = make_window()
    c = w.controller
    for n in range(1, 9):
        w.actions["step"].trigger()
        qtbot.waitUntil(lambda n=n: len(c.run.history) == n + 1, timeout=WAIT)
    qtbot.waitUntil(lambda: c.shown_iterate.k == 8, timeout=WAIT)
    old = list(c.run.history)
    w.timeline.setValue(3)  # back to iterate 3
    w.controls.lr.edit.setText("0.1")
    w.controls.lr.edit.editingFinished.emit()
    h = c.run.history
    assert [it.k for it in h] == [0, 1, 2, 3]  # iterates 4..8 belonged to the old branch
    assert all(a is b for a, b in zip(list(h)[:3], old[:3], strict=True))
    assert np.allclose(h[3].coef, old[3].coef) and h.marks == [(3, "η = 0.1")]
    w.actions["step"].trigger()
    qtbot.waitUntil(lambda: len(c.run.history) == 5, timeout=WAIT)
    assert c.run.history.latest.k == 4 and c.run.history.latest.step_size == pytest.approx(0.1)


def test_an_unexpected_error_in_the_window_reaches_the_status_bar_and_the_log(make_window, qtbot):
    w = make_window()
    try:
        raise ZeroDivisionError("simulated bug in a slot")
    except ZeroDivisionError as e:
        w.report_unexpected(type(e), e, e.__traceback__)  # what sys.excepthook calls in the app
    assert "internal error: ZeroDivisionError: simulated bug in a slot" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: "simulated bug in a slot" in w.log_view.toPlainText(), timeout=WAIT)
    assert "Traceback" in w.log_view.toPlainText()
    w.actions["step"].trigger()  # and the app goes on
    qtbot.waitUntil(lambda: len(w.controller.run.history) == 2, timeout=WAIT)


def test_misclassified_samples_are_ringed_and_only_they(make_window, qtbot):
    w = make_window()
    c = w.controller
    for n in range(1, 4):
        w.actions["step"].trigger()
        qtbot.waitUntil(lambda n=n: len(c.run.history) == n + 1 and c.shown_iterate is c.run.history.latest,
                        timeout=WAIT)
    f, rings = c.frame, w.panel_docks['boundary'].item.wrong_scatter
    wrong = np.concatenate([f.train_wrong, f.test_wrong])
    assert 0 < wrong.sum() < wrong.size
    assert np.array_equal(rings.data["visible"], wrong)
    xy = np.column_stack([rings.data["x"], rings.data["y"]])[wrong]
    assert np.allclose(xy, np.vstack([c.view.train_xy[f.train_wrong], c.view.test_xy[f.test_wrong]]))
    w.panel_docks['boundary'].option_boxes['wrong'].setChecked(False)
    assert w.controller.settings.display.options('boundary', type(w.panel_docks['boundary'].options)).wrong is False
    qtbot.waitUntil(lambda: not rings.data["visible"].any(), timeout=WAIT)


def test_data_are_built_off_the_gui_thread_and_the_old_data_stay_until_then(make_window, qtbot, monkeypatch):
    """Building data (1e6 samples: seconds) must not freeze the window: the build runs in a
    thread, a busy bar and a message say so, the event loop keeps running, the old data stay
    until the new are ready; a newer change supersedes an older one."""
    import threading

    from logit_gui.model import pipeline

    w = make_window()
    c = w.controller
    old = c.dataset
    gate = threading.Event()
    real = pipeline.load_source
    threads = []

    def slow(d, cache=None):
        threads.append(threading.current_thread().name)
        gate.wait(20)  # a build that takes as long as the test wants
        return real(d, cache)

    monkeypatch.setattr(pipeline, "load_source", slow)
    w.controls.n.setValue(500)
    qtbot.waitUntil(lambda: w.build_progress.isVisible(), timeout=WAIT)
    assert "building the data set" in w.statusBar().currentMessage()
    ticks = []
    from PySide6.QtCore import QTimer

    QTimer.singleShot(10, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=WAIT)  # the event loop runs while it builds
    assert c.dataset is old  # the old data are still on screen
    w.controls.n.setValue(600)  # supersedes the build of 500
    with qtbot.waitSignal(w.dataDone, timeout=WAIT) as done:
        gate.set()
    assert done.args == [True]
    qtbot.waitUntil(lambda: c.dataset.n == 600, timeout=WAIT)
    assert not w.build_progress.isVisible()
    assert threads and all(t == "logit-gui build" for t in threads)

