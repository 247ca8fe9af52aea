"""File → Export animation…, Save history as CSV…, Save model as JSON…

One function per action, for the window's File menu; each returns the path it
wrote, None when the user closed the dialog, and raises
:class:`~logit_gui.core.errors.LogitError` (one line) when it cannot write:

* :func:`export_animation_dialog` — the timeline as a GIF or an MP4. The
  dialog chooses the panels, the range of iterations, the step, the frames per
  second, the format, the theme (and presentation scale, resolution) and the
  file; a :class:`QProgressDialog` with **Cancel** follows the frames (events
  are processed between two frames, so the window stays alive). Cancel raises
  :class:`~logit_gui.render.animate.AnimationCancelled` and leaves no file,
  nor a temporary one; the file at the path, if any, is untouched. MP4 is
  offered when imageio-ffmpeg is installed (the extra ``video``), else the
  dialog says what to install.
* :func:`save_history_dialog` — the recorded iterates as CSV
  (:func:`logit_gui.model.report.history_csv`).
* :func:`save_model_dialog` — the model on screen as the JSON ``train --json``
  writes (:func:`logit_gui.model.report.model_report`).

:func:`run_animation` is the export without a dialog (the same frames, the
same files as ``logit-gui render --out run.gif --frames A:B:STEP``).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from logit_gui.core.errors import LogitError
from logit_gui.model.report import model_report, write_history_csv, write_model_json
from logit_gui.render.animate import (
    DEFAULT_FPS,
    MAX_FPS,
    MAX_FRAMES,
    MAX_GIF_FPS,
    MAX_GIF_PIXELS,
    MIN_FPS,
    VIDEO_EXTRA,
    AnimationCancelled,
    AnimationError,
    FrameRange,
    animation_format,
    check_fps,
    check_gif_size,
    check_writer,
    default_frames,
    export_animation,
    frame_count,
    frame_size,
    plan_frames,
    video_available,
)
from .export_dialog import add_file_row, add_look_rows
from logit_gui.render.figure import panel_size
from logit_gui.render.panel import get_spec
from logit_gui.render.theme import get_theme

__all__ = ["AnimationChoice", "AnimationDialog", "AnimationCancelled", "run_animation", "export_with_progress",
           "export_animation_dialog", "save_history_dialog", "save_model_dialog"]


@dataclass(frozen=True)
class AnimationChoice:
    panels: tuple          # panel ids
    path: str              # .gif or .mp4
    start: int             # the first iteration shown
    stop: int              # the last (included)
    step: int = 1
    fps: float = DEFAULT_FPS
    theme: str = "light"
    presentation: bool = False
    scale: float = 1.0

    @property
    def size(self) -> tuple[int, int]:
        """The frames' size in pixels."""
        w, h = panel_size(len(self.panels))
        return frame_size(w * self.scale, h * self.scale, animation_format(self.path))


def run_animation(choice: AnimationChoice, view, history, display, progress=None) -> int:
    """Write ``choice``'s animation of ``history`` (the number of frames); raises LogitError
    or AnimationCancelled (``progress`` returned False)."""
    fmt = animation_format(choice.path)
    if fmt is None:
        raise AnimationError(f"{choice.path}: an animation is a .gif or an .mp4")
    check_writer(fmt, choice.path)
    fps = check_fps(choice.fps, fmt, label="frames per second")
    # a snapshot: the trainer may append (and thin) while the frames are drawn
    history = history.copy() if hasattr(history, "copy") else history
    plan = plan_frames(history.curves()[0], FrameRange(choice.start, choice.stop, choice.step), label="frames")
    if fmt == "gif":
        check_gif_size(plan.n, *choice.size, label="frames")
    theme = get_theme(choice.theme, presentation=choice.presentation, scale=choice.scale)
    w, h = panel_size(len(choice.panels))
    return export_animation(choice.path, list(choice.panels), theme, (round(w * choice.scale), round(h * choice.scale)),
                            view, history, plan, display, fps=fps, progress=progress)


