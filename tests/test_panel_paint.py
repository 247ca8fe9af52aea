"""The paint panel (Orange's Paint Data, live): the rows it shows are the data set's as loaded
(through the split and "X vs rest"), what it can do without them, the requests that mouse
clicks, drags and right clicks on the item emit, the window applying them, and the panel
drawn in both themes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from logit_gui.model import pipeline
from logit_gui.model.frames import boundary, make_frame, make_view
from logit_gui.model.frames import paint as P
from logit_gui.model.frames.base import source_rows
from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings

WAIT = 60_000


def _scene(settings, *, wired=True, iterations=10, features=None):
    built = pipeline.build(settings)
    d = settings.data
    src = source_rows(built.source, built.dataset, d.test_fraction, d.seed) if wired else None
    view = make_view(built.problem, features, grid=40, source=src)
    run = pipeline.train_to(built, iterations)
    return built, run.history, view, make_frame(view, run.history.latest)


SPLIT = Settings(DataSettings(source="moons", n=120, seed=5, test_fraction=0.3, degree=1))


def test_source_rows_are_the_split_of_the_data_set_as_loaded():
    built = pipeline.build(SPLIT)
    src = source_rows(built.source, built.dataset, 0.3, 5)
    X, y = np.asarray(built.source.X), np.asarray(built.source.y)
    train, test = built.problem.train, built.problem.test
    # every row once, in order within each part, and each part's rows are its samples
    assert sorted(np.concatenate([src.train, src.test]).tolist()) == list(range(built.source.n))
    assert np.all(np.diff(src.train) > 0) and np.all(np.diff(src.test) > 0)
    assert np.array_equal(X[src.train], train.X) and np.array_equal(y[src.train], train.y)
    assert np.array_equal(X[src.test], test.X) and np.array_equal(y[src.test], test.y)
    # another seed is another split: the view refuses rows that are not its problem's
    other = source_rows(built.source, built.dataset, 0.3, 6)
    with pytest.raises(ValueError, match="not the problem's samples"):
        make_view(built.problem, grid=10, source=other)


@pytest.mark.parametrize("settings", [
    SPLIT,
    Settings(DataSettings(source="moons", n=90, seed=1, test_fraction=0.0)),
    Settings(DataSettings(source="blobs", classes=3, n=150, seed=2, test_fraction=0.2, degree=1, positive="1")),
], ids=["split", "no split", "1 vs rest"])
def test_the_rows_shown_are_the_data_set_as_loaded(settings):
    built, h, view, frame = _scene(settings)
    d = P.compute(view, h, frame, P.PaintOptions())
    s = d.samples
    src = built.source
    assert d.paintable and d.can_add and d.editable and d.note == ""
    assert s.n_source == src.n and s.classes == tuple(src.classes)
    # every row of the data set exactly once, at its coordinates, with its class as loaded
    assert sorted(s.rows.tolist()) == list(range(src.n))
    assert np.array_equal(s.inputs, np.asarray(src.X)[s.rows])
    assert np.array_equal(s.cls, np.asarray(src.y)[s.rows])
    assert np.array_equal(s.xy, np.asarray(src.X)[s.rows])  # the plane is the input space
    assert np.array_equal(view.source_xy[s.rows], s.xy)
    # test ▲ exactly the rows the split holds out
    held_out = set(view.source.test.tolist())
    assert [r in held_out for r in s.rows] == s.test.tolist()
    # the boundary and the probability are the data panel's
    b = boundary.compute(view, h, frame, boundary.BoundaryOptions())
    assert np.array_equal(d.boundary, b.boundary) and np.array_equal(d.image, b.image)
    # the samples are computed once per view
    assert P.compute(view, h, frame, P.PaintOptions(paint_class=1)).samples is s


def test_what_can_be_painted_without_the_rows_and_on_other_data():
    # a test split the window did not locate: add, but neither move nor delete
    built, h, view, frame = _scene(SPLIT, wired=False)
    d = P.compute(view, h, frame, P.PaintOptions(paint_class=7))
    assert d.can_add and not d.editable and "test fraction to 0" in d.note
    assert np.all(d.samples.rows == -1) and d.paint_class == 1  # clamped to the two classes
    # no split: the training set is the data set, in its order: the rows are known
    s = dataclasses.replace(SPLIT, data=dataclasses.replace(SPLIT.data, test_fraction=0.0))
    built, h, view, frame = _scene(s, wired=False)
    d = P.compute(view, h, frame, P.PaintOptions())
    assert d.editable and np.array_equal(d.samples.rows, np.arange(built.source.n))
    # "X vs rest" without its rows: the classes as loaded are not known, nothing is painted
    s = Settings(DataSettings(source="blobs", classes=3, n=90, test_fraction=0.0, degree=1, positive="2"))
    built, h, view, frame = _scene(s, wired=False)
    d = P.compute(view, h, frame, P.PaintOptions())
    assert not d.can_add and not d.editable and "not known" in d.note
    # four input features: no painting, and the panel says why
    s = Settings(DataSettings(source="iris", test_fraction=0.0, degree=1))
    built, h, view, frame = _scene(s)
    d = P.compute(view, h, frame, P.PaintOptions())
    assert not d.paintable and not d.can_add and "two input features" in d.note and "4" in d.note


# ----------------------------------------------------------------------
# the item: clicks, drags and right clicks
# ----------------------------------------------------------------------
def _item(qtbot, view, h, frame, options=None):
    import pyqtgraph as pg
    from PySide6.QtCore import Qt

    from logit_gui.render.panels.paint import PaintItem
    from logit_gui.render.theme import LIGHT

    gv = pg.GraphicsView()
    gv.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)  # as the dock does
    item = PaintItem(LIGHT)
    gv.setCentralItem(item)
    gv.resize(800, 600)
    gv.show()
    qtbot.waitExposed(gv)
    item.set_view(view)
    item.draw(h, frame, P.compute(view, h, frame, options or P.PaintOptions()))
    return gv, item


def _widget_pos(gv, item, x, y):
    from PySide6.QtCore import QPointF

    return gv.mapFromScene(item.plot.vb.mapViewToScene(QPointF(float(x), float(y))))


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
        local = QPointF(p)
        ev = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(p)), button, buttons, mods)
        QApplication.sendEvent(widget, ev)

    send(QEvent.Type.MouseButtonPress, points[0], left, left)
    for p in points[1:]:
        send(QEvent.Type.MouseMove, p, none, left)
    send(QEvent.Type.MouseButtonRelease, points[-1], left, none)


class _Click:
    """What pyqtgraph's MouseClickEvent tells a handler."""

    def __init__(self, button, scene_pos, double=False):
        self._b, self._p, self._d = button, scene_pos, double

    def button(self):
        return self._b

    def scenePos(self):  # noqa: N802 - pyqtgraph's name
        return self._p

    def double(self):
        return self._d

    def accept(self):
        pass


