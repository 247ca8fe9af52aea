"""The desktop app (Qt): ``main()`` opens the main window.

Everything Qt lives here; the numerical core (:mod:`logit_gui.core`) never
imports it. Layout: :mod:`.main_window` (window, menus, keyboard, status bar),
:mod:`.controller` (commands → trainer, display-rate redraws), :mod:`.worker`
(the trainer thread), :mod:`.session` and :mod:`.history` (a run and its
iterates, Qt-free), :mod:`.frame` (what the panels draw, Qt-free),
:mod:`.controls` (the settings dock) and :mod:`.panels` (one file per plot).
"""

from __future__ import annotations

import os
import sys

__all__ = ["main", "leave_a_core_for_the_display"]

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


def main(argv=None) -> int:
    """Build the QApplication, show the main window, run the event loop; return its exit code."""
    leave_a_core_for_the_display()

    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    argv = list(sys.argv if argv is None else [sys.argv[0] if sys.argv else "logit-gui", *argv])
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("logit-gui")
    app.setOrganizationName("logit-gui")
    window = MainWindow()
    window.show()
    code = app.exec()
    window.controller.shutdown()  # idempotent: closeEvent already did it
    return int(code)
