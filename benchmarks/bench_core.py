"""Core speed, as ratios against a baseline measured in the same run.

(a) ``logit-gui train --optimizer gd`` (the whole command: start-up, loading
    the .npz, the iterations, the JSON) against the floor: a script that loads
    the same file and runs the same step written as two bare NumPy
    matrix-vector products, ``w -= lr * X.T @ (1/(1+exp(-X@w)) - y) / n``.
    Seconds per iteration for both; goal ≤ 1.5× at n ≥ 1e5.
(b) ``newton`` and ``lbfgs`` time to ‖∇J‖∞ ≤ 1e-8 against scikit-learn's
    ``newton-cholesky`` and ``lbfgs`` (same objective, C = 1/(l2·n), same tol)
    on n = 1e6, d = 20; goal ≤ 1.2×.
(c) accuracy: the relative error of J (and of ∇J, per unit of its rounding
    bound Σ|x̃||σ − y|/n) against long double, ours against ``np.logaddexp``;
    goal: a few ulp (ε = 2.2e-16), like logaddexp.
(d) iterations on badly scaled features: the same problem with features × c
    (l2 × c²) for Newton, BFGS and L-BFGS, against scikit-learn's
    newton-cholesky; goal: Newton within a few iterations of newton-cholesky,
    the same count for every c.

Run by hand (not in CI):  python benchmarks/bench_core.py [--quick] [--only gd|second-order|accuracy|scaling]
Prints markdown tables for the README.
"""

from __future__ import annotations

import argparse
import json
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
                out = os.path.join(tmp, "o.json")
                ours = [sys.executable, "-m", "logit_gui", "train", "--npz", path, "--optimizer", "gd",
                        "--lr", "0.1", "--tol", "0", "--max-iter", str(iters), "--json", out]
                _wall(ours)
                with open(out) as fh:  # the iterations actually run (a run may stall before max_iter)
                    done = json.load(fh)["iterations"]
                if done != iters:
                    iters = done
                    ours[ours.index("--max-iter") + 1] = str(iters)
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


def bench_accuracy():
    from logit_gui.core.datasets import load_dataset
    from logit_gui.core.objective import Objective
    from logit_gui.core.optimizers import make_optimizer
    from logit_gui.core.train import run

    LD = np.longdouble
    eps = np.finfo(np.float64).eps
    print("### (c) accuracy of J and ∇J against long double (in ulp: error / (ε·|J|))\n")
    print(f"long double: {np.finfo(LD).eps:.1e} eps. θ = s·θ* with θ* the optimum for l2 = 1e-2; "
          "∇J: max over components of |error| / (ε Σ|x̃||σ − y|/n).\n")
    print("| data | s | J | J ulp, ours | J ulp, logaddexp | ∇J, ours |")
    print("|---|---:|---:|---:|---:|---:|")
    rng = np.random.default_rng(0)
    Xr = rng.normal(size=(100000, 10))
    yr = (Xr @ rng.normal(size=10) + rng.logistic(size=100000) > 0).astype(int)
    bc = load_dataset("breast-cancer")
    for name, X, y in (("breast-cancer (raw)", bc.X, bc.y),
                       ("breast-cancer (standardized)", (bc.X - bc.X.mean(0)) / bc.X.std(0), bc.y),
                       ("n = 1e5, d = 10, Gaussian", Xr, yr)):
        best = None
        for best in run(make_optimizer("newton", Objective(X, y, l2=1e-2)), max_iter=100, tol=1e-12):
            pass
        obj = Objective(X, y)
        Xt = np.column_stack([X, np.ones(len(y))])
        for scale in (0.3, 1.0, 3.0, 30.0):
            theta = best.theta.ravel() * scale
            f, g = obj.value_grad(theta)
            z = Xt @ theta
            Xl, zl = Xt.astype(LD), z.astype(LD)
            a = np.where(y == 1, -zl, zl)
            f_ref = np.mean(np.where(a > 0, a + np.log1p(np.exp(-a)), np.log1p(np.exp(a))))
            r = 1 / (1 + np.exp(-zl)) - y
            g_ref = Xl.T @ r / len(y)
            cond = (np.abs(Xl).T @ np.abs(r) / len(y)).astype(float)
            f_lae = np.mean(np.logaddexp(0, z) - y * z)
            ulp = lambda v: abs(v - float(f_ref)) / (eps * float(f_ref))  # noqa: E731
            gerr = float(np.max(np.abs(g - g_ref.astype(float)) / (eps * cond)))
            print(f"| {name} | {scale:g} | {float(f_ref):.3g} | {ulp(f):.2g} | {ulp(f_lae):.2g} | {gerr:.2g} |")
    print()