def _empty_spot(d, view, avoid=()):
    """A plane point far from every sample (and from the points ``avoid``), in units of the plot."""
    x0, x1, y0, y1 = view.extent
    unit = np.array([x1 - x0, y1 - y0])
    gx, gy = np.meshgrid(np.linspace(x0, x1, 30)[3:-3], np.linspace(y0, y1, 30)[3:-3])
    cand = np.column_stack([gx.ravel(), gy.ravel()])
    pts = np.vstack([d.samples.xy, np.reshape(avoid, (-1, 2))])
    far = np.min(np.linalg.norm((cand[:, None, :] - pts[None, :, :]) / unit, axis=2), axis=1)
    return cand[np.argmax(far)]


def test_a_click_adds_a_right_click_deletes_and_a_drag_moves_a_sample(qapp, qtbot, every_move):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtTest import QTest

    from logit_gui.model.requests import AddSample, DeleteSample, MoveSample

    built, h, view, frame = _scene(SPLIT)
    gv, item = _item(qtbot, view, h, frame, P.PaintOptions(paint_class=1))
    qapp.processEvents()
    d = item.data
    got, menus = [], []
    item.requested.connect(got.append)
    gv.customContextMenuRequested.connect(menus.append)
    vp = gv.viewport()
    span = np.array([view.extent[1] - view.extent[0], view.extent[3] - view.extent[2]])
    px = span / np.array([item.plot.vb.width(), item.plot.vb.height()])
    # a left click on empty ground: a sample of the chosen class there
    ex, ey = _empty_spot(d, view)
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=_widget_pos(gv, item, ex, ey))
    assert len(got) == 1 and isinstance(got[0], AddSample) and got[0].cls == 1
    assert abs(got[0].x1 - ex) < 2 * px[0] and abs(got[0].x2 - ey) < 2 * px[1]
    at = lambda x, y: _widget_pos(gv, item, x, y)  # noqa: E731
    i = 17
    sx, sy = d.samples.xy[i]
    # a drag from a sample moves its row to where it is let go
    tx, ty = ex, ey
    start, end = at(sx, sy), at(tx, ty)
    _drag(vp, [start + (end - start) * f for f in (0.0, 0.25, 0.5, 0.75, 1.0)])
    assert len(got) == 2 and isinstance(got[1], MoveSample) and got[1].index == int(d.samples.rows[i])
    assert abs(got[1].x1 - tx) < 2 * px[0] and abs(got[1].x2 - ty) < 2 * px[1]
    assert not item.drag_marker.isVisible()
    # a drag from empty ground moves nothing (and adds nothing)
    start = at(*_empty_spot(d, view, avoid=[(ex, ey)]))
    _drag(vp, [start + QPoint(12 * f, 9 * f) for f in range(4)])
    assert len(got) == 2
    # a double click adds one sample, not two on top of each other: pyqtgraph reports its first
    # click, then the double one (QTest cannot send the pair as a platform does: the view box's
    # handler is called with the two events)
    spot = item.plot.vb.mapViewToScene(QPointF(*_empty_spot(d, view, avoid=[(ex, ey)])))
    for double in (False, True):
        item.box.mouseClickEvent(_Click(Qt.MouseButton.LeftButton, spot, double))
    assert len(got) == 3 and isinstance(got[2], AddSample)
    # right clicks, sent to the window as the platform sends them (a context menu event follows):
    # on empty ground nothing is deleted and the dock's menu may open ...
    win = gv.windowHandle()
    QTest.mouseClick(win, Qt.MouseButton.RightButton, pos=gv.mapTo(gv.window(), at(ex, ey)))
    assert len(got) == 3 and len(menus) == 1
    # ... a few pixels off a sample it deletes that sample's row, and no menu pops up
    QTest.mouseClick(win, Qt.MouseButton.RightButton, pos=gv.mapTo(gv.window(), at(sx, sy) + QPoint(3, -2)))
    assert len(got) == 4 and got[3] == DeleteSample(int(d.samples.rows[i])) and len(menus) == 1
    gv.close()


