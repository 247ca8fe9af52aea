"""Issue 11 §2, items 6 and 7 — one gauge for softmax, class weights as
scikit-learn counts them, separability from the data, and OWL-QN for L1."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from logit_gui.core.datasets import load_dataset, make_dataset
from logit_gui.core.errors import OptimizerError
from logit_gui.core.objective import Objective, ObjectiveError, class_sample_weights
from logit_gui.core.optimizers import check_optimizer, make_optimizer
from logit_gui.core.problem import build_problem
from logit_gui.core.train import SEPARABLE_NOTE, run


def _fit(obj, name, tol=1e-9, max_iter=20000, **kw):
    it = None
    for it in run(make_optimizer(name, obj, **kw), max_iter=max_iter, tol=tol):
        pass
    return it


def _separable_note(it):
    return any(SEPARABLE_NOTE in n for n in it.notes)


@pytest.mark.parametrize("name, lr", [("adagrad", 0.5), ("adam", 0.05), ("rmsprop", 0.01), ("lbfgs", None)])
def test_item6_softmax_intercepts_are_reported_in_one_gauge(name, lr):
    """Issue 11 §2 item 6: Newton centred the softmax intercepts, Adagrad, Adam
    and RMSProp did not: the same probabilities, different JSON. Every method
    now reports Σ_k b_k = 0 — the same intercepts as Newton's."""
    ds = load_dataset("iris")
    obj = Objective(ds.X, ds.y, l2=1e-2)
    ref = _fit(obj, "newton")
    kw = {"lr": lr} if lr else {}
    it = _fit(obj, name, tol=1e-5, max_iter=30000, **kw)
    assert abs(it.intercept.sum()) < 1e-9 * max(1.0, np.abs(it.intercept).max())
    np.testing.assert_allclose(it.intercept, ref.intercept, atol=2e-2 * np.abs(ref.intercept).max())


def test_item6_unpenalized_softmax_weights_are_centred_too():
    """Issue 11 §2 item 6: without a penalty the softmax weights are as free as
    the intercepts: both are reported centred (the probabilities unchanged)."""
    ds = make_dataset("blobs", n=150, classes=3, noise=2.0, seed=1)
    obj = Objective(ds.X, ds.y)
    opt = make_optimizer("adam", obj, lr=0.05)
    for _ in range(50):
        it = opt.step()
    np.testing.assert_allclose(it.coef.sum(axis=0), 0, atol=1e-12)
    assert abs(it.intercept.sum()) < 1e-12
    np.testing.assert_allclose(obj.proba(it.theta.ravel(), ds.X), obj.proba(opt.theta, ds.X), atol=1e-12)


