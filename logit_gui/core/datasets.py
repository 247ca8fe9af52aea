"""Datasets: seeded synthetic generators, the bundled real datasets, splits and 2-D projections.

A :class:`Dataset` is immutable: its arrays are read-only views. Every problem a
user can cause (unknown name, impossible arguments, unknown class label) raises
:class:`~logit_gui.core.errors.DataError` with a one-line message.

Generators (all 2-D, features ``x1``, ``x2``, classes ``0..K-1``):

* ``blobs``   -- Gaussian classes, centres ``separation`` apart on a circle
  (default 3), class covariance ``covariance`` (default I); 2..10 classes.
* ``linear``  -- parallel bands separated by straight lines with a margin of
  width ``separation`` (default 0.5); 2..10 classes. ``noise`` jitters points
  along the boundary only, so the data stay separable (use ``label_noise``
  to break that).
* ``moons``   -- two interleaving half circles (binary).
* ``circles`` -- a circle of radius 0.5 inside a ring of radius 1.5 (binary).
* ``xor``     -- quadrants; class 1 where x1·x2 < 0 (binary).
* ``spiral``  -- K interleaved spiral arms, one turn each; 2..10 classes.

Except for ``linear``, ``noise`` is the standard deviation of isotropic
Gaussian jitter added to every point (for ``blobs`` on top of the class
covariance).
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

import numpy as np

from .errors import DataError, as_integer

__all__ = [
    "Dataset",
    "GENERATORS",
    "BUNDLED",
    "MULTICLASS_GENERATORS",
    "list_datasets",
    "make_dataset",
    "load_bundled",
    "load_dataset",
    "class_counts",
    "to_binary",
    "check_classes",
    "check_label_count",
    "MAX_LABELS",
    "train_test_split",
    "Projection",
    "fit_projection",
    "project_2d",
]

#: generator name → one-line description
GENERATORS: dict[str, str] = {
    "blobs": "Gaussian classes (2-10) with adjustable separation and covariance",
    "linear": "classes separable by straight lines with a margin: weights grow without a penalty",
    "moons": "two interleaving half circles (needs a curved boundary)",
    "circles": "a circle inside a ring (separable with quadratic features)",
    "xor": "opposite quadrants share a class (needs the product x1*x2)",
    "spiral": "interleaved spiral arms, 2-10 classes (needs high-degree features)",
}

#: bundled real dataset name → one-line description
BUNDLED: dict[str, str] = {
    "iris": "Fisher's iris: 150 flowers, 4 measurements (cm), 3 species",
    "wine": "UCI wine recognition: 178 wines, 13 chemical measurements, 3 cultivars",
    "breast-cancer": "Wisconsin diagnostic breast cancer: 569 tumours, 30 features, malignant/benign",
    "digits": "UCI handwritten digits: 1,797 8x8 images, 64 pixel counts, classes 0-9",
}

#: generators that accept more than two classes
MULTICLASS_GENERATORS = frozenset({"blobs", "linear", "spiral"})

MAX_CLASSES = 10

#: the most classes a data set may have. More distinct labels than this is almost always a
#: column of IDs or measurements taken for the class column; a softmax over them would need
#: an n × K matrix per step (20,000 labels ran out of memory; 3,000 took two minutes).
MAX_LABELS = 100


def check_label_count(k: int, where: str, hint: str = "") -> None:
    """DataError when ``k`` distinct labels are more than :data:`MAX_LABELS`.

    ``where`` starts the message ("data.csv: column 'id'"); ``hint`` ends it.
    """
    if k > MAX_LABELS:
        raise DataError(
            f"{where} has {k:,} distinct labels: logit-gui handles at most {MAX_LABELS} classes"
            + (f" ({hint})" if hint else "")
        )


# --------------------------------------------------------------------------
# the dataset record
# --------------------------------------------------------------------------
def _readonly(a: np.ndarray) -> np.ndarray:
    v = a.view()
    v.setflags(write=False)
    return v


@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled data set.

    ``X`` (n, d) float64 features (possibly a strided view, e.g. of a loaded
    CSV block); ``y`` (n,) class codes 0..K-1; ``classes``
    the original label of each code (generators and CSV files: sorted, numbers
    numerically; bundled sets keep their published coding, e.g. breast-cancer
    0 = malignant, 1 = benign); ``warnings`` notes for the user (constant
    columns, dropped rows, ...). Arrays are stored as read-only views.
    """

    X: np.ndarray
    y: np.ndarray
    classes: tuple
    feature_names: tuple[str, ...]
    name: str
    description: str = ""
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self):
        X = np.asarray(self.X, dtype=np.float64)
        y = np.asarray(self.y)
        if X.ndim != 2:
            raise DataError(f"{self.name}: X must be 2-D, got shape {X.shape}")
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise DataError(f"{self.name}: y must have one label per row of X ({X.shape[0]}), got shape {y.shape}")
        if y.dtype != np.intp:
            if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.floor(y)):
                y = y.astype(np.intp)
            elif y.dtype.kind in "biu":
                y = y.astype(np.intp)
            else:
                raise DataError(f"{self.name}: y must hold integer class codes, got dtype {y.dtype}")
        classes = tuple(self.classes)
        check_label_count(len(classes), f"{self.name}: the class labels")
        if y.size and (y.min() < 0 or y.max() >= len(classes)):
            raise DataError(f"{self.name}: class codes must lie in 0..{len(classes) - 1}")
        names = tuple(str(s) for s in self.feature_names)
        if len(names) != X.shape[1]:
            raise DataError(f"{self.name}: {len(names)} feature names for {X.shape[1]} columns")
        object.__setattr__(self, "X", _readonly(X))
        object.__setattr__(self, "y", _readonly(y))
        object.__setattr__(self, "classes", classes)
        object.__setattr__(self, "feature_names", names)
        object.__setattr__(self, "warnings", tuple(self.warnings))

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    def class_counts(self) -> np.ndarray:
        """Number of samples of each class, shape (K,)."""
        return np.bincount(self.y, minlength=self.n_classes)

    def subset(self, index, name: str | None = None) -> "Dataset":
        """The rows ``index`` (indices or a boolean mask), same classes and names."""
        return replace(self, X=self.X[index], y=self.y[index], name=name or self.name)


