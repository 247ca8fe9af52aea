"""The class-imbalance panel: class counts and weights, the reference model fitted by the
core's Newton against scikit-learn, balanced accuracy against scikit-learn, the two
boundaries, the per-problem cache, and the panel drawn in both themes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.utils.class_weight import compute_class_weight

from logit_gui.cli import main
from logit_gui.core.objective import predict_proba
from logit_gui.model.frames import imbalance
from logit_gui.model.settings import DataSettings, ModelSettings, RunSettings, Settings

from test_panel_roc import _image, _share, probabilities, scene

IMBALANCED = Settings(DataSettings(n=300, imbalance=5.0, test_fraction=0.25),
                      ModelSettings(class_weight="balanced", l2=1e-2), run=RunSettings(max_iter=1000))


def _sklearn_fit(built, class_weight):
    problem = built.problem
    X = problem.features(problem.train.X)
    y = np.asarray(problem.train.y)
    w = compute_class_weight(class_weight, classes=np.unique(y), y=y) if class_weight else np.ones(2)
    total = w[y].sum()  # our J divides by Σs: C = 1/(l2·Σs)
    clf = LogisticRegression(C=1.0 / (problem.objective.l2 * total), class_weight=class_weight, tol=1e-12,
                             max_iter=10_000, solver="lbfgs")
    return clf.fit(X, y)


@pytest.mark.parametrize("reference, sk_weight", [("none", None), ("balanced", "balanced")])
def test_the_reference_model_is_scikit_learns_fit_with_those_weights(reference, sk_weight):
    built, h, view, frame = scene(IMBALANCED, iterations=20)
    fit = imbalance.reference_fit(built.problem, reference)
    assert fit.method == "newton" and fit.status in ("converged", "stalled") and fit.iterations < 50
    clf = _sklearn_fit(built, sk_weight)
    np.testing.assert_allclose(fit.coef[0], clf.coef_[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fit.intercept, clf.intercept_, rtol=1e-5, atol=1e-6)


def test_counts_weights_boundaries_and_scores():
    built, h, view, frame = scene(IMBALANCED, iterations=20)
    d = imbalance.compute(view, h, frame, imbalance.ImbalanceOptions())
    ytr, yte = np.asarray(built.problem.train.y), np.asarray(built.problem.test.y)
    np.testing.assert_array_equal(d.train_counts, np.bincount(ytr))
    np.testing.assert_array_equal(d.test_counts, np.bincount(yte))
    assert d.train_counts[0] > 3 * d.train_counts[1]  # imbalanced indeed
    # α in use: balanced, as scikit-learn computes it; the reference: unweighted
    np.testing.assert_allclose(d.alpha, compute_class_weight("balanced", classes=np.array([0, 1]), y=ytr))
    np.testing.assert_array_equal(d.reference_alpha, [1.0, 1.0])
    assert not d.same_weights and d.shown_k == frame.iterate.k
    # accuracy and balanced accuracy of both models, train and test, as scikit-learn's
    for model, scores in ((frame.iterate, d.shown), (d.fit, d.ref)):
        for split, acc, bal in (("train", scores.accuracy, scores.balanced_accuracy),
                                ("test", scores.test_accuracy, scores.test_balanced_accuracy)):
            ds = built.problem.train if split == "train" else built.problem.test
            P = predict_proba("binary", model.coef, model.intercept, built.problem.features(ds.X))
            pred = P.argmax(axis=1)
            assert acc == pytest.approx(accuracy_score(ds.y, pred))
            assert bal == pytest.approx(balanced_accuracy_score(ds.y, pred))
    # the weighted model trades accuracy for the small class's recall
    assert d.shown.balanced_accuracy > d.ref.balanced_accuracy - 0.02
    # each boundary is where its own model says one half
    for model, segs in ((frame.iterate, d.shown_boundary), (d.fit, d.reference_boundary)):
        pts = segs[np.all(np.isfinite(segs), axis=1)]
        assert pts.shape[0] > 10
        p = predict_proba("binary", model.coef, model.intercept,
                          built.problem.features(view.projection.inverse(pts)))[:, 1]
        assert np.all(np.abs(p - 0.5) < 0.05)
    # the two lines differ: the weights move the boundary towards the large class
    assert not np.allclose(d.fit.coef, frame.iterate.coef, atol=1e-2)


def test_with_no_weights_in_use_the_unweighted_reference_is_the_runs_optimum():
    s = Settings(DataSettings(n=200, imbalance=3.0), ModelSettings(l2=1e-2))
    built, h, view, frame = scene(s, iterations=10)
    d = imbalance.compute(view, h, frame, imbalance.ImbalanceOptions())
    assert d.same_weights and np.all(d.alpha == 1.0)
    # the optimum of the shown run's own objective: its gradient vanishes there
    obj = built.problem.objective
    g = obj.value_grad(obj.join(d.fit.coef, d.fit.intercept))[1]
    assert np.max(np.abs(g)) < 1e-8
    bal = imbalance.compute(view, h, frame, imbalance.ImbalanceOptions(reference="balanced"))
    assert not bal.same_weights and bal.reference_alpha[1] > 1 > bal.reference_alpha[0]


def test_the_reference_is_fitted_once_per_problem():
    built, h, view, frame = scene(IMBALANCED, iterations=5)
    a = imbalance.reference_fit(built.problem)
    assert imbalance.reference_fit(built.problem) is a
    assert imbalance.reference_fit(built.problem, "balanced") is not a
    other, *_ = scene(IMBALANCED, iterations=5)  # the same settings, a new problem object
    b = imbalance.reference_fit(other.problem)
    assert b is not a and np.allclose(b.coef, a.coef)
    d1 = imbalance.compute(view, h, frame, imbalance.ImbalanceOptions())
    d2 = imbalance.compute(view, h, frame, imbalance.ImbalanceOptions())
    assert d1.fit is d2.fit and np.array_equal(d1.reference_boundary, d2.reference_boundary, equal_nan=True)


def test_an_l1_penalty_or_many_parameters_fit_by_lbfgs():
    s = Settings(DataSettings(n=200, imbalance=3.0), ModelSettings(l1=1e-3, l2=0.0))
    built, h, view, frame = scene(s, iterations=5)
    fit = imbalance.reference_fit(built.problem)
    assert fit.method == "lbfgs" and fit.status in ("converged", "stalled")


def test_many_classes_and_one_vs_rest_weights():
    s = Settings(DataSettings(source="blobs", classes=3, n=300, imbalance=4.0, degree=1),
                 ModelSettings(kind="ovr", class_weight="balanced"))
    built, h, view, frame = scene(s, iterations=10)
    d = imbalance.compute(view, h, frame, imbalance.ImbalanceOptions())
    y = np.asarray(built.problem.train.y)
    n = y.size
    # in "k vs rest", balanced: class k weighs n / (2 n_k)
    np.testing.assert_allclose(d.alpha, n / (2 * np.bincount(y)))
    assert "one-vs-rest" in d.alpha_note and not d.same_weights
    assert d.shown_boundary.shape[0] > 0 and d.reference_boundary.shape[0] > 0


@pytest.mark.parametrize("split", ["train", "test"])
def test_the_status_bars_balanced_accuracy_is_scikit_learns(split):
    built, h, view, frame = scene(IMBALANCED, iterations=20)
    y, P = probabilities(built, frame, split)
    got = imbalance.balanced_accuracy(view, frame.iterate, split)
    assert got == pytest.approx(balanced_accuracy_score(y, P.argmax(axis=1)))
    no_test = scene(Settings(DataSettings(n=100, test_fraction=0.0)), iterations=3)
    assert imbalance.balanced_accuracy(no_test[2], no_test[3].iterate, "test") is None


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("extra", [
    ["--imbalance", "5", "--class-weight", "balanced"], ["--presentation"],
    ["--dataset", "blobs", "--classes", "3", "--imbalance", "4", "--optimizer", "gd"],  # gd: not yet the optimum
])
def test_the_imbalance_panel_renders_in_each_theme(tmp_path, capsys, qapp, theme, extra):
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"imbalance-{theme}.png"
    rc = main(["render", "--panel", "imbalance", "--theme", theme, "--iterations", "30", "--out", str(out),
               *extra])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    t = get_theme(theme)
    bg = np.array([int(t.background[i:i + 2], 16) for i in (1, 3, 5)])
    assert a.shape[:2] == (600, 800) and np.all(a[2, 2] == bg)
    assert _share(a, t.reference_color, 30) > 5e-4  # the dashed reference boundary
    assert _share(a, t.class_color(0), 30) > 5e-3   # samples and bars
