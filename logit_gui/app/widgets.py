"""Small reusable widgets: a logarithmic slider with a typed value beside it."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QLineEdit, QSizePolicy, QSlider, QWidget

__all__ = ["LogSlider", "fmt_value", "ElidedLabel", "FlowLayout"]


class ElidedLabel(QLabel):
    """A one-line label that never asks for more width than it gets: text that does not
    fit ends in “…”, and the whole text is its tooltip."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self._tip = ""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        super().setText(text)
        self.setToolTip(text if not self._tip else f"{text}\n\n{self._tip}")
        self.update()

    def set_help(self, tip: str) -> None:
        self._tip = tip
        self.setText(self.text())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(20, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, super().sizeHint().height())

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        r = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.ElideRight, r.width())
        painter.drawText(r, int(self.alignment()) | int(Qt.AlignVCenter), text)
        painter.end()


def fmt_value(v: float) -> str:
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e4:
        return f"{v:.4g}"
    return f"{v:.3g}"


class LogSlider(QWidget):
    """A value on a logarithmic scale: a slider (10^lo … 10^hi) and a line edit.

    With ``zero=True`` the slider's leftmost position means 0 (“off”, for a
    penalty). Typing any value in range sets it exactly; the slider moves to the
    nearest position. ``valueChanged`` fires once per user change.
    """

    valueChanged = Signal(float)
    rejected = Signal(str)   # a typed value that was not taken, and why (the field shows the value in use)

    STEPS = 240

    def __init__(self, lo: float, hi: float, value: float, *, zero: bool = False, parent=None):
        super().__init__(parent)
        self.lo, self.hi, self.zero = math.log10(lo), math.log10(hi), zero
        self._value = float(value)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, self.STEPS)
        self.slider.setPageStep(self.STEPS // 12)
        self.edit = QLineEdit()
        self.edit.setFixedWidth(74)
        self.edit.setAlignment(Qt.AlignRight)
        # no validator: one that knows the range would keep "0" or "1e999" in the field as
        # "intermediate" input, never reporting it, while another value is in use
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.edit)
        self._sync(emit=False)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderReleased.connect(self._on_release)
        self.edit.editingFinished.connect(self._on_edit)

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt naming
        super().setToolTip(text)
        self.slider.setToolTip(text)
        self.edit.setToolTip(text)

    def value(self) -> float:
        return self._value

    def setValue(self, v: float) -> None:  # noqa: N802
        """Set programmatically (no signal)."""
        self._value = float(v)
        self._sync(emit=False)

    # ------------------------------------------------------------------
    def _pos_of(self, v: float) -> int:
        if v <= 0:
            return 0
        lv = min(max(math.log10(v), self.lo), self.hi)
        first = 1 if self.zero else 0
        return first + round((lv - self.lo) / (self.hi - self.lo) * (self.STEPS - first))

    def _value_of(self, pos: int) -> float:
        if self.zero and pos == 0:
            return 0.0
        first = 1 if self.zero else 0
        lv = self.lo + (pos - first) / (self.STEPS - first) * (self.hi - self.lo)
        v = 10.0 ** lv
        # round to 2 significant digits so values read well (0.012, not 0.0123027)
        return float(f"{v:.2g}")

    def _sync(self, emit: bool) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(self._pos_of(self._value))
        self.slider.blockSignals(False)
        self.edit.setText(fmt_value(self._value))
        if emit:
            self.valueChanged.emit(self._value)

    def _on_slider(self, pos: int) -> None:
        v = self._value_of(pos)
        self.edit.setText(fmt_value(v))
        if self.slider.isSliderDown():
            # while dragging: follow live (a changed learning rate is cheap to apply)
            if v != self._value:
                self._value = v
                self.valueChanged.emit(v)
            return
        if v != self._value:
            self._value = v
            self.valueChanged.emit(v)

    def _on_release(self) -> None:
        self._sync(emit=False)

    def _on_edit(self) -> None:
        text = self.edit.text().strip()
        if text == fmt_value(self._value):
            return
        try:
            v = float(text)
        except ValueError:
            self._sync(emit=False)
            self.rejected.emit(f"{text!r} is not a number: kept {fmt_value(self._value)}")
            return
        lo = 0.0 if self.zero else 10.0 ** self.lo
        if not math.isfinite(v) or not (lo <= v <= 10.0 ** self.hi) or (not self.zero and v <= 0):
            self._sync(emit=False)
            lo_text = "0" if self.zero else fmt_value(10.0 ** self.lo)
            self.rejected.emit(f"{text} is outside {lo_text} … {fmt_value(10.0 ** self.hi)}: "
                               f"kept {fmt_value(self._value)}")
            return
        changed = v != self._value
        self._value = v
        self._sync(emit=changed)


class FlowLayout(QLayout):
    """Lays its items out left to right and wraps to a new line when the width runs out,
    so a row of options never makes a narrow dock wider (Qt's flow-layout example)."""

    def __init__(self, parent=None, spacing: int = 8):
        super().__init__(parent)
        self._items = []
        self._spacing = spacing
        self.setContentsMargins(6, 0, 6, 0)

    def addItem(self, item) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, i):  # noqa: N802
        return self._items[i] if 0 <= i < len(self._items) else None

    def takeAt(self, i):  # noqa: N802
        return self._items.pop(i) if 0 <= i < len(self._items) else None

    def expandingDirections(self):  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect, apply: bool) -> int:
        m = self.contentsMargins()
        r = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = r.x(), r.y(), 0
        for item in self._items:
            if item.widget() is not None and not item.widget().isVisibleTo(item.widget().parentWidget()):
                continue
            hint = item.sizeHint()
            if x + hint.width() > r.right() and line > 0:
                x, y, line = r.x(), y + line + 2, 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()
