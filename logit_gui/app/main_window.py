"""The main window: panels, timeline, settings dock, menus, keyboard, status bar, log.

It wires the views to the controller and owns nothing of the run: every
command goes to :class:`~logit_gui.app.controller.Controller`, every picture
comes back as a frame.
"""

from __future__ import annotations

import contextlib
import html
import logging
import math
import os
import sys
import traceback

from PySide6.QtCore import QEventLoop, QObject, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QFont, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolBar,
    QWidget,
)

from logit_gui.core.errors import LogitError

from .controller import Controller
from .controls import ControlPanel
from logit_gui.model.settings import Settings
from logit_gui.model.status import RunStatus, Status
from logit_gui.render.panel import registry
from logit_gui.render.theme import WINDOW, get_theme

from .export_dialog import ExportDialog, export_panels
from .panel_dock import PanelDock
from .widgets import ElidedLabel, fmt_value

__all__ = ["MainWindow", "SHORTCUTS"]

log = logging.getLogger("logit_gui.app")

#: action name → (menu text, key, what it does)
SHORTCUTS = {
    "play": ("&Play / Pause", "Space", "Start or pause training"),
    "step": ("&Step", "Right", "Show the next iterate; at the newest one, compute exactly one more"),
    "back": ("Step &back", "Left", "Show the previous iterate (pauses training)"),
    "first": ("&First iterate", "Home", "Jump to iterate 0"),
    "last": ("&Last iterate", "End", "Jump to the newest iterate"),
    "reset": ("&Reset", "R", "Start again from θ = 0 with the current settings"),
    "race": ("Race &optimizers…", "Ctrl+R", "Run several optimizers from the same start: curves in the loss panel, "
                                            "paths in the landscape, the table in the race panel"),
    "open": ("&Open CSV…", "Ctrl+O", "Load a data set from a CSV file (last column: the class)"),
    "open_session": ("Open &session…", "Ctrl+Shift+O", "Open a saved session (*.logit.json): data, settings, panels"),
    "save_session": ("&Save session", "Ctrl+S", "Save the session: data, settings, panels and the iterate shown"),
    "save_session_as": ("Save session &as…", "", "Save the session under a new name"),
    "export": ("&Export figure…", "Ctrl+E", "Export one panel or all panels as PNG, SVG or PDF for slides"),
    "save_image": ("Save window &image…", "Ctrl+Shift+S", "Save the whole window as a PNG at twice its size"),
    "export_animation": ("Export &animation…", "Ctrl+Shift+E",
                         "Export the timeline (a range, a step, frames per second) as a GIF or an MP4"),
    "save_history": ("Save &history as CSV…", "", "Every recorded iterate: iteration, J, test J, ‖∇J‖∞, step, θ"),
    "save_model": ("Save &model as JSON…", "", "The model on screen, as logit-gui train --json writes it"),
    "copy_command": ("&Copy as command", "Ctrl+Shift+C",
                     "Copy the logit-gui train and render lines that reproduce this run (and this picture)"),
    "presentation": ("&Presentation scale", "F5", "Larger fonts, lines and markers, for the back of a hall"),
    "presentation_mode": ("Presentation &mode", "F11",
                          "Full screen, the presentation scale and only the classroom controls; F11 or Esc leaves it"),
    "reset_layout": ("Reset &layout", "", "Put every panel back where it was at first"),
    "quit": ("&Quit", "Ctrl+Q", "Close the window (training stops cleanly)"),
}



class _LogBridge(QObject, logging.Handler):
    """A logging handler that hands records to the GUI thread through a signal."""

    record = Signal(str, int)

    def __init__(self):
        QObject.__init__(self)
        logging.Handler.__init__(self, level=logging.INFO)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))

    def emit(self, rec):  # noqa: A003 - logging.Handler API
        try:
            self.record.emit(self.format(rec), rec.levelno)
        except RuntimeError:  # the window is gone
            pass


