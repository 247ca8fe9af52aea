"""The hands-on panel (drag the 1-D model's w and b): its compute function against independent
computations (the logit along the line from input points through the core's feature map, J
from the features with NumPy and equal to the objective at the dragged weights, each
sample's cross-entropy from its probability), the handles dragged with the mouse and by
their handlers (the request emitted, J shown while dragging), the window training from the
weights set by hand, and the panel drawn in both themes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import log_expit

from logit_gui.core.objective import predict_proba
from logit_gui.model import pipeline
from logit_gui.model.frames import handson as H
from logit_gui.model.frames import make_frame, make_view
from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings

WAIT = 60_000


def _scene(settings=None, iterations=25):
    settings = settings or Settings(DataSettings(n=200), run=RunSettings(max_iter=1000))
    built = pipeline.build(settings)
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=20)
    return built, run.history, view, make_frame(view, run.history.latest)


def _J_by_hand(problem, coef, intercept) -> float:
    """The objective from its definition: the weighted mean of log(1 + e^z) − y z, plus the penalties."""
    obj = problem.objective
    X = problem.features(problem.train.X)
    z = X @ np.asarray(coef)[0] + np.asarray(intercept)[0]
    y = (np.asarray(problem.train.y) == 1).astype(float)
    s = np.asarray(obj.sample_weight, dtype=float)
    ce = np.logaddexp(0.0, z) - y * z
    w = np.asarray(coef)[0]
    return float(s @ ce / s.sum() + 0.5 * obj.l2 * w @ w + obj.l1 * np.abs(w).sum())


SETTINGS = {
    "cubic moons": Settings(DataSettings(n=200), run=RunSettings(max_iter=1000)),
    "raw units, l1": Settings(DataSettings(source="linear", n=150, degree=1, standardize=False),
                              ModelSettings(l2=0.0, l1=1e-2), OptimizerSettings("gd", (("lr", 0.5),))),
    "breast cancer, balanced": Settings(DataSettings(source="breast-cancer", degree=1),
                                        ModelSettings(class_weight="balanced", l2=1e-2),
                                        OptimizerSettings("lbfgs", ())),
}


@pytest.mark.parametrize("name", SETTINGS)
@pytest.mark.parametrize("feature", [0, 1, 2])
def test_the_logit_along_the_line_is_S_x_plus_C(name, feature):
    built, h, view, frame = _scene(SETTINGS[name])
    d = H.compute(view, h, frame, H.HandsOnOptions(feature=feature))
    it = frame.iterate
    problem = built.problem
    assert d.binary and np.array_equal(d.coef, it.coef) and np.array_equal(d.intercept, it.intercept)
    x = np.linspace(*d.x_range, 7)
    if feature >= 1 and problem.feature_map.degree == 1:
        # input points: feature j at x (input units), every other input at its training mean
        X = np.repeat(np.asarray(problem.train.X).mean(axis=0)[None, :], x.size, axis=0)
        X[:, feature - 1] = x
        z = (problem.features(X) @ it.coef[0]) + it.intercept[0]
        assert np.allclose(z, d.S * x + d.C, rtol=1e-9, atol=1e-9)
        assert np.allclose(d.line.x, np.asarray(problem.train.X)[d.line.rows, feature - 1], rtol=1e-12, atol=1e-12)
    # the points of feature space on the line, from its definition
    L = d.line
    t = (x - L.beta) / L.alpha
    Phi = L.mean + (t - L.u @ L.mean)[:, None] * L.u
    assert np.allclose(Phi @ L.u * L.alpha + L.beta, x)
    assert np.allclose(Phi @ it.coef[0] + it.intercept[0], d.S * x + d.C, rtol=1e-9, atol=1e-9)
    # the curves are σ and −log σ of that logit
    zc = d.S * d.curve_x + d.C
    assert np.allclose(d.curve_p, 1.0 / (1.0 + np.exp(-zc)), rtol=1e-12)
    assert np.allclose(d.curve_loss1, np.logaddexp(0.0, -zc), rtol=1e-12)
    assert np.allclose(d.curve_loss0, np.logaddexp(0.0, zc), rtol=1e-12)


@pytest.mark.parametrize("name", SETTINGS)
@pytest.mark.parametrize("feature", [0, 1, 2])
def test_dragged_weights_give_the_objective_there(name, feature):
    built, h, view, frame = _scene(SETTINGS[name])
    problem, obj = built.problem, built.problem.objective
    d = H.compute(view, h, frame, H.HandsOnOptions(feature=feature))
    assert d.J == obj.value(obj.join(frame.iterate.coef, frame.iterate.intercept))
    assert d.J == pytest.approx(frame.iterate.objective, rel=1e-12)
    for S, C in ((2.5, -0.7), (-1.0, 0.3), (0.0, 1.2), (d.S * 3, d.C - 1)):
        coef, b = H.weights_for(d.line, d.coef, d.intercept, S, C, obj.fit_intercept)
        assert np.allclose(H.slope_intercept(d.line, coef, b), (S, C), rtol=1e-9, atol=1e-9)
        change = coef[0] - d.coef[0]
        if feature >= 1:  # only the chosen coefficient (and b)
            assert np.count_nonzero(change) <= 1 and np.all(np.delete(change, feature - 1) == 0)
        else:  # along the principal direction only
            assert np.allclose(change, (change @ d.line.u) * d.line.u, atol=1e-12)
        dragged = H.at_weights(view, d.line, coef, b)
        assert dragged.J == obj.value(obj.join(coef, b))  # the objective's own value ...
        assert dragged.J == pytest.approx(_J_by_hand(problem, coef, b), rel=1e-10)  # ... by its definition
        # each drawn sample's cross-entropy is −log of the probability the model gives its class
        X = problem.features(np.asarray(problem.train.X)[d.line.rows])
        P = predict_proba("binary", coef, b, X)
        y = d.line.y
        p_true = P[np.arange(y.size), y]
        ok = p_true > 1e-6  # there 1 − σ keeps its digits
        assert np.allclose(dragged.sample_loss[ok], -np.log(p_true[ok]), rtol=1e-9, atol=1e-12)
        z = X @ coef[0] + b[0]  # and everywhere, SciPy's log σ
        assert np.allclose(dragged.sample_loss, -log_expit(np.where(y == 1, z, -z)), rtol=1e-12, atol=1e-15)


def test_the_handles_sit_on_the_curve_and_the_drag_rules():
    built, h, view, frame = _scene()
    d = H.compute(view, h, frame, H.HandsOnOptions(feature=1))
    (x0, z0), (x1, z1) = d.mid, d.slope
    assert z0 == pytest.approx(d.S * x0 + d.C) and z1 == pytest.approx(d.S * x1 + d.C)
    assert abs(z0) < 1e-9  # the crossing is in view: the midpoint handle is at p = ½, x = −C/S
    # moving the midpoint handle along p = ½ puts the crossing there, the slope kept
    S, C = H.move_curve(d.S, 0.3, 0.5)
    assert S == d.S and -C / S == pytest.approx(0.3)
    # turning about the midpoint: the curve passes through both handles
    S, C = H.turn_curve((x0, z0), x1, 0.9)
    assert S * x0 + C == pytest.approx(z0, abs=1e-12) and S * x1 + C == pytest.approx(np.log(9.0))
    # at θ = 0 (a flat curve) the handles still exist and the slope handle makes a slope
    flat = H.at_weights(view, d.line, np.zeros_like(d.coef), np.zeros(1))
    assert flat.S == 0 and flat.J == pytest.approx(np.log(2.0) + 0.0)
    S, C = H.turn_curve(flat.mid, flat.slope[0], 0.8)
    assert S * (flat.slope[0] - flat.mid[0]) == pytest.approx(np.log(4.0))


def test_many_classes_say_it_is_a_binary_view_and_no_intercept_keeps_b_zero():
    s = Settings(DataSettings(source="blobs", classes=3, n=150, degree=1, test_fraction=0.0))
    built, h, view, frame = _scene(s)
    d = H.compute(view, h, frame, H.HandsOnOptions())
    assert not d.binary and "binary" in d.note and d.line is None
    s = Settings(DataSettings(n=150, degree=1), ModelSettings(fit_intercept=False))
    built, h, view, frame = _scene(s)
    d = H.compute(view, h, frame, H.HandsOnOptions(feature=2))
    coef, b = H.weights_for(d.line, d.coef, d.intercept, 3.0, 1.0, fit_intercept=False)
    assert b[0] == 0.0 and "intercept" in d.note
    moved = H.at_weights(view, d.line, coef, b)
    assert moved.S == pytest.approx(3.0)  # the slope is set; C is what b = 0 gives


# ----------------------------------------------------------------------
# the item: handles dragged
# ----------------------------------------------------------------------
def _item(qtbot, view, h, frame, options=None):
    import pyqtgraph as pg

    from logit_gui.render.panels.handson import HandsOnItem
    from logit_gui.render.theme import LIGHT

    gv = pg.GraphicsView()
    item = HandsOnItem(LIGHT)
    gv.setCentralItem(item)
    gv.resize(800, 600)
    gv.show()
    qtbot.waitExposed(gv)
    item.set_view(view)
    item.draw(h, frame, H.compute(view, h, frame, options or H.HandsOnOptions(feature=1)))
    return gv, item


def _scene_pos(item, x, p):
    from PySide6.QtCore import QPointF

    return item.sig_plot.vb.mapViewToScene(QPointF(x, p))


@pytest.fixture
def every_move():
    """pyqtgraph drops mouse moves closer than 10 ms (its ``mouseRateLimit``): synthetic moves come
    faster than that, so each would depend on the clock. Off for the test, as it was after."""
    import pyqtgraph as pg

    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", old)


def _drag(widget, points) -> None:
    """Press the left button at the first point, move through the others with it held, release at
    the last: mouse events sent to ``widget`` as Qt delivers them (the button held in every move)."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    left, none, mods = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier

    def send(kind, p, button, buttons):
        ev = QMouseEvent(kind, QPointF(p), QPointF(widget.mapToGlobal(p)), button, buttons, mods)
        QApplication.sendEvent(widget, ev)

    send(QEvent.Type.MouseButtonPress, points[0], left, left)
    for p in points[1:]:
        send(QEvent.Type.MouseMove, p, none, left)
    send(QEvent.Type.MouseButtonRelease, points[-1], left, none)


