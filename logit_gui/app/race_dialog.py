"""Run → Race optimizers…: which methods race from the same start."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QGridLayout, QLabel, QVBoxLayout

from logit_gui.core.optimizers import OPTIMIZERS
from logit_gui.model.race import DEFAULT_RACE
from logit_gui.model.settings import OptimizerSettings

__all__ = ["RaceDialog"]


class RaceDialog(QDialog):
    def __init__(self, current: OptimizerSettings, parent=None):
        super().__init__(parent)
        self.setObjectName("race_dialog")
        self.setWindowTitle("Race optimizers")
        self.current = current
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Optimizers to race from the run's start (each with its default parameters;\n"
                             f"{current.method} with the ones set in the dock):"))
        grid = QGridLayout()
        self.boxes = {}
        for i, name in enumerate(OPTIMIZERS):
            box = QCheckBox(name)
            box.setObjectName(f"race_{name}")
            box.setChecked(name in DEFAULT_RACE)
            grid.addWidget(box, i // 3, i % 3)
            self.boxes[name] = box
        lay.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Race")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def methods(self) -> list[OptimizerSettings]:
        out = []
        for name, box in self.boxes.items():
            if box.isChecked():
                out.append(self.current if name == self.current.method else OptimizerSettings(name, ()))
        return out
