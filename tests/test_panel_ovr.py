"""The one-vs-rest panel: the fitted models against scikit-learn's, the undecided regions
against an independent decision on the grid (non-empty on overlapping blobs), the cache per
problem, binary data, and the panel drawn in both themes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from logit_gui.model import pipeline
from logit_gui.model.frames import make_frame, make_view
from logit_gui.model.frames import ovr
from logit_gui.model.settings import DataSettings, ModelSettings, RunSettings, Settings

#: three overlapping Gaussian blobs, linear features
BLOBS = DataSettings(source="blobs", classes=3, n=240, noise=1.0, degree=1, test_fraction=0.0)


def _scene(kind="softmax", iterations=40, data=BLOBS, l2=1e-2):
    s = Settings(data, ModelSettings(kind=kind, l2=l2), run=RunSettings(max_iter=1000))
    built = pipeline.build(s)
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=80)
    return built, run.history, view, make_frame(view, run.history.latest)


def _sklearn(built, multi: bool):
    """The same penalized fits by scikit-learn: (1/n) Σ loss + (l2/2)‖w‖² ⇔ C = 1/(l2 n)."""
    obj = built.problem.objective
    X = built.problem.features(built.problem.train.X)
    y = np.asarray(built.problem.train.y)
    C = 1.0 / (obj.l2 * obj.n)
    if multi:
        m = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
        return m.coef_, m.intercept_
    coefs, bs = [], []
    for k in range(obj.n_classes):
        m = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, (y == k).astype(int))
        coefs.append(m.coef_[0])
        bs.append(m.intercept_[0])
    return np.array(coefs), np.array(bs)


def test_a_softmax_run_is_compared_with_fitted_one_vs_rest_models():
    built, h, view, frame = _scene("softmax")
    d = ovr.compute(view, h, frame, ovr.OvrOptions())
    assert not d.message and d.shown == "softmax" and d.fitted.kind == "ovr"
    assert d.fitted.status == "converged"
    coef, b = _sklearn(built, multi=False)
    assert np.allclose(d.fitted.coef, coef, rtol=1e-5, atol=1e-6)
    assert np.allclose(d.fitted.intercept, b, rtol=1e-5, atol=1e-6)
    # the regions, decided independently from scikit-learn's decision functions on the grid
    Z = view.grid_features @ coef.T + b
    claims = (Z > 0).sum(axis=1)
    want = np.where(claims == 1, (Z > 0).argmax(axis=1), np.where(claims == 0, 3, 4))
    agree = np.mean(d.ovr_codes.ravel() == want)
    assert agree > 0.999
    # overlapping blobs: one-vs-rest leaves an undecided region, softmax none
    assert d.none_fraction + d.many_fraction > 0.01
    assert d.many_fraction == pytest.approx(np.mean(claims >= 2), abs=2e-3)
    assert d.none_fraction == pytest.approx(np.mean(claims == 0), abs=2e-3)
    assert set(np.unique(d.softmax_codes)) <= {0, 1, 2}
    it = frame.iterate
    zs = view.grid_features @ np.asarray(it.coef).T + it.intercept
    assert np.array_equal(d.softmax_codes.ravel(), zs.argmax(axis=1))
    assert len(d.ovr_lines) == 3 and all(seg.shape[0] > 0 for seg in d.ovr_lines)
    assert d.softmax_lines.shape[0] > 0
    # training samples: the undecided share, counted directly
    Zt = built.problem.features(built.problem.train.X) @ coef.T + b
    ct = (Zt > 0).sum(axis=1)
    assert d.train_none == pytest.approx(np.mean(ct == 0), abs=1e-9)
    assert d.train_many == pytest.approx(np.mean(ct >= 2), abs=1e-9)
    y = np.asarray(built.problem.train.y)
    assert d.ovr_accuracy == pytest.approx(np.mean(Zt.argmax(axis=1) == y))


def test_an_ovr_run_shows_its_iterate_and_fits_softmax():
    built, h, view, frame = _scene("ovr")
    d = ovr.compute(view, h, frame, ovr.OvrOptions())
    assert d.shown == "ovr" and d.fitted.kind == "softmax"
    coef, b = _sklearn(built, multi=True)
    X = view.grid_features
    # softmax has a gauge (the same vector added to every class): compare probabilities
    ours = X @ d.fitted.coef.T + d.fitted.intercept
    theirs = X @ coef.T + b
    P = np.exp(ours - ours.max(1, keepdims=True))
    Q = np.exp(theirs - theirs.max(1, keepdims=True))
    assert np.allclose(P / P.sum(1, keepdims=True), Q / Q.sum(1, keepdims=True), atol=1e-5)
    it = frame.iterate
    Zo = X @ np.asarray(it.coef).T + it.intercept
    assert np.array_equal(d.ovr_codes.ravel(), ovr.regions(Zo))


def test_regions_codes():
    Z = np.array([[1.0, -1.0, -2.0], [-1.0, -1.0, -1.0], [1.0, 2.0, -1.0], [-1.0, -2.0, 0.5]])
    assert list(ovr.regions(Z)) == [0, 3, 4, 2]


def test_the_fitted_model_is_cached_per_problem():
    built, h, view, frame = _scene("softmax", iterations=5)
    a = ovr.compute(view, h, frame, ovr.OvrOptions())
    b = ovr.compute(view, h, frame, ovr.OvrOptions(lines=False, samples=False))
    assert a.fitted is b.fitted and not b.show_lines and not b.show_samples
    built2, h2, view2, frame2 = _scene("softmax", iterations=5, l2=1e-1)  # another problem: fitted anew
    c = ovr.compute(view2, h2, frame2, ovr.OvrOptions())
    assert c.fitted is not a.fitted
    assert np.linalg.norm(c.fitted.coef) < np.linalg.norm(a.fitted.coef)  # more penalty, smaller weights
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y), f.name


def test_binary_data_say_three_classes_are_needed():
    built, h, view, frame = _scene(data=DataSettings(n=120, test_fraction=0.0), iterations=5)
    d = ovr.compute(view, h, frame, ovr.OvrOptions())
    assert "≥ 3 classes" in d.message and d.fitted is None


def test_readout_says_who_claims_the_point():
    built, h, view, frame = _scene("softmax", iterations=10)
    d = ovr.compute(view, h, frame, ovr.OvrOptions())
    i, j = np.argwhere(d.ovr_codes == 4)[0]
    text = ovr.readout(view, d, float(view.xs[j]), float(view.ys[i]))
    assert text.startswith("one-vs-rest: claimed by ") and "," in text.split(";")[0] and "softmax" in text
    assert ovr.readout(view, d, float(view.xs[0]) - 10, 0.0) == ""


def _image(path):
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, :3]
    return a[:, :, ::-1].copy()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("multiclass", ["softmax", "ovr"])
def test_the_panel_renders_in_each_theme(tmp_path, capsys, qapp, theme, multiclass):
    from logit_gui.cli import main
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"ovr-{theme}.png"
    rc = main(["render", "--panel", "ovr", "--dataset", "blobs", "--classes", "3", "--multiclass", multiclass,
               "--theme", theme, "--iterations", "20", "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    t = get_theme(theme)
    bg = (t.background_rgb() * 255).round()
    assert a.shape[:2] == (600, 800) and np.all(a[2, 2] == bg)
    # both undecided greys are on the one-vs-rest map
    for c in (t.undecided_none, t.undecided_many):
        rgb = (t.rgb(c) * 255).round()
        assert np.count_nonzero(np.all(np.abs(a.astype(int) - rgb) <= 2, axis=2)) > 200, c


def test_binary_data_render_the_note(tmp_path, capsys, qapp):
    from logit_gui.cli import main

    out = tmp_path / "ovr-2.png"
    assert main(["render", "--panel", "ovr", "--iterations", "5", "--out", str(out)]) == 0
