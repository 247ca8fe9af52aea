"""The race panel: who reached the tolerance first, in iterations and in seconds.

The curves of a race are drawn by the loss panel (against iterations or seconds) and its
paths by the landscape; this panel is the table, drawn as rich text in the item tree so
that it exports with the figure.
"""

from __future__ import annotations

import html

from logit_gui.model.frames import race as frames

from ..panel import PanelItem, PanelSpec, register

__all__ = ["RaceItem", "SPEC"]


class RaceItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        self.table = self.addLabel("", row=0, col=0, justify="left")
        self.note = self.addLabel("", row=1, col=0, justify="left")
        self.wrap_labels(self.note)  # the note wraps; the table keeps its columns
        self.layout.setRowStretchFactor(2, 1)
        self._key = None

    def update_data(self, data: frames.RaceData) -> None:
        key = (data.rows, data.note)
        if key == self._key:
            return
        self._key = key
        t = self.theme
        if not data.rows:
            self.table.setText(f"<span style='color:{t.muted};font-size:{t.css_pt(1)}'>"
                               f"{html.escape(data.note)}</span>")
            self.note.setText("")
            return
        head = ["optimizer", "ended", "k", "k to tol", "time to tol", "final J"]
        cells = "".join(f"<th align='left' style='padding:{t.px(1)}px {t.px(6)}px'>{h}</th>" for h in head)
        rows = [f"<tr>{cells}</tr>"]
        for i, (label, status, its, k_tol, s_tol, J) in enumerate(data.rows):
            mark = " ★" if label == data.winner else ""
            vals = [f"<span style='color:{t.race_color(i)}'>━━</span> {html.escape(label)}{mark}", status, f"{its:,}",
                    "–" if k_tol is None else f"{k_tol:,}", frames.fmt_seconds(s_tol), f"{J:.6g}"]
            rows.append("<tr>" + "".join(f"<td style='padding:{t.px(1)}px {t.px(6)}px'>{v}</td>" for v in vals)
                        + "</tr>")
        self.table.setText(f"<table style='color:{t.foreground};font-size:{t.css_pt(1)}'>{''.join(rows)}</table>")
        self._fit_table()
        self.note.setText(f"<span style='color:{t.muted};font-size:{t.css_pt(-1)}'>{html.escape(data.note)}"
                          + (" · ★ first to the tolerance" if data.winner else "") + "</span>")


    def _fit_table(self) -> None:
        """The table keeps its columns: narrower than its text, the panel draws it smaller
        (never larger) instead of cutting its last columns off."""
        item = self.table.item
        natural = item.boundingRect().width()
        room = self.geometry().width() - 2 * self.theme.px(8)
        scale = min(1.0, room / natural) if natural > 0 and room > 0 else 1.0
        if abs(item.scale() - scale) > 1e-3:
            item.setScale(scale)
            self.table.updateMin()
        self.table.setMinimumWidth(10)

    def resizeEvent(self, ev):  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        if hasattr(self, "table"):
            self._fit_table()


SPEC = register(PanelSpec(
    id="race", title="Optimizer race", Options=frames.RaceOptions, compute=frames.compute, item=RaceItem,
    order=25, default=False,
    tooltip="Several optimizers from the same start on the same data: iterations and time to the tolerance.\n"
            "Their loss curves are in the loss panel (x: iterations or seconds), their paths in the landscape.",
))