def test_the_handlers_take_scene_positions_and_swapped_axes_give_input_coordinates(qapp, qtbot):
    from PySide6.QtCore import QPointF, Qt

    from logit_gui.model.requests import AddSample, MoveSample

    s = dataclasses.replace(SPLIT, data=dataclasses.replace(SPLIT.data, test_fraction=0.0))
    built, h, view, frame = _scene(s, features=(1, 0))  # the plane shows (x2, x1)
    gv, item = _item(qtbot, view, h, frame)
    d = item.data
    got = []
    item.requested.connect(got.append)
    scene = lambda x, y: item.plot.vb.mapViewToScene(QPointF(float(x), float(y)))  # noqa: E731
    item.click_at(scene(0.25, -0.5), Qt.MouseButton.LeftButton)
    assert isinstance(got[0], AddSample)
    assert got[0].x1 == pytest.approx(-0.5, abs=1e-9) and got[0].x2 == pytest.approx(0.25, abs=1e-9)
    i = 3
    r = int(d.samples.rows[i])
    assert np.array_equal(d.samples.inputs[i][::-1], d.samples.xy[i])
    assert item.drag_start(scene(*d.samples.xy[i]))
    item.drag_move(scene(0.0, 0.0))
    assert item.drag_marker.isVisible() and item.drag_line.isVisible()
    item.drag_end(scene(1.0, 0.5))
    assert got[1] == MoveSample(r, pytest.approx(0.5, abs=1e-9), pytest.approx(1.0, abs=1e-9))
    assert not item.drag_start(scene(*_empty_spot(d, view)))
    gv.close()


