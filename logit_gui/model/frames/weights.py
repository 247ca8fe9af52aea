"""The weights panel's frame: the coefficients as bars, over the iterations, and along an L1 path.

Three views of the same numbers, in input units (per unit of each feature as the
user gave it: :meth:`FeatureMap.to_input_units`) or in model units (per unit of
the feature the optimizer sees: per standard deviation when standardized):

* **coefficients** — the shown iterate's weights as horizontal bars, one per
  feature (grouped by class for many classes), weights that are exactly 0
  marked. When the features are the pixels of square images (``pixel_r_c``,
  e.g. the 8 × 8 digits) each class's weights are drawn as an image instead,
  on a diverging scale centred at 0, with thumbnails of the digits the shown
  iterate misclassifies;
* **over the iterations** — each weight against the iteration k, from the
  recorded history (at most :data:`MAX_TRACE_POINTS` iterates, evenly spread);
* **L1 path** — each weight against λ₁ on a log axis: the penalized problem
  solved for :data:`PATH_POINTS` values of λ₁ from λ_max (the smallest λ₁ at
  which every weight is 0) down to λ_max · :data:`PATH_RATIO`, each fit
  warm-started from the previous one by the core's own L1-capable optimizer
  (L-BFGS, which with L1 is OWL-QN and gives exact zeros). Computed once per
  problem, when the view is first chosen (:func:`l1_path`).

Qt-free; colours are the item's (:mod:`logit_gui.render.panels.weights`).
"""

from __future__ import annotations

import copy
import math
import re
import threading
import weakref
from dataclasses import dataclass, field

import numpy as np

from logit_gui.core import train
from logit_gui.core.objective import predict_proba
from logit_gui.core.optimizers import make_optimizer

from .base import Frame, View
from .scale import FINE_STEPS, nice_bounds, nice_ceil

__all__ = ["WeightsOptions", "WeightsData", "Bars", "Images", "Lines", "L1Path", "compute", "l1_path",
           "pixel_grid", "path_too_large", "readout", "MAX_BARS", "MAX_CURVES", "HIGHLIGHT", "PATH_POINTS", "PATH_RATIO"]

#: at most this many features get a bar (beyond: the largest |w| at the shown iterate)
MAX_BARS = 40
#: at most this many weights get a curve over the iterations or along the path
MAX_CURVES = 60
#: a binary model's largest weights drawn in colours of their own (the rest faint)
HIGHLIGHT = 5
#: at most this many iterates are read from the history for the trajectories
MAX_TRACE_POINTS = 600
#: the L1 path: this many values of λ₁, from λ_max down to λ_max · PATH_RATIO
PATH_POINTS = 25
PATH_RATIO = 1e-3
#: each fit of the path: to this tolerance, at most PATH_MAX_ITER OWL-QN iterations, fewer
#: (down to PATH_MIN_ITER) for large problems: about PATH_WORK / (n · parameters) per fit,
#: so the path (computed on the window's thread, once) takes a second or two at most
PATH_TOL = 1e-6
PATH_MAX_ITER = 300
PATH_MIN_ITER = 50
PATH_WORK = 5e7
#: no path beyond this many samples × parameters (one gradient costs about that many
#: multiply-adds, and the path takes a few thousand of them)
PATH_LIMIT = 2_000_000
#: at most this many thumbnails of misclassified images
MAX_THUMBS = 12

_PIXEL = re.compile(r"pixel_(\d+)_(\d+)")

_VIEWS = [("coef", "coefficients"), ("trajectories", "over the iterations"), ("path", "L1 path")]
_UNITS = [("input", "input units"), ("model", "model units")]


@dataclass(frozen=True)
class WeightsOptions:
    view: str = field(default="coef", metadata={
        "label": "show", "choices": _VIEWS,
        "tip": "coefficients: the shown iterate's weights w_j as bars (○ marks a weight that is exactly 0;\n"
               "for 8 × 8 pixel images each class's 64 weights as an image, red > 0 > blue).\n"
               "over the iterations: each w_j against the iteration k (the recorded history).\n"
               "L1 path: each w_j of the minimizer of J + λ₁‖w‖₁ against λ₁ (log axis), from λ_max,\n"
               "where every weight is 0, down to λ_max/1000: warm-started OWL-QN fits, computed\n"
               "once per data set when first shown. Larger λ₁, more weights exactly 0."})
    units: str = field(default="input", metadata={
        "label": "units", "choices": _UNITS,
        "tip": "input units: w_j per unit of feature j as given (what train and the JSON report);\n"
               "model units: per unit of the feature the optimizer sees — with standardization\n"
               "per standard deviation, w_j·σ_j, so the bars compare the features' influence."})


