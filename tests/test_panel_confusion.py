"""The confusion panel: counts, rates and scores against scikit-learn at the threshold
(binary) and at the argmax (many classes), train and test, and the panel drawn in both themes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from logit_gui.cli import main
from logit_gui.model.frames import confusion
from logit_gui.model.settings import DataSettings, Settings

from test_panel_roc import MULTI, _image, _share, probabilities, scene


def _check_scores(d, y, pred, K):
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=range(K), zero_division=np.nan)
    np.testing.assert_allclose(d.precision, p, equal_nan=True)
    np.testing.assert_allclose(d.recall, r, equal_nan=True)
    np.testing.assert_allclose(d.f1, f, equal_nan=True)
    np.testing.assert_array_equal(d.support, s)
    assert d.accuracy == pytest.approx(accuracy_score(y, pred))
    assert d.balanced_accuracy == pytest.approx(balanced_accuracy_score(y, pred))
    assert d.macro_f1 == pytest.approx(f1_score(y, pred, average="macro", zero_division=np.nan))


@pytest.mark.parametrize("split", ["train", "test"])
@pytest.mark.parametrize("t", [0.5, 0.25, 0.7, 0.0, 1.0])
def test_binary_counts_equal_scikit_learns_at_the_threshold(split, t):
    built, h, view, frame = scene()
    d = confusion.compute(view, h, frame, confusion.ConfusionOptions(threshold=t, split=split))
    y, P = probabilities(built, frame, split)
    pred = (P[:, 1] >= t).astype(int)
    assert d.split == split and d.note == "" and d.binary and d.threshold == t
    np.testing.assert_array_equal(d.counts, confusion_matrix(y, pred, labels=[0, 1]))
    assert d.n == y.size == d.counts.sum()
    assert d.cell_names == (("TN", "FP"), ("FN", "TP")) and d.rate_names[1][1] == "TPR"
    _check_scores(d, y, pred, 2)


@pytest.mark.parametrize("rates", ["true", "pred", "all"])
def test_the_rates_are_scikit_learns_normalized_matrix(rates):
    built, h, view, frame = scene()
    d = confusion.compute(view, h, frame, confusion.ConfusionOptions(threshold=0.35, rates=rates))
    y, P = probabilities(built, frame)
    pred = (P[:, 1] >= 0.35).astype(int)
    np.testing.assert_allclose(d.rates, confusion_matrix(y, pred, labels=[0, 1], normalize=rates))
    assert d.rate_kind == rates


def test_many_classes_count_the_most_probable_class():
    built, h, view, frame = scene(MULTI)
    for split in ("train", "test"):
        d = confusion.compute(view, h, frame, confusion.ConfusionOptions(threshold=0.2, split=split))
        y, P = probabilities(built, frame, split)
        pred = P.argmax(axis=1)
        assert not d.binary and d.threshold is None and d.cell_names == ()  # the threshold does not apply
        np.testing.assert_array_equal(d.counts, confusion_matrix(y, pred, labels=range(4)))
        _check_scores(d, y, pred, 4)


def test_a_class_never_predicted_has_no_precision():
    built, h, view, frame = scene()
    d = confusion.compute(view, h, frame, confusion.ConfusionOptions(threshold=1.0))
    assert d.counts[:, 1].sum() == 0
    assert np.isnan(d.precision[1]) and d.recall[1] == 0.0 and d.f1[1] == 0.0
    assert np.isnan(d.rates[0, 1]) if d.rate_kind == "pred" else d.rates[0, 1] == 0.0


def test_without_a_test_split_the_training_samples_are_counted_and_it_says_so():
    built, h, view, frame = scene(Settings(DataSettings(n=120, test_fraction=0.0)))
    d = confusion.compute(view, h, frame, confusion.ConfusionOptions(split="test"))
    assert d.split == "train" and "no test split" in d.note and d.n == 120
    assert confusion.samples(view, frame.iterate, "test") is None


def test_the_frame_and_the_panel_agree_at_one_half():
    built, h, view, frame = scene()
    d = confusion.compute(view, h, frame, confusion.ConfusionOptions())
    assert d.accuracy == pytest.approx(frame.train_acc)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("extra", [[], ["--presentation"], ["--dataset", "blobs", "--classes", "10", "--n", "600"]])
def test_the_confusion_panel_renders_in_each_theme(tmp_path, capsys, qapp, theme, extra):
    from logit_gui.render.theme import get_theme

    out = tmp_path / f"confusion-{theme}.png"
    rc = main(["render", "--panel", "confusion", "--theme", theme, "--iterations", "30", "--out", str(out),
               *extra])
    assert rc == 0, capsys.readouterr().err
    a = _image(out)
    t = get_theme(theme)
    bg = np.array([int(t.background[i:i + 2], 16) for i in (1, 3, 5)])
    assert a.shape[:2] == (600, 800) and np.all(a[2, 2] == bg)
    assert _share(a, t.cell_color, 60) > 0.02  # the diagonal: cells near the full cell colour (rates > 0.8)


def test_cell_text_fits_its_cell_and_the_items_are_made_once(qapp):
    from PySide6.QtCore import QRectF

    from logit_gui.render.figure import Figure
    from logit_gui.render.theme import get_theme
    from logit_gui.model.settings import DisplaySettings

    for settings, pres in ((None, False), (MULTI, True)):
        built, h, view, frame = scene(settings)
        fig = Figure(["confusion"], get_theme("light", presentation=pres))
        fig.draw(view, h, frame, DisplaySettings())
        item = fig.items["confusion"]
        n_items = len(item.plot.items)
        fig.draw(view, h, frame, DisplaySettings(threshold=0.3))
        assert len(item.plot.items) == n_items
        vb = item.plot.vb
        K = view.K
        for i in range(K):
            for j in range(K):
                n = i * 10 + j
                for text in (item.counts[n], item.rates[n]):
                    if not text.isVisible():
                        continue
                    box = text.mapRectToItem(vb.childGroup, text.boundingRect())
                    cell = QRectF(j - 0.5, i - 0.5, 1.0, 1.0)
                    assert cell.contains(box), (i, j, text.toPlainText(), box, cell)
        assert "predicted" in item.readout(0.0, 1.0)
        fig.close()
