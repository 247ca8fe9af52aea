"""CSV load time of logit_gui.core.csvio.read_csv against numpy.loadtxt (run by hand, not in CI).

Writes 1e6 rows × 10 columns (9 features and a label) to a temporary
directory and prints a markdown table of the best of ``--repeat`` runs:

    python benchmarks/bench_csv.py [--rows 1000000] [--repeat 5]

Baselines: for numeric labels ``numpy.loadtxt`` on the whole file; for text
labels ``numpy.loadtxt`` of the nine feature columns only (it cannot parse the
label column as numbers), so that row shows the cost of reading the labels.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

from logit_gui.core.csvio import read_csv


def write_file(path: str, rows: int, delimiter: str, text_labels: bool, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 9))
    y = rng.integers(0, 3, rows)
    names = np.array(["setosa", "versicolor", "virginica"]) if text_labels else np.array(["0", "1", "2"])
    header = delimiter.join([f"f{i}" for i in range(9)] + ["label"])
    chunk = 100_000
    with open(path, "w", encoding="utf-8") as f:
        f.write(header + "\n")
        for s in range(0, rows, chunk):
            cells = np.char.mod("%.6g", X[s : s + chunk])
            lines = [delimiter.join(r) + delimiter + lab for r, lab in zip(cells.tolist(), names[y[s : s + chunk]])]
            f.write("\n".join(lines) + "\n")


def best_of_interleaved(fns, repeat: int) -> list[float]:
    """Best time of each function, runs interleaved so that machine load affects all alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    cases = [
        ("comma, numeric labels", ",", False),
        ("semicolon, numeric labels", ";", False),
        ("tab, numeric labels", "\t", False),
        ("comma, text labels", ",", True),
    ]
    print(f"{args.rows:,} rows × 10 columns, best of {args.repeat}\n")
    print("| file | read_csv (s) | numpy.loadtxt (s) | ratio |")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, delim, text in cases:
            path = os.path.join(tmp, "bench.csv")
            write_file(path, args.rows, delim, text)
            usecols = range(9) if text else None
            ours, base = best_of_interleaved(
                [lambda: read_csv(path), lambda: np.loadtxt(path, delimiter=delim, skiprows=1, usecols=usecols)],
                args.repeat,
            )
            note = " (features only)" if text else ""
            print(f"| {label} | {ours:.2f} | {base:.2f}{note} | {ours / base:.2f}× |")
            os.remove(path)


if __name__ == "__main__":
    main()