@dataclass(frozen=True, eq=False)
class Bars:
    names: tuple            # (nb,) feature names, top to bottom
    values: np.ndarray      # (m, nb) weights: one row per class (one row for a binary model)
    zero: np.ndarray        # (m, nb) bool: exactly 0
    x_range: tuple          # the value axis


@dataclass(frozen=True, eq=False)
class Images:
    shape: tuple            # (rows, cols) of one image
    weights: np.ndarray     # (m, rows, cols)
    zero: np.ndarray        # (m, rows, cols) bool: exactly 0
    titles: tuple           # (m,) what each image's weights favour
    vmax: float             # the colour scale is −vmax … vmax (0 in its middle)
    thumbs: np.ndarray      # (t, rows, cols) misclassified samples' pixels
    thumb_titles: tuple     # (t,) "true → predicted"
    thumb_range: tuple      # (lo, hi) of the pixel values
    wrong_text: str         # how many are misclassified


@dataclass(frozen=True, eq=False)
class Lines:
    x: np.ndarray           # (T,) iteration k, or λ₁ (the path)
    Y: np.ndarray           # (c, T) one curve per drawn weight
    names: tuple            # (c,) the weight's name ("class: feature" for many classes)
    group: np.ndarray       # (c,) binary: highlight index 0..HIGHLIGHT-1, or −1 (faint); else the class
    x_range: tuple          # axis units (log10 λ₁ for the path)
    y_range: tuple
    cursor_x: float | None  # the shown iterate's k, or the run's λ₁ (None: not on the axis)
    cursor_y: np.ndarray    # (c,) the drawn weights at the cursor (empty: none)
    count: np.ndarray | None  # the path: non-zero weights at each λ₁


@dataclass(frozen=True, eq=False)
class WeightsData:
    mode: str               # "bars" | "images" | "trajectories" | "path"
    binary: bool
    classes: tuple          # class names
    value_label: str        # the value axis's label (says the units)
    legend: tuple           # ((kind, index, text), ...): kind "class", "sign", "highlight", "faint", "zero"
    note: str               # one line under the legend
    bars: Bars | None = None
    images: Images | None = None
    lines: Lines | None = None


# ----------------------------------------------------------------------
# names, units, shapes
# ----------------------------------------------------------------------
def pixel_grid(names) -> tuple[int, int] | None:
    """(rows, cols) when the features are the pixels of an image, named ``pixel_r_c``
    in row-major order (the digits: 8 × 8); else None."""
    names = tuple(names)
    if len(names) < 16:
        return None
    rc = []
    for name in names:
        m = _PIXEL.fullmatch(str(name))
        if m is None:
            return None
        rc.append((int(m.group(1)), int(m.group(2))))
    rows = max(r for r, _ in rc) + 1
    cols = max(c for _, c in rc) + 1
    if rows * cols != len(names) or rc != [(r, c) for r in range(rows) for c in range(cols)]:
        return None
    return rows, cols


def _short(name: str, width: int = 24) -> str:
    name = str(name)
    return name if len(name) <= width else name[: width - 1] + "…"


def _to_units(problem, coef, units: str) -> np.ndarray:
    """(…, m, d) model-unit weights → the chosen units (the intercept plays no part)."""
    coef = np.asarray(coef, dtype=np.float64)
    scaler = problem.feature_map.scaler
    if units == "model" or scaler is None:
        return coef
    return coef / scaler.scale_


def _standardized(problem) -> bool:
    return problem.feature_map.scaler is not None


def _value_label(problem, units: str) -> str:
    if not _standardized(problem):
        return "weight w_j"
    if units == "model":
        return "w_j per SD of x_j"
    return "w_j per unit of x_j"


def _class_names(view: View) -> tuple:
    return tuple(str(c) for c in view.classes)


def _series_names(view: View, m: int) -> tuple:
    """What each row of the coefficient matrix is the weight of: the class (many
    classes), or the positive class's log-odds (binary)."""
    names = _class_names(view)
    if m == 1:
        return (f"log-odds of {names[1]}",)
    return names


def _sym_range(values) -> tuple:
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (-1.0, 1.0)
    lo, hi = float(min(v.min(), 0.0)), float(max(v.max(), 0.0))
    if hi - lo <= 0:
        return (-1.0, 1.0)
    return nice_bounds(lo, hi)


