"""Issue 11, section 1 "The first launch": the checks before Qt starts, --version, --help;
and section 3's app item: Ctrl+C in the terminal quits the app cleanly.

Qt aborts (SIGABRT, exit 134) when its xcb plugin cannot load; `logit-gui` must instead
print one line naming what is missing and exit 2. These tests run the real command in a
subprocess (an abort would show as exit -6/134) with the display and the libraries taken
away on purpose, so they pass whether or not this machine has a display or the xcb libraries.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from logit_gui import launch
from logit_gui.launch import display_problem, install_hint, qt_platform

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check runs on Linux only")
ROOT = Path(__file__).resolve().parents[1]


def bare_env(**extra):
    """The environment of a fresh login without a desktop: no display of any kind."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE",
                        "LOGIT_GUI_IGNORE_QT_CHECK")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def logit_gui(*args, env, timeout=60, code=None):
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "logit_gui", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=str(ROOT))


def assert_one_line_exit_2(r, *words):
    assert r.returncode == 2, (r.returncode, r.stderr)  # not 134 / -6: no abort
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


class FakeXServer:
    """Something listening where an X server would (TCP 6000+N): the display 'answers'."""

    def __enter__(self):
        for n in range(150, 250):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", 6000 + n))
            except OSError:
                s.close()
                continue
            s.listen(4)
            self.sock, self.display = s, f"127.0.0.1:{n}"
            return self
        pytest.skip("no free TCP port for a fake X server")

    def __exit__(self, *exc):
        self.sock.close()


def free_display_number():
    for n in range(250, 400):
        if os.path.exists(f"/tmp/.X11-unix/X{n}"):
            continue
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", 6000 + n)) != 0:
                return n
    pytest.skip("no free display number")


# ----------------------------------------------------------------------------
# no display
# ----------------------------------------------------------------------------
@linux
def test_no_display_at_all_is_one_line_and_exit_2_not_an_abort():
    """Issue 11 §1: with no display at all, Qt aborted (exit 134)."""
    line = assert_one_line_exit_2(logit_gui(env=bare_env()), "DISPLAY")
    assert line.startswith("logit-gui: no display")


@linux
def test_a_display_where_no_x_server_answers_is_named():
    """Issue 11 §1: DISPLAY set, nothing there: one line naming it, exit 2."""
    n = free_display_number()
    assert_one_line_exit_2(logit_gui(env=bare_env(DISPLAY=f":{n}")), f"':{n}'", "X server")


@linux
def test_qt_qpa_platform_xcb_is_checked_too():
    assert_one_line_exit_2(logit_gui(env=bare_env(QT_QPA_PLATFORM="xcb")), "DISPLAY")


# ----------------------------------------------------------------------------
# a missing library
# ----------------------------------------------------------------------------
def _plugin_with_an_unfindable_library(tmp_path) -> Path:
    """A copy of PySide6's xcb plugin whose dependency libxcb-icccm.so.4 is renamed
    libxcb-icccX.so.4 (same length): a library no machine has, so ldd says "not found".
    Its other libraries are found as the real plugin's are (RUNPATH $ORIGIN/../../lib)."""
    real = launch.xcb_plugin()
    if real is None or shutil.which("ldd") is None:
        pytest.skip("no PySide6 xcb plugin or no ldd here")
    data = Path(real).read_bytes()
    if b"libxcb-icccm.so.4\0" not in data:
        pytest.skip("this xcb plugin does not link libxcb-icccm.so.4")
    qt = tmp_path / "Qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (qt / "lib").symlink_to(Path(real).parents[2] / "lib")
    fake = qt / "plugins" / "platforms" / "libqxcb.so"
    fake.write_bytes(data.replace(b"libxcb-icccm.so.4\0", b"libxcb-icccX.so.4\0"))
    return fake


@linux
def test_an_unfindable_library_is_named_with_how_to_install_it(tmp_path):
    """Issue 11 §1: libxcb-icccm4 missing → Qt said "xcb-cursor0 is needed" and aborted.
    Now: one line naming the library that is really missing and the install command, exit 2."""
    fake = _plugin_with_an_unfindable_library(tmp_path)
    assert "libxcb-icccX.so.4" in launch.missing_libraries(str(fake))
    code = ("import sys, logit_gui.launch as l; l.xcb_plugin = lambda: sys.argv[1]; "
            "from logit_gui.cli import main; sys.exit(main([]))")
    with FakeXServer() as x:
        r = logit_gui(str(fake), env=bare_env(DISPLAY=x.display), code=code)
    line = assert_one_line_exit_2(r, "missing libxcb-icccX.so.4", "install")
    assert "xcb-cursor0" not in line


@linux
def test_the_check_is_fast():
    """Issue 11 §1: "Do not make the check slow" — one ldd run, a socket connect."""
    with FakeXServer() as x:
        env = dict(os.environ, DISPLAY=x.display)
        env.pop("QT_QPA_PLATFORM", None)
        env.pop("WAYLAND_DISPLAY", None)
        t0 = time.perf_counter()
        display_problem([], env=env)
        assert time.perf_counter() - t0 < 0.5


