"""The curvature panel: the Hessian's eigenvalues, κ and L over the iterations, checked against
Hessians built here from the features, and drawn by ``logit-gui render`` in both themes."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from scipy.special import softmax

from logit_gui.model import pipeline
from logit_gui.model.frames import curvature as C
from logit_gui.model.frames import make_frame, make_view
from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings


def _scene(data=None, model=None, method="gd", iterations=30):
    params = dict(OptimizerSettings().params) if method == "gd" else {}
    s = Settings(data or DataSettings(n=300, test_fraction=0.25), model or ModelSettings(),
                 OptimizerSettings(method, tuple(params.items())), RunSettings(max_iter=100000, tol=0.0))
    built = pipeline.build(s)
    run = pipeline.train_to(built, iterations)
    return built.problem, run.history, make_view(built.problem, grid=30)


def _hessian(problem, it) -> np.ndarray:
    """∇²J at ``it`` from the features: binary X̃ᵀ diag(p(1−p)) X̃ / n, softmax
    Σᵢ (diag(pᵢ) − pᵢpᵢᵀ) ⊗ x̃ᵢx̃ᵢᵀ / n (parameters class by class), + λ₂ on the weights."""
    X = problem.features(problem.train.X)
    n, d = X.shape
    Xt = np.column_stack([X, np.ones(n)])
    theta = np.column_stack([it.coef, it.intercept])
    if theta.shape[0] == 1:
        p = 1 / (1 + np.exp(-(Xt @ theta[0])))
        H = Xt.T @ (Xt * (p * (1 - p))[:, None]) / n
    else:
        P = softmax(Xt @ theta.T, axis=1)
        K = P.shape[1]
        A = np.einsum("ik,kl->ikl", P, np.eye(K)) - np.einsum("ik,il->ikl", P, P)
        H = np.einsum("ikl,ia,ib->kalb", A, Xt, Xt).reshape(K * (d + 1), K * (d + 1)) / n
    mask = np.tile(np.append(np.ones(d), 0.0), theta.shape[0])
    return H + problem.objective.l2 * np.diag(mask)


def test_eigenvalues_are_those_of_the_hessian_and_never_negative():
    problem, h, view = _scene(iterations=60)
    d = C.compute(view, h, make_frame(view, h.latest), C.CurvatureOptions())
    items = {it.k: it for it in h}
    assert d.ok and d.ks.size == len(h) and d.eigs.shape == (len(h), problem.objective.size)
    for k, lam in zip(d.ks, d.eigs):
        want = np.linalg.eigvalsh(_hessian(problem, items[int(k)]))
        assert np.allclose(lam, want, rtol=1e-9, atol=1e-13 * want[-1])
    assert d.eigs.min() >= -1e-12
    assert np.array_equal(d.lam_max, d.eigs[:, -1]) and np.array_equal(d.lam_min, d.eigs[:, 0])
    assert np.allclose(d.kappa, d.eigs[:, -1] / d.eigs[:, 0])
    assert np.array_equal(d.shown_eigs, d.eigs[-1]) and d.shown_k == h.latest.k


def test_the_lipschitz_constant_bounds_every_eigenvalue_for_every_method():
    for method in ("gd", "adam", "newton"):
        problem, h, view = _scene(method=method, iterations=15)
        d = C.compute(view, h, make_frame(view, h.latest), C.CurvatureOptions())
        X = problem.features(problem.train.X)
        Xt = np.column_stack([X, np.ones(len(X))])
        L = np.linalg.eigvalsh(Xt.T @ Xt / len(X))[-1] / 4 + problem.objective.l2
        assert d.L == pytest.approx(L, rel=1e-12) and d.inv_L == pytest.approx(1 / L, rel=1e-12)
        assert np.all(d.lam_max <= d.L * (1 + 1e-12)), method
        if method == "gd":
            assert d.lr == 0.5
        else:
            assert d.lr is None


def test_softmax_leaves_its_flat_directions_out_of_the_condition_number():
    problem, h, view = _scene(DataSettings(source="iris", degree=1, test_fraction=0.0),
                              ModelSettings(l2=1e-2), iterations=10)
    d = C.compute(view, h, make_frame(view, h.latest), C.CurvatureOptions())
    assert d.null == 1       # the intercepts: shifting all of them changes no probability
    for k, lam in zip(d.ks, d.eigs):
        it = next(x for x in h if x.k == k)
        want = np.linalg.eigvalsh(_hessian(problem, it))
        assert np.allclose(lam, want, rtol=1e-9, atol=1e-12 * want[-1])
        assert abs(lam[0]) <= 1e-10 * lam[-1] and lam[1] > 1e-6 * lam[-1]
    assert np.allclose(d.kappa, d.eigs[:, -1] / d.eigs[:, 1])
    assert np.all(np.isfinite(d.lines[1][~np.isnan(d.lines[0])]))
    # without a penalty the weights are flat in the same way: d + 1 null directions
    problem, h, view = _scene(DataSettings(source="iris", degree=1, test_fraction=0.0),
                              ModelSettings(l2=0.0), iterations=3)
    d = C.compute(view, h, make_frame(view, h.latest), C.CurvatureOptions())
    assert d.null == problem.objective.d + 1


def test_long_runs_use_a_fixed_subset_that_includes_the_shown_iterate_and_compute_is_pure():
    problem, h, view = _scene(iterations=700)
    shown = h[401]
    d = C.compute(view, h, make_frame(view, shown), C.CurvatureOptions())
    ks = d.ks.astype(int)
    assert ks[-1] == shown.k and np.all(np.diff(ks) > 0)
    assert np.array_equal(ks[ks < C.DENSE], np.arange(C.DENSE))
    # 64 per doubling beyond: steps of 2 up to 256, of 4 up to 512
    mid = ks[(ks >= 128) & (ks < 256)]
    assert np.array_equal(mid, np.arange(128, 256, 2))
    assert np.all(ks[(ks >= 256) & (ks < 400)] % 4 == 0)
    C._CACHE.clear()
    again = C.compute(view, h, make_frame(view, shown), C.CurvatureOptions())
    assert np.array_equal(again.eigs, d.eigs) and np.array_equal(again.ks, d.ks)
    # a model whose Hessian is expensive: the subset alone, the spectrum of its newest member ≤ k shown
    cheap = C.SNAP_COST
    try:
        C.SNAP_COST = 0.0
        snapped = C.compute(view, h, make_frame(view, shown), C.CurvatureOptions())
    finally:
        C.SNAP_COST = cheap
    assert snapped.ks[-1] == 400 and snapped.shown_k == 400 and snapped.cursor_k == 401
    assert np.array_equal(snapped.shown_eigs, d.eigs[list(d.ks).index(400)])
    only = C.compute(view, h, make_frame(view, shown), C.CurvatureOptions(every=False, kappa=False))
    assert only.lines[0].size == 0 and not only.show_kappa
    # the select rule alone
    assert np.array_equal(C.select(np.arange(10)), np.arange(10))


def test_readout_and_a_model_it_does_not_belong_to():
    problem, h, view = _scene(iterations=20)
    d = C.compute(view, h, make_frame(view, h.latest), C.CurvatureOptions())
    text = C.readout(d, 10.2)
    assert text.startswith("k = 10:") and "λmin" in text and "κ" in text
    other, h2, _ = _scene(DataSettings(n=300, degree=2), iterations=2)
    bad = C.compute(view, h2, SimpleNamespace(iterate=h2.latest), C.CurvatureOptions())
    assert not bad.ok and bad.message


def _image(path):
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not img.isNull(), path
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, :3]
    return a[:, :, ::-1].copy()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("extra", [[], ["--dataset", "iris", "--optimizer", "newton", "--presentation"]])
def test_renders_in_each_theme(tmp_path, capsys, qapp, theme, extra):
    from logit_gui.cli import main
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"curvature-{theme}.png"
    args = ["render", "--panel", "curvature", "--theme", theme, "--iterations", "25", "--out", str(out), *extra]
    assert main(args) == 0, capsys.readouterr().err
    a = _image(out)
    assert a.shape[:2] == (600, 800)
    t = get_theme(theme)
    bg = np.array([int(t.background[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.all(a[2, 2] == bg)
    # λmax and λmin are drawn in their colours
    for c in (t.train_color, t.test_color):
        rgb = np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)])
        assert np.sum(np.all(np.abs(a.astype(int) - rgb) < 10, axis=2)) > 100, c