# ----------------------------------------------------------------------
# the views
# ----------------------------------------------------------------------
def _bars(view: View, problem, coef, units: str, names) -> tuple[Bars, str]:
    m, d = coef.shape
    W = _to_units(problem, coef, units)
    note = ""
    if d > MAX_BARS:
        # the largest |w| (over the classes) at the shown iterate, kept in feature order
        size = np.max(np.abs(W), axis=0)
        keep = np.sort(np.argsort(-size, kind="stable")[:MAX_BARS])
        note = f"the {MAX_BARS} largest of {d:,} weights per class" if m > 1 else \
            f"the {MAX_BARS} largest of {d:,} weights"
    else:
        keep = np.arange(d)
    W = W[:, keep]
    return Bars(tuple(_short(names[j]) for j in keep), W, W == 0.0, _sym_range(W)), note


def _wrong_rows(view: View, coef, intercept):
    """(features, raw inputs, true class, predicted class) of the misclassified samples:
    the test split's first, then the training rows."""
    problem = view.problem
    out = []
    parts = []
    if view.test_features is not None:
        parts.append(("test", view.test_features, problem.test))
    parts.append(("training", view.train_features, problem.train))
    counts = []
    for label, F, ds in parts:
        P = predict_proba(view.kind, coef, intercept, F)
        pred = P.argmax(axis=1)
        y = np.asarray(ds.y)
        wrong = np.flatnonzero(pred != y)
        counts.append(f"{wrong.size:,} of {y.size:,} {label}")
        for i in wrong:
            if len(out) >= MAX_THUMBS:
                break
            out.append((ds.X[i], int(y[i]), int(pred[i])))
    return out, "misclassified: " + ", ".join(reversed(counts))


def _images(view: View, problem, coef, intercept, units: str, grid) -> tuple[Images, str]:
    m = coef.shape[0]
    rows, cols = grid
    W = _to_units(problem, coef, units).reshape(m, rows, cols)
    names = _class_names(view)
    titles = (f"w: {names[1]} vs {names[0]}",) if m == 1 else tuple(f"class {n}" for n in names)
    # the colour scale: ±(the 99th percentile of |w|, rounded up), so that a few extreme
    # pixels (rarely inked ones grow large) do not wash out the rest; they saturate
    A = np.abs(W[np.isfinite(W)])
    big = float(np.quantile(A, 0.99)) if A.size else 0.0
    if not big > 0:
        big = float(A.max()) if A.size else 0.0
    vmax = nice_ceil(big, FINE_STEPS) if big > 0 else 1.0
    top = float(A.max()) if A.size else 0.0
    wrong, text = _wrong_rows(view, coef, intercept)
    X = np.asarray(problem.train.X)
    lo, hi = float(np.min(X)), float(np.max(X))
    if hi <= lo:
        hi = lo + 1.0
    if wrong:
        thumbs = np.stack([np.asarray(x, dtype=np.float64).reshape(rows, cols) for x, _, _ in wrong])
    else:
        thumbs = np.empty((0, rows, cols))
    thumb_titles = tuple(f"{names[t]}→{names[p]}" for _, t, p in wrong)
    images = Images((rows, cols), W, W == 0.0, titles, vmax, thumbs, thumb_titles, (lo, hi), text)
    note = f"colours saturate beyond ±{vmax:g} (|w| up to {top:.3g})" if top > vmax else ""
    return images, note


def _trace(history, shown_k: int):
    """(k, coef stack (T, m, d)) of at most MAX_TRACE_POINTS recorded iterates,
    evenly spread over the history, the first, the newest and the shown one among them."""
    n = len(history)
    if n == 0:
        return np.empty(0), None
    idx = np.unique(np.round(np.linspace(0, n - 1, min(n, MAX_TRACE_POINTS))).astype(int))
    its = [history.get(int(i))[1] for i in idx]
    its.append(history.locate(shown_k)[1])
    its.sort(key=lambda it: it.k)
    ks, coefs = [], []
    for it in its:
        if ks and it.k == ks[-1]:
            continue
        ks.append(it.k)
        coefs.append(np.asarray(it.coef))
    return np.asarray(ks, dtype=np.float64), np.stack(coefs)