def list_datasets() -> list[tuple[str, str]]:
    """(name, description) of every generator, then every bundled dataset."""
    return list(GENERATORS.items()) + list(BUNDLED.items())


def _known() -> str:
    return ", ".join(list(GENERATORS) + list(BUNDLED))


def _normalize_name(name) -> str:
    return str(name).strip().lower().replace("_", "-")


# --------------------------------------------------------------------------
# generators
# --------------------------------------------------------------------------
def class_counts(n: int, n_classes: int, imbalance: float) -> np.ndarray:
    """Class sizes summing to n, decreasing geometrically from class 0 to class K-1.

    Class k gets a share ∝ R^(−k/(K−1)), so class 0 : class K−1 = R (up to
    rounding to whole points; largest-remainder rounding).
    """
    K = n_classes
    w = float(imbalance) ** (-np.arange(K) / (K - 1))
    raw = n * w / w.sum()
    counts = np.floor(raw).astype(np.intp)
    short = n - int(counts.sum())
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


def _number(name, value, lo=None, hi=None, lo_open=False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(v):
        raise DataError(f"{name} must be finite, got {value!r}")
    if lo is not None and (v < lo or (lo_open and v == lo)):
        raise DataError(f"{name} must be {'>' if lo_open else '>='} {lo:g}, got {value!r}")
    if hi is not None and v > hi:
        raise DataError(f"{name} must be <= {hi:g}, got {value!r}")
    return v


def _covariance_factor(covariance) -> np.ndarray:
    """A 2×2 matrix L with L Lᵀ = Σ, from a scalar, a diagonal pair or a 2×2 matrix."""
    if covariance is None:
        return np.eye(2)
    try:
        C = np.asarray(covariance, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"covariance must be a number, two variances or a 2x2 matrix, got {covariance!r}") from None
    if C.ndim == 0:
        C = np.eye(2) * C
    elif C.shape == (2,):
        C = np.diag(C)
    if C.shape != (2, 2) or not np.all(np.isfinite(C)):
        raise DataError(f"covariance must be a number, two variances or a 2x2 matrix, got {covariance!r}")
    if not np.allclose(C, C.T):
        raise DataError("covariance matrix must be symmetric")
    lam, V = np.linalg.eigh(C)
    if lam[0] < -1e-12 * max(1.0, abs(lam[-1])):
        raise DataError("covariance matrix must be positive semi-definite")
    return V * np.sqrt(np.clip(lam, 0.0, None))


def _blobs(rng, counts, noise, separation, covariance):
    K = len(counts)
    sep = 3.0 if separation is None else separation
    radius = sep / (2.0 * np.sin(np.pi / K))
    angles = 2.0 * np.pi * np.arange(K) / K
    centres = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    L = _covariance_factor(covariance)
    y = np.repeat(np.arange(K), counts)
    Z = rng.standard_normal((y.size, 2))
    X = centres[y] + Z @ L.T
    X += noise * rng.standard_normal(X.shape)
    return X, y


def _linear(rng, counts, noise, separation, covariance):
    K = len(counts)
    margin = 0.5 if separation is None else separation
    width = 1.5  # band width along the normal
    phi = rng.uniform(0.0, np.pi)
    normal = np.array([np.cos(phi), np.sin(phi)])
    along = np.array([-normal[1], normal[0]])
    y = np.repeat(np.arange(K), counts)
    start = y * (width + margin) - 0.5 * (K * width + (K - 1) * margin)
    u = start + width * rng.uniform(0.0, 1.0, y.size)
    v = rng.uniform(-1.5, 1.5, y.size) + noise * rng.standard_normal(y.size)
    return np.outer(u, normal) + np.outer(v, along), y


def _moons(rng, counts, noise, separation, covariance):
    n0, n1 = counts
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) - np.array([0.5, 0.25])
    X += noise * rng.standard_normal(X.shape)
    return X, np.repeat([0, 1], counts)


