"""The objective: closed forms against finite differences, stability, class weights."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from logit_gui.core.objective import (
    Objective,
    ObjectiveError,
    class_sample_weights,
    log_sigmoid,
    sigmoid,
)


def _fd_grad(f, theta, h=1e-6):
    g = np.zeros_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        g[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return g


@st.composite
def problems(draw, kinds=("binary", "softmax", "ovr")):
    kind = draw(st.sampled_from(kinds))
    n = draw(st.integers(5, 40))
    d = draw(st.integers(1, 4))
    K = 2 if kind == "binary" else draw(st.integers(3, 4))
    X = draw(arrays(np.float64, (n, d), elements=st.floats(-3, 3, allow_nan=False, width=64)))
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, K - 1)))
    l2 = draw(st.sampled_from([0.0, 0.1, 1.0]))
    cw = draw(st.sampled_from([None, "balanced"]))
    fit_intercept = draw(st.booleans())
    sw = draw(st.one_of(st.none(), arrays(np.float64, (n,), elements=st.floats(0.1, 3.0))))
    obj = Objective(X, y, n_classes=K, kind=kind, l2=l2, class_weight=cw,
                    fit_intercept=fit_intercept, sample_weight=sw)
    theta = draw(arrays(np.float64, (obj.size,), elements=st.floats(-2, 2, allow_nan=False, width=64)))
    return obj, theta


@settings(max_examples=60, deadline=None)
@given(problems())
def test_gradient_matches_finite_differences(prob):
    obj, theta = prob
    _, g = obj.value_grad(theta)
    fd = _fd_grad(obj.smooth_value, theta)
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-7)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_hessian_matches_finite_differences_of_gradient(prob):
    obj, theta = prob
    H = obj.hessian(theta)
    h = 1e-6
    fd = np.column_stack([
        (obj.grad(theta + h * e) - obj.grad(theta - h * e)) / (2 * h) for e in np.eye(obj.size)
    ])
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(H, H.T, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(problems(), st.integers(0, 2**32 - 1))
def test_hessian_vector_product_equals_hessian_times_vector(prob, seed):
    obj, theta = prob
    v = np.random.default_rng(seed).normal(size=obj.size)
    np.testing.assert_allclose(obj.hessp(theta, v), obj.hessian(theta) @ v, rtol=1e-9, atol=1e-12)


def test_objective_is_the_mean_binary_cross_entropy_by_definition():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    y = rng.integers(0, 2, 30)
    s = rng.uniform(0.5, 2, 30)
    w, b, l2, l1 = np.array([0.7, -1.3]), 0.4, 0.3, 0.2
    obj = Objective(X, y, sample_weight=s, l2=l2, l1=l1)
    z = X @ w + b
    p = 1 / (1 + np.exp(-z))
    nll = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    expected = (s @ nll) / s.sum() + l2 / 2 * w @ w + l1 * np.abs(w).sum()
    assert obj.value(np.r_[w, b]) == pytest.approx(expected, rel=1e-12)


def test_intercept_is_never_penalized():
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    y = np.array([0, 0, 1, 1])
    obj = Objective(X, y, l2=10.0, l1=5.0)
    a = obj.value(np.array([0.0, 0.0]))
    b = obj.value(np.array([0.0, 3.0]))
    plain = Objective(X, y).value(np.array([0.0, 3.0]))
    assert b == pytest.approx(plain)  # the penalty adds nothing for b alone
    assert a != b


@pytest.mark.parametrize("kind", ["binary", "softmax", "ovr"])
def test_stable_at_huge_logits_no_warning(kind):
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [2.0, 1.0]])
    y = np.array([0, 1, 2, 1]) if kind != "binary" else np.array([0, 1, 0, 1])
    K = 3 if kind != "binary" else 2
    obj = Objective(X, y, n_classes=K, kind=kind)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for scale in (1e4, -1e4):
            theta = np.full(obj.size, scale)
            f, g = obj.value_grad(theta)
            H = obj.hessian(theta)
            assert np.isfinite(f) and np.all(np.isfinite(g)) and np.all(np.isfinite(H))
            assert f > 0


def test_sigmoid_and_log_sigmoid_stable():
    z = np.array([-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
        ls = log_sigmoid(z)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert ls[0] == pytest.approx(-1e4) and ls[-1] == 0.0
    np.testing.assert_allclose(sigmoid(z[2:5]), 1 / (1 + np.exp(-z[2:5])))


def test_balanced_class_weights_are_inverse_frequency():
    y = np.array([0, 0, 0, 1])
    s = class_sample_weights(y, 2, "balanced")
    np.testing.assert_allclose(s, [4 / (2 * 3)] * 3 + [4 / (2 * 1)])
    np.testing.assert_allclose(class_sample_weights(y, 2, [1.0, 5.0]), [1, 1, 1, 5])
    with pytest.raises(ObjectiveError):
        class_sample_weights(y, 2, "weird")


def test_lipschitz_bounds_the_hessian():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 3)) * [1, 5, 0.2]
    y = rng.integers(0, 2, 50)
    obj = Objective(X, y, l2=0.1, class_weight="balanced")
    L = obj.lipschitz()
    for _ in range(5):
        theta = rng.normal(size=obj.size)
        assert np.linalg.eigvalsh(obj.hessian(theta))[-1] <= L * (1 + 1e-12)
    # at θ = 0, p(1 − p) = 1/4 exactly: the bound is attained but for the
    # unpenalized intercept direction (at most l2 below)
    top = np.linalg.eigvalsh(obj.hessian(np.zeros(obj.size)))[-1]
    assert L - 0.1 <= top <= L * (1 + 1e-12)
    soft = Objective(X, rng.integers(0, 3, 50), n_classes=3)
    for _ in range(5):
        theta = rng.normal(size=soft.size)
        assert np.linalg.eigvalsh(soft.hessian(theta))[-1] <= soft.lipschitz() * (1 + 1e-12)


def test_binary_model_refuses_more_classes():
    with pytest.raises(ObjectiveError, match="softmax or ovr"):
        Objective(np.zeros((3, 1)), [0, 1, 2], kind="binary")


@pytest.mark.parametrize("weighted", [False, True])
def test_fast_binary_path_equals_the_definition(weighted):
    rng = np.random.default_rng(5)
    n = 2 * 1000 + 234  # with blocks of 1000 rows: two whole blocks and a short one
    X = rng.normal(size=(n, 2)) * 3
    y = rng.integers(0, 2, n)
    s = rng.uniform(0.5, 2.0, n) if weighted else None
    obj = Objective(X, y, sample_weight=s)
    obj.BLOCK = 1000
    theta = np.array([0.7, -1.1, 0.2])
    z = obj.Xt @ theta
    w = np.ones(n) if s is None else s
    f_ref = w @ (np.logaddexp(0, z) - y * z) / w.sum()
    g_ref = obj.Xt.T @ (w * (1 / (1 + np.exp(-z)) - y)) / w.sum()
    for _ in range(2):  # the work arrays are reused: a second call gives the same
        f, g = obj.value_grad(theta)
        assert f == pytest.approx(f_ref, rel=1e-12)
        np.testing.assert_allclose(g, g_ref, rtol=1e-10, atol=1e-14)
    f_st, g_st = obj._binary_value_grad_stable(theta, True)
    assert f_st == pytest.approx(f_ref, rel=1e-12)
    np.testing.assert_allclose(g_st, g_ref, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("scale", [30.0, 300.0, 700.0])
def test_separable_data_with_grown_weights_keep_a_tiny_positive_loss(scale):
    """Once separable data are fit with large weights the loss is e^{−|z|}-small:
    the fast form's (1 − y)z + log(1 + e^{−z}) would cancel to 0 or below, so
    the objective must still report the tiny positive value and its gradient."""
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    obj = Objective(X, y)
    theta = np.array([scale, 0.0])
    z = obj.Xt @ theta
    f_ref = np.mean(np.log1p(np.exp(-np.abs(z))))  # every sample is right: loss = log(1 + e^{−|z|})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f, g = obj.value_grad(theta)
    assert f > 0
    assert f == pytest.approx(f_ref, rel=1e-12)
    r = np.where(y == 1, -np.exp(-np.abs(z)), np.exp(-np.abs(z)))  # σ(z) − y, never rounded to 0 for y = 0
    assert g[0] == pytest.approx(np.mean(X[:, 0] * r), rel=1e-6)
