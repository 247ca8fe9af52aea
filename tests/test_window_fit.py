"""The window on a 1280 × 720 projector, its panel docks, the View menu and the layout
that persists between launches."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings  # noqa: E402

from logit_gui.app.main_window import MainWindow  # noqa: E402
from logit_gui.model.settings import DataSettings, ModelSettings, RunSettings, Settings  # noqa: E402
from logit_gui.render.panel import registry  # noqa: E402

CASES = {
    "moons": Settings(),
    "digits, 10 classes": Settings(DataSettings(source="digits", degree=1, test_fraction=0.2)),
    "digits, 9 vs rest, balanced": Settings(DataSettings(source="digits", degree=1, positive="9"),
                                            ModelSettings(class_weight="balanced")),
    "wine, 3 classes": Settings(DataSettings(source="wine", degree=1)),
}


@pytest.fixture
def store(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.mark.parametrize("name", list(CASES))
def test_the_window_fits_a_1280_by_720_projector(qtbot, store, name):
    w = MainWindow(CASES[name], store=store)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    hint = w.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, (name, hint)
    assert w.width() <= 1280 and w.height() <= 720
    # every panel the window opens with is on screen, inside the window, and no panel's plot
    # is wider than its dock; the others wait (View menu)
    for pid, dock in w.panel_docks.items():
        assert dock.isVisible() == dock.spec.default, pid
        if not dock.spec.default:
            continue
        g = dock.graphics
        assert g.width() > 150 and g.height() > 100, (pid, g.size())
        item = dock.item
        assert item.geometry().width() <= g.width() + 1, (pid, item.geometry(), g.size())
    # the legend wraps rather than widening the data panel
    legend = w.panel_docks["boundary"].item.legend
    assert legend.geometry().width() <= w.panel_docks["boundary"].graphics.width()


def test_view_menu_lists_every_registered_panel_and_hides_it(qtbot, store):
    w = MainWindow(CASES["moons"], store=store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    menu = w.menuBar().findChild(type(w.menuBar().actions()[0].menu()), "menu_view")
    titles = [a.text() for a in menu.actions()]
    for spec in registry().values():
        assert spec.title in titles
    dock = w.panel_docks["loss"]
    dock.toggleViewAction().trigger()
    assert not dock.isVisible()


def test_the_layout_persists_and_can_be_reset(qtbot, store):
    w = MainWindow(CASES["moons"], store=store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.panel_docks["sigmoid"].toggleViewAction().trigger()
    w.set_theme("dark")
    w.close()
    w2 = MainWindow(CASES["moons"], store=store)
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitExposed(w2)
    assert not w2.panel_docks["sigmoid"].isVisible()
    assert w2.controller.settings.display.theme == "dark"
    assert w2.panel_docks["loss"].item.theme.name == "dark"
    w2.reset_layout()
    assert w2.panel_docks["sigmoid"].isVisible()


def test_presentation_scales_every_panel(qtbot, store):
    w = MainWindow(CASES["moons"], store=store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    before = w.panel_docks["loss"].item.theme.scale
    w.actions["presentation"].trigger()
    assert w.controller.settings.display.presentation
    assert all(d.item.theme.scale == pytest.approx(1.75 * before) for d in w.panel_docks.values())


def test_export_from_the_window_writes_what_render_would(qtbot, store, tmp_path):
    from logit_gui.app.export_dialog import ExportChoice, export_panels

    w = MainWindow(CASES["moons"], store=store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    c = w.controller
    qtbot.waitUntil(lambda: c.frame is not None, timeout=10_000)
    for ext in ("png", "svg", "pdf"):
        out = tmp_path / f"all.{ext}"
        export_panels(ExportChoice(("boundary", "loss", "sigmoid"), str(out), 2.0, "dark"),
                      c.view, c.run.history, c.frame, c.settings.display)
        assert out.stat().st_size > 5_000


def test_the_icon_is_found_and_every_package_is_installed():
    """The icon lives in the top-level assets/; pyproject lists every package explicitly
    (assets/ is mapped to logit_gui._assets), so a new subpackage must be listed too."""
    import tomllib
    from pathlib import Path

    from logit_gui.app import icon_path

    assert icon_path() is not None and icon_path().endswith("logit-gui.png")
    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "logit_gui").rglob("__init__.py")}
    assert found <= listed, found - listed


def test_a_shared_option_moves_every_panel_that_has_it(qtbot, store):
    """The threshold is one value for all panels: setting it in one sets it in the others."""
    from dataclasses import dataclass, field

    from logit_gui.model.requests import SetThreshold

    w = MainWindow(CASES["moons"], store=store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)

    @dataclass(frozen=True)
    class WithThreshold:
        threshold: float = field(default=0.5, metadata={"range": (0.0, 1.0), "step": 0.01})

    w._on_panel_request(SetThreshold(0.3))
    assert w.controller.settings.display.threshold == 0.3
    assert w.controller.settings.display.options("anything", WithThreshold).threshold == 0.3


def test_a_panel_can_ask_to_restart_from_a_point(qtbot, store):
    import numpy as np

    from logit_gui.model.requests import RestartFrom

    w = MainWindow(CASES["moons"], store=store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    c = w.controller
    obj = c.problem.objective
    coef = np.full((obj.m, obj.d), 0.25)
    w.panel_docks["boundary"].item.requested.emit(RestartFrom(coef, np.array([0.5])))
    qtbot.waitUntil(lambda: c.run.history[0].coef[0, 0] == 0.25, timeout=10_000)
    assert len(c.run.history) == 1 and c.run.history[0].intercept[0] == 0.5


def test_presentation_mode_is_full_screen_classroom_and_leaving_restores(qtbot, store):
    from PySide6.QtCore import Qt

    w = MainWindow(CASES["moons"], store=store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    def layout():
        docks = [*w.panel_docks.values(), w.settings_dock, w.log_dock]
        return [(d.objectName(), d.isVisible(), w.dockWidgetArea(d), d.isFloating()) for d in docks]

    before = layout()
    w.actions["presentation_mode"].trigger()
    assert w.isFullScreen()
    assert w.controller.settings.display.presentation
    assert not w.controls.groups["model"].isVisible() and w.controls.groups["optimizer"].isVisible()
    assert all(d.item.theme.scale > 1.5 for d in w.panel_docks.values())
    c = w.controller
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=10_000)
    qtbot.keyClick(w, Qt.Key_Space)  # the keys still work
    assert c.playing
    qtbot.keyClick(w, Qt.Key_Space)
    qtbot.keyClick(w, Qt.Key_Escape)
    assert not w.isFullScreen() and not w.actions["presentation_mode"].isChecked()
    assert not w.controller.settings.display.presentation
    assert w.controls.groups["model"].isVisible()
    assert layout() == before


@pytest.mark.parametrize("name", ["digits, 10 classes", "digits, 9 vs rest, balanced"])
def test_with_every_panel_shown_the_window_still_fits(qtbot, store, name):
    """Option bars wrap instead of widening their docks: all panels shown (tabbed where the
    layout puts them), the window's minimum size still fits 1280 × 720."""
    w = MainWindow(CASES[name], store=store)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    for dock in w.panel_docks.values():
        dock.show()
    qtbot.wait(50)
    hint = w.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