def test_install_hint_per_distribution_family():
    libs = ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert install_hint(libs, "debian") == "sudo apt-get install libxcb-icccm4 libxcb-keysyms1"
    assert install_hint(libs, "fedora") == "sudo dnf install xcb-util-wm xcb-util-keysyms"
    assert install_hint(libs, "arch") == "sudo pacman -S xcb-util-wm xcb-util-keysyms"
    assert install_hint(libs, "suse") == "sudo zypper install libxcb-icccm4 libxcb-keysyms1"
    assert install_hint(libs, None).startswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1 (Debian")
    # Debian's naming rule for a library not in the table
    assert install_hint(["libxkbcommon-x11.so.0", "libfoo.so.3"], "debian") == \
        "sudo apt-get install libxkbcommon-x11-0 libfoo3"
    assert "reinstall PySide6" in install_hint(["libQt6XcbQpa.so.6"], "debian")


# ----------------------------------------------------------------------------
# what must not be blocked
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("env, argv", [
    ({"QT_QPA_PLATFORM": "offscreen"}, []),
    ({"QT_QPA_PLATFORM": "minimal"}, []),
    ({"QT_QPA_PLATFORM": "wayland"}, []),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, []),
    ({"WAYLAND_DISPLAY": "wayland-0"}, []),
    ({"XDG_SESSION_TYPE": "wayland"}, []),
    ({}, ["-platform", "offscreen"]),
    ({"QT_QPA_PLATFORM": "xcb"}, ["--platform=minimal"]),
    ({"LOGIT_GUI_IGNORE_QT_CHECK": "1"}, []),
])
def test_other_platforms_and_wayland_sessions_are_not_blocked(env, argv):
    """Issue 11 §1: Wayland sessions and QT_QPA_PLATFORM=offscreen/minimal/wayland go through."""
    assert display_problem(argv, env=env, platform="linux") is None


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_macos_and_windows_skip_the_check(platform):
    assert display_problem([], env={}, platform=platform) is None


def test_the_platform_qt_will_try_first():
    assert qt_platform([], {}) == "xcb"
    assert qt_platform([], {"QT_QPA_PLATFORM": "offscreen:fontengine=freetype"}) == "offscreen"
    assert qt_platform(["-platform", "vnc"], {"QT_QPA_PLATFORM": "xcb"}) == "vnc"
    assert qt_platform([], {"WAYLAND_DISPLAY": "wayland-1", "DISPLAY": ":0"}) == "wayland"


# ----------------------------------------------------------------------------
# --version, --help, unknown options: no display needed
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (["--version"], ["logit-gui 0.1"]),
    (["-V"], ["logit-gui 0.1"]),
    (["--help"], ["usage: logit-gui", "train", "--version"]),
    (["app", "--help"], ["usage: logit-gui app", "--csv"]),
    (["--csv", "x.csv", "--help"], ["usage: logit-gui app"]),
])
def test_version_and_help_work_without_a_display(args, words):
    """Issue 11 §1: `logit-gui --version` launched the window (and aborted with no display)."""
    r = logit_gui(*args, env=bare_env())
    assert r.returncode == 0 and not r.stderr, (r.returncode, r.stderr)
    for w in words:
        assert w in r.stdout


@pytest.mark.parametrize("args, word", [
    (["--bogus"], "'--bogus'"),
    (["--csv", "a.csv", "--verbose"], "'--verbose'"),
    (["app", "--versoin"], "'--versoin'"),
])
def test_an_unknown_leading_option_is_refused_not_launched(args, word):
    """Issue 11 §1: any unknown leading option launched the window instead of answering."""
    assert_one_line_exit_2(logit_gui(*args, env=bare_env()), word, "unknown option")


def test_an_app_option_without_its_value_is_one_line():
    assert_one_line_exit_2(logit_gui("--csv", env=bare_env()), "--csv needs a value")


# ----------------------------------------------------------------------------
# Ctrl+C
# ----------------------------------------------------------------------------
def _children(pid):
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups and /proc")
def test_ctrl_c_in_the_terminal_quits_the_app_cleanly():
    """Issue 11 §3 (the app): Ctrl+C printed a 22-line KeyboardInterrupt traceback and the app
    kept running. Now it closes the window as Ctrl+Q does: exit 0, no traceback. The signal
    goes to the whole process group, as a terminal sends it (the trainer process too, which
    must not die of it). While the window is being built a Ctrl+C is ignored, so the test
    presses it once a second, from when the trainer process exists, until the app is gone."""
    env = bare_env(QT_QPA_PLATFORM="offscreen")
    p = subprocess.Popen([sys.executable, "-m", "logit_gui"], env=env, cwd=str(ROOT), text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    presses = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and p.poll() is None:  # the window is being built once its trainer runs
            kids = _children(p.pid)
            if kids is None or kids:
                break
            time.sleep(0.05)
        assert p.poll() is None, p.communicate()
        deadline = time.monotonic() + 60
        while p.poll() is None and time.monotonic() < deadline:
            os.killpg(p.pid, signal.SIGINT)
            presses += 1
            try:
                p.wait(1.0)
            except subprocess.TimeoutExpired:
                pass
        out, err = p.communicate(timeout=10)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "trainer process ended unexpectedly" not in err, err
    assert p.returncode == 0, (p.returncode, presses, err)