def export_with_progress(parent, choice: AnimationChoice, view, history, display) -> str:
    """:func:`run_animation` under a window-modal progress dialog with Cancel; the path
    written. Cancel raises AnimationCancelled (nothing written)."""
    dlg = QProgressDialog(f"Drawing {os.path.basename(choice.path)}…", "Cancel", 0, 1, parent)
    dlg.setObjectName("animation_progress")
    dlg.setWindowTitle("Export animation")
    dlg.setWindowModality(Qt.WindowModal)
    dlg.setMinimumDuration(300)  # a short export never flashes a dialog
    dlg.setAutoClose(False)
    dlg.setAutoReset(False)

    def progress(done: int, total: int) -> bool:
        if dlg.maximum() != total:
            dlg.setMaximum(total)
        dlg.setValue(done)
        dlg.setLabelText(f"Drawing {os.path.basename(choice.path)}: frame {done} of {total}")
        QApplication.processEvents()  # the window repaints, Cancel is seen
        return not dlg.wasCanceled()

    try:
        run_animation(choice, view, history, display, progress)
    finally:
        dlg.close()
        dlg.deleteLater()
    return choice.path


class AnimationDialog(QDialog):
    """Panels, range, step, frames per second, format, theme and file of an animation."""

    def __init__(self, panel_ids, current: str | None, display, folder: str, ks, parent=None):
        super().__init__(parent)
        self.setObjectName("animation_dialog")
        self.setWindowTitle("Export animation")
        first, last = int(ks[0]), int(ks[-1])
        self._ks = (first, last)
        form = QFormLayout(self)
        self.panel = QComboBox()
        self.panel.setObjectName("animation_panel")
        self.panel.addItem("all panels", "all")
        for pid in panel_ids:
            self.panel.addItem(get_spec(pid).title, pid)
        if current is not None:
            self.panel.setCurrentIndex(max(0, self.panel.findData(current)))
        self.panel.setToolTip("One panel, or every panel laid out as one picture.")
        form.addRow("Panel", self.panel)

        default = default_frames(last - first)
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        self.start = QSpinBox()
        self.start.setObjectName("animation_start")
        self.stop = QSpinBox()
        self.stop.setObjectName("animation_stop")
        for box in (self.start, self.stop):
            box.setRange(first, last)
        self.start.setValue(first)
        self.stop.setValue(last)
        self.step = QSpinBox()
        self.step.setObjectName("animation_step")
        self.step.setRange(1, max(1, last - first))
        self.step.setValue(default.step)
        lay.addWidget(self.start)
        lay.addWidget(QLabel("to"))
        lay.addWidget(self.stop)
        lay.addWidget(QLabel("every"))
        lay.addWidget(self.step)
        row.setToolTip(f"The iterations shown: from the first to the last (both included), one frame\n"
                       f"every ‘every’ iterations; the history holds iterations {first} to {last}.")
        form.addRow("Iterations", row)

        self.fps = QDoubleSpinBox()
        self.fps.setObjectName("animation_fps")
        self.fps.setDecimals(1)
        self.fps.setRange(MIN_FPS, MAX_FPS)
        self.fps.setValue(DEFAULT_FPS)
        self.fps.setSuffix(" frames/s")
        self.fps.setToolTip(f"Playback speed. A GIF plays at most {MAX_GIF_FPS:g} frames a second.")
        form.addRow("Speed", self.fps)

        self.format = QComboBox()
        self.format.setObjectName("animation_format")
        self.format.addItem("GIF (plays everywhere, loops)", "gif")
        self.video = video_available()
        self.format.addItem("MP4 (H.264 video)" if self.video
                            else f"MP4 — needs pip install 'logit-gui[{VIDEO_EXTRA}]'", "mp4")
        if not self.video:
            item = self.format.model().item(1)
            item.setEnabled(False)
            item.setToolTip(f"MP4 needs imageio-ffmpeg, the optional extra '{VIDEO_EXTRA}'")
        form.addRow("Format", self.format)

        add_look_rows(self, form, "animation", display, 1.0,
                      "Resolution: lines, markers and text grow with the picture.")
        add_file_row(self, form, "animation", os.path.join(folder, "logit-gui.gif"))

        self.summary = QLabel()
        self.summary.setObjectName("animation_summary")
        self.summary.setWordWrap(True)
        form.addRow(self.summary)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

        self.format.currentIndexChanged.connect(self._on_format)
        for w in (self.start, self.stop, self.step):
            w.valueChanged.connect(self._update)
        for w in (self.fps, self.scale):
            w.valueChanged.connect(self._update)
        self.panel.currentIndexChanged.connect(self._update)
        self.path.textChanged.connect(self._update)
        self._on_format()

    # ------------------------------------------------------------------
    def _on_format(self) -> None:
        fmt = self.format.currentData()
        root, ext = os.path.splitext(self.path.text())
        if ext.lower().lstrip(".") in ("gif", "mp4", ""):
            self.path.setText(f"{root}.{fmt}")
        self.fps.setMaximum(MAX_GIF_FPS if fmt == "gif" else MAX_FPS)
        self._update()

    def _browse(self) -> None:
        fmt = self.format.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "Export animation", self.path.text(),
                                              f"{fmt.upper()} files (*.{fmt});;All files (*)")
        if path:
            self.path.setText(path)

    def problem(self) -> str:
        """Why the choice cannot be exported ('' when it can)."""
        c = self.choice()
        fmt = animation_format(c.path)
        if fmt is None:
            return "The file must end in .gif or .mp4."
        if fmt == "mp4" and not self.video:
            return f"MP4 needs imageio-ffmpeg: pip install 'logit-gui[{VIDEO_EXTRA}]'."
        if c.start > c.stop:
            return "The first iteration is after the last."
        n = frame_count(c.start, c.stop, c.step)
        if n > MAX_FRAMES:
            return (f"{n} frames: at most {MAX_FRAMES}; take one every "
                    f"{math.ceil((c.stop - c.start) / (MAX_FRAMES - 1))} iterations or more.")
        w, h = c.size
        if fmt == "gif" and n * w * h > MAX_GIF_PIXELS:
            return (f"A GIF of {n} frames of {w}×{h} is too large to encode in memory: "
                    "a larger step, a smaller scale, one panel, or MP4.")
        return ""

    def _update(self) -> None:
        c = self.choice()
        n = frame_count(c.start, c.stop, c.step)
        problem = self.problem()
        w, h = c.size
        text = problem or (f"{n} frames of {w}×{h}, {n / max(c.fps, MIN_FPS):.1f} s at {c.fps:g} frames/s"
                           if n else "no frame")
        self.summary.setText(text)
        self.buttons.button(QDialogButtonBox.Save).setEnabled(not problem and n > 0)

    def choice(self) -> AnimationChoice:
        pid = self.panel.currentData()
        panels = tuple(get_spec(p).id for p in (
            [self.panel.itemData(i) for i in range(1, self.panel.count())] if pid == "all" else [pid]))
        return AnimationChoice(panels, self.path.text().strip(), int(self.start.value()), int(self.stop.value()),
                               int(self.step.value()), float(self.fps.value()), self.theme.currentData(),
                               self.presentation.isChecked(), float(self.scale.value()))


