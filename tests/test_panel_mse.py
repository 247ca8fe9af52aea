"""The "why not MSE" panel: both landscapes against a direct evaluation, the squared error
non-convex where the cross-entropy is not (second differences of the computed grids), the
per-sample gradient magnitudes against finite differences, and the panel in both themes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.special import expit

from logit_gui.model import pipeline
from logit_gui.model.frames import make_frame, make_view
from logit_gui.model.frames import mse
from logit_gui.model.settings import DataSettings, RunSettings, Settings


def _scene(settings=None, iterations=60):
    settings = settings or Settings(DataSettings(n=200, test_fraction=0.25), run=RunSettings(max_iter=1000))
    built = pipeline.build(settings)
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=40)
    return built, run.history, view, make_frame(view, run.history.latest)


def _direct(Xt, y, theta):
    """Mean cross-entropy and mean ½(σ − y)² at θ, sample by sample (unweighted)."""
    z = Xt @ theta
    p = expit(z)
    ce = np.mean(-(y * np.log(p) + (1 - y) * np.log1p(-p)))
    return ce, np.mean(0.5 * (p - y) ** 2)


def test_the_landscapes_are_the_mean_losses_on_the_plane():
    built, h, view, frame = _scene()
    obj = built.problem.objective
    d = mse.compute(view, h, frame, mse.MseOptions())
    assert not d.message and d.ce.shape == d.mse.shape == (mse.GRID, mse.GRID)
    theta = obj.join(frame.iterate.coef, frame.iterate.intercept)
    names = [f"w[{n}]" for n in built.problem.feature_names] + ["b"]
    i, j = names.index(d.names[0]), names.index(d.names[1])
    assert d.names[1] == "b" and i == int(np.argmax(np.abs(theta[:-1])))  # largest |w| and b
    Xt = np.column_stack([built.problem.features(built.problem.train.X), np.ones(obj.n)])
    y = (np.asarray(built.problem.train.y) == 1).astype(float)
    rng = np.random.default_rng(1)
    for r, c in [(mse.GRID // 2, mse.GRID // 2), (0, 0), (mse.GRID - 1, 3)] + [tuple(rng.integers(0, mse.GRID, 2))
                                                                               for _ in range(5)]:
        t = theta.copy()
        t[i], t[j] = d.a[c], d.b[r]
        want_ce, want_mse = _direct(Xt, y, t)
        assert d.ce[r, c] == pytest.approx(want_ce, rel=1e-10)
        assert d.mse[r, c] == pytest.approx(want_mse, rel=1e-10)
    # at the centre the cross-entropy is the objective without its penalty
    mid = mse.GRID // 2
    assert d.centre == (theta[i], theta[j]) and d.a[mid] == pytest.approx(theta[i])
    pen = 0.5 * obj.l2 * float(np.sum(theta[:-1] ** 2))
    assert d.ce[mid, mid] == pytest.approx(frame.iterate.objective - pen, rel=1e-10)


def _fd_min_eig(V, da, db):
    """Smallest eigenvalue of the finite-difference Hessian of grid V[b, a] at interior points."""
    faa = (V[1:-1, 2:] - 2 * V[1:-1, 1:-1] + V[1:-1, :-2]) / da**2
    fbb = (V[2:, 1:-1] - 2 * V[1:-1, 1:-1] + V[:-2, 1:-1]) / db**2
    fab = (V[2:, 2:] - V[2:, :-2] - V[:-2, 2:] + V[:-2, :-2]) / (4 * da * db)
    return 0.5 * (faa + fbb) - np.sqrt(0.25 * (faa - fbb) ** 2 + fab**2), faa, fbb


def test_the_squared_error_has_a_non_convex_region_where_cross_entropy_has_none():
    built, h, view, frame = _scene()
    d = mse.compute(view, h, frame, mse.MseOptions(span=8.0))
    da, db = d.a[1] - d.a[0], d.b[1] - d.b[0]
    lam_mse, faa, fbb = _fd_min_eig(d.mse, da, db)
    lam_ce, caa, cbb = _fd_min_eig(d.ce, da, db)
    scale_mse = np.abs(lam_mse).max()
    assert np.any(lam_mse < -1e-3 * scale_mse)                  # a negative Hessian eigenvalue …
    assert np.any(faa < 0) or np.any(fbb < 0)                   # … and a negative second difference
    assert np.all(lam_ce > -1e-6 * np.abs(lam_ce).max())        # the cross-entropy: none
    assert np.all(caa > 0) and np.all(cbb > 0)
    # the exact curvature the panel shades agrees with the finite differences where they are clear
    clear = np.abs(lam_mse) > 0.05 * scale_mse
    assert np.mean(np.sign(d.mse_lam[1:-1, 1:-1][clear]) == np.sign(lam_mse[clear])) > 0.98
    assert d.ce_fraction == 0.0 and not d.ce_mask.any() and d.ce_nonconvex.shape[0] == 0
    assert 0.0 < d.mse_fraction < 1.0 and d.mse_nonconvex.shape[0] > 0
    assert d.mse_fraction == pytest.approx(d.mse_mask.mean())


def test_gradient_magnitudes_per_sample_are_derivatives_of_the_losses():
    built, h, view, frame = _scene()
    d = mse.compute(view, h, frame, mse.MseOptions())
    z, step = d.z_curve, 1e-6
    for y in (0, 1):
        ce_fd = (np.logaddexp(0, (1 - 2 * y) * (z + step)) - np.logaddexp(0, (1 - 2 * y) * (z - step))) / (2 * step)
        sq = lambda u: 0.5 * (expit(u) - y) ** 2  # noqa: E731
        mse_fd = (sq(z + step) - sq(z - step)) / (2 * step)
        assert np.allclose(d.grad_ce[y], np.abs(ce_fd), atol=1e-8)
        assert np.allclose(d.grad_mse[y], np.abs(mse_fd), atol=1e-8)
    # a confidently wrong sample: CE pushes with ~1, MSE with ~0
    far = z < -8
    assert np.all(d.grad_ce[1][far] > 0.99) and np.all(d.grad_mse[1][far] < 1e-3)
    ys = d.y
    p = expit(d.z)
    assert np.allclose(d.sample_ce, np.abs(p - ys)) and np.allclose(d.sample_mse, np.abs(p - ys) * p * (1 - p))
    lg = mse.compute(view, h, frame, mse.MseOptions(log_grad=True))
    floor = 10.0 ** -mse.LOG_DECADES
    assert lg.log_grad and lg.g_ticks and lg.g_range[0] < -mse.LOG_DECADES
    assert np.allclose(lg.sample_mse, np.log10(np.maximum(d.sample_mse, floor)))
    assert np.allclose(lg.grad_ce[1], np.log10(np.maximum(d.grad_ce[1], floor)))


def test_the_plane_follows_the_option_and_a_subset_for_large_data():
    built, h, view, frame = _scene(Settings(DataSettings(n=3000, test_fraction=0.0)), iterations=20)
    d = mse.compute(view, h, frame, mse.MseOptions(pair="ww", span=3.0))
    assert d.names[0].startswith("w[") and d.names[1].startswith("w[")
    assert d.a[-1] - d.a[0] == pytest.approx(6.0)
    assert d.n_used == mse.MAX_SAMPLES and d.n_train == 3000


def test_many_classes_say_the_panel_is_for_binary_models():
    s = Settings(DataSettings(source="blobs", classes=3, n=150, degree=1, test_fraction=0.0))
    built, h, view, frame = _scene(s, iterations=5)
    d = mse.compute(view, h, frame, mse.MseOptions())
    assert "binary" in d.message and "3 classes" in d.message and d.ce.size == 0


def test_compute_is_pure_and_readout_reads_the_grid():
    built, h, view, frame = _scene()
    a, b = mse.compute(view, h, frame, mse.MseOptions()), mse.compute(view, h, frame, mse.MseOptions())
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y, equal_nan=True), f.name
    mid = mse.GRID // 2
    text = mse.readout(a, a.a[mid], a.b[mid])
    assert f"CE = {a.ce[mid, mid]:.4g}" in text and f"MSE = {a.mse[mid, mid]:.4g}" in text
    assert mse.readout(a, a.a[0] - 1.0, 0.0) == ""


def _image(path):
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, :3]
    return a[:, :, ::-1].copy()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_panel_renders_in_each_theme(tmp_path, capsys, qapp, theme):
    from logit_gui.cli import main

    out = tmp_path / f"mse-{theme}.png"
    rc = main(["render", "--panel", "mse", "--theme", theme, "--iterations", "40", "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    assert a.shape[:2] == (600, 800)
    bg = np.array([255, 255, 255] if theme == "light" else [0x16, 0x18, 0x1d])
    assert np.all(a[2, 2] == bg) and np.mean(np.any(a != bg, axis=2)) > 0.3  # two landscapes fill it


def test_the_panel_renders_a_note_for_many_classes(tmp_path, capsys, qapp):
    from logit_gui.cli import main

    out = tmp_path / "mse-3.png"
    rc = main(["render", "--panel", "mse", "--dataset", "blobs", "--classes", "3", "--iterations", "5",
               "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
