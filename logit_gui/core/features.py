"""Feature maps: polynomial features and standardization.

The map is always polynomial first, then (optionally) standardization:
x → φ(x) = all monomials of degree 1..D → (φ − μ) / σ with μ, σ the
training statistics. The model is fitted on the standardized features, and
:meth:`FeatureMap.to_input_units` turns its coefficients back into
coefficients of the polynomial features in input units, which is what the
user is shown.
"""

from __future__ import annotations

import re
from itertools import combinations_with_replacement
from math import comb

import numpy as np

from .errors import DataError, as_integer

__all__ = [
    "MAX_DEGREE",
    "MAX_POLY_FEATURES",
    "MAX_POLY_CELLS",
    "n_poly_features",
    "monomial_powers",
    "polynomial_features",
    "parse_features",
    "Standardizer",
    "FeatureMap",
]

MAX_DEGREE = 6
#: polynomial maps with more output features than this are refused (memory, and no lecture needs them)
MAX_POLY_FEATURES = 10_000
#: ... or more than this many matrix entries (8 bytes each: 2 GB)
MAX_POLY_CELLS = 250_000_000

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def _check_degree(degree) -> int:
    try:
        D = as_integer("degree", degree)
    except DataError:
        D = 0
    if not 1 <= D <= MAX_DEGREE:
        raise DataError(f"degree must be an integer from 1 to {MAX_DEGREE}, got {degree!r}")
    return D


def n_poly_features(d: int, degree: int) -> int:
    """Number of monomials of degree 1..D in d variables: C(d + D, D) − 1."""
    return comb(int(d) + int(degree), int(degree)) - 1


def monomial_powers(d: int, degree: int) -> list[tuple[int, ...]]:
    """Variable indices of each monomial, ordered by degree, then lexicographically.

    (0,) is x1, (0, 0, 1) is x1²·x2; the same order as scikit-learn's
    ``PolynomialFeatures(include_bias=False)``.
    """
    out = []
    for k in range(1, degree + 1):
        out.extend(combinations_with_replacement(range(d), k))
    return out


def _factor(name: str, power: int) -> str:
    if not _PLAIN_NAME.fullmatch(name):
        name = f"({name})"
    return name if power == 1 else f"{name}^{power}"


def _monomial_name(idx: tuple[int, ...], names) -> str:
    if len(idx) == 1:
        return names[idx[0]]
    parts = []
    for j in sorted(set(idx)):
        parts.append(_factor(names[j], idx.count(j)))
    return "*".join(parts)


def polynomial_features(X, degree: int, names=None, *, max_features: int = MAX_POLY_FEATURES):
    """All monomials of degree 1..D of the columns of X (no constant column).

    Returns ``(Xp, names)``: Xp has :func:`n_poly_features` columns in the
    order of :func:`monomial_powers`; names read like ``x1^2*x2`` (input
    names that are not plain identifiers are parenthesized). ``names``
    defaults to x1..xd. DataError for a degree outside 1..6, more than
    ``max_features`` output columns or more than MAX_POLY_CELLS entries.
    """
    D = _check_degree(degree)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise DataError(f"X must be 2-D, got shape {X.shape}")
    n, d = X.shape
    names = tuple(str(s) for s in names) if names is not None else tuple(f"x{j + 1}" for j in range(d))
    if len(names) != d:
        raise DataError(f"{len(names)} feature names for {d} columns")
    m = n_poly_features(d, D)
    if m > max_features:
        raise DataError(
            f"degree {D} on {d} features gives {m:,} polynomial features (limit {max_features:,}): "
            "lower the degree or use fewer features"
        )
    if n * m > MAX_POLY_CELLS:
        raise DataError(
            f"degree {D} on {n:,} rows × {d} features needs {n * m * 8 / 1e9:.1f} GB: "
            "lower the degree or use fewer rows or features"
        )
    powers = monomial_powers(d, D)
    Xp = np.empty((n, m))
    Xp[:, :d] = X
    # degree-k block from the degree-(k−1) block: multiply each monomial by x_j, j ≥ its last index
    prev_start, prev_idx = 0, powers[:d]
    start = d
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(2, D + 1):
            cur = []
            for p, idx in enumerate(prev_idx):
                for j in range(idx[-1], d):
                    col = Xp[:, start + len(cur)]
                    np.multiply(Xp[:, prev_start + p], X[:, j], out=col)
                    if not np.all(np.isfinite(col)) and np.all(np.isfinite(X[:, list(set(idx + (j,)))])):
                        _overflow(X, idx + (j,), names)
                    cur.append(idx + (j,))
            prev_start, prev_idx = start, cur
            start += len(cur)
    return Xp, tuple(_monomial_name(idx, names) for idx in powers)


def _overflow(X, idx, names):
    """DataError for the monomial ``idx`` whose values overflow, with why."""
    name = _monomial_name(idx, names)
    parts = ", ".join(f"|{names[j]}| up to {np.max(np.abs(X[:, j])):.3g}" for j in sorted(set(idx)))
    raise DataError(
        f"polynomial feature {name} (degree {len(idx)}) overflows the floating-point range "
        f"(about 1.8e308): {parts}; rescale the inputs or lower the degree"
    )


