"""The formula strip: the optimizer's update rule written out, with the current numbers.

Rich text in pyqtgraph ``LabelItem`` rows (Greek letters, sub- and
superscripts): the method's name and the core's one-line description, the
rule that takes θ_k to θ_{k+1} in a large font, what its symbols are, notes
(the L1 step, a damped Newton step) and a table of the numbers at the shown
iterate — step size, ‖∇J(θ_k)‖, J, and what the method's rule uses (for
Newton the Hessian's condition number). What is shown is computed in
:mod:`logit_gui.model.frames.formula`; the labels are created once.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsWidget

from logit_gui.model.frames import formula as frames

from ..panel import PanelItem, PanelSpec, pen, register, style_plot

__all__ = ["FormulaItem", "SPEC"]


def _num(v) -> str:
    """A value for the table: integers as they are, floats to 4 significant digits, a real minus."""
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    v = float(v)
    if not np.isfinite(v):
        return "NaN" if np.isnan(v) else ("∞" if v > 0 else "−∞")
    text = f"{v:.4g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}·10<sup>{int(exp)}</sup>"
    return text.replace("-", "−")


class FormulaItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        self.head = self.addLabel("", row=0, col=0, justify="left")
        self.rule = self.addLabel("", row=1, col=0, justify="left")
        self.where = self.addLabel("", row=2, col=0, justify="left")
        self.notes = self.addLabel("", row=3, col=0, justify="left")
        self.table = self.addLabel("", row=4, col=0, justify="left")
        # the step size and ‖∇J‖∞ over the run (log y), the shown iterate marked
        t = theme
        self.legend = self.addLabel("", row=5, col=0, justify="left")
        self.plot = self.addPlot(row=6, col=0)
        style_plot(self.plot, t, left="log scale", bottom="iteration k")
        self.plot.setLogMode(x=False, y=True)
        self.plot.disableAutoRange(axis="y")
        # PlotDataItems: the plot's log mode transforms them (a bare PlotCurveItem would not be)
        self.step_curve = self.plot.plot([], [], pen=pen(t, t.accent_color, 2.5), connect="finite")
        self.grad_curve = self.plot.plot([], [], pen=pen(t, t.grad_color, 2.0, "dot"), connect="finite")
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pen(t, t.line_color, 1.5))
        self.plot.addItem(self.cursor, ignoreBounds=True)
        self.spacer = QGraphicsWidget()   # takes the height the text does not need when there is no plot
        self.addItem(self.spacer, row=7, col=0)
        self.layout.setRowStretchFactor(6, 1)
        self._plot_on = None
        self.labels = (self.head, self.rule, self.where, self.notes, self.table, self.legend)
        self.wrap_labels(*self.labels)
        self._texts: dict = {}
        self._data = None

    def set_view(self, view) -> None:
        super().set_view(view)
        self._texts = {}

    def update_data(self, data: frames.FormulaData) -> None:
        if self.view is None:
            return
        self._data = data
        t = self.theme
        fg, muted, acc = t.foreground, t.muted, t.accent_color
        head = (f"<span style='color:{fg};font-size:{t.css_pt(1)}'><b>{data.title}</b></span>"
                f"<span style='color:{muted};font-size:{t.css_pt(0)}'>&nbsp;&nbsp; the step from θ<sub>k</sub>, "
                f"k = {data.k}</span>")
        rule = (f"<span style='color:{fg};font-size:{t.css_pt(6)}'>"
                + "<br>".join(data.rule) + "</span>")
        where = f"<span style='color:{muted};font-size:{t.css_pt(-0.5)}'>{data.where}</span>" if data.where else ""
        notes = (f"<span style='color:{t.warning_color};font-size:{t.css_pt(0)}'>" + "<br>".join(data.notes)
                 + "</span>") if data.notes else ""
        self._set(self.head, head)
        self._set(self.rule, rule)
        self._set(self.where, where)
        self._set(self.notes, notes)
        self._set(self.table, self.table_html(data))
        self._history(data)

    def _history(self, data) -> None:
        t = self.theme
        on = data.history is not None and data.history[0].size > 0
        if not on:
            self._show_plot(False)
            self._set(self.legend, "")
            return
        self._set(self.legend, self.legend_html([("━━", t.accent_color, f"step size {data.step_name}"),
                                                 ("┈┈", t.grad_color, "‖∇J‖<sub>∞</sub>"),
                                                 ("│", t.line_color, "shown iterate")]))
        self._show_plot(on)
        k, step, gn = data.history
        self.step_curve.setData(k, step)
        self.grad_curve.setData(k, gn)
        self.plot.setRange(yRange=data.history_range, padding=0.08)  # room for the end decades' labels
        self.plot.getAxis("left").setTicks([list(data.history_ticks), []])  # decades only: 2…9 would crowd
        self.plot.enableAutoRange(axis="x")
        self.cursor.setValue(data.k)

    def table_html(self, data) -> str:
        """The numbers as one flowing paragraph of "symbol = value" items: a line breaks
        between two items, never inside one (their spaces and hyphens are non-breaking)."""
        if not data.numbers:
            return ""
        t = self.theme
        items = [(f"{sym.replace('-', '‑')} = <span style='color:{t.accent_color}'>{_num(v)}</span>")
                 .replace(" ", "&nbsp;").replace("<span&nbsp;", "<span ") for sym, v in data.numbers]
        return (f"<span style='color:{t.foreground};font-size:{t.css_pt(0.5)}'>"
                + " &nbsp;&nbsp;&nbsp; ".join(items) + "</span>")

    def _show_plot(self, on: bool) -> None:
        """The history plot when asked for and there is room for it under the text (in a
        short strip — a dock, presentation scale — the text comes first)."""
        text = sum(label.minimumHeight() for label in self.labels[:-1] if label.isVisible())
        room = self.geometry().height() - text - self.theme.px(16)
        on = on and (room >= self.theme.px(150) or self.geometry().height() <= 1)
        self.legend.setVisible(on)
        if on != self._plot_on:
            self._plot_on = on
            self.plot.setVisible(on)
            self.plot.setMaximumHeight(1e6 if on else 0)
            self.spacer.setMaximumHeight(0 if on else 1e6)
            self.layout.setRowStretchFactor(7, 0 if on else 1)

    def _set(self, label, html: str) -> None:
        if self._texts.get(id(label)) == html:
            return
        self._texts[id(label)] = html
        label.item.setHtml(html)
        label.setVisible(bool(html))
        label.updateMin()  # measured and wrapped (wrap_labels)

    def resizeEvent(self, ev):  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        if hasattr(self, "labels"):  # Qt resizes the layout while it is being built
            if self._data is not None:
                self._show_plot(self._data.history is not None and self._data.history[0].size > 0)


SPEC = register(PanelSpec(
    id="formula", order=130, default=False, title="Update rule", Options=frames.FormulaOptions,
    compute=frames.compute, item=FormulaItem,
    tooltip="The shown iterate's optimizer: its update rule θ_k → θ_{k+1} written out, with the numbers at θ_k —\n"
            "step size, ‖∇J(θ_k)‖, J(θ_k), and what the rule uses (for Newton the condition number of the\n"
            "Hessian ∇²J(θ_k), for gradient descent the Lipschitz constant L).",
))