class MainWindow(QMainWindow):
    dataDone = Signal(bool)   # a data set built in the background is in place (True) or was refused
    def __init__(self, settings: Settings | None = None, *, controller: Controller | None = None,
                 load: bool = True, store: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("main_window")
        #: where the layout, theme and last folders persist between launches
        self.store = store if store is not None else QSettings("logit-gui", "logit-gui")
        self.history = None
        self._pending_csv = None    # a CSV file being read (its errors open a dialog)
        self._before_presentation = None  # (layout, full screen, scale) while in presentation mode
        self.session_path: str | None = None  # the session file on screen, if any
        self._saved_settings = None           # the settings when it was opened or saved
        self._pending_session = None          # (path, Session) being opened
        self.setWindowTitle("logit-gui — logistic regression, trained by cross-entropy")
        self.controller = controller or Controller(settings)
        self.last_error = ""          # the newest error message (for tests and the log)
        self._build_actions()
        self._build_central()
        self._build_docks()
        self._build_panels()
        self._build_menus()
        self._build_status()
        self._connect()
        self.controls.set_settings(self.controller.settings)
        self._fit_screen()
        self._default_state = self.saveState()
        self._restore_layout()
        if load:
            try:
                self.controller.load()
            except LogitError as e:
                self._message(str(e), "error")
            self._dataset_info()

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    def _build_actions(self) -> None:
        st = self.style()
        icons = {
            "play": QStyle.SP_MediaPlay, "step": QStyle.SP_MediaSeekForward, "back": QStyle.SP_MediaSeekBackward,
            "first": QStyle.SP_MediaSkipBackward, "last": QStyle.SP_MediaSkipForward,
            "reset": QStyle.SP_BrowserReload, "open": QStyle.SP_DialogOpenButton,
            "save_image": QStyle.SP_DialogSaveButton, "quit": QStyle.SP_DialogCloseButton,
            "export": QStyle.SP_DialogSaveButton, "presentation": QStyle.SP_DesktopIcon,
            "presentation_mode": QStyle.SP_TitleBarMaxButton,
            "open_session": QStyle.SP_DirOpenIcon, "save_session": QStyle.SP_DialogSaveButton,
            "save_session_as": QStyle.SP_DialogSaveButton, "export_animation": QStyle.SP_MediaPlay,
            "save_history": QStyle.SP_DialogSaveButton, "save_model": QStyle.SP_DialogSaveButton,
            "copy_command": QStyle.SP_FileDialogDetailedView,
            "reset_layout": QStyle.SP_BrowserReload, "race": QStyle.SP_MediaSeekForward,
        }
        short = {"play": "Play", "step": "Step", "back": "Back", "first": "First", "last": "Last", "reset": "Reset"}
        self.actions: dict[str, QAction] = {}
        for name, (text, key, tip) in SHORTCUTS.items():
            a = QAction(st.standardIcon(icons[name]), text, self)
            a.setObjectName(f"action_{name}")
            a.setShortcut(QKeySequence(key))
            # application-wide: also when a button, slider or the floating dock has focus;
            # text fields take their own keys first (Qt's ShortcutOverride), so typing still works
            a.setShortcutContext(Qt.ApplicationShortcut)
            a.setToolTip(f"{tip}  [{QKeySequence(key).toString(QKeySequence.NativeText)}]" if key else tip)
            a.setStatusTip(tip)
            if name in short:
                a.setIconText(short[name])
            self.addAction(a)
            self.actions[name] = a
        c = self.controller
        self.actions["play"].triggered.connect(c.toggle)
        self.actions["step"].triggered.connect(c.step)
        self.actions["back"].triggered.connect(c.back)
        self.actions["first"].triggered.connect(c.first)
        self.actions["last"].triggered.connect(c.last)
        self.actions["reset"].triggered.connect(c.reset)
        self.actions["open"].triggered.connect(self.open_csv_dialog)
        self.actions["save_image"].triggered.connect(self.save_image_dialog)
        self.actions["export"].triggered.connect(lambda: self.export_dialog(None))
        self.actions["presentation"].setCheckable(True)
        self.actions["presentation"].setChecked(self.controller.settings.display.presentation)
        self.actions["presentation"].toggled.connect(self.set_presentation)
        self.actions["reset_layout"].triggered.connect(self.reset_layout)
        self.actions["race"].triggered.connect(self.race_dialog)
        self.actions["open_session"].triggered.connect(self.open_session_dialog)
        self.actions["save_session"].triggered.connect(self.save_session)
        self.actions["save_session_as"].triggered.connect(lambda: self.save_session(ask=True))
        self.actions["export_animation"].triggered.connect(lambda: self.export_animation(None))
        self.actions["save_history"].triggered.connect(self.save_history)
        self.actions["save_model"].triggered.connect(self.save_model)
        self.actions["copy_command"].triggered.connect(self.copy_command)
        self.actions["presentation_mode"].setCheckable(True)
        self.actions["presentation_mode"].toggled.connect(self.set_presentation_mode)
        self.actions["quit"].triggered.connect(self.close)

    def _build_central(self) -> None:
        """Panels are docks around a hidden central widget: the user shows, hides and
        rearranges them; the header and the timeline are fixed bars above and below."""
        central = QWidget()
        central.setObjectName("central")
        self.setCentralWidget(central)
        central.hide()
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.AnimatedDocks | QMainWindow.AllowNestedDocks | QMainWindow.AllowTabbedDocks)
        top = QToolBar("Header", self)
        top.setObjectName("toolbar_header")
        top.setMovable(False)
        top.setFloatable(False)
        top.toggleViewAction().setVisible(False)
        self.header = ElidedLabel("")
        self.header.setObjectName("header")
        f = self.header.font()
        f.setPointSizeF(f.pointSizeF() + WINDOW.header_delta_pt)
        self.header.setFont(f)
        top.addWidget(self.header)
        self.addToolBar(Qt.TopToolBarArea, top)
        self.header_bar = top
        # the timeline: scrub through the recorded iterates
        bar = QToolBar("Timeline", self)
        bar.setObjectName("toolbar_timeline")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.toggleViewAction().setVisible(False)
        tl = QWidget()
        lay = QHBoxLayout(tl)
        lay.setContentsMargins(4, 0, 4, 0)
        self.timeline = QSlider(Qt.Horizontal)
        self.timeline.setObjectName("timeline")
        self.timeline.setRange(0, 0)
        self.timeline.setToolTip(
            "Timeline: every recorded iterate (very long runs keep the first, the newest and a thinned\n"
            "selection in between). Drag to show any of them in all panels; ← → step, Home / End jump."
        )
        self.timeline_label = QLabel("k = 0")
        self.timeline_label.setObjectName("timeline_label")
        self.timeline_label.setToolTip(self.timeline.toolTip())
        tlab = QLabel("iteration")
        tlab.setToolTip(self.timeline.toolTip())
        lay.addWidget(tlab)
        lay.addWidget(self.timeline, 1)
        lay.addWidget(self.timeline_label)
        tl.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        bar.addWidget(tl)
        self.addToolBar(Qt.BottomToolBarArea, bar)
        self.timeline_bar = bar

    def _build_panels(self) -> None:
        """One dock per registered panel: boundary on the left, the others stacked on the right."""
        self.panel_docks: dict[str, PanelDock] = {}
        display = self.controller.settings.display
        theme = self.theme()
        placed = []   # the panels the app opens with: the first on the left, the others stacked right
        extra = []    # the others: tabbed behind the last one, hidden until the View menu shows them
        for pid, spec in registry().items():
            dock = PanelDock(spec, theme, display.options(pid, spec.Options), self)
            dock.optionsChanged.connect(self._on_panel_options)
            dock.exportRequested.connect(lambda pid: self.export_dialog(pid))
            dock.copyRequested.connect(self.copy_image)
            dock.requested.connect(self._on_panel_request)
            dock.visibilityChanged.connect(lambda visible, d=dock: visible and self._redraw_dock(d))
            if spec.default:
                if not placed:
                    self.addDockWidget(Qt.RightDockWidgetArea, dock)
                else:
                    self.splitDockWidget(placed[-1], dock, Qt.Horizontal if len(placed) == 1 else Qt.Vertical)
                placed.append(dock)
            else:
                extra.append(dock)
            self.panel_docks[pid] = dock
        for dock in extra:
            if placed:
                self.tabifyDockWidget(placed[-1], dock)
            else:
                self.addDockWidget(Qt.RightDockWidgetArea, dock)
            dock.hide()
        if placed:
            placed[-1].raise_()

    def _build_docks(self) -> None:
        self.controls = ControlPanel(self.actions)
        dock = QDockWidget("Settings", self)
        dock.setObjectName("dock_settings")
        dock.setWidget(self.controls)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                         | QDockWidget.DockWidgetClosable)
        self.controls.setMinimumWidth(300)
        self.addDockWidget(Qt.LeftDockWidgetArea, dock)
        self.settings_dock = dock
        self.log_view = QPlainTextEdit()
        self.log_view.setObjectName("log")
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(2000)
        self.log_view.setToolTip("Messages, warnings and errors (also written to the terminal).")
        ldock = QDockWidget("Log", self)
        ldock.setObjectName("dock_log")
        ldock.setWidget(self.log_view)
        self.addDockWidget(Qt.BottomDockWidgetArea, ldock)
        ldock.hide()
        self.log_dock = ldock
        self._log_bridge = _LogBridge()
        self._log_bridge.record.connect(self._append_log)
        logging.getLogger("logit_gui").addHandler(self._log_bridge)
        logging.getLogger("logit_gui").setLevel(logging.INFO)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        m.addAction(self.actions["open_session"])
        self.recent_menu = m.addMenu("Recent sessions")
        self.recent_menu.setObjectName("menu_recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addAction(self.actions["save_session"])
        m.addAction(self.actions["save_session_as"])
        self.scenarios_menu = mb.addMenu("S&cenarios")
        self.scenarios_menu.setObjectName("menu_scenarios")
        self._fill_scenarios()
        m.addSeparator()
        m.addAction(self.actions["open"])
        m.addSeparator()
        m.addAction(self.actions["export"])
        m.addAction(self.actions["export_animation"])
        m.addAction(self.actions["save_image"])
        m.addAction(self.actions["save_history"])
        m.addAction(self.actions["save_model"])
        m.addAction(self.actions["copy_command"])
        m.addSeparator()
        m.addAction(self.actions["quit"])
        m = mb.addMenu("&Run")
        for name in ("play", "step", "back", "first", "last"):
            m.addAction(self.actions[name])
        m.addSeparator()
        m.addAction(self.actions["reset"])
        m.addAction(self.actions["race"])
        m = mb.addMenu("&View")
        m.setObjectName("menu_view")
        for dock in self.panel_docks.values():
            m.addAction(dock.toggleViewAction())
        m.addSeparator()
        m.addAction(self.settings_dock.toggleViewAction())
        m.addAction(self.log_dock.toggleViewAction())
        m.addSeparator()
        themes = QActionGroup(self)
        self.theme_actions = {}
        for name in ("light", "dark"):
            a = m.addAction(f"{name.capitalize()} theme")
            a.setObjectName(f"action_theme_{name}")
            a.setCheckable(True)
            a.setChecked(self.controller.settings.display.theme == name)
            a.setToolTip({"light": "Light panels: projectors and paper", "dark": "Dark panels"}[name])
            a.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            themes.addAction(a)
            self.theme_actions[name] = a
        m.addAction(self.actions["presentation"])
        m.addAction(self.actions["presentation_mode"])
        m.addSeparator()
        m.addAction(self.actions["reset_layout"])
        m = mb.addMenu("&Help")
        a = m.addAction("&Keyboard shortcuts")
        a.triggered.connect(self._show_keys)
        a = m.addAction("&About")
        a.triggered.connect(self._show_about)

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.status_chip = QLabel("paused")
        self.status_chip.setObjectName("status_chip")
        self.status_chip.setAlignment(Qt.AlignCenter)
        self.status_chip.setMinimumWidth(96)
        self.status_chip.setToolTip("Run status: running, paused, converged (‖∇J‖∞ ≤ tol), max_iter,\n"
                                    "diverged (the loss exploded: last finite iterate kept), separable\n"
                                    "(the training data are perfectly separated: without a penalty the\n"
                                    "weights grow without bound), history (an earlier iterate is shown).")
        self.status_fields: dict[str, QLabel] = {}
        tips = {
            "k": "Iteration k of the iterate shown.",
            "objective": "Objective J(θ) on the training data (and on the test data).",
            "grad": "‖∇J(θ)‖∞, the largest gradient component (the stopping criterion).",
            "acc": "Accuracy: fraction of samples with argmax_k p_k = true class (train / test);\n"
                   "bal.: balanced accuracy, the mean of the per-class recalls (shown where it differs).",
            "step": "Step size actually taken to reach this iterate (learning rate or line-search step).",
        }
        mono = QFont(WINDOW.mono_family)
        mono.setStyleHint(QFont.Monospace)
        for name in ("k", "objective", "grad", "acc", "step"):
            lab = QLabel("")
            lab.setObjectName(f"status_{name}")
            lab.setToolTip(tips[name])
            lab.setFont(mono)
            lab.setStyleSheet(f"QLabel {{ padding: 0px 10px; border-left: 1px solid {WINDOW.field_separator}; }}")
            sb.addPermanentWidget(lab)
            self.status_fields[name] = lab
        from PySide6.QtWidgets import QProgressBar

        self.build_progress = QProgressBar()
        self.build_progress.setObjectName("build_progress")
        self.build_progress.setRange(0, 0)  # busy: how long a build takes is not known in advance
        self.build_progress.setMaximumWidth(120)
        self.build_progress.setToolTip("A data set is being built in the background; the old one stays until it is ready.")
        self.build_progress.hide()
        sb.addPermanentWidget(self.build_progress)
        sb.addPermanentWidget(self.status_chip)
        self.status_chip.setText("")
        self._set_chip(RunStatus(Status.PAUSED))

    def _connect(self) -> None:
        c = self.controller
        c.viewChanged.connect(self._on_view)
        c.historyChanged.connect(self._on_history)
        c.frameChanged.connect(self._on_frame)
        c.statusChanged.connect(self._on_status)
        c.message.connect(self._message)
        c.building.connect(self._on_building)
        c.dataApplied.connect(self._on_data_applied)
        c.playingChanged.connect(self._on_playing)
        c.lipschitzChanged.connect(self.controls.set_lipschitz)
        self.timeline.valueChanged.connect(self._on_timeline)
        ctl = self.controls
        ctl.dataChanged.connect(self._on_data_settings)
        ctl.modelChanged.connect(self._on_model_settings)
        ctl.optimizerChanged.connect(lambda: self._applied(c.apply_optimizer(ctl.optimizer_settings())))
        ctl.runChanged.connect(lambda: c.apply_run(ctl.run_settings()))
        ctl.valueRejected.connect(lambda text: self._message(text, "warning"))

    # ------------------------------------------------------------------
    # controller → views
    # ------------------------------------------------------------------
    def _on_view(self, view) -> None:
        for dock in self.panel_docks.values():
            dock.set_view(view)
        self._update_header()

    def _on_history(self, history) -> None:
        self.history = history

    def _on_frame(self, frame) -> None:
        view, history = self.controller.view, self.controller.run.history
        for dock in self.panel_docks.values():
            if dock.isVisible():  # hidden panels compute and draw nothing
                dock.draw(view, history, frame)

    def _redraw_dock(self, dock) -> None:
        c = self.controller
        if c.frame is not None and c.view is not None and c.run is not None:
            dock.draw(c.view, c.run.history, c.frame)

    def _on_panel_options(self, pid: str, options) -> None:
        old = self.controller.settings.display
        display = old.with_options(pid, options)
        self.controller.set_display(display)
        shared = [n for n in display.SHARED if getattr(display, n) != getattr(old, n)]
        for other, dock in self.panel_docks.items():
            if other == pid or shared:  # a shared option (the threshold) moves every panel that has it
                dock.set_options(display.options(other, dock.spec.Options))
                if dock.isVisible():
                    self._redraw_dock(dock)

    def _on_panel_request(self, request) -> None:
        """A panel asks for something (model/requests.py): the controller does it."""
        from logit_gui.model.requests import AddSample, DeleteSample, MoveSample, RestartFrom, SetThreshold

        if isinstance(request, (AddSample, MoveSample, DeleteSample)):
            self.controller.edit_data(request)
        elif isinstance(request, RestartFrom):
            self.controller.restart_from(request.coef, request.intercept)
        elif isinstance(request, SetThreshold):
            import dataclasses

            display = dataclasses.replace(self.controller.settings.display,
                                          threshold=min(1.0, max(0.0, float(request.threshold))))
            self.controller.set_display(display)
            for pid, dock in self.panel_docks.items():
                dock.set_options(display.options(pid, dock.spec.Options))
                if dock.isVisible():
                    self._redraw_dock(dock)

    @staticmethod
    def _set_text(label: QLabel, text: str) -> None:
        """Set a label that changes every frame; its width only ever grows, so the
        numbers neither jitter nor make the status bar lay out (and repaint the
        window) again at each frame."""
        if label.text() == text:
            return
        label.setText(text)
        width = label.sizeHint().width()
        if width > label.minimumWidth():
            label.setMinimumWidth(width)

    def _on_status(self, s: dict) -> None:
        f = self.status_fields
        put = self._set_text
        put(f["k"], f"k = {s['k']}")
        obj = f"J = {s['objective']:.5g}"
        if s["test_objective"] is not None and math.isfinite(s["test_objective"]):
            obj += f"  (test {s['test_objective']:.5g})"
        put(f["objective"], obj)
        put(f["grad"], f"‖∇J‖∞ = {s['grad_norm']:.3g}")
        acc = f"acc {100 * s['train_acc']:.1f}%"
        bal = s.get("train_bal_acc")
        if bal is not None and math.isfinite(bal) and abs(bal - s["train_acc"]) >= 0.0005:
            acc += f" (bal. {100 * bal:.1f}%)"  # differs from accuracy when the classes are imbalanced
        if s["test_acc"] is not None:
            acc += f" / test {100 * s['test_acc']:.1f}%"
        put(f["acc"], acc)
        put(f["step"], f"step {fmt_value(s['step_size'])}")
        status = s["status"]
        self._set_chip(status)
        self.status_chip.setToolTip(self.status_chip.toolTip().split("\n\n")[0]
                                    + ("\n\n" + "\n".join(status.notes) if status.notes else ""))
        # timeline
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, max(0, s["length"] - 1))
        self.timeline.setValue(s["index"])
        self.timeline.blockSignals(False)
        put(self.timeline_label, f"k = {s['k']} of {s['last_k']}   ({s['index'] + 1}/{s['length']} kept)")
        self.status = s

    def _set_chip(self, status) -> None:
        """Show ``status`` (a RunStatus) in the chip: its words and its colours."""
        text = status.text
        fg, bg = WINDOW.status_colors(status.key)
        self.status_text = text
        if self.status_chip.text() == f" {text} ":
            return
        self.status_chip.setText(f" {text} ")
        self.status_chip.setStyleSheet(
            f"QLabel {{ color: {fg}; background: {bg}; border-radius: 4px; padding: 2px 8px; font-weight: bold; }}"
        )

    def _on_playing(self, playing: bool) -> None:
        a = self.actions["play"]
        a.setIcon(self.style().standardIcon(QStyle.SP_MediaPause if playing else QStyle.SP_MediaPlay))
        a.setIconText("Pause" if playing else "Play")

    def _on_timeline(self, value: int) -> None:
        self.controller.seek(value)

    @contextlib.contextmanager
    def busy(self, text: str):
        """Work that may take a moment on the GUI thread (building a large data set,
        its features and grid, reading a CSV file): a wait cursor and a status
        message that is painted before the work starts."""
        QApplication.setOverrideCursor(Qt.WaitCursor)
        self.statusBar().setStyleSheet("")
        self.statusBar().showMessage(text)
        QApplication.processEvents(QEventLoop.ExcludeUserInputEvents)
        try:
            yield
        finally:
            QApplication.restoreOverrideCursor()
            if self.statusBar().currentMessage() == text:
                self.statusBar().clearMessage()

    def _on_data_settings(self) -> None:
        self.controller.apply_data(self.controls.data_settings())  # built off the GUI thread

    def _on_building(self, what: str) -> None:
        """A data set is being built in the background: say so, with a busy bar; the
        window goes on (the old data stay until the new are ready)."""
        if what:
            self.build_progress.show()
            self.statusBar().setStyleSheet("")
            self.statusBar().showMessage(what)
            self.statusBar().setToolTip(what)
        else:
            self.build_progress.hide()
            if self.statusBar().currentMessage().endswith("…"):
                self.statusBar().clearMessage()

    def _on_data_applied(self, ok: bool, source) -> None:
        if self._pending_session is not None:
            self._session_opened(ok)
            self.dataDone.emit(ok)
            return
        if self._applied(ok):
            self._dataset_info()
            d = self.controller.settings.data
            if d.source == "painted":
                self.controls.add_painted_source()
            if d.source == "csv" and d.path:
                self.controls.add_csv_source(d.path, os.path.basename(d.path))
                with self.controls.quietly():
                    self.controls.degree.setValue(d.degree)
                self._message(f"loaded {d.path}: {source.n:,} rows, {source.X.shape[1]} features, "
                              f"{len(source.classes)} classes")
        elif self._pending_csv is not None:
            self.error_box("Cannot open the CSV file", self.last_error)
        self._pending_csv = None
        self.dataDone.emit(ok)

    def _on_model_settings(self) -> None:
        n = self.controller.dataset.n if self.controller.dataset is not None else 0
        with self.busy(f"building the model on {n:,} samples…"):
            ok = self.controller.apply_model(self.controls.model_settings())
        self._applied(ok)

    def _applied(self, ok: bool) -> bool:
        """After a settings change: on success update the header; on failure (the message
        is in the status bar) put the dock back to what is actually running."""
        if ok:
            self._update_header()
        else:
            self.controls.set_settings(self.controller.settings)
            self._dataset_info()
        return ok

    def _dataset_info(self) -> None:
        c = self.controller
        if c.source_dataset is None:
            return
        ds = c.source_dataset  # before "X vs rest": all its classes can be chosen
        self.controls.set_dataset_info(ds.classes, ds.feature_names, c.settings.data.positive)
        self._update_header()

    def _update_header(self) -> None:
        c = self.controller
        if c.problem is None:
            return
        p = c.problem
        d, m, o = c.settings.data, c.settings.model, c.settings.optimizer
        name = os.path.basename(d.path) if d.source in ("csv", "npz") and d.path else c.dataset.name
        ntr = p.train.n
        nte = p.test.n if p.test is not None else 0
        data = f"{name}  n = {ntr:,}" + (f" + {nte:,} test" if nte else "")
        feats = f"degree {d.degree}" + (", standardized" if d.standardize else "") + f" → {p.objective.d} features"
        kind = {"binary": "binary logistic", "softmax": "softmax", "ovr": "one-vs-rest"}[p.kind]
        pen = []
        if m.l2:
            pen.append(f"λ₂ = {fmt_value(m.l2)}")
        if m.l1:
            pen.append(f"λ₁ = {fmt_value(m.l1)}")
        if m.class_weight:
            pen.append(f"weights {m.class_weight if isinstance(m.class_weight, str) else 'custom'}")
        model = kind + (" (" + ", ".join(pen) + ")" if pen else "")
        params = o.as_dict()
        opt = o.method
        if "lr" in params:
            opt += f", η = {fmt_value(params['lr'])}"
        self.header.setText("   │   ".join([data, feats, model, opt]))
        session = ""
        if self.session_path:
            base = os.path.basename(self.session_path)
            session = base[: -len(".logit.json")] if base.endswith(".logit.json") else base
            session = f"{session}{' *' if self.session_dirty else ''} — "
        self.setWindowTitle(f"{session}logit-gui — {name}, {kind}, {o.method}")

    def _message(self, text: str, level: str = "info") -> None:
        color = WINDOW.message_color(level)
        self.statusBar().setStyleSheet(f"QStatusBar {{ color: {color}; }}" if color else "")
        self.statusBar().setToolTip(text)  # a long message is cut at the window's edge: whole on hover
        self.statusBar().showMessage(text, 0 if level == "error" else 12000)
        if level == "error":
            self.last_error = text  # already logged where it happened
        elif level == "warning":
            log.warning(text)
        else:
            log.info(text)

    def report_unexpected(self, exc_type, exc, tb) -> None:
        """``sys.excepthook`` while the window is open: an exception escaping a slot
        or an event handler (a bug) reaches the status bar and the log, with its
        traceback, and the app goes on; it is never silently lost."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)).rstrip())
        self._message(f"internal error: {exc_type.__name__}: {exc} (the log, View → Log, has the details)", "error")

    def _append_log(self, text: str, level: int) -> None:
        self.log_view.appendPlainText(text)

    # ------------------------------------------------------------------
    # files
    # ------------------------------------------------------------------
    def open_csv_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a CSV data set", "", "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.open_csv(path)

    def open_csv(self, path: str) -> None:
        """Read ``path`` in the background; when it is ready it becomes the data set
        (``dataDone(True)``); on a problem a dialog says what and where, and the previous
        data stay (``dataDone(False)``)."""
        self._pending_csv = path
        self.controller.open_csv(path)

    def error_box(self, title: str, text: str) -> QMessageBox:
        """A window-modal, non-blocking error dialog (tests can find and close it)."""
        self.last_error = text
        box = QMessageBox(QMessageBox.Critical, title, text, QMessageBox.Ok, self)
        box.setObjectName("error_box")
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        return box

    def save_image_dialog(self) -> None:
        folder = str(self.store.value("export/folder", os.path.expanduser("~")))
        path, _ = QFileDialog.getSaveFileName(self, "Save window image", os.path.join(folder, "logit-gui.png"),
                                              "PNG images (*.png)")
        if path:
            self.store.setValue("export/folder", os.path.dirname(os.path.abspath(path)))
            self.save_window_image(path)

    def save_window_image(self, path: str, scale: float = 2.0) -> bool:
        """Save the window as a PNG (crisp on a slide at 2×); a problem opens a dialog."""
        try:
            self.save_image(path, scale=scale)
        except (LogitError, OSError) as e:
            log.error("cannot save %s: %s", path, e)
            self.error_box("Cannot save the image", str(e))
            return False
        self._message(f"saved {path}")
        return True

    def save_image(self, path: str, scale: float = 1.0, widget: QWidget | None = None) -> QImage:
        """Render ``widget`` (default: the whole window) to a PNG at ``scale`` × its size.

        Rendering into an image with a device-pixel ratio scales lines and text with
        the picture (a plain grab at 2× would keep 1-px lines).
        """
        w = widget or self
        img = QImage(int(w.width() * scale), int(w.height() * scale), QImage.Format_ARGB32)
        img.setDevicePixelRatio(scale)
        img.fill(Qt.white)
        painter = QPainter(img)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setRenderHint(QPainter.TextAntialiasing)
        w.render(painter, QPoint())
        painter.end()
        from PySide6.QtCore import QBuffer, QIODevice

        from logit_gui.core.fileio import write_output

        buf = QBuffer()
        buf.open(QIODevice.WriteOnly)
        img.save(buf, "PNG")
        write_output(path, bytes(buf.data()))  # atomic; OutputError names the path
        return img

    # ------------------------------------------------------------------
    # ------------------------------------------------------------------
    # layout, theme, presentation
    # ------------------------------------------------------------------
    def _fit_screen(self) -> None:
        """A comfortable size that never exceeds the screen (a 1280 × 720 projector too)."""
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        w, h = 1560, 940
        if screen is not None and screen.width() > 0:
            w, h = min(w, screen.width()), min(h, screen.height())
        self.resize(w, h)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            if self.store.value("window/state") is None:  # first launch: a narrow settings dock
                w = self.width()
                want = self.controls.sizeHint().width() + 24  # its widgets, and a scroll bar
                self.resizeDocks([self.settings_dock, self.panel_docks[next(iter(self.panel_docks))]],
                                 [max(300, min(want, w // 3)), int(w * 0.4)], Qt.Horizontal)

    def _restore_layout(self) -> None:
        st = self.store
        theme = st.value("display/theme", None)
        if theme in ("light", "dark") and theme != self.controller.settings.display.theme:
            self.set_theme(theme)
        pres = st.value("display/presentation", None)
        if pres is not None and (str(pres).lower() == "true") != self.controller.settings.display.presentation:
            self.actions["presentation"].setChecked(str(pres).lower() == "true")
        geometry, state = st.value("window/geometry"), st.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def save_layout(self) -> None:
        st = self.store
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/state", self.saveState())
        st.setValue("display/theme", self.controller.settings.display.theme)
        st.setValue("display/presentation", self.controller.settings.display.presentation)
        st.sync()

    def reset_layout(self) -> None:
        """Every panel and dock back where it was at first (and shown)."""
        self.restoreState(self._default_state)
        for dock in self.panel_docks.values():
            dock.show()
        self.settings_dock.show()
        self._message("layout reset")

    def set_presentation_mode(self, on: bool) -> None:
        """Full screen, the presentation scale, the classroom subset of the controls, the
        log hidden; the keys still work. Leaving restores the layout and the scale."""
        if on == (self._before_presentation is not None):
            return
        if on:
            self._before_presentation = (self.saveState(), self.isFullScreen(),
                                         self.controller.settings.display.presentation)
            self.log_dock.hide()
            self.controls.set_classroom(True)
            self.set_presentation(True)
            self.showFullScreen()
            self._message("presentation mode: F11 or Esc leaves it")
        else:
            before, self._before_presentation = self._before_presentation, None
            state, was_full, scale = before
            if not was_full:
                self.showNormal()
            self.controls.set_classroom(False)
            self.set_presentation(scale)
            self.restoreState(state)
        if self.actions["presentation_mode"].isChecked() != on:
            self.actions["presentation_mode"].setChecked(on)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key_Escape and self._before_presentation is not None:
            self.set_presentation_mode(False)
            return
        super().keyPressEvent(event)

    def theme(self, name: str | None = None, presentation: bool | None = None):
        d = self.controller.settings.display
        return get_theme(name or d.theme, presentation=d.presentation if presentation is None else presentation)

    def _set_display(self, **changes) -> None:
        import dataclasses

        display = dataclasses.replace(self.controller.settings.display, **changes)
        self.controller.set_display(display)
        theme = self.theme()
        for dock in self.panel_docks.values():
            dock.set_theme(theme)
            self._redraw_dock(dock)

    def set_theme(self, name: str) -> None:
        """Draw the panels in theme ``name`` (light | dark)."""
        if name != self.controller.settings.display.theme:
            self._set_display(theme=name)
        self.theme_actions[name].setChecked(True)

    def set_presentation(self, on: bool) -> None:
        """Presentation scale: fonts, lines and markers ×1.75 in every panel and the window's text."""
        if on != self.controller.settings.display.presentation:
            self._set_display(presentation=on)
        f = QApplication.font()
        base = self._base_font_pt if hasattr(self, "_base_font_pt") else f.pointSizeF()
        self._base_font_pt = base
        f.setPointSizeF(base * (WINDOW.presentation_font_factor if on else 1.0))
        self.header.setFont(f)
        self.statusBar().setFont(f)
        if self.actions["presentation"].isChecked() != on:
            self.actions["presentation"].setChecked(on)

    # ------------------------------------------------------------------
    # sessions
    # ------------------------------------------------------------------
    @property
    def session_dirty(self) -> bool:
        """The settings changed since the session file on screen was opened or saved."""
        return self.session_path is not None and self.controller.settings != self._saved_settings

    def current_session(self, *, embed_data: bool = False, with_history: bool = False):
        from logit_gui.model.session import Session, compact_history, embed, file_checksum

        c = self.controller
        d = c.settings.data
        checksum = None
        if d.source in ("csv", "npz") and d.path and os.path.isfile(d.path):
            checksum = file_checksum(d.path)
        panels = tuple(pid for pid, dock in self.panel_docks.items() if dock.isVisible())
        cursor_k = None if c.cursor.follow else c.cursor.k
        import base64

        layout = base64.b64encode(bytes(self.saveState())).decode("ascii")
        embed_data = embed_data or d.source == "painted"  # painted data exist nowhere else
        return Session(c.settings, panels=panels, cursor_k=cursor_k,
                       history=compact_history(c.run.history) if with_history and c.run else None,
                       embedded=embed(c.source_dataset) if embed_data and c.source_dataset is not None else None,
                       checksum=checksum, layout=layout)

    def save_session(self, ask: bool = False, path: str | None = None, *, embed_data: bool = False,
                     with_history: bool = False) -> bool:
        """File → Save session (Ctrl+S): to the session's file, or ask where (and whether to
        embed the data and the history)."""
        from logit_gui.model.session import SUFFIX, save_session

        if path is None and (ask or self.session_path is None):
            from .session_dialog import SaveSessionDialog

            folder = str(self.store.value("session/folder", os.path.expanduser("~")))
            dlg = SaveSessionDialog(self.session_path or os.path.join(folder, f"lecture{SUFFIX}"), self)
            if dlg.exec() != SaveSessionDialog.Accepted:
                return False
            path, embed_data, with_history = dlg.choice()
        path = path or self.session_path
        if not path.endswith(SUFFIX):
            path += SUFFIX
        try:
            save_session(path, self.current_session(embed_data=embed_data, with_history=with_history))
        except LogitError as e:
            log.error("cannot save the session: %s", e)
            self.error_box("Cannot save the session", str(e))
            return False
        self._set_session(path)
        self._message(f"saved the session {path}")
        return True

    def open_session_dialog(self) -> None:
        from logit_gui.model.session import SUFFIX

        folder = str(self.store.value("session/folder", os.path.expanduser("~")))
        path, _ = QFileDialog.getOpenFileName(self, "Open a session", folder,
                                              f"logit-gui sessions (*{SUFFIX});;All files (*)")
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> bool:
        """Open a session file: asks first when the current session has unsaved changes; on
        a problem a dialog says what, and the current session stays untouched."""
        from logit_gui.model.session import embedded_dataset, load_session

        if self.session_dirty and not self.confirm_discard():
            return False
        try:
            session = load_session(path)
            source = embedded_dataset(session)
        except LogitError as e:
            log.error("cannot open the session %s: %s", path, e)
            self.error_box("Cannot open the session", str(e))
            return False
        self._pending_session = (path, session)
        self.controller.open_settings(session.settings, source=source, cursor_k=session.cursor_k)
        return True

    def _session_opened(self, ok: bool) -> None:
        """The build of a session being opened ended: show its panels, theme and layout."""
        pending, self._pending_session = self._pending_session, None
        if pending is None or not ok:
            if pending is not None:
                self.error_box("Cannot open the session", self.last_error)
            return
        path, session = pending
        import base64

        from PySide6.QtCore import QByteArray

        if session.layout:
            try:
                self.restoreState(QByteArray(base64.b64decode(session.layout)))
            except (ValueError, TypeError):
                pass
        if session.panels:
            for pid, dock in self.panel_docks.items():
                dock.setVisible(pid in session.panels)
        d = self.controller.settings.display
        for pid, dock in self.panel_docks.items():
            dock.set_options(d.options(pid, dock.spec.Options))
        self.set_theme(d.theme)
        self.set_presentation(d.presentation)
        self.controls.set_settings(self.controller.settings)
        self._dataset_info()
        self._set_session(path)
        self._message(f"opened the session {path}")

    def _set_session(self, path: str | None) -> None:
        self.session_path = path
        self._saved_settings = self.controller.settings
        if path:
            self.store.setValue("session/folder", os.path.dirname(os.path.abspath(path)))
            recent = [p for p in self.recent_sessions() if p != path]
            self.store.setValue("session/recent", [path, *recent][:8])
        self._update_header()

    def recent_sessions(self) -> list[str]:
        value = self.store.value("session/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(p) for p in (value or [])]

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent_sessions()
        if not paths:
            a = self.recent_menu.addAction("(none yet)")
            a.setEnabled(False)
        for p in paths:
            a = self.recent_menu.addAction(os.path.basename(p), lambda p=p: self.open_session(p))
            a.setToolTip(p)
            a.setEnabled(os.path.isfile(p))

    def _fill_scenarios(self) -> None:
        from logit_gui.model.scenarios import scenarios

        for name, title, path in scenarios():
            a = self.scenarios_menu.addAction(title, lambda p=path: self.open_session(p))
            a.setObjectName(f"scenario_{name}")

    def confirm_discard(self) -> bool:
        """Unsaved changes to the session: save, discard, or cancel (False)."""
        box = QMessageBox(QMessageBox.Question, "Unsaved changes",
                          f"The session {os.path.basename(self.session_path or '')} has unsaved changes.",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save_session()
        return answer == QMessageBox.Discard

    # ------------------------------------------------------------------
    # export
    # ------------------------------------------------------------------
    def export_dialog(self, panel_id: str | None = None) -> None:
        """File → Export… (or a panel's context menu): choose panels, format, scale, theme."""
        c = self.controller
        if c.frame is None:
            self.error_box("Nothing to export", "There is no model on screen yet.")
            return
        folder = str(self.store.value("export/folder", os.path.expanduser("~")))
        dlg = ExportDialog(list(self.panel_docks), panel_id, c.settings.display, folder, self)
        if dlg.exec() != ExportDialog.Accepted:
            return
        choice = dlg.choice()
        self.store.setValue("export/folder", os.path.dirname(os.path.abspath(choice.path)))
        try:
            with self.busy(f"exporting {os.path.basename(choice.path)}…"):
                export_panels(choice, c.view, c.run.history, c.frame, c.settings.display)
        except LogitError as e:
            log.error("export failed: %s", e)
            self.error_box("Cannot export the figure", str(e))
            return
        self._message(f"exported {choice.path}")

    def _folder(self) -> str:
        return str(self.store.value("export/folder", os.path.expanduser("~")))

    def _wrote(self, path) -> None:
        if path:
            self.store.setValue("export/folder", os.path.dirname(os.path.abspath(path)))
            self._message(f"saved {path}")

    def export_animation(self, panel_id: str | None = None) -> None:
        """File → Export animation…: the timeline as GIF or MP4, with progress and Cancel."""
        from logit_gui.render.animate import AnimationCancelled

        from .animation_dialog import export_animation_dialog

        c = self.controller
        if c.run is None or c.view is None:
            return
        shown = [pid for pid, d in self.panel_docks.items() if d.isVisible()]
        try:
            path = export_animation_dialog(self, c.view, c.run.history, c.settings.display, shown or list(
                self.panel_docks), self._folder(), current=panel_id)
        except AnimationCancelled:
            self._message("animation export cancelled: nothing was written")
            return
        except LogitError as e:
            log.error("animation export failed: %s", e)
            self.error_box("Cannot export the animation", str(e))
            return
        self._wrote(path)

    def save_history(self, path: str | None = None) -> None:
        from .animation_dialog import save_history_dialog

        c = self.controller
        try:
            self._wrote(save_history_dialog(self, c.run.history, c.problem, self._folder(), path=path))
        except LogitError as e:
            self.error_box("Cannot save the history", str(e))

    def save_model(self, path: str | None = None) -> None:
        from .animation_dialog import save_model_dialog

        c = self.controller
        try:
            self._wrote(save_model_dialog(self, c.problem, c.shown_iterate, c.settings.optimizer.method,
                                          c.dataset.warnings if c.dataset is not None else (),
                                          self._folder(), path=path))
        except LogitError as e:
            self.error_box("Cannot save the model", str(e))

    def copy_command(self) -> str:
        """The train and render lines that reproduce the run on screen, to the clipboard."""
        from logit_gui.model.commandline import command_line

        c = self.controller
        shown = [pid for pid, d in self.panel_docks.items() if d.isVisible()]
        k = c.shown_iterate.k if c.shown_iterate is not None else 0
        text = (command_line(c.settings, "train") + "\n"
                + command_line(c.settings, "render", iterations=k, panels=shown, out="figure.png") + "\n")
        QApplication.clipboard().setText(text)
        self._message("copied the logit-gui train and render lines that reproduce this run")
        return text

    def race_dialog(self) -> None:
        """Run → Race optimizers…: choose the methods (each with its parameters as set in the
        dock for the current method, its defaults otherwise) and race them."""
        from .race_dialog import RaceDialog

        dlg = RaceDialog(self.controller.settings.optimizer, self)
        if dlg.exec() != RaceDialog.Accepted:
            return
        self.race(dlg.methods())

    def race(self, methods) -> None:
        if len(methods) < 2:
            self._message("a race needs at least two optimizers", "warning")
            return
        for pid in ("race", "loss"):
            if pid in self.panel_docks:
                self.panel_docks[pid].show()
        self.controller.start_race(methods)

    def copy_image(self, panel_id: str) -> None:
        """A panel's picture, at twice its size, to the clipboard."""
        from logit_gui.render.export import render_image
        from logit_gui.render.figure import Figure

        c = self.controller
        if c.frame is None:
            return
        dock = self.panel_docks[panel_id]
        size = dock.graphics.size()
        fig = Figure([panel_id], self.theme().scaled(2.0), (size.width() * 2, size.height() * 2))
        try:
            fig.draw(c.view, c.run.history, c.frame, c.settings.display)
            QApplication.clipboard().setImage(render_image(fig))
        finally:
            fig.close()
        self._message(f"copied “{dock.spec.title}” to the clipboard")

    def _show_keys(self) -> None:
        rows = "".join(
            f"<tr><td><b>{QKeySequence(k).toString(QKeySequence.NativeText)}</b></td><td>{html.escape(t)}</td></tr>"
            for _, (_, k, t) in SHORTCUTS.items()
        )
        QMessageBox.information(self, "Keyboard shortcuts", f"<table cellpadding=4>{rows}</table>"
                                "<p>The keys work everywhere in the window except while typing in a text field.</p>")

    def _show_about(self) -> None:
        from logit_gui import __version__

        QMessageBox.about(self, "About logit-gui",
                          f"<b>logit-gui {__version__}</b><p>Logistic regression trained by cross-entropy, "
                          "one iterate at a time.</p>")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.session_dirty and not self.confirm_discard():
            event.ignore()
            return
        self.save_layout()
        self.controller.shutdown()
        logging.getLogger("logit_gui").removeHandler(self._log_bridge)
        super().closeEvent(event)

