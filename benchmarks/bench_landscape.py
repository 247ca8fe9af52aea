"""How fast the landscape panel follows the cursor: compute + draw per frame, against a baseline.

n = 10,000 training samples (moons, polynomial degree 3, standardized: 9
features and the intercept), the panel's 80 × 80 grid. A run of each optimizer
is recorded first; then the cursor steps through its last iterates, one new
iterate per frame — so every frame is a new slice of the objective (the other
eight parameters move) and the whole grid is evaluated again — and each frame is

* the panel: ``compute(view, history, frame, options)`` and the item's
  ``draw``, then a paint of the 800 × 600 view into an image (offscreen);
* two baselines, in the same process, alternating with the panel: a bare
  pyqtgraph plot of the same size given new data of the same sizes every frame
  and painted the same way. The *floor* shows a ready 317 × 317 RGB image (the
  panel's bands are the 80 × 80 grid 4× finer), a curve with as many segments as
  the panel's contour lines and a path of the history's length: it computes
  nothing, what pyqtgraph and Qt cost to show such a frame. The *idiom* is the
  same picture done pyqtgraph's usual way: an 8-bit image through a lookup
  table and an ``IsocurveItem`` finding one contour of the 80 × 80 grid.

Reported per optimizer (medians over the frames, best of the repeats):
updates per second of the panel (wall clock, and from the process's CPU time,
which the other users of a shared machine do not inflate), the same for the
baselines, the ratio of the panel's frame cost to the floor's, and how the
panel's frame splits into compute and draw + paint. Also the merged samples
(bins) behind the grid and the error they leave (max |grid − J| on the check
nodes). Goal: ≥ 30 updates per second.

Run by hand (not in CI):

    python benchmarks/bench_landscape.py [--n 10000] [--frames 60] [--repeats 3] [--optimizers gd,adam,bfgs,newton]

BLAS runs on one thread, as in the app on two cores. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def _run(n: int, method: str, iterations: int):
    from logit_gui.model import pipeline
    from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings

    params = {"gd": (("lr", 1.0),), "adam": (("lr", 0.05),)}.get(method, ())
    s = Settings(DataSettings(source="moons", n=n, noise=0.2, degree=3, standardize=True, test_fraction=0.0),
                 ModelSettings(l2=1e-4), OptimizerSettings(method, params), RunSettings(max_iter=10**9, tol=0.0))
    built = pipeline.build(s)
    return built.problem, pipeline.train_to(built, iterations).history


class _Painter:
    """Paints a GraphicsView's scene into an image of its size: what the window does per frame."""

    def __init__(self, view):
        from PySide6.QtGui import QImage

        self.view = view
        self.img = QImage(800, 600, QImage.Format.Format_ARGB32_Premultiplied)

    def paint(self):
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QPainter

        self.img.fill(0)
        p = QPainter(self.img)
        self.view.scene().render(p, QRectF(0, 0, 800, 600), self.view.sceneRect())
        p.end()


def _panel(problem, history, frames_, theme):
    import pyqtgraph as pg

    from logit_gui.model.frames import landscape as L
    from logit_gui.model.frames import make_view
    from logit_gui.render.panels.landscape import LandscapeItem

    view = make_view(problem)
    gv = pg.GraphicsView()
    gv.resize(800, 600)
    gv.setBackground(theme.background)
    item = LandscapeItem(theme)
    gv.setCentralItem(item)
    gv.setSceneRect(0, 0, 800, 600)
    item.setGeometry(0, 0, 800, 600)
    item.set_view(view)
    painter = _Painter(gv)
    options = L.LandscapeOptions()
    last = {}

    def frame(it):
        t0 = time.perf_counter()
        c0 = time.process_time()
        data = L.compute(view, history, frames_[it.k], options)
        t1 = time.perf_counter()
        c1 = time.process_time()
        item.draw(history, frames_[it.k], data)
        painter.paint()
        t2 = time.perf_counter()
        c2 = time.process_time()
        last["data"] = data
        return (t2 - t0, c2 - c0, t1 - t0, t2 - t1, c1 - c0)

    return frame, last