def _pick_curves(ref, m, names, view, n_max=MAX_CURVES):
    """Which weights get a curve: at most ``n_max``, the largest |ref| (m × d), in
    feature order; their names and groups (binary: the HIGHLIGHT largest get
    colours of their own, in order of size; else the class)."""
    d = ref.shape[1]
    flat = np.abs(ref).ravel()
    order = np.argsort(-flat, kind="stable")
    chosen = np.sort(order[:n_max])
    cls_names = _class_names(view)
    cnames, group = [], []
    rank = {int(j): r for r, j in enumerate(order[:HIGHLIGHT]) if flat[j] > 0}
    for j in chosen:
        k, f = divmod(int(j), d)
        if m == 1:
            cnames.append(_short(names[f]))
            group.append(rank.get(int(j), -1))
        else:
            cnames.append(f"{cls_names[k]}: {_short(names[f])}")
            group.append(k)
    return chosen, tuple(cnames), np.asarray(group, dtype=np.intp)


def _line_legend(m, view, cnames, group, total):
    if m > 1:
        return tuple(("class", k, n) for k, n in enumerate(_class_names(view)))
    ranked = sorted((g, n) for g, n in zip(group.tolist(), cnames) if g >= 0)
    entries = [("highlight", g, n) for g, n in ranked]
    rest = total - len(ranked)
    if rest > 0:
        entries.append(("faint", None, f"the other {rest:,}"))
    return tuple(entries)


def _trajectories(view, history, frame, problem, units, names):
    it = frame.iterate
    ks, C = _trace(history, it.k)
    m, d = it.coef.shape
    W = _to_units(problem, C, units)                      # (T, m, d)
    ref = _to_units(problem, it.coef, units)
    chosen, cnames, group = _pick_curves(ref, m, names, view)
    Y = W.reshape(W.shape[0], m * d)[:, chosen].T          # (c, T)
    x1 = nice_ceil(max(float(ks[-1]) if ks.size else 1.0, 5.0), FINE_STEPS)
    y_range = _sym_range(Y)
    cursor_y = ref.ravel()[chosen]
    note = f"the {chosen.size} largest of {m * d:,} weights at iteration {it.k}" if chosen.size < m * d else ""
    if len(history) > ks.size:
        note = "; ".join(filter(None, [note, f"{ks.size} of {len(history):,} recorded iterates drawn"]))
    lines = Lines(ks, Y, cnames, group, (0.0, x1), y_range, float(it.k), cursor_y, None)
    return lines, _line_legend(m, view, cnames, group, m * d), note


# ----------------------------------------------------------------------
# the L1 path
# ----------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class L1Path:
    """The minimizers of J + λ₁‖w‖₁ for decreasing λ₁ (model units)."""

    lambdas: np.ndarray     # (L,) decreasing, lambdas[0] = lam_max
    coef: np.ndarray        # (L, m, d)
    intercept: np.ndarray   # (L, m)
    status: tuple           # (L,) each fit's final status (converged, max_iter, stalled, ...)
    iterations: int         # OWL-QN iterations in all
    lam_max: float

    @property
    def nonzero(self) -> np.ndarray:
        """(L,) weights not exactly 0 at each λ₁."""
        return np.count_nonzero(self.coef.reshape(self.coef.shape[0], -1), axis=1)


_PATHS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_PATHS_LOCK = threading.Lock()


def _with_l1(objective, l1: float):
    """The same objective (same data, weights, L2, intercept) with L1 strength ``l1``.
    A shallow copy through the objective's pickling protocol: the data are shared."""
    obj = copy.copy(objective)
    obj.l1 = float(l1)
    return obj


def _fit(objective, theta0, max_iter, tol):
    opt = make_optimizer("lbfgs", objective, theta0)
    last = None
    for last in train.run(opt, max_iter=max_iter, tol=tol):
        pass
    return objective.join(last.coef, last.intercept), last


def l1_path(problem, n: int = PATH_POINTS, ratio: float = PATH_RATIO) -> L1Path:
    """The L1 path of ``problem``'s training objective (its L2 and weights kept): λ_max
    first, where all weights are 0, then ``n`` − 1 smaller λ₁ down to λ_max · ratio, log-spaced,
    each fit warm-started from the previous one. Cached per problem (the same object
    gives the same path without refitting)."""
    obj = problem.objective
    key = (n, ratio, obj.l2, obj.kind, obj.fit_intercept, obj.n, obj.d)
    with _PATHS_LOCK:
        cached = _PATHS.get(problem, {}).get(key)
        if cached is not None:
            return cached
        path = _compute_path(obj, n, ratio)
        _PATHS.setdefault(problem, {})[key] = path
        return path


