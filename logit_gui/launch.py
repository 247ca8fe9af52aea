"""Before Qt starts: can its platform plugin open a window here?

When the X11 (xcb) platform plugin cannot load — a system library is missing,
or there is no display — Qt prints a misleading message ("xcb-cursor0 or
libxcb-cursor0 is needed", whatever is really missing) and aborts the process
(SIGABRT, exit 134). :func:`display_problem` finds out first, without
importing Qt, and returns one line that names what is missing and how to
install it, or None.

What it checks (Linux only; macOS and Windows need nothing and are skipped):

* the platform Qt will use: ``-platform NAME`` on the command line, else
  ``QT_QPA_PLATFORM``, else a Wayland session (``WAYLAND_DISPLAY`` or
  ``XDG_SESSION_TYPE=wayland``: Qt tries Wayland first), else xcb. Only xcb is
  checked: ``offscreen``, ``minimal``, ``wayland``, ``vnc``, ... go through.
* xcb: ``DISPLAY`` is set, and an X server answers there (a local socket, or
  TCP for ``host:N``, e.g. ssh -X; an address it cannot judge is not blocked).
* xcb: ``ldd`` on PySide6's ``Qt/plugins/platforms/libqxcb.so`` lists no library
  as "not found"; the message names the system packages to install, with the
  package manager of the machine's distribution family (from
  ``/etc/os-release``).

It takes a few tens of milliseconds (one ``ldd`` run). ``LOGIT_GUI_IGNORE_QT_CHECK=1``
skips it (and the Qt version check of :mod:`logit_gui.app`).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

__all__ = ["display_problem", "qt_platform", "missing_libraries", "install_hint", "xcb_plugin"]

# soname → package, per distribution family: the libraries PySide6's xcb plugin links to
# (pip cannot install them). Debian/Ubuntu names follow the soname; the others group them.
_PACKAGES = {
    "debian": {
        "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
        "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
        "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-util.so.1": "libxcb-util1",
        "libxcb-randr.so.0": "libxcb-randr0", "libxcb-shm.so.0": "libxcb-shm0",
        "libxcb-sync.so.1": "libxcb-sync1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
        "libxcb-render.so.0": "libxcb-render0", "libxcb-shape.so.0": "libxcb-shape0",
        "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1",
        "libX11.so.6": "libx11-6", "libxkbcommon.so.0": "libxkbcommon0",
        "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1",
        "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
        "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
        "libdbus-1.so.3": "libdbus-1-3",
    },
    "fedora": {
        "libxcb-cursor.so.0": "xcb-util-cursor", "libxcb-icccm.so.4": "xcb-util-wm",
        "libxcb-keysyms.so.1": "xcb-util-keysyms", "libxcb-image.so.0": "xcb-util-image",
        "libxcb-render-util.so.0": "xcb-util-renderutil", "libxcb-util.so.1": "xcb-util",
        "libxkbcommon-x11.so.0": "libxkbcommon-x11", "libxkbcommon.so.0": "libxkbcommon",
        "libX11-xcb.so.1": "libX11-xcb", "libX11.so.6": "libX11", "libGL.so.1": "libglvnd-glx",
        "libEGL.so.1": "libglvnd-egl", "libfontconfig.so.1": "fontconfig", "libdbus-1.so.3": "dbus-libs",
    },
    "arch": {
        "libxcb-cursor.so.0": "xcb-util-cursor", "libxcb-icccm.so.4": "xcb-util-wm",
        "libxcb-keysyms.so.1": "xcb-util-keysyms", "libxcb-image.so.0": "xcb-util-image",
        "libxcb-render-util.so.0": "xcb-util-renderutil", "libxcb-util.so.1": "xcb-util",
        "libxkbcommon-x11.so.0": "libxkbcommon-x11", "libxkbcommon.so.0": "libxkbcommon",
        "libX11-xcb.so.1": "libx11", "libX11.so.6": "libx11", "libGL.so.1": "libglvnd",
        "libEGL.so.1": "libglvnd", "libfontconfig.so.1": "fontconfig", "libdbus-1.so.3": "dbus",
    },
    "suse": {
        "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
        "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
        "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-util.so.1": "libxcb-util1",
        "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libxkbcommon.so.0": "libxkbcommon0",
        "libX11-xcb.so.1": "libX11-xcb1", "libX11.so.6": "libX11-6", "libGL.so.1": "Mesa-libGL1",
        "libEGL.so.1": "Mesa-libEGL1", "libfontconfig.so.1": "libfontconfig1", "libdbus-1.so.3": "libdbus-1-3",
    },
}
_INSTALL = {
    "debian": "sudo apt-get install",
    "fedora": "sudo dnf install",
    "arch": "sudo pacman -S",
    "suse": "sudo zypper install",
}
_LIKE = {  # os-release ID / ID_LIKE word → family
    "debian": "debian", "ubuntu": "debian", "linuxmint": "debian", "pop": "debian", "raspbian": "debian",
    "fedora": "fedora", "rhel": "fedora", "centos": "fedora", "rocky": "fedora", "almalinux": "fedora",
    "arch": "arch", "manjaro": "arch", "endeavouros": "arch",
    "suse": "suse", "opensuse": "suse", "opensuse-leap": "suse", "opensuse-tumbleweed": "suse", "sles": "suse",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.M)


def qt_platform(argv=(), env=None) -> str:
    """The platform plugin Qt will try first: "xcb", "wayland", "offscreen", ... ('' off Linux)."""
    env = os.environ if env is None else env
    argv = list(argv)
    for i, a in enumerate(argv):
        name, eq, value = a.lstrip("-").partition("=")
        if a.startswith("-") and name == "platform":
            chosen = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            if chosen:
                return _first(chosen)
    if env.get("QT_QPA_PLATFORM"):
        return _first(env["QT_QPA_PLATFORM"])
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return "wayland"
    return "xcb"


def _first(spec: str) -> str:
    """'wayland;xcb' → 'wayland'; 'offscreen:fontengine=freetype' → 'offscreen'."""
    return spec.split(";")[0].split(":")[0].strip().lower()


def xcb_plugin() -> str | None:
    """PySide6's xcb platform plugin, found without importing PySide6 (None if absent)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        p = os.path.join(folder, "Qt", "plugins", "platforms", "libqxcb.so")
        if os.path.isfile(p):
            return p
    return None


