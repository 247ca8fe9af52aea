"""The precision–recall panel: its compute function against scikit-learn and the core's
metrics, the threshold's point, and the panel drawn in both themes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, precision_recall_curve, precision_score, recall_score
from sklearn.preprocessing import label_binarize

from logit_gui.cli import main
from logit_gui.core import metrics
from logit_gui.model.frames import pr, roc

from test_panel_roc import MULTI, _image, _share, probabilities, scene


def test_binary_curves_and_average_precision_equal_scikit_learns():
    built, h, view, frame = scene()
    d = pr.compute(view, h, frame, pr.PrOptions())
    assert d.kind == "pr" and d.mode == "binary" and [c.split for c in d.curves] == ["train", "test"]
    for c in d.curves:
        y, P = probabilities(built, frame, c.split)
        prec, rec, thr = precision_recall_curve(y, P[:, 1], drop_intermediate=True)
        np.testing.assert_allclose(c.x, rec, atol=1e-15)
        np.testing.assert_allclose(c.y, prec, atol=1e-15)
        np.testing.assert_array_equal(c.thresholds[:-1], thr)
        assert c.thresholds[-1] == np.inf and (c.x[-1], c.y[-1]) == (0.0, 1.0)
        assert c.area == pytest.approx(average_precision_score(y, P[:, 1]), abs=1e-12)
        assert c.area == pytest.approx(metrics.summary(y, P)["average_precision"], abs=1e-12)
    # the no-skill baseline is the share of positives among the training samples
    y, _ = probabilities(built, frame)
    assert dict(d.baselines)["train"] == pytest.approx(np.mean(y == 1))


@pytest.mark.parametrize("t", [0.2, 0.5, 0.8])
def test_the_threshold_point_has_scikit_learns_precision_and_recall(t):
    built, h, view, frame = scene()
    d = pr.compute(view, h, frame, pr.PrOptions(threshold=t))
    for c in d.curves:
        y, P = probabilities(built, frame, c.split)
        pred = (P[:, 1] >= t).astype(int)
        if pred.any():
            assert c.point == pytest.approx((recall_score(y, pred), precision_score(y, pred)), abs=1e-15)
        else:
            assert c.point == (0.0, 1.0)
    # a click on a vertex gives the threshold that puts the point on it
    train = d.curves[0]
    i = train.x.size // 2
    t2 = roc.threshold_at(d, train.x[i], train.y[i])
    moved = pr.compute(view, h, frame, pr.PrOptions(threshold=t2)).curves[0]
    assert moved.point == pytest.approx((train.x[i], train.y[i]), abs=1e-15)


def test_a_threshold_above_every_score_predicts_nothing_and_sits_at_the_curves_end():
    built, h, view, frame = scene()
    d = pr.compute(view, h, frame, pr.PrOptions(threshold=1.0, test=False))
    y, P = probabilities(built, frame)
    assert P[:, 1].max() < 1.0
    assert d.curves[0].point == (0.0, 1.0)


def test_many_classes_one_vs_rest_and_micro_average_equal_scikit_learns():
    built, h, view, frame = scene(MULTI)
    d = pr.compute(view, h, frame, pr.PrOptions())
    y, P = probabilities(built, frame)
    K = P.shape[1]
    train = [c for c in d.curves if c.split == "train"]
    for c in train:
        assert c.area == pytest.approx(average_precision_score(y == c.k, P[:, c.k]), abs=1e-12)
    Y = label_binarize(y, classes=range(K))
    assert dict(d.macro)["train"] == pytest.approx(average_precision_score(Y, P, average="macro"), abs=1e-12)
    assert d.baselines == ()
    micro = pr.compute(view, h, frame, pr.PrOptions(multiclass="micro"))
    c = micro.curves[0]
    assert c.area == pytest.approx(average_precision_score(Y, P, average="micro"), abs=1e-12)
    acc = np.mean(P.argmax(axis=1) == y)
    assert c.point == pytest.approx((acc, acc))  # micro precision = micro recall = accuracy
    assert dict(micro.baselines)["train"] == pytest.approx(1 / K)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("extra", [[], ["--presentation", "--scale", "2"]])
def test_the_pr_panel_renders_in_each_theme(tmp_path, capsys, qapp, theme, extra):
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"pr-{theme}.png"
    rc = main(["render", "--panel", "pr", "--theme", theme, "--iterations", "30", "--out", str(out), *extra])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    t = get_theme(theme)
    s = 2 if extra else 1
    assert a.shape[:2] == (600 * s, 800 * s)
    bg = np.array([int(t.background[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.all(a[2, 2] == bg)
    assert _share(a, t.train_color, 30) > 1e-3 and _share(a, t.test_color, 30) > 5e-4
    assert _share(a, t.threshold_color, 30) > 1e-4


def test_a_long_curve_is_thinned_for_drawing_but_its_area_and_point_are_exact():
    from logit_gui.model.settings import DataSettings, Settings

    built, h, view, frame = scene(Settings(DataSettings(n=12_000, noise=0.7, test_fraction=0.0, degree=1)), 3)
    d = pr.compute(view, h, frame, pr.PrOptions(threshold=0.4))
    c = d.curves[0]
    y, P = probabilities(built, frame)
    prec, rec, thr = precision_recall_curve(y, P[:, 1], drop_intermediate=True)
    assert rec.size > roc.MAX_CURVE_POINTS and 100 < c.x.size < rec.size // 2  # thinned
    assert c.area == pytest.approx(average_precision_score(y, P[:, 1]), abs=1e-12)
    pred = (P[:, 1] >= 0.4).astype(int)
    assert c.point == pytest.approx((recall_score(y, pred), precision_score(y, pred)), abs=1e-15)
    # the kept vertices are scikit-learn's, in order, ends included; a dropped one is in the
    # grid cell of the last vertex kept before it (far below a pixel)
    kept = np.searchsorted(thr, c.thresholds[:-1])
    assert np.array_equal(thr[kept], c.thresholds[:-1]) and kept[0] == 0 and np.all(np.diff(kept) > 0)
    kept = np.r_[kept, rec.size - 1]
    before = kept[np.searchsorted(kept, np.arange(rec.size), side="right") - 1]
    gap = np.hypot(rec - rec[before], prec - prec[before])
    assert gap.max() <= 1.5 * np.sqrt(2) / roc.THIN_GRID
    assert np.count_nonzero(gap) > 0
