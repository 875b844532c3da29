"""Tests for the ranking metrics: Kendall, Spearman, Pearson and precision@k."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lissnas.metrics import kendall_tau, pearson_r, precision_at_k, spearman_rho


# -- correlations ----------------------------------------------------------------------------
def test_correlations_hand_computed() -> None:
    y_true = [1.0, 2.0, 3.0, 4.0]
    y_pred = [1.0, 3.0, 2.0, 4.0]
    # 6 pairs, one discordant (2, 3): tau = (5 - 1) / 6 = 2/3.
    assert kendall_tau(y_true, y_pred) == pytest.approx(2 / 3)
    # rank differences d = (0, -1, 1, 0): rho = 1 - 6 * 2 / (4 * 15) = 0.8.
    assert spearman_rho(y_true, y_pred) == pytest.approx(0.8)
    # Same centred vectors (-1.5, -0.5, 0.5, 1.5) and (-1.5, 0.5, -0.5, 1.5):
    # r = (2.25 - 0.25 - 0.25 + 2.25) / 5 = 0.8.
    assert pearson_r(y_true, y_pred) == pytest.approx(0.8)


def test_correlations_perfect_and_reversed() -> None:
    x = np.array([0.5, 3.0, 2.0, 10.0])
    for corr in (kendall_tau, spearman_rho):
        assert corr(x, x**3) == pytest.approx(1.0)
        assert corr(x, -x) == pytest.approx(-1.0)
    assert pearson_r(x, 2 * x + 1) == pytest.approx(1.0)


def test_correlations_return_python_floats() -> None:
    for corr in (kendall_tau, spearman_rho, pearson_r):
        assert type(corr([1.0, 2.0, 3.0], [1.0, 3.0, 2.0])) is float


@pytest.mark.parametrize("corr", [kendall_tau, spearman_rho, pearson_r])
def test_correlations_constant_input_is_nan(corr) -> None:
    assert math.isnan(corr([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]))
    assert math.isnan(corr([1.0, 2.0, 3.0], [5.0, 5.0, 5.0]))


@pytest.mark.parametrize("corr", [kendall_tau, spearman_rho, pearson_r])
def test_correlations_errors(corr) -> None:
    with pytest.raises(
        ValueError, match=r"y_true and y_pred must have the same length, got 3 and 2"
    ):
        corr([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"y_true must have at least 2 elements, got 1"):
        corr([1.0], [1.0])
    with pytest.raises(ValueError, match=r"y_pred must not be empty"):
        corr([1.0, 2.0], [])
    with pytest.raises(ValueError, match=r"y_pred must contain only finite values, got NaN"):
        corr([1.0, 2.0], [1.0, np.nan])


# -- precision@k -----------------------------------------------------------------------------
def test_precision_at_k_hand_computed() -> None:
    y_true = [0.9, 0.8, 0.7, 0.6, 0.5]  # true top-2: {0, 1}, top-3: {0, 1, 2}
    y_pred = [0.9, 0.1, 0.8, 0.7, 0.2]  # pred top-2: {0, 2}, top-3: {0, 2, 3}
    assert precision_at_k(y_true, y_pred, 1) == 1.0  # {0} vs {0}
    assert precision_at_k(y_true, y_pred, 2) == 0.5  # {0}
    assert precision_at_k(y_true, y_pred, 3) == pytest.approx(2 / 3)  # {0, 2}
    assert precision_at_k(y_true, y_pred, 5) == 1.0  # everything


def test_precision_at_k_ties_break_by_lower_index() -> None:
    # All predictions tie: the predicted top-2 is {0, 1}; the true top-2 is {2, 3}.
    assert precision_at_k([1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], 2) == 0.0
    assert precision_at_k([4.0, 3.0, 2.0, 1.0], [0.0, 0.0, 0.0, 0.0], 2) == 1.0


@pytest.mark.parametrize(
    ("k", "match"),
    [
        (5, r"k must be <= n, got k=5, n=3"),
        (0, r"k must be >= 1, got 0"),
        (1.5, r"k must be an int, got 1.5"),
    ],
)
def test_precision_at_k_errors(k: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        precision_at_k([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], k)  # type: ignore[arg-type]


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=40), st.data())
def test_precision_at_k_of_a_monotone_prediction_is_one(values: list[int], data) -> None:
    k = data.draw(st.integers(1, len(values)))
    y = np.asarray(values, dtype=float)
    assert precision_at_k(y, 3 * y + 7, k) == 1.0
    assert 0.0 <= precision_at_k(y, -y, k) <= 1.0
