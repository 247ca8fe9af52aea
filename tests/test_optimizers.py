"""Every optimizer reaches scikit-learn's optimum; iterates are immutable; stopping rules."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from logit_gui.core.errors import OptimizerError
from logit_gui.core.objective import Objective
from logit_gui.core.optimizers import OPTIMIZERS, make_optimizer
from logit_gui.core.train import SEPARABLE_NOTE, run

FULL_BATCH = ["gd", "gd-lipschitz", "gd-backtracking", "newton", "bfgs", "lbfgs",
              "adagrad", "momentum", "nesterov", "adam"]


def _data(seed=0, n=300, d=3, K=2, shift=0.3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.linspace(1, 2, d) + np.linspace(0, 1, d)
    W = rng.normal(size=(K, d))
    Z = X @ W.T + rng.gumbel(size=(n, K))
    y = np.argmax(Z, axis=1) if K > 2 else (X @ W[0] + shift + rng.logistic(size=n) > 0).astype(int)
    return X, y


def _fit(obj, name, tol=1e-10, max_iter=20000, **params):
    it = None
    for it in run(make_optimizer(name, obj, **params), max_iter=max_iter, tol=tol):
        pass
    return it


def _sk_binary(X, y, l2, class_weight=None):
    s = np.ones(len(y)) if class_weight is None else None
    sw_sum = len(y)
    return LogisticRegression(C=1 / (l2 * sw_sum), tol=1e-12, max_iter=100000,
                              class_weight=class_weight).fit(X, y)


@pytest.mark.parametrize("name", ["newton", "bfgs", "lbfgs"])
def test_second_order_coefficients_match_sklearn(name):
    X, y = _data()
    l2 = 0.01
    sk = _sk_binary(X, y, l2)
    it = _fit(Objective(X, y, l2=l2), name)
    assert it.status == "converged"
    np.testing.assert_allclose(it.coef, sk.coef_, rtol=1e-5)
    np.testing.assert_allclose(it.intercept, sk.intercept_, rtol=1e-5)


@pytest.mark.parametrize("name", FULL_BATCH)
def test_every_full_batch_method_reaches_the_optimum(name):
    X, y = _data(1)
    l2 = 0.05
    obj = Objective(X, y, l2=l2)
    sk = _sk_binary(X, y, l2)
    f_star = obj.value(obj.join(sk.coef_, sk.intercept_))
    it = _fit(obj, name, tol=1e-9)
    assert it.status == "converged", (it.status, it.k, it.grad_norm)
    assert it.objective == pytest.approx(f_star, abs=1e-6)
    assert abs(it.objective - f_star) <= 1e-6


def test_gd_lipschitz_objective_within_1e6_and_monotone():
    X, y = _data(2, d=4)
    l2 = 0.02
    obj = Objective(X, y, l2=l2)
    sk = _sk_binary(X, y, l2)
    f_star = obj.value(obj.join(sk.coef_, sk.intercept_))
    its = list(run(make_optimizer("gd-lipschitz", obj), max_iter=20000, tol=1e-10))
    f = np.array([i.objective for i in its])
    assert np.all(np.diff(f) <= 1e-15)  # the step 1/L never increases J
    assert abs(f[-1] - f_star) < 1e-6
    assert its[-1].info["lipschitz"] == pytest.approx(obj.lipschitz())
    assert "λmax" in its[-1].info["formula"]


def test_rmsprop_and_sgd_approach_the_optimum():
    X, y = _data(3)
    obj = Objective(X, y, l2=0.05)
    f_star = _fit(obj, "newton").objective
    it = _fit(obj, "rmsprop", tol=1e-9, max_iter=5000, lr=1e-3)
    assert it.objective - f_star < 1e-5
    it = _fit(obj, "sgd", tol=1e-9, max_iter=3000, lr=0.05, batch_size=32)
    assert it.objective - f_star < 1e-3


def test_softmax_probabilities_match_sklearn_multinomial():
    X, y = _data(4, n=400, d=3, K=4)
    l2 = 0.01
    obj = Objective(X, y, l2=l2)
    assert obj.kind == "softmax"
    sk = LogisticRegression(C=1 / (l2 * len(y)), tol=1e-12, max_iter=100000).fit(X, y)
    for name in ("newton", "lbfgs", "bfgs"):
        it = _fit(obj, name)
        assert it.status == "converged", name
        P = obj.proba(np.column_stack([it.coef, it.intercept]).ravel(), X)
        np.testing.assert_allclose(P, sk.predict_proba(X), atol=1e-6)
    f_star = it.objective
    it = _fit(obj, "gd-lipschitz", tol=1e-9, max_iter=50000)
    assert abs(it.objective - f_star) < 1e-6


def test_ovr_matches_sklearn_one_vs_rest():
    X, y = _data(5, n=300, d=2, K=3)
    l2 = 0.02
    obj = Objective(X, y, kind="ovr", l2=l2)
    it = _fit(obj, "newton")
    sk = OneVsRestClassifier(LogisticRegression(C=1 / (l2 * len(y)), tol=1e-12, max_iter=100000)).fit(X, y)
    coef = np.vstack([e.coef_ for e in sk.estimators_])
    np.testing.assert_allclose(it.coef, coef, rtol=1e-5)
    np.testing.assert_allclose(obj.proba(it.theta.ravel(), X), sk.predict_proba(X), atol=1e-6)


def test_class_weight_balanced_matches_sklearn():
    X, y = _data(6, n=400, shift=-2.0)
    assert 0.05 < y.mean() < 0.35  # imbalanced
    l2 = 0.01
    obj = Objective(X, y, l2=l2, class_weight="balanced")
    s_sum = obj.sample_weight.sum()
    sk = LogisticRegression(C=1 / (l2 * s_sum), class_weight="balanced", tol=1e-12,
                            max_iter=100000).fit(X, y)
    it = _fit(obj, "newton")
    np.testing.assert_allclose(it.coef, sk.coef_, rtol=1e-5)
    np.testing.assert_allclose(it.intercept, sk.intercept_, rtol=1e-5)


@pytest.mark.parametrize("name", ["gd-lipschitz", "gd-backtracking", "adam"])
def test_l1_proximal_methods_match_saga(name):
    X, y = _data(7, n=300, d=5)
    X[:, 3:] *= 0.05  # weak features the L1 penalty should zero out
    l1 = 0.02
    obj = Objective(X, y, l1=l1)
    sk = LogisticRegression(C=1 / (l1 * len(y)), l1_ratio=1.0, solver="saga", tol=1e-12,
                            max_iter=200000).fit(X, y)
    f_star = obj.value(obj.join(sk.coef_, sk.intercept_))
    kw = {"lr": 0.01} if name == "adam" else {}
    it = _fit(obj, name, tol=1e-8, max_iter=100000, **kw)
    assert it.objective == pytest.approx(f_star, abs=1e-6)
    np.testing.assert_allclose(it.coef, sk.coef_, atol=1e-3)
    if name != "adam":
        assert np.sum(it.coef == 0) == np.sum(sk.coef_ == 0)


@pytest.mark.parametrize("name", ["newton", "bfgs"])
def test_second_order_methods_refuse_l1(name):
    X, y = _data()
    with pytest.raises(OptimizerError, match="L1"):
        make_optimizer(name, Objective(X, y, l1=0.1))


def test_unknown_optimizer_and_bad_parameters():
    obj = Objective(*_data())
    with pytest.raises(OptimizerError, match="unknown optimizer"):
        make_optimizer("sgdd", obj)
    with pytest.raises(OptimizerError, match="lr"):
        make_optimizer("gd", obj, lr=-1)
    with pytest.raises(OptimizerError, match="batch size"):
        make_optimizer("sgd", obj, batch_size=0)


def test_iterates_are_immutable_and_hold_no_data():
    X, y = _data()
    opt = make_optimizer("bfgs", Objective(X, y))
    it = opt.step()
    with pytest.raises(Exception):
        it.coef[0, 0] = 1.0
    with pytest.raises(Exception):
        it.objective = 0.0
    with pytest.raises(TypeError):
        it.info["H_inv"] = None
    big = [v for v in it.info.values() if isinstance(v, np.ndarray) and v.size >= X.shape[0]]
    assert not big
    assert it.info["H_inv"].shape == (4, 4)
    before = it.coef.copy()
    opt.step()
    np.testing.assert_array_equal(it.coef, before)  # later steps never change an old iterate


def test_stepping_is_resumable_and_deterministic():
    X, y = _data()
    obj = Objective(X, y, l2=0.01)
    a = make_optimizer("sgd", obj, batch_size=16, seed=3)
    b = make_optimizer("sgd", obj, batch_size=16, seed=3)
    ia = [a.step() for _ in range(20)]
    ib = [b.step() for _ in range(20)]
    for u, v in zip(ia, ib):
        np.testing.assert_array_equal(u.coef, v.coef)
    c = make_optimizer("sgd", obj, batch_size=16, seed=4)
    assert not np.array_equal(c.step().coef, ia[0].coef)
    # continue from a given point (the app's "change the optimizer, keep the weights")
    d = make_optimizer("newton", obj, theta0=ia[-1].theta.ravel())
    np.testing.assert_array_equal(d.current.coef, ia[-1].coef)


def test_tol_zero_runs_exactly_max_iter():
    X, y = _data()
    its = list(run(make_optimizer("gd", Objective(X, y, l2=0.1)), max_iter=25, tol=0))
    assert [i.k for i in its] == list(range(26))
    assert its[-1].status == "max_iter"


@pytest.mark.parametrize("name", ["gd", "momentum", "adam"])
def test_divergence_keeps_the_last_finite_iterate(name):
    X, y = _data()
    X = X * 100
    obj = Objective(X, y, l2=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        its = list(run(make_optimizer(name, obj, lr=1e3), max_iter=5000, tol=1e-8))
    last = its[-1]
    assert last.status == "diverged"
    assert last.finite
    assert all(i.finite for i in its)
    assert any("step" in n for n in last.notes)


def test_separable_data_warn_and_newton_never_nan():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    X[y == 1] += 0.5
    X[y == 0] -= 0.5
    obj = Objective(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        its = list(run(make_optimizer("newton", obj), max_iter=60, tol=1e-10))
    last = its[-1]
    assert all(i.finite for i in its)
    assert any(SEPARABLE_NOTE in n for n in last.notes)
    assert np.linalg.norm(last.coef) > np.linalg.norm(its[5].coef)  # the weights keep growing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        its = list(run(make_optimizer("newton", obj), max_iter=200, tol=0))
    assert all(i.finite for i in its) and its[-1].status in ("max_iter", "stalled")
    it = list(run(make_optimizer("gd", obj), max_iter=300, tol=1e-10))[-1]
    assert any(SEPARABLE_NOTE in n for n in it.notes)
    # a penalty removes the warning: the minimizer exists again
    it = list(run(make_optimizer("newton", Objective(X, y, l2=0.1)), max_iter=100, tol=1e-10))[-1]
    assert it.status == "converged" and not any(SEPARABLE_NOTE in n for n in it.notes)


def test_newton_singular_hessian_takes_a_damped_step():
    X, y = _data(8, d=2)
    X = np.column_stack([X, X[:, 0]])  # a duplicated feature: H is singular
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        its = list(run(make_optimizer("newton", Objective(X, y)), max_iter=100, tol=1e-8))
    assert all(i.finite for i in its)
    assert any("singular" in n and "damped" in n for i in its for n in i.notes)
    assert its[-1].status == "converged"
    assert its[-1].info["damped"] is True


def test_line_search_methods_record_their_trials():
    X, y = _data()
    obj = Objective(X, y)
    for name in ("gd-backtracking", "newton", "bfgs", "lbfgs"):
        it = make_optimizer(name, obj).step()
        assert len(it.info["trials"]) >= 1, name
        t, f = it.info["trials"][-1]
        assert t == pytest.approx(it.step_size)
    assert "cond" in make_optimizer("newton", obj).step().info
    assert set(make_optimizer("adam", obj).step().info) >= {"m", "v"}
    assert "G" in make_optimizer("adagrad", obj).step().info


def test_all_optimizers_listed():
    assert set(OPTIMIZERS) == {"gd", "gd-lipschitz", "gd-backtracking", "newton", "bfgs", "lbfgs",
                               "adagrad", "sgd", "momentum", "nesterov", "rmsprop", "adam"}
