"""Themes: every colour, font size, line width and marker size the panels use.

No colour or font literal lives outside this module. A :class:`Theme` is a
frozen value: light (projectors and paper, the default of ``render``) or dark,
times a ``scale`` that multiplies fonts, line widths and markers together —
the **presentation** setting (×1.75, for the back of a hall) and a PNG
export's resolution (×2 … ×4: lines and text grow with the picture instead of
staying 1-px hairlines). Nothing here changes pyqtgraph's process-global
configuration: every item gets its pens, brushes and fonts from its theme, so
exporting one panel in another theme never touches the window.

Class colours are the Okabe–Ito palette (distinguishable with every common
colour-vision deficiency), class 0 blue and class 1 vermillion — the ends of
the probability map (CET-D1, blue–white–red, perceptually uniform).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = ["Theme", "LIGHT", "DARK", "PRESENTATION_SCALE", "get_theme", "WindowStyle", "WINDOW"]

#: fonts, lines and markers in presentation mode are this many times larger
PRESENTATION_SCALE = 1.75

#: Okabe & Ito (2008), then two more of Paul Tol's for ten classes
CLASS_COLORS = (
    "#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7",
    "#56b4e9", "#8c6d1f", "#000000", "#882255", "#44aa99",
)


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    foreground: str       # text, axes
    muted: str            # secondary text (notes, readouts)
    grid_alpha: float
    class_colors: tuple
    train_color: str      # the training objective
    test_color: str       # the test objective
    grad_color: str       # ‖∇J‖∞
    line_color: str       # the bold boundary, the σ curve, the cursor
    contour_rgba: tuple   # thin probability contours
    ring_color: str       # rings around misclassified samples
    marker_edge_rgba: tuple
    residual_rgba: tuple
    guide_rgba: tuple     # z = 0, σ = ½ and setting-change lines
    legend_rgba: tuple    # a text box's fill
    heat_blend: float     # the probability map blended towards the background by this much
    # -- the cross-entropy, MSE, one-vs-rest and formula panels (issue 9) --
    warning_color: str    # what fails: the naive log σ (−∞, NaN), the MSE's non-convex region
    derivative_color: str  # σ′(z) = σ(z)(1 − σ(z))
    accent_color: str     # the formula strip's current numbers
    undecided_none: str   # one-vs-rest: no model claims the point
    undecided_many: str   # one-vs-rest: more than one model claims it
    landscape_map: str    # a sequential colour map (pyqtgraph's name) for objective landscapes
    landscape_blend: float  # ... blended towards the background by this much
    threshold_color: str  # the decision threshold t: the p = t contour, the operating points on ROC / PR
    reference_color: str  # a reference model drawn with the shown one (the unweighted fit)
    cell_color: str       # a confusion-matrix cell at rate 1 (rate 0: the background)
    # -- the weights and summary panels (issue 9 items 5, 6) --
    weight_map: str       # a diverging colour map (pyqtgraph's name) for weight images, centred at 0
    faint_rgba: tuple     # the weights' curves not singled out
    stripe_rgba: tuple    # every other row of a table
    # -- the landscape and curvature panels (issue 9 items 1, 9) --
    path_color: str       # an optimizer's path and its current point
    descent_color: str    # the −∇J arrow
    model_color: str      # what the method knows: Newton's model, a quasi-Newton ellipse, trial points, steps
    # -- the hands-on and paint panels (issue 9 item 12) --
    handle_color: str     # a handle to drag by hand (the hands-on panel's weights)
    font_pt: float = 11.0
    scale: float = 1.0

    # -- sizes ---------------------------------------------------------
    def scaled(self, factor: float) -> "Theme":
        """The same theme with fonts, lines and markers ``factor`` times larger."""
        return replace(self, scale=self.scale * float(factor))

    def px(self, width: float) -> float:
        """A line width or marker size, scaled."""
        return float(width) * self.scale

    def pt(self, delta: float = 0.0) -> float:
        """A font size in points: the base size plus ``delta``, scaled."""
        return (self.font_pt + delta) * self.scale

    def css_pt(self, delta: float = 0.0) -> str:
        return f"{self.pt(delta):.1f}pt"

    # -- colours -------------------------------------------------------
    def class_color(self, k: int) -> str:
        return self.class_colors[k % len(self.class_colors)]

    def race_color(self, i: int) -> str:
        """The colour of racer ``i`` in an optimizer race: the palette after the two colours the
        training and test curves use, so a race never looks like the run's own curves."""
        return self.class_colors[(i + 2) % len(self.class_colors)]

    def class_rgb(self, K: int) -> np.ndarray:
        """(K, 3) class colours as floats in 0..1."""
        return np.array([[int(self.class_color(k)[i:i + 2], 16) / 255.0 for i in (1, 3, 5)] for k in range(K)])

    def background_rgb(self) -> np.ndarray:
        return np.array([int(self.background[i:i + 2], 16) / 255.0 for i in (1, 3, 5)])

    def probability_lut(self) -> np.ndarray:
        """(256, 3) uint8: CET-D1 blended towards the background (the data stay readable on it)."""
        import pyqtgraph as pg

        lut = pg.colormap.get("CET-D1").getLookupTable(nPts=256, alpha=False).astype(np.float64)
        bg = self.background_rgb() * 255.0
        lut = lut + (bg - lut) * self.heat_blend
        return np.clip(lut, 0, 255).astype(np.ubyte)

    def landscape_lut(self) -> np.ndarray:
        """(256, 3) uint8: the sequential map of objective landscapes (low → high), blended
        towards the background like the probability map."""
        import pyqtgraph as pg

        lut = pg.colormap.get(self.landscape_map).getLookupTable(nPts=256, alpha=False).astype(np.float64)
        bg = self.background_rgb() * 255.0
        lut = lut + (bg - lut) * self.landscape_blend
        return np.clip(lut, 0, 255).astype(np.ubyte)

    @staticmethod
    def rgb(c: str) -> np.ndarray:
        """A "#rrggbb" colour as three floats in 0..1."""
        return np.array([int(c[i:i + 2], 16) / 255.0 for i in (1, 3, 5)])

    def blend_classes(self, P: np.ndarray) -> np.ndarray:
        """(…, K) probabilities → (…, 3) uint8: Σ_k p_k · colour_k, blended like the binary map."""
        rgb = P @ self.class_rgb(P.shape[-1])
        rgb = rgb + (self.background_rgb() - rgb) * self.heat_blend
        return np.clip(rgb * 255.0, 0, 255).astype(np.ubyte)

    def weight_lut(self) -> np.ndarray:
        """(256, 3) uint8: the diverging map of weight images, negative → 0 → positive (its
        middle close to the background, so a weight of 0 reads as empty)."""
        import pyqtgraph as pg

        return pg.colormap.get(self.weight_map).getLookupTable(nPts=256, alpha=False).astype(np.ubyte)

    def ink_lut(self) -> np.ndarray:
        """(256, 3) uint8: pixel intensity 0 → the background, full → the foreground
        (image thumbnails drawn as ink on the panel's paper)."""
        bg, fg = self.background_rgb(), self.rgb(self.foreground)
        t = np.linspace(0.0, 1.0, 256)[:, None]
        return np.clip((bg + (fg - bg) * t) * 255.0, 0, 255).astype(np.ubyte)

    def cell_rgb(self, R: np.ndarray) -> np.ndarray:
        """Rates (…) in 0..1 → (…, 3) uint8: the background at 0, ``cell_color`` at 1
        (linear in between; NaN, an empty row or column, is the background)."""
        R = np.clip(np.nan_to_num(np.asarray(R, dtype=np.float64), nan=0.0), 0.0, 1.0)[..., None]
        bg = self.background_rgb()
        hi = np.array([int(self.cell_color[i:i + 2], 16) / 255.0 for i in (1, 3, 5)])
        return np.clip((bg + (hi - bg) * R) * 255.0, 0, 255).astype(np.ubyte)


