"""The summary panel: the Wald table against statsmodels' Logit (where statsmodels is installed)
and against NumPy and the standard library; its notes; the panel drawn in both themes."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from logit_gui.core import train
from logit_gui.core.datasets import Dataset, load_dataset
from logit_gui.core.optimizers import make_optimizer
from logit_gui.core.problem import build_problem
from logit_gui.model import pipeline
from logit_gui.model.frames import make_frame, make_view
from logit_gui.model.frames import summary as S
from logit_gui.model.history import History
from logit_gui.model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings


def _fit(problem, method="newton", tol=1e-12, max_iter=200):
    opt = make_optimizer(method, problem.objective)
    last = None
    for last in train.run(opt, max_iter=max_iter, tol=tol):
        pass
    return last


def _cancer4():
    """Breast cancer on four features: not separable, so the MLE exists."""
    ds = load_dataset("breast-cancer")
    cols = [0, 1, 4, 8]
    return Dataset(ds.X[:, cols], ds.y, ds.classes, tuple(ds.feature_names[c] for c in cols), "cancer-4")


def _iris_versicolor():
    from logit_gui.core.datasets import to_binary

    return to_binary(load_dataset("iris"), "versicolor")


def _frame_for(problem, it):
    view = make_view(problem, grid=10)
    return view, History([it]), make_frame(view, it)


DATASETS = [_cancer4, _iris_versicolor]


# ----------------------------------------------------------------------
# against statsmodels
# ----------------------------------------------------------------------
@pytest.mark.parametrize("make", DATASETS)
@pytest.mark.parametrize("standardize", [False, True])
def test_the_table_is_statsmodels_logit(make, standardize):
    sm = pytest.importorskip("statsmodels.api")
    ds = make()
    problem = build_problem(ds, standardize=standardize)
    it = _fit(problem)
    assert it.status == "converged"
    y = np.asarray(ds.y)
    raw = sm.Logit(y, sm.add_constant(np.asarray(ds.X))).fit(disp=0, method="newton", tol=1e-10, maxiter=200)
    for units, ref in (("input", raw),
                       ("model", sm.Logit(y, sm.add_constant(problem.features(ds.X))).fit(
                           disp=0, method="newton", tol=1e-10, maxiter=200))):
        w = S.wald(problem, it.coef, it.intercept, units)
        if units == "model" and not standardize:
            ref = raw
        np.testing.assert_allclose(w.se, ref.bse, rtol=1e-6)
        np.testing.assert_allclose(w.coef, ref.params, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(w.z, ref.tvalues, rtol=1e-6)
        np.testing.assert_allclose(w.p, ref.pvalues, rtol=1e-5, atol=1e-300)
        ci = np.asarray(ref.conf_int(alpha=0.05))
        np.testing.assert_allclose(np.column_stack([w.lo, w.hi]), ci, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(np.column_stack([w.odds_lo, w.odds_hi]), np.exp(ci), rtol=1e-6)
        np.testing.assert_allclose(w.odds, np.exp(ref.params), rtol=1e-6)
        np.testing.assert_allclose(w.cov, ref.cov_params(), rtol=1e-6, atol=1e-12)
        assert w.loglik == pytest.approx(ref.llf, rel=1e-9)
        assert w.loglik_null == pytest.approx(ref.llnull, rel=1e-7)
        assert w.pseudo_r2 == pytest.approx(ref.prsquared, rel=1e-6)
        assert w.names[0] == "(intercept)" and w.names[1:] == tuple(ds.feature_names)


def test_the_panels_compute_gives_the_same_table_and_says_nothing_is_wrong():
    sm = pytest.importorskip("statsmodels.api")
    ds = _iris_versicolor()
    problem = build_problem(ds, standardize=True)
    it = _fit(problem)
    view, h, frame = _frame_for(problem, it)
    d = S.compute(view, h, frame, S.SummaryOptions())
    assert d.available and d.meaningful and d.notes == () and d.hidden == 0
    ref = sm.Logit(np.asarray(ds.y), sm.add_constant(np.asarray(ds.X))).fit(disp=0, method="newton", tol=1e-10)
    np.testing.assert_allclose(d.table.se, ref.bse, rtol=1e-6)
    rows = S.cells(d)
    assert [r[0] for r in rows] == ["(intercept)", *ds.feature_names]
    assert rows[1][1] == f"{ref.params[1]:.4g}".replace("-", "−")
    assert rows[1][2] == f"{ref.bse[1]:.4g}".replace("-", "−")
    assert "converged" in d.header[0] and "n = 150" in d.header[0]


# ----------------------------------------------------------------------
# independent of statsmodels: NumPy and the standard library
# ----------------------------------------------------------------------
def test_standard_errors_p_values_and_intervals_from_numpy_and_the_stdlib_normal():
    ds = _cancer4()
    problem = build_problem(ds, standardize=True)
    it = _fit(problem)
    w = S.wald(problem, it.coef, it.intercept, "input")
    X1 = np.column_stack([np.ones(ds.n), np.asarray(ds.X)])           # the raw features, intercept first
    wi, bi = problem.coef_in_input_units(it)
    b = np.concatenate([np.ravel(bi), np.ravel(wi)])
    p = 1.0 / (1.0 + np.exp(-X1 @ b))
    cov = np.linalg.inv(X1.T @ (X1 * (p * (1 - p))[:, None]))        # the inverse observed information
    se = np.sqrt(np.diag(cov))
    np.testing.assert_allclose(w.coef, b, rtol=1e-9)
    np.testing.assert_allclose(w.se, se, rtol=1e-6)
    np.testing.assert_allclose(w.z, b / se, rtol=1e-6)
    # p = 2 Φ(−|z|): the standard library's Φ (1 + erf, exact where the tail is not tiny) ...
    N = statistics.NormalDist()
    mid = w.p > 1e-8
    assert mid.sum() >= 2
    np.testing.assert_allclose(w.p[mid], [2.0 * N.cdf(-abs(v)) for v in w.z[mid]], rtol=1e-7)
    # ... and SciPy's survival function everywhere, the far tail included
    stats = pytest.importorskip("scipy.stats")
    np.testing.assert_allclose(w.p, 2.0 * stats.norm.sf(np.abs(w.z)), rtol=1e-12)
    q = N.inv_cdf(0.975)
    np.testing.assert_allclose(w.hi - w.coef, q * se, rtol=1e-9)
    np.testing.assert_allclose(w.odds_hi, np.exp(b + q * se), rtol=1e-9)
    yv = np.asarray(ds.y, dtype=float)
    assert w.loglik == pytest.approx(float(np.sum(yv * np.log(p) + (1 - yv) * np.log(1 - p))), rel=1e-9)


def test_the_normal_tail_handles_the_extremes():
    assert S._normal_tail(0.0) == 1.0
    assert S._normal_tail(1.959963984540054) == pytest.approx(0.05, rel=1e-12)
    assert S._normal_tail(-3.0) == S._normal_tail(3.0)
    assert S._normal_tail(40.0) == 0.0 and S._normal_tail(math.inf) == 0.0
    assert math.isnan(S._normal_tail(math.nan))
    assert S._pval(0.0) == "< 1e−300" and S._pval(2e-7) == "2.0e−07" and S._pval(0.0501) == "0.050"


def test_sorting_puts_the_strongest_evidence_first_and_the_intercept_on_top():
    problem = build_problem(_cancer4(), standardize=True)
    it = _fit(problem)
    view, h, frame = _frame_for(problem, it)
    d = S.compute(view, h, frame, S.SummaryOptions(sort=True))
    z = np.abs(d.table.z)
    assert d.rows[0] == 0
    assert list(d.rows[1:]) == sorted(range(1, z.size), key=lambda i: -z[i])


# ----------------------------------------------------------------------
# the notes: where the table means something else, or nothing
# ----------------------------------------------------------------------
def _scene(settings, iterations):
    built = pipeline.build(settings)
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=10)
    return built, run.history, view, make_frame(view, run.history.latest)


def test_separable_classes_are_said_to_make_the_table_meaningless():
    s = Settings(DataSettings(source="breast-cancer", degree=1, standardize=True, test_fraction=0.0),
                 ModelSettings(l2=0.0), OptimizerSettings("newton", ()), RunSettings(max_iter=100))
    built, h, view, frame = _scene(s, 100)
    d = S.compute(view, h, frame, S.SummaryOptions())
    assert d.available and not d.meaningful
    assert any("linearly separable" in n and "does not exist" in n for n in d.notes)
    assert not any("Penalized" in n for n in d.notes)
    assert d.table.perfect > 0.5  # the samples are fitted with p at 0 or 1


def test_a_penalized_or_unconverged_iterate_is_said_to_be_what_the_table_describes():
    s = Settings(DataSettings(source="moons", n=200, degree=1, standardize=True, test_fraction=0.0),
                 ModelSettings(l2=1e-2), OptimizerSettings("gd", (("lr", 0.1),)), RunSettings(max_iter=1000))
    built, h, view, frame = _scene(s, 5)
    d = S.compute(view, h, frame, S.SummaryOptions())
    assert d.meaningful
    assert any(n.startswith("Penalized (λ₂ = 0.01)") and "shown iterate" in n for n in d.notes)
    assert any(n.startswith("Iteration 5 is not converged") for n in d.notes)
    # the standard errors are the likelihood's (no L2 in the Hessian): the same as for l2 = 0 at these weights
    free = build_problem(built.dataset, standardize=True)
    it = frame.iterate
    np.testing.assert_allclose(d.table.se, S.wald(free, it.coef, it.intercept).se, rtol=1e-12)


def test_a_singular_hessian_leaves_the_standard_errors_undefined():
    ds = _cancer4()
    X = np.column_stack([ds.X, 2.0 * np.asarray(ds.X)[:, 0]])  # a duplicated (collinear) feature
    dup = Dataset(X, ds.y, ds.classes, (*ds.feature_names, "2 × mean radius"), "dup")
    problem = build_problem(dup, standardize=True)
    it = _fit(problem, tol=1e-8, max_iter=50)
    view, h, frame = _frame_for(problem, it)
    d = S.compute(view, h, frame, S.SummaryOptions())
    assert d.table.singular and np.all(np.isnan(d.table.se)) and not d.meaningful
    assert any("Hessian is singular" in n for n in d.notes)
    assert S.cells(d)[1][2] == "–" and S.cells(d)[1][1] != "–"


def test_many_classes_or_too_many_parameters_give_no_table_and_say_why():
    s = Settings(DataSettings(source="iris", degree=1, test_fraction=0.0), ModelSettings(l2=0.0),
                 OptimizerSettings("lbfgs", ()))
    built, h, view, frame = _scene(s, 5)
    d = S.compute(view, h, frame, S.SummaryOptions())
    assert not d.available and "3 classes" in d.message and d.table is None and S.cells(d) == []
    s = Settings(DataSettings(source="digits", positive="3", degree=1, test_fraction=0.0),
                 ModelSettings(l2=1e-2), OptimizerSettings("lbfgs", ()))
    built, h, view, frame = _scene(s, 5)
    d = S.compute(view, h, frame, S.SummaryOptions())
    assert d.available and d.hidden == 65 - S.MAX_ROWS and len(d.rows) == S.MAX_ROWS and d.rows[0] == 0


def test_compute_is_pure():
    s = Settings(DataSettings(source="moons", n=150, degree=2, standardize=True, test_fraction=0.0),
                 ModelSettings(l2=0.0), OptimizerSettings("newton", ()))
    built, h, view, frame = _scene(s, 30)
    a = S.compute(view, h, frame, S.SummaryOptions())
    b = S.compute(view, h, frame, S.SummaryOptions())
    assert S.cells(a) == S.cells(b) and a.notes == b.notes and a.header == b.header


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
@pytest.mark.parametrize("extra", [[], ["--presentation"]])
def test_the_panel_renders_from_the_command_line(tmp_path, capsys, qapp, theme, extra):
    from logit_gui.cli import main

    out = tmp_path / f"summary-{theme}.png"
    rc = main(["render", "--panel", "summary", "--dataset", "breast-cancer", "--standardize", "--optimizer",
               "newton", "--theme", theme, *extra, "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    bg = np.array([255, 255, 255] if theme == "light" else [0x16, 0x18, 0x1d])
    assert np.all(a[2, 2] == bg)
    assert np.mean(np.any(a != bg, axis=2)) > 0.03
    # the warning colour of the notes is drawn (breast cancer is separable)
    from logit_gui.render.theme import get_theme

    warn = get_theme(theme).rgb(get_theme(theme).warning_color) * 255
    assert np.any(np.all(np.abs(a.astype(int) - warn) < 30, axis=2))


def test_the_whole_table_fits_a_small_panel(qapp):
    """The document is scaled down (never up) until it fits: nothing is cut."""
    from logit_gui.render.figure import Figure
    from logit_gui.render.theme import LIGHT

    s = Settings(DataSettings(source="breast-cancer", degree=1, standardize=True, test_fraction=0.0),
                 ModelSettings(l2=0.0), OptimizerSettings("newton", ()))
    built, h, view, frame = _scene(s, 30)
    for size in ((800, 600), (400, 300), (1600, 1200)):
        fig = Figure(["summary"], LIGHT, size)
        try:
            fig.draw(view, h, frame, built.settings.display)
            item = fig.items["summary"]
            box = item.box
            shown = box.viewRect()
            doc = item.doc.document().size()
            assert doc.width() <= shown.width() * 1.002 and doc.height() <= shown.height() * 1.002
            scale = box.boundingRect().width() / shown.width()
            assert scale <= 1.0 + 1e-9
            text = item.doc.toPlainText()
            if size == (1600, 1200):
                assert scale == pytest.approx(1.0, rel=1e-3)  # the theme's size: never enlarged
            if scale < 1.0 - 1e-3:  # scaled down no further than it must: it fills the width or the height
                W, H = box.boundingRect().width(), box.boundingRect().height()
                assert doc.width() * scale >= 0.99 * W or doc.height() * scale >= 0.99 * H
            if size == (400, 300):
                # a small panel keeps the rows that fit at a readable size and says how many more
                assert "more rows below" in text and "worst fractal dimension" not in text
            else:
                assert "more rows" not in text
                assert all(name in text for name in built.problem.feature_names)
        finally:
            fig.close()