def _circles(rng, counts, noise, separation, covariance):
    y = np.repeat([0, 1], counts)
    r = np.where(y == 0, 1.5, 0.5)
    t = rng.uniform(0.0, 2.0 * np.pi, y.size)
    X = np.column_stack([r * np.cos(t), r * np.sin(t)])
    X += noise * rng.standard_normal(X.shape)
    return X, y


def _xor(rng, counts, noise, separation, covariance):
    y = np.repeat([0, 1], counts)
    A = rng.uniform(0.0, 1.0, (y.size, 2))
    s = rng.choice([-1.0, 1.0], size=y.size)
    # class 0: quadrants I and III (x1·x2 > 0); class 1: II and IV
    X = np.column_stack([s * A[:, 0], np.where(y == 0, s, -s) * A[:, 1]])
    X += noise * rng.standard_normal(X.shape)
    return X, y


def _spiral(rng, counts, noise, separation, covariance):
    K = len(counts)
    y = np.repeat(np.arange(K), counts)
    t = rng.uniform(0.0, 1.0, y.size)
    r = 0.1 + t
    theta = 2.0 * np.pi * (y / K + t)
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    X += noise * rng.standard_normal(X.shape)
    return X, y


_GEN = {
    "blobs": _blobs,
    "linear": _linear,
    "moons": _moons,
    "circles": _circles,
    "xor": _xor,
    "spiral": _spiral,
}


