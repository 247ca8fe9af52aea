"""The landscape panel: J over two parameters, checked against J computed here from the
features (NumPy, SciPy, scikit-learn), and drawn by ``logit-gui render`` in both themes."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.metrics import log_loss
from sklearn.utils.class_weight import compute_class_weight

from logit_gui.core.datasets import Dataset
from logit_gui.core.problem import build_problem
from logit_gui.model import pipeline
from logit_gui.model.frames import landscape as L
from logit_gui.model.frames import make_frame, make_view
from logit_gui.model.history import History
from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings


def _scene(data=None, model=None, method="gd", params=None, iterations=30, grid=40):
    if params is None:  # the app's learning rate for gd, the method's defaults otherwise
        params = dict(OptimizerSettings().params) if method == "gd" else {}
    s = Settings(data or DataSettings(n=300, test_fraction=0.25), model or ModelSettings(),
                 OptimizerSettings(method, tuple(params.items())), RunSettings(max_iter=100000, tol=0.0))
    built = pipeline.build(s)
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=grid)
    return built.problem, run.history, view


def _theta(it):
    return np.column_stack([it.coef, it.intercept])


def _weights(problem, class_weight):
    y = np.asarray(problem.train.y)
    if class_weight is None:
        return np.ones(y.size)
    cw = compute_class_weight("balanced", classes=np.arange(len(problem.classes)), y=y)
    return cw[y]


def _J(problem, Thetas, *, class_weight=None):
    """J at every parameter matrix in ``Thetas`` (N, m, d + 1), from the features: binary and
    softmax cross-entropy (weighted mean), plus (λ₂/2)‖w‖² + λ₁‖w‖₁ — not the core's code."""
    obj = problem.objective
    X = problem.features(problem.train.X)
    y = np.asarray(problem.train.y)
    Xt = np.column_stack([X, np.ones(len(X))])
    s = _weights(problem, class_weight)
    Thetas = np.asarray(Thetas, dtype=np.float64)
    Z = np.einsum("nj,qkj->qnk", Xt, Thetas)            # (N, n, m)
    if obj.kind == "binary":
        z = Z[:, :, 0]
        losses = np.logaddexp(0.0, z) - y[None, :] * z
    else:
        losses = logsumexp(Z, axis=2) - Z[:, np.arange(y.size), y]
    data = losses @ s / s.sum()
    W = Thetas[:, :, :-1]
    return data + 0.5 * obj.l2 * np.sum(W * W, axis=(1, 2)) + obj.l1 * np.sum(np.abs(W), axis=(1, 2))


def _grid_thetas(d: L.LandscapeData, it, nodes):
    base = _theta(it)
    out = np.repeat(base[None], len(nodes), axis=0)
    for q, (i, j) in enumerate(nodes):
        out[q, d.klass, d.ix] = d.xs[j]
        out[q, d.klass, d.iy] = d.ys[i]
    return out


def _all_nodes(d):
    return [(i, j) for i in range(d.ys.size) for j in range(d.xs.size)]


def test_small_problems_get_the_exact_objective_on_every_grid_node():
    problem, h, view = _scene()
    it = h.latest
    d = L.compute(view, h, make_frame(view, it), L.LandscapeOptions())
    assert d.ok and d.exact and d.error == 0.0 and d.Z.shape == (L.GRID, L.GRID)
    nodes = _all_nodes(d)
    want = _J(problem, _grid_thetas(d, it, nodes)).reshape(d.Z.shape)
    assert np.max(np.abs(d.Z - want)) <= 1e-12 * max(1.0, np.abs(want).max())
    # the slice passes through the shown iterate: its value there is J(θ_k)
    assert d.current_J == pytest.approx(_J(problem, [_theta(it)])[0], rel=1e-13)
    assert np.array_equal(d.current, [_theta(it)[0, d.ix], _theta(it)[0, d.iy]])
    # contours at log-spaced levels above the slice's minimum, every segment end on its level
    zmin, zmax = d.z_range
    assert zmin == d.Z.min() and zmax == d.Z.max()
    f = (d.levels - zmin) / (zmax - zmin)
    assert f.size == L.N_LEVELS and np.allclose(np.diff(np.log(f)), -np.log(f[0]) / L.N_LEVELS)
    # the lowest level leaves a few per cent of the grid below it: the valley's floor
    below = np.mean(d.Z < d.levels[0])
    assert 0.0 < below <= 0.05 or f[0] in L.FRACTION_LIMITS
    seg = d.segments[::5]
    vals = _J(problem, [_replace(_theta(it), d, x, y) for x, y in seg])
    assert np.min(np.abs(vals[:, None] - d.levels[None, :]), axis=1).max() < 0.02 * (zmax - zmin)