def test_without_the_rows_a_click_adds_but_nothing_is_moved_or_deleted(qapp, qtbot):
    from PySide6.QtCore import QPointF, Qt

    built, h, view, frame = _scene(SPLIT, wired=False)
    gv, item = _item(qtbot, view, h, frame)
    d = item.data
    got = []
    item.requested.connect(got.append)
    on_sample = item.plot.vb.mapViewToScene(QPointF(*d.samples.xy[0]))
    assert item.sample_at(on_sample) is None and not item.drag_start(on_sample)
    item.click_at(on_sample, Qt.MouseButton.RightButton)
    assert got == []
    item.click_at(on_sample, Qt.MouseButton.LeftButton)
    assert len(got) == 1
    assert "test fraction" in item.legend.text
    gv.close()


# ----------------------------------------------------------------------
# the window applies what the panel asks
# ----------------------------------------------------------------------
@pytest.fixture
def window(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from logit_gui.app.main_window import MainWindow

    store = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)

    def make(settings):
        w = MainWindow(settings, store=store)
        qtbot.addWidget(w)
        w.resize(1280, 720)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


def _settings(test_fraction):
    return Settings(DataSettings(source="moons", n=120, degree=2, seed=3, test_fraction=test_fraction),
                    ModelSettings(l2=1e-2), OptimizerSettings("gd", (("lr", 1.0),)),
                    RunSettings(speed=None, max_iter=20_000, tol=1e-5))


def _paint_dock(w, qtbot):
    dock = w.panel_docks["paint"]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: dock.item.data is not None and dock.item.view is w.controller.view, timeout=WAIT)
    return dock, dock.item


def test_the_window_paints_moves_and_deletes_what_the_panel_asks(window, qtbot):
    from PySide6.QtCore import QPointF, Qt

    w = window(_settings(0.0))
    c = w.controller
    for _ in range(3):
        w.actions["step"].trigger()
    qtbot.waitUntil(lambda: len(c.run.history) == 4, timeout=WAIT)
    shown = c.shown_iterate
    dock, item = _paint_dock(w, qtbot)
    w.panel_docks["paint"].set_options(P.PaintOptions(paint_class=1))
    dock.options = P.PaintOptions(paint_class=1)
    w._redraw_dock(dock)
    scene = lambda x, y: item.plot.vb.mapViewToScene(QPointF(float(x), float(y)))  # noqa: E731
    n = c.source_dataset.n
    # click: the data set as loaded gets the sample, the run continues from the weights on screen
    ex, ey = _empty_spot(item.data, c.view)
    item.click_at(scene(ex, ey), Qt.MouseButton.LeftButton)
    src = c.source_dataset
    assert src.n == n + 1 and int(src.y[-1]) == 1 and c.settings.data.source == "painted"
    assert np.allclose(src.X[-1], (ex, ey), atol=1e-3 * (c.view.extent[1] - c.view.extent[0]))
    assert np.array_equal(c.run.history[0].coef, shown.coef)
    # the panel now shows the edited data (the new view), the new sample among them
    qtbot.waitUntil(lambda: item.view is c.view and item.data.samples.n_source == n + 1, timeout=WAIT)
    # drag a sample: its row moves
    i = 5
    d = item.data
    row = int(d.samples.rows[i])
    before = np.array(c.source_dataset.X)
    assert item.drag_start(scene(*d.samples.xy[i]))
    item.drag_end(scene(0.1, 0.2))
    after = np.asarray(c.source_dataset.X)
    assert np.allclose(after[row], (0.1, 0.2), atol=1e-3)
    assert np.array_equal(np.delete(after, row, axis=0), np.delete(before, row, axis=0))
    # right click on a sample: its row goes
    qtbot.waitUntil(lambda: item.view is c.view, timeout=WAIT)
    d = item.data
    row = int(d.samples.rows[0])
    before = np.array(c.source_dataset.X)
    item.click_at(scene(*d.samples.xy[0]), Qt.MouseButton.RightButton)
    assert np.array_equal(np.asarray(c.source_dataset.X), np.delete(before, row, axis=0))
    w.close()


