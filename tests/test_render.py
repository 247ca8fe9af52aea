"""``logit-gui render`` and export: every panel in each theme, PNG scaling, SVG, PDF,
atomic writes and bad input (exit 2, one line)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from logit_gui.cli import main
from logit_gui.render.panels import panel_ids

PANEL_IDS = panel_ids()


def _image(path):
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not img.isNull(), path
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, :3]
    return a[:, :, ::-1].copy()  # BGRA → RGB


def test_the_command_line_panel_list_is_the_registry(qapp):
    """Every panel module registers one panel named after it; "all" is the app's opening set."""
    from logit_gui.render.panel import default_panels, registry

    assert sorted(registry()) == PANEL_IDS
    assert all(spec.id == pid for pid, spec in registry().items())
    assert default_panels() == ["boundary", "loss", "sigmoid"]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("panel", [*PANEL_IDS, "all"])
def test_every_panel_renders_in_each_theme(tmp_path, capsys, qapp, panel, theme):
    out = tmp_path / f"{panel}-{theme}.png"
    extra = ["--compare", "gd,newton"] if panel == "race" else []  # a race panel needs a race
    rc = main(["render", "--panel", panel, "--theme", theme, "--iterations", "20", "--out", str(out), *extra])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    assert a.shape[:2] == ((600, 800) if panel != "all" else (800, 1400))
    assert "Traceback" not in capsys.readouterr().err
    bg = np.array([255, 255, 255] if theme == "light" else [0x16, 0x18, 0x1d])
    assert np.all(a[2, 2] == bg)  # the corner is the theme's background
    # not blank: a good share of pixels differ from the background (curves, text, heatmap)
    assert np.mean(np.any(a != bg, axis=2)) > 0.02


def test_png_size_and_line_thickness_grow_with_the_scale(tmp_path, qapp):
    from logit_gui.render.theme import LIGHT

    target = np.array([int(LIGHT.train_color[i:i + 2], 16) for i in (1, 3, 5)])
    counts = {}
    for s in (1, 3):
        out = tmp_path / f"loss{s}.png"
        assert main(["render", "--panel", "loss", "--iterations", "30", "--scale", str(s), "--out", str(out)]) == 0
        a = _image(out)
        assert a.shape[:2] == (600 * s, 800 * s)
        counts[s] = np.count_nonzero(np.all(np.abs(a.astype(int) - target) < 40, axis=2))
    # the curve is 3× longer and, if its pen scales, 3× thicker: ~9× the pixels (a 1-px pen: ~3×)
    assert counts[3] > 6 * counts[1], counts


def test_svg_is_vector_paths_and_text(tmp_path, qapp):
    out = tmp_path / "fig.svg"
    assert main(["render", "--iterations", "10", "--out", str(out)]) == 0
    root = ET.parse(out).getroot()
    tags = [el.tag.rsplit("}", 1)[-1] for el in root.iter()]
    assert tags.count("path") + tags.count("polyline") > 20
    texts = [el.text or "" for el in root.iter() if el.tag.endswith("text")]
    assert any("iteration k" in t for t in texts) and any("x1" in t for t in texts)


def test_pdf_renders_a_non_blank_page(tmp_path, qapp):
    out = tmp_path / "fig.pdf"
    assert main(["render", "--iterations", "10", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 1
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(out), str(tmp_path / "page")], check=True)
        page = next(tmp_path.glob("page*.png"))
        a = _image(page)
        assert np.mean(np.any(a < 200, axis=2)) > 0.02
    else:  # no poppler: the page draws a lot (paths and text operators in its content)
        assert len(data) > 20_000


def test_given_no_data_options_render_draws_the_apps_opening_scenario(qapp, tmp_path, capsys):
    from logit_gui.model.settings import Settings
    from logit_gui.render import command

    assert main(["render", "--panel", "loss", "--iterations", "5", "--out", str(tmp_path / "a.png")]) == 0
    assert "of gd" in capsys.readouterr().out
    import argparse

    s = command.settings_for(argparse.Namespace(), None)
    assert s == Settings()


@pytest.mark.parametrize("args, words", [
    (["--out", "/no/such/folder/fig.png"], ["/no/such/folder", "does not exist"]),
    (["--out", "fig.bmp"], ["fig.bmp", "unknown image format", ".gif or .mp4"]),
    (["--out", "fig"], ["fig", "unknown image format"]),
    (["--out", "fig.png", "--panel", "nope"], ["unknown panel", "nope"]),
    (["--out", "fig.png", "--panel", "loss,nope"], ["unknown panel", "nope"]),
    (["--out", "fig.png", "--scale", "9"], ["--scale", "between 1 and 4"]),
    (["--out", "fig.png", "--size", "big"], ["--size"]),
    (["--out", ""], ["empty"]),
])
def test_bad_render_input_is_one_line_and_exit_2(tmp_path, capsys, args, words, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc = main(["render", *args])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert len(err.splitlines()) == 1 and "internal error" not in err and "Traceback" not in err
    for w in words:
        assert w in err
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


def test_a_directory_given_as_output_is_refused(tmp_path, capsys):
    rc = main(["render", "--out", str(tmp_path / "d.png") + "/"])
    assert rc == 2


def test_a_failed_export_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, qapp):
    from logit_gui.core import fileio
    from logit_gui.core.errors import OutputError

    old = tmp_path / "fig.png"
    old.write_bytes(b"old picture")

    def broken(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", broken)
    with pytest.raises(OutputError, match="no space left"):
        fileio.write_output(str(old), b"new picture" * 1000)
    assert old.read_bytes() == b"old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png"]


def test_render_never_opens_a_window_whatever_display_says(tmp_path):
    env = dict(os.environ, DISPLAY=":99", QT_QPA_PLATFORM="xcb")
    out = tmp_path / "fig.png"
    r = subprocess.run([sys.executable, "-m", "logit_gui", "render", "--iterations", "3", "--out", str(out)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 10_000


def test_a_list_of_panels_is_one_figure(tmp_path, qapp):
    out = tmp_path / "two.png"
    assert main(["render", "--panel", "loss,sigmoid", "--iterations", "5", "--out", str(out)]) == 0
    assert _image(out).shape[:2] == (800, 1400)


def test_an_unwritable_place_is_reported_before_training(capsys, tmp_path):
    """/proc takes no new files, for root too: one line naming the path, exit 2, nothing trained."""
    rc = main(["render", "--iterations", "5", "--out", "/proc/logit-gui-figure.png"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1 and "/proc/logit-gui-figure.png" in err
    assert "Traceback" not in err and "internal error" not in err
