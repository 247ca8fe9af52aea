"""Issue 11 §2, item 5 — overflow and underflow end in a status or a clear
one-line error, never an internal error or a silent wrong answer."""

import numpy as np
import pytest

from logit_gui.cli import main
from logit_gui.core.datasets import load_dataset
from logit_gui.core.errors import DataError, LogitError
from logit_gui.core.features import Standardizer, polynomial_features
from logit_gui.core.objective import Objective, ObjectiveError
from logit_gui.core.optimizers import make_optimizer
from logit_gui.core.problem import build_problem
from logit_gui.core.train import TERMINAL, run


def _npz(tmp_path, X, y, name="d.npz"):
    path = tmp_path / name
    np.savez(path, X=X, y=y)
    return str(path)


def _cli(capsys, *argv):
    code = main(["train", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_item5_lbfgs_on_separable_data_at_tol_0_never_divides_by_zero():
    """Issue 11 §2 item 5: `--dataset linear --optimizer lbfgs --tol 0 --max-iter
    1000` raised ZeroDivisionError once yᵀs and yᵀy underflowed. Pairs out of
    floating-point range are not stored; the run ends with a status."""
    prob = build_problem(load_dataset("linear", n=200, seed=0))
    with np.errstate(all="raise"):
        its = list(run(make_optimizer("lbfgs", prob.objective), max_iter=1000, tol=0))
    assert its[-1].status in TERMINAL
    assert all(it.finite for it in its)


def test_item5_lbfgs_separable_through_the_cli(capsys):
    """Issue 11 §2 item 5: the same through the command line: exit 0, a status."""
    code, out, err = _cli(capsys, "--dataset", "linear", "--optimizer", "lbfgs", "--tol", "0",
                          "--max-iter", "1000")
    assert code == 0, err
    assert "internal error" not in err


def test_item5_features_too_large_to_square_are_a_clear_error(tmp_path, capsys):
    """Issue 11 §2 item 5: features × 1e300 with gd-lipschitz ended in an
    internal LinAlgError (X̃ᵀX̃ overflows). Now: one line, exit 2, what to do."""
    ds = load_dataset("breast-cancer")
    with pytest.raises(ObjectiveError, match="rescale"):
        Objective(ds.X * 1e300, ds.y)
    code, out, err = _cli(capsys, "--npz", _npz(tmp_path, ds.X * 1e300, ds.y), "--optimizer", "gd-lipschitz")
    assert code == 2
    assert err.count("\n") == 1 and "overflow" in err and "internal" not in err


def test_item5_standardizing_huge_features_keeps_them(tmp_path, capsys):
    """Issue 11 §2 item 5: with `--standardize` the same features gave
    "converged" with every coefficient silently 0 (their std overflowed to inf).
    The statistics are now taken on rescaled columns: the model is the one of
    the unscaled features, coefficients ÷ 1e300."""
    ds = load_dataset("breast-cancer")
    X = ds.X[:, :8]
    sc = Standardizer().fit(X * 1e300)
    assert np.all(np.isfinite(sc.scale_)) and np.all(sc.scale_ > 0)
    np.testing.assert_allclose(sc.transform(X * 1e300), Standardizer().fit(X).transform(X), atol=1e-12)
    ref = _cli(capsys, "--npz", _npz(tmp_path, X, ds.y, "a.npz"), "--standardize", "--json", "-")
    big = _cli(capsys, "--npz", _npz(tmp_path, X * 1e300, ds.y, "b.npz"), "--standardize", "--json", "-")
    import json

    r0, r1 = json.loads(ref[1]), json.loads(big[1])
    assert big[0] == 0 and r1["status"] == r0["status"] == "converged"
    np.testing.assert_allclose(np.array(r1["coef"]) * 1e300, r0["coef"], rtol=1e-9)
    assert all(c != 0 for c in r1["coef"][0])


def test_item5_overflowing_polynomial_features_name_the_monomial(tmp_path, capsys):
    """Issue 11 §2 item 5: polynomial features that overflow printed several
    warning lines and then "X contains NaN". Now one line naming the monomial,
    the inputs' size and the way out."""
    ds = load_dataset("iris")
    with np.errstate(all="raise"):
        with pytest.raises(DataError, match=r"x1\^6.*overflows.*rescale the inputs or lower the degree"):
            polynomial_features(ds.X * 1e60, 6)
    code, out, err = _cli(capsys, "--npz", _npz(tmp_path, ds.X * 1e60, ds.y), "--features", "poly:6",
                          "--standardize")
    assert code == 2
    assert err.count("\n") == 1 and "overflows" in err and "Warning" not in err


def test_item5_non_finite_features_name_the_column():
    """Issue 11 §2 item 5: a NaN feature names its column."""
    X = np.ones((4, 3))
    X[2, 1] = np.nan
    with pytest.raises(LogitError, match="feature 2"):
        Objective(X, [0, 1, 0, 1])
