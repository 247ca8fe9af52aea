"""Display rate of the app while it trains, and what the open window costs the trainer.

n = 1e5 samples (moons, polynomial degree 3, standardized: 9 features), a
200 × 200 probability grid. For each optimizer, in separate processes:

* core: the run stepped in a plain loop (``Run.step``), no thread, no process,
  no Qt — what the trainer's machinery costs is the gap to the next column;
* headless: the app's trainer (:class:`logit_gui.app.worker.TrainerThread`,
  which relays from the trainer process) stepping the run as fast as it can,
  no window;
* window: the main window open and playing at full speed;
* baseline: a bare pyqtgraph window of the same size drawing the same kinds and
  numbers of items with new data every frame — a 200² heatmap with a colour
  bar and a contour, the samples on screen (up to 4,000 training and 1,333
  test markers) and their rings, a loss curve of the history's length with a
  cursor, an S-curve with 400 markers and 100 residual lines — and nothing
  else: what pyqtgraph and Qt cost for such a frame on this machine.

Reported: trainer iterations per second in all three (goal: window ≥ 0.8 ×
headless), display updates (frames drawn) per second with the window open
(goal ≥ 30; a frame needs a new iterate, so an optimizer slower than 30
iterations a second caps it), the median cost of a frame, and that cost against
the bare-pyqtgraph baseline's (goal ≤ 1.1×: the app's own work is small).

Run by hand (not in CI):

    python benchmarks/bench_display.py [--seconds 6] [--repeats 3] [--n 100000] [--optimizers gd,lbfgs]

Uses Qt's offscreen platform unless QT_QPA_PLATFORM is set (e.g. xcb under Xvfb).
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _settings(n: int, method: str):
    from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings

    params = {"gd": (("lr", 1.0),), "adam": (("lr", 0.05),), "lbfgs": (("memory", 10),),
              "sgd": (("lr", 0.05), ("batch_size", 256))}.get(method, ())
    return Settings(
        DataSettings(source="moons", n=n, noise=0.2, degree=3, standardize=True, test_fraction=0.0),
        ModelSettings(l2=1e-4),
        OptimizerSettings(method, params),
        RunSettings(speed=None, max_iter=10**9, tol=0.0),
    )


def _run(settings):
    """The run the app would build for ``settings`` (its controller closed again:
    only the problem and the run are used)."""
    from logit_gui.app.controller import Controller

    ctl = Controller(settings)
    ctl.load()
    ctl.shutdown()
    return ctl.run


def _baseline(app, n: int, seconds: float, size=(1560, 940)) -> tuple[float, float]:
    """(frames per second, median frame ms) of a bare pyqtgraph window drawing what a
    frame of the app draws, at the same size, with new data every frame."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer

    rng = np.random.default_rng(0)
    win = pg.GraphicsLayoutWidget()
    win.resize(*size)
    shown, tests = min(n, 4000), min(n, 4000) // 3
    p1 = win.addPlot(row=0, col=0, rowspan=2)
    img = pg.ImageItem(axisOrder="row-major")
    p1.addItem(img)
    bar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get("CET-D1"), interactive=False)
    bar.setImageItem(img, insert_in=p1)
    contour = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen("k", width=3.5))
    p1.addItem(contour)
    xy = rng.uniform(0, 200, size=(shown + tests, 2))
    train = pg.ScatterPlotItem(pos=xy[:shown], size=9, brush=pg.mkBrush("b"), pen=pg.mkPen("k"))
    test = pg.ScatterPlotItem(pos=xy[shown:], size=11, symbol="t1", brush=pg.mkBrush("r"), pen=pg.mkPen("k"))
    rings = pg.ScatterPlotItem(size=16, brush=None, pen=pg.mkPen("k", width=2.2))
    for it in (train, test, rings):
        p1.addItem(it)
    p2 = win.addPlot(row=0, col=1)
    hist = 4096
    loss = p2.plot(np.arange(hist), np.exp(-np.arange(hist) / 500.0), pen=pg.mkPen("b", width=2.5))
    cursor = pg.InfiniteLine(angle=90)
    p2.addItem(cursor)
    p3 = win.addPlot(row=1, col=1)
    zz = np.linspace(-6, 6, 400)
    p3.plot(zz, 1 / (1 + np.exp(-zz)), pen=pg.mkPen("k", width=3))
    on = pg.ScatterPlotItem(size=7, brush=pg.mkBrush("b"))
    res = pg.PlotCurveItem(connect="pairs")
    p3.addItem(on)
    p3.addItem(res)
    win.show()
    yy, xx = np.mgrid[0:200, 0:200] / 200.0
    lut = pg.colormap.get("CET-D1").getLookupTable(nPts=256, alpha=True)
    costs, state = [], {"frames": 0, "t0": None, "busy": False}

    def frame():
        state["busy"] = True
        t = time.perf_counter()
        k = state["frames"]
        phase = 0.02 * k
        P = 1 / (1 + np.exp(-8 * (xx - 0.5 + 0.2 * np.sin(6 * yy + phase))))
        img.setImage(lut[(P * 255).astype(np.uint8)])  # RGBA: Qt's fast path, as the app's heatmap
        seg = rng.uniform(0, 200, size=(2 * 400, 2))
        contour.setData(seg[:, 0], seg[:, 1], connect="pairs")
        vis = rng.random(shown + tests) < 0.1  # about a tenth misclassified: their rings, new each frame
        rings.setData(pos=xy[vis])
        loss.setData(np.arange(hist), np.exp(-np.arange(hist) / (500.0 + k)))
        cursor.setValue(hist - 1)
        z = rng.normal(0, 2 + 0.01 * k, 400)
        on.setData(z, 1 / (1 + np.exp(-z)))
        r = np.empty((200, 2))
        r[0::2, 0] = r[1::2, 0] = z[:100]
        r[0::2, 1], r[1::2, 1] = 1 / (1 + np.exp(-z[:100])), (z[:100] > 0)
        res.setData(r[:, 0], r[:, 1], connect="pairs")
        state["frames"] += 1

        def done():  # after the paint, as the app's frame ends
            costs.append(time.perf_counter() - t)
            state["busy"] = False
            QTimer.singleShot(max(0, int(1000 / 60 - 1000 * (time.perf_counter() - t))), frame)

        QTimer.singleShot(0, done)

    def begin():
        state["t0"] = time.perf_counter()
        state["frames"] = 0
        costs.clear()

    QTimer.singleShot(0, frame)
    QTimer.singleShot(300, begin)
    QTimer.singleShot(int(300 + seconds * 1000), app.quit)
    app.exec()
    elapsed = time.perf_counter() - state["t0"]
    fps = state["frames"] / elapsed
    costs.sort()
    win.close()
    return fps, 1000 * costs[len(costs) // 2] if costs else float("nan")


def one(mode: str, method: str, n: int, seconds: float) -> dict:
    """Measure in this process; returns a dict (printed as JSON by the child)."""
    from logit_gui.app import leave_a_core_for_the_display

    leave_a_core_for_the_display()  # the trainer's threads as in the app, in both modes
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    settings = _settings(n, method)

    def result(elapsed, iters, k, fps=0.0, frame_ms=float("nan")):
        return {"mode": mode, "method": method, "n": n, "seconds": elapsed, "iterations": iters,
                "it_per_s": iters / elapsed, "fps": fps, "k": k, "frame_ms": frame_ms}

    if mode == "baseline":
        fps, ms = _baseline(app, n, seconds)
        return result(seconds, 1, 0, fps=fps, frame_ms=ms)
    if mode == "window":
        from logit_gui.app.main_window import MainWindow

        w = MainWindow(settings)
        w.resize(1560, 940)
        w.show()
        app.processEvents()
        c = w.controller
        trainer = c.trainer
        start = {}

        costs = []
        done = c._frame_done

        def frame_done():
            done()
            costs.append(c.frame_seconds)

        c._frame_done = frame_done

        def begin():
            start["t"] = time.perf_counter()
            start["it"] = trainer.iterations
            start["draws"] = c.draws
            costs.clear()
            c.play()

        QTimer.singleShot(300, begin)
        QTimer.singleShot(int(300 + seconds * 1000), app.quit)
        app.exec()
        elapsed = time.perf_counter() - start["t"]
        iters = trainer.iterations - start["it"]
        draws = c.draws - start["draws"]
        k = c.run.history.latest.k
        w.close()
        costs.sort()
        return result(elapsed, iters, k, fps=draws / elapsed,
                      frame_ms=1000 * costs[len(costs) // 2] if costs else float("nan"))
    run = _run(settings)
    if mode == "core":
        t0 = time.perf_counter()
        iters = 0
        while time.perf_counter() - t0 < seconds:
            if run.step() is None and run.finished:
                break  # the run ended (e.g. stalled at machine precision): count what it did
            iters += 1
        return result(time.perf_counter() - t0, iters, run.history.latest.k)
    # headless: the same thread class and run, no window, no controller
    from logit_gui.app.worker import TrainerThread

    trainer = TrainerThread()
    trainer.progressed.connect(lambda _id: trainer.ack())
    trainer.set_speed(None)
    trainer.set_run(run, play=False)
    trainer.start()
    start = {}

    def begin():
        start["t"] = time.perf_counter()
        start["it"] = trainer.iterations
        trainer.play()

    QTimer.singleShot(300, begin)
    QTimer.singleShot(int(300 + seconds * 1000), app.quit)
    app.exec()
    elapsed = time.perf_counter() - start["t"]
    iters = trainer.iterations - start["it"]
    trainer.shutdown()
    return result(elapsed, iters, run.history.latest.k)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--n", type=int, default=100_000)
    # lbfgs and newton reach machine precision in seconds and then stop ("stalled"): a display
    # measurement needs a run that keeps stepping
    ap.add_argument("--optimizers", default="gd,adam,sgd")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each measurement (medians reported)")
    ap.add_argument("--blas-threads", default="app",
                    help='BLAS threads in both measurements: "app" (what logit-gui does: CPUs − 1), '
                         '"default" (the library\'s own choice) or a number')
    ap.add_argument("--one", nargs=2, metavar=("MODE", "METHOD"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one[0], args.one[1], args.n, args.seconds)))
        return 0
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.blas_threads != "default":
        n = str(max(1, (os.cpu_count() or 2) - 1)) if args.blas_threads == "app" else args.blas_threads
        for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[v] = n
    blas = env.get("OPENBLAS_NUM_THREADS", "library default")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    rows = []
    for method in args.optimizers.split(","):
        runs = {"core": [], "headless": [], "window": [], "baseline": []}
        for _ in range(args.repeats):  # the modes alternate: a slow spell of the machine hits all
            for mode in runs:
                cmd = [sys.executable, __file__, "--one", mode, method, "--n", str(args.n),
                       "--seconds", str(args.seconds)]
                r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
                if r.returncode != 0:
                    print(r.stderr, file=sys.stderr)
                    return 1
                runs[mode].append(json.loads(r.stdout.strip().splitlines()[-1]))
        med = {mode: {key: statistics.median(x[key] for x in rs) for key in ("it_per_s", "fps", "frame_ms")}
               for mode, rs in runs.items()}
        ratio = statistics.median(w["it_per_s"] / h["it_per_s"] for w, h in zip(runs["window"], runs["headless"]))
        frame_ratio = statistics.median(w["frame_ms"] / b["frame_ms"]
                                        for w, b in zip(runs["window"], runs["baseline"]))
        rows.append((method, med["core"], med["headless"], med["window"], ratio, med["baseline"], frame_ratio))
    print(f"n = {args.n:,}, 200×200 grid, {args.seconds:g} s per measurement, medians of {args.repeats} runs, "
          f"platform {env['QT_QPA_PLATFORM']}, {os.cpu_count()} CPUs, BLAS threads: {blas}\n")
    print("| optimizer | core alone it/s | trainer it/s headless | trainer it/s window open "
          "| window / headless (goal ≥ 0.8) | display updates/s (goal ≥ 30) | median frame ms "
          "| bare pyqtgraph: updates/s, frame ms | frame / bare (goal ≤ 1.1) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for method, core, h, w, ratio, b, fr in rows:
        print(f"| {method} | {core['it_per_s']:.1f} | {h['it_per_s']:.1f} | {w['it_per_s']:.1f} "
              f"| {ratio:.2f} | {w['fps']:.1f} | {w['frame_ms']:.1f} | {b['fps']:.1f}, {b['frame_ms']:.1f} | {fr:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