def _replace(theta, d, x, y):
    t = theta.copy()
    t[d.klass, d.ix] = x
    t[d.klass, d.iy] = y
    return t


def test_large_problems_are_binned_within_the_error_they_report():
    problem, h, view = _scene(DataSettings(n=10_000, test_fraction=0.0), iterations=200)
    it = h.latest
    d = L.compute(view, h, make_frame(view, it), L.LandscapeOptions())
    assert not d.exact and 0 < d.bins <= L.MAX_REPS < problem.train.n
    rng = np.random.default_rng(1)
    nodes = [tuple(v) for v in rng.integers(0, L.GRID, size=(300, 2))] + [(0, 0), (L.GRID - 1, L.GRID - 1)]
    want = _J(problem, _grid_thetas(d, it, nodes))
    got = np.array([d.Z[i, j] for i, j in nodes])
    err = np.max(np.abs(got - want))
    assert err <= 2.0 * d.error + 1e-9
    # and the error target is met: far below the gaps between the levels drawn
    zmin, zmax = d.z_range
    assert d.error <= 1.5 * L.REL_TOL * (zmax - zmin)
    assert err < 0.05 * (d.levels[0] - zmin)
    # forcing the exact evaluation gives the same picture to that accuracy
    Ze, exact, e0, bins = L.slice_values(problem, _theta(it), 0, d.ix, d.iy, d.xs, d.ys, exact=True)
    assert exact and e0 == 0 and bins == problem.train.n
    assert np.max(np.abs(Ze - d.Z)) <= 2.0 * d.error + 1e-9


def test_the_path_has_one_point_per_recorded_iterate_with_J_there():
    problem, h, view = _scene(iterations=40)
    items = list(h)
    d = L.compute(view, h, make_frame(view, h.latest), L.LandscapeOptions())
    assert d.path.shape == (len(items), 2) and len(items) == 41
    thetas = np.array([_theta(it) for it in items])
    assert np.array_equal(d.path, thetas[:, 0, [d.ix, d.iy]])
    assert np.array_equal(d.path_k, [it.k for it in items])
    want = _J(problem, thetas)
    assert np.allclose(d.path_J, want, rtol=1e-12, atol=0)
    # scikit-learn's log-loss agrees (probabilities far from 0 and 1 here)
    X = problem.features(problem.train.X)
    for it, J in zip(items[::10], d.path_J[::10]):
        p = 1.0 / (1.0 + np.exp(-(X @ it.coef[0] + it.intercept[0])))
        ll = log_loss(problem.train.y, p, labels=[0, 1])
        assert J == pytest.approx(ll + 0.5 * problem.objective.l2 * float(it.coef[0] @ it.coef[0]), rel=1e-9)
    # an earlier iterate: the path so far, the axes unchanged (they hold the whole run)
    early = items[12]
    e = L.compute(view, h, make_frame(view, early), L.LandscapeOptions())
    assert e.path.shape == (13, 2) and e.path_k[-1] == early.k
    assert e.extent == d.extent and (e.ix, e.iy) == (d.ix, d.iy)
    assert np.all((d.path[:, 0] >= d.extent[0]) & (d.path[:, 0] <= d.extent[1]))
    assert np.all((d.path[:, 1] >= d.extent[2]) & (d.path[:, 1] <= d.extent[3]))
    # without the path option: no path
    off = L.compute(view, h, make_frame(view, h.latest), L.LandscapeOptions(path=False, overlay=False))
    assert off.path.shape == (0, 2) and off.overlay is None


def test_the_gradient_arrow_points_down_the_slice():
    problem, h, view = _scene(iterations=10)
    it = h.latest
    d = L.compute(view, h, make_frame(view, it), L.LandscapeOptions())
    eps = 1e-6
    base = _theta(it)
    fd = []
    for a in (d.ix, d.iy):
        tp, tm = base.copy(), base.copy()
        tp[0, a] += eps
        tm[0, a] -= eps
        fd.append((_J(problem, [tp])[0] - _J(problem, [tm])[0]) / (2 * eps))
    assert np.allclose(d.grad, fd, rtol=1e-6, atol=1e-9)
    step = d.arrow[1] - d.arrow[0]
    assert np.array_equal(d.arrow[0], d.current)
    span = np.array([d.extent[1] - d.extent[0], d.extent[3] - d.extent[2]])
    # −∇J's direction on the plot's normalized axes, a fixed share of its diagonal
    u = -d.grad / span
    assert np.allclose(step / span, u / np.linalg.norm(u) * L.ARROW_FRACTION * np.sqrt(2))