def parse_features(spec) -> int:
    """Degree from a feature spec: "linear" / "none" / "poly:1" → 1, "poly:D" → D (1..6)."""
    s = str(spec).strip().lower()
    if s in ("", "linear", "none", "identity"):
        return 1
    if s.startswith("poly:"):
        return _check_degree(s[5:].strip() or "?")
    raise DataError(f"unknown feature map {spec!r} (use poly:D with D from 1 to {MAX_DEGREE})")


class Standardizer:
    """z = (x − μ) / σ with the training mean and population std (ddof 0); constant columns get σ = 1."""

    def __init__(self):
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X) -> "Standardizer":
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] == 0:
            raise DataError(f"need a non-empty 2-D array to standardize, got shape {X.shape}")
        with np.errstate(over="ignore", invalid="ignore"):
            self.mean_ = X.mean(axis=0)
            scale = X.std(axis=0)
        big = ~(np.isfinite(self.mean_) & np.isfinite(scale))
        if np.any(big):  # sums of squares overflow (values beyond ~1e154): scale them first
            for j in np.flatnonzero(big):
                c = np.max(np.abs(X[:, j]))
                if not np.isfinite(c):
                    raise DataError(f"feature {j + 1} contains NaN or infinite values")
                u = X[:, j] / c
                self.mean_[j] = u.mean() * c
                scale[j] = u.std() * c
        constant = np.all(X == X[0], axis=0)
        scale[constant | (scale == 0)] = 1.0
        self.scale_ = scale
        return self

    def _check(self, X) -> np.ndarray:
        if self.mean_ is None:
            raise RuntimeError("Standardizer used before fit")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.mean_.shape[0]:
            raise DataError(f"expected {self.mean_.shape[0]} columns, got shape {X.shape}")
        return X

    def transform(self, X) -> np.ndarray:
        return (self._check(X) - self.mean_) / self.scale_

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, Z) -> np.ndarray:
        return self._check(Z) * self.scale_ + self.mean_


class FeatureMap:
    """Polynomial map of degree D (1 = identity), then optional standardization.

    ``fit`` learns the standardization on training data; ``transform`` applies
    the same map to test data or a drawing grid. ``names`` are the polynomial
    features the user sees; ``n_out`` their number.
    """

    def __init__(self, degree: int = 1, standardize: bool = False, input_names=None):
        self.degree = _check_degree(degree)
        self.standardize = bool(standardize)
        self.input_names = tuple(input_names) if input_names is not None else None
        self.n_in: int | None = None
        self.names: tuple[str, ...] | None = None
        self.scaler: Standardizer | None = None

    @property
    def n_out(self) -> int:
        if self.n_in is None:
            raise RuntimeError("FeatureMap used before fit")
        return n_poly_features(self.n_in, self.degree)

    @property
    def fitted(self) -> bool:
        return self.n_in is not None

    def _poly(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise DataError(f"X must be 2-D, got shape {X.shape}")
        if self.n_in is not None and X.shape[1] != self.n_in:
            raise DataError(f"the feature map was fitted on {self.n_in} columns, got {X.shape[1]}")
        if self.degree == 1:
            return X
        Xp, _ = polynomial_features(X, self.degree, self.names_in(X.shape[1]))
        return Xp

    def names_in(self, d: int) -> tuple[str, ...]:
        if self.input_names is not None:
            if len(self.input_names) != d:
                raise DataError(f"{len(self.input_names)} input names for {d} columns")
            return self.input_names
        return tuple(f"x{j + 1}" for j in range(d))

    def _fit(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise DataError(f"X must be 2-D, got shape {X.shape}")
        names_in = self.names_in(X.shape[1])
        if self.degree == 1:
            Xp, names = X, names_in
        else:
            Xp, names = polynomial_features(X, self.degree, names_in)
        self.n_in, self.names = X.shape[1], names
        self.scaler = Standardizer().fit(Xp) if self.standardize else None
        return Xp

    def fit(self, X) -> "FeatureMap":
        self._fit(X)
        return self

    def transform(self, X) -> np.ndarray:
        if self.n_in is None:
            raise RuntimeError("FeatureMap used before fit")
        Xp = self._poly(X)
        return self.scaler.transform(Xp) if self.scaler is not None else Xp

    def fit_transform(self, X) -> np.ndarray:
        Xp = self._fit(X)
        return self.scaler.transform(Xp) if self.scaler is not None else Xp

    def to_input_units(self, coef, intercept):
        """Coefficients on the transformed features → on the polynomial features in input units.

        ``coef`` (m, n_out) or (n_out,), ``intercept`` (m,) or scalar:
        w' = w / σ and b' = b − Σ_j w_j μ_j / σ_j. Identity without standardization.
        """
        coef = np.asarray(coef, dtype=np.float64)
        intercept = np.asarray(intercept, dtype=np.float64)
        if self.scaler is None:
            return coef.copy(), intercept.copy()
        w = coef / self.scaler.scale_
        b = intercept - w @ self.scaler.mean_
        return w, b

    def from_input_units(self, coef, intercept):
        """Inverse of :meth:`to_input_units`: w = w' σ, b = b' + Σ_j w'_j μ_j."""
        coef = np.asarray(coef, dtype=np.float64)
        intercept = np.asarray(intercept, dtype=np.float64)
        if self.scaler is None:
            return coef.copy(), intercept.copy()
        return coef * self.scaler.scale_, intercept + coef @ self.scaler.mean_
