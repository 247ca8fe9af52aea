"""An optimizer race: the same start for every method, one curve and path each, the table,
headless with render --compare and in the window."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from logit_gui.cli import main
from logit_gui.model import pipeline
from logit_gui.model.frames import loss, make_frame, make_view
from logit_gui.model.frames import race as race_frames
from logit_gui.model.race import parse_compare, run_race
from logit_gui.model.settings import OptimizerSettings, RunSettings, Settings


def _race(methods="gd,newton,bfgs,adam:lr=0.05", max_iter=200):
    built = pipeline.build(Settings())
    race = run_race(built.problem, parse_compare(methods), RunSettings(max_iter=max_iter, tol=1e-6))
    return built, race


def test_every_racer_starts_from_the_same_point_and_is_recorded_whole():
    built, race = _race()
    firsts = [e.history[0] for e in race.entries]
    assert all(np.array_equal(f.coef, firsts[0].coef) and f.objective == firsts[0].objective for f in firsts)
    for e in race.entries:
        assert len(e.history) == e.seconds.size and np.all(np.diff(e.seconds) >= 0)
        assert e.history.latest.k == (e.iterations_to_tol if e.status == "converged" else 200)
    newton = race.entry("newton")
    assert newton.status == "converged" and newton.iterations_to_tol < 20
    assert race.entry("adam").label == "adam lr=0.05"


def test_the_loss_panel_overlays_the_race_in_iterations_or_seconds():
    built, race = _race()
    run = pipeline.train_to(built, 10)
    view = dataclasses.replace(make_view(built.problem, grid=30), race=race)
    frame = make_frame(view, run.history.latest)
    d = loss.compute(view, run.history, frame, loss.LossOptions())
    assert [r[0] for r in d.race] == [e.label for e in race.entries]
    for (label, x, y), e in zip(d.race, race.entries, strict=True):
        assert np.array_equal(y, e.history.curves()[1]) and np.array_equal(x, e.history.curves()[0])
    s = loss.compute(view, run.history, frame, loss.LossOptions(x_axis="seconds"))
    assert s.x_label == "seconds" and np.array_equal(s.race[0][1], race.entries[0].seconds)
    table = race_frames.compute(view, run.history, frame, race_frames.RaceOptions())
    assert table.winner in ("newton", "bfgs") and len(table.rows) == 4


@pytest.mark.parametrize("text, words", [("gd", ["at least two"]), ("gd,nope", ["nope"]),
                                         ("gd,adam:lr=x", ["lr must be a number"]),
                                         ("gd,newton:lr=0.1", ["no parameter"])])
def test_bad_compare_lists_are_one_line(tmp_path, capsys, text, words):
    rc = main(["render", "--compare", text, "--out", str(tmp_path / "r.png")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1
    for w in words:
        assert w in err


def test_render_compare_draws_the_race(tmp_path, qapp):
    out = tmp_path / "race.png"
    assert main(["render", "--compare", "gd,newton,bfgs", "--panel", "loss,race", "--iterations", "80",
                 "--out", str(out)]) == 0
    assert out.stat().st_size > 20_000


def test_the_window_races_in_the_background(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from logit_gui.app.main_window import MainWindow

    w = MainWindow(Settings(run=RunSettings(speed=None, max_iter=300)),
                   store=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.controller.raceDone, timeout=60_000) as done:
        w.race([OptimizerSettings("gd", (("lr", 0.5),)), OptimizerSettings("newton", ())])
    race, error = done.args
    assert race is not None and not error
    assert w.controller.view.race is race and w.panel_docks["race"].isVisible()
    assert len(w.panel_docks["loss"].item._racers) >= 2
