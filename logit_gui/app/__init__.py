"""The desktop app (Qt): ``main()`` opens the main window.

Everything Qt lives here; the numerical core (:mod:`logit_gui.core`) never
imports it. Layout: :mod:`.main_window` (window, menus, keyboard, status bar),
:mod:`.controller` (commands → trainer, display-rate redraws), :mod:`.worker`
(the trainer thread), :mod:`.session` and :mod:`.history` (a run and its
iterates, Qt-free), :mod:`.frame` (what the panels draw, Qt-free),
:mod:`.controls` (the settings dock) and :mod:`.panels` (one file per plot).
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv=None) -> int:
    """Build the QApplication, show the main window, run the event loop; return its exit code."""
    import sys

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
