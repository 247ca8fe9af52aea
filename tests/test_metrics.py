"""Metrics against scikit-learn's (a test-only dependency), to 1e-12, ties included."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk

from logit_gui.core import metrics as m
from logit_gui.core.errors import DataError

TOL = 1e-12


@st.composite
def binary_scores(draw, min_size=2, max_size=60):
    n = draw(st.integers(min_size, max_size))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    # few distinct levels → many ties; or arbitrary floats
    if draw(st.booleans()):
        levels = draw(st.integers(1, 6))
        s = np.array(draw(st.lists(st.integers(0, levels), min_size=n, max_size=n))) / levels
    else:
        s = np.array(draw(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n)))
    return y, s


@st.composite
def probabilities(draw, max_k=5, max_size=50):
    K = draw(st.integers(2, max_k))
    n = draw(st.integers(1, max_size))
    y = np.array(draw(st.lists(st.integers(0, K - 1), min_size=n, max_size=n)))
    raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n * K, max_size=n * K))).reshape(n, K)
    if draw(st.booleans()):
        raw[raw < 0.3] = 0.0  # exact zeros exercise the clipping
    raw[:, 0] += 1e-300 * (raw.sum(axis=1) == 0)  # no all-zero rows
    P = raw / raw.sum(axis=1, keepdims=True)
    return y, P


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    assert np.allclose(a, b, rtol=0, atol=TOL, equal_nan=True), (a, b)


@settings(max_examples=200, deadline=None)
@given(binary_scores())
def test_roc_auc_and_average_precision(data):
    y, s = data
    assume(0 < y.sum() < y.size)
    assert abs(m.roc_auc(y, s) - sk.roc_auc_score(y, s)) <= TOL
    assert abs(m.average_precision(y, s) - sk.average_precision_score(y, s)) <= TOL


@settings(max_examples=200, deadline=None)
@given(binary_scores(), st.booleans())
def test_curves(data, drop):
    y, s = data
    assume(0 < y.sum() < y.size)
    for ours, ref in zip(m.roc_curve(y, s, drop_intermediate=drop), sk.roc_curve(y, s, drop_intermediate=drop)):
        _close(ours, ref)
    for ours, ref in zip(
        m.precision_recall_curve(y, s, drop_intermediate=drop),
        sk.precision_recall_curve(y, s, drop_intermediate=drop),
    ):
        _close(ours, ref)


def test_curve_defaults_are_sklearns():
    y = np.array([0, 0, 1, 1, 0, 1, 1, 0, 1, 0])
    s = np.array([0.1, 0.2, 0.2, 0.3, 0.4, 0.5, 0.6, 0.6, 0.7, 0.8])
    for ours, ref in zip(m.roc_curve(y, s), sk.roc_curve(y, s)):
        _close(ours, ref)
    for ours, ref in zip(m.precision_recall_curve(y, s), sk.precision_recall_curve(y, s)):
        _close(ours, ref)
    fpr, tpr, thr = m.roc_curve(y, s)
    assert thr[0] == np.inf and fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1


def test_single_class_cases():
    y = np.zeros(5, dtype=int)
    s = np.linspace(0, 1, 5)
    assert np.isnan(m.roc_auc(y, s))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert m.average_precision(y, s) == sk.average_precision_score(y, s) == 0.0
        assert m.average_precision(1 - y, s) == sk.average_precision_score(1 - y, s) == 1.0
        fpr, tpr, _ = m.roc_curve(y, s)
        assert np.all(np.isnan(tpr)) and np.all(np.isfinite(fpr))


@settings(max_examples=200, deadline=None)
@given(probabilities())
def test_log_loss(data):
    y, P = data
    K = P.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sk.log_loss(y, P, labels=list(range(K)))
    assert abs(m.log_loss(y, P) - ref) <= TOL * max(1.0, ref)


def test_log_loss_binary_vector_and_clipping():
    y = np.array([0, 1, 1])
    p1 = np.array([0.0, 1.0, 0.0])  # the last is a certain mistake: clipped, not infinite
    ours = m.log_loss(y, p1)
    assert np.isfinite(ours)
    assert abs(ours - sk.log_loss(y, np.column_stack([1 - p1, p1]))) <= TOL * ours
    with pytest.raises(DataError):
        m.log_loss(y, np.array([[-0.5, 1.5]] * 3))
    with pytest.raises(DataError):
        m.log_loss(np.array([0, 2, 1]), np.full((3, 2), 0.5))


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 6), st.integers(1, 60), st.data())
def test_accuracy_balanced_and_confusion(K, n, data):
    y = np.array(data.draw(st.lists(st.integers(0, K - 1), min_size=n, max_size=n)))
    y_pred = np.array(data.draw(st.lists(st.integers(0, K - 1), min_size=n, max_size=n)))
    assert abs(m.accuracy(y, y_pred) - sk.accuracy_score(y, y_pred)) <= TOL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sk.balanced_accuracy_score(y, y_pred)
    assert abs(m.balanced_accuracy(y, y_pred) - ref) <= TOL
    C = m.confusion_matrix(y, y_pred, K)
    assert C.shape == (K, K)
    assert np.array_equal(C, sk.confusion_matrix(y, y_pred, labels=list(range(K))))


def test_summary_binary_and_multiclass():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 80)
    p1 = np.clip(0.3 * y + rng.uniform(0, 0.7, 80), 0, 1)
    P = np.column_stack([1 - p1, p1])
    s = m.summary(y, P)
    assert set(s) == {"accuracy", "balanced_accuracy", "log_loss", "confusion", "roc_auc", "average_precision"}
    y_pred = (p1 > 0.5).astype(int)
    assert s["accuracy"] == pytest.approx(sk.accuracy_score(y, y_pred), abs=TOL)
    assert s["balanced_accuracy"] == pytest.approx(sk.balanced_accuracy_score(y, y_pred), abs=TOL)
    assert s["log_loss"] == pytest.approx(sk.log_loss(y, P), abs=TOL)
    assert s["confusion"] == sk.confusion_matrix(y, y_pred).tolist()
    assert s["roc_auc"] == pytest.approx(sk.roc_auc_score(y, p1), abs=TOL)
    assert s["average_precision"] == pytest.approx(sk.average_precision_score(y, p1), abs=TOL)
    assert isinstance(s["confusion"][0][0], int)

    y3 = rng.integers(0, 3, 60)
    P3 = rng.dirichlet(np.ones(3), 60)
    s3 = m.summary(y3, P3)
    assert set(s3) == {"accuracy", "balanced_accuracy", "log_loss", "confusion"}
    assert np.array_equal(s3["confusion"], sk.confusion_matrix(y3, P3.argmax(1), labels=[0, 1, 2]))

    one = m.summary(np.zeros(4, dtype=int), np.full((4, 2), 0.5))  # a test set with one class
    assert one["roc_auc"] is None and one["average_precision"] is None
    assert one["accuracy"] == 1.0  # ties in argmax → the lower class code


def test_bad_inputs():
    with pytest.raises(DataError):
        m.roc_auc(np.array([0, 1, 2]), np.array([0.1, 0.2, 0.3]))
    with pytest.raises(DataError):
        m.roc_curve(np.array([0, 1]), np.array([0.1, np.nan]))
    with pytest.raises(DataError):
        m.accuracy(np.array([0, 1]), np.array([0]))
    with pytest.raises(DataError):
        m.confusion_matrix(np.array([0, 3]), np.array([0, 1]), 2)