def test_dragging_the_midpoint_handle_with_the_mouse_asks_to_train_from_the_new_crossing(qapp, qtbot, every_move):
    from logit_gui.model.requests import RestartFrom

    built, h, view, frame = _scene()
    gv, item = _item(qtbot, view, h, frame)
    qapp.processEvents()
    d = item.data
    got = []
    item.requested.connect(got.append)
    start = gv.mapFromScene(_scene_pos(item, d.mid[0], 0.5))
    lo, hi = d.x_range
    target_x = lo + 0.25 * (hi - lo)
    end = gv.mapFromScene(_scene_pos(item, target_x, 0.5))
    _drag(gv.viewport(), [start + (end - start) * f for f in (0.0, 0.2, 0.5, 0.8, 1.0)])
    qapp.processEvents()
    assert len(got) == 1 and isinstance(got[0], RestartFrom)
    req = got[0]
    S, C = H.slope_intercept(d.line, req.coef, req.intercept)
    assert S == pytest.approx(d.S, rel=1e-9)  # the slope kept
    px = (hi - lo) / item.sig_plot.vb.width()
    assert abs(-C / S - target_x) < 3 * px  # the crossing where the handle was let go
    change = req.coef[0] - frame.iterate.coef[0]
    assert np.all(np.delete(change, 0) == 0)  # only w₁ (here unchanged) and b
    assert req.intercept[0] != frame.iterate.intercept[0]
    # nobody trained from it: the shown iterate is drawn again
    assert item.data is item.latest
    gv.close()