def test_default_parameters_and_the_option_indices():
    # one feature: w and b
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 1))
    ds = Dataset(x, (x[:, 0] + 0.5 * rng.normal(size=120) > 0).astype(int), (0, 1), ("x",), "one")
    problem = build_problem(ds)
    h = pipeline.new_run(problem, OptimizerSettings(), RunSettings()).history
    view = SimpleNamespace(problem=problem, kind="binary", classes=(0, 1))
    frame = SimpleNamespace(iterate=h.latest)
    d = L.compute(view, h, frame, L.LandscapeOptions())
    assert (d.ix, d.iy) == (0, 1) and d.labels == ("w₁ (x)", "b (intercept)")
    # many features: the two coefficients largest in magnitude at the newest iterate
    problem, h, view = _scene(iterations=50)
    w = np.abs(h.latest.coef[0])
    d = L.compute(view, h, make_frame(view, h[3]), L.LandscapeOptions())
    assert (d.ix, d.iy) == tuple(np.argsort(-w, kind="stable")[:2])
    names = problem.feature_names
    assert d.labels[0] == f"w{str(d.ix + 1).translate(L._SUB)} ({names[d.ix]})"
    # chosen by index: the intercept is index d; an out-of-range index is the last parameter
    dd = problem.objective.d
    c = L.compute(view, h, make_frame(view, h.latest), L.LandscapeOptions(x_param=dd, y_param=2))
    assert (c.ix, c.iy) == (dd, 2) and c.labels[0] == "b (intercept)"
    c = L.compute(view, h, make_frame(view, h.latest), L.LandscapeOptions(x_param=999, y_param=999))
    assert c.ix == dd and c.iy != c.ix
    # a model with a single parameter has no plane
    one = build_problem(ds, fit_intercept=False)
    h1 = pipeline.new_run(one, OptimizerSettings(), RunSettings()).history
    u = L.compute(SimpleNamespace(problem=one), h1, SimpleNamespace(iterate=h1.latest), L.LandscapeOptions())
    assert not u.ok and "single parameter" in u.message


@pytest.mark.parametrize("kind", ["softmax", "ovr"])
def test_many_classes_show_one_class_parameters_exactly(kind):
    cw = "balanced" if kind == "ovr" else None
    problem, h, view = _scene(DataSettings(source="iris", degree=1, test_fraction=0.0),
                              ModelSettings(kind=kind, class_weight=cw, l2=1e-2), iterations=25)
    it = h.latest
    d = L.compute(view, h, make_frame(view, it), L.LandscapeOptions(klass=2, x_param=0, y_param=4))
    assert d.klass == 2 and (d.ix, d.iy) == (0, 4) and d.exact
    assert d.labels == (f"w₁ ({problem.feature_names[0]})", "b (intercept)")
    nodes = [(i, j) for i in range(0, L.GRID, 7) for j in range(0, L.GRID, 7)]
    got = np.array([d.Z[i, j] for i, j in nodes])
    if kind == "softmax":
        want = _J(problem, _grid_thetas(d, it, nodes))
    else:
        # one-vs-rest: the sum of K binary objectives, each balanced on its own two classes
        X = problem.features(problem.train.X)
        y = np.asarray(problem.train.y)
        want = []
        for th in _grid_thetas(d, it, nodes):
            total = 0.0
            for k in range(3):
                yk = (y == k).astype(int)
                s = compute_class_weight("balanced", classes=np.array([0, 1]), y=yk)[yk]
                z = X @ th[k, :-1] + th[k, -1]
                total += (np.logaddexp(0, z) - yk * z) @ s / s.sum()
            want.append(total + 0.5 * problem.objective.l2 * np.sum(th[:, :-1] ** 2))
        want = np.array(want)
    assert np.max(np.abs(got - want)) <= 1e-11 * max(1.0, np.abs(want).max())
    assert np.allclose(d.path_J, [x.objective for x in h])


