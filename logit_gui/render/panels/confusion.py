"""The confusion panel: the shown iterate's decisions counted, true class against predicted.

A K × K grid of cells (rows: true class, top to bottom; columns: predicted
class), each with its count and its rate — per true class, per predicted class
or of all samples (an option; the cell's colour is that rate). Binary models
decide at the shared threshold t (the cells are named TN, FP, FN, TP and their
rates TNR, FPR, FNR, TPR, …), many classes by the most probable class. Beside
the grid: precision, recall and F1 (per class for many classes), accuracy,
balanced accuracy and macro F1. The caption row above says which samples and
which decision rule.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from logit_gui.model.frames import confusion as frames

from ..panel import PanelItem, PanelSpec, cache, color, font, register, style_plot
from .roc import fmt

__all__ = ["ConfusionItem", "SPEC"]

#: the largest matrix drawn (the data sets have at most 10 classes)
MAX_CLASSES = 10


def _short(name: str, n: int = 12) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def _pct(v: float, decimals: int) -> str:
    return "–" if not np.isfinite(v) else f"{100 * v:.{decimals}f} %"


class ConfusionItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.caption = self.addLabel("", row=0, col=0, colspan=2, justify="left")
        self.wrap_labels(self.caption)
        self.plot = self.addPlot(row=1, col=0)
        plot = self.plot
        style_plot(plot, t, left="true class", bottom="predicted class")
        plot.showGrid(x=False, y=False)
        plot.invertY(True)  # true class 0 on top, as the matrix is written
        plot.disableAutoRange()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-5)
        plot.addItem(self.image)
        # per cell: its count (above the centre) and its rate (below); a pool for the largest matrix
        self.counts, self.rates = [], []
        for _ in range(MAX_CLASSES * MAX_CLASSES):
            c = pg.TextItem("", anchor=(0.5, 1.0))
            r = pg.TextItem("", anchor=(0.5, 0.0))
            for item in (c, r):
                item.setZValue(10)
                item.hide()
                plot.addItem(item, ignoreBounds=True)
            self.counts.append(c)
            self.rates.append(r)
        self.metrics = self.addLabel("", row=1, col=1, justify="left")
        cache(self.image)
        self.data = None
        self._K = 0
        self._decimals = 1
        self._texts = None
        self._templates = ("", "")   # the widest count and rate a cell can show
        self._fit_key = None
        self._show_rates = True
        plot.vb.sigResized.connect(self._fit_text)

    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        t = self.theme
        K = min(view.K, MAX_CLASSES)
        self._K = K
        names = [_short(str(c)) for c in view.classes[:K]]
        ticks = [[(k, names[k]) for k in range(K)]]
        self.plot.getAxis("bottom").setTicks(ticks)
        self.plot.getAxis("left").setTicks(ticks)
        self._decimals = 1 if K <= 6 else 0
        binary = view.kind == "binary"
        most = f"{max(view.n_train, view.n_test):,}"
        self._templates = (("TN " if binary else "") + most,
                           ("TNR " if binary else "") + _pct(1.0, self._decimals))
        for i in range(MAX_CLASSES):
            for j in range(MAX_CLASSES):
                n = i * MAX_CLASSES + j
                c, r = self.counts[n], self.rates[n]
                on = i < K and j < K
                if on:
                    c.setPos(j, i)
                    r.setPos(j, i)
                c.setText("")
                r.setText("")
                c.setVisible(on)
                r.setVisible(on)
        self._fit_key = None
        self._fit_text()
        self.image.setImage(np.zeros((K, K, 3), dtype=np.ubyte), levels=(0, 255), autoLevels=False)
        self.image.setRect(QRectF(-0.5, -0.5, K, K))
        self.plot.setRange(xRange=(-0.5, K - 0.5), yRange=(-0.5, K - 0.5), padding=0.0)
        self._texts = None
        self.data = None

    def _fit_text(self, *_) -> None:
        """Cell text as large as the cells allow (up to 3 pt above the theme's size): the
        widest count and rate must fit a cell; below a readable size the rates go."""
        K = self._K
        if not K:
            return
        rect = self.plot.vb.boundingRect()
        w, h = rect.width() / K, rect.height() / K
        key = (round(w), round(h), self._templates)
        if w < 2 or h < 2 or key == self._fit_key:
            return
        self._fit_key = key
        from PySide6.QtGui import QFontMetricsF

        t = self.theme
        count_t, rate_t = self._templates
        chosen = None
        for delta in np.arange(3.0, -4.5, -0.5):
            fc, fr = font(t, delta, bold=True), font(t, delta - 2.0)
            mc, mr = QFontMetricsF(fc), QFontMetricsF(fr)
            wide = max(mc.horizontalAdvance(count_t), mr.horizontalAdvance(rate_t))
            if wide <= 0.9 * w and mc.height() + mr.height() <= 0.9 * h:
                chosen = (fc, fr, True)
                break
        if chosen is None:  # counts only, as large as fits
            for delta in np.arange(3.0, -6.5, -0.5):
                fc = font(t, delta, bold=True)
                chosen = (fc, fc, False)
                mc = QFontMetricsF(fc)
                if mc.horizontalAdvance(count_t) <= 0.95 * w and mc.height() <= 0.9 * h:
                    break
        fc, fr, rates = chosen
        self._show_rates = rates
        for i in range(K):
            for j in range(K):
                n = i * MAX_CLASSES + j
                self.counts[n].setFont(fc)
                self.counts[n].setAnchor((0.5, 1.0) if rates else (0.5, 0.5))
                self.rates[n].setFont(fr)
                self.rates[n].setVisible(rates)

    # ------------------------------------------------------------------
    def update_data(self, data: frames.ConfusionData) -> None:
        if self.view is None:
            return
        self.data = data
        t = self.theme
        K = self._K
        C = data.counts[:K, :K]
        R = data.rates[:K, :K]
        self.image.setImage(t.cell_rgb(R), levels=(0, 255), autoLevels=False)
        for i in range(K):
            for j in range(K):
                n = i * MAX_CLASSES + j
                ink = color(t.background if np.isfinite(R[i, j]) and R[i, j] > 0.55 else t.foreground)
                count = f"{int(C[i, j]):,}"
                rate = _pct(R[i, j], self._decimals)
                if data.binary:
                    count = f"{data.cell_names[i][j]} {count}"
                    if data.rate_names[i][j]:
                        rate = f"{data.rate_names[i][j]} {rate}"
                self.counts[n].setText(count, color=ink)
                self.rates[n].setText(rate, color=ink)
        texts = (self._caption(data), self._metrics(data))
        if texts != self._texts:
            self._texts = texts
            self.caption.setText(texts[0])
            self.metrics.setText(texts[1])

    def _caption(self, data) -> str:
        t = self.theme
        what = "training samples" if data.split == "train" else "test samples"
        pos = html.escape(_short(data.classes[1])) if data.binary else ""
        rule = (f"{pos} where p({pos}) ≥ t = {data.threshold:.3g}" if data.binary
                else "the most probable class (argmax)")
        rates = dict(frames.RATES)[data.rate_kind]
        note = f" <span style='color:{t.muted}'>({html.escape(data.note)})</span>" if data.note else ""
        return (f"<span style='color:{t.foreground};font-size:{t.css_pt(0)}'>{what}, n = {data.n:,}{note}"
                f" · predicted {rule} · colour: {rates}</span>")

    def _metrics(self, data) -> str:
        t = self.theme
        fg, mu = t.foreground, t.muted

        def row(name, value, note="", bold=False):
            v = f"<b>{value}</b>" if bold else value
            return (f"<tr><td style='color:{fg}'>{name}</td><td align='right' style='color:{fg}'>&nbsp;{v}</td>"
                    f"<td style='color:{mu};font-size:{t.css_pt(-1.5)}'>&nbsp;{note}</td></tr>")

        parts = [f"<table cellspacing='0' cellpadding='1' style='font-size:{t.css_pt(0)}'>"]
        if data.binary:
            parts.append(f"<tr><td colspan='3' style='color:{mu}'>positive: class "
                         f"{html.escape(_short(data.classes[1]))}</td></tr>")
            parts.append(row("precision", fmt(data.precision[1]), "TP/(TP+FP)"))
            parts.append(row("recall", fmt(data.recall[1]), "TP/(TP+FN)"))
            parts.append(row("specificity", fmt(data.recall[0]), "TN/(TN+FP)"))
            parts.append(row("F1", fmt(data.f1[1]), "2PR/(P+R)"))
        else:
            parts.append(f"<tr><td style='color:{mu}'>class</td><td align='right' style='color:{mu}'>&nbsp;prec.</td>"
                         f"<td align='right' style='color:{mu}'>&nbsp;recall</td>"
                         f"<td align='right' style='color:{mu}'>&nbsp;F1</td></tr>")
            for k in range(min(len(data.classes), MAX_CLASSES)):
                parts.append(
                    f"<tr><td style='color:{t.class_color(k)}'>{html.escape(_short(data.classes[k], 10))}</td>"
                    + "".join(f"<td align='right' style='color:{fg}'>&nbsp;{fmt(v, 2)}</td>"
                              for v in (data.precision[k], data.recall[k], data.f1[k])) + "</tr>")
            parts.append("</table><table cellspacing='0' cellpadding='1' "
                         f"style='font-size:{t.css_pt(0)}'>")
        parts.append(row("accuracy", fmt(data.accuracy), "", bold=True))
        parts.append(row("balanced acc.", fmt(data.balanced_accuracy), "mean recall", bold=True))
        if not data.binary:
            parts.append(row("macro F1", fmt(data.macro_f1)))
        parts.append("</table>")
        return "".join(parts)

    def readout(self, x: float, y: float) -> str:
        data = self.data
        if data is None:
            return ""
        j, i = int(round(x)), int(round(y))
        if not (0 <= i < self._K and 0 <= j < self._K):
            return ""
        c = int(data.counts[i, j])
        row = data.counts[i].sum()
        share = f" ({100 * c / row:.1f} % of the true class)" if row else ""
        return f"true {data.classes[i]}, predicted {data.classes[j]}: {c:,} samples{share}"


SPEC = register(PanelSpec(
    id="confusion", order=42, title="Confusion matrix", Options=frames.ConfusionOptions, compute=frames.compute,
    item=ConfusionItem,
    tooltip="How the shown iterate classifies the training (or test) samples: row = true class, column =\n"
            "predicted class; each cell's count and rate (per true class, per predicted class or of all).\n"
            "Binary: class 1 where p ≥ t, the shared threshold (TN, FP, FN, TP). Many classes: the most\n"
            "probable class. Beside it: precision, recall, F1, accuracy and balanced accuracy.",
))
