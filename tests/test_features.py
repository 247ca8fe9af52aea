"""Polynomial features, standardization and the coefficient back-transform."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logit_gui.core.errors import DataError
from logit_gui.core.features import (
    FeatureMap,
    Standardizer,
    monomial_powers,
    n_poly_features,
    parse_features,
    polynomial_features,
)


@pytest.mark.parametrize("d", [1, 2, 3, 5])
@pytest.mark.parametrize("D", [1, 2, 3, 4, 5, 6])
def test_count_and_values_match_sklearn(d, D):
    from sklearn.preprocessing import PolynomialFeatures

    X = np.random.default_rng(d * 10 + D).uniform(-1.5, 1.5, size=(7, d))
    Xp, names = polynomial_features(X, D)
    assert n_poly_features(d, D) == comb(d + D, D) - 1 == Xp.shape[1] == len(names)
    ref = PolynomialFeatures(D, include_bias=False).fit(X)
    assert np.allclose(Xp, ref.transform(X), rtol=1e-13, atol=1e-13)
    # same order: translate sklearn's "x0^2 x1" into ours
    sk = [
        "*".join(
            (f"x{int(t.split('^')[0][1:]) + 1}" + (f"^{t.split('^')[1]}" if "^" in t else ""))
            for t in s.split(" ")
        )
        for s in ref.get_feature_names_out()
    ]
    assert list(names) == sk


def test_names_read_like_the_lecture():
    X = np.ones((2, 2))
    _, names = polynomial_features(X, 3)
    assert names == ("x1", "x2", "x1^2", "x1*x2", "x2^2", "x1^3", "x1^2*x2", "x1*x2^2", "x2^3")
    _, names = polynomial_features(X, 2, names=["sepal length (cm)", "width"])
    assert names == (
        "sepal length (cm)", "width", "(sepal length (cm))^2", "(sepal length (cm))*width", "width^2",
    )
    assert monomial_powers(2, 2) == [(0,), (1,), (0, 0), (0, 1), (1, 1)]


@pytest.mark.parametrize("bad", [0, 7, -1, 2.5, "two", None, True])
def test_degree_out_of_range(bad):
    with pytest.raises(DataError, match="degree must be an integer from 1 to 6"):
        polynomial_features(np.ones((2, 2)), bad)
    with pytest.raises(DataError):
        FeatureMap(degree=bad)


def test_too_many_features_is_refused():
    with pytest.raises(DataError, match="polynomial features"):
        polynomial_features(np.ones((3, 64)), 3)
    with pytest.raises(DataError, match="polynomial features"):
        FeatureMap(degree=6).fit(np.ones((3, 64)))


def test_parse_features():
    assert parse_features("poly:3") == 3
    assert parse_features("linear") == 1
    assert parse_features(" POLY:1 ") == 1
    for bad in ("poly:0", "poly:9", "poly:", "cubic", "poly:x"):
        with pytest.raises(DataError):
            parse_features(bad)


def test_standardizer_population_std_and_constant_columns():
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(3, 2, 50), np.full(50, 7.0), rng.uniform(size=50)])
    s = Standardizer().fit(X)
    assert np.allclose(s.scale_, [X[:, 0].std(ddof=0), 1.0, X[:, 2].std(ddof=0)])
    Z = s.transform(X)
    assert np.allclose(Z, StandardScaler().fit_transform(X))
    assert np.allclose(Z[:, 1], 0.0)
    assert np.allclose(s.inverse_transform(Z), X)
    # test data use the training statistics
    T = rng.normal(size=(5, 3))
    assert np.allclose(s.transform(T), (T - X.mean(0)) / s.scale_)
    with pytest.raises(DataError):
        s.transform(np.ones((2, 2)))


def test_feature_map_poly_then_standardize():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2)) * [1.0, 10.0] + [0.0, 5.0]
    fm = FeatureMap(degree=2, standardize=True, input_names=("a", "b"))
    Z = fm.fit_transform(X)
    assert fm.names == ("a", "b", "a^2", "a*b", "b^2") and fm.n_out == 5
    assert np.allclose(Z.mean(0), 0.0, atol=1e-12) and np.allclose(Z.std(0), 1.0)
    grid = rng.normal(size=(9, 2))
    P, _ = polynomial_features(grid, 2)
    assert np.allclose(fm.transform(grid), (P - fm.scaler.mean_) / fm.scaler.scale_)
    with pytest.raises(DataError, match="fitted on 2 columns"):
        fm.transform(np.ones((3, 3)))
    ident = FeatureMap()
    assert np.array_equal(ident.fit_transform(X), X) and ident.names == ("x1", "x2")


@settings(max_examples=40, deadline=None)
@given(
    degree=st.integers(1, 3),
    m=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_to_input_units_gives_the_same_logits(degree, m, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 2)) * rng.uniform(0.1, 10, 2) + rng.uniform(-5, 5, 2)
    fm = FeatureMap(degree=degree, standardize=True)
    Z = fm.fit_transform(X)
    coef = rng.normal(size=(m, fm.n_out))
    b = rng.normal(size=m)
    w_in, b_in = fm.to_input_units(coef, b)
    P, _ = polynomial_features(X, degree)
    assert np.allclose(P @ w_in.T + b_in, Z @ coef.T + b, rtol=1e-9, atol=1e-9)
    w_back, b_back = fm.from_input_units(w_in, b_in)
    assert np.allclose(w_back, coef) and np.allclose(b_back, b)


def test_to_input_units_matches_sklearn_pipeline_fit():
    """Coefficients fitted on standardized features, mapped back, equal a fit on raw features."""
    from sklearn.linear_model import LogisticRegression

    from logit_gui.core.datasets import load_bundled

    ds = load_bundled("breast-cancer")
    X = ds.X[:, :3]
    fm = FeatureMap(degree=1, standardize=True)
    Z = fm.fit_transform(X)
    std_fit = LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000).fit(Z, ds.y)
    w, b = fm.to_input_units(std_fit.coef_, std_fit.intercept_)
    assert np.allclose(X @ w.T + b, std_fit.decision_function(Z)[:, None], atol=1e-8)
    assert np.allclose(w, std_fit.coef_ / fm.scaler.scale_)