def export_animation_dialog(parent, view, history, display, panel_ids, folder: str,
                            current: str | None = None) -> str | None:
    """File → Export animation…: the dialog, then the frames under a progress dialog.
    The path written; None if the dialog was closed; AnimationCancelled if Cancel was
    pressed while drawing (nothing written); LogitError if it cannot be written."""
    ks = history.curves()[0]
    if ks.size == 0:
        raise AnimationError("there is no iterate to animate yet")
    dlg = AnimationDialog(list(panel_ids), current, display, folder, ks, parent)
    try:
        if dlg.exec() != QDialog.Accepted:
            return None
        choice = dlg.choice()
    finally:
        dlg.deleteLater()
    return export_with_progress(parent, choice, view, history, display)


def save_history_dialog(parent, history, problem, folder: str, path: str | None = None) -> str | None:
    """File → Save history as CSV…: iteration, J, test J, ‖∇J‖∞, step and θ per recorded
    iterate. ``path`` given: no file dialog. The path written, or None."""
    if path is None:
        path, _ = QFileDialog.getSaveFileName(parent, "Save history as CSV", os.path.join(folder, "history.csv"),
                                              "CSV files (*.csv);;All files (*)")
        if not path:
            return None
    write_history_csv(path, history, problem)
    return path


def save_model_dialog(parent, problem, iterate, optimizer: str, dataset_warnings=(), folder: str = "",
                      path: str | None = None) -> str | None:
    """File → Save model as JSON…: ``iterate`` (the one on screen) as ``train --json``
    writes a model (``seconds``: null, the app does not time a run). ``path`` given: no
    file dialog. The path written, or None."""
    if path is None:
        path, _ = QFileDialog.getSaveFileName(parent, "Save model as JSON", os.path.join(folder, "model.json"),
                                              "JSON files (*.json);;All files (*)")
        if not path:
            return None
    if iterate is None:
        raise LogitError("there is no model on screen yet")
    write_model_json(path, model_report(problem, iterate, optimizer=optimizer, dataset_warnings=dataset_warnings))
    return path
