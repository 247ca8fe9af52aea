"""Each panel's compute function: pure, Qt-free, and drawing what its docstring says."""

from __future__ import annotations

import numpy as np
import pytest

from logit_gui.core.objective import log_sigmoid, predict_proba, sigmoid
from logit_gui.model import pipeline
from logit_gui.model.frames import boundary, loss, make_frame, make_view, sigmoid as sig
from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings


def _scene(settings=None, iterations=15):
    settings = settings or Settings(DataSettings(n=200, test_fraction=0.25), run=RunSettings(max_iter=1000))
    built = pipeline.build(settings)
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=60)
    return built, run.history, view, make_frame(view, run.history.latest)


def test_boundary_segments_lie_on_p_one_half_and_options_switch_parts_off():
    built, h, view, frame = _scene()
    d = boundary.compute(view, h, frame, boundary.BoundaryOptions())
    assert d.binary and d.image.shape == (view.ys.size, view.xs.size)
    assert d.boundary.shape[0] > 0 and d.levels.shape[0] > 0
    # the model's probability at the boundary's points is one half (to the grid's interpolation)
    it = frame.iterate
    pts = view.projection.inverse(d.boundary[::7])
    p = predict_proba("binary", it.coef, it.intercept, built.problem.features(pts))[:, 1]
    assert np.all(np.abs(p - 0.5) < 0.05)
    off = boundary.compute(view, h, frame, boundary.BoundaryOptions(levels=False, test=False, wrong=False))
    assert off.levels.shape[0] == 0 and not off.wrong.any() and not off.show_test
    on = boundary.compute(view, h, frame, boundary.BoundaryOptions())
    assert np.array_equal(on.wrong, np.concatenate([frame.train_wrong, frame.test_wrong]))


def test_boundary_for_many_classes_gives_the_probabilities_and_the_argmax_borders():
    s = Settings(DataSettings(source="blobs", classes=3, n=240, degree=1, test_fraction=0.0))
    built, h, view, frame = _scene(s)
    d = boundary.compute(view, h, frame, boundary.BoundaryOptions())
    assert not d.binary and d.image.shape == (view.ys.size, view.xs.size, 3)
    assert np.allclose(d.image.sum(axis=2), 1.0)
    assert d.boundary.shape[0] > 0 and d.levels.shape[0] == 0


def test_loss_curves_log_axis_and_cursor():
    built, h, view, frame = _scene()
    k, obj, test, gn = h.curves()
    d = loss.compute(view, h, frame, loss.LossOptions())
    assert np.array_equal(d.train[1], obj) and d.grad is None
    assert d.cursor == (float(frame.iterate.k), frame.iterate.objective)
    assert d.y_range[0] <= obj.min() and d.y_range[1] >= obj.max()
    lg = loss.compute(view, h, frame, loss.LossOptions(log_y=True, grad=True))
    assert lg.cursor[1] == pytest.approx(np.log10(frame.iterate.objective))
    assert np.all(lg.grad[1] > 0)
    assert lg.y_range[0] <= np.log10(min(obj.min(), gn[gn > 0].min()))
    assert "k = 0" in loss.readout(h, 0.2)


def test_sigmoid_samples_sit_on_the_curve_with_their_residuals():
    built, h, view, frame = _scene()
    d = sig.compute(view, h, frame, sig.SigmoidOptions())
    z, v = d.on_curve
    assert np.allclose(v, sigmoid(z))
    assert np.allclose(d.curve1, sigmoid(d.curve_z)) and d.curve0 is None
    assert d.residuals.shape[0] == 2 * min(z.size, sig.MAX_RESIDUALS)
    y = d.y
    lab_z, lab_y = d.at_label
    assert np.all((lab_y > 1) == (y == 1)) and np.all((lab_y < 0) == (y == 0))
    assert d.x_range[1] >= np.percentile(np.abs(z), 98)
    no_res = sig.compute(view, h, frame, sig.SigmoidOptions(residuals=False))
    assert no_res.residuals.shape[0] == 0