def test_with_a_test_split_the_rows_the_panel_names_are_the_rows_the_window_edits(window, qtbot):
    """The view the window makes today has no rows when there is a test split (it does not pass
    them to make_view): the panel then only adds. Given the rows (source_rows, as the window
    would pass them), a move and a delete reach exactly the row under the mouse."""
    from PySide6.QtCore import QPointF, Qt

    w = window(_settings(0.25))
    c = w.controller
    dock, item = _paint_dock(w, qtbot)
    d = item.data
    if c.view.source is None:
        assert d.can_add and not d.editable
    d_set = c.settings.data
    src = source_rows(c.source_dataset, c.dataset, d_set.test_fraction, d_set.seed)
    view = make_view(c.problem, d_set.view_features, grid=40, source=src)
    frame = make_frame(view, c.shown_iterate)
    item.set_view(view)
    item.draw(c.run.history, frame, P.compute(view, c.run.history, frame, P.PaintOptions()))
    d = item.data
    test_idx = int(np.flatnonzero(d.samples.test)[0])  # a held-out sample: its row is not a training row
    row = int(d.samples.rows[test_idx])
    target = tuple(np.asarray(c.source_dataset.X)[row])
    scene = lambda x, y: item.plot.vb.mapViewToScene(QPointF(float(x), float(y)))  # noqa: E731
    before = np.array(c.source_dataset.X)
    assert item.drag_start(scene(*d.samples.xy[test_idx]))
    item.drag_end(scene(target[0] + 0.3, target[1] - 0.2))
    after = np.asarray(c.source_dataset.X)
    assert np.allclose(after[row], (target[0] + 0.3, target[1] - 0.2), atol=1e-3)
    assert np.array_equal(np.delete(after, row, axis=0), np.delete(before, row, axis=0))
    w.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("extra", [[], ["--dataset", "blobs", "--classes", "3", "--test-fraction", "0"],
                                   ["--dataset", "iris"]])
def test_renders_in_each_theme(tmp_path, capsys, qapp, theme, extra):
    from PySide6.QtGui import QImage

    from logit_gui.cli import main
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"paint-{theme}.png"
    args = ["render", "--panel", "paint", "--theme", theme, "--iterations", "20", "--out", str(out), *extra]
    assert main(args) == 0, capsys.readouterr().err
    img = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, 2::-1]
    assert a.shape[:2] == (600, 800)
    t = get_theme(theme)
    bg = np.array([int(t.background[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.all(a[2, 2] == bg)
    assert np.mean(np.any(a != bg, axis=2)) > 0.4  # the probability map fills the plot
    # every class's markers are there, in the class colour
    K = 3 if extra else 2
    for k in range(K):
        c = np.array([int(t.class_color(k)[i:i + 2], 16) for i in (1, 3, 5)])
        assert np.sum(np.all(np.abs(a.astype(int) - c) < 6, axis=2)) > 200, k