def _compute_path(obj, n: int, ratio: float) -> L1Path:
    theta = obj.zeros()
    iterations = 0
    if obj.fit_intercept:
        # the intercept alone: with λ₁ above every |∂J/∂w_j| (≤ max |x_ij|, as |p − y| ≤ 1)
        # w = 0 stays optimal whatever b is, and OWL-QN moves only b
        big = 2.0 * float(np.max(np.abs(obj.Xt))) + 1.0
        theta, last = _fit(_with_l1(obj, big), theta, PATH_MAX_ITER, 1e-10)
        iterations += last.k
    g = obj.grad(theta) * obj.penalty_mask
    lam_max = float(np.max(np.abs(g))) if g.size else 0.0
    if not lam_max > 0:
        lam_max = 1.0
    lambdas = lam_max * 10.0 ** np.linspace(0.0, math.log10(ratio), n)
    budget = int(np.clip(PATH_WORK / (obj.n * obj.size), PATH_MIN_ITER, PATH_MAX_ITER))
    coefs, intercepts, status = [], [], []
    for i, lam in enumerate(lambdas):
        if i == 0:
            # at λ_max the weights are 0: the intercept-only fit is the minimizer
            last_coef, last_b = obj.split(theta)
            coefs.append(np.array(last_coef))
            intercepts.append(np.array(last_b))
            status.append("converged")
            continue
        objl = _with_l1(obj, lam)
        theta, last = _fit(objl, theta, budget, PATH_TOL)
        iterations += last.k
        coefs.append(np.array(last.coef))
        intercepts.append(np.array(last.intercept))
        status.append(last.status)
    return L1Path(lambdas, np.stack(coefs), np.stack(intercepts), tuple(status), iterations, lam_max)


def path_too_large(problem) -> str:
    """Why ``problem`` gets no L1 path ("" when it does)."""
    obj = problem.objective
    if obj.n * obj.size <= PATH_LIMIT:
        return ""
    return (f"no L1 path for {obj.n:,} samples × {obj.size:,} parameters (at most {PATH_LIMIT:,} in all): "
            "use fewer samples, features or a lower degree")


def _path(view, frame, problem, units, names):
    path = l1_path(problem)
    it = frame.iterate
    m, d = it.coef.shape
    W = _to_units(problem, path.coef, units)               # (L, m, d)
    flat = W.reshape(W.shape[0], m * d)
    # the curves: the weights that are largest anywhere on the path; highlighted:
    # the first HIGHLIGHT to leave 0 as λ₁ falls (binary)
    peak = np.max(np.abs(flat), axis=0).reshape(m, d)
    chosen, _, _ = _pick_curves(peak, m, names, view)
    cls_names = _class_names(view)
    if m == 1:
        nz = flat != 0
        enter = np.where(nz.any(axis=0), np.argmax(nz, axis=0), flat.shape[0])
        order = np.lexsort((-np.abs(flat[-1]), enter))
        rank = {int(j): r for r, j in enumerate(order[:HIGHLIGHT]) if enter[j] < flat.shape[0]}
        group = np.asarray([rank.get(int(j), -1) for j in chosen], dtype=np.intp)
        cnames = tuple(_short(names[j]) for j in chosen)
    else:
        group = chosen // d
        cnames = tuple(f"{cls_names[j // d]}: {_short(names[j % d])}" for j in chosen)
    Y = flat[:, chosen].T
    lam = path.lambdas
    l1 = float(problem.objective.l1)
    lo, hi = float(lam[-1]), float(lam[0])
    cursor_x, cursor_y = None, np.empty(0)
    if l1 > 0:
        lo, hi = min(lo, l1), max(hi, l1)
        cursor_x = l1
        cursor_y = _to_units(problem, it.coef, units).ravel()[chosen]
    x_range = (math.log10(lo) - 0.05, math.log10(hi) + 0.05)
    legend = _line_legend(m, view, cnames, group, m * d)
    if m == 1 and any(g >= 0 for g in group):
        legend = (("text", None, "first to leave 0:"),) + legend
    if cursor_x is not None:
        legend += (("cursor", None, f"the run's λ₁ = {l1:g}"),)
    parts = [f"{path.lambdas.size} OWL-QN fits from λ_max = {path.lam_max:.3g}, warm-started"]
    if problem.objective.l2 > 0:
        parts.append(f"λ₂ = {problem.objective.l2:g} kept")
    bad = sum(s == "max_iter" for s in path.status)
    if bad:
        parts.append(f"{bad} stopped at the iteration budget")
    if chosen.size < m * d:
        parts.append(f"curves for the {chosen.size} largest of {m * d:,} weights")
    lines = Lines(lam, Y, cnames, group, x_range, _sym_range(Y), cursor_x, cursor_y, path.nonzero)
    return lines, legend, "; ".join(parts)