def make_dataset(
    name: str,
    *,
    n: int = 200,
    noise: float = 0.2,
    classes: int = 2,
    imbalance: float = 1.0,
    label_noise: float = 0.0,
    outliers: float = 0.0,
    seed: int = 0,
    separation: float | None = None,
    covariance=None,
) -> Dataset:
    """Generate a 2-D synthetic dataset; same arguments and seed → identical arrays.

    ``imbalance`` R ∈ [1, 100] is the class-0 : class-(K−1) size ratio
    (see :func:`class_counts`); ``label_noise`` the fraction of points whose
    label is replaced by another class; ``outliers`` the fraction of points
    moved 2–4 RMS radii away from where they were (labels kept).
    ``separation`` (blobs: centre distance, linear: margin width) and
    ``covariance`` (blobs: scalar, two variances or 2×2 matrix) are ignored by
    the other generators. Rows are shuffled.
    """
    key = _normalize_name(name)
    if key not in _GEN:
        if key in BUNDLED:
            raise DataError(f"{name!r} is a bundled dataset, not a generator (use load_dataset)")
        raise DataError(f"unknown dataset {name!r} (known: {_known()})")
    n = as_integer("n", n)
    K = as_integer("classes", classes)
    if key in MULTICLASS_GENERATORS:
        if not 2 <= K <= MAX_CLASSES:
            raise DataError(f"{key}: classes must be between 2 and {MAX_CLASSES}, got {K}")
    elif K != 2:
        raise DataError(
            f"{key} is a two-class generator, got classes={K} "
            f"(multiclass generators: {', '.join(sorted(MULTICLASS_GENERATORS))})"
        )
    noise = _number("noise", noise, lo=0.0)
    R = _number("imbalance", imbalance, lo=1.0, hi=100.0)
    label_noise = _number("label_noise", label_noise, lo=0.0, hi=1.0)
    outliers = _number("outliers", outliers, lo=0.0, hi=1.0)
    if separation is not None:
        separation = _number("separation", separation, lo=0.0)
    seed = as_integer("seed", seed)
    if seed < 0:
        raise DataError(f"seed must be >= 0, got {seed}")
    if n < 2 * K:
        raise DataError(f"n={n} is too small for {K} classes: need at least 2 points per class (n >= {2 * K})")
    counts = class_counts(n, K, R)
    if counts.min() < 2:
        raise DataError(
            f"n={n} with imbalance {R:g} leaves {int(counts.min())} point(s) in the smallest class "
            "(need at least 2): raise n or lower the imbalance"
        )

    rng_data, rng_flip, rng_out = np.random.default_rng(seed).spawn(3)
    X, y = _GEN[key](rng_data, counts, noise, separation, covariance)
    perm = rng_data.permutation(n)
    X, y = np.ascontiguousarray(X[perm]), y[perm].astype(np.intp)

    n_flip = int(round(label_noise * n))
    if n_flip:
        idx = rng_flip.choice(n, size=n_flip, replace=False)
        y[idx] = (y[idx] + rng_flip.integers(1, K, size=n_flip)) % K
        if np.bincount(y, minlength=K).min() == 0:
            raise DataError(f"label_noise={label_noise:g} left a class without points: lower it or raise n")
    n_out = int(round(outliers * n))
    if n_out:
        idx = rng_out.choice(n, size=n_out, replace=False)
        rms = np.sqrt(np.mean(np.sum((X - X.mean(axis=0)) ** 2, axis=1)))
        angle = rng_out.uniform(0.0, 2.0 * np.pi, n_out)
        dist = rms * rng_out.uniform(2.0, 4.0, n_out)
        X[idx] += dist[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])

    warnings = []
    ratio = counts[0] / counts[-1]
    if abs(ratio - R) > 0.05 * R:
        warnings.append(f"class sizes {counts[0]}:{counts[-1]} give an imbalance of {ratio:.3g}, not {R:g} (n too small)")
    parts = [f"n={n}", f"noise={noise:g}"]
    if K != 2:
        parts.append(f"classes={K}")
    if R != 1:
        parts.append(f"imbalance={R:g}")
    if label_noise:
        parts.append(f"label_noise={label_noise:g}")
    if outliers:
        parts.append(f"outliers={outliers:g}")
    if separation is not None:
        parts.append(f"separation={separation:g}")
    parts.append(f"seed={seed}")
    return Dataset(
        X=X,
        y=y,
        classes=tuple(range(K)),
        feature_names=("x1", "x2"),
        name=key,
        description=f"{GENERATORS[key]} ({', '.join(parts)})",
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------
# bundled datasets (files copied from scikit-learn's datasets/data; see assets/README.md)
# --------------------------------------------------------------------------
_IRIS_FEATURES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
_WINE_FEATURES = (
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
    "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
    "od280/od315_of_diluted_wines", "proline",
)
_CANCER_BASE = (
    "radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
    "concave points", "symmetry", "fractal dimension",
)
_CANCER_FEATURES = (
    tuple(f"mean {b}" for b in _CANCER_BASE)
    + tuple(f"{b} error" for b in _CANCER_BASE)
    + tuple(f"worst {b}" for b in _CANCER_BASE)
)
_DIGITS_FEATURES = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))

# name → (file, first line is an sklearn "n,d,class names..." header, feature names, classes)
_BUNDLED_FILES = {
    "iris": ("iris.csv", True, _IRIS_FEATURES, ("setosa", "versicolor", "virginica")),
    "wine": ("wine_data.csv", True, _WINE_FEATURES, ("class_0", "class_1", "class_2")),
    "breast-cancer": ("breast_cancer.csv.gz", True, _CANCER_FEATURES, ("malignant", "benign")),
    "digits": ("digits.csv.gz", False, _DIGITS_FEATURES, tuple(range(10))),
}


