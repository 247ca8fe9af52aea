"""Generators, bundled datasets, relabelling, splits and projections."""

from __future__ import annotations

import numpy as np
import pytest

from logit_gui.core.datasets import (
    BUNDLED,
    GENERATORS,
    MULTICLASS_GENERATORS,
    Dataset,
    check_classes,
    class_counts,
    list_datasets,
    load_bundled,
    load_dataset,
    make_dataset,
    project_2d,
    to_binary,
    train_test_split,
)
from logit_gui.core.errors import DataError
from logit_gui.core.features import polynomial_features

ALL_GENERATORS = sorted(GENERATORS)


def _k(name):
    return 3 if name in MULTICLASS_GENERATORS else 2


# --------------------------------------------------------------------------
# generators
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_GENERATORS)
def test_same_seed_same_arrays(name):
    kw = dict(n=150, noise=0.3, classes=_k(name), imbalance=2.5, label_noise=0.1, outliers=0.05, seed=7)
    a, b = make_dataset(name, **kw), make_dataset(name, **kw)
    assert a.X.dtype == np.float64 and a.y.dtype == np.intp
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    c = make_dataset(name, **{**kw, "seed": 8})
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", ALL_GENERATORS)
def test_generator_shapes_and_classes(name):
    K = _k(name)
    ds = make_dataset(name, n=120, classes=K)
    assert (ds.n, ds.d, ds.n_classes) == (120, 2, K)
    assert ds.classes == tuple(range(K))
    assert ds.feature_names == ("x1", "x2")
    assert np.all(np.isfinite(ds.X))
    assert set(np.unique(ds.y)) == set(range(K))
    assert ds.name == name and ds.description
    with pytest.raises(ValueError):
        ds.X[0, 0] = 1.0  # read-only


def test_rows_are_shuffled():
    ds = make_dataset("moons", n=100)
    assert not np.all(np.diff(ds.y) >= 0)


@pytest.mark.parametrize("name", ALL_GENERATORS)
@pytest.mark.parametrize("R", [1.0, 3.0, 10.0])
def test_imbalance_ratio(name, R):
    ds = make_dataset(name, n=440, imbalance=R, classes=_k(name))
    counts = ds.class_counts()
    assert counts.sum() == 440
    assert counts[0] == counts.max()
    assert counts[0] / counts[-1] == pytest.approx(R, rel=0.05)


def test_class_counts_exact_and_extreme():
    assert class_counts(200, 2, 1.0).tolist() == [100, 100]
    assert class_counts(303, 2, 100.0).tolist() == [300, 3]
    c = class_counts(1000, 4, 8.0)
    assert c.sum() == 1000 and np.all(np.diff(c) < 0)
    assert c[0] / c[-1] == pytest.approx(8.0, rel=0.02)


def test_label_noise_flips_the_requested_fraction_and_keeps_points():
    base = make_dataset("blobs", n=400, seed=3)
    noisy = make_dataset("blobs", n=400, seed=3, label_noise=0.1)
    assert np.array_equal(base.X, noisy.X)
    assert np.count_nonzero(base.y != noisy.y) == 40


def test_outliers_are_far():
    base = make_dataset("circles", n=400, seed=2, noise=0.0)
    out = make_dataset("circles", n=400, seed=2, noise=0.0, outliers=0.05)
    moved = np.flatnonzero(np.any(base.X != out.X, axis=1))
    assert moved.size == 20
    assert np.array_equal(base.y, out.y)
    rms = np.sqrt(np.mean(np.sum((base.X - base.X.mean(0)) ** 2, axis=1)))
    dist = np.linalg.norm(out.X[moved] - base.X[moved], axis=1)
    assert np.all(dist >= 2 * rms - 1e-12)


def test_linear_is_separable_with_margin():
    # the noise jitters along the boundary only: still separable
    ds = make_dataset("linear", n=300, noise=1.0, separation=0.4, seed=5)
    from sklearn.svm import LinearSVC

    clf = LinearSVC(C=1e4, max_iter=100_000).fit(ds.X, ds.y)
    assert clf.score(ds.X, ds.y) == 1.0
    margin = 2 / np.linalg.norm(clf.coef_)
    assert margin >= 0.4 - 1e-3


def test_blobs_separation_and_covariance():
    far = make_dataset("blobs", n=400, separation=10.0, noise=0.0, covariance=0.25, seed=1)
    m0, m1 = far.X[far.y == 0].mean(0), far.X[far.y == 1].mean(0)
    assert np.linalg.norm(m0 - m1) == pytest.approx(10.0, rel=0.05)
    cov = np.array([[1.0, 0.8], [0.8, 1.0]])
    ds = make_dataset("blobs", n=4000, separation=5.0, noise=0.0, covariance=cov, seed=1)
    C0 = np.cov(ds.X[ds.y == 0].T)
    assert np.allclose(C0, cov, atol=0.1)


