"""File → Export…: which panel (or all), format, scale, theme, presentation, and where.

The export itself is :func:`export_panels`: a :class:`~logit_gui.render.figure.Figure`
of the chosen panels, built offscreen in the chosen theme with the window's
view, history and shown iterate, written by
:func:`~logit_gui.render.export.write_figure` — what ``logit-gui render`` does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from logit_gui.render.export import FORMATS, MAX_SCALE, MIN_SCALE, format_of, write_figure
from logit_gui.render.figure import Figure, panel_size
from logit_gui.render.panel import get_spec
from logit_gui.render.theme import get_theme

__all__ = ["ExportChoice", "ExportDialog", "export_panels"]


@dataclass(frozen=True)
class ExportChoice:
    panels: tuple          # panel ids
    path: str
    scale: float = 2.0
    theme: str = "light"
    presentation: bool = False


def export_panels(choice: ExportChoice, view, history, frame, display) -> None:
    """Draw ``choice.panels`` at ``frame`` and write them to ``choice.path`` (raises LogitError)."""
    fmt = format_of(choice.path)
    scale = choice.scale if fmt == "png" else 1.0
    theme = get_theme(choice.theme, presentation=choice.presentation, scale=scale)
    w, h = panel_size(len(choice.panels))
    fig = Figure(choice.panels, theme, (round(w * scale), round(h * scale)))
    try:
        fig.draw(view, history, frame, display)
        title = ", ".join(get_spec(p).title for p in choice.panels)
        write_figure(fig, choice.path, title=f"logit-gui: {title}")
    finally:
        fig.close()


def add_look_rows(dialog, form, prefix: str, display, scale: float, scale_tip: str) -> None:
    """The rows a figure and an animation share: scale, theme and presentation
    (``dialog.scale``, ``dialog.theme``, ``dialog.presentation``; object names ``prefix_…``)."""
    dialog.scale = QDoubleSpinBox()
    dialog.scale.setObjectName(f"{prefix}_scale")
    dialog.scale.setRange(MIN_SCALE, MAX_SCALE)
    dialog.scale.setSingleStep(0.5)
    dialog.scale.setValue(scale)
    dialog.scale.setSuffix(" ×")
    dialog.scale.setToolTip(scale_tip)
    form.addRow("Scale", dialog.scale)
    dialog.theme = QComboBox()
    dialog.theme.setObjectName(f"{prefix}_theme")
    dialog.theme.addItem("light (paper, projector)", "light")
    dialog.theme.addItem("dark", "dark")
    dialog.theme.setCurrentIndex(max(0, dialog.theme.findData(display.theme)))
    form.addRow("Theme", dialog.theme)
    dialog.presentation = QCheckBox("larger fonts, lines and markers")
    dialog.presentation.setObjectName(f"{prefix}_presentation")
    dialog.presentation.setChecked(display.presentation)
    form.addRow("Presentation", dialog.presentation)


def add_file_row(dialog, form, prefix: str, path: str) -> None:
    """The file row: ``dialog.path`` and a Browse… button calling ``dialog._browse``."""
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    dialog.path = QLineEdit(path)
    dialog.path.setObjectName(f"{prefix}_path")
    browse = QPushButton("Browse…")
    browse.clicked.connect(dialog._browse)
    lay.addWidget(dialog.path, 1)
    lay.addWidget(browse)
    form.addRow("File", row)


class ExportDialog(QDialog):
    def __init__(self, panel_ids, current: str | None, display, folder: str, parent=None):
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export figure")
        form = QFormLayout(self)
        self.panel = QComboBox()
        self.panel.setObjectName("export_panel")
        self.panel.addItem("all panels", "all")
        for pid in panel_ids:
            self.panel.addItem(get_spec(pid).title, pid)
        if current is not None:
            self.panel.setCurrentIndex(max(0, self.panel.findData(current)))
        self.panel.setToolTip("One panel, or every panel laid out as one figure.")
        form.addRow("Panel", self.panel)
        self.format = QComboBox()
        self.format.setObjectName("export_format")
        for fmt in FORMATS:
            self.format.addItem({"png": "PNG image", "svg": "SVG (vector)", "pdf": "PDF (vector)"}[fmt], fmt)
        self.format.setToolTip("PNG: a picture at the scale below. SVG and PDF: curves, axes and text\n"
                               "stay vectors (the probability heatmap is an embedded image).")
        form.addRow("Format", self.format)
        add_look_rows(self, form, "export", display, 2.0,
                      "PNG resolution: 2× is sharp on a slide; lines, markers and text grow with it.")
        add_file_row(self, form, "export", os.path.join(folder, "logit-gui.png"))
        self.format.currentIndexChanged.connect(self._on_format)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._on_format()

    def _on_format(self) -> None:
        fmt = self.format.currentData()
        self.scale.setEnabled(fmt == "png")
        root, ext = os.path.splitext(self.path.text())
        if ext.lower().lstrip(".") in FORMATS:
            self.path.setText(f"{root}.{fmt}")

    def _browse(self) -> None:
        fmt = self.format.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "Export figure", self.path.text(),
                                              f"{fmt.upper()} files (*.{fmt});;All files (*)")
        if path:
            self.path.setText(path)

    def choice(self) -> ExportChoice:
        pid = self.panel.currentData()
        panels = tuple(get_spec(p).id for p in (
            [self.panel.itemData(i) for i in range(1, self.panel.count())] if pid == "all" else [pid]))
        return ExportChoice(panels, self.path.text().strip(), float(self.scale.value()),
                            self.theme.currentData(), self.presentation.isChecked())