def test_while_dragging_the_slope_handle_the_curve_and_J_follow_and_release_asks_once(qapp, qtbot):
    from logit_gui.model.requests import RestartFrom

    built, h, view, frame = _scene()
    obj = built.problem.objective
    gv, item = _item(qtbot, view, h, frame)
    d = item.data
    got = []
    item.requested.connect(got.append)
    item.drag_start("slope", _scene_pos(item, d.slope[0], float(1 / (1 + np.exp(-d.slope[1])))))
    for p in (0.7, 0.9, 0.97):
        item.drag_to(_scene_pos(item, d.slope[0], p))
        shown = item.data
        assert not got  # nothing asked while dragging
        assert shown is not item.latest
        # the curve passes through the held handle, turning about the midpoint handle
        assert shown.S * d.slope[0] + shown.C == pytest.approx(np.log(p / (1 - p)), abs=1e-6)
        assert shown.S * d.mid[0] + shown.C == pytest.approx(d.mid[1], abs=1e-9)
        # J shown for the dragged weights, as the objective computes it
        assert shown.J == obj.value(obj.join(shown.coef, shown.intercept))
        assert f"{shown.J:.5g}".replace("-", "−") in item.info.text
        assert "release" in item.info.text
        handle = item.slope_handle.pos()
        assert handle.y() == pytest.approx(p, abs=1e-6)
    # a new frame while dragging does not take the dragged curve away
    item.draw(h, frame, H.compute(view, h, frame, H.HandsOnOptions(feature=1)))
    assert item.data is shown
    item.drag_to(_scene_pos(item, d.slope[0], 0.97), finish=True)
    assert len(got) == 1 and isinstance(got[0], RestartFrom)
    assert np.allclose(got[0].coef, shown.coef) and np.allclose(got[0].intercept, shown.intercept)
    assert item.data is item.latest and "release" not in item.info.text
    gv.close()


