"""The ROC panel (and the shared threshold it moves): its compute function against
scikit-learn and the core's metrics, the threshold's point on the curve, a click that
sets the threshold, the boundary's p = t contour, and the panel drawn in both themes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, roc_auc_score, roc_curve
from sklearn.preprocessing import label_binarize

from logit_gui.cli import main
from logit_gui.core import metrics
from logit_gui.core.objective import predict_proba
from logit_gui.model import pipeline
from logit_gui.model.frames import boundary, make_frame, make_view, roc
from logit_gui.model.settings import DataSettings, DisplaySettings, RunSettings, Settings


def scene(settings=None, iterations=30):
    settings = settings or Settings(DataSettings(n=300, imbalance=3.0, test_fraction=0.3),
                                    run=RunSettings(max_iter=1000))
    built = pipeline.build(settings)
    run = pipeline.train_to(built, iterations)
    view = make_view(built.problem, grid=80)
    return built, run.history, view, make_frame(view, run.history.latest)


def probabilities(built, frame, split="train"):
    """The shown iterate's probabilities, computed here from the raw inputs (not the view's cache)."""
    ds = built.problem.train if split == "train" else built.problem.test
    it = frame.iterate
    X = built.problem.feature_map.transform(ds.X)
    return np.asarray(ds.y), predict_proba(built.problem.kind, it.coef, it.intercept, X)


MULTI = Settings(DataSettings(source="blobs", classes=4, n=400, noise=1.5, degree=1, test_fraction=0.3))


def test_binary_curves_and_auc_equal_scikit_learns_and_the_metrics():
    built, h, view, frame = scene()
    d = roc.compute(view, h, frame, roc.RocOptions())
    assert d.mode == "binary" and [c.split for c in d.curves] == ["train", "test"]
    for c in d.curves:
        y, P = probabilities(built, frame, c.split)
        fpr, tpr, thr = roc_curve(y, P[:, 1])
        np.testing.assert_allclose(c.x, fpr, atol=1e-15)
        np.testing.assert_allclose(c.y, tpr, atol=1e-15)
        np.testing.assert_array_equal(c.thresholds[1:], thr[1:])  # scikit-learn's first is +inf too
        assert c.area == pytest.approx(roc_auc_score(y, P[:, 1]), abs=1e-12)
        assert c.area == pytest.approx(metrics.summary(y, P)["roc_auc"], abs=1e-12)
        assert 0.5 < c.area <= 1.0
        assert c.positives == int(np.sum(y == 1)) and c.negatives == int(np.sum(y == 0))


@pytest.mark.parametrize("t", [0.5, 0.3, 0.77])
def test_the_threshold_is_a_vertex_of_the_full_curve_with_scikit_learns_rates(t):
    built, h, view, frame = scene()
    d = roc.compute(view, h, frame, roc.RocOptions(threshold=t))
    for c in d.curves:
        y, P = probabilities(built, frame, c.split)
        (tn, fp), (fn, tp) = confusion_matrix(y, (P[:, 1] >= t).astype(int), labels=[0, 1])
        assert c.point == pytest.approx((fp / (fp + tn), tp / (tp + fn)), abs=1e-15)
        # the vertex of the undropped curve whose threshold is the smallest score ≥ t
        fpr, tpr, thr = roc_curve(y, P[:, 1], drop_intermediate=False)
        above = np.flatnonzero(thr >= t)
        i = above[-1] if above.size else 0
        assert c.point == pytest.approx((fpr[i], tpr[i]), abs=1e-15)
        # and it lies on the drawn (collinear points dropped) polyline
        assert _on_polyline(c.x, c.y, *c.point)


def _on_polyline(x, y, px, py, tol=1e-9) -> bool:
    for a in range(x.size - 1):
        ax, ay, bx, by = x[a], y[a], x[a + 1], y[a + 1]
        cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
        inside = min(ax, bx) - tol <= px <= max(ax, bx) + tol and min(ay, by) - tol <= py <= max(ay, by) + tol
        if abs(cross) < tol and inside:
            return True
    return False


def test_a_click_near_a_vertex_sets_the_threshold_that_puts_the_point_there():
    built, h, view, frame = scene()
    d = roc.compute(view, h, frame, roc.RocOptions())
    train = d.curves[0]
    i = train.x.size // 2
    t = roc.threshold_at(d, train.x[i] + 0.004, train.y[i] - 0.003)
    assert t == train.thresholds[i] and 0 < t < 1
    moved = roc.compute(view, h, frame, roc.RocOptions(threshold=t))
    assert moved.curves[0].point == pytest.approx((train.x[i], train.y[i]), abs=1e-15)
    # the first vertex (nothing positive, threshold +inf) gives t = 1; far from every curve: nothing
    assert roc.threshold_at(d, 0.0, 0.0) == 1.0
    assert roc.threshold_at(d, 0.9, 0.1) is None
    assert "FPR" in roc.describe(d, train, i) and "p ≥" in roc.describe(d, train, i)


def test_many_classes_one_vs_rest_and_micro_average_equal_scikit_learns():
    built, h, view, frame = scene(MULTI)
    d = roc.compute(view, h, frame, roc.RocOptions(multiclass="ovr"))
    assert d.mode == "ovr" and d.threshold is None
    K = 4
    for split in ("train", "test"):
        y, P = probabilities(built, frame, split)
        mine = [c for c in d.curves if c.split == split]
        assert [c.k for c in mine] == list(range(K))
        for c in mine:
            assert c.area == pytest.approx(roc_auc_score(y == c.k, P[:, c.k]), abs=1e-12)
            # the point is the argmax classifier's rates for that class
            pred = P.argmax(axis=1)
            tp = np.sum((pred == c.k) & (y == c.k))
            fp = np.sum((pred == c.k) & (y != c.k))
            assert c.point == pytest.approx((fp / np.sum(y != c.k), tp / np.sum(y == c.k)))
        macro = dict(d.macro)[split]
        assert macro == pytest.approx(roc_auc_score(y, P, multi_class="ovr", average="macro"), abs=1e-12)
    micro = roc.compute(view, h, frame, roc.RocOptions(multiclass="micro", test=False))
    assert micro.mode == "micro" and len(micro.curves) == 1 and micro.splits == ("train",)
    y, P = probabilities(built, frame)
    Y = label_binarize(y, classes=range(K))
    assert micro.curves[0].area == pytest.approx(roc_auc_score(Y, P, average="micro"), abs=1e-12)
    acc = np.mean(P.argmax(axis=1) == y)
    assert micro.curves[0].point == pytest.approx(((1 - acc) / (K - 1), acc))


def test_the_threshold_is_one_value_for_every_panel_that_has_it():
    from logit_gui.model.frames import confusion, pr

    display = DisplaySettings().with_options("roc", roc.RocOptions(threshold=0.3, test=False))
    assert display.threshold == 0.3
    for pid, cls in (("pr", pr.PrOptions), ("confusion", confusion.ConfusionOptions),
                     ("boundary", boundary.BoundaryOptions)):
        assert display.options(pid, cls).threshold == 0.3
    assert display.options("roc", roc.RocOptions).test is False


def test_the_boundary_draws_p_equals_t_dashed_only_when_t_is_not_one_half():
    built, h, view, frame = scene()
    half = boundary.compute(view, h, frame, boundary.BoundaryOptions())
    assert half.threshold_line.shape[0] == 0 and half.boundary.shape[0] > 0
    d = boundary.compute(view, h, frame, boundary.BoundaryOptions(threshold=0.3))
    line = d.threshold_line
    assert line.shape[0] > 0
    assert np.array_equal(d.boundary, half.boundary)  # the bold p = 0.5 line is unchanged
    pts = line[np.all(np.isfinite(line), axis=1)]
    it = frame.iterate
    p = predict_proba("binary", it.coef, it.intercept, built.problem.features(view.projection.inverse(pts)))[:, 1]
    assert np.all(np.abs(p - 0.3) < 0.03)
    # one polyline per connected piece: far fewer pieces than segments (dashes run along the line),
    # each a walk from grid cell to grid cell (no jumps across the plane)
    pieces = 1 + np.count_nonzero(~np.isfinite(line[:, 0]))
    assert pieces <= 4 < pts.shape[0] // 4
    cell = np.hypot(view.xs[1] - view.xs[0], view.ys[1] - view.ys[0])
    steps = np.hypot(*np.diff(line, axis=0).T)
    assert np.all(steps[np.isfinite(steps)] <= 1.01 * cell)
    many = scene(MULTI)
    m = boundary.compute(many[2], many[1], many[3], boundary.BoundaryOptions(threshold=0.3))
    assert m.threshold_line.shape[0] == 0  # binary models only


def test_polylines_join_segments_into_lines_and_keep_every_segment():
    theta = np.linspace(0, 2 * np.pi, 41)
    ring = np.column_stack([np.cos(theta), np.sin(theta)])
    segs = np.empty((80, 2))
    segs[0::2], segs[1::2] = ring[:-1], ring[1:]
    rng = np.random.default_rng(1)
    order = rng.permutation(40)
    shuffled = segs.reshape(40, 2, 2)[order]
    flip = rng.random(40) < 0.5
    shuffled[flip] = shuffled[flip][:, ::-1]
    line = boundary.polylines(shuffled.reshape(80, 2))
    assert np.all(np.isfinite(line)) and line.shape[0] == 41  # one closed line: 40 segments, 41 points
    got = {tuple(np.round(np.r_[line[i], line[i + 1]], 9)) for i in range(40)}
    for a, b in segs.reshape(40, 2, 2):
        assert tuple(np.round(np.r_[a, b], 9)) in got or tuple(np.round(np.r_[b, a], 9)) in got
    two = boundary.polylines(np.array([[0, 0], [1, 0], [5, 5], [6, 5.0]]))
    assert two.shape[0] == 5 and np.isnan(two[2]).all()
    assert boundary.polylines(np.empty((0, 2))).shape == (0, 2)


# ----------------------------------------------------------------------
# drawing
# ----------------------------------------------------------------------
def _image(path):
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not img.isNull(), path
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[:, :, :3]
    return a[:, :, ::-1].copy()


def _share(a, hex_color, tol=40):
    target = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
    return np.mean(np.all(np.abs(a.astype(int) - target) < tol, axis=2))


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("extra", [[], ["--presentation"], ["--dataset", "blobs", "--classes", "4", "--n", "300"]])
def test_the_roc_panel_renders_in_each_theme(tmp_path, capsys, qapp, theme, extra):
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"roc-{theme}.png"
    rc = main(["render", "--panel", "roc", "--theme", theme, "--iterations", "30", "--out", str(out), *extra])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    t = get_theme(theme)
    assert a.shape[:2] == (600, 800)
    bg = np.array([int(t.background[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.all(a[2, 2] == bg)
    if "blobs" in extra:  # one curve per class, in the class colours
        for k in range(4):
            assert _share(a, t.class_color(k), 30) > 2e-4, k
    else:  # train and test curves, and the threshold's points
        assert _share(a, t.train_color, 30) > 1e-3 and _share(a, t.test_color, 30) > 5e-4
        assert _share(a, t.threshold_color, 30) > 1e-4


def test_a_click_on_the_curve_asks_the_window_for_that_threshold(qapp):
    from logit_gui.model.requests import SetThreshold
    from logit_gui.render.panels.roc import RocItem
    from logit_gui.render.theme import LIGHT

    built, h, view, frame = scene()
    item = RocItem(LIGHT)
    item.set_view(view)
    d = roc.compute(view, h, frame, roc.RocOptions())
    item.draw(h, frame, d)
    got = []
    item.requested.connect(got.append)
    c = d.curves[0]
    i = c.x.size // 3
    item.box.clicked.emit(float(c.x[i]), float(c.y[i]))
    assert len(got) == 1 and isinstance(got[0], SetThreshold) and got[0].threshold == c.thresholds[i]
    assert "TPR" in item.readout(float(c.x[i]), float(c.y[i]))
    item.box.clicked.emit(0.95, 0.05)  # nowhere near a curve: no request
    assert len(got) == 1
    # the items are made once: a new frame reuses them
    n_items = len(item.plot.items)
    item.draw(h, frame, roc.compute(view, h, frame, roc.RocOptions(threshold=0.2)))
    assert len(item.plot.items) == n_items
    assert item.train_points.data["x"][0] == pytest.approx(
        roc.compute(view, h, frame, roc.RocOptions(threshold=0.2)).curves[0].point[0])


def test_compute_is_pure():
    built, h, view, frame = scene()
    a = roc.compute(view, h, frame, roc.RocOptions(threshold=0.4))
    b = roc.compute(view, h, frame, roc.RocOptions(threshold=0.4))
    for ca, cb in zip(a.curves, b.curves, strict=True):
        assert np.array_equal(ca.x, cb.x) and np.array_equal(ca.y, cb.y) and ca.point == cb.point
    assert replace(roc.RocOptions(), threshold=0.4) == roc.RocOptions(threshold=0.4)
