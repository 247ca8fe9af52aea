"""The formula strip: each method's rule and numbers — ‖∇J‖, the step size, L, Newton's
condition number — against independent computations (SciPy's expit, NumPy's cond), and the
strip drawn in both themes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.special import expit

from logit_gui.core.optimizers import OPTIMIZERS
from logit_gui.model import pipeline
from logit_gui.model.frames import formula, make_frame, make_view
from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings


def _scene(method="gd", iterations=12, params=(), l1=0.0, data=None):
    s = Settings(data or DataSettings(n=200, test_fraction=0.25), ModelSettings(l2=1e-2, l1=l1),
                 OptimizerSettings(method, tuple(params)), RunSettings(max_iter=1000))
    built = pipeline.build(s)
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=30)
    return built, run.history, view, make_frame(view, run.history.latest)


def _numbers(d):
    return {sym: v for sym, v in d.numbers}


def _design(built):
    X = built.problem.features(built.problem.train.X)
    return np.column_stack([X, np.ones(X.shape[0])]), (np.asarray(built.problem.train.y) == 1).astype(float)


def test_newton_condition_number_is_the_hessians():
    built, h, view, frame = _scene("newton", iterations=3)
    obj = built.problem.objective
    it = frame.iterate
    d = formula.compute(view, h, frame, formula.FormulaOptions())
    assert d.method == "newton" and "H<sub>k</sub><sup>−1</sup>" in d.rule[0]
    Xt, y = _design(built)
    theta = np.concatenate([np.asarray(it.coef)[0], it.intercept])
    p = expit(Xt @ theta)
    H = Xt.T @ (Xt * (p * (1 - p))[:, None]) / Xt.shape[0]
    H[np.arange(obj.d), np.arange(obj.d)] += obj.l2
    assert d.cond == pytest.approx(np.linalg.cond(H), rel=1e-8)
    lam = np.linalg.eigvalsh(H)
    assert d.eig == pytest.approx((lam[0], lam[-1]), rel=1e-8)
    D = np.sqrt(np.diag(H))
    assert d.cond_scaled == pytest.approx(np.linalg.cond(H / D[:, None] / D[None, :]), rel=1e-8)
    n = _numbers(d)
    assert n["κ(H<sub>k</sub>)"] == d.cond
    # ‖∇J‖₂ at the shown iterate, from the residuals directly
    g = Xt.T @ (p - y) / Xt.shape[0]
    g[: obj.d] += obj.l2 * theta[: obj.d]
    assert d.grad_norm2 == pytest.approx(np.linalg.norm(g), rel=1e-9)
    assert d.grad_norm_inf == pytest.approx(np.abs(g).max(), rel=1e-9)
    assert d.step == it.step_size and n["t (to θ<sub>k</sub>)"] == it.step_size


def test_softmax_newton_leaves_out_the_directions_that_change_nothing():
    data = DataSettings(source="blobs", classes=3, n=150, degree=1, test_fraction=0.0)
    built, h, view, frame = _scene("newton", iterations=2, data=data)
    d = formula.compute(view, h, frame, formula.FormulaOptions())
    assert np.isfinite(d.cond) and d.cond >= 1.0
    H = built.problem.objective.hessian(built.problem.objective.join(frame.iterate.coef, frame.iterate.intercept))
    lam = np.linalg.eigvalsh(H)
    assert lam[0] == pytest.approx(0.0, abs=1e-10)          # the intercepts' common shift
    assert d.cond == pytest.approx(lam[-1] / lam[1], rel=1e-8)


def test_gradient_descent_numbers_step_and_lipschitz_constant():
    built, h, view, frame = _scene("gd", params=(("lr", 0.7),))
    obj = built.problem.objective
    d = formula.compute(view, h, frame, formula.FormulaOptions())
    n = _numbers(d)
    Xt, _ = _design(built)
    L = np.linalg.eigvalsh(Xt.T @ Xt / Xt.shape[0])[-1] / 4 + obj.l2
    assert n["η"] == 0.7 and n["L"] == pytest.approx(L, rel=1e-10) and n["ηL"] == pytest.approx(0.7 * L)
    assert d.rule == formula.RULES["gd"][0] and "η" in d.rule[0]
    # the distance to the previous iterate, from the history
    prev = h[len(h) - 2]
    it = frame.iterate
    want = np.linalg.norm(np.r_[np.ravel(it.coef) - np.ravel(prev.coef), it.intercept - prev.intercept])
    assert d.displacement == pytest.approx(want, rel=1e-12)
    # the history: every iterate's step size and ‖∇J‖∞
    k, step, gn = d.history
    assert np.array_equal(k, [x.k for x in list(h)[1:]]) and np.allclose(step, 0.7)
    assert np.allclose(gn, [x.grad_norm for x in list(h)[1:]])
    lo, hi = d.history_range
    assert 10**lo <= np.nanmin(gn) and 10**hi >= 0.7
    assert d.cond is None and d.notes == ()


@pytest.mark.parametrize("method", sorted(OPTIMIZERS))
def test_every_method_has_its_rule_and_numbers(method):
    built, h, view, frame = _scene(method, iterations=6)
    d = formula.compute(view, h, frame, formula.FormulaOptions())
    assert d.method == method and d.rule == formula.RULES[method][0] and d.where
    assert d.summary == OPTIMIZERS[method]
    n = _numbers(d)
    assert n["J(θ<sub>k</sub>)"] == frame.iterate.objective
    assert n["‖∇J(θ<sub>k</sub>)‖<sub>∞</sub>"] == frame.iterate.grad_norm
    symbol = {"momentum": "β", "nesterov": "β", "adagrad": "G", "rmsprop": "ρ", "adam": "β<sub>2</sub>",
              "bfgs": "B<sub>k+1</sub>", "lbfgs": "two-loop", "newton": "H<sub>k</sub>", "sgd": "J<sub>B</sub>",
              "gd-backtracking": "t/2", "gd-lipschitz": "1/L", "gd": "η"}[method]
    assert symbol in " ".join(d.rule)
    off = formula.compute(view, h, frame, formula.FormulaOptions(numbers=False, where=False, history=False))
    assert off.numbers == () and off.where == "" and off.history is None


def test_adaptive_steps_are_the_per_coordinate_steps():
    built, h, view, frame = _scene("adagrad", iterations=8, params=(("lr", 0.3),))
    d = formula.compute(view, h, frame, formula.FormulaOptions())
    G = np.asarray(frame.iterate.info["G"])
    text = _numbers(d)["η/√G per coordinate"]
    lo, hi = (0.3 / np.sqrt(G)).min(), (0.3 / np.sqrt(G)).max()
    assert text == f"{lo:.3g} … {hi:.3g}".replace("-", "−")


def test_an_l1_penalty_adds_the_soft_threshold_step():
    built, h, view, frame = _scene("gd", l1=1e-3)
    d = formula.compute(view, h, frame, formula.FormulaOptions())
    assert formula.PROX in d.notes
    obj = built.problem.objective
    theta = obj.join(frame.iterate.coef, frame.iterate.intercept)
    g = obj.grad(theta)
    assert d.grad_norm2 == pytest.approx(np.linalg.norm(obj.subgradient(theta, g)))
    built, h, view, frame = _scene("lbfgs", l1=1e-3)
    assert formula.OWLQN in formula.compute(view, h, frame, formula.FormulaOptions()).notes


def test_compute_is_pure_and_iteration_zero_has_no_step():
    built, h, view, frame = _scene("newton", iterations=0)
    a = formula.compute(view, h, frame, formula.FormulaOptions())
    b = formula.compute(view, h, frame, formula.FormulaOptions())
    assert a.step is None and a.displacement is None and a.history[0].size == 0
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "history":
            assert all(np.array_equal(u, v, equal_nan=True) for u, v in zip(x, y, strict=True))
        else:
            assert x == y, f.name
    built, h, view, frame = _scene("gd", iterations=5)
    c, e = (formula.compute(view, h, frame, formula.FormulaOptions()) for _ in range(2))
    assert c.numbers == e.numbers and c.grad_norm2 == e.grad_norm2


def _image(path):
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, :3]
    return a[:, :, ::-1].copy()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("method", ["gd", "newton", "adam"])
def test_the_strip_renders_in_each_theme(tmp_path, capsys, qapp, theme, method):
    from logit_gui.cli import main
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"formula-{method}-{theme}.png"
    rc = main(["render", "--panel", "formula", "--optimizer", method, "--theme", theme, "--iterations", "8",
               "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    t = get_theme(theme)
    bg = (t.background_rgb() * 255).round()
    assert a.shape[:2] == (600, 800) and np.all(a[2, 2] == bg)
    assert np.mean(np.any(a != bg, axis=2)) > 0.03
    # the numbers are in the accent colour
    acc = (t.rgb(t.accent_color) * 255).round()
    assert np.count_nonzero(np.all(np.abs(a.astype(int) - acc) <= 10, axis=2)) > 30


def test_the_history_plot_gives_way_to_the_text_in_a_short_strip(qapp):
    from logit_gui.model.settings import DisplaySettings
    from logit_gui.render.figure import Figure
    from logit_gui.render.theme import get_theme

    built, h, view, frame = _scene("newton", iterations=4)
    for size, shown in (((900, 700), True), ((900, 260), False)):
        fig = Figure(["formula"], get_theme("light"), size)
        try:
            fig.draw(view, h, frame, DisplaySettings())
            item = fig.items["formula"]
            assert item.plot.isVisible() is shown and item.legend.isVisible() is shown
            assert "κ(H<sub>k</sub>)" in item.table.item.toHtml() or "κ(H" in item.table.item.toPlainText()
        finally:
            fig.close()