def test_the_window_trains_from_the_weights_set_by_hand(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from logit_gui.app.main_window import MainWindow

    store = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    s = Settings(DataSettings(source="moons", n=160, degree=1, seed=3), ModelSettings(l2=1e-2),
                 OptimizerSettings("gd", (("lr", 1.0),)), RunSettings(speed=None, max_iter=20_000, tol=1e-5))
    w = MainWindow(s, store=store)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    c = w.controller
    for _ in range(3):
        w.actions["step"].trigger()
    qtbot.waitUntil(lambda: len(c.run.history) == 4, timeout=WAIT)
    dock = w.panel_docks["handson"]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: dock.item.data is not None and dock.item.data.binary, timeout=WAIT)
    item = dock.item
    d = item.data
    item.drag_start("slope", _scene_pos(item, d.slope[0], float(1 / (1 + np.exp(-d.slope[1])))))
    item.drag_to(_scene_pos(item, d.slope[0], 0.95))
    want = item.data
    item.drag_to(_scene_pos(item, d.slope[0], 0.95), finish=True)
    # the run starts again from the weights on the handles
    first = c.run.history[0]
    assert np.allclose(first.coef, want.coef) and np.allclose(first.intercept, want.intercept)
    assert first.objective == pytest.approx(want.J, rel=1e-12)
    assert item.latest.J == pytest.approx(want.J, rel=1e-12)
    w.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("extra", [[], ["--dataset", "breast-cancer", "--standardize"],
                                   ["--dataset", "iris"]])
def test_renders_in_each_theme(tmp_path, capsys, qapp, theme, extra):
    from PySide6.QtGui import QImage

    from logit_gui.cli import main
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"handson-{theme}.png"
    args = ["render", "--panel", "handson", "--theme", theme, "--iterations", "20", "--out", str(out), *extra]
    assert main(args) == 0, capsys.readouterr().err
    img = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, 2::-1]
    assert a.shape[:2] == (600, 800)
    t = get_theme(theme)
    bg = np.array([int(t.background[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.all(a[2, 2] == bg)
    handle = np.array([int(t.handle_color[i:i + 2], 16) for i in (1, 3, 5)])
    near = np.sum(np.all(np.abs(a.astype(int) - handle) < 10, axis=2))
    if "iris" in extra:  # three classes: no 1-D binary model, no handles
        assert near == 0
    else:
        assert near > 100  # the two handles
        assert np.mean(np.any(a != bg, axis=2)) > 0.05
