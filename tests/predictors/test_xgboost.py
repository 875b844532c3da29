"""The XGBoost predictor follows scikit-learn's rules and predicts NB201 well."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from lissnas.benchmarks import load_benchmark
from lissnas.metrics import kendall_tau
from lissnas.predictors import Predictor, XGBoostPredictor


def test_protocol_and_clone() -> None:
    model = XGBoostPredictor(n_estimators=50)
    assert isinstance(model, Predictor)
    assert clone(model).get_params() == model.get_params()


def test_ranks_nb201_from_200_architectures() -> None:
    source = load_benchmark("nb201-cifar10")
    archs, values = source.ground_truth()
    X = source.space.encode(archs)
    train = np.random.default_rng(0).choice(len(X), 200, replace=False)
    model = XGBoostPredictor().fit(X[train], values[train])
    assert kendall_tau(values, model.predict(X)) > 0.6
    again = XGBoostPredictor().fit(X[train], values[train]).predict(X)
    np.testing.assert_array_equal(model.predict(X), again)


def test_errors() -> None:
    with pytest.raises(ValueError, match="n_estimators must be >= 1, got 0"):
        XGBoostPredictor(n_estimators=0).fit(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="at least 2 training rows"):
        XGBoostPredictor().fit(np.zeros((1, 2)), np.zeros(1))
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        XGBoostPredictor().predict(np.zeros((1, 2)))