def test_circles_with_degree_2_is_separated():
    from sklearn.linear_model import LogisticRegression

    ds = make_dataset("circles")  # the defaults, as `logit-gui train --dataset circles --features poly:2`
    Xp, names = polynomial_features(ds.X, 2)
    assert names == ("x1", "x2", "x1^2", "x1*x2", "x2^2")
    clf = LogisticRegression(C=1e4, max_iter=10_000).fit(Xp, ds.y)
    assert clf.score(Xp, ds.y) > 0.95
    # and a straight line cannot do it
    lin = LogisticRegression(C=1e4, max_iter=10_000).fit(ds.X, ds.y)
    assert lin.score(ds.X, ds.y) < 0.75


@pytest.mark.parametrize(
    "kw, words",
    [
        (dict(name="nope"), ["unknown dataset", "moons", "iris"]),
        (dict(name="moons", n=3), ["n=3", "2 points per class"]),
        (dict(name="blobs", n=10, classes=6), ["2 points per class"]),
        (dict(name="moons", n=50, imbalance=100), ["smallest class"]),
        (dict(name="moons", imbalance=0.5), ["imbalance"]),
        (dict(name="moons", imbalance=101), ["imbalance"]),
        (dict(name="blobs", classes=1), ["between 2 and 10"]),
        (dict(name="spiral", classes=11), ["between 2 and 10"]),
        (dict(name="moons", classes=3), ["two-class", "blobs"]),
        (dict(name="moons", noise=-0.1), ["noise"]),
        (dict(name="moons", noise=float("nan")), ["noise"]),
        (dict(name="moons", label_noise=1.5), ["label_noise"]),
        (dict(name="moons", n=2.5), ["n must be an integer"]),
        (dict(name="blobs", covariance=[[1, 2], [2, 1]]), ["positive semi-definite"]),
        (dict(name="iris"), ["bundled"]),
    ],
)
def test_bad_generator_arguments(kw, words):
    name = kw.pop("name")
    with pytest.raises(DataError) as e:
        make_dataset(name, **kw)
    msg = str(e.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg


def test_list_and_dispatch():
    names = [n for n, _ in list_datasets()]
    assert names == list(GENERATORS) + list(BUNDLED)
    assert all(desc for _, desc in list_datasets())
    assert load_dataset("iris", n=5, noise=3).n == 150  # generator arguments ignored
    assert load_dataset("moons", n=60).n == 60
    assert load_dataset("Breast_Cancer").name == "breast-cancer"
    with pytest.raises(DataError, match="known: blobs"):
        load_dataset("mnist")


# --------------------------------------------------------------------------
# bundled datasets: the same data as scikit-learn's loaders
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, loader, classes",
    [
        ("iris", "load_iris", ("setosa", "versicolor", "virginica")),
        ("wine", "load_wine", ("class_0", "class_1", "class_2")),
        ("breast-cancer", "load_breast_cancer", ("malignant", "benign")),
        ("digits", "load_digits", tuple(range(10))),
    ],
)
def test_bundled_matches_sklearn(name, loader, classes):
    import sklearn.datasets

    ref = getattr(sklearn.datasets, loader)()
    ds = load_bundled(name)
    assert np.array_equal(ds.X, ref.data)
    assert np.array_equal(ds.y, ref.target)
    assert ds.feature_names == tuple(str(f) for f in ref.feature_names)
    assert ds.classes == classes
    assert [str(c) for c in ds.classes] == [str(c) for c in ref.target_names]
    assert ds.description == BUNDLED[name]


def test_assets_readme_names_every_file():
    from importlib import resources

    readme = resources.files("logit_gui").joinpath("assets", "README.md").read_text(encoding="utf-8")
    for fname in ("iris.csv", "wine_data.csv", "breast_cancer.csv.gz", "digits.csv.gz"):
        assert fname in readme
    assert "CC BY 4.0" in readme and "BSD 3-Clause" in readme


# --------------------------------------------------------------------------
# to_binary, check_classes
# --------------------------------------------------------------------------
def test_to_binary_digits_nine_vs_rest():
    ds = load_bundled("digits")
    b = to_binary(ds, "9")
    assert b.classes == ("not 9", 9)
    assert np.array_equal(b.y, (ds.y == 9).astype(int))
    assert to_binary(ds, 9).classes == b.classes
    assert "9 vs rest" in b.name


def test_to_binary_two_class_dataset_names_the_other_class():
    ds = load_bundled("breast-cancer")
    b = to_binary(ds, "malignant")
    assert b.classes == ("benign", "malignant")
    assert b.class_counts().tolist() == [357, 212]


def test_to_binary_unknown_label():
    with pytest.raises(DataError, match="setosa, versicolor, virginica"):
        to_binary(load_bundled("iris"), "rose")