def _baseline(sizes, theme, kind):
    """A bare plot given new data of the panel's sizes every frame, painted the same way.

    ``floor``: the cheapest way pyqtgraph shows it — the bands as a ready 32-bit RGB image, the
    contour lines and the path as curves of the same sizes (nothing computed);
    ``idiom``: pyqtgraph's own way — an 8-bit image through a lookup table and an
    ``IsocurveItem`` that finds one level's contour on the 80 × 80 grid."""
    import pyqtgraph as pg

    from logit_gui.render.panel import pen

    G, F, segs, npath = sizes
    gv = pg.GraphicsView()
    gv.resize(800, 600)
    gv.setBackground(theme.background)
    layout = pg.GraphicsLayout()
    gv.setCentralItem(layout)
    gv.setSceneRect(0, 0, 800, 600)
    layout.setGeometry(0, 0, 800, 600)
    plot = layout.addPlot()
    img = pg.ImageItem(axisOrder="row-major")
    plot.addItem(img)
    lines = pg.PlotCurveItem(pen=pen(theme, theme.contour_rgba), connect="pairs")
    path = pg.PlotCurveItem(pen=pen(theme, theme.path_color, 2.2))
    plot.addItem(lines)
    plot.addItem(path)
    iso = None
    if kind == "idiom":
        img.setLookupTable(theme.landscape_lut())
        iso = pg.IsocurveItem(level=0.5, pen=pen(theme, theme.foreground))
        iso.setParentItem(img)
    plot.disableAutoRange()
    plot.setRange(xRange=(0, F), yRange=(0, F), padding=0)
    painter = _Painter(gv)
    rng = np.random.default_rng(0)
    if kind == "idiom":
        fills = [rng.random((F, F)).astype(np.float32) for _ in range(8)]
    else:
        fills = [(rng.random((F, F, 3)) * 255).astype(np.uint8) for _ in range(8)]
    grids = [rng.random((G, G)) for _ in range(8)]
    seg_data = [rng.random((2 * segs, 2)) * F for _ in range(8)]
    path_data = [np.cumsum(rng.normal(size=(npath, 2)), axis=0) + F / 2 for _ in range(8)]

    def frame(i):
        j = i % 8
        t0 = time.perf_counter()
        c0 = time.process_time()
        if kind == "idiom":
            img.setImage(fills[j], levels=(0.0, 1.0), autoLevels=False)
            iso.setData(grids[j], level=0.5)
        else:
            img.setImage(fills[j], autoLevels=False, levels=(0, 255))
        lines.setData(seg_data[j][:, 0], seg_data[j][:, 1], connect="pairs")
        path.setData(path_data[j][:, 0], path_data[j][:, 1])
        painter.paint()
        return (time.perf_counter() - t0, time.process_time() - c0)

    return frame


def measure(method: str, n: int, frames: int, repeats: int, iterations: int) -> dict:
    from PySide6.QtWidgets import QApplication

    from logit_gui.model.frames import make_frame, make_view
    from logit_gui.render.theme import LIGHT

    app = QApplication.instance() or QApplication(["bench_landscape"])
    problem, history = _run(n, method, iterations)
    items = list(history)[-frames:]
    view = make_view(problem)
    frames_ = {it.k: make_frame(view, it) for it in items}   # shared by every panel in the app: not timed
    panel, last = _panel(problem, history, frames_, LIGHT)
    panel(items[0])                                          # warm up (first draw lays out the axes)
    d = last["data"]
    sizes = (d.Z.shape[0], d.fill.shape[0], d.segments.shape[0] // 2, d.path.shape[0])
    floor = _baseline(sizes, LIGHT, "floor")
    idiom = _baseline(sizes, LIGHT, "idiom")
    floor(0)
    idiom(0)
    app.processEvents()
    ours, theirs, idioms = [], [], []
    for _ in range(repeats):        # alternate: the machine's load drifts
        ours.append([panel(it) for it in items])
        theirs.append([floor(i) for i in range(len(items))])
        idioms.append([idiom(i) for i in range(len(items))])
        app.processEvents()

    def med(rows, col):
        return min(statistics.median(r[col] for r in rep) for rep in rows)

    bins = last["data"].bins
    return {
        "method": method, "n": problem.train.n, "grid": sizes[0],
        "wall": med(ours, 0), "cpu": med(ours, 1), "compute": med(ours, 2), "draw": med(ours, 3),
        "compute_cpu": med(ours, 4), "base_wall": med(theirs, 0), "base_cpu": med(theirs, 1),
        "idiom_wall": med(idioms, 0), "idiom_cpu": med(idioms, 1),
        "bins": bins, "error": last["data"].error, "exact": last["data"].exact,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--optimizers", default="gd,adam,bfgs,newton")
    args = ap.parse_args(argv)
    rows = []
    for method in args.optimizers.split(","):
        iters = args.iterations if method not in ("newton", "bfgs", "lbfgs") else min(args.iterations, 40)
        frames = min(args.frames, iters)
        rows.append(measure(method.strip(), args.n, frames, args.repeats, iters))
    print(f"n = {rows[0]['n']:,} training samples, {rows[0]['grid']} × {rows[0]['grid']} grid, "
          f"one new iterate per frame, median of {args.frames} frames, best of {args.repeats}\n")
    print("| optimizer | panel updates/s (wall / CPU) | floor updates/s (wall / CPU) | panel / floor (CPU) | "
          "pyqtgraph idiom updates/s (wall / CPU) | compute ms (CPU) | draw + paint ms (wall) | bins | "
          "max error |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['method']} | {1 / r['wall']:.1f} / {1 / r['cpu']:.1f} | "
              f"{1 / r['base_wall']:.0f} / {1 / r['base_cpu']:.0f} | {r['cpu'] / r['base_cpu']:.1f}× | "
              f"{1 / r['idiom_wall']:.1f} / {1 / r['idiom_cpu']:.1f} | {1000 * r['compute_cpu']:.1f} | "
              f"{1000 * r['draw']:.1f} | {'exact' if r['exact'] else r['bins']} | {r['error']:.1g} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