def missing_libraries(plugin: str) -> list[str]:
    """Sonames ``ldd`` reports as "not found" for ``plugin`` ([] if none, or if ldd cannot tell)."""
    try:
        r = subprocess.run(["ldd", plugin], capture_output=True, text=True, timeout=10,
                           env=dict(os.environ, LC_ALL="C"))
    except (OSError, subprocess.SubprocessError):
        return []  # no ldd: Qt will tell
    return list(dict.fromkeys(_NOT_FOUND.findall(r.stdout)))


def _family(os_release: str = "/etc/os-release") -> str | None:
    try:
        with open(os_release, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    fields = dict(re.findall(r'^([A-Z_]+)="?([^"\n]*)"?$', text, re.M))
    for word in (fields.get("ID", "") + " " + fields.get("ID_LIKE", "")).lower().split():
        if word in _LIKE:
            return _LIKE[word]
    return None


def _debian_name(soname: str) -> str:
    """Debian's rule: libfoo-bar.so.4 → libfoo-bar4, libfoo-x11.so.0 → libfoo-x11-0."""
    m = re.match(r"^(.+?)\.so\.(\d+)", soname)
    if not m:
        return soname
    base, major = m.group(1).lower(), m.group(2)
    return f"{base}-{major}" if base[-1].isdigit() else f"{base}{major}"


def install_hint(libs, family: str | None) -> str:
    """'sudo apt-get install libxcb-icccm4 libxcb-keysyms1' (or reinstall PySide6 for Qt's own libraries)."""
    qt_own = [lib for lib in libs if lib.startswith(("libQt6", "libpyside6", "libshiboken6", "libicu"))]
    if qt_own:
        return "reinstall PySide6: pip install --force-reinstall PySide6-Essentials"
    fam = family if family in _INSTALL else "debian"
    names = []
    for lib in libs:
        name = _PACKAGES[fam].get(lib) or (_debian_name(lib) if fam in ("debian", "suse") else None)
        if name is None:
            name = f"the package that provides {lib}"
        if name not in names:
            names.append(name)
    hint = f"{_INSTALL[fam]} {' '.join(names)}"
    if family not in _INSTALL:
        hint += " (Debian/Ubuntu names; see the README for others)"
    return hint


def _x_server_answers(display: str) -> bool | None:
    """True / False when an X server does / does not answer at ``display``; None when unsure."""
    m = re.match(r"^(?P<host>[^:]*):(?P<num>\d+)(\.\d+)?$", display)
    if not m:
        return None  # launchd paths, odd syntax: let Qt judge
    host, num = m.group("host"), int(m.group("num"))
    if host in ("", "unix"):
        paths = ["\0/tmp/.X11-unix/X%d" % num, "/tmp/.X11-unix/X%d" % num]  # abstract, then on disk
        for p in paths:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(1.0)
            try:
                s.connect(p)
                return True
            except OSError:
                continue
            finally:
                s.close()
        if host == "unix":
            return False
        host = "localhost"  # Xlib's fallback for ":N" without a socket
    try:
        with socket.create_connection((host, 6000 + num), timeout=1.0):
            return True
    except (ConnectionRefusedError, socket.gaierror):
        return False
    except OSError:
        return None  # a timeout or an unreachable network: unsure, do not block


def display_problem(argv=(), env=None, platform=None) -> str | None:
    """One line saying why the app cannot open a window here, or None (see the module docstring)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") or env.get("LOGIT_GUI_IGNORE_QT_CHECK"):
        return None
    if qt_platform(argv, env) != "xcb":
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return ("no display: DISPLAY is not set (run it in a desktop session or with ssh -X; "
                "`logit-gui train` and `logit-gui render` need no display)")
    if _x_server_answers(display) is False:
        return f"cannot connect to the X display {display!r} (DISPLAY): is the X server running?"
    plugin = xcb_plugin()
    if plugin is None:
        return None
    libs = missing_libraries(plugin)
    if libs:
        return (f"Qt's X11 plugin cannot load, missing {', '.join(libs)}: "
                f"{install_hint(libs, _family())}")
    return None