# ----------------------------------------------------------------------
def compute(view: View, history, frame: Frame, options: WeightsOptions) -> WeightsData:
    problem = view.problem
    it = frame.iterate
    coef = np.asarray(it.coef, dtype=np.float64)
    m = coef.shape[0]
    names = problem.feature_names
    units = options.units if options.units in ("input", "model") else "input"
    binary = view.kind == "binary"
    cls = _class_names(view)
    label = _value_label(problem, units)
    zero_note = ""
    n_zero = int(np.count_nonzero(coef == 0.0))
    if n_zero:
        zero_note = f"{n_zero:,} of {coef.size:,} weights exactly 0"
    if options.view == "trajectories":
        lines, legend, note = _trajectories(view, history, frame, problem, units, names)
        return WeightsData("trajectories", binary, cls, label, legend, note, lines=lines)
    if options.view == "path":
        refused = path_too_large(problem)
        if refused:
            return WeightsData("path", binary, cls, label, (), refused)
        lines, legend, note = _path(view, frame, problem, units, names)
        return WeightsData("path", binary, cls, label, legend, note, lines=lines)
    grid = pixel_grid(names)
    if grid is not None:
        images, note = _images(view, problem, coef, it.intercept, units, grid)
        legend = ((("sign", 1, f"w > 0: toward {cls[1]}"), ("sign", 0, f"w < 0: toward {cls[0]}"))
                  if binary else (("sign", 1, "w > 0: toward the class"), ("sign", 0, "w < 0: away from it")))
        if n_zero:
            legend += (("zero", None, "w = 0 exactly"),)
        note = "; ".join(filter(None, [zero_note, note, images.wrong_text]))
        return WeightsData("images", binary, cls, label, legend, note, images=images)
    bars, note = _bars(view, problem, coef, units, names)
    if binary:
        legend = (("sign", 1, f"w > 0: toward {cls[1]}"), ("sign", 0, f"w < 0: toward {cls[0]}"))
    else:
        legend = tuple(("class", k, n) for k, n in enumerate(cls))
    legend += (("zero", None, "exactly 0"),)
    b = np.asarray(it.intercept, dtype=np.float64)
    if problem.objective.fit_intercept and m == 1:
        bb = problem.coef_in_input_units(it)[1] if units == "input" else b
        note = "; ".join(filter(None, [f"intercept b = {float(bb[0]):.4g}", note]))
    note = "; ".join(filter(None, [note, zero_note]))
    return WeightsData("bars", binary, cls, label, legend, note, bars=bars)


def readout(data: WeightsData, x: float, y: float) -> str:
    """What the plot says at (x, y) in its own coordinates."""
    if data.mode == "bars" and data.bars is not None:
        b = data.bars
        nb = len(b.names)
        if nb == 0:
            return ""
        m = b.values.shape[0]
        j = nb - 1 - int(round(y))
        if not 0 <= j < nb:
            return ""
        if m == 1:
            v = b.values[0, j]
            return f"{b.names[j]}: w = {v:.4g}" + ("  (exactly 0)" if b.zero[0, j] else "")
        parts = [f"{c} {b.values[k, j]:.3g}" for k, c in enumerate(data.classes[:m])]
        return f"{b.names[j]}: " + "   ".join(parts)
    if data.mode in ("trajectories", "path") and data.lines is not None:
        ln = data.lines
        if ln.x.size == 0 or ln.Y.shape[0] == 0:
            return ""
        if data.mode == "path":
            xs = np.log10(ln.x)
            i = int(np.argmin(np.abs(xs - x)))
            head = f"λ₁ = {ln.x[i]:.3g}: {int(ln.count[i])} non-zero"
        else:
            i = int(np.argmin(np.abs(ln.x - x)))
            head = f"k = {int(ln.x[i])}"
        c = int(np.argmin(np.abs(ln.Y[:, i] - y)))
        return f"{head}   {ln.names[c]}: w = {ln.Y[c, i]:.4g}"
    return ""
