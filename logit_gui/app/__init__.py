"""The desktop app (Qt): ``main()`` opens the main window.

Everything Qt lives here; the numerical core (:mod:`logit_gui.core`) never
imports it. Layout: :mod:`.main_window` (window, menus, keyboard, status bar),
:mod:`.controller` (commands → trainer, display-rate redraws), :mod:`.worker`
(the trainer thread), :mod:`.session` and :mod:`.history` (a run and its
iterates, Qt-free), :mod:`.frame` (what the panels draw, Qt-free),
:mod:`.controls` (the settings dock) and :mod:`.panels` (one file per plot).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

__all__ = ["main", "parse_args", "leave_a_core_for_the_display", "qt_is_broken", "icon_path", "quit_on_sigint"]

_BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def leave_a_core_for_the_display() -> None:
    """Cap the BLAS thread pool at (CPU count − 1) unless the user chose a size.

    The trainer's matrix products would otherwise occupy every core (OpenBLAS
    threads also spin while they wait), and the GUI thread would draw late.
    Effective only before NumPy is imported, which is the case when the app is
    started by ``logit-gui`` or ``python -m logit_gui``.
    """
    if "numpy" in sys.modules or any(v in os.environ for v in _BLAS_VARS):
        return
    n = max(1, (os.cpu_count() or 2) - 1)
    for v in _BLAS_VARS:
        os.environ[v] = str(n)


def qt_is_broken() -> str | None:
    """Why the installed Qt binding cannot run the app, or None.

    PySide6 6.12.0 built for the stable ABI mishandles the reference counts of None,
    True and False (in signal emission and ``QObject.property``). Python ≥ 3.12 makes
    those objects immortal, which hides it; on 3.11 the interpreter aborts with
    "deallocating None/True" after a few thousand Qt calls.
    """
    try:
        import PySide6
    except ImportError:
        return "PySide6 is not installed (pip install PySide6-Essentials)"
    version = tuple(int(p) for p in PySide6.__version__.split(".")[:2] if p.isdigit())
    if version == (6, 12) and sys.version_info < (3, 12):
        return (f"PySide6 {PySide6.__version__} crashes on Python {sys.version_info.major}.{sys.version_info.minor} "
                "(a reference-count bug): install PySide6-Essentials<6.12, or use Python >= 3.12")
    return None


def icon_path() -> str | None:
    """The app's icon: installed as ``logit_gui._assets``, or the source tree's ``assets/``."""
    from pathlib import Path

    try:
        from importlib.resources import files

        p = files("logit_gui._assets") / "logit-gui.png"
        if p.is_file():
            return str(p)
    except (ImportError, ModuleNotFoundError, TypeError):
        pass
    p = Path(__file__).resolve().parents[2] / "assets" / "logit-gui.png"
    return str(p) if p.is_file() else None


@contextlib.contextmanager
def _sigint_ignored():
    """SIGINT ignored meanwhile (in the main thread). A process started now — the trainer,
    started by the window — keeps ignoring it (also Python, through exec), so a Ctrl+C in
    the terminal, sent to the whole process group, reaches only the window, which then
    stops the trainer cleanly. (Blocking instead would not do: a thread that Qt or BLAS
    started earlier would take the signal.) A Ctrl+C while the window is built is lost."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def quit_on_sigint(window):
    """Ctrl+C in the terminal closes ``window`` as Ctrl+Q does (training stops cleanly).

    Python runs a signal handler only between bytecodes, never while Qt's event
    loop waits in C++: a timer wakes the interpreter a few times a second. The
    handler itself only queues the close for the event loop. Outside the main
    thread (signals cannot be set there) this does nothing.
    """
    import signal

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    tick = QTimer()
    tick.timeout.connect(lambda: None)  # lets Python see the signal
    tick.start(200)

    asked = []

    def on_sigint(signum, frame):
        if asked:  # a second Ctrl+C: leave the event loop whatever the window does
            QTimer.singleShot(0, QApplication.quit)
        else:
            QTimer.singleShot(0, window.close)
        asked.append(signum)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        tick.stop()
        signal.signal(signal.SIGINT, previous)


def parse_args(argv):
    """(a CSV or session path or None, the remaining arguments for Qt) from
    ``[--csv PATH | PATH.csv | PATH.logit.json] [Qt options]``."""
    import argparse

    ap = argparse.ArgumentParser(prog="logit-gui", add_help=False)
    ap.add_argument("--csv", metavar="PATH")
    ns, rest = ap.parse_known_args(list(argv))
    csv = ns.csv
    if csv is None and rest and not rest[0].startswith("-"):
        csv, rest = rest[0], rest[1:]
    return csv, rest


def main(argv=None) -> int:
    """Build the QApplication, show the main window (opening ``--csv PATH`` if
    given), run the event loop; return its exit code."""
    csv, argv = parse_args(sys.argv[1:] if argv is None else argv)
    leave_a_core_for_the_display()
    problem = qt_is_broken()
    if problem and not os.environ.get("LOGIT_GUI_IGNORE_QT_CHECK"):
        print(f"logit-gui: {problem}", file=sys.stderr)
        return 1
    from ..launch import display_problem

    problem = display_problem(argv)  # before Qt: a missing library or display aborts it (SIGABRT)
    if problem:
        print(f"logit-gui: {problem}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    from PySide6.QtCore import QTimer

    argv = [sys.argv[0] if sys.argv else "logit-gui", *argv]
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("logit-gui")
    app.setOrganizationName("logit-gui")
    app.setDesktopFileName("logit-gui")
    icon = icon_path()
    if icon:
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(icon))  # window and task bar
    with _sigint_ignored():  # the trainer process starts now and inherits it: Ctrl+C is the window's to handle
        window = MainWindow()
    sys.excepthook = window.report_unexpected  # a bug in a slot: status bar and log, not a lost traceback
    window.show()
    if csv and csv.endswith(".logit.json"):  # a session: its data, settings and panels
        QTimer.singleShot(0, lambda: window.open_session(csv))
    elif csv:  # a bad file opens a dialog over the default data, as File → Open does
        QTimer.singleShot(0, lambda: window.open_csv(csv))
    with quit_on_sigint(window):
        code = app.exec()
    if threading.current_thread() is threading.main_thread():  # quitting: another Ctrl+C must not cut it short
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    window.controller.shutdown()  # idempotent: closeEvent already did it
    return int(code)