@lru_cache(maxsize=None)
def load_bundled(name: str) -> Dataset:
    """One of the real datasets shipped in ``logit_gui/assets`` (no network)."""
    key = _normalize_name(name)
    if key not in _BUNDLED_FILES:
        raise DataError(f"unknown bundled dataset {name!r} (bundled: {', '.join(BUNDLED)})")
    fname, sk_header, features, classes = _BUNDLED_FILES[key]
    raw = resources.files("logit_gui").joinpath("assets", fname).read_bytes()
    if fname.endswith(".gz"):
        raw = gzip.decompress(raw)
    A = np.loadtxt(io.BytesIO(raw), delimiter=",", skiprows=1 if sk_header else 0, ndmin=2)
    X, y = A[:, :-1], A[:, -1].astype(np.intp)
    if X.shape[1] != len(features) or y.max() >= len(classes):
        raise RuntimeError(f"bundled file {fname} does not match its description")  # a packaging bug
    return Dataset(
        X=np.ascontiguousarray(X),
        y=y,
        classes=classes,
        feature_names=features,
        name=key,
        description=BUNDLED[key],
    )


def load_dataset(name: str, **kw) -> Dataset:
    """A generator (``kw`` passed to :func:`make_dataset`) or a bundled dataset (``kw`` ignored)."""
    key = _normalize_name(name)
    if key in BUNDLED:
        return load_bundled(key)
    if key in GENERATORS:
        return make_dataset(key, **kw)
    raise DataError(f"unknown dataset {name!r} (known: {_known()})")


# --------------------------------------------------------------------------
# relabelling and checks
# --------------------------------------------------------------------------
def to_binary(ds: Dataset, positive) -> Dataset:
    """``positive`` → class 1, every other class → 0.

    The label is matched against ``ds.classes`` by its string form ("9",
    "malignant"). Classes become (other class, positive) for a two-class
    dataset, else (f"not {positive}", positive).
    """
    labels = [str(c) for c in ds.classes]
    key = str(positive).strip()
    if key not in labels:
        raise DataError(f"{ds.name}: {key!r} is not a class (classes: {', '.join(labels)})")
    k = labels.index(key)
    y = (ds.y == k).astype(np.intp)
    if ds.n_classes == 2:
        classes = (ds.classes[1 - k], ds.classes[k])
    else:
        classes = (f"not {labels[k]}", ds.classes[k])
    return replace(
        ds,
        y=y,
        classes=classes,
        name=f"{ds.name} ({labels[k]} vs rest)",
        description=f"{ds.description}; binary: {labels[k]} (1) vs rest (0)",
    )


def check_classes(ds: Dataset, max_classes: int = 2, model: str = "binary") -> None:
    """Raise DataError when ``ds`` has fewer than 2 or more than ``max_classes`` classes.

    The message for too many classes suggests a multiclass model (softmax or
    one-vs-rest) or choosing a positive class.
    """
    counts = ds.class_counts()
    present = int(np.count_nonzero(counts))
    if present < 2:
        only = ds.classes[int(np.argmax(counts))] if ds.n else None
        raise DataError(f"{ds.name}: a single class ({only}); a classifier needs at least 2")
    if ds.n_classes > max_classes:
        shown = ", ".join(str(c) for c in ds.classes[:12]) + (", ..." if ds.n_classes > 12 else "")
        raise DataError(
            f"{ds.name}: {ds.n_classes} classes ({shown}) but the {model} model allows {max_classes}: "
            "use a multiclass model (softmax or ovr) or pick a positive class"
        )


# --------------------------------------------------------------------------
# train/test split
# --------------------------------------------------------------------------
def train_test_split(ds: Dataset, test_fraction: float, seed: int = 0) -> tuple[Dataset, Dataset | None]:
    """Stratified, seeded split; ``test_fraction`` ∈ [0, 1), 0 → (ds, None).

    The test set has ceil(f·n) rows, shared among the classes in proportion
    to their sizes (largest remainder); every class keeps at least one row in
    the training set. Both parts keep the original row order.
    """
    f = _number("test fraction", test_fraction)
    if not 0.0 <= f < 1.0:
        raise DataError(f"test fraction must be in [0, 1), got {test_fraction!r}")
    if f == 0.0:
        return ds, None
    n = ds.n
    counts = ds.class_counts()
    n_test = int(np.ceil(f * n - 1e-9))
    cap = np.maximum(counts - 1, 0)  # rows a class can give to the test set
    if n_test > cap.sum():
        raise DataError(f"{ds.name}: test fraction {f:g} leaves no training rows for some class (n={n})")
    raw = n_test * counts / n
    take = np.minimum(np.floor(raw).astype(np.intp), cap)
    rem = raw - take
    while take.sum() < n_test:  # hand out the remaining rows by largest remainder
        open_ = take < cap
        k = int(np.argmax(np.where(open_, rem, -np.inf)))
        take[k] += 1
        rem[k] = -1.0
    rng = np.random.default_rng(seed)
    test_mask = np.zeros(n, dtype=bool)
    for k in range(ds.n_classes):
        if take[k]:
            members = np.flatnonzero(ds.y == k)
            test_mask[rng.choice(members, size=int(take[k]), replace=False)] = True
    train = ds.subset(~test_mask, name=f"{ds.name} (train)")
    test = ds.subset(test_mask, name=f"{ds.name} (test)")
    return train, test


