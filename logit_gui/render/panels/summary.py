"""The summary panel: the statistician's table of a binary logistic regression.

What is shown is computed in :mod:`logit_gui.model.frames.summary`. The table —
coefficient, standard error, z, p-value, 95 % interval, odds ratio and its
interval, then the notes that say when the numbers mean nothing — is one rich
text document (a ``QGraphicsTextItem``) in a view box: it exports with the
figure as text, and when the panel is too small for it the view box scales it
down (never up) so that nothing is cut. The facts about the fit are a row above.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QGraphicsTextItem

from logit_gui.model.frames import summary as frames

from ..panel import PanelItem, PanelSpec, font, register

__all__ = ["SummaryItem", "SPEC"]

#: below this fraction of the theme's size the table shows fewer rows (and says so) ...
READABLE = 0.6
#: ... and it is never drawn smaller than this
MIN_SCALE = 0.2


def _over(theme, rgba) -> str:
    """An RGBA colour over the background, as an opaque "#rrggbb" (rich text has no alpha)."""
    bg = theme.background_rgb() * 255.0
    a = rgba[3] / 255.0
    r, g, b = (int(round(bg[i] + (rgba[i] - bg[i]) * a)) for i in range(3))
    return f"#{r:02x}{g:02x}{b:02x}"


class SummaryItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.header = self.addLabel("", row=0, col=0, justify="left")
        self.wrap_labels(self.header)
        self.box = self.addViewBox(row=1, col=0)
        box = self.box
        box.setMouseEnabled(x=False, y=False)
        box.setMenuEnabled(False)
        box.invertY(True)
        box.setAspectLocked(True)
        box.setBackgroundColor(None)
        self.doc = QGraphicsTextItem()
        self.doc.setFont(font(t))
        self.doc.document().setDocumentMargin(t.px(2))
        box.addItem(self.doc)
        box.sigResized.connect(self._fit)
        self._html = None
        self._data = None
        self._header = None
        self._fit_key = None

    def set_view(self, view) -> None:
        super().set_view(view)
        self._html = None
        self._header = None

    # ------------------------------------------------------------------
    def update_data(self, data: frames.SummaryData) -> None:
        if self.view is None:
            return
        t = self.theme
        header = "<br>".join(html.escape(line) for line in data.header)
        header = f"<span style='color:{t.foreground};font-size:{t.css_pt(0)}'>{header}</span>"
        if header != self._header:
            self._header = header
            self.header.setText(header)
        text = self._document(data)
        if text != self._html:
            self._html = text
            self._data = data
            self._fit_key = None
            self._fit()

    def _document(self, data, limit: int | None = None, notes: bool = True) -> str:
        """The table (its first ``limit`` rows, if given) and (with ``notes``) the notes, as rich text."""
        t = self.theme
        out = [f"<div style='color:{t.foreground}'>"]
        if not data.available:
            out.append(f"<p style='color:{t.muted}'>{html.escape(data.message)}</p></div>")
            return "".join(out)
        ink = t.foreground if data.meaningful else t.muted
        stripe = _over(t, t.stripe_rgba)
        pad = round(t.px(9))  # room between the columns of numbers
        out.append(f"<table cellspacing='0' cellpadding='2' style='font-size:{t.css_pt(-1)}'>")
        # two header rows: the groups, then the columns
        out.append("<tr>" + "<th></th>" * 5
                   + f"<th colspan='2' align='center' nowrap>95 % interval of w</th>"
                   + f"<th align='right' nowrap>odds ratio</th>"
                   + f"<th colspan='2' align='center' nowrap>95 % interval</th></tr>")
        heads = ("", "coef w", "std err", "z", "P>|z|", "2.5 %", "97.5 %", "e^w", "2.5 %", "97.5 %")
        left = f" style='padding-left:{pad}px'"
        out.append("<tr>" + "".join(f"<th nowrap align='{'left' if i == 0 else 'right'}'"
                                    f"{'' if i == 0 else left}>{html.escape(h)}</th>"
                                    for i, h in enumerate(heads)) + "</tr>")
        rows = frames.cells(data)
        more = 0 if limit is None else max(0, len(rows) - limit)
        for r, row in enumerate(rows[:limit]):
            bg = f" bgcolor='{stripe}'" if r % 2 == 0 else ""
            cells = [f"<td nowrap align='left'>{html.escape(row[0])}</td>"]
            cells += [f"<td nowrap align='right' style='color:{ink};padding-left:{pad}px'>{html.escape(v)}</td>"
                      for v in row[1:]]
            out.append(f"<tr{bg}>" + "".join(cells) + "</tr>")
        out.append("</table>")
        if not notes:
            return "".join(out) + "</div>"
        if more:
            out.append(f"<p style='color:{t.muted}'>{more:,} more row{'s' if more > 1 else ''} below: enlarge "
                       "the panel to see them (sort by |z| puts the strongest evidence on top).</p>")
        if data.hidden:
            out.append(f"<p style='color:{t.muted}'>{data.hidden:,} more rows not shown: "
                       f"the table keeps the {frames.MAX_ROWS} with the largest |z|.</p>")
        if data.notes:
            out.append(f"<p style='color:{t.warning_color}'>"
                       + "<br>".join("▲ " + html.escape(n) for n in data.notes) + "</p>")
        out.append("</div>")
        return "".join(out)

    # ------------------------------------------------------------------
    def _fit(self, *_) -> None:
        """Show the document: its notes wrapped to the box's width (the table keeps every
        cell on one line), the whole scaled down (never up) until it fits the box. A table
        that would need less than READABLE of the theme's size for its height (its width
        allowing) keeps the rows that fit at that size and says how many more there are
        (a small dock); only a box too small for a single row scales it further."""
        rect = self.box.boundingRect()
        W, H = rect.width(), rect.height()
        if W < 10 or H < 10 or self._data is None:
            return
        key = (round(W), round(H), self._html)
        if key == self._fit_key:
            return
        self._fit_key = key
        doc, data = self.doc, self._data
        # the table's own width, every cell on one line: the text is never wrapped narrower
        # (Qt would break numbers inside), the whole is scaled down instead
        probe = QTextDocument()
        probe.setDefaultFont(doc.font())
        probe.setDocumentMargin(doc.document().documentMargin())
        probe.setHtml(self._document(data, notes=False))
        probe.setTextWidth(-1)
        table = probe.size().width()

        def fits(s: float) -> bool:
            doc.setTextWidth(max(W / s, table))
            size = doc.document().size()
            return size.width() * s <= W * 1.001 and size.height() * s <= H * 1.001

        def largest(lo: float) -> float:
            """The largest scale in [lo, 1] at which the document fits (lo if none does)."""
            if fits(1.0):
                return 1.0
            hi = 1.0
            for _ in range(14):
                mid = 0.5 * (lo + hi)
                if fits(mid):
                    lo = mid
                else:
                    hi = mid
            return lo

        # as readable as the table's width allows, READABLE of the theme's size at most
        floor = min(READABLE, W / max(table, 1.0))
        doc.setHtml(self._html)
        n = len(data.rows)
        if not fits(floor) and n > 1:
            # too tall: as many rows as fit at that size (at least one), and a line saying so
            lo, hi = 1, n - 1
            doc.setHtml(self._document(data, 1))
            if fits(floor):
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    doc.setHtml(self._document(data, mid))
                    if fits(floor):
                        lo = mid
                    else:
                        hi = mid - 1
            doc.setHtml(self._document(data, lo))
        s = largest(floor)
        if not fits(s):
            s = largest(MIN_SCALE)
        doc.setTextWidth(max(W / s, table))
        self.box.setRange(QRectF(0, 0, W / s, H / s), padding=0.0)



SPEC = register(PanelSpec(
    id="summary", order=55, title="Coefficient table", Options=frames.SummaryOptions, compute=frames.compute,
    item=SummaryItem,
    tooltip="The statistician's table of a binary model at the shown iterate: each coefficient w, its standard\n"
            "error from the inverse Hessian of the log-likelihood (Wald), z = w/SE, the p-value erfc(|z|/√2),\n"
            "the 95 % interval w ± 1.96 SE and the odds ratio e^w with its interval. Meaningful for an\n"
            "unpenalized, converged fit on data that are not separable; the notes say when it is not.",
))