def test_item6_balanced_counts_weighted_classes_like_sklearn():
    """Issue 11 §2 item 6: `balanced` with sample weights weighs each class by
    Σs / (K Σ_{class} s), as scikit-learn's compute_class_weight does — not by
    the raw class counts."""
    rng = np.random.default_rng(3)
    n = 300
    X = rng.normal(size=(n, 3))
    y = (X @ [1.0, -1.0, 0.5] + rng.logistic(size=n) - 1.5 > 0).astype(int)
    sw = rng.uniform(0.1, 3.0, n) * np.where(y == 1, 3.0, 1.0)
    l2 = 1e-2
    obj = Objective(X, y, l2=l2, class_weight="balanced", sample_weight=sw)
    s = obj.sample_weight
    totals = np.bincount(y, weights=s)
    assert totals[0] == pytest.approx(totals[1])  # balanced: both classes weigh the same
    it = _fit(obj, "newton", tol=1e-12)
    sk = LogisticRegression(C=1 / (l2 * s.sum()), class_weight="balanced", tol=1e-12,
                            max_iter=10000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(it.coef, sk.coef_, rtol=1e-6)
    np.testing.assert_allclose(it.intercept, sk.intercept_, rtol=1e-6)
    np.testing.assert_allclose(class_sample_weights(y, 2, "balanced"),
                               n / (2 * np.bincount(y)[y]))


def test_item6_ovr_with_a_class_weight_dict_weighs_the_original_classes():
    """Issue 11 §2 item 6: `kind='ovr'` with a class-weight dict raised a bare
    IndexError. The dict now weighs the samples of each original class, in
    every one-vs-rest problem (scikit-learn's rule for dicts); an unknown class
    is a clear error."""
    ds = load_dataset("iris")
    cw = {0: 1.0, 1: 3.0, 2: 0.5}
    l2 = 1e-2
    obj = Objective(ds.X, ds.y, kind="ovr", class_weight=cw, l2=l2)
    it = _fit(obj, "newton", tol=1e-12)
    alpha = np.array([cw[k] for k in ds.y])
    for k in range(3):
        sk = LogisticRegression(C=1 / (l2 * alpha.sum()), tol=1e-12, max_iter=10000).fit(
            ds.X, (ds.y == k).astype(int), sample_weight=alpha)
        np.testing.assert_allclose(it.coef[k], sk.coef_[0], rtol=1e-5, atol=1e-8)
    with pytest.raises(ObjectiveError, match="unknown class 7"):
        Objective(ds.X, ds.y, kind="ovr", class_weight={7: 2.0})
    with pytest.raises(ObjectiveError, match="expected 3 values"):
        Objective(ds.X, ds.y, kind="softmax", class_weight=[1.0, 2.0])


def test_item6_separability_comes_from_the_data_not_the_run():
    """Issue 11 §2 item 6: the warning appeared only if the run's last iterate
    happened to separate the data. Circles with quadratic features are
    separable; gd stopped after 3 iterations has not separated them yet and
    still gets the warning. Moons are not separable: no warning, however long."""
    circles = build_problem(make_dataset("circles", n=200, seed=0), degree=2)
    it = _fit(circles.objective, "gd", max_iter=3)
    assert not circles.objective.separates(it.theta.ravel())
    assert _separable_note(it)
    moons = build_problem(make_dataset("moons", n=200, noise=0.3, seed=0))
    assert moons.objective.separable() is None
    assert not _separable_note(_fit(moons.objective, "newton", max_iter=50))
    # a penalty gives a minimizer again: no warning
    pen = build_problem(make_dataset("circles", n=200, seed=0), degree=2, l2=1e-3)
    assert not _separable_note(_fit(pen.objective, "gd", max_iter=3))


def test_item6_a_class_separable_from_the_rest_is_reported_for_softmax():
    """Issue 11 §2 item 6: setosa is separable from the other irises, so the
    unpenalized softmax weights grow without bound; the warning says which."""
    ds = load_dataset("iris")
    it = _fit(Objective(ds.X, ds.y), "lbfgs", max_iter=5)
    assert any(SEPARABLE_NOTE in n and "class 0" in n for n in it.notes)


@pytest.mark.parametrize("l1", [2e-2, 5e-3])
def test_item7_lbfgs_with_l1_is_owlqn_and_reaches_sagas_optimum(l1):
    """Issue 11 §2 item 7: lbfgs refused L1; it is now OWL-QN (orthant-wise
    L-BFGS) and reaches saga's optimum with the same zero pattern."""
    ds = load_dataset("breast-cancer")
    X = (ds.X - ds.X.mean(0)) / ds.X.std(0)
    y = ds.y
    obj = Objective(X, y, l1=l1)
    check_optimizer("lbfgs", l1=l1)
    it = _fit(obj, "lbfgs", tol=1e-9, max_iter=5000)
    assert it.status == "converged", (it.status, it.k, it.notes)
    assert it.info.get("owlqn") is True
    sk = LogisticRegression(C=1 / (l1 * len(y)), l1_ratio=1.0, solver="saga", tol=1e-13,
                            max_iter=1_000_000).fit(X, y)
    f_star = obj.value(obj.join(sk.coef_, sk.intercept_))
    assert it.objective <= f_star + 1e-10
    np.testing.assert_array_equal(it.coef == 0, sk.coef_ == 0)
    np.testing.assert_allclose(it.coef, sk.coef_, atol=1e-5)
    assert it.k < 500


def test_item7_owlqn_keeps_unpenalized_intercepts_and_matches_proximal_gd():
    """Issue 11 §2 item 7: OWL-QN on softmax with L1 agrees with proximal
    gradient descent (the intercepts are not penalized, not projected)."""
    ds = load_dataset("wine")
    X = (ds.X - ds.X.mean(0)) / ds.X.std(0)
    obj = Objective(X, ds.y, l1=1e-2)
    a = _fit(obj, "lbfgs", tol=1e-9)
    b = _fit(obj, "gd-backtracking", tol=1e-9, max_iter=200000)
    assert a.status == "converged"
    assert a.objective == pytest.approx(b.objective, abs=1e-9)
    assert np.sum(a.coef == 0) > 0


@pytest.mark.parametrize("name", ["newton", "bfgs"])
def test_item7_newton_and_bfgs_still_refuse_l1(name):
    """Issue 11 §2 item 7: only L-BFGS (as OWL-QN) takes L1 among the second-order methods."""
    with pytest.raises(OptimizerError, match="lbfgs"):
        check_optimizer(name, l1=0.1)
