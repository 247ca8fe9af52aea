"""The weights panel: the coefficients as bars, as 8 × 8 images, over the iterations and along the L1 path.

What is drawn is computed in :mod:`logit_gui.model.frames.weights`. The items —
one plot for the bars, the curves or the weight images, one below it for the
L1 path's count of non-zero weights or the thumbnails of misclassified images,
a colour bar beside the images — are built once; a change of view shows some
and collapses the others. The legend and the notes are a row above the plot.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QSizePolicy

from logit_gui.model.frames import weights as frames

from ..markers import Scatter
from ..panel import PanelItem, PanelSpec, brush, cache, color, font, pen, register, roomy_axis, style_plot

__all__ = ["WeightsItem", "SPEC"]

#: the most classes drawn in colours of their own (the data sets have at most 10)
MAX_CLASSES = 10
#: weight images per row of the mosaic
MOSAIC_COLS = 5
#: gaps of the mosaics, in image pixels: between images, and above each for its title
GAP, TITLE_GAP = 1.5, 3.5


def _hex(rgb) -> str:
    r, g, b = (int(v) for v in rgb[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _over(theme, rgba) -> str:
    """An RGBA colour over the background, as an opaque "#rrggbb" (for rich text)."""
    bg = theme.background_rgb() * 255.0
    a = rgba[3] / 255.0
    return _hex([bg[i] + (rgba[i] - bg[i]) * a for i in range(3)])


def _decade(k: int) -> str:
    """10^k as a tick label: 0.001, 0.01, 0.1, 1, 10, 100, 1000, else 1e−5."""
    if -3 <= k <= 3:
        return f"{10.0 ** k:g}"
    return f"1e{k}".replace("-", "−")


def _best_columns(m: int, r: int, c: int, width: float, height: float, label: float = 0.0) -> int:
    """The number of columns that makes m images of r × c pixels (with their gaps and
    titles) largest in a width × height box, among those where a title ``label`` pixels
    wide fits above its image (all of them, if none does)."""
    if width <= 0 or height <= 0:
        return min(m, MOSAIC_COLS)
    options = []
    for cols in range(1, m + 1):
        rows = math.ceil(m / cols)
        w = cols * c + (cols - 1) * GAP
        h = rows * (r + TITLE_GAP)
        px = min(width / w, height / h)
        room = width if m == 1 else (c + GAP) * px
        options.append((label <= (room if m == 1 else 0.85 * room), px, cols))
    fitting = [o for o in options if o[0]] or options
    return max(fitting, key=lambda o: (o[1], o[2]))[2]


def _fitting_font(theme, height: float, width: float, widest: str):
    """The theme's font, or smaller (down 5 pt), so that a line is at most ``height`` and
    ``widest`` at most ``width`` pixels."""
    for delta in np.arange(0.0, -5.5, -0.5):
        f = font(theme, delta)
        m = QFontMetricsF(f)
        if m.height() <= height and m.horizontalAdvance(widest) <= width:
            return f
    return font(theme, -5.0)


def _mosaic(stack: np.ndarray, cols: int, gap: float, title_gap: float):
    """Place (m, r, c) images on a grid: (positions (m, 2) of each image's top-left
    corner, width, height of the whole) in image-pixel units, y downwards."""
    m, r, c = stack.shape
    ncols = max(1, min(cols, m))
    nrows = max(1, math.ceil(m / ncols))
    pos = np.array([[(i % ncols) * (c + gap), title_gap + (i // ncols) * (r + title_gap)] for i in range(m)],
                   dtype=np.float64).reshape(m, 2)
    return pos, ncols * c + (ncols - 1) * gap, nrows * (r + title_gap)


def _rgba(stack, lut, lo, hi, pos, width, height, scale=1):
    """The images of ``stack`` coloured through ``lut`` (values lo … hi) and placed at
    ``pos`` on a transparent canvas (``scale`` canvas pixels per image pixel)."""
    m, r, c = stack.shape
    H, W = int(round(height * scale)), int(round(width * scale))
    out = np.zeros((H, W, 4), dtype=np.ubyte)
    if m == 0:
        return out
    t = np.clip((stack - lo) / (hi - lo), 0.0, 1.0)
    idx = np.round(t * (lut.shape[0] - 1)).astype(np.intp)
    rgb = lut[idx]
    for i in range(m):
        x0, y0 = int(round(pos[i, 0] * scale)), int(round(pos[i, 1] * scale))
        tile = np.repeat(np.repeat(rgb[i], scale, axis=0), scale, axis=1)
        out[y0:y0 + r * scale, x0:x0 + c * scale, :3] = tile
        out[y0:y0 + r * scale, x0:x0 + c * scale, 3] = 255
    return out


class WeightsItem(PanelItem):
    def __init__(self, theme):
        super().__init__(theme)
        t = theme
        self.legend = self.addLabel("", row=0, col=0, colspan=2, justify="left")
        self.wrap_labels(self.legend)
        self.plot = self.addPlot(row=1, col=0)
        self.lower = self.addPlot(row=2, col=0)
        plot, lower = self.plot, self.lower
        style_plot(plot, t, left="weight", bottom="")
        style_plot(lower, t)
        for p in (plot, lower):
            p.disableAutoRange()
        lower.setXLink(plot)
        # -- bars ------------------------------------------------------
        self.bars = pg.BarGraphItem(x0=[], y=[], height=[], width=[], pen=None)
        plot.addItem(self.bars)
        self.axis_zero = pg.InfiniteLine(pos=0, angle=90, movable=False, pen=pen(t, t.guide_rgba, 1.2))
        plot.addItem(self.axis_zero, ignoreBounds=True)
        self.zero_rings = Scatter(size=t.px(9), symbol="o", pen=pen(t, t.foreground, 1.4), brush=None,
                                  pxMode=True, antialias=True)
        self.zero_rings.setZValue(15)
        plot.addItem(self.zero_rings)
        # -- curves ----------------------------------------------------
        self.value_zero = pg.InfiniteLine(pos=0, angle=0, movable=False, pen=pen(t, t.guide_rgba, 1.2))
        plot.addItem(self.value_zero, ignoreBounds=True)
        self.faint = pg.PlotCurveItem(pen=pen(t, t.faint_rgba, 1.2), connect="finite", antialias=True)
        plot.addItem(self.faint)
        self.class_curves = []
        for k in range(MAX_CLASSES):
            c = pg.PlotCurveItem(pen=pen(t, t.class_color(k), 1.6), connect="finite", antialias=True)
            plot.addItem(c)
            self.class_curves.append(c)
        self.highlights = []
        for i in range(frames.HIGHLIGHT):
            c = pg.PlotCurveItem(pen=pen(t, self._highlight(i), 2.8), antialias=True)
            c.setZValue(5)
            plot.addItem(c)
            self.highlights.append(c)
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pen(t, t.line_color, 1.5))
        plot.addItem(self.cursor, ignoreBounds=True)
        self.cursor_dots = Scatter(size=t.px(8), pen=pen(t, t.line_color, 1.0), pxMode=True, antialias=True)
        self.cursor_dots.setZValue(20)
        plot.addItem(self.cursor_dots)
        # -- weight images ---------------------------------------------
        self.lut = t.weight_lut()
        self.ink = t.ink_lut()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-5)
        plot.addItem(self.image)
        self.titles = []
        for _ in range(MAX_CLASSES):
            ti = pg.TextItem("", color=color(t.foreground), anchor=(0.5, 1.0))
            plot.addItem(ti, ignoreBounds=True)
            self.titles.append(ti)
        cmap = pg.ColorMap(np.linspace(0.0, 1.0, self.lut.shape[0]), self.lut)
        self.colorbar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=cmap, interactive=False,
                                        width=t.px(14), colorMapMenu=False)
        ax = self.colorbar.getAxis("right")
        ax.setTickFont(font(t))
        ax.setPen(pen(t, t.foreground))
        ax.setTextPen(pen(t, t.foreground))
        ax.setStyle(tickLength=int(round(t.px(5))), tickTextOffset=int(round(t.px(3))))
        roomy_axis(ax)
        ax.setWidth(None)
        ax.enableAutoSIPrefix(False)
        self.addItem(self.colorbar, row=1, col=1)
        pol = self.colorbar.sizePolicy()
        pol.setHorizontalPolicy(QSizePolicy.Policy.Preferred)  # as wide as its axis: the plot takes the rest
        self.colorbar.setSizePolicy(pol)
        self.layout.setColumnStretchFactor(0, 1)
        self.layout.setColumnStretchFactor(1, 0)
        cache(self.colorbar, ax)
        # -- the lower plot: non-zero weights along the path, or thumbnails --
        self.count_curve = pg.PlotDataItem([], [], pen=pen(t, t.line_color, 2.0), symbol="o",
                                           symbolSize=t.px(5), symbolPen=None, symbolBrush=brush(t.line_color))
        lower.addItem(self.count_curve)
        self.count_cursor = pg.InfiniteLine(angle=90, movable=False, pen=pen(t, t.line_color, 1.5))
        lower.addItem(self.count_cursor, ignoreBounds=True)
        self.thumbs = pg.ImageItem(axisOrder="row-major")
        lower.addItem(self.thumbs)
        self.thumb_titles = []
        for _ in range(frames.MAX_THUMBS):
            ti = pg.TextItem("", color=color(t.foreground), anchor=(0.5, 1.0))
            lower.addItem(ti, ignoreBounds=True)
            self.thumb_titles.append(ti)
        plot.vb.sigResized.connect(self._on_resize)
        lower.vb.sigResized.connect(self._on_resize)
        self.data = None
        self._mode = None
        self._legend_key = None
        self._labels = {}
        self._label_text = {}
        self._tick_key = None
        self._range = None
        self._mosaic = None       # (positions, width, height, shape) of the weight images
        self._thumb_mosaic = None
        self._image_key = None
        self._set_mode("bars")

    # ------------------------------------------------------------------
    def _highlight(self, i: int) -> str:
        """The colour of the i-th singled-out weight (the class colours after the two classes')."""
        return self.theme.class_color(2 + i)

    def plot_item(self):
        return self.plot

    def set_view(self, view) -> None:
        super().set_view(view)
        self.data = None
        self._range = None
        self._tick_key = None
        self._legend_key = None

    # ------------------------------------------------------------------
    def _label(self, plot, axis: str, text: str, short: str = "") -> None:
        """An axis label as large as the theme's (+2 pt) or smaller, down 4 pt, so that it
        fits along its axis (a short plot, a large presentation font); else ``short``."""
        key = (id(plot), axis)
        self._label_text[key] = (plot, axis, text, short)
        t = self.theme
        size = None
        if text:
            rect = plot.vb.boundingRect()
            room = (rect.height() if axis in ("left", "right") else rect.width()) - t.px(4)
            fits = [(c, d) for c in (text, short) if c for d in (2.0, 1.0, 0.0, -1.0, -2.0)
                    if QFontMetricsF(font(t, d)).horizontalAdvance(c) <= room]
            text, size = fits[0] if fits else (short or text, -2.0)
        if self._labels.get(key) == (text, size):
            return
        self._labels[key] = (text, size)
        if text:
            plot.setLabel(axis, html.escape(text), color=t.foreground, **{"font-size": t.css_pt(size)})
        else:
            plot.setLabel(axis, "")
            plot.getAxis(axis).showLabel(False)

    def _refit_labels(self) -> None:
        for plot, axis, text, short in list(self._label_text.values()):
            self._label(plot, axis, text, short)

    def _collapse(self, item, on: bool, *, width: bool = False) -> None:
        item.setVisible(on)
        if width:
            item.setMaximumWidth(1e6 if on else 0)
            if not on:
                item.setMinimumWidth(0)
        else:
            item.setMaximumHeight(1e6 if on else 0)
            if not on:
                item.setMinimumHeight(0)

    def _set_mode(self, mode: str) -> None:
        if mode == self._mode:
            return
        self._mode = mode
        plot, lower = self.plot, self.lower
        bars, images, lines = mode == "bars", mode == "images", mode in ("trajectories", "path")
        path = mode == "path"
        for item in (self.bars, self.axis_zero):
            item.setVisible(bars)
        self.zero_rings.setVisible(bars or images)
        for item in [self.faint, self.value_zero, self.cursor, self.cursor_dots, *self.class_curves,
                     *self.highlights]:
            item.setVisible(lines)
        self.image.setVisible(images)
        for ti in self.titles:
            ti.setVisible(False)
        self._collapse(self.colorbar, images, width=True)
        lower_on = path or images
        self._collapse(lower, lower_on)
        self.layout.setRowStretchFactor(1, 3)
        self.layout.setRowStretchFactor(2, 1 if lower_on else 0)
        for item in (self.count_curve, self.count_cursor):
            item.setVisible(path)
        self.thumbs.setVisible(images)
        for ti in self.thumb_titles:
            ti.setVisible(False)
        for p in (plot, lower):
            p.vb.setAspectLocked(images)
            p.vb.invertY(images)
            p.showGrid(x=not images, y=not images and not bars, alpha=self.theme.grid_alpha)
            for name in ("left", "bottom"):
                p.showAxis(name, not images)
        if bars:
            plot.showGrid(x=True, y=False, alpha=self.theme.grid_alpha)
        for p in (plot, lower):
            p.getAxis("bottom").setTicks(None)
        plot.getAxis("bottom").setStyle(showValues=not path)  # the path: the count plot's axis says it
        if not bars:
            plot.getAxis("left").setTicks(None)
            plot.getAxis("left").setTickFont(font(self.theme))
        self.lower.setXLink(self.plot if path else None)
        self._range = None
        self._tick_key = None

    # ------------------------------------------------------------------
    def update_data(self, data: frames.WeightsData) -> None:
        if self.view is None:
            return
        self.data = data
        self._set_mode(data.mode)
        self._update_legend(data)
        if data.mode == "bars":
            self._draw_bars(data)
        elif data.mode == "images":
            self._draw_images(data)
        else:
            self._draw_lines(data)

    def _legend_entries(self, data):
        t = self.theme
        out = []
        for kind, idx, text in data.legend:
            text = html.escape(text).replace(" ", "&nbsp;")  # lines break between entries only
            if kind == "sign":
                c = (_hex(self.lut[-1] if idx == 1 else self.lut[0]) if data.mode == "images"
                     else t.class_color(idx))
                out.append(("■", c, text))
            elif kind == "class":
                out.append(("━" if data.mode != "bars" else "■", t.class_color(idx), text))
            elif kind == "highlight":
                out.append(("━━", self._highlight(idx), text))
            elif kind == "faint":
                out.append(("──", _over(t, t.faint_rgba), text))
            elif kind == "cursor":
                out.append(("│●", t.line_color, text))
            elif kind == "zero":
                out.append(("○", t.foreground, text))
            else:
                out.append((None, t.foreground, text))
        return out

    def _legend_html(self, entries) -> str:
        t = self.theme
        parts = [text if sym is None else f"<span style='color:{c}'>{sym}</span>&nbsp;{text}"
                 for sym, c, text in entries]
        return (f"<span style='color:{t.foreground};font-size:{t.css_pt(0)}'>"
                + "&nbsp;&nbsp; ".join(parts) + "</span>")

    def _update_legend(self, data) -> None:
        key = (data.mode, data.legend, data.note)
        if key == self._legend_key:
            return
        self._legend_key = key
        t = self.theme
        text = self._legend_html(self._legend_entries(data))
        if data.note:
            text += (f"<br><span style='color:{t.muted};font-size:{t.css_pt(-1)}'>"
                     f"{html.escape(data.note)}</span>")
        self.legend.setText(text)

    # ------------------------------------------------------------------
    def _draw_bars(self, data) -> None:
        t = self.theme
        b = data.bars
        m, nb = b.values.shape
        h = 0.8 / m
        ys, vals, brushes = [], [], []
        for k in range(m):
            off = (k - (m - 1) / 2.0) * h
            y = (nb - 1 - np.arange(nb)) + off
            ys.append(y)
            vals.append(b.values[k])
            if m == 1:
                brushes.extend(brush(t.class_color(1 if v > 0 else 0)) for v in b.values[k])
            else:
                brushes.extend([brush(t.class_color(k))] * nb)
        y = np.concatenate(ys) if ys else np.empty(0)
        v = np.concatenate(vals) if vals else np.empty(0)
        self.bars.setOpts(x0=np.minimum(v, 0.0), y=y, height=np.full(y.size, 0.92 * h), width=np.abs(v),
                          brushes=brushes, pen=None)
        zero = np.concatenate([b.zero[k] for k in range(m)]) if m else np.zeros(0, bool)
        self._label(self.plot, "bottom", data.value_label)
        self._label(self.plot, "left", "")
        self._bar_ticks(b.names)
        self.zero_rings.setData(np.zeros(int(zero.sum())), y[zero])
        rng = (b.x_range, (-0.6, nb - 0.4))
        if rng != self._range:
            self._range = rng
            self.plot.setRange(xRange=rng[0], yRange=rng[1], padding=0.02)

    def _on_resize(self, *_) -> None:
        self._refit_labels()
        if self._mode == "images":
            self._layout_images()
        elif self._mode == "bars" and self.data is not None and self.data.bars is not None:
            self._bar_ticks(self.data.bars.names)

    def _bar_ticks(self, names) -> None:
        """The feature names on the left axis, as large as the bars' spacing allows (from the
        theme's size down 3 pt), every other (third, …) one when even that does not fit."""
        height = self.plot.vb.boundingRect().height()
        nb = len(names)
        key = (tuple(names), round(height))
        if key == self._tick_key or nb == 0:
            return
        # not laid out yet: every name for now, decided again once the plot has its size
        self._tick_key = key if height >= 20 else None
        if height < 20:
            height = nb * QFontMetricsF(font(self.theme)).height()
        t = self.theme
        per = height / max(nb, 1)
        chosen, step = font(t, -3), 1
        for delta in (0.0, -1.0, -2.0, -3.0):
            f = font(t, delta)
            if QFontMetricsF(f).height() <= per:
                chosen = f
                break
        else:
            step = max(1, math.ceil(QFontMetricsF(chosen).height() / max(per, 1e-6)))
        # the rings of exact zeros: no larger than a bar is thick
        m = self.data.bars.values.shape[0] if self.data is not None and self.data.bars is not None else 1
        self.zero_rings.setSize(min(t.px(9), max(4.0, 0.8 * per / m)))
        ax = self.plot.getAxis("left")
        ax.setTickFont(chosen)
        major = [(float(nb - 1 - j), names[j]) for j in range(0, nb, step)]
        ax.setTicks([major, []])

    # ------------------------------------------------------------------
    def _draw_images(self, data) -> None:
        t = self.theme
        im = data.images
        self.colorbar.setLevels((-im.vmax, im.vmax))
        self._label(self.colorbar, "right", data.value_label)
        n = im.thumbs.shape[0]
        self._collapse(self.lower, n > 0)
        # one image (a binary model) needs less room than ten: the thumbnails get more
        self.layout.setRowStretchFactor(1, 2 if im.weights.shape[0] == 1 else 3)
        self.layout.setRowStretchFactor(2, 1 if n > 0 else 0)
        self.zero_rings.setSize(t.px(4))
        self._image_key = None
        self._layout_images()

    def _layout_images(self, *_) -> None:
        """Lay the weight images (and the thumbnails) out in as many columns as makes them
        largest in the space there is, with each title above its image as large as the gap allows."""
        if self._mode != "images" or self.data is None or self.data.images is None:
            return
        t = self.theme
        im = self.data.images
        W, th = im.weights, im.thumbs
        m, r, c = W.shape
        n = th.shape[0]
        main, low = self.plot.vb.boundingRect(), self.lower.vb.boundingRect()
        small = QFontMetricsF(font(t, -3))  # the smallest titles are at least this large, if they can be
        widest = lambda texts: max((small.horizontalAdvance(x) for x in texts), default=0.0)  # noqa: E731
        cols = _best_columns(m, r, c, main.width(), main.height(), widest(im.titles))
        tcols = _best_columns(max(n, 1), r, c, low.width(), low.height(), widest(im.thumb_titles))
        key = (id(self.data), cols, tcols, round(main.width()), round(main.height()),
               round(low.width()), round(low.height()))
        if key == self._image_key:
            return
        self._image_key = key
        scale = 10  # canvas pixels per image pixel: crisp squares and gaps when smoothed
        pos, width, height = _mosaic(W, cols, GAP, TITLE_GAP)
        self.image.setImage(_rgba(W, self.lut, -im.vmax, im.vmax, pos, width, height, scale),
                            levels=(0, 255), autoLevels=False)
        self.image.setRect(QRectF(0, 0, width, height))
        for i, ti in enumerate(self.titles):
            if i < m:
                ti.setText(im.titles[i], color=color(t.foreground))
                ti.setPos(pos[i, 0] + c / 2.0, pos[i, 1] - 0.2)
            ti.setVisible(i < m)
        zi, zr, zc = np.nonzero(im.zero)
        self.zero_rings.setData(pos[zi, 0] + zc + 0.5, pos[zi, 1] + zr + 0.5)
        self.plot.setRange(xRange=(0, width), yRange=(0, height), padding=0.01)
        tpos, tw, thh = _mosaic(th if n else np.zeros((1, r, c)), tcols, GAP, TITLE_GAP)
        lo, hi = im.thumb_range
        self.thumbs.setImage(_rgba(th, self.ink, lo, hi, tpos, tw, thh, scale), levels=(0, 255), autoLevels=False)
        self.thumbs.setRect(QRectF(0, 0, tw, thh))
        for i, ti in enumerate(self.thumb_titles):
            if i < n:
                ti.setText(im.thumb_titles[i], color=color(t.foreground))
                ti.setPos(tpos[i, 0] + c / 2.0, tpos[i, 1] - 0.2)
            ti.setVisible(i < n)
        self.lower.setRange(xRange=(0, tw), yRange=(0, thh), padding=0.01)
        self._mosaic = (pos, width, height, (r, c))
        self._thumb_mosaic = (tpos, tw, thh, (r, c))
        for vb, (_, w, h, _), items, texts in ((self.plot.vb, self._mosaic, self.titles, im.titles),
                                               (self.lower.vb, self._thumb_mosaic, self.thumb_titles,
                                                im.thumb_titles)):
            rect = vb.boundingRect()
            if rect.width() < 2 or rect.height() < 2:
                continue
            px = min(rect.width() / w, rect.height() / h)  # pixels per image pixel (aspect locked)
            room = rect.width() if len(texts) == 1 else 0.85 * (c + GAP) * px  # a space between titles
            f = _fitting_font(t, 0.85 * TITLE_GAP * px, room, max(texts, key=len, default=""))
            metrics = QFontMetricsF(f)
            for ti, text in zip(items, texts):
                ti.setFont(f)
                if metrics.horizontalAdvance(text) > room:  # even the smallest font is too wide: cut it short
                    ti.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, room), color=color(t.foreground))

    # ------------------------------------------------------------------
    def _draw_lines(self, data) -> None:
        t = self.theme
        ln = data.lines
        if ln is None:  # nothing to draw (the note says why)
            for c in (self.faint, *self.highlights, *self.class_curves):
                c.setData([], [])
            self.cursor.hide()
            self.cursor_dots.setData([], [])
            self.count_curve.setData([], [])
            self.count_cursor.hide()
            return
        path = data.mode == "path"
        x = np.log10(ln.x) if path else ln.x
        Y = ln.Y
        group = ln.group
        binary = data.binary

        def joined(rows):
            if len(rows) == 0:
                return np.empty(0), np.empty(0)
            xs = np.concatenate([np.append(x, np.nan) for _ in rows])
            ys = np.concatenate([np.append(Y[i], np.nan) for i in rows])
            return xs, ys

        if binary:
            self.faint.setData(*joined(np.flatnonzero(group < 0)))
            for i, c in enumerate(self.highlights):
                rows = np.flatnonzero(group == i)
                if rows.size:
                    c.setData(x, Y[rows[0]])
                else:
                    c.setData([], [])
            for c in self.class_curves:
                c.setData([], [])
        else:
            self.faint.setData([], [])
            for c in self.highlights:
                c.setData([], [])
            for k, c in enumerate(self.class_curves):
                c.setData(*joined(np.flatnonzero(group == k)))
        if ln.cursor_x is not None:
            cx = math.log10(ln.cursor_x) if path else ln.cursor_x
            self.cursor.setValue(cx)
            self.cursor.show()
            if ln.cursor_y.size:
                if binary:
                    cols = [self._highlight(g) if g >= 0 else _over(t, t.faint_rgba) for g in group]
                else:
                    cols = [t.class_color(int(g)) for g in group]
                self.cursor_dots.setData(np.full(ln.cursor_y.size, cx), ln.cursor_y,
                                         brush=[brush(c) for c in cols])
            else:
                self.cursor_dots.setData([], [])
        else:
            self.cursor.hide()
            self.cursor_dots.setData([], [])
        self._label(self.plot, "left", data.value_label)
        if path:
            self._label(self.plot, "bottom", "")
            self._label(self.lower, "left", "non-zero", "≠ 0")
            self._label(self.lower, "bottom", "λ₁ (log scale)", "λ₁")
            self._log_ticks(ln.x_range)
            self.count_curve.setData(x, ln.count.astype(np.float64))
            if ln.cursor_x is not None:
                self.count_cursor.setValue(math.log10(ln.cursor_x))
                self.count_cursor.show()
            else:
                self.count_cursor.hide()
        else:
            self._label(self.plot, "bottom", "iteration k")
        rng = (ln.x_range, ln.y_range, None if not path else float(ln.count.max()))
        if rng != self._range:
            self._range = rng
            self.plot.setRange(xRange=ln.x_range, yRange=ln.y_range, padding=0.02)
            if path:
                top = max(1.0, float(ln.count.max()))
                self.lower.setRange(yRange=(0, top * 1.08), padding=0.0)

    def _log_ticks(self, x_range) -> None:
        """Decades labelled (0.001, 0.01, …), 2…9 times them as unlabelled minor ticks."""
        key = ("log", x_range)
        if key == self._tick_key:
            return
        self._tick_key = key
        lo, hi = math.floor(x_range[0]), math.ceil(x_range[1])
        major = [(float(k), _decade(k)) for k in range(lo, hi + 1)]
        minor = [(k + math.log10(f), "") for k in range(lo, hi) for f in range(2, 10)]
        for p in (self.plot, self.lower):
            p.getAxis("bottom").setTicks([major, minor])

    # ------------------------------------------------------------------
    def readout(self, x: float, y: float) -> str:
        data = self.data
        if data is None:
            return ""
        if data.mode == "images":
            return self._image_readout(data, x, y)
        return frames.readout(data, x, y)

    def _image_readout(self, data, x, y) -> str:
        if self._mosaic is None:
            return ""
        pos, _, _, (r, c) = self._mosaic
        im = data.images
        for i in range(pos.shape[0]):
            col, row = x - pos[i, 0], y - pos[i, 1]
            if 0 <= col < c and 0 <= row < r:
                ri, ci = int(row), int(col)
                v = im.weights[i, ri, ci]
                zero = "  (exactly 0)" if im.zero[i, ri, ci] else ""
                return f"{im.titles[i]}, pixel ({ri}, {ci}): w = {v:.4g}{zero}"
        return ""


SPEC = register(PanelSpec(
    id="weights", order=50, title="Weights", Options=frames.WeightsOptions, compute=frames.compute,
    item=WeightsItem,
    tooltip="The model's weights w_j: as bars (○ exactly 0; for pixel images each class's weights\n"
            "as an image, with the misclassified images below), over the iterations, or along the\n"
            "L1 path — the minimizer of J + λ₁‖w‖₁ against λ₁: the larger λ₁, the more weights are exactly 0.",
))