LIGHT = Theme(
    name="light", background="#ffffff", foreground="#1f2328", muted="#555555", grid_alpha=0.18,
    class_colors=CLASS_COLORS, train_color="#0072b2", test_color="#d55e00", grad_color="#6b6f76",
    line_color="#111111", contour_rgba=(30, 30, 30, 110), ring_color="#000000",
    marker_edge_rgba=(20, 20, 20, 200), residual_rgba=(170, 170, 170, 200), guide_rgba=(0, 0, 0, 110),
    legend_rgba=(255, 255, 255, 200), heat_blend=0.45,
    threshold_color="#007a5a", reference_color="#7b3294", cell_color="#0072b2",
    warning_color="#c8302c", derivative_color="#7a4fa3", accent_color="#0b5cad",
    undecided_none="#dadada", undecided_many="#969696", landscape_map="viridis", landscape_blend=0.35,
    weight_map="CET-D1", faint_rgba=(120, 120, 120, 120), stripe_rgba=(0, 0, 0, 14),
    path_color="#d55e00", descent_color="#111111", model_color="#cc1f6a",
    handle_color="#009e73",
)

DARK = Theme(
    name="dark", background="#16181d", foreground="#e8e8e8", muted="#b0b0b0", grid_alpha=0.22,
    class_colors=("#56b4e9", "#f07e3c", "#2fcf9a", "#f0c000", "#e08ac0",
                  "#9fd0f5", "#d9b36c", "#eeeeee", "#e06a9a", "#66ccbb"),
    train_color="#56b4e9", test_color="#f07e3c", grad_color="#a8adb5",
    line_color="#f5f5f5", contour_rgba=(235, 235, 235, 110), ring_color="#ffffff",
    marker_edge_rgba=(240, 240, 240, 190), residual_rgba=(120, 120, 120, 200), guide_rgba=(255, 255, 255, 110),
    legend_rgba=(22, 24, 29, 200), heat_blend=0.55,
    threshold_color="#2fcf9a", reference_color="#c9a0ff", cell_color="#56b4e9",
    warning_color="#ff6f61", derivative_color="#c39bd3", accent_color="#7cc4ff",
    undecided_none="#4a4e57", undecided_many="#9a9ea6", landscape_map="viridis", landscape_blend=0.35,
    weight_map="CET-D4", faint_rgba=(170, 170, 170, 110), stripe_rgba=(255, 255, 255, 16),
    path_color="#ff9a4d", descent_color="#f5f5f5", model_color="#ff6fae",
    handle_color="#2fcf9a",
)