def test_newton_quasi_newton_and_line_search_overlays_agree_with_the_next_step():
    for method in ("newton", "bfgs", "lbfgs"):
        problem, h, view = _scene(method=method, iterations=6)
        items = list(h)
        for k in (2, 4):
            it, nxt = items[k], items[k + 1]
            d = L.compute(view, h, make_frame(view, it), L.LandscapeOptions())
            ov = d.overlay
            assert ov is not None and ov.method == method and ov.step is not None, method
            # the step the method proposes from θ_k is where it went next, divided by its step length
            moved = (_theta(nxt) - _theta(it))[0, [d.ix, d.iy]] / nxt.step_size
            assert np.allclose(ov.step[1] - ov.step[0], moved, rtol=1e-6, atol=1e-10), method
            # the trial points of the search that reached θ_k lie on the line from θ_{k−1}
            prev = items[k - 1]
            if ov.trials.shape[0]:
                a = _theta(prev)[0, [d.ix, d.iy]]
                b = _theta(it)[0, [d.ix, d.iy]]
                assert np.allclose(ov.trials[ov.accepted], b)
                ts = np.array([t for t, _ in it.info["trials"]])[it.info.get("search_from", 0):]
                assert np.allclose(ov.trials, a + (ts / it.step_size)[:, None] * (b - a))
        if method == "newton":
            # the model's contours are those of J + gᵀΔ + ½ΔᵀHΔ with the true Hessian (computed here)
            X = problem.features(problem.train.X)
            Xt = np.column_stack([X, np.ones(len(X))])
            th = _theta(it)[0]
            p = 1 / (1 + np.exp(-(Xt @ th)))
            H = Xt.T @ (Xt * (p * (1 - p))[:, None]) / len(X)
            H[np.diag_indices(X.shape[1])] += problem.objective.l2
            g = Xt.T @ (p - problem.train.y) / len(X) + problem.objective.l2 * np.append(th[:-1], 0)
            idx = [d.ix, d.iy]
            pts = ov.model_segs[::3] - d.current
            q = d.current_J + pts @ g[idx] + 0.5 * np.einsum("ni,ij,nj->n", pts, H[np.ix_(idx, idx)], pts)
            assert np.min(np.abs(q[:, None] - d.levels[None, :]), axis=1).max() < 1e-2 * (d.levels[-1] - d.levels[0])
        if method in ("bfgs", "lbfgs"):
            # the ellipse is the quasi-Newton model's level set through θ_k: gᵀΔ + ½ΔᵀBΔ = 0 on it,
            # B the inverse of the method's inverse-Hessian approximation (built here from its record)
            obj = problem.objective
            if method == "bfgs":
                Hinv = np.asarray(it.info["H_inv"])
            else:
                S, Y = np.asarray(it.info["S"]), np.asarray(it.info["Y"])
                D2 = 1.0 / obj.grad_scales() ** 2
                gamma = (S[-1] @ Y[-1]) / (Y[-1] @ (D2 * Y[-1]))

                def two_loop(q):
                    q = q.copy()
                    alphas = []
                    for s_, y_ in zip(S[::-1], Y[::-1]):
                        a = (s_ @ q) / (s_ @ y_)
                        alphas.append(a)
                        q -= a * y_
                    q *= gamma * D2
                    for (s_, y_), a in zip(zip(S, Y), alphas[::-1]):
                        q += (a - (y_ @ q) / (s_ @ y_)) * s_
                    return q

                Hinv = np.column_stack([two_loop(e) for e in np.eye(obj.size)])
            B = np.linalg.inv(0.5 * (Hinv + Hinv.T))
            g = obj.grad(obj.join(it.coef, it.intercept))
            idx = [d.ix, d.iy]
            Dl = ov.ellipse - d.current
            model = Dl @ g[idx] + 0.5 * np.einsum("ni,ij,nj->n", Dl, B[np.ix_(idx, idx)], Dl)
            scale = np.abs(Dl @ g[idx]).max()
            assert ov.ellipse.shape[0] > 10 and np.abs(model).max() <= 1e-8 * scale, method


def test_backtracking_trials_are_the_rejected_steps():
    problem, h, view = _scene(method="gd-backtracking", params={"lr": 200.0}, iterations=4)
    it = h[1]
    d = L.compute(view, h, make_frame(view, it), L.LandscapeOptions())
    ov = d.overlay
    trials = it.info["trials"]
    assert len(trials) > 1 and ov.trials.shape[0] == len(trials)
    assert ov.accepted.sum() == 1 and ov.accepted[-1]
    g = _theta(h[0])[0] - _theta(it)[0]          # θ₀ − θ₁ = t ∇J(θ₀)
    direction = -g / it.step_size
    a = _theta(h[0])[0]
    for (t, _), pt in zip(trials, ov.trials):
        assert np.allclose(pt, (a + t * direction)[[d.ix, d.iy]])
    assert any(leg[1] == "rejected trials" for leg in ov.legend)


