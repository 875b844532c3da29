"""Locality measures: exact on a synthetic hypercube, sensible on real benchmarks."""

from __future__ import annotations

import numpy as np
import pytest

from lissnas.analysis import (
    absolute_accuracy_difference,
    analyze_locality,
    change_kinds,
    random_walk_autocorrelation,
)
from lissnas.benchmarks import TabularSource, load_benchmark
from lissnas.spaces import ChoiceSpace, NB201Space

N_BITS = 10
CUBE = ChoiceSpace("cube", [["0", "1"]] * N_BITS)


def ones(X: np.ndarray) -> np.ndarray:
    return X.sum(axis=1).astype(float)


def test_rwa_of_a_linear_function_on_the_hypercube() -> None:
    """Flipping a random bit of f = number of ones: corr(f_t, f_{t+s}) = (1 - 2/n)^s."""
    rwa = random_walk_autocorrelation(CUBE, ones, n_walks=300, walk_length=60, max_lag=3, seed=1)
    for lag, value in rwa.items():
        assert value == pytest.approx((1 - 2 / N_BITS) ** lag, abs=0.04)


def test_aad_of_a_linear_function_on_the_hypercube() -> None:
    aad, pairs = absolute_accuracy_difference(CUBE, ones, distances=(1, 2), samples=400, seed=0)
    assert aad[1] == {"all": 1.0, "op": 1.0}  # one flip changes the count by exactly 1
    assert pairs[1]["all"] == 400
    assert aad[2]["all"] == pytest.approx(1.0, abs=0.15)  # |±1 ±1|: 0 or 2, equally likely


def test_change_kinds() -> None:
    assert change_kinds(NB201Space()) == ("op", "edge")
    assert change_kinds(CUBE) == ("op",)


def test_nb201_preserves_locality() -> None:
    found = analyze_locality(load_benchmark("nb201-cifar10"), samples=150, n_walks=10, seed=0)
    assert set(found.aad[1]) == {"op", "edge", "all"}
    assert found.rwa[1] > found.rwa[5]
    assert found.aad[1]["all"] < found.aad[3]["all"]
    doc = found.to_dict()
    assert doc["preserves_locality"] == found.preserves_locality
    assert (
        analyze_locality(load_benchmark("nb201-cifar10"), samples=150, n_walks=10, seed=0) == found
    )


def test_minimised_table_without_ground_truth_uses_evaluate() -> None:
    archs = CUBE.enumerate()
    source = TabularSource(CUBE, archs[:-1], ones(archs[:-1]), name="partial", metric="m")
    assert source.ground_truth() is None
    with pytest.raises(KeyError):  # the walk reaches the missing architecture eventually
        analyze_locality(source, samples=50, n_walks=50, walk_length=50)


def test_parameter_errors() -> None:
    with pytest.raises(ValueError, match="walk_length must be >= 7, got 5"):
        random_walk_autocorrelation(CUBE, ones, walk_length=5, max_lag=5)
    with pytest.raises(ValueError, match="samples must be >= 1, got 0"):
        absolute_accuracy_difference(CUBE, ones, samples=0)
