"""Core speed, as ratios against a baseline measured in the same run.

(a) ``logit-gui train --optimizer gd`` (the whole command: start-up, loading
    the .npz, the iterations, the JSON) against the floor: a script that loads
    the same file and runs the same step written as two bare NumPy
    matrix-vector products, ``w -= lr * X.T @ (1/(1+exp(-X@w)) - y) / n``.
    Seconds per iteration for both; goal ≤ 1.5× at n ≥ 1e5.
(b) ``newton`` and ``lbfgs`` time to ‖∇J‖∞ ≤ 1e-8 against scikit-learn's
    ``newton-cholesky`` and ``lbfgs`` (same objective, C = 1/(l2·n), same tol)
    on n = 1e6, d = 20; goal ≤ 1.2×.

Run by hand (not in CI):  python benchmarks/bench_core.py [--quick]
Prints markdown tables for the README.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

FLOOR = r"""
import sys, time, numpy as np
path, iters, lr = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
with np.load(path) as z:
    X = np.column_stack([z["X"], np.ones(len(z["y"]))]); y = z["y"].astype(float)
w = np.zeros(X.shape[1]); n = len(y)
for _ in range(iters):
    w -= lr * (X.T @ (1.0 / (1.0 + np.exp(-(X @ w))) - y)) / n
print(w[0])
"""


def _data(n, d, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    y = (X @ w + rng.logistic(size=n) > 0).astype(np.int64)
    return X, y


def _wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def bench_gd(sizes, dims, repeats):
    print("### (a) `gd` seconds per iteration, whole `logit-gui train` command vs bare NumPy floor\n")
    print(f"Floor and command run alternately, {repeats} pairs; the medians of their times and of the pairs' ratios.\n")
    print("| n | d | iterations | logit-gui train s/iter | floor s/iter | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        floor_py = os.path.join(tmp, "floor.py")
        with open(floor_py, "w") as fh:
            fh.write(FLOOR)
        for n in sizes:
            for d in dims:
                X, y = _data(n, d)
                path = os.path.join(tmp, f"d{n}_{d}.npz")
                np.savez(path, X=X, y=y)
                # ≈ 5 s of floor (at least 200 iterations): start-up amortized as in a real run
                iters = int(min(2000, max(200, 3e9 / (n * (d + 1)))))
                ours = [sys.executable, "-m", "logit_gui", "train", "--npz", path, "--optimizer", "gd",
                        "--lr", "0.1", "--tol", "0", "--max-iter", str(iters), "--json", os.path.join(tmp, "o.json")]
                floor = [sys.executable, floor_py, path, str(iters), "0.1"]
                t_floor, t_ours = [], []
                for _ in range(repeats):
                    t_floor.append(_wall(floor))
                    t_ours.append(_wall(ours))
                ratio = np.median(np.array(t_ours) / np.array(t_floor))
                print(f"| {n:.0e} | {d} | {iters} | {np.median(t_ours) / iters:.3g} | "
                      f"{np.median(t_floor) / iters:.3g} | {ratio:.2f}× |", flush=True)
    print()


def bench_second_order(n, d, repeats):
    from sklearn.linear_model import LogisticRegression

    from logit_gui.core.objective import Objective
    from logit_gui.core.optimizers import make_optimizer
    from logit_gui.core.train import run

    X, y = _data(n, d, seed=1)
    l2 = 1e-4
    tol = 1e-8
    print(f"### (b) time to ‖∇J‖∞ ≤ {tol:g}, n = {n:.0e}, d = {d}, l2 = {l2:g} (C = 1/(l2·n))\n")
    print("| ours | s | iterations | scikit-learn | s | iterations | ratio | max rel. coef diff |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for ours, theirs in (("newton", "newton-cholesky"), ("lbfgs", "lbfgs")):
        t_ours = t_sk = np.inf
        for _ in range(repeats):
            t = time.perf_counter()
            sk = LogisticRegression(C=1 / (l2 * n), solver=theirs, tol=tol, max_iter=10000).fit(X, y)
            t_sk = min(t_sk, time.perf_counter() - t)
            t = time.perf_counter()
            obj = Objective(X, y, l2=l2)
            last = None
            for last in run(make_optimizer(ours, obj), max_iter=10000, tol=tol):
                pass
            t_ours = min(t_ours, time.perf_counter() - t)
        diff = np.max(np.abs(last.coef - sk.coef_) / np.maximum(np.abs(sk.coef_), 1e-12))
        print(f"| {ours} | {t_ours:.3g} | {last.k} | {theirs} | {t_sk:.3g} | {int(np.max(sk.n_iter_))} | "
              f"{t_ours / t_sk:.2f}× | {diff:.1e} |", flush=True)
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    ap.add_argument("--only", choices=["gd", "second-order"])
    ap.add_argument("--n", type=int, nargs="+", help="(a) only these sample counts")
    ap.add_argument("--d", type=int, nargs="+", help="(a) only these dimensions")
    args = ap.parse_args()
    repeats = 1 if args.quick else 5
    if args.only in (None, "gd"):
        sizes = [1000, 10000, 100000] if args.quick else [1000, 10000, 100000, 1000000]
        if args.n:
            sizes = args.n
        bench_gd(sizes, args.d or [2, 20], repeats)
    if args.only in (None, "second-order"):
        bench_second_order(100000 if args.quick else 1000000, 20, min(repeats, 3))


if __name__ == "__main__":
    main()
