"""The cross-entropy panel: the per-sample loss against p (or z), σ and σ′, one sample in detail.

Left: the branches −log p (y = 1) and −log(1 − p) (y = 0) with every drawn
sample on its own; right: σ(z) and σ′(z) = σ(z)(1 − σ(z)) with the samples on
σ. Clicking a sample (in either plot) shows, in the text row below, its input
x, its logit z, σ(z), its loss and its term of the gradient; until a sample
is clicked the one with the largest loss is shown. The "naive" option draws
what the textbook formula gives in float64 (dashed; +∞ and NaN in two bands
above the plot) against the stable form. Everything drawn is computed in
:mod:`logit_gui.model.frames.crossentropy`; the items are built once.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg

from logit_gui.model.frames import crossentropy as frames

from ..markers import MovingScatter, Scatter
from ..panel import PanelItem, PanelSpec, brush, cache, color, font, pen, register, set_label, style_plot

__all__ = ["CrossEntropyItem", "SPEC"]

#: classes drawn in their own colour (the data sets have at most 10)
MAX_CLASSES = 10

#: gradient entries listed for the selected sample (the largest in magnitude)
MAX_ENTRIES = 3


def _num(v: float) -> str:
    """A number for the text row: 4 significant digits, a real minus sign."""
    if not np.isfinite(v):
        return "NaN" if np.isnan(v) else ("+∞" if v > 0 else "−∞")
    text = f"{v:.4g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}·10<sup>{int(exp)}</sup>"
    return text.replace("-", "−")


class CrossEntropyItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, colspan=2, justify="left")
        self.loss_plot = self.addPlot(row=1, col=0)
        self.sig_plot = self.addPlot(row=1, col=1)
        self.details = self.addLabel("", row=2, col=0, colspan=2, justify="left")
        self.wrap_labels(self.legend, self.details)
        # the loss plot gets the wider column (its naive view spans |z| ≤ 10⁴)
        self.layout.setColumnStretchFactor(0, 3)
        self.layout.setColumnStretchFactor(1, 2)
        style_plot(self.loss_plot, t, left="per-sample loss", bottom="p = σ(z)")
        style_plot(self.sig_plot, t, left="σ(z) and σ′(z)", bottom="logit z")
        for p in (self.loss_plot, self.sig_plot):
            p.disableAutoRange()
        # -- the loss plot ---------------------------------------------------
        lp = self.loss_plot
        self.loss0 = pg.PlotCurveItem(pen=pen(t, t.class_color(0), 3.0), antialias=True)
        self.loss1 = pg.PlotCurveItem(pen=pen(t, t.class_color(1), 3.0), antialias=True)
        self.naive0 = pg.PlotCurveItem(pen=pen(t, t.warning_color, 2.0, "dash"), antialias=True)
        self.naive1 = pg.PlotCurveItem(pen=pen(t, t.warning_color, 2.0, "dash"), antialias=True)
        for item in (self.loss0, self.loss1, self.naive0, self.naive1):
            lp.addItem(item)
        self.naive0.setZValue(5)
        self.naive1.setZValue(5)
        cache(self.loss0, self.loss1)
        self.band_line = pg.InfiniteLine(angle=0, movable=False, pen=pen(t, t.guide_rgba, 1.0, "dot"))
        lp.addItem(self.band_line, ignoreBounds=True)
        self.inf_text = pg.TextItem("+∞", color=color(t.warning_color), anchor=(0.5, 0.5))
        self.nan_text = pg.TextItem("NaN", color=color(t.warning_color), anchor=(0.5, 0.5))
        # where the textbook formula starts to fail: 1 − σ(z) = 0, e^{−z} = ∞
        self.fail_lines = [pg.InfiniteLine(angle=90, movable=False, pen=pen(t, t.warning_color, 1.2, "dot"))
                           for _ in range(2)]
        for line in self.fail_lines:
            lp.addItem(line, ignoreBounds=True)
        for item in (self.inf_text, self.nan_text):
            item.setFont(font(t, 0, bold=True))
            lp.addItem(item, ignoreBounds=True)
        # +∞ (▲) and NaN (✕) of the naive formula, per class (1, then 0)
        self.inf_marks, self.nan_marks = [], []
        for c in (1, 0):
            a = Scatter(size=t.px(8), symbol="t1", pen=None, brush=brush(t.class_color(c)), antialias=True)
            b = Scatter(size=t.px(9), symbol="x", pen=None, brush=brush(t.class_color(c)), antialias=True)
            lp.addItem(a)
            lp.addItem(b)
            self.inf_marks.append(a)
            self.nan_marks.append(b)
        # -- σ and σ′ ------------------------------------------------------
        sp = self.sig_plot
        self.zero_line = pg.InfiniteLine(pos=0, angle=90, movable=False, pen=pen(t, t.guide_rgba, 1.2, "dash"))
        sp.addItem(self.zero_line, ignoreBounds=True)
        self.sig_curve = pg.PlotCurveItem(pen=pen(t, t.line_color, 3.0), antialias=True)
        self.dsig_curve = pg.PlotCurveItem(pen=pen(t, t.derivative_color, 2.5, "dash"), antialias=True)
        sp.addItem(self.sig_curve)
        sp.addItem(self.dsig_curve)
        cache(self.sig_curve, self.dsig_curve)
        # -- the samples, one scatter per class on each plot ------------------------
        edge = pen(t, t.marker_edge_rgba, 0.8)
        self.on_loss, self.on_sig = [], []
        for k in range(MAX_CLASSES):
            a = MovingScatter(size=t.px(7), pen=edge, brush=brush(t.class_color(k), 215), antialias=True)
            b = MovingScatter(size=t.px(7), pen=edge, brush=brush(t.class_color(k), 215), antialias=True)
            a.setZValue(10)
            b.setZValue(10)
            lp.addItem(a)
            sp.addItem(b)
            a.sigClicked.connect(self._clicked)
            b.sigClicked.connect(self._clicked)
            self.on_loss.append(a)
            self.on_sig.append(b)
        self.rings = []
        for plot in (lp, sp):
            ring = Scatter(size=t.px(17), symbol="o", pen=pen(t, t.ring_color, 2.5), brush=None, antialias=True)
            ring.setZValue(20)
            plot.addItem(ring)
            self.rings.append(ring)
        self._members: list[np.ndarray] = []
        self._data = None
        self._selected_row: int | None = None   # a training row the user clicked (None: the worst sample)
        self._labels: dict = {}
        self._key = None
        self._ranges: dict = {}

    # ------------------------------------------------------------------
    def plot_item(self):
        return self.loss_plot

    def set_view(self, view) -> None:
        super().set_view(view)
        y = view.train_y[view.curve_sel]
        self._members = [np.flatnonzero(y == k) for k in range(min(view.K, MAX_CLASSES))]
        for items in (self.on_loss, self.on_sig):
            for item in items:
                item.setData([], [])
        self._selected_row = None
        self._key = None
        self._ranges = {}

    def update_data(self, data: frames.CrossEntropyData) -> None:
        if self.view is None:
            return
        t = self.theme
        self._data = data
        naive = data.naive
        key = (data.binary, data.against_z, naive is not None, float(data.sig_x_range[1]))
        if key != self._key:
            self._key = key
            self.loss1.setData(data.loss_x, data.loss1)
            self.loss0.setVisible(data.loss0 is not None)
            if data.loss0 is not None:
                self.loss0.setData(data.loss_x, data.loss0)
            # multiclass: one branch, −log p(true class), drawn in the line colour
            self.loss1.setPen(pen(t, t.class_color(1) if data.binary else t.line_color, 3.0))
            self.sig_curve.setData(data.z_curve, data.sig)
            self.dsig_curve.setData(data.z_curve, data.dsig)
            self._label(self.loss_plot, "bottom", data.loss_xlabel)
            self._label(self.loss_plot, "left", data.loss_ylabel)
            self._label(self.sig_plot, "bottom", data.sig_xlabel)
            self._label(self.sig_plot, "left", {"binary": "σ(z) and σ′(z)", "softmax": "σ(m) and σ′(m)"}.get(
                data.kind, "σ(z<sub>y</sub>) and σ′(z<sub>y</sub>)"))
            # major ticks always labelled, minor ones where their text fits
            ticks = [list(naive.ticks_x[0]), list(naive.ticks_x[1])] if naive is not None else None
            self.loss_plot.getAxis("bottom").setTicks(ticks)
            self.loss_plot.getAxis("left").setTicks([list(naive.ticks_y)] if naive is not None else None)
            self._update_legend(data)
            # the naive formula's failures: per class, or (multiclass) the true class's one branch
            for i, c in enumerate((1, 0)):
                fill = brush(t.class_color(c) if data.binary else t.line_color)
                self.inf_marks[i].setBrush(fill)
                self.nan_marks[i].setBrush(fill)
        self._set_naive(data)
        self._scatter(self.on_loss, *data.on_loss)
        self._scatter(self.on_sig, *data.on_sig)
        self._range(self.loss_plot, data.loss_x_range, data.loss_y_range)
        self._range(self.sig_plot, data.sig_x_range, (-0.04, 1.04))
        self._show_selected()

    def _set_naive(self, data) -> None:
        naive = data.naive
        on = naive is not None
        for item in (self.naive1, self.naive0, self.band_line, self.inf_text, self.nan_text,
                     *self.inf_marks, *self.nan_marks, *self.fail_lines):
            item.setVisible(on)
        if not on:
            return
        self.naive1.setData(naive.x, naive.naive[0], connect="finite")
        self.naive0.setData(naive.x, naive.naive[1], connect="finite")
        self.naive0.setVisible(data.binary)
        self.band_line.setValue(naive.band_y)
        # the band labels sit where nothing fails (between the two failure points)
        self.inf_text.setPos(naive.label_x, naive.inf_y)
        self.nan_text.setPos(naive.label_x, naive.nan_y)
        for line, x in zip(self.fail_lines, naive.fail_x, strict=True):
            line.setValue(x)
        for i in range(2):
            show = data.binary or i == 0
            xs_inf, xs_nan = naive.inf_x[i], naive.nan_x[i]
            self.inf_marks[i].setData(xs_inf, np.full(xs_inf.size, naive.inf_y))
            self.nan_marks[i].setData(xs_nan, np.full(xs_nan.size, naive.nan_y))
            self.inf_marks[i].setVisible(show)
            self.nan_marks[i].setVisible(show)

    def _update_legend(self, data) -> None:
        t = self.theme
        names = [html.escape(str(c)) for c in self.view.classes]
        if data.binary:
            entries = [("━━", t.class_color(1), f"−log p (y = {names[1]})"),
                       ("━━", t.class_color(0), f"−log(1 − p) (y = {names[0]})")]
        else:
            entries = [("━━", t.line_color, "−log p(true class)")]
        entries += [("━━", t.line_color, "σ"), ("╍╍", t.derivative_color, "σ′ = σ(1 − σ)")]
        if data.naive is not None:
            entries += [("╍╍", t.warning_color, "textbook, float64")]
        entries += [("◯", t.foreground, "selected")]
        self.legend.setText(self.legend_html(entries))

    def _scatter(self, items, x, y) -> None:
        for k, item in enumerate(items):
            if k >= len(self._members):
                if item.isVisible():
                    item.setData([], [])
                    item.hide()
                continue
            idx = self._members[k]
            item.set_positions(x[idx], y[idx])
            item.show()

    def _range(self, plot, xr, yr) -> None:
        rng = (tuple(xr), tuple(yr))
        if self._ranges.get(id(plot)) != rng:
            self._ranges[id(plot)] = rng
            plot.setRange(xRange=rng[0], yRange=rng[1], padding=0.02)

    def _label(self, plot, axis: str, text: str) -> None:
        key = (id(plot), axis)
        if self._labels.get(key) != text:
            self._labels[key] = text
            set_label(plot, self.theme, axis, text)

    # -- the selected sample -----------------------------------------------
    def _clicked(self, scatter, points, ev=None) -> None:
        if not len(points) or self._data is None:
            return
        for items in (self.on_loss, self.on_sig):
            if scatter in items:
                k = items.index(scatter)
                break
        else:
            return
        j = int(self._members[k][points[0].index()])
        self.select(j)

    def select(self, j: int | None) -> None:
        """Show drawn sample ``j`` (its position among the drawn samples; None: the worst)."""
        data = self._data
        self._selected_row = None if j is None or data is None else int(data.rows[j])
        self._show_selected()

    def selected(self) -> int:
        """The position, among the drawn samples, of the sample shown in the text row (−1: none)."""
        data = self._data
        if data is None or data.rows.size == 0:
            return -1
        if self._selected_row is not None:
            hit = np.flatnonzero(data.rows == self._selected_row)
            if hit.size:
                return int(hit[0])
        return data.worst

    def _show_selected(self) -> None:
        data = self._data
        j = self.selected()
        if j < 0:
            for ring in self.rings:
                ring.setData([], [])
            self.details.setText("")
            return
        self.rings[0].setData([data.on_loss[0][j]], [data.on_loss[1][j]])
        self.rings[1].setData([data.on_sig[0][j]], [data.on_sig[1][j]])
        self.details.setText(self.details_html(j))

    def details_html(self, j: int) -> str:
        """The text row for drawn sample ``j``: x, z, σ(z), loss, ∂ℓ/∂z and its term of ∇J."""
        t = self.theme
        d = self._data
        names = [str(c) for c in self.view.classes]
        y = int(d.y[j])
        clicked = self._selected_row is not None and int(d.rows[j]) == self._selected_row
        xs = ", ".join(_num(v) for v in d.x[j][:4]) + (", …" if d.x.shape[1] > 4 else "")
        acc = t.accent_color

        def v(s):
            return f"<span style='color:{acc}'>{s}</span>"

        if d.binary:
            zname, loss_f, dname = "z", ("−log σ(z)" if y == 1 else "−log(1 − σ(z))"), "σ(z) − y"
        else:
            zname = "m" if d.kind == "softmax" else "z<sub>y</sub>"
            loss_f, dname = f"−log σ({zname})", f"σ({zname}) − 1"
        who = (f"<b>row {int(d.rows[j]) + 1}</b> (y = {html.escape(names[y])}"
               + ("" if clicked else ", the largest loss: click another") + ")")
        line1 = "&nbsp;&nbsp; ".join([
            who, f"x = ({xs})", f"{zname} = {v(_num(d.z[j]))}", f"σ = {v(_num(d.p[j]))}",
            f"ℓ = {loss_f} = {v(_num(d.loss[j]))}"])
        c = d.contribution[j]
        order = np.argsort(-np.abs(c))[:MAX_ENTRIES]
        entries = ", ".join(f"{html.escape(d.param_names[i])} {_num(c[i])}" for i in order)
        if d.share is not None:
            inv = 1.0 / d.share[j]
            weight = f"1/{round(inv)}" if abs(inv - round(inv)) < 1e-6 * inv else _num(d.share[j])
            term = f"term of ∇J = {weight}·∇ℓ"
        else:
            term = "∇ℓ (weights differ per problem)"
        line2 = "&nbsp;&nbsp; ".join([
            f"∂ℓ/∂{zname} = {dname} = {v(_num(d.dldz[j]))}",
            f"{term}: ‖·‖ = {v(_num(d.contribution_norm[j]))}, largest {entries}"])
        lines = [line1, line2]
        if d.naive is not None:
            nv = d.naive
            lines.append(
                f"<span style='color:{t.warning_color}'>textbook</span>: +∞ or NaN for "
                f"{zname} &gt; {nv.fail_one_minus:.2f} (1 − σ = 0) and {zname} ≤ {_num(nv.fail_overflow)} "
                f"(e<sup>−{zname}</sup> = ∞); here {nv.n_inf + nv.n_nan} of {nv.n} samples, "
                f"mean {_num(nv.naive_mean)} (stable {_num(nv.stable_mean)})")
        return f"<span style='color:{t.foreground};font-size:{t.css_pt(-1)}'>" + "<br>".join(lines) + "</span>"

    def readout(self, x: float, y: float) -> str:
        return "" if self._data is None else frames.readout(self._data, x)


SPEC = register(PanelSpec(
    id="crossentropy", order=70, default=False, title="Cross-entropy per sample", Options=frames.CrossEntropyOptions,
    compute=frames.compute, item=CrossEntropyItem,
    tooltip="Left: each sample's cross-entropy, −log p for y = 1 and −log(1 − p) for y = 0, against p = σ(z)\n"
            "(or against z). Right: σ(z) and its slope σ′(z) = σ(z)(1 − σ(z)). Click a sample to see its x, z,\n"
            "σ(z), loss and its term (sᵢ/Σs)(σ(zᵢ) − yᵢ) x̃ᵢ of the gradient ∇J.",
))
