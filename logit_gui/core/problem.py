"""dataset → split → feature map → objective: the problem a run optimizes.

Both the command line and the app build their objective here, so a model is
defined in exactly one way: the polynomial map first, then (optionally)
standardization with training statistics, then the cross-entropy objective on
the training rows and, when there is a test split, the same objective on the
test rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .datasets import Dataset, train_test_split
from .errors import DataError
from .features import FeatureMap
from .iterate import Iterate
from .objective import Objective, predict_proba

__all__ = ["Problem", "build_problem"]


@dataclass(frozen=True, eq=False)
class Problem:
    train: Dataset
    test: Dataset | None
    feature_map: FeatureMap
    objective: Objective
    test_objective: Objective | None

    @property
    def kind(self) -> str:
        return self.objective.kind

    @property
    def classes(self) -> tuple:
        return self.train.classes

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(self.feature_map.names)

    def features(self, X) -> np.ndarray:
        """Map raw inputs (n, d_in) to the model's features (n, d)."""
        return self.feature_map.transform(np.asarray(X, dtype=np.float64))

    def proba(self, it: Iterate, X) -> np.ndarray:
        """Class probabilities (n, K) of iterate ``it`` at raw input points ``X``."""
        return predict_proba(self.kind, it.coef, it.intercept, self.features(X))

    def coef_in_input_units(self, it: Iterate):
        """(coef, intercept) for the features the user sees, in input units."""
        return self.feature_map.to_input_units(np.asarray(it.coef), np.asarray(it.intercept))


def build_problem(
    dataset: Dataset,
    *,
    degree: int = 1,
    standardize: bool = False,
    kind: str = "auto",
    class_weight=None,
    l2: float = 0.0,
    l1: float = 0.0,
    fit_intercept: bool = True,
    test_fraction: float = 0.0,
    seed: int = 0,
    test: Dataset | None = None,
) -> Problem:
    """Split ``dataset`` (unless ``test`` is given), fit the feature map on the
    training rows, and build the training and test objectives."""
    if test is None and test_fraction:
        train, test = train_test_split(dataset, test_fraction, seed=seed)
    else:
        train = dataset
    K = len(train.classes)
    if K < 2 or np.count_nonzero(np.bincount(train.y, minlength=K)) < 2:
        raise DataError(
            f"{train.name}: only one class ({train.classes[0] if train.classes else '?'}) in the training data; "
            "logistic regression needs at least two"
        )
    fmap = FeatureMap(degree=degree, standardize=standardize, input_names=train.feature_names)
    Xtr = fmap.fit_transform(train.X)
    objective = Objective(
        Xtr, train.y, n_classes=K, kind=kind, class_weight=class_weight,
        l2=l2, l1=l1, fit_intercept=fit_intercept,
    )
    test_objective = None
    if test is not None and test.n > 0:
        test_objective = Objective(
            fmap.transform(test.X), test.y, n_classes=K, kind=objective.kind,
            class_weight=class_weight, l2=l2, l1=l1, fit_intercept=fit_intercept,
        )
    return Problem(train, test, fmap, objective, test_objective)