@pytest.mark.parametrize("method", ["adagrad", "rmsprop", "adam"])
def test_adaptive_methods_show_their_per_coordinate_step_sizes(method):
    eps = 1e-3 if method == "adagrad" else 1e-8    # a rate of one's own, and the default
    problem, h, view = _scene(method=method, params={"eps": eps}, iterations=12)
    items = list(h)
    it = items[-1]
    d = L.compute(view, h, make_frame(view, it), L.LandscapeOptions())
    ov = d.overlay
    lr = it.info["lr"]
    # the accumulator, rebuilt here from the full gradients at the recorded iterates
    X = problem.features(problem.train.X)
    Xt = np.column_stack([X, np.ones(len(X))])
    y = problem.train.y

    def grad(th):
        p = 1 / (1 + np.exp(-(Xt @ th)))
        return Xt.T @ (p - y) / len(X) + problem.objective.l2 * np.append(th[:-1], 0)

    gs = [grad(_theta(x)[0]) for x in items[:-1]]
    if method == "adagrad":
        acc = np.sum(np.square(gs), axis=0)
    elif method == "rmsprop":
        acc = np.zeros_like(gs[0])
        for g in gs:
            acc = 0.9 * acc + 0.1 * g * g
    else:
        acc = np.zeros_like(gs[0])
        for g in gs:
            acc = 0.999 * acc + 0.001 * g * g
        acc = acc / (1 - 0.999 ** len(gs))
    idx = [d.ix, d.iy]
    eta = lr / (np.sqrt(acc[idx]) + eps)
    assert np.allclose(ov.etas[:2], eta, rtol=1e-9) and ov.etas[2] == lr
    g_now = grad(_theta(it)[0])[idx]
    side = ov.box[2] - ov.box[0]          # the step −ηᵢ ∂J/∂θᵢ, scaled to the −∇J arrow's length
    assert np.allclose(side / np.linalg.norm(side), -eta * g_now / np.linalg.norm(eta * g_now), rtol=1e-9)
    span = np.array([d.extent[1] - d.extent[0], d.extent[3] - d.extent[2]])
    arrow = (d.arrow[1] - d.arrow[0]) / span
    assert np.linalg.norm(side / span) == pytest.approx(np.linalg.norm(arrow), rel=1e-12)


def test_compute_is_pure_and_hover_and_click_use_the_exact_objective():
    problem, h, view = _scene(method="bfgs", iterations=8)
    frame = make_frame(view, h[5])
    a = L.compute(view, h, frame, L.LandscapeOptions())
    L._DESIGN.clear()
    b = L.compute(view, h, frame, L.LandscapeOptions())
    for name in ("Z", "fill", "segments", "path", "levels"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.overlay.ellipse, b.overlay.ellipse)
    x, y = 0.3 * a.extent[0] + 0.7 * a.extent[1], 0.6 * a.extent[2] + 0.4 * a.extent[3]
    coef, intercept = L.restart_point(view, frame, a, x, y)
    th = np.column_stack([coef, intercept])
    assert np.array_equal(np.delete(th, [a.ix, a.iy], axis=1), np.delete(_theta(h[5]), [a.ix, a.iy], axis=1))
    assert th[0, a.ix] == x and th[0, a.iy] == y
    assert L.value_at(view, frame, a, x, y) == pytest.approx(_J(problem, [th])[0], rel=1e-13)


def test_a_history_of_another_model_gives_a_message_not_an_error():
    problem, h, view = _scene(iterations=3)
    other, h2, _ = _scene(DataSettings(n=300, degree=2), iterations=3)
    d = L.compute(view, History([h2.latest]), SimpleNamespace(iterate=h2.latest), L.LandscapeOptions())
    assert not d.ok and d.message


# ----------------------------------------------------------------------
# drawn
# ----------------------------------------------------------------------
def _image(path):
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not img.isNull(), path
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, :3]
    return a[:, :, ::-1].copy()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("extra", [[], ["--optimizer", "newton", "--iterations", "4"],
                                   ["--dataset", "iris", "--optimizer", "lbfgs", "--presentation"]])
