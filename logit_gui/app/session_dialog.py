"""File → Save session as…: where, and whether to carry the data rows and the history."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from logit_gui.model.session import SUFFIX

__all__ = ["SaveSessionDialog"]


class SaveSessionDialog(QDialog):
    def __init__(self, path: str, parent=None):
        super().__init__(parent)
        self.setObjectName("save_session_dialog")
        self.setWindowTitle("Save session")
        form = QFormLayout(self)
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit(path)
        self.path.setObjectName("session_path")
        self.path.setToolTip(f"The session file (it ends in {SUFFIX}).")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        lay.addWidget(self.path, 1)
        lay.addWidget(browse)
        form.addRow("File", row)
        self.embed = QCheckBox("embed the data rows")
        self.embed.setObjectName("session_embed")
        self.embed.setToolTip("Carry the data set's rows in the session, so it opens without the CSV file\n"
                              "(otherwise the file's path and checksum are kept, and a changed file is refused).")
        form.addRow("", self.embed)
        self.history = QCheckBox("include the recorded history")
        self.history.setObjectName("session_history")
        self.history.setToolTip("Keep every recorded iterate (k, J, ‖∇J‖∞, θ) in the session, compactly.\n"
                                "Not needed to show the same run again: runs are deterministic.")
        form.addRow("", self.history)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save session", self.path.text(),
                                              f"logit-gui sessions (*{SUFFIX})")
        if path:
            self.path.setText(path if path.endswith(SUFFIX) else path + SUFFIX)

    def choice(self) -> tuple[str, bool, bool]:
        return self.path.text().strip(), self.embed.isChecked(), self.history.isChecked()
