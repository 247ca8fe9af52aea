"""The class-imbalance panel: class sizes, class weights and what the weights do to the boundary.

Left: the training samples and two decision boundaries — solid, the iterate on
screen (trained with the class weights in use); dashed, a reference model with
other weights (unweighted by default, or balanced; an option) fitted to
convergence by the core's Newton–Raphson. Right: the number of samples per
class (train, and test lighter) with each class's weight α above its bars, and
accuracy against balanced accuracy of both models, train and test. The legend
row above says which model is which.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg

from logit_gui.model.frames import imbalance as frames

from ..markers import Scatter
from ..panel import PanelItem, PanelSpec, brush, cache, color, font, pen, register, set_label, style_plot
from .roc import fmt, nobreak

__all__ = ["ImbalanceItem", "SPEC"]

#: classes with a bar of their own (the data sets have at most 10)
MAX_CLASSES = 10


def _short(name: str, n: int = 10) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def _alpha(a: float) -> str:
    return "–" if not np.isfinite(a) else f"{a:.3g}"


class ImbalanceItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, colspan=2, justify="left")
        # the plane: samples and the two boundaries
        self.plot = self.addPlot(row=1, col=0)
        style_plot(self.plot, t, left="x2", bottom="x1")
        self.plot.disableAutoRange()
        self.samples = Scatter(size=t.px(7), symbol="o", pxMode=True, antialias=True)
        self.samples.setZValue(1)
        self.plot.addItem(self.samples)
        cache(self.samples)
        self.shown_line = pg.PlotCurveItem(pen=pen(t, t.line_color, 3.0), connect="pairs", antialias=True,
                                           segmentedLineMode="on")
        self.ref_line = pg.PlotCurveItem(pen=pen(t, t.reference_color, 3.0, "dash"), connect="finite",
                                         antialias=True)
        for z, item in ((5, self.shown_line), (6, self.ref_line)):  # dashed on top: both seen where they meet
            item.setZValue(z)
            self.plot.addItem(item)
        # the class sizes: train bars, test bars beside them (lighter), α above each class
        self.bars = self.addPlot(row=1, col=1)
        style_plot(self.bars, t, left="samples", bottom="")
        self.bars.showGrid(x=False, y=True, alpha=t.grid_alpha)
        self.bars.disableAutoRange()
        self.train_bars = pg.BarGraphItem(x=[], height=[], width=0.4)
        self.test_bars = pg.BarGraphItem(x=[], height=[], width=0.4)
        self.bars.addItem(self.train_bars)
        self.bars.addItem(self.test_bars)
        self.alpha_text = []
        for _ in range(MAX_CLASSES):
            a = pg.TextItem("", anchor=(0.5, 1.0), color=color(t.foreground))
            a.setFont(font(t, -1))
            self.bars.addItem(a, ignoreBounds=True)
            self.alpha_text.append(a)
        self.scores = self.addLabel("", row=2, col=0, colspan=2, justify="left")
        self.wrap_labels(self.legend, self.scores)
        self.layout.setColumnStretchFactor(0, 3)
        self.layout.setColumnStretchFactor(1, 2)
        self._key = None
        self._texts = None

    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        t = self.theme
        x0, x1, y0, y1 = view.extent
        brushes = [brush(t.class_color(k), 200) for k in range(view.K)]
        self.samples.setData(pos=view.train_xy, brush=[brushes[k] for k in view.train_y],
                             pen=pen(t, t.marker_edge_rgba, 0.8))
        set_label(self.plot, t, "bottom", view.labels[0])
        set_label(self.plot, t, "left", view.labels[1])
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        K = min(view.K, MAX_CLASSES)
        names = [_short(str(c)) for c in view.classes[:K]]
        self.bars.getAxis("bottom").setTicks([[(k, names[k]) for k in range(K)]])
        for k, a in enumerate(self.alpha_text):
            a.setText("")
            a.setVisible(k < K)
        self.shown_line.setData([], [])
        self.ref_line.setData([], [])
        self._key = None
        self._texts = None

    # ------------------------------------------------------------------
    def update_data(self, data: frames.ImbalanceData) -> None:
        if self.view is None:
            return
        t = self.theme
        segs = data.shown_boundary
        if segs.shape[0]:
            self.shown_line.setData(segs[:, 0], segs[:, 1], connect="pairs")
        else:
            self.shown_line.setData([], [])
        line = data.reference_boundary
        self.ref_line.setData(line[:, 0], line[:, 1], connect="finite")
        self.samples.setVisible(data.show_samples)
        K = min(len(data.classes), MAX_CLASSES)
        key = (id(data.fit), tuple(data.train_counts), None if data.test_counts is None else tuple(data.test_counts),
               tuple(np.round(data.alpha, 12)))
        if key != self._key:  # counts and weights change with the problem, not per frame
            self._key = key
            x = np.arange(K, dtype=float)
            tr = data.train_counts[:K].astype(float)
            has_test = data.test_counts is not None
            self.train_bars.setOpts(x=x - (0.2 if has_test else 0.0), height=tr, width=0.4 if has_test else 0.6,
                                    brushes=[brush(t.class_color(k)) for k in range(K)],
                                    pens=[pen(t, t.marker_edge_rgba, 1.0)] * K)
            te = data.test_counts[:K].astype(float) if has_test else np.zeros(0)
            if has_test:  # (pyqtgraph cannot take empty per-bar pens: no test split, the item hides)
                self.test_bars.setOpts(x=x + 0.2, height=te, width=0.4,
                                       brushes=[brush(t.class_color(k), 90) for k in range(K)],
                                       pens=[pen(t, t.marker_edge_rgba, 1.0, "dash")] * K)
            self.test_bars.setVisible(has_test)
            top = float(max(tr.max(initial=1.0), te.max(initial=0.0)))
            for k in range(K):
                a = self.alpha_text[k]
                a.setText(f"α = {_alpha(data.alpha[k])}")
                a.setPos(k, max(tr[k], te[k] if has_test else 0.0) + 0.03 * top)
            self.bars.setRange(xRange=(-0.6, K - 0.4), yRange=(0.0, 1.3 * top), padding=0.0)
        texts = (self._legend(data), self._scores(data))
        if texts != self._texts:
            self._texts = texts
            self.legend.setText(texts[0])
            self.scores.setText(texts[1])

    def _legend(self, data) -> str:
        t = self.theme
        name = dict(frames.REFERENCES)[data.reference].split(" (")[0]
        fit = data.fit
        method = {"newton": "Newton", "lbfgs": "L-BFGS"}.get(fit.method, fit.method)
        entries = [("━━", t.line_color, f"shown iterate k = {data.shown_k:,}, α in use"),
                   ("╍╍", t.reference_color, f"{name}, α = {_alpha_list(data.reference_alpha)}")]
        if data.test_counts is not None:
            entries.append(("▮", t.muted, "bars: train, test (faint)"))
        notes = [f"α in use: {_alpha_list(data.alpha)}",
                 f"{name} model fitted by {method} ({fit.iterations} iterations, {fit.status})"]
        if data.same_weights:
            notes.append("the weights in use: the dashed line is where the run converges")
        if data.alpha_note:
            notes.append(data.alpha_note)
        if self.view is not None and not self.view.exact:
            notes.append("a 2-D slice of the models through the training mean")
        return (self.legend_html(nobreak(entries)) + f"<br><span style='color:{t.muted};font-size:{t.css_pt(-1)}'>"
                + html.escape(" · ".join(notes)) + "</span>")

    def _scores(self, data) -> str:
        """Accuracy against balanced accuracy (the mean recall of the classes), shown and reference."""
        t = self.theme
        fg, mu = t.foreground, t.muted
        S, R = data.shown, data.ref
        cols = [(("accuracy", "balanced acc."), "accuracy", "balanced_accuracy")]
        if S.test_accuracy is not None:
            cols.append((("test acc.", "test bal. acc."), "test_accuracy", "test_balanced_accuracy"))
        pad = "&nbsp;&nbsp;&nbsp;"
        head = f"<tr><td></td>" + "".join(
            f"<td align='right' style='color:{mu}'>{pad}{what[0]}</td>"
            f"<td align='right' style='color:{mu}'>{pad}{what[1]}</td>" for what, _, _ in cols) + "</tr>"
        rows = [head]
        name = dict(frames.REFERENCES)[data.reference].split(" (")[0]
        for label, c, sc in (("shown", t.line_color, S), (name, t.reference_color, R)):
            cells = "".join(f"<td align='right' style='color:{fg}'>{pad}{fmt(getattr(sc, a))}</td>"
                            f"<td align='right' style='color:{fg}'>{pad}<b>{fmt(getattr(sc, b))}</b></td>"
                            for _, a, b in cols)
            rows.append(f"<tr><td style='color:{c}'>{label}</td>{cells}</tr>")
        return (f"<table cellspacing='0' cellpadding='1' style='font-size:{t.css_pt(0)}'>" + "".join(rows)
                + "</table>")

    def readout(self, x: float, y: float) -> str:
        if self.view is None or self.frame is None:
            return ""
        from logit_gui.model.frames.boundary import probabilities_at

        P = probabilities_at(self.view, self.frame, x, y)
        if P is None:
            return ""
        names = [str(c) for c in self.view.classes]
        if self.view.kind == "binary":
            return f"({x:.3g}, {y:.3g}):  shown iterate p(y = {names[1]}) = {P[1]:.3f}"
        k = int(np.argmax(P))
        return f"({x:.3g}, {y:.3g}):  shown iterate predicts {names[k]} (p = {P[k]:.2f})"


def _alpha_list(a) -> str:
    a = np.asarray(a, dtype=float)
    if a.size and np.allclose(a, a[0]):
        return _alpha(a[0])
    return ", ".join(_alpha(v) for v in a[:MAX_CLASSES])


SPEC = register(PanelSpec(
    id="imbalance", order=43, title="Class imbalance", Options=frames.ImbalanceOptions, compute=frames.compute,
    item=ImbalanceItem,
    tooltip="Class sizes and class weights α (sᵢ = α_{yᵢ} in J = (1/Σs) Σ sᵢ ℓᵢ + …; balanced: α_k = n/(K·n_k)).\n"
            "Solid: the boundary of the shown iterate, trained with the weights in use. Dashed: a reference\n"
            "model with α = 1 (or balanced), fitted to convergence by Newton–Raphson. Right: samples per class\n"
            "and accuracy against balanced accuracy (the mean recall of the classes) of both models.",
))