def test_check_classes():
    iris = load_bundled("iris")
    with pytest.raises(DataError, match="softmax or ovr"):
        check_classes(iris, 2, "binary")
    check_classes(iris, 10, "softmax")
    one = Dataset(X=np.zeros((3, 1)), y=np.zeros(3), classes=("a", "b"), feature_names=("f",), name="t.csv")
    with pytest.raises(DataError, match="single class"):
        check_classes(one)


def test_dataset_validates():
    with pytest.raises(DataError):
        Dataset(X=np.zeros((3, 2)), y=np.zeros(4), classes=(0, 1), feature_names=("a", "b"), name="x")
    with pytest.raises(DataError):
        Dataset(X=np.zeros((3, 2)), y=np.array([0, 1, 2]), classes=(0, 1), feature_names=("a", "b"), name="x")
    with pytest.raises(DataError):
        Dataset(X=np.zeros((3, 2)), y=np.zeros(3), classes=(0, 1), feature_names=("a",), name="x")
    with pytest.raises(DataError, match="integer class codes"):
        Dataset(X=np.zeros((2, 1)), y=np.array([0.5, 1.0]), classes=(0, 1), feature_names=("a",), name="x")
    with pytest.raises(DataError, match="integer class codes"):
        Dataset(X=np.zeros((2, 1)), y=np.array(["a", "b"]), classes=(0, 1), feature_names=("a",), name="x")
    ds = Dataset(X=[[1.0], [2.0]], y=np.array([True, False]), classes=(0, 1), feature_names=("a",), name="x")
    assert ds.y.dtype == np.intp and ds.y.tolist() == [1, 0]


# --------------------------------------------------------------------------
# train/test split
# --------------------------------------------------------------------------
@pytest.mark.parametrize("f", [0.1, 0.25, 0.3, 0.5, 0.9])
def test_split_is_stratified(f):
    ds = make_dataset("blobs", n=600, classes=3, imbalance=5.0, seed=4)
    train, test = train_test_split(ds, f, seed=1)
    assert train.n + test.n == ds.n
    assert test.n == int(np.ceil(f * ds.n))
    counts = ds.class_counts()
    assert np.all(np.abs(test.class_counts() - f * counts) <= 1)
    # disjoint and complete
    rows = np.vstack([train.X, test.X])
    assert np.unique(rows, axis=0).shape[0] == ds.n
    assert train.classes == test.classes == ds.classes


def test_split_is_seeded_and_keeps_every_class_in_train():
    ds = load_bundled("iris")
    a = train_test_split(ds, 0.2, seed=3)
    b = train_test_split(ds, 0.2, seed=3)
    c = train_test_split(ds, 0.2, seed=4)
    assert np.array_equal(a[1].X, b[1].X)
    assert not np.array_equal(a[1].X, c[1].X)
    assert a[1].class_counts().tolist() == [10, 10, 10]
    tiny = make_dataset("moons", n=6, imbalance=2.0)  # 4 : 2
    train, test = train_test_split(tiny, 0.5)
    assert np.all(train.class_counts() >= 1)


def test_split_zero_and_bad_fractions():
    ds = make_dataset("xor")
    train, test = train_test_split(ds, 0.0)
    assert train is ds and test is None
    for bad in (1.0, -0.1, 1.5, "x"):
        with pytest.raises(DataError, match="test fraction"):
            train_test_split(ds, bad)


# --------------------------------------------------------------------------
# 2-D projection
# --------------------------------------------------------------------------
def test_pca_projection_matches_sklearn():
    from sklearn.decomposition import PCA

    X = load_bundled("wine").X
    X2, proj = project_2d(X)
    ref = PCA(2).fit(X)
    R = ref.transform(X)
    assert proj.names == ("PC1", "PC2")
    for k in range(2):  # equal up to the sign of each component
        s = np.sign(X2[:, k] @ R[:, k])
        assert np.allclose(X2[:, k], s * R[:, k], atol=1e-8)
    assert np.allclose(proj.explained_variance_ratio, ref.explained_variance_ratio_)
    assert np.allclose(proj.transform(X[:5]), X2[:5])
    # inverse: the point nearest the mean that projects to z
    back = proj.inverse(X2[:5])
    assert np.allclose(proj.transform(back), X2[:5])


def test_feature_projection():
    ds = load_bundled("iris")
    X2, proj = project_2d(ds.X, features=(2, "petal width (cm)"), feature_names=ds.feature_names)
    assert np.array_equal(X2, ds.X[:, [2, 3]])
    assert proj.names == ("petal length (cm)", "petal width (cm)")
    back = proj.inverse(X2[:3])
    assert np.allclose(back[:, [2, 3]], X2[:3])
    assert np.allclose(back[:, [0, 1]], ds.X[:, [0, 1]].mean(0))
    X2b, p2 = project_2d(make_dataset("moons").X)
    assert p2.kind == "features" and p2.names == ("x1", "x2")
    for bad in [(0, 0), (0, 9), ("nope", 1), (1,)]:
        with pytest.raises(DataError):
            project_2d(ds.X, features=bad, feature_names=ds.feature_names)
