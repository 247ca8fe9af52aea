"""Animations (issue 10): the frame plan, GIF and MP4 read back with imageio, cancel and
failure leave nothing behind, bad input is one line and exit 2, the app's dialog and
its progress dialog with Cancel, the history CSV and model JSON actions."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import subprocess
import sys

import numpy as np
import pytest

from logit_gui.cli import main
from logit_gui.render.animate import (
    MAX_FRAMES,
    AnimationError,
    FrameRange,
    parse_frames,
    plan_frames,
)

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SMALL = ["--size", "320x240"]


def _gif_frames(path):
    import imageio.v3 as iio

    return iio.imread(path, index=None, extension=".gif")


def _mp4_frames(path):
    import imageio.v2 as iio2

    reader = iio2.get_reader(str(path), format="FFMPEG")
    try:
        meta = reader.get_meta_data()
        frames = [f for f in reader]
    finally:
        reader.close()
    return meta, frames


# ----------------------------------------------------------------------
# the plan (Qt-free)
# ----------------------------------------------------------------------
@pytest.mark.parametrize("text, want", [
    ("0:200:5", FrameRange(0, 200, 5)),
    ("10:20", FrameRange(10, 20, 1)),
    (":50", FrameRange(None, 50, 1)),
    ("5:", FrameRange(5, None, 1)),
    (" 0 : 10 : 2 ", FrameRange(0, 10, 2)),
    ("::3", FrameRange(None, None, 3)),
])
def test_frames_parse(text, want):
    assert parse_frames(text) == want


@pytest.mark.parametrize("text, words", [
    ("5", ["A:B"]), ("a:b", ["A:B", "'a:b'"]), ("0:10:0", ["STEP", "at least 1"]), ("10:5", ["after"]),
    ("-1:5", ["0 or more"]), ("0:1:2:3", ["A:B"]), ("0:1.5", ["A:B"]),
])
def test_malformed_frames_say_what(text, words):
    with pytest.raises(AnimationError) as e:
        parse_frames(text)
    for w in words:
        assert w in str(e.value)


def test_the_plan_takes_every_step_and_includes_the_end():
    ks = np.arange(0, 101)
    p = plan_frames(ks, FrameRange(0, 100, 10))
    assert p.ks == tuple(range(0, 101, 10)) and p.indices == p.ks and p.n == 11 and not p.clamped
    p = plan_frames(ks, FrameRange(3, 20, 7))
    assert p.ks == (3, 10, 17)
    p = plan_frames(ks, FrameRange(None, None, 1))
    assert p.n == 101


def test_the_plan_over_a_thinned_history_shows_the_entry_at_or_before_each_k_once():
    ks = np.array([0, 2, 4, 8, 16, 17, 18, 19, 20])
    p = plan_frames(ks, FrameRange(0, 20, 1))
    assert p.ks == (0, 2, 4, 8, 16, 17, 18, 19, 20)
    assert p.indices == tuple(range(9))


def test_a_run_that_stopped_early_is_animated_to_its_end_and_a_start_after_it_is_refused():
    ks = np.arange(0, 31)
    p = plan_frames(ks, FrameRange(0, 100, 5))
    assert p.clamped and p.stop == 30 and p.asked_stop == 100 and p.ks[-1] == 30
    with pytest.raises(AnimationError, match="iterations 0 to 30, none from 40"):
        plan_frames(ks, FrameRange(40, 100, 1))


def test_the_plan_is_capped_and_the_message_gives_a_step_that_fits():
    ks = np.arange(0, 5001)
    with pytest.raises(AnimationError) as e:
        plan_frames(ks, FrameRange(0, 5000, 1))
    msg = str(e.value)
    assert f"at most {MAX_FRAMES}" in msg and "5001 frames" in msg
    step = int(msg.rsplit("a step of ", 1)[1].split()[0])
    assert plan_frames(ks, FrameRange(0, 5000, step)).n <= MAX_FRAMES
    assert plan_frames(ks, FrameRange(0, 5000, step - 1), max_frames=10**6).n > MAX_FRAMES


def test_the_plan_and_the_command_line_import_no_qt():
    code = ("import sys; import logit_gui.render.animate as a; import logit_gui.render.command as c; "
            "a.plan_frames(range(10), a.parse_frames('0:9:2')); "
            "assert not any(m.startswith(('PySide6', 'pyqtgraph', 'imageio')) for m in sys.modules), 'imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


# ----------------------------------------------------------------------
# logit-gui render --out run.gif | run.mp4
# ----------------------------------------------------------------------
def test_a_gif_has_the_requested_frames_size_speed_and_loops(tmp_path, capsys, qapp):
    import imageio.v3 as iio

    out = tmp_path / "run.gif"
    rc = main(["render", "--panel", "loss", *SMALL, "--frames", "0:20:2", "--fps", "5", "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    a = _gif_frames(out)
    assert a.shape[:3] == (11, 240, 320)
    meta = iio.immeta(out, index=0, extension=".gif")
    assert meta["duration"] == 200 and meta["loop"] == 0
    said = capsys.readouterr()
    assert "11 frames of 320×240 at 5 fps: iterations 0 to 20, every 2" in said.out
    assert said.err == ""  # not a terminal: no progress bar
    # the frames differ: the loss cursor moves
    assert all(np.any(a[i] != a[i + 1]) for i in range(10))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.gif"]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o666 & ~_umask()


def _umask():
    m = os.umask(0o022)
    os.umask(m)
    return m


def test_an_mp4_plays_back_with_the_frame_count_size_and_fps(tmp_path, capsys, qapp):
    pytest.importorskip("imageio_ffmpeg")
    out = tmp_path / "run.mp4"
    rc = main(["render", "--panel", "boundary,loss", "--size", "401x301", "--frames", "5:35:3", "--fps", "12",
               "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    meta, frames = _mp4_frames(out)
    assert len(frames) == 11
    assert frames[0].shape == (302, 402, 3)  # H.264 in yuv420p: even sides
    assert meta["fps"] == 12 and meta["codec"] == "h264"
    assert "11 frames of 402×302" in capsys.readouterr().out
    # it moves: the first and the last frames differ a lot, neighbours a little
    d = [np.mean(np.abs(frames[i].astype(int) - frames[i + 1])) for i in range(10)]
    assert np.mean(np.abs(frames[0].astype(int) - frames[-1])) > max(d) > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.mp4"]


def test_without_frames_the_whole_run_is_animated_in_about_a_hundred_frames(tmp_path, capsys, qapp):
    out = tmp_path / "run.gif"
    assert main(["render", "--panel", "loss", *SMALL, "--iterations", "250", "--out", str(out)]) == 0
    assert len(_gif_frames(out)) == 84  # 0, 3, …, 249: every ceil(250 / 100)
    assert "iterations 0 to 249, every 3" in capsys.readouterr().out


def test_without_iterations_the_run_is_trained_to_the_end_of_the_frames(tmp_path, capsys, qapp):
    out = tmp_path / "run.gif"
    assert main(["render", "--panel", "sigmoid", *SMALL, "--frames", "10:14", "--out", str(out)]) == 0
    assert len(_gif_frames(out)) == 5
    assert "iterations 10 to 14 of gd" in capsys.readouterr().out


def test_a_run_that_converges_first_is_animated_to_where_it_stopped(tmp_path, capsys, qapp):
    out = tmp_path / "run.gif"
    rc = main(["render", "--dataset", "linear", "--n", "60", "--l2", "0.1", "--optimizer", "newton", "--panel",
               "loss", *SMALL, "--frames", "0:50", "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    said = capsys.readouterr().out
    assert "the run stopped at iteration" in said and "before 50" in said
    k = int(said.split("the run stopped at iteration ")[1].split(",")[0])
    assert 0 < k < 50 and len(_gif_frames(out)) == k + 1


def test_the_figure_is_made_once_and_its_items_are_updated_not_rebuilt(tmp_path, monkeypatch, qapp):
    from logit_gui.render import figure as figure_mod
    from logit_gui.render.panel import PanelItem

    made, items, draws = [], [], []
    init, item_init, draw = figure_mod.Figure.__init__, PanelItem.__init__, PanelItem.draw
    monkeypatch.setattr(figure_mod.Figure, "__init__", lambda self, *a, **k: (made.append(self), init(self, *a, **k))[1])
    monkeypatch.setattr(PanelItem, "__init__", lambda self, *a, **k: (items.append(id(self)), item_init(self, *a, **k))[1])
    monkeypatch.setattr(PanelItem, "draw", lambda self, *a: (draws.append(id(self)), draw(self, *a))[1])
    out = tmp_path / "run.gif"
    assert main(["render", *SMALL, "--frames", "0:8", "--out", str(out)]) == 0
    from logit_gui.render.panel import default_panels

    n = len(default_panels())
    assert len(made) == 1 and len(items) == n                   # one figure, its items built once
    assert set(draws) == set(items) and len(draws) == n * (9 + 1)  # each redrawn per frame (+ the palette's)


def test_an_mp4_without_imageio_ffmpeg_says_which_extra_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import imageio_ffmpeg → ImportError
    monkeypatch.chdir(tmp_path)
    rc = main(["render", "--frames", "0:10", "--out", "run.mp4"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1
    assert "run.mp4" in err and "pip install 'logit-gui[video]'" in err and "imageio-ffmpeg" in err
    assert list(tmp_path.iterdir()) == []
    from logit_gui.render.animate import video_available

    assert not video_available()


def test_the_app_imports_without_imageio_ffmpeg(monkeypatch):
    code = ("import sys; sys.modules['imageio_ffmpeg'] = None; import logit_gui.app.animation_dialog as d; "
            "import logit_gui.app.main_window; assert not d.video_available()")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


@pytest.mark.parametrize("args, words", [
    (["--frames", "5", "--out", "run.gif"], ["--frames", "A:B"]),
    (["--frames", "0:x:2", "--out", "run.gif"], ["--frames", "'0:x:2'"]),
    (["--frames", "0:10:0", "--out", "run.gif"], ["STEP", "at least 1"]),
    (["--frames", "20:10", "--out", "run.gif"], ["--frames", "after"]),
    (["--frames", "0:300", "--iterations", "200", "--out", "run.gif"], ["--frames", "300", "--iterations 200"]),
    (["--frames", "250:", "--iterations", "200", "--out", "run.gif"], ["--frames", "250"]),
    (["--frames", "0:100000", "--out", "run.mp4"], ["100001 frames", f"at most {MAX_FRAMES}", "step of"]),
    (["--frames", "0:900", "--scale", "4", "--out", "run.gif"], ["GIF of 901 frames", "in memory", ".mp4"]),
    (["--panel", "nope", "--out", "run.gif"], ["unknown panel", "nope"]),
    (["--frames", "0:10", "--out", "run.png"], ["--frames", "is for an animation", ".gif or .mp4"]),
    (["--fps", "5", "--out", "run.svg"], ["--fps", ".gif or .mp4"]),
    (["--fps", "0", "--out", "run.gif"], ["--fps", "0.5 to 60"]),
    (["--fps", "55", "--out", "run.gif"], ["--fps", "a GIF", "0.5 to 50"]),
    (["--fps", "fast", "--out", "run.gif"], ["--fps", "'fast'"]),
    (["--out", "run.webm"], ["unknown image format", ".gif or .mp4"]),
    (["--frames", "0:10", "--out", "no/such/run.gif"], ["no/such", "does not exist"]),
])
def test_bad_animation_input_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    rc = main(["render", *args])
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err and "internal error" not in err
    for w in words:
        assert w in err, err
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_refused_before_training(tmp_path, capsys, monkeypatch):
    if ROOT:
        if not os.path.isdir("/sys") or os.access("/sys", os.W_OK) and _can_create("/sys"):
            pytest.skip("no folder that root cannot write to")
        folder = "/sys"
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        os.chmod(folder, 0o555)
    from logit_gui.model import pipeline

    monkeypatch.setattr(pipeline, "train_to", lambda *a, **k: pytest.fail("trained"))
    out = os.path.join(str(folder), "run.gif")
    rc = main(["render", "--frames", "0:10", "--out", out])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1 and out in err and "permission denied" in err


def _can_create(folder):
    try:
        fd = os.open(os.path.join(folder, ".logit-gui-probe"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError:
        return False
    os.close(fd)
    os.unlink(os.path.join(folder, ".logit-gui-probe"))
    return True


# ----------------------------------------------------------------------
# cancel, failure, and where the bytes go
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def scene(qapp):
    """A short run, its view and display: what the window would hand over."""
    from logit_gui.model.frames import make_view
    from logit_gui.model.pipeline import build, train_to
    from logit_gui.model.settings import Settings

    s = Settings()
    built = build(s)
    run = train_to(built, 30)
    return s, built, make_view(built.problem, s.data.view_features), run.history


def _export(path, scene, frames=FrameRange(0, 20, 1), progress=None, panels=("loss",)):
    from logit_gui.render.animate import export_animation
    from logit_gui.render.theme import get_theme

    s, built, view, history = scene
    plan = plan_frames(history.curves()[0], frames)
    return export_animation(str(path), list(panels), get_theme("light"), (200, 150), view, history, plan,
                            s.display, fps=10, progress=progress)


def _stop_after(n, calls):
    def progress(done, total):
        calls.append((done, total))
        return done < n
    return progress


@pytest.mark.parametrize("ext", ["gif", "mp4"])
def test_a_cancelled_export_leaves_no_file_nor_a_temporary_one(tmp_path, scene, ext):
    from logit_gui.render.animate import AnimationCancelled

    if ext == "mp4":
        pytest.importorskip("imageio_ffmpeg")
    calls = []
    with pytest.raises(AnimationCancelled):
        _export(tmp_path / f"run.{ext}", scene, progress=_stop_after(3, calls))
    assert calls == [(0, 21), (1, 21), (2, 21), (3, 21)]  # asked before the first frame and after each
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", ["gif", "mp4"])
def test_a_cancelled_export_leaves_the_old_file_untouched(tmp_path, scene, ext):
    from logit_gui.render.animate import AnimationCancelled

    if ext == "mp4":
        pytest.importorskip("imageio_ffmpeg")
    old = tmp_path / f"run.{ext}"
    old.write_bytes(b"the old animation")
    os.chmod(old, 0o640)
    before = os.stat(old)
    with pytest.raises(AnimationCancelled):
        _export(old, scene, progress=_stop_after(5, []))
    after = os.stat(old)
    assert old.read_bytes() == b"the old animation" and after.st_ino == before.st_ino
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"run.{ext}"]


def test_ctrl_c_while_drawing_leaves_nothing_behind(tmp_path, scene):
    def interrupt(done, total):
        if done == 4:
            raise KeyboardInterrupt
        return True

    with pytest.raises(KeyboardInterrupt):
        _export(tmp_path / "run.gif", scene, progress=interrupt)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_encoding_is_one_line_and_leaves_the_old_file(tmp_path, scene, monkeypatch):
    from logit_gui.core.errors import OutputError
    from logit_gui.render import animate

    old = tmp_path / "run.gif"
    old.write_bytes(b"old")

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(animate._GifWriter, "close", full)
    with pytest.raises(OutputError) as e:
        _export(old, scene)
    assert str(e.value) == f"{old}: no space left on device"
    assert old.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["run.gif"]


def test_a_new_animation_replaces_the_old_file_keeping_its_mode(tmp_path, scene):
    old = tmp_path / "run.gif"
    old.write_bytes(b"old")
    os.chmod(old, 0o600)
    assert _export(old, scene, FrameRange(0, 6, 2)) == 4
    assert len(_gif_frames(old)) == 4 and stat.S_IMODE(os.stat(old).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.gif"]


def test_a_symlink_is_followed_and_stays_a_link(tmp_path, scene):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "target.gif"
    target.write_bytes(b"old")
    link = tmp_path / "link.gif"
    link.symlink_to(target)
    _export(link, scene, FrameRange(0, 4, 2))
    assert link.is_symlink() and len(_gif_frames(target)) == 3
    assert sorted(p.name for p in real_dir.iterdir()) == ["target.gif"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.gif", "real"]


def test_a_hard_linked_file_is_rewritten_in_place(tmp_path, scene):
    a = tmp_path / "a.gif"
    a.write_bytes(b"old")
    b = tmp_path / "b.gif"
    os.link(a, b)
    _export(a, scene, FrameRange(0, 2, 1))
    assert os.path.samefile(a, b) and len(_gif_frames(b)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif", "b.gif"]


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_a_device_is_written_directly(tmp_path, scene):
    # /dev/null has no extension: the format comes from a link's name
    link = tmp_path / "null.gif"
    link.symlink_to("/dev/null")
    assert _export(link, scene, FrameRange(0, 2, 1)) == 3
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.gif"]


# ----------------------------------------------------------------------
# the terminal's bar
# ----------------------------------------------------------------------
class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_the_terminal_bar_is_one_line_rewritten_and_only_on_a_terminal():
    from logit_gui.render.animate import TerminalProgress

    assert not TerminalProgress.wanted(io.StringIO()) and TerminalProgress.wanted(_Tty())
    s = _Tty()
    bar = TerminalProgress(s, label="run.gif")
    assert all(bar(i, 4) for i in range(5))
    text = s.getvalue()
    assert text.count("\n") == 1 and text.endswith("4/4 frames\n") and text.count("\r") == 5
    assert "run.gif [" in text
    s2 = _Tty()
    bar = TerminalProgress(s2)
    bar(0, 10)
    bar(3, 10)
    bar.close()  # an interrupted bar ends its line
    assert s2.getvalue().endswith("3/10 frames\n")


def test_render_draws_the_bar_on_a_terminal(tmp_path, monkeypatch, capsys, qapp):
    from logit_gui.render import animate

    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main(["render", "--panel", "loss", *SMALL, "--frames", "0:4", "--out", str(tmp_path / "r.gif")]) == 0
    assert "\rr.gif [" in tty.getvalue() and tty.getvalue().endswith("5/5 frames\n")
    assert animate.TerminalProgress.wanted(tty)


# ----------------------------------------------------------------------
# the app: the dialog, its progress dialog with Cancel, the CSV and JSON actions
# ----------------------------------------------------------------------
def test_the_dialog_offers_the_history_range_and_makes_the_choice(qtbot, scene):
    from logit_gui.app.animation_dialog import AnimationDialog

    s, built, view, history = scene
    dlg = AnimationDialog(["boundary", "loss", "sigmoid"], "loss", s.display, "/tmp", history.curves()[0])
    qtbot.addWidget(dlg)
    assert (dlg.start.minimum(), dlg.stop.maximum(), dlg.stop.value()) == (0, 30, 30)
    dlg.start.setValue(4)
    dlg.stop.setValue(16)
    dlg.step.setValue(3)
    dlg.fps.setValue(8)
    c = dlg.choice()
    assert (c.panels, c.start, c.stop, c.step, c.fps, c.path) == (("loss",), 4, 16, 3, 8.0, "/tmp/logit-gui.gif")
    assert dlg.summary.text().startswith("5 frames of 800×600")
    dlg.format.setCurrentIndex(1)
    assert dlg.choice().path.endswith(".mp4") or not dlg.video
    dlg.panel.setCurrentIndex(0)
    assert dlg.choice().panels == ("boundary", "loss", "sigmoid")
    dlg.step.setValue(1)
    dlg.stop.setValue(4)
    dlg.start.setValue(10)  # after the end: refused
    from PySide6.QtWidgets import QDialogButtonBox

    assert not dlg.buttons.button(QDialogButtonBox.Save).isEnabled()
    assert "after the last" in dlg.summary.text()


def test_the_progress_dialogs_cancel_stops_the_export_and_writes_nothing(tmp_path, qtbot, scene):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

    from logit_gui.app.animation_dialog import AnimationCancelled, AnimationChoice, export_with_progress

    s, built, view, history = scene
    parent = QWidget()
    qtbot.addWidget(parent)
    seen = []

    def press_cancel():
        dlg = parent.findChild(QProgressDialog, "animation_progress")
        if dlg is None or dlg.value() < 3:
            QTimer.singleShot(5, press_cancel)
            return
        seen.append(dlg.value())
        dlg.cancel()

    QTimer.singleShot(0, press_cancel)
    old = tmp_path / "run.gif"
    old.write_bytes(b"old")
    choice = AnimationChoice(("sigmoid",), str(old), 0, 30, 1, 10.0)
    with pytest.raises(AnimationCancelled):
        export_with_progress(parent, choice, view, history, s.display)
    assert seen and seen[0] < 31
    assert old.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["run.gif"]
    QApplication.processEvents()


def test_the_app_export_writes_the_chosen_frames(tmp_path, qtbot, scene):
    from PySide6.QtWidgets import QWidget

    from logit_gui.app.animation_dialog import AnimationChoice, export_with_progress

    s, built, view, history = scene
    parent = QWidget()
    qtbot.addWidget(parent)
    path = export_with_progress(parent, AnimationChoice(("loss",), str(tmp_path / "a.gif"), 2, 12, 5, 4.0),
                                view, history, s.display)
    a = _gif_frames(path)
    assert a.shape[:3] == (3, 600, 800)


def test_the_app_saves_the_history_csv_and_the_model_json(tmp_path, qtbot, scene):
    from logit_gui.app.animation_dialog import save_history_dialog, save_model_dialog
    from logit_gui.model.report import model_json, model_report

    s, built, view, history = scene
    p = save_history_dialog(None, history, built.problem, str(tmp_path), path=str(tmp_path / "h.csv"))
    a = np.loadtxt(p, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(a[:, 1], history.curves()[1])
    it = history[10]
    p = save_model_dialog(None, built.problem, it, "gd", built.dataset.warnings, path=str(tmp_path / "m.json"))
    data = json.loads(open(p).read())
    assert data["iterations"] == 10 and data["optimizer"] == "gd" and data["seconds"] is None
    assert data == json.loads(model_json(model_report(built.problem, it, optimizer="gd")))
