"""`logit-gui train` and `logit-gui datasets`: results, strict JSON, and every bad input."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from logit_gui.cli import main


def _csv(path, text):
    path.write_text(text)
    return str(path)


def _blob_csv(tmp_path, name="d.csv", n=80, labels=("no", "yes"), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * [1.0, 10.0] + [0.0, 50.0]
    y = (X[:, 0] + 0.1 * (X[:, 1] - 50) + rng.logistic(size=n) > 0).astype(int)
    lines = ["height,weight,label"] + [f"{a:.6f},{b:.6f},{labels[c]}" for (a, b), c in zip(X, y)]
    return _csv(tmp_path / name, "\n".join(lines) + "\n"), X, y


def _train(capsys, *args):
    rc = main(["train", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def _json(capsys, *args):
    rc, out, err = _train(capsys, *args, "--json", "-")
    assert rc == 0, err
    return json.loads(out)


def test_train_csv_matches_sklearn_in_input_units(tmp_path, capsys):
    path, X, y = _blob_csv(tmp_path)
    l2 = 0.01
    r = _json(capsys, "--csv", path, "--optimizer", "newton", "--l2", str(l2), "--tol", "1e-10", "--standardize")
    assert r["status"] == "converged"
    assert r["classes"] == ["no", "yes"]
    assert r["feature_names"] == ["height", "weight"]
    # standardized fit, reported in input units: predictions equal sklearn's on standardized data
    mu, sd = X.mean(0), X.std(0)
    sk = LogisticRegression(C=1 / (l2 * len(y)), tol=1e-12, max_iter=10000).fit((X - mu) / sd, y)
    coef = np.array(r["coef"])
    assert coef.shape == (1, 2)
    np.testing.assert_allclose(coef, sk.coef_ / sd, rtol=1e-6)
    np.testing.assert_allclose(r["intercept"], sk.intercept_ - (sk.coef_ / sd) @ mu, rtol=1e-6)
    assert set(r) >= {"optimizer", "iterations", "objective", "grad_norm", "warnings", "metrics"}


def test_train_npz_history_and_strict_json(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = np.where(X[:, 0] > 0, 7, 3)
    np.savez(tmp_path / "d.npz", X=X, y=y)
    out = tmp_path / "r.json"
    rc, stdout, err = _train(capsys, "--npz", str(tmp_path / "d.npz"), "--optimizer", "newton", "--max-iter", "30",
                             "--tol", "0", "--history", "--json", str(out))
    assert rc == 0, err
    text = out.read_text()
    assert "NaN" not in text and "Infinity" not in text
    r = json.loads(text)
    assert r["classes"] == [3, 7]
    assert r["iterations"] == 30 and r["status"] == "max_iter"
    assert len(r["history"]) == 31
    assert {"objective", "grad_norm", "step_size"} <= set(r["history"][0])
    # linearly separable without a penalty: reported as a warning
    assert any("separable" in w for w in r["warnings"])


def test_softmax_and_ovr_shapes(tmp_path, capsys):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(90, 2))
    y = np.array(["a", "b", "c"])[np.argmax(X @ rng.normal(size=(2, 3)) + rng.gumbel(size=(90, 3)), 1)]
    lines = ["x,y,cls"] + [f"{a},{b},{c}" for (a, b), c in zip(X, y)]
    path = _csv(tmp_path / "m.csv", "\n".join(lines))
    for mc in ("softmax", "ovr"):
        r = _json(capsys, "--csv", path, "--multiclass", mc, "--l2", "0.1")
        assert r["model"] == mc
        assert np.array(r["coef"]).shape == (3, 2)
        assert len(r["intercept"]) == 3


def test_tol_zero_runs_exactly_max_iter(tmp_path, capsys):
    path, _, _ = _blob_csv(tmp_path)
    r = _json(capsys, "--csv", path, "--optimizer", "newton", "--l2", "1", "--tol", "0", "--max-iter", "17")
    assert r["iterations"] == 17 and r["status"] == "max_iter"


def test_target_by_name_and_index(tmp_path, capsys):
    text = "label,a,b\n" + "\n".join(f"{i % 2},{i},{(i * 7) % 5}" for i in range(20))
    path = _csv(tmp_path / "t.csv", text)
    r1 = _json(capsys, "--csv", path, "--target", "label", "--l2", "1")
    r2 = _json(capsys, "--csv", path, "--target", "0", "--l2", "1")
    assert r1["feature_names"] == r2["feature_names"] == ["a", "b"]
    assert r1["coef"] == r2["coef"]


@pytest.mark.parametrize(
    "content, args, expected",
    [
        ("a,b,y\n1,2,0\n3,,1\n", [], ["line 3", "b"]),                  # empty cell
        ("a,b,y\n1,2,0\n3,nan,1\n", [], ["line 3", "b"]),               # NaN
        ("a,b,y\n1,2,0\n3,oops,1\n4,5,0\n", [], ["line 3", "b", "oops"]),  # text in a numeric column
        ("a,b,y\n1,2,0\n3,4\n", [], ["line 3"]),                        # ragged row
        ("", [], ["empty"]),                                            # empty file
        ("a,b,y\n1,2,0\n3,4,0\n", [], ["class"]),                       # a single class
        ("a,b,y\n1,2,0\n3,4,1\n", ["--target", "zz"], ["zz"]),         # unknown target column
        ("a,b,y\n1,2,0\n3,4,1\n", ["--lr", "0"], ["--lr"]),            # non-positive learning rate
        ("a,b,y\n1,2,0\n3,4,1\n", ["--lr", "-1"], ["--lr"]),
        ("a,b,y\n1,2,0\n3,4,1\n", ["--optimizer", "sgdd"], ["sgdd"]),  # unknown optimizer
        ("a,b,y\n1,2,0\n3,4,1\n", ["--optimizer", "newton", "--l1", "0.1"], ["L1"]),
        ("a,b,y\n1,2,0\n3,4,1\n", ["--test-fraction", "1.5"], ["test"]),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, args, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    r = subprocess.run([sys.executable, "-m", "logit_gui", "train", "--csv", str(path), *args],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    for word in expected:
        assert word.lower() in lines[0].lower(), lines[0]


def test_missing_file_and_bad_npz(tmp_path, capsys):
    rc, _, err = _train(capsys, "--csv", str(tmp_path / "nope.csv"))
    assert rc == 2 and "nope.csv" in err and len(err.strip().splitlines()) == 1
    np.savez(tmp_path / "x.npz", X=np.zeros((3, 2)))
    rc, _, err = _train(capsys, "--npz", str(tmp_path / "x.npz"))
    assert rc == 2 and "y" in err
    X = np.zeros((3, 2))
    X[1, 1] = np.nan
    np.savez(tmp_path / "n.npz", X=X, y=[0, 1, 0])
    rc, _, err = _train(capsys, "--npz", str(tmp_path / "n.npz"))
    assert rc == 2 and "row 1" in err


def test_diverged_json_is_strict_and_keeps_last_finite(tmp_path, capsys):
    path, _, _ = _blob_csv(tmp_path)
    r = _json(capsys, "--csv", path, "--optimizer", "gd", "--lr", "1e6", "--l2", "1", "--max-iter", "500")
    assert r["status"] == "diverged"
    assert all(np.isfinite(r["coef"][0]))
    assert r["objective"] is not None


def test_no_partial_json_on_error(tmp_path, capsys):
    out = tmp_path / "r.json"
    rc, _, _ = _train(capsys, "--csv", str(tmp_path / "missing.csv"), "--json", str(out))
    assert rc == 2 and not out.exists()


def test_datasets_lists_every_dataset(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    for name in ("blobs", "moons", "circles", "xor", "spiral", "linear", "iris", "wine", "breast-cancer", "digits"):
        assert name in out


def test_circles_with_quadratic_features_are_separated(capsys):
    r = _json(capsys, "--dataset", "circles", "--features", "poly:2", "--optimizer", "newton", "--l2", "1e-3")
    assert r["metrics"]["train"]["accuracy"] > 0.95
    assert r["feature_names"] == ["x1", "x2", "x1^2", "x1*x2", "x2^2"]
    lin = _json(capsys, "--dataset", "circles", "--optimizer", "newton", "--l2", "1e-3")
    assert lin["metrics"]["train"]["accuracy"] < 0.8  # no straight line separates a ring


def test_metrics_for_train_and_test(capsys):
    r = _json(capsys, "--dataset", "breast-cancer", "--positive", "malignant", "--standardize", "--l2", "0.01",
              "--test-fraction", "0.25", "--seed", "3")
    assert r["classes"] == ["benign", "malignant"]
    for part in ("train", "test"):
        m = r["metrics"][part]
        assert {"accuracy", "balanced_accuracy", "log_loss", "confusion", "roc_auc", "average_precision"} <= set(m)
        assert m["roc_auc"] > 0.9
    n_test = sum(map(sum, r["metrics"]["test"]["confusion"]))
    assert n_test == 143  # ceil(0.25 · 569)


@pytest.mark.parametrize("args, word", [
    (["--dataset", "nope"], "nope"),
    (["--dataset", "iris", "--positive", "tulip"], "tulip"),
    (["--dataset", "moons", "--features", "poly:7"], "degree"),
    (["--dataset", "moons", "--test-fraction", "1"], "test"),
    (["--dataset", "moons", "--imbalance", "500"], "imbalance"),
])
def test_dataset_errors_exit_2(capsys, args, word):
    rc, out, err = _train(capsys, *args)
    assert rc == 2
    assert len(err.strip().splitlines()) == 1 and word in err.lower()