def bench_scaling():
    import warnings

    from sklearn.linear_model import LogisticRegression

    from logit_gui.core.datasets import load_dataset
    from logit_gui.core.objective import Objective
    from logit_gui.core.optimizers import make_optimizer
    from logit_gui.core.problem import build_problem
    from logit_gui.core.train import run

    print("### (d) iterations to the scaled ‖∇J‖∞ ≤ 1e-9 with features × c (l2 × c²)\n")
    print("| data | c | newton | bfgs | lbfgs | newton-cholesky | max rel. coef diff (newton vs n-c) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    bc = load_dataset("breast-cancer")
    bc8 = ((bc.X - bc.X.mean(0)) / bc.X.std(0))[:, :8]
    iris = build_problem(load_dataset("iris"), degree=3)
    cases = (("breast-cancer, 8 std. features, l2 = 0", bc8, bc.y, 0.0),
             ("breast-cancer, 8 std. features, l2 = 1e-4", bc8, bc.y, 1e-4),
             ("iris, poly:3 (softmax), l2 = 1e-3", iris.feature_map.transform(iris.train.X), iris.train.y, 1e-3))
    for name, X0, y, l2 in cases:
        for c in (1.0, 1e6, 1e-6):
            X, lam = X0 * c, l2 * c * c
            ks = {}
            for method in ("newton", "bfgs", "lbfgs"):
                last = None
                for last in run(make_optimizer(method, Objective(X, y, l2=lam)), max_iter=5000, tol=1e-9):
                    pass
                ks[method] = (last.k if last.status == "converged" else f"{last.k} ({last.status})", last)
            sk_k, diff = "–", "–"
            if lam > 0:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    sk = LogisticRegression(C=1 / (lam * len(y)), solver="newton-cholesky", tol=1e-9,
                                            max_iter=1000).fit(X, y)
                sk_k = int(np.max(sk.n_iter_))
                coef = ks["newton"][1].coef
                skc = sk.coef_ if coef.shape == sk.coef_.shape else sk.coef_
                skc = skc - skc.mean(axis=0) if coef.shape[0] > 1 else skc
                diff = f"{np.max(np.abs(coef - skc)) / np.max(np.abs(skc)):.1e}"
            print(f"| {name} | {c:g} | {ks['newton'][0]} | {ks['bfgs'][0]} | {ks['lbfgs'][0]} | {sk_k} | {diff} |",
                  flush=True)
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    ap.add_argument("--only", choices=["gd", "second-order", "accuracy", "scaling"])
    ap.add_argument("--n", type=int, nargs="+", help="(a) only these sample counts")
    ap.add_argument("--d", type=int, nargs="+", help="(a) only these dimensions")
    ap.add_argument("--repeats", type=int, help="(a) pairs of runs (default 5; --quick: 1)")
    args = ap.parse_args()
    repeats = args.repeats or (1 if args.quick else 5)
    if args.only in (None, "gd"):
        sizes = [1000, 10000, 100000] if args.quick else [1000, 10000, 100000, 1000000]
        if args.n:
            sizes = args.n
        bench_gd(sizes, args.d or [2, 20], repeats)
    if args.only in (None, "second-order"):
        bench_second_order(100000 if args.quick else 1000000, 20, min(repeats, 3))
    if args.only in (None, "accuracy"):
        bench_accuracy()
    if args.only in (None, "scaling"):
        bench_scaling()


if __name__ == "__main__":
    main()