_THEMES = {"light": LIGHT, "dark": DARK}


# ----------------------------------------------------------------------
# the window around the panels (Qt's own widgets keep the system's palette)
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class WindowStyle:
    """Colours and sizes of the window's own text: the header, the status bar and
    its status chip, messages, help text."""

    header_delta_pt: float = 2.0           # the header: the system font + this
    presentation_font_factor: float = 1.4  # the window's text in presentation mode
    mono_family: str = "DejaVu Sans Mono"  # the status bar's numbers (they do not jitter)
    field_separator: str = "#c8c8c8"
    muted: str = "#555555"
    message: tuple = (("error", "#c8302c"), ("warning", "#b06000"))
    #: status → (text colour, background) of the status chip
    status: tuple = (
        ("running", ("#ffffff", "#2b63c9")),
        ("paused", ("#1f2328", "#e3e6ea")),
        ("history", ("#1f2328", "#fff1c2")),
        ("converged", ("#ffffff", "#2e9e44")),
        ("max_iter", ("#1f2328", "#f3d36b")),
        ("stalled", ("#1f2328", "#f3b36b")),
        ("diverged", ("#ffffff", "#c8302c")),
        ("separable", ("#ffffff", "#e8870e")),
    )

    def status_colors(self, key: str) -> tuple:
        table = dict(self.status)
        return table.get(key, table["paused"])

    def message_color(self, level: str) -> str | None:
        """The status bar's text colour for a message of ``level`` (None: the palette's)."""
        return dict(self.message).get(level)


WINDOW = WindowStyle()


def get_theme(name: str = "light", *, presentation: bool = False, scale: float = 1.0) -> Theme:
    """Theme ``name`` (light | dark), ×PRESENTATION_SCALE in presentation mode, × ``scale``."""
    try:
        theme = _THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r} (themes: {', '.join(_THEMES)})") from None
    factor = (PRESENTATION_SCALE if presentation else 1.0) * float(scale)
    return theme.scaled(factor) if factor != 1.0 else theme