def test_sigmoid_loss_view_is_the_per_sample_cross_entropy():
    built, h, view, frame = _scene()
    d = sig.compute(view, h, frame, sig.SigmoidOptions(loss=True))
    z, v = d.on_curve
    expected = np.where(d.y == 1, -log_sigmoid(z), -log_sigmoid(-z))
    assert np.allclose(v, expected)
    assert d.at_label is None and d.residuals.shape[0] == 0
    # the mean of what is drawn is the data term of J (all samples drawn here, no weights)
    it = frame.iterate
    obj = built.problem.objective
    if view.curve_sel.size == view.n_train:
        pen = 0.5 * built.settings.model.l2 * float(np.sum(np.asarray(it.coef) ** 2))
        assert np.mean(v) + pen == pytest.approx(it.objective, rel=1e-6)
    assert obj is not None


def test_compute_functions_are_pure():
    built, h, view, frame = _scene()
    for mod, opts in ((boundary, boundary.BoundaryOptions()), (loss, loss.LossOptions()),
                      (sig, sig.SigmoidOptions())):
        a, b = mod.compute(view, h, frame, opts), mod.compute(view, h, frame, opts)
        for name in a.__dataclass_fields__:
            x, y = getattr(a, name), getattr(b, name)
            if isinstance(x, np.ndarray):
                assert np.array_equal(x, y, equal_nan=True), (mod.__name__, name)


def test_one_pipeline_for_the_app_and_train():
    """The CLI's train options and the app's settings build the same problem."""
    import argparse

    from logit_gui.cli import _settings

    ns = argparse.Namespace(csv=None, npz=None, dataset="moons", target=None, drop_missing=False, n=120,
                            noise=0.3, classes=2, imbalance=1.0, label_noise=0.0, outliers=0.0, positive=None,
                            features=2, test_fraction=0.2, optimizer="gd", lr=0.5, batch_size=None, beta=None,
                            memory=None, l2=1e-3, l1=0.0, class_weight="none", multiclass="softmax",
                            no_intercept=False, standardize=True, max_iter=10, tol=1e-6, seed=4)
    a = pipeline.build(_settings(ns)).problem
    app = Settings(DataSettings(source="moons", n=120, noise=0.3, seed=4, test_fraction=0.2, degree=2,
                                standardize=True), ModelSettings(l2=1e-3), OptimizerSettings("gd", (("lr", 0.5),)))
    b = pipeline.build(app).problem
    assert np.array_equal(a.train.X, b.train.X) and np.array_equal(a.train.y, b.train.y)
    assert np.array_equal(a.features(a.train.X), b.features(b.train.X))
    assert a.kind == b.kind == "binary"


def test_the_feature_limit_is_the_pipelines():
    from logit_gui.core.errors import DataError

    s = Settings(DataSettings(source="digits", degree=3))
    with pytest.raises(DataError, match="polynomial features"):
        pipeline.build(s)


def test_the_cursor_follows_the_newest_or_stays_on_its_iteration_through_thinning():
    from logit_gui.model.cursor import Cursor
    from logit_gui.model.history import History

    built = pipeline.build(Settings(DataSettings(n=100)))
    run = pipeline.new_run(built.problem, OptimizerSettings("gd", (("lr", 0.5),)), RunSettings(max_iter=400),
                           capacity=64)
    h = run.history
    cur = Cursor()
    for _ in range(10):
        run.step()
    assert cur.locate(h)[1] is h.latest
    cur.seek(h, 3)
    pinned = cur.k
    assert not cur.follow and cur.iterate(h).k == pinned
    for _ in range(300):  # thinned many times: the pinned iteration is kept or its nearest
        run.step()
    assert not cur.follow and abs(cur.locate(h)[1].k - pinned) <= 8
    cur.seek(h, len(h) - 1)
    assert cur.follow
    assert isinstance(h, History)


def test_the_frame_gives_the_balanced_accuracy_of_the_training_data():
    from sklearn.metrics import balanced_accuracy_score

    s = Settings(DataSettings(source="blobs", n=300, imbalance=8.0, noise=1.0, degree=1, test_fraction=0.0))
    built, h, view, frame = _scene(s, iterations=5)
    it = frame.iterate
    P = predict_proba(view.kind, it.coef, it.intercept, built.problem.features(built.problem.train.X))
    pred = P.argmax(axis=1)
    assert frame.train_bal_acc == pytest.approx(balanced_accuracy_score(built.problem.train.y, pred))
