"""The curvature panel: the Hessian's eigenvalues against the iteration.

Top: every eigenvalue of ∇²J(θ_k) (faint), the smallest and the largest
(bold), and the Lipschitz constant L (dashed: no eigenvalue ever exceeds it),
on a log axis. Below: the condition number κ = λ_max / λ_min. A vertical line
marks the shown iterate; the label row above gives its λ_min, λ_max, κ, L and
1/L (and, for a method with a learning rate, the rate against 2/λ_max).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from logit_gui.model.frames import curvature as frames

from ..markers import Scatter
from ..panel import PanelItem, PanelSpec, brush, color, font, pen, register, style_plot

__all__ = ["CurvatureItem", "SPEC"]


def _css(c) -> str:
    """A theme colour (a "#rrggbb" string or an RGBA tuple) for rich text."""
    if isinstance(c, tuple):
        r, g, b, *a = c
        return f"rgba({r},{g},{b},{(a[0] if a else 255) / 255:.2f})"
    return c


_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decade(e: int) -> str:
    """10^e as a short label: plain from 0.001 to 1000, else 10 with a superscript."""
    if -3 <= e <= 3:
        return f"{10.0 ** e:g}"
    return "10" + str(e).translate(_SUP)


def decade_ticks(lo: float, hi: float, most: int = 7) -> list:
    """Major ticks of a log10 axis from lo to hi: whole decades, at most ``most`` of them."""
    first, last = math.ceil(lo - 1e-9), math.floor(hi + 1e-9)
    step = max(1, math.ceil((last - first + 1) / most))
    return [(float(e), _decade(e)) for e in range(first, last + 1, step)]


def _num(v: float) -> str:
    return "∞" if not math.isfinite(v) else f"{v:.3g}"


class CurvatureItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, justify="left")
        self.wrap_labels(self.legend)
        self.plot = self.addPlot(row=1, col=0)
        self.kplot = self.addPlot(row=2, col=0)
        style_plot(self.plot, t, left="λ of ∇²J", bottom="")
        style_plot(self.kplot, t, left="κ", bottom="iteration k")
        for plot in (self.plot, self.kplot):
            plot.disableAutoRange()
            plot.setLogMode(x=False, y=True)
        self.kplot.setXLink(self.plot)
        # the same left-axis width in both plots, so that their x axes line up
        from PySide6.QtGui import QFontMetricsF

        tick = QFontMetricsF(font(t)).horizontalAdvance("10⁻¹⁰0")
        label = QFontMetricsF(font(t, 2)).height() * 1.3
        for plot in (self.plot, self.kplot):
            plot.getAxis("left").setWidth(int(math.ceil(tick + label + t.px(14))))
        self.plot.getAxis("bottom").setStyle(showValues=False)
        self.layout.setRowStretchFactor(1, 5)
        self.layout.setRowStretchFactor(2, 2)
        self.every = pg.PlotCurveItem(pen=pen(t, t.faint_rgba, 1.2), connect="finite", antialias=True)
        self.lo_curve = pg.PlotCurveItem(pen=pen(t, t.test_color, 2.6), antialias=True)
        self.hi_curve = pg.PlotCurveItem(pen=pen(t, t.train_color, 2.6), antialias=True)
        self.kappa_curve = pg.PlotCurveItem(pen=pen(t, t.grad_color, 2.2), antialias=True)
        for item in (self.every, self.lo_curve, self.hi_curve):
            self.plot.addItem(item)
        self.kplot.addItem(self.kappa_curve)
        self.L_line = pg.InfiniteLine(
            angle=0, movable=False, pen=pen(t, t.line_color, 1.6, "dash"), label="L",
            labelOpts={"position": 0.5, "color": color(t.foreground), "fill": None,
                       "anchors": [(0.5, 1), (0.5, 1)]},   # above the line: nothing exceeds L
        )
        self.L_line.label.setFont(font(t))
        self.plot.addItem(self.L_line, ignoreBounds=True)
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pen(t, t.line_color, 1.3))
        self.kcursor = pg.InfiniteLine(angle=90, movable=False, pen=pen(t, t.line_color, 1.3))
        self.plot.addItem(self.cursor, ignoreBounds=True)
        self.kplot.addItem(self.kcursor, ignoreBounds=True)
        self.dots = Scatter(size=t.px(9), symbol="o", pen=pen(t, t.background, 1.2), antialias=True)
        self.dots.setZValue(20)
        self.plot.addItem(self.dots)
        self.message = pg.TextItem("", color=color(t.muted), anchor=(0.5, 0.5))
        self.message.setFont(font(t, 1))
        self.plot.addItem(self.message, ignoreBounds=True)
        self.shown_data = None
        self._ranges = None
        self._ticks = None
        self._legend_text = None

    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        self._ranges = None

    def resizeEvent(self, ev):  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        if hasattr(self, "legend"):  # Qt resizes the layout while it is being built
            self._set_ticks()

    def update_data(self, data: frames.CurvatureData) -> None:
        self.shown_data = data
        t = self.theme
        parts = (self.every, self.lo_curve, self.hi_curve, self.kappa_curve, self.L_line, self.cursor,
                 self.kcursor, self.dots)
        if not data.ok:
            for item in parts:
                item.setVisible(False)
            self.message.setText(data.message)
            self.message.setVisible(True)
            self._set_legend("")
            return
        self.message.setVisible(False)
        for item in parts:
            item.setVisible(True)
        self.every.setData(*data.lines)
        self.every.setVisible(data.show_every)
        # log axes: these items are given log10 of their values (the axes label them 10^…)
        self.lo_curve.setData(*data.extremes[0])
        self.hi_curve.setData(*data.extremes[1])
        self.kappa_curve.setData(*data.kappa_line)
        self.kplot.setVisible(data.show_kappa)
        self.L_line.setValue(math.log10(data.L))
        self.cursor.setValue(data.cursor_k)
        self.kcursor.setValue(data.cursor_k)
        shown = data.shown_eigs[data.zero:]
        self.dots.setData(x=np.full(shown.size, data.shown_k), y=np.log10(shown) if shown.size else shown,
                          brush=[brush(t.faint_rgba)] * shown.size)
        ranges = (data.x_range, data.y_range, data.kappa_range)
        if ranges != self._ranges:
            self._ranges = ranges
            self.plot.setRange(xRange=data.x_range, yRange=data.y_range, padding=0.05)
            # the short κ plot: room above and below for the end ticks' labels, three at most
            self.kplot.setRange(yRange=data.kappa_range, padding=0.2)
            self._ticks = None
        self._set_ticks()
        self._set_legend(self._legend_for(data))

    def _set_ticks(self) -> None:
        """Decade ticks on both log axes, as many as the plots' heights hold (a label every
        three text heights at least)."""
        data = getattr(self, "shown_data", None)   # None while the layout is being built
        if data is None or not data.ok:
            return
        line = 2.2 * self.theme.pt(0) * 1.4
        most = (max(2, min(7, int(self.plot.getViewBox().height() / line))),
                max(2, min(3, int(self.kplot.getViewBox().height() / line))))
        key = (self._ranges, most)
        if key != self._ticks:
            self._ticks = key
            self.plot.getAxis("left").setTicks([decade_ticks(*data.y_range, most=most[0]), []])
            self.kplot.getAxis("left").setTicks([decade_ticks(*data.kappa_range, most=most[1]), []])

    def _legend_for(self, data) -> str:
        t = self.theme
        entries = [("━━", t.train_color, "λmax"), ("━━", t.test_color, "λmin")]
        if data.show_every:
            entries.append(("━━", _css(t.faint_rgba), "every&nbsp;λ"))
        entries.append(("╍╍", t.line_color, "L"))
        if data.show_kappa:
            entries.append(("━━", t.grad_color, "κ&nbsp;=&nbsp;λmax\u2060/\u2060λmin"))
        text = self.legend_html(entries)
        lam = data.shown_eigs
        lmin = float(data.lam_min[-1]) if data.lam_min.size else math.nan
        lmax = float(lam[-1]) if lam.size else math.nan
        facts = [f"k = {int(data.shown_k)}: λ ∈ [{_num(lmin)}, {_num(lmax)}], κ = {_num(data.shown_kappa)}",
                 f"L = {_num(data.L)}, 1/L = {_num(data.inv_L)}"]
        if data.lr is not None and lmax > 0:
            facts.append(f"η = {_num(data.lr)} vs 2/λmax = {_num(2.0 / lmax)}")
        if float(np.min(lam, initial=0.0)) >= -1e-12 * max(lmax, 1e-300):
            facts.append("all λ ≥ 0: convex")
        # lines break between facts only (Qt would also break after a "/")
        facts = [f.replace(" ", "&nbsp;").replace("/", "\u2060/\u2060") for f in facts]
        if data.zero:
            why = (["softmax's shift symmetry"] if data.null else []) + (
                ["features J does not see: constant or duplicated"] if data.zero > data.null else [])
            facts.append(f"{data.zero} eigenvalue{'s' if data.zero > 1 else ''} = 0 to rounding "
                         f"({'; '.join(why)}) left out")
        text += (f"<br><span style='color:{t.muted};font-size:{t.css_pt(-1)}'>"
                 + "&nbsp;&nbsp; ".join(facts) + "</span>")
        return text

    def _set_legend(self, text: str) -> None:
        if text != self._legend_text:
            self._legend_text = text
            self.legend.setText(text)

    def readout(self, x: float, y: float) -> str:
        return frames.readout(self.shown_data, x) if self.shown_data is not None else ""


SPEC = register(PanelSpec(
    id="curvature", order=65, default=False, title="Curvature: the Hessian's eigenvalues",
    Options=frames.CurvatureOptions, compute=frames.compute, item=CurvatureItem,
    tooltip="The eigenvalues of the Hessian ∇²J(θ_k) = X̃ᵀ diag(s p(1−p)) X̃ / Σs + λ₂ at each iterate\n"
            "(all ≥ 0: the cross-entropy is convex), the smallest and the largest in bold, the condition\n"
            "number κ = λmax/λmin below, and L = λmax(X̃ᵀ diag(s) X̃)/(4Σs) + λ₂, the Lipschitz constant of\n"
            "∇J, which bounds every λmax (gd-lipschitz steps 1/L).",
))
