"""The app's Qt-free parts: history, run, contours, frames (the trainer process: test_engine.py)."""

import subprocess
import sys

import numpy as np
import pytest

from logit_gui.model.frames import make_frame, make_view
from logit_gui.model.history import History
from logit_gui.model.frames.contour import contour_levels, contour_segments
from logit_gui.model.run import Run
from logit_gui.core.datasets import load_bundled, make_dataset
from logit_gui.core.iterate import Iterate
from logit_gui.core.optimizers import make_optimizer
from logit_gui.core.problem import build_problem


def _it(k, obj=1.0):
    return Iterate(k=k, coef=[[0.0, 0.0]], intercept=[0.0], objective=obj, grad_norm=1.0 / (k + 1))


def test_history_is_bounded_and_keeps_first_and_newest():
    h = History(capacity=64)
    for k in range(10_000):
        h.append(_it(k))
    assert len(h) <= 64
    assert h[0].k == 0
    assert h.latest.k == 9_999
    ks = [it.k for it in h]
    assert ks == sorted(set(ks))
    # the newest entries are kept one by one
    assert ks[-20:] == list(range(9_980, 10_000))
    k, obj, test, gn = h.curves()
    assert k.shape == obj.shape == test.shape == gn.shape == (len(h),)
    assert np.isnan(test).all()


def test_history_rejects_going_back_and_copies_a_branch():
    h = History([_it(0), _it(1), _it(2)])
    with pytest.raises(ValueError):
        h.append(_it(2))
    h.mark("lr = 0.1")
    b = h.copy(upto=2)
    assert [it.k for it in b] == [0, 1]
    assert b.marks == []  # the mark was at k = 2, beyond the branch
    assert h.index_of_k(1) == 1 and h.index_of_k(99) == 2


def _problem(n=120, **kw):
    ds = make_dataset("moons", n=n, noise=0.2, seed=1)
    return build_problem(ds, degree=2, standardize=True, l2=1e-3, **kw)


def test_run_records_the_core_stream_and_stops_by_its_rules():
    p = _problem()
    run = Run(make_optimizer("newton", p.objective), max_iter=100, tol=1e-8)
    while not run.finished:
        run.step()
    assert run.status == "converged"
    ks = [it.k for it in run.history]
    assert ks == list(range(len(ks)))
    assert run.history.latest.status == "converged"
    assert run.step() is None  # finished: nothing more unless forced
    forced = run.step(force=True)
    assert forced is not None and forced.k == ks[-1] + 1


def test_run_continues_a_history_with_renumbered_iterates():
    p = _problem()
    first = Run(make_optimizer("gd", p.objective, lr=0.5), max_iter=1000, tol=1e-9)
    for _ in range(10):
        first.step()
    h = first.history.copy()
    theta = p.objective.join(h.latest.coef, h.latest.intercept)
    second = Run(make_optimizer("adam", p.objective, theta, lr=0.05), max_iter=1000, tol=1e-9,
                 history=h, label="adam")
    it = second.step()
    assert it.k == 11 and it.method == "adam"
    assert second.history.marks == [(10, "adam")]


def test_divergence_keeps_the_last_finite_iterate():
    p = _problem(l1=0.0)
    run = Run(make_optimizer("gd", p.objective, lr=1e4), max_iter=500, tol=1e-9)
    for _ in range(500):
        if run.finished:
            break
        run.step()
    assert run.status == "diverged"
    assert all(it.finite for it in run.history)
    assert np.isfinite(run.history.curves()[1]).all()


def test_contours_lie_on_their_level():
    xs = np.linspace(-2, 2, 120)
    ys = np.linspace(-2, 2, 100)
    X, Y = np.meshgrid(xs, ys)
    Z = np.hypot(X, Y)
    seg = contour_segments(Z, 1.0, xs, ys)
    assert seg.shape[0] > 100 and seg.shape[0] % 2 == 0
    assert np.allclose(np.hypot(seg[:, 0], seg[:, 1]), 1.0, atol=2e-3)
    many = contour_levels(Z, (0.5, 1.0, 1.5), xs, ys)
    r = np.hypot(many[:, 0], many[:, 1])
    assert all(np.any(np.abs(r - L) < 2e-3) for L in (0.5, 1.0, 1.5))
    # NaN never produces a segment
    Z[40:60, 40:60] = np.nan
    assert np.isfinite(contour_segments(Z, 1.0, xs, ys)).all()
    assert contour_segments(np.ones((5, 5)), 0.5, xs[:5], ys[:5]).shape == (0, 2)


def test_frame_probabilities_come_from_the_core():
    p = _problem(test_fraction=0.25)
    view = make_view(p, grid=40)
    opt = make_optimizer("newton", p.objective)
    for _ in range(5):
        it = opt.step()
    f = make_frame(view, it)
    assert f.grid_P.shape == (40, 40, 2)
    assert np.allclose(f.grid_P.sum(axis=2), 1.0)
    # the training accuracy the status bar shows is the core's prediction
    P = p.proba(it, p.train.X)
    assert f.train_acc == pytest.approx(np.mean(P.argmax(1) == p.train.y))
    assert f.test_acc is not None
    # binary: z on the sigmoid panel is the model's logit, σ(z) its probability of class 1
    assert np.allclose(1 / (1 + np.exp(-f.z)), P[view.train_idx[view.curve_sel], 1])


def test_view_of_many_features_uses_principal_components():
    ds = load_bundled("wine")
    p = build_problem(ds, degree=1, standardize=True, kind="softmax")
    view = make_view(p, grid=30)
    assert view.labels[0].startswith("PC1") and not view.exact
    f = make_frame(view, make_optimizer("lbfgs", p.objective).step())
    assert f.grid_P.shape == (30, 30, 3)
    assert np.all((f.p_true > 0) & (f.p_true <= 1))


def test_the_app_model_needs_no_qt():
    """Run, history, frames, settings and contours import (and work) with Qt made unimportable."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'):\n"
        "            raise ImportError('no Qt here: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import logit_gui.app, logit_gui.model.history, logit_gui.model.run, logit_gui.model.frames\n"
        "import logit_gui.model.settings, logit_gui.model.frames.contour, logit_gui.model.engine\n"
        "import logit_gui.model.messages, logit_gui.model.status\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_app_command_line_opens_a_csv():
    from logit_gui.app import parse_args

    assert parse_args([]) == (None, [])
    assert parse_args(["--csv", "a.csv"]) == ("a.csv", [])
    assert parse_args(["b.csv", "-style", "fusion"]) == ("b.csv", ["-style", "fusion"])