# --------------------------------------------------------------------------
# 2-D projection for the views
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Projection:
    """An affine map from d input features to 2 display coordinates: z = (x − mean) Vᵀ + offset.

    ``kind`` is "features" (two chosen columns: V picks them, mean = offset,
    so z are the raw column values) or "pca" (the first two principal
    components of the centred data, offset 0). ``inverse(z)`` gives the point
    nearest the data mean that maps to z.
    """

    kind: str
    components: np.ndarray  # (2, d), orthonormal rows
    mean: np.ndarray  # (d,)
    offset: np.ndarray  # (2,)
    names: tuple[str, str]
    explained_variance_ratio: np.ndarray | None = None  # pca only, (2,)
    columns: tuple[int, int] | None = None  # features only

    def transform(self, X) -> np.ndarray:
        """(n, d) points → (n, 2) display coordinates."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.mean.shape[0]:
            raise DataError(f"projection expects {self.mean.shape[0]} columns, got shape {X.shape}")
        if self.columns is not None:
            return X[:, list(self.columns)]
        return (X - self.mean) @ self.components.T + self.offset

    def inverse(self, Z) -> np.ndarray:
        """(n, 2) display coordinates → the (n, d) points nearest the data mean that map there."""
        Z = np.atleast_2d(np.asarray(Z, dtype=np.float64))
        if self.columns is not None:
            out = np.repeat(self.mean[None, :], Z.shape[0], axis=0)
            out[:, list(self.columns)] = Z
            return out
        return self.mean + (Z - self.offset) @ self.components


def fit_projection(X, features=None, feature_names=None) -> Projection:
    """The :class:`Projection` of :func:`project_2d` (fitted on ``X``)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1:
        raise DataError(f"need a 2-D array of samples, got shape {X.shape}")
    n, d = X.shape
    names = tuple(feature_names) if feature_names is not None else tuple(f"x{j + 1}" for j in range(d))
    if len(names) != d:
        raise DataError(f"{len(names)} feature names for {d} columns")
    if d < 2 and features is None:
        raise DataError(f"a 2-D view needs at least 2 features, the data have {d}")
    mean = X.mean(axis=0)
    if features is None and d == 2:
        features = (0, 1)
    if features is not None:
        cols = []
        for f in features:
            if isinstance(f, str) and f in names:
                cols.append(names.index(f))
                continue
            try:
                j = as_integer("feature", f)
            except DataError:
                raise DataError(f"unknown feature {f!r} (features: {', '.join(names)})") from None
            if not -d <= j < d:
                raise DataError(f"feature index {j} out of range for {d} features")
            cols.append(j % d)
        if len(cols) != 2 or cols[0] == cols[1]:
            raise DataError(f"choose two different features, got {tuple(features)!r}")
        V = np.zeros((2, d))
        V[0, cols[0]] = V[1, cols[1]] = 1.0
        return Projection("features", V, mean, mean[cols], (names[cols[0]], names[cols[1]]), columns=tuple(cols))
    _, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    V = Vt[:2].copy()
    # deterministic signs: the largest-magnitude loading of each component is positive
    big = np.argmax(np.abs(V), axis=1)
    V *= np.sign(V[np.arange(2), big])[:, None]
    var = s**2
    total = var.sum()
    ratio = var[:2] / total if total > 0 else np.zeros(2)
    return Projection("pca", V, mean, np.zeros(2), ("PC1", "PC2"), ratio)


def project_2d(X, features=None, feature_names=None) -> tuple[np.ndarray, Projection]:
    """2-D coordinates of ``X`` for the views, and the projection to reuse on new points.

    ``features=(i, j)`` (indices or names) picks two columns; ``None`` → the
    two columns if d == 2, else the first two principal components (SVD of
    the centred data). Returns ``(X2, projection)``; ``projection.names``
    labels the axes and ``projection.transform`` maps new points.
    """
    proj = fit_projection(X, features, feature_names)
    return proj.transform(X), proj
