"""Tests for the paired comparison of two methods over seeds."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lissnas.metrics import paired_comparison


def test_hand_computed_exact_p() -> None:
    # differences 0.1, -0.2, 0.3, 0.4: |d| ranks 1, 2, 3, 4, the negative one has rank 2.
    # Of the 16 equally likely sign patterns, 3 give a negative rank sum <= 2 ({}, {1}, {2}),
    # so the two-sided exact p is 2 * 3 / 16.
    result = paired_comparison([0.6, 0.3, 0.8, 0.9], [0.5, 0.5, 0.5, 0.5])
    assert result.pvalue == pytest.approx(0.375)
    assert result.mean_difference == pytest.approx(0.15)
    assert (result.n_better, result.n_worse) == (3, 1)
    assert result.min_pvalue == pytest.approx(2 / 16)


def test_all_seeds_ahead_is_the_smallest_p_the_seeds_allow() -> None:
    for n in (4, 6, 8):
        result = paired_comparison([1.0 + i for i in range(n)], [0.0] * n)
        assert result.pvalue == pytest.approx(2 / 2**n) == pytest.approx(result.min_pvalue)
    assert paired_comparison([1.0] * 4, [0.0] * 4).pvalue > 0.05  # never at 5 % with 4


def test_equal_seeds_are_left_out_of_the_test() -> None:
    # one tie: the test runs on the 2 unequal seeds (all ahead: p = 2 / 4)
    result = paired_comparison([0.3, 0.5, 0.7], [0.3, 0.4, 0.5])
    assert (result.n_better, result.n_worse) == (2, 0)
    assert result.pvalue == pytest.approx(0.5) and result.min_pvalue == pytest.approx(0.5)
    same = paired_comparison([0.2, 0.4], [0.2, 0.4])
    assert same.mean_difference == 0 and math.isnan(same.pvalue) and math.isnan(same.min_pvalue)


@settings(max_examples=60, deadline=None)  # scipy's exact test, on a loaded machine
@given(
    st.lists(
        st.tuples(
            st.floats(-1, 1, allow_nan=False, allow_subnormal=False),
            st.floats(-1, 1, allow_nan=False, allow_subnormal=False),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_swapping_the_methods_mirrors_the_result(pairs: list[tuple[float, float]]) -> None:
    a, b = zip(*pairs, strict=True)
    one, other = paired_comparison(a, b), paired_comparison(b, a)
    assert one.mean_difference == pytest.approx(-other.mean_difference)
    assert (one.n_better, one.n_worse) == (other.n_worse, other.n_better)
    assert one.pvalue == pytest.approx(other.pvalue, nan_ok=True)
    assert one.n_better + one.n_worse <= len(pairs)


def test_bad_input_names_the_argument() -> None:
    with pytest.raises(ValueError, match="scores and baseline must have the same length"):
        paired_comparison([0.1, 0.2], [0.1])
    with pytest.raises(ValueError, match="baseline must contain only finite values"):
        paired_comparison([0.1], [float("nan")])
