"""The weights panel: bars, 8 × 8 weight images, trajectories and the L1 path, each against an
independent computation (NumPy, scikit-learn); and the panel drawn in both themes."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from logit_gui.model import pipeline
from logit_gui.model.frames import make_frame, make_view
from logit_gui.model.frames import weights as W
from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings


def _scene(data, model=ModelSettings(l2=0.0), optimizer=OptimizerSettings("lbfgs", ()), iterations=40):
    built = pipeline.build(Settings(data, model, optimizer, RunSettings(max_iter=1000, tol=1e-6)))
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=20)
    return built, run.history, view, make_frame(view, run.history.latest)


def _cancer(l1=1e-2, test_fraction=0.0, iterations=40, optimizer="lbfgs"):
    return _scene(DataSettings(source="breast-cancer", degree=1, standardize=True, test_fraction=test_fraction),
                  ModelSettings(l2=0.0, l1=l1), OptimizerSettings(optimizer, ()), iterations)


# ----------------------------------------------------------------------
# bars
# ----------------------------------------------------------------------
def test_bars_are_the_shown_weights_in_input_and_model_units_with_the_exact_zeros_marked():
    built, h, view, frame = _cancer()
    it = frame.iterate
    X = np.asarray(built.problem.train.X)
    sd = X.std(axis=0)  # the training data's population SD, computed here
    model = W.compute(view, h, frame, W.WeightsOptions(units="model"))
    inp = W.compute(view, h, frame, W.WeightsOptions(units="input"))
    assert model.mode == inp.mode == "bars" and model.binary
    assert model.bars.names == built.problem.feature_names  # 30 features: all of them, in order
    np.testing.assert_array_equal(model.bars.values, it.coef)
    np.testing.assert_allclose(inp.bars.values, it.coef / sd, rtol=1e-12)
    # exact zeros: L1 (OWL-QN) leaves several weights at exactly 0, and only those are marked
    zeros = np.asarray(it.coef) == 0.0
    assert 0 < zeros.sum() < zeros.size
    np.testing.assert_array_equal(inp.bars.zero, zeros)
    assert f"{int(zeros.sum())} of 30 weights exactly 0" in inp.note
    # the value axis holds every bar and 0
    lo, hi = inp.bars.x_range
    assert lo <= min(inp.bars.values.min(), 0) and hi >= max(inp.bars.values.max(), 0)
    assert "per unit of x_j" in inp.value_label and "per SD" in model.value_label
    # the input-unit intercept is the model's b − Σ w_j μ_j / σ_j
    b = float(it.intercept[0] - np.sum(it.coef[0] * X.mean(axis=0) / sd))
    assert f"intercept b = {b:.4g}" in inp.note


def test_many_features_show_the_largest_and_many_classes_one_row_each():
    built, h, view, frame = _scene(DataSettings(source="moons", n=200, degree=6, standardize=True,
                                                test_fraction=0.0), iterations=5)
    d = W.compute(view, h, frame, W.WeightsOptions(units="model"))
    coef = np.asarray(frame.iterate.coef)[0]
    assert coef.size == 27 <= W.MAX_BARS and len(d.bars.names) == 27
    old = W.MAX_BARS
    try:
        W.MAX_BARS = 10
        d = W.compute(view, h, frame, W.WeightsOptions(units="model"))
    finally:
        W.MAX_BARS = old
    top = np.sort(np.argsort(-np.abs(coef))[:10])
    assert d.bars.names == tuple(W._short(built.problem.feature_names[j]) for j in top)
    np.testing.assert_array_equal(d.bars.values[0], coef[top])
    assert "the 10 largest of 27 weights" in d.note
    built, h, view, frame = _scene(DataSettings(source="wine", degree=1, standardize=True, test_fraction=0.0))
    d = W.compute(view, h, frame, W.WeightsOptions(units="model"))
    assert d.bars.values.shape == (3, 13) and not d.binary
    np.testing.assert_array_equal(d.bars.values, frame.iterate.coef)
    assert [e[2] for e in d.legend if e[0] == "class"] == ["class_0", "class_1", "class_2"]


def test_bar_readout_names_the_feature_under_the_cursor():
    built, h, view, frame = _cancer()
    d = W.compute(view, h, frame, W.WeightsOptions(units="model"))
    nb = len(d.bars.names)
    text = W.readout(d, 0.0, nb - 1)  # the top bar: the first feature
    assert text.startswith("mean radius: w = ")
    assert W.readout(d, 0.0, nb + 5) == ""


# ----------------------------------------------------------------------
# 8 × 8 images
# ----------------------------------------------------------------------
def test_pixel_features_are_recognised_only_as_a_full_row_major_grid():
    names = [f"pixel_{r}_{c}" for r in range(8) for c in range(8)]
    assert W.pixel_grid(names) == (8, 8)
    assert W.pixel_grid(names[:-1]) is None
    assert W.pixel_grid(names[1:] + names[:1]) is None
    assert W.pixel_grid([f"x{j}" for j in range(64)]) is None


def test_digit_weights_are_8x8_images_and_the_thumbnails_are_the_misclassified_digits():
    built, h, view, frame = _scene(DataSettings(source="digits", degree=1, standardize=False, test_fraction=0.3),
                                   ModelSettings(l2=1e-2), iterations=30)
    d = W.compute(view, h, frame, W.WeightsOptions())
    assert d.mode == "images"
    im = d.images
    coef = np.asarray(frame.iterate.coef)
    assert im.weights.shape == (10, 8, 8) and im.shape == (8, 8)
    np.testing.assert_array_equal(im.weights.reshape(10, 64), coef)  # row r, column c is pixel_r_c
    np.testing.assert_array_equal(im.zero, im.weights == 0.0)
    # pixels never inked keep the weight they started with, exactly 0 (their gradient is 0)
    never = np.all(np.asarray(built.problem.train.X) == 0, axis=0)
    assert never.any() and np.all(im.zero.reshape(10, 64)[:, never])
    # the colour scale is symmetric about 0 and holds 99 % of the weights
    assert im.vmax > 0 and np.mean(np.abs(coef) <= im.vmax) >= 0.99
    # the misclassified samples, counted independently: argmax of the logits X Wᵀ + b
    prob = built.problem

    def wrong(ds):
        Z = np.asarray(ds.X) @ coef.T + np.asarray(frame.iterate.intercept)
        return np.flatnonzero(Z.argmax(axis=1) != np.asarray(ds.y))

    wt, wtr = wrong(prob.test), wrong(prob.train)
    assert im.wrong_text == (f"misclassified: {wtr.size:,} of {prob.train.n:,} training, "
                             f"{wt.size:,} of {prob.test.n:,} test")
    rows = [np.asarray(prob.test.X)[i] for i in wt] + [np.asarray(prob.train.X)[i] for i in wtr]
    rows = rows[:W.MAX_THUMBS]
    assert im.thumbs.shape[0] == len(rows) > 0
    np.testing.assert_array_equal(im.thumbs.reshape(len(rows), 64), np.array(rows))
    classes = [str(c) for c in prob.classes]
    first = wt[0]
    Z = np.asarray(prob.test.X)[first] @ coef.T + np.asarray(frame.iterate.intercept)
    assert im.thumb_titles[0] == f"{classes[prob.test.y[first]]}→{classes[int(Z.argmax())]}"


# ----------------------------------------------------------------------
# trajectories
# ----------------------------------------------------------------------
def test_trajectories_are_the_recorded_iterates_weights():
    built, h, view, frame = _scene(DataSettings(source="breast-cancer", degree=1, standardize=True,
                                                test_fraction=0.0), ModelSettings(l2=1e-3),
                                   OptimizerSettings("gd", (("lr", 0.5),)), iterations=60)
    d = W.compute(view, h, frame, W.WeightsOptions(view="trajectories", units="model"))
    ln = d.lines
    ks = np.array([it.k for it in h], dtype=float)
    C = np.stack([np.asarray(it.coef)[0] for it in h])  # (T, 30), read here from the history
    np.testing.assert_array_equal(ln.x, ks)
    assert ln.Y.shape == (30, ks.size)
    np.testing.assert_array_equal(ln.Y, C.T)
    np.testing.assert_array_equal(ln.cursor_y, np.asarray(frame.iterate.coef)[0])
    assert ln.cursor_x == frame.iterate.k
    # the HIGHLIGHT largest |w| at the shown iterate have colours of their own, in order of size
    top = np.argsort(-np.abs(C[-1]))[:W.HIGHLIGHT]
    assert [int(np.flatnonzero(ln.group == g)[0]) for g in range(W.HIGHLIGHT)] == list(top)
    assert np.sum(ln.group < 0) == 30 - W.HIGHLIGHT
    assert ("faint", None, f"the other {30 - W.HIGHLIGHT}") in d.legend
    # input units: each weight divided by its feature's SD
    sd = np.asarray(built.problem.train.X).std(axis=0)
    di = W.compute(view, h, frame, W.WeightsOptions(view="trajectories", units="input"))
    np.testing.assert_allclose(di.lines.Y, (C / sd).T, rtol=1e-12)
    assert W.readout(d, ks[-1], ln.Y[0, -1]).startswith(f"k = {int(ks[-1])}")


def test_a_long_history_is_read_at_most_max_trace_points_times():
    built, h, view, frame = _scene(DataSettings(source="moons", n=100, degree=1, test_fraction=0.0),
                                   ModelSettings(l2=1e-3), OptimizerSettings("gd", (("lr", 0.1),)),
                                   iterations=W.MAX_TRACE_POINTS * 2 + 50)
    assert len(h) > W.MAX_TRACE_POINTS
    shown = h[len(h) // 3]  # an earlier iterate on screen (scrubbing back)
    d = W.compute(view, h, make_frame(view, shown), W.WeightsOptions(view="trajectories", units="model"))
    ln = d.lines
    assert ln.x.size <= W.MAX_TRACE_POINTS + 1 and ln.x[0] == 0 and ln.x[-1] == h.latest.k
    assert shown.k in ln.x and np.all(np.diff(ln.x) > 0)
    by_k = {it.k: np.asarray(it.coef)[0] for it in h}
    np.testing.assert_array_equal(ln.Y.T, np.stack([by_k[int(k)] for k in ln.x]))
    assert "recorded iterates drawn" in d.note


# ----------------------------------------------------------------------
# the L1 path
# ----------------------------------------------------------------------
def _cancer_problem(l2=0.0):
    return pipeline.build(Settings(DataSettings(source="breast-cancer", degree=1, standardize=True,
                                                test_fraction=0.0), ModelSettings(l2=l2, l1=1e-2))).problem


def test_l1_path_starts_where_every_weight_is_zero_and_gets_sparser_as_lambda_grows():
    problem = _cancer_problem()
    path = W.l1_path(problem)
    X = problem.features(problem.train.X)
    y = (np.asarray(problem.train.y) == 1).astype(float)
    # λ_max, independently: the largest |∂J/∂w_j| at w = 0 and the intercept-only fit,
    # |Xᵀ(ȳ − y)|/n (standardized features have mean 0, so b = logit(ȳ) there)
    lam_max = float(np.max(np.abs(X.T @ (y.mean() - y)) / y.size))
    assert path.lam_max == pytest.approx(lam_max, rel=1e-8)
    assert path.lambdas[0] == path.lam_max and np.all(np.diff(path.lambdas) < 0)
    assert path.lambdas[-1] == pytest.approx(path.lam_max * W.PATH_RATIO)
    assert np.all(path.coef[0] == 0.0)
    assert path.intercept[0, 0] == pytest.approx(math.log(y.mean() / (1 - y.mean())), rel=1e-8)
    nz = path.nonzero
    assert nz[0] == 0 and nz[-1] >= 15
    # more exact zeros at larger λ₁: the path thins out, each half (larger λ₁) sparser than the next
    L = nz.size
    assert nz[: L // 3].mean() < nz[L // 3: 2 * L // 3].mean() < nz[2 * L // 3:].mean()
    assert np.sum(np.diff(nz) < 0) <= 4  # a correlated feature may leave as another comes in
    # each fit minimizes J + λ₁‖w‖₁: its minimum-norm subgradient is (near) zero
    for i in range(1, L):
        if path.status[i] != "converged":
            continue
        obj = W._with_l1(problem.objective, path.lambdas[i])
        theta = obj.join(path.coef[i], path.intercept[i])
        assert obj.scaled_optimality(theta, obj.grad(theta)) <= 1e-6


def test_l1_path_agrees_with_scikit_learn():
    sklearn = pytest.importorskip("sklearn.linear_model")
    problem = _cancer_problem()
    path = W.l1_path(problem)
    X = problem.features(problem.train.X)
    y = np.asarray(problem.train.y)
    n = y.size
    checked = 0
    for i in (4, 10, 16):
        if path.status[i] != "converged":
            continue
        lam = path.lambdas[i]
        # scikit-learn: C Σ loss + ‖w‖₁, i.e. our mean loss + λ₁‖w‖₁ with C = 1/(λ₁ n)
        m = sklearn.LogisticRegression(l1_ratio=1.0, solver="saga", C=1.0 / (lam * n), tol=1e-12,
                                       max_iter=200_000).fit(X, y)
        np.testing.assert_allclose(path.coef[i, 0], m.coef_[0], atol=2e-3)
        assert path.intercept[i, 0] == pytest.approx(m.intercept_[0], abs=2e-3)
        # the same weights are exactly 0 (OWL-QN's zeros, saga's zeros)
        big = np.abs(m.coef_[0]) > 1e-3
        assert np.all(path.coef[i, 0][big] != 0) and np.all(m.coef_[0][path.coef[i, 0] != 0] != 0)
        checked += 1
    assert checked >= 2


def test_the_path_is_computed_once_per_problem_and_only_when_shown(monkeypatch):
    built, h, view, frame = _cancer()
    calls = []
    real = W._compute_path
    monkeypatch.setattr(W, "_compute_path", lambda *a: calls.append(a) or real(*a))
    for opts in (W.WeightsOptions(), W.WeightsOptions(view="trajectories")):
        W.compute(view, h, frame, opts)
    assert calls == []
    a = W.compute(view, h, frame, W.WeightsOptions(view="path"))
    b = W.compute(view, h, frame, W.WeightsOptions(view="path", units="model"))
    c = W.compute(view, h, frame, W.WeightsOptions(view="path"))
    assert len(calls) == 1
    np.testing.assert_array_equal(a.lines.Y, c.lines.Y)  # pure: the same inputs, the same output
    sd = np.asarray(built.problem.train.X).std(axis=0)
    ref = np.asarray(built.problem.objective.l1)
    assert ref == 1e-2
    # model units are the path's own numbers; input units divide by the feature's SD
    path = W.l1_path(built.problem)
    chosen = [list(built.problem.feature_names).index(n) for n in b.lines.names]
    np.testing.assert_array_equal(b.lines.Y, path.coef[:, 0, chosen].T)
    np.testing.assert_allclose(a.lines.Y, (path.coef[:, 0, chosen] / sd[chosen]).T, rtol=1e-12)
    np.testing.assert_array_equal(a.lines.count, path.nonzero)
    # the run's λ₁ is marked, with the shown iterate's weights on it
    assert a.lines.cursor_x == 1e-2
    np.testing.assert_array_equal(b.lines.cursor_y, np.asarray(frame.iterate.coef)[0, chosen])
    assert math.log10(path.lambdas[-1]) > a.lines.x_range[0] and math.log10(path.lam_max) < a.lines.x_range[1]
    # another problem (other data), another path
    other, h2, view2, frame2 = _scene(DataSettings(source="moons", n=120, degree=2, standardize=True,
                                                   test_fraction=0.0))
    W.compute(view2, h2, frame2, W.WeightsOptions(view="path"))
    assert len(calls) == 2


def test_the_path_of_many_classes_keeps_the_objectives_l2_and_is_sparser_at_larger_lambda():
    built, h, view, frame = _scene(DataSettings(source="wine", degree=1, standardize=True, test_fraction=0.0),
                                   ModelSettings(l2=1e-3))
    d = W.compute(view, h, frame, W.WeightsOptions(view="path", units="model"))
    path = W.l1_path(built.problem)
    assert path.coef.shape[1:] == (3, 13)
    assert path.nonzero[0] == 0 and path.nonzero[-1] > path.nonzero[len(path.nonzero) // 2] > 0
    assert "λ₂ = 0.001 kept" in d.note
    assert d.lines.cursor_x is None  # the run has no L1: no λ₁ to mark
    assert set(d.lines.group.tolist()) <= {0, 1, 2}


# ----------------------------------------------------------------------
# drawn
# ----------------------------------------------------------------------
def _image(path):
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not img.isNull(), path
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, :3]
    return a[:, :, ::-1].copy()


def _check_png(path, theme):
    a = _image(path)
    bg = np.array([255, 255, 255] if theme == "light" else [0x16, 0x18, 0x1d])
    assert np.all(a[2, 2] == bg)
    assert np.mean(np.any(a != bg, axis=2)) > 0.03
    return a


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("args", [
    ["--dataset", "breast-cancer", "--standardize", "--l1", "1e-2"],
    ["--dataset", "digits", "--test-fraction", "0.3", "--l2", "1e-2"],
])
def test_the_panel_renders_from_the_command_line(tmp_path, capsys, qapp, theme, args):
    from logit_gui.cli import main

    out = tmp_path / f"weights-{theme}.png"
    rc = main(["render", "--panel", "weights", "--theme", theme, "--iterations", "40", *args, "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    _check_png(out, theme)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("options", [
    W.WeightsOptions(view="trajectories"), W.WeightsOptions(view="path", units="model"),
])
def test_every_view_draws_through_the_figure_in_each_theme(tmp_path, qapp, theme, options):
    """The views the command line cannot choose, drawn as render draws them (Figure, export)."""
    from logit_gui.render.export import write_figure
    from logit_gui.render.figure import Figure
    from logit_gui.render.theme import get_theme

    built, h, view, frame = _cancer()
    display = dataclasses.replace(built.settings.display).with_options("weights", options)
    fig = Figure(["weights"], get_theme(theme, presentation=True))
    try:
        fig.draw(view, h, frame, display)
        item = fig.items["weights"]
        assert item.data.mode == options.view
        assert item.plot.isVisible() and item.lower.isVisible() == (options.view == "path")
        out = tmp_path / f"{options.view}-{theme}.png"
        write_figure(fig, str(out))
    finally:
        fig.close()
    _check_png(out, theme)


def test_the_items_are_built_once_and_switch_between_views(qapp):
    from logit_gui.render.panels.weights import WeightsItem
    from logit_gui.render.theme import LIGHT

    built, h, view, frame = _cancer()
    item = WeightsItem(LIGHT)
    before = set(map(id, item.plot.items)) | set(map(id, item.lower.items))
    item.set_view(view)
    for v in ("coef", "trajectories", "path", "coef"):
        item.draw(h, frame, W.compute(view, h, frame, W.WeightsOptions(view=v)))
    assert item.bars.isVisible() and not item.faint.isVisible() and not item.lower.isVisible()
    dg, hd, vd, fd = _scene(DataSettings(source="digits", degree=1, test_fraction=0.3), ModelSettings(l2=1e-2),
                            iterations=10)
    item.set_view(vd)
    item.draw(hd, fd, W.compute(vd, hd, fd, W.WeightsOptions()))
    assert item.image.isVisible() and item.colorbar.isVisible() and not item.bars.isVisible()
    after = set(map(id, item.plot.items)) | set(map(id, item.lower.items))
    assert after == before
    # the first image's top-left pixel lies just below its title's gap
    from logit_gui.render.panels.weights import TITLE_GAP

    assert item.readout(3.5, TITLE_GAP + 0.5).startswith("class 0, pixel (0, 3): w = ")


def test_a_problem_too_large_for_the_path_is_refused_and_drawn_empty(qapp, monkeypatch):
    from logit_gui.render.panels.weights import WeightsItem
    from logit_gui.render.theme import DARK

    built, h, view, frame = _cancer()
    obj = built.problem.objective
    monkeypatch.setattr(W, "PATH_LIMIT", obj.n * obj.size - 1)
    calls = []
    monkeypatch.setattr(W, "_compute_path", lambda *a: calls.append(a))
    d = W.compute(view, h, frame, W.WeightsOptions(view="path"))
    assert d.mode == "path" and d.lines is None and calls == []
    assert d.note.startswith(f"no L1 path for {obj.n:,} samples × {obj.size:,} parameters")
    item = WeightsItem(DARK)
    item.set_view(view)
    item.draw(h, frame, d)
    assert item.count_curve.xData is None or len(item.count_curve.xData) == 0
    assert W.readout(d, 0.0, 0.0) == ""
