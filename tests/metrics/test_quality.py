"""Tests for the quality metrics: P(good), shrink index, oracle gap, global best."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lissnas.metrics import (
    global_best_retained,
    good_threshold,
    oracle_gap_ratio,
    p_good,
    prob_at_least_k_good,
    reduction_factor,
    shrink_index,
)

# Multiples of 1/8: sums are exact, so means of equal multisets are equal bit for bit.
exact_floats = st.integers(min_value=-(10**4), max_value=10**4).map(lambda i: i / 8)


# -- reduction factor ------------------------------------------------------------------------
def test_reduction_factor_hand_computed() -> None:
    assert reduction_factor(15625, 125) == 125.0
    assert reduction_factor(10, 4) == 2.5


def test_reduction_factor_astronomical_size() -> None:
    # 7**21 (FairNAS-sized) / 10**6 ~ 5.585e11, exact big-int division.
    assert reduction_factor(7**21, 10**6) == pytest.approx(7**21 / 10**6)


@pytest.mark.parametrize(
    ("full", "shrunk", "match"),
    [
        (10, 0, r"shrunk_size must be > 0, got 0"),
        (0, 1, r"full_size must be > 0, got 0"),
        (3, 5, r"shrunk_size must be <= full_size, got shrunk_size=5, full_size=3"),
        ("10", 5, r"full_size must be a positive number, got '10'"),
        (10, True, r"shrunk_size must be a positive number, got True"),
    ],
)
def test_reduction_factor_errors(full: object, shrunk: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        reduction_factor(full, shrunk)  # type: ignore[arg-type]


# -- good threshold and P(good) --------------------------------------------------------------
def test_good_threshold_is_90th_percentile() -> None:
    # 0..10: the 90th percentile with linear interpolation is 0.9 * 10 = 9.
    assert good_threshold(np.arange(11)) == 9.0
    # 1..4, q = 0.5: halfway between 2 and 3.
    assert good_threshold([4, 1, 3, 2], quantile=0.5) == 2.5


def test_p_good_hand_computed() -> None:
    # values >= 3: {3, 4} of 4 -> 0.5; the threshold itself counts as good.
    assert p_good([1, 2, 3, 4], 3) == 0.5
    assert p_good([1, 2, 3, 4], 4.5) == 0.0
    assert p_good([1, 2, 3, 4], -1) == 1.0


def test_p_good_of_full_space_at_its_threshold_is_about_ten_percent() -> None:
    values = np.arange(1000, dtype=float)
    t = good_threshold(values)  # 899.1 -> values 900..999 are good
    assert p_good(values, t) == 0.1


def test_p_good_returns_python_float() -> None:
    assert type(p_good(np.array([1.0, 2.0]), 1.5)) is float


@pytest.mark.parametrize(
    ("values", "threshold", "match"),
    [
        ([], 1.0, r"values must not be empty"),
        (
            [1.0, np.nan],
            1.0,
            r"values must contain only finite values, got NaN value nan at index 1",
        ),
        ([[1.0, 2.0]], 1.0, r"values must be a 1-D array, got an array of shape \(1, 2\)"),
        (["a", "b"], 1.0, r"values must be a numeric array, got dtype <U1"),
        ([1.0, 2.0], float("nan"), r"threshold must be finite, got nan"),
        ([1.0, 2.0], None, r"threshold must be a real number, got None"),
    ],
)
def test_p_good_errors(values: object, threshold: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        p_good(values, threshold)  # type: ignore[arg-type]


@pytest.mark.parametrize("quantile", [-0.1, 1.5, float("nan")])
def test_good_threshold_rejects_bad_quantile(quantile: float) -> None:
    with pytest.raises(ValueError, match=r"quantile must be in \[0, 1\], got"):
        good_threshold([1.0, 2.0], quantile=quantile)


def test_good_threshold_rejects_inf() -> None:
    with pytest.raises(
        ValueError, match=r"full_values must contain only finite values, got infinite"
    ):
        good_threshold([1.0, np.inf])


# -- Theorem 1 and the shrink index ----------------------------------------------------------
def test_prob_at_least_k_good_hand_computed() -> None:
    # n = 10, k = 2, p = 0.1: 1 - 0.9**10 - 10 * 0.1 * 0.9**9
    #   = 1 - 0.3486784401 - 0.387420489 = 0.2639010709
    assert prob_at_least_k_good(0.1) == pytest.approx(0.2639010709, abs=1e-10)
    # p = 0.5: 1 - (1 + 10) / 2**10 = 1013 / 1024
    assert prob_at_least_k_good(0.5) == pytest.approx(1013 / 1024, abs=1e-12)
    # n = 2, k = 2: both good, p**2
    assert prob_at_least_k_good(0.3, n=2, k=2) == pytest.approx(0.09)
    # k = 1: 1 - (1 - p)**n
    assert prob_at_least_k_good(0.2, n=3, k=1) == pytest.approx(1 - 0.8**3)


def test_prob_at_least_k_good_bounds() -> None:
    assert prob_at_least_k_good(0.0) == 0.0
    assert prob_at_least_k_good(1.0) == 1.0


def test_shrink_index_hand_computed() -> None:
    # Defaults n = 10, k = 2: P(p=0.5) - P(p=0.1) = 1013/1024 - 0.2639010709 = 0.7253567416
    assert shrink_index(0.1, 0.5) == pytest.approx(0.7253567416, abs=1e-10)
    # n = k = 2: 0.6**2 - 0.3**2 = 0.36 - 0.09 = 0.27
    assert shrink_index(0.3, 0.6, n=2, k=2) == pytest.approx(0.27)
    # n = 5, k = 1: (1 - 0.5**5) - (1 - 0.9**5) = 0.96875 - 0.40951 = 0.55924
    assert shrink_index(0.1, 0.5, n=5, k=1) == pytest.approx(0.55924)


def test_shrink_index_sign_and_zero() -> None:
    assert shrink_index(0.2, 0.2) == 0.0
    assert shrink_index(0.5, 0.1) == pytest.approx(-shrink_index(0.1, 0.5))
    assert shrink_index(0.0, 1.0) == 1.0


def test_shrink_index_paper_example_consistency() -> None:
    # The paper's example (Section 4): A goes from 20 % to 70 %, B from 70 % to 90 %.
    si_a = shrink_index(0.2, 0.7)
    si_b = shrink_index(0.7, 0.9)
    assert si_a > si_b > 0


@given(
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=1, max_value=30),
    st.data(),
)
def test_shrink_index_is_monotone_in_p_shrunk(
    p_full: float, p_shrunk: float, n: int, data: st.DataObject
) -> None:
    k = data.draw(st.integers(min_value=1, max_value=n))
    si = shrink_index(p_full, p_shrunk, n=n, k=k)
    assert -1.0 <= si <= 1.0
    if p_shrunk >= p_full:
        assert si >= -1e-12
    else:
        assert si <= 1e-12


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"p_full": 1.2, "p_shrunk": 0.5}, r"p_full must be in \[0, 1\], got 1.2"),
        ({"p_full": 0.1, "p_shrunk": -0.5}, r"p_shrunk must be in \[0, 1\], got -0.5"),
        ({"p_full": 0.1, "p_shrunk": float("nan")}, r"p_shrunk must be in \[0, 1\], got nan"),
        ({"p_full": 0.1, "p_shrunk": 0.5, "n": 3, "k": 5}, r"k must be <= n, got k=5, n=3"),
        ({"p_full": 0.1, "p_shrunk": 0.5, "n": 0}, r"n must be >= 1, got 0"),
        ({"p_full": 0.1, "p_shrunk": 0.5, "k": 0}, r"k must be >= 1, got 0"),
        ({"p_full": 0.1, "p_shrunk": 0.5, "k": 2.0}, r"k must be an int, got 2.0"),
        (
            {"p_full": "0.1", "p_shrunk": 0.5},
            r"p_full must be a real number in \[0, 1\], got '0.1'",
        ),
    ],
)
def test_shrink_index_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        shrink_index(**kwargs)


def test_prob_at_least_k_good_errors() -> None:
    with pytest.raises(ValueError, match=r"k must be <= n, got k=11, n=10"):
        prob_at_least_k_good(0.5, n=10, k=11)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\], got 2"):
        prob_at_least_k_good(2)


# -- oracle-gap ratio ------------------------------------------------------------------------
def test_oracle_gap_ratio_hand_computed() -> None:
    full = [1.0, 2.0, 3.0, 4.0, 5.0]  # mean 3
    # top-2 = {4, 5}, mean 4.5, denominator 1.5
    assert oracle_gap_ratio(full, [5.0, 4.0]) == 1.0
    # S' = {3, 5}: mean 4, (4 - 3) / 1.5 = 2/3
    assert oracle_gap_ratio(full, [3.0, 5.0]) == pytest.approx(2 / 3)
    # S' = {1, 5}: mean 3 = mean(S): ratio 0
    assert oracle_gap_ratio(full, [1.0, 5.0]) == 0.0
    # S' = {1, 2}: mean 1.5, (1.5 - 3) / 1.5 = -1
    assert oracle_gap_ratio(full, [1.0, 2.0]) == -1.0
    # |S'| = 1, S' = {4}: (4 - 3) / (5 - 3) = 0.5
    assert oracle_gap_ratio(full, [4.0]) == 0.5


def test_oracle_gap_ratio_degenerate_cases_are_one() -> None:
    # |S'| == |S|: S' is S, no other set of that size exists.
    assert oracle_gap_ratio([1.0, 2.0, 3.0], [3.0, 1.0, 2.0]) == 1.0
    # constant values: every subset has the mean of S.
    assert oracle_gap_ratio([0.1] * 10, [0.1] * 3) == 1.0


def test_oracle_gap_ratio_errors() -> None:
    with pytest.raises(
        ValueError, match=r"shrunk_values must not have more elements than full_values, got 3 > 2"
    ):
        oracle_gap_ratio([1.0, 2.0], [1.0, 2.0, 2.0])
    with pytest.raises(ValueError, match=r"shrunk_values must not be empty"):
        oracle_gap_ratio([1.0, 2.0], [])
    with pytest.raises(ValueError, match=r"full_values must contain only finite values"):
        oracle_gap_ratio([1.0, np.nan], [1.0])


@given(
    arrays(np.float64, st.integers(2, 60), elements=exact_floats),
    st.data(),
)
def test_oracle_gap_ratio_top_set_is_one_and_bounds_all_subsets(
    full: np.ndarray, data: st.DataObject
) -> None:
    m = data.draw(st.integers(min_value=1, max_value=full.size))
    top = np.sort(full)[::-1][:m]
    assert oracle_gap_ratio(full, top) == pytest.approx(1.0)
    idx = data.draw(st.permutations(range(full.size)))[:m]
    assert oracle_gap_ratio(full, full[list(idx)]) <= 1.0 + 1e-9


# -- global-best retention -------------------------------------------------------------------
def test_global_best_retained() -> None:
    full = [90.0, 91.5, 93.2, 88.0]
    assert global_best_retained(full, [93.2, 88.0]) is True
    assert global_best_retained(full, [91.5, 90.0]) is False
    # float noise (e.g. a mean over isomorphic cells computed in another order)
    assert global_best_retained(full, [93.2 + 1e-13]) is True
    assert global_best_retained(full, [93.2 - 1e-13]) is True
    assert global_best_retained(full, [93.19], atol=0.05) is True


def test_global_best_retained_errors() -> None:
    with pytest.raises(ValueError, match=r"rtol must be >= 0, got -1.0"):
        global_best_retained([1.0], [1.0], rtol=-1.0)
    with pytest.raises(ValueError, match=r"shrunk_values must not be empty"):
        global_best_retained([1.0], [])


def test_results_are_json_friendly() -> None:
    assert math.isfinite(oracle_gap_ratio(np.arange(5), np.array([4])))
    assert type(oracle_gap_ratio(np.arange(5), np.array([4]))) is float
    assert type(shrink_index(0.1, 0.2)) is float
    assert type(global_best_retained(np.arange(5), np.array([4]))) is bool