def test_renders_in_each_theme(tmp_path, capsys, qapp, theme, extra):
    from logit_gui.cli import main
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"landscape-{theme}.png"
    args = ["render", "--panel", "landscape", "--theme", theme, "--iterations", "30", "--out", str(out), *extra]
    assert main(args) == 0, capsys.readouterr().err
    a = _image(out)
    assert a.shape[:2] == (600, 800)
    t = get_theme(theme)
    bg = np.array([int(t.background[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.all(a[2, 2] == bg)
    # the filled landscape covers most of the picture, and the path's colour is on it
    assert np.mean(np.any(a != bg, axis=2)) > 0.35
    path = np.array([int(t.path_color[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.sum(np.all(np.abs(a.astype(int) - path) < 8, axis=2)) > 30


def test_a_click_in_the_plot_asks_for_a_restart_there(qapp, qtbot):
    import pyqtgraph as pg
    from PySide6.QtCore import QPointF, Qt

    from logit_gui.model.requests import RestartFrom
    from logit_gui.render.panels.landscape import LandscapeItem
    from logit_gui.render.theme import LIGHT

    problem, h, view = _scene(iterations=20)
    frame = make_frame(view, h[10])
    data = L.compute(view, h, frame, L.LandscapeOptions())
    gv = pg.GraphicsView()
    item = LandscapeItem(LIGHT)
    gv.setCentralItem(item)
    gv.resize(800, 600)
    gv.show()
    qtbot.waitExposed(gv)
    item.set_view(view)
    item.draw(h, frame, data)
    qapp.processEvents()
    x = 0.25 * data.extent[0] + 0.75 * data.extent[1]
    y = 0.7 * data.extent[2] + 0.3 * data.extent[3]
    scene_pt = item.plot.vb.mapViewToScene(QPointF(x, y))
    pos = gv.mapFromScene(scene_pt)
    got = []
    item.requested.connect(got.append)
    qtbot.mouseClick(gv.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert len(got) == 1 and isinstance(got[0], RestartFrom)
    th = np.column_stack([got[0].coef, got[0].intercept])
    assert np.array_equal(np.delete(th, [data.ix, data.iy], axis=1),
                          np.delete(_theta(h[10]), [data.ix, data.iy], axis=1))
    span = (data.extent[1] - data.extent[0], data.extent[3] - data.extent[2])
    assert abs(th[0, data.ix] - x) < 0.01 * span[0] and abs(th[0, data.iy] - y) < 0.01 * span[1]
    assert "J = " in item.readout(x, y)
    gv.close()


def test_in_the_window_the_docks_follow_the_run_and_a_click_restarts_it(qtbot, tmp_path):
    import pyqtgraph as pg
    from PySide6.QtCore import QPointF, QSettings, Qt

    from logit_gui.app.main_window import MainWindow

    w = MainWindow(Settings(), store=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    docks = [w.panel_docks["landscape"], w.panel_docks["curvature"]]
    for dock in docks:
        dock.show()
    c = w.controller
    for _ in range(5):
        c.step()
    qtbot.waitUntil(lambda: len(c.run.history) >= 6 and docks[0].item.shown_data is not None
                    and docks[0].item.shown_data.path.shape[0] == len(c.run.history), timeout=20_000)
    land = docks[0].item
    assert land.shown_data.ok and docks[1].item.shown_data.ok
    docks[0].raise_()                      # the panels the window does not open with share a tab
    qtbot.waitUntil(lambda: docks[0].graphics.isVisible() and docks[0].graphics.height() > 100, timeout=10_000)
    qapp_ = pg.QtWidgets.QApplication.instance()
    qapp_.processEvents()
    assert docks[1].item.shown_data.ks.size == len(c.run.history)
    d = land.shown_data
    x = 0.3 * d.extent[0] + 0.7 * d.extent[1]
    y = 0.6 * d.extent[2] + 0.4 * d.extent[3]
    gv = docks[0].graphics
    pos = gv.mapFromScene(land.plot.vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(gv.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    span = (d.extent[1] - d.extent[0], d.extent[3] - d.extent[2])

    def restarted():
        first = c.run.history[0]
        th = np.column_stack([first.coef, first.intercept])
        return abs(th[0, d.ix] - x) < 0.01 * span[0] and abs(th[0, d.iy] - y) < 0.01 * span[1]

    qtbot.waitUntil(restarted, timeout=20_000)
