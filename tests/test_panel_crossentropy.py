"""The cross-entropy panel: its compute function against independent computations
(SciPy's expit / log_expit, NumPy finite differences, the objective's own gradient), the
naive formula's failures, a click on a sample, and the panel drawn in both themes."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from scipy.special import expit, log_expit
from scipy.special import softmax as sp_softmax

from logit_gui.core.iterate import Iterate
from logit_gui.model import pipeline
from logit_gui.model.frames import crossentropy as ce
from logit_gui.model.frames import make_frame, make_view
from logit_gui.model.settings import DataSettings, RunSettings, Settings


def _scene(settings=None, iterations=25):
    settings = settings or Settings(DataSettings(n=200, test_fraction=0.25), run=RunSettings(max_iter=1000))
    built = pipeline.build(settings)
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=40)
    return built, run.history, view, make_frame(view, run.history.latest)


def _theta(obj, it):
    return obj.join(it.coef, it.intercept)


def test_sigma_prime_is_a_finite_difference_of_sigma():
    built, h, view, frame = _scene()
    d = ce.compute(view, h, frame, ce.CrossEntropyOptions())
    z = d.z_curve
    step = 1e-5
    fd = (expit(z + step) - expit(z - step)) / (2 * step)
    assert np.allclose(d.sig, expit(z), rtol=1e-12, atol=1e-15)
    assert np.allclose(d.dsig, fd, rtol=1e-6, atol=1e-12)
    assert d.dsig.max() == pytest.approx(0.25, abs=1e-3) and np.all(d.dsig > 0)


def test_each_sample_on_its_branch_with_its_numbers_binary():
    built, h, view, frame = _scene()
    obj = built.problem.objective
    it = frame.iterate
    d = ce.compute(view, h, frame, ce.CrossEntropyOptions())
    assert d.binary and view.curve_sel.size == view.n_train  # every training sample is drawn here
    # the logit, from the features and the weights directly
    X = built.problem.features(built.problem.train.X)[d.rows]
    z = X @ np.asarray(it.coef)[0] + it.intercept[0]
    y = (d.y == 1).astype(float)
    assert np.allclose(d.z, z, rtol=1e-12, atol=1e-12)
    assert np.allclose(d.p, expit(z), rtol=1e-12)
    loss = -(y * log_expit(z) + (1 - y) * log_expit(-z))
    assert np.allclose(d.loss, loss, rtol=1e-12, atol=1e-15)
    assert np.allclose(d.dldz, expit(z) - y, atol=1e-15)
    # against p: each sample at (p, loss) on the curve of its class
    px, py = d.on_loss
    assert np.allclose(px, expit(z)) and np.allclose(py, loss)
    assert np.allclose(d.loss1, -np.log(d.loss_x), rtol=1e-9)
    keep = d.loss_x < 1 - 1e-9
    assert np.allclose(d.loss0[keep], -np.log1p(-d.loss_x[keep]), rtol=1e-6)
    assert d.worst == int(np.argmax(loss))
    assert np.array_equal(d.x, built.problem.train.X[d.rows])


def test_the_gradient_contributions_add_up_to_the_objectives_gradient():
    built, h, view, frame = _scene()
    obj = built.problem.objective
    theta = _theta(obj, frame.iterate)
    d = ce.compute(view, h, frame, ce.CrossEntropyOptions())
    data_grad = obj.grad(theta) - obj.l2 * obj.penalty_mask * theta
    assert np.allclose(d.contribution.sum(axis=0), data_grad, rtol=1e-9, atol=1e-13)
    assert np.allclose(d.contribution_norm, np.linalg.norm(d.contribution, axis=1))
    assert np.allclose(d.share, 1.0 / view.n_train)
    assert d.param_names[-1] == "b" and len(d.param_names) == obj.p


def test_against_z_the_branches_are_softplus_curves():
    built, h, view, frame = _scene()
    d = ce.compute(view, h, frame, ce.CrossEntropyOptions(against_z=True))
    assert d.against_z and d.naive is None
    assert np.allclose(d.loss1, np.logaddexp(0.0, -d.loss_x)) and np.allclose(d.loss0, np.logaddexp(0.0, d.loss_x))
    zx, zy = d.on_loss
    assert np.allclose(zx, np.clip(d.z, *d.loss_x_range)) and np.allclose(zy, d.loss)


def test_softmax_margin_probability_and_contributions():
    s = Settings(DataSettings(source="blobs", classes=3, n=240, degree=1, test_fraction=0.0))
    built, h, view, frame = _scene(s, iterations=15)
    obj = built.problem.objective
    it = frame.iterate
    d = ce.compute(view, h, frame, ce.CrossEntropyOptions())
    assert not d.binary and d.loss0 is None
    X = built.problem.features(built.problem.train.X)[d.rows]
    P = sp_softmax(X @ np.asarray(it.coef).T + it.intercept, axis=1)
    p_true = P[np.arange(d.rows.size), d.y]
    assert np.allclose(d.p, p_true, rtol=1e-10)                 # p_y = σ(m)
    assert np.allclose(d.loss, -np.log(p_true), rtol=1e-9)
    theta = _theta(obj, it)
    data_grad = obj.grad(theta) - obj.l2 * obj.penalty_mask * theta
    assert view.curve_sel.size == view.n_train
    assert np.allclose(d.contribution.sum(axis=0), data_grad, rtol=1e-9, atol=1e-13)


def test_the_naive_formula_fails_where_float64_does_and_no_warning_escapes():
    z = np.array([-800.0, -40.0, -5.0, 0.0, 5.0, 30.0, 40.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        n1 = ce.naive_cross_entropy(z, 1.0)
        n0 = ce.naive_cross_entropy(z, 0.0)
    stable1, stable0 = -log_expit(z), -log_expit(-z)
    mid = np.abs(z) <= 5
    assert np.allclose(n1[mid], stable1[mid]) and np.allclose(n0[mid], stable0[mid])
    # y = 1: 0·log(1 − σ) = 0·(−∞) = NaN beyond z ≈ 36.7; −log σ = +∞ once e^{−z} overflows
    assert np.isnan(n1[z >= 40]).all() and np.isposinf(n1[0])
    assert np.isposinf(n0[z >= 40]).all() and np.isnan(n0[0])
    assert np.all(np.isfinite(stable1)) and np.all(np.isfinite(stable0))
    # the failure points, to the last bit
    one = ce.FAIL_ONE_MINUS
    with np.errstate(over="ignore"):
        assert 1.0 - 1.0 / (1.0 + np.exp(-one)) == 0.0
        assert 1.0 - 1.0 / (1.0 + np.exp(-np.nextafter(one, 0.0))) != 0.0
        assert np.isinf(np.exp(-ce.FAIL_OVERFLOW))
        assert np.isfinite(np.exp(-np.nextafter(ce.FAIL_OVERFLOW, np.inf)))
    assert 36 < one < 37.5 and -710 < ce.FAIL_OVERFLOW < -709


def test_naive_view_counts_the_failing_samples_of_a_confident_iterate():
    built, h, view, frame = _scene()
    it = frame.iterate
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mild = ce.compute(view, h, frame, ce.CrossEntropyOptions(naive=True))
    assert mild.naive.n_inf == mild.naive.n_nan == 0 and np.isfinite(mild.naive.naive_mean)
    # the same direction, 60 times longer: many samples beyond z ≈ 36.7
    big = dataclasses.replace(it, coef=np.asarray(it.coef) * 60, intercept=np.asarray(it.intercept) * 60)
    bframe = make_frame(view, big)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = ce.compute(view, h, bframe, ce.CrossEntropyOptions(naive=True))
    X = built.problem.features(built.problem.train.X)
    z = X @ np.asarray(big.coef)[0] + big.intercept[0]
    y = np.asarray(built.problem.train.y)
    over = z >= ce.FAIL_ONE_MINUS
    assert d.naive.n_nan == int(np.count_nonzero(over & (y == 1)))
    assert d.naive.n_inf == int(np.count_nonzero(over & (y == 0)))
    assert d.naive.n_nan + d.naive.n_inf > 0
    assert not np.isfinite(d.naive.naive_mean)
    assert d.naive.stable_mean == pytest.approx(np.mean(np.logaddexp(0.0, (1 - 2 * y) * z)), rel=1e-12)
    # symmetric-log axes: samples at s(z), s(loss)
    assert np.allclose(d.on_loss[0], np.sign(d.z) * np.log10(1 + np.abs(d.z)))
    assert isinstance(d.naive, ce.NaiveData) and isinstance(big, Iterate)


def test_compute_is_pure():
    built, h, view, frame = _scene()
    for opts in (ce.CrossEntropyOptions(), ce.CrossEntropyOptions(naive=True)):
        a, b = ce.compute(view, h, frame, opts), ce.compute(view, h, frame, opts)
        for f in dataclasses.fields(a):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if isinstance(x, np.ndarray):
                assert np.array_equal(x, y, equal_nan=True), f.name


def test_readout_gives_both_branches():
    built, h, view, frame = _scene()
    d = ce.compute(view, h, frame, ce.CrossEntropyOptions())
    text = ce.readout(d, 0.25)
    assert f"{-np.log(0.25):.4g}" in text and f"{-np.log(0.75):.4g}" in text
    assert ce.readout(d, 1.5) == ""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_panel_renders_in_each_theme(tmp_path, capsys, qapp, theme):
    from logit_gui.cli import main

    out = tmp_path / f"ce-{theme}.png"
    rc = main(["render", "--panel", "crossentropy", "--theme", theme, "--iterations", "20", "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    assert a.shape[:2] == (600, 800)
    bg = np.array([255, 255, 255] if theme == "light" else [0x16, 0x18, 0x1d])
    assert np.all(a[2, 2] == bg) and np.mean(np.any(a != bg, axis=2)) > 0.05


def _image(path):
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, :3]
    return a[:, :, ::-1].copy()


def _figure(view, h, frame, options, theme="light", presentation=False):
    from logit_gui.model.settings import DisplaySettings
    from logit_gui.render.figure import Figure
    from logit_gui.render.theme import get_theme

    fig = Figure(["crossentropy"], get_theme(theme, presentation=presentation), (800, 600))
    fig.draw(view, h, frame, DisplaySettings().with_options("crossentropy", options))
    return fig


def test_clicking_a_sample_shows_its_numbers(qapp):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtTest import QTest

    built, h, view, frame = _scene()
    fig = _figure(view, h, frame, ce.CrossEntropyOptions(against_z=True))
    try:
        item = fig.items["crossentropy"]
        d = item._data
        assert item.selected() == d.worst and "the largest loss" in item.details.text
        # a sample well away from the others on the σ plot
        j = int(np.argmin(d.z)) if int(np.argmin(d.z)) != d.worst else int(np.argmax(d.z))
        fig.widget.show()
        qapp.processEvents()
        vb = item.sig_plot.vb
        scene_pt = vb.mapViewToScene(QPointF(float(d.on_sig[0][j]), float(d.on_sig[1][j])))
        pos = fig.widget.mapFromScene(scene_pt)
        QTest.mouseClick(fig.widget.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(pos.x(), pos.y()))
        qapp.processEvents()
        sel = item.selected()
        assert sel != d.worst
        assert d.rows[sel] == d.rows[j] or abs(d.z[sel] - d.z[j]) < 0.05  # that sample, or one under it
        text = item.details.text
        assert f"row {int(d.rows[sel]) + 1}" in text and "the largest loss" not in text
        for v in (d.z[sel], d.loss[sel], d.contribution_norm[sel]):
            assert f"{v:.4g}".replace("-", "−").split("e")[0] in text
        # the selection stays with its sample on the next frame
        item.draw(h, frame, ce.compute(view, h, frame, ce.CrossEntropyOptions()))
        assert item.selected() == sel
    finally:
        fig.widget.hide()
        fig.close()


@pytest.mark.parametrize("theme, presentation", [("light", False), ("dark", True)])
def test_the_naive_view_renders(qapp, tmp_path, theme, presentation):
    from logit_gui.render.export import write_figure

    built, h, view, frame = _scene()
    fig = _figure(view, h, frame, ce.CrossEntropyOptions(naive=True), theme, presentation)
    try:
        item = fig.items["crossentropy"]
        assert item.naive1.isVisible() and item.inf_text.isVisible()
        assert "textbook" in item.details.text
        out = tmp_path / "naive.png"
        write_figure(fig, str(out), title="naive")
        a = _image(out)
        assert a.shape[:2] == (600, 800)
    finally:
        fig.close()
