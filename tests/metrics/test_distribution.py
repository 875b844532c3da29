"""Tests for the error distribution metrics: EDF, KS test, AUC (the paper's Table 4)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import integrate

from lissnas.metrics import EDF, KSResult, edf_auc, error_edf, errors_from_accuracy, ks_test


# -- errors from accuracy --------------------------------------------------------------------
def test_errors_from_accuracy() -> None:
    np.testing.assert_allclose(errors_from_accuracy([93.5, 100.0, 0.0]), [6.5, 0.0, 100.0])
    np.testing.assert_allclose(errors_from_accuracy([0.9, 0.25], scale=1.0), [0.1, 0.75])


def test_errors_from_accuracy_errors() -> None:
    with pytest.raises(
        ValueError, match=r"accuracy must be in \[0, scale=1.0\], got 93.5 at index 1"
    ):
        errors_from_accuracy([0.5, 93.5], scale=1.0)
    with pytest.raises(ValueError, match=r"scale must be > 0, got 0.0"):
        errors_from_accuracy([0.5], scale=0.0)
    with pytest.raises(ValueError, match=r"accuracy must not be empty"):
        errors_from_accuracy([])


# -- EDF -------------------------------------------------------------------------------------
def test_error_edf_default_grid() -> None:
    # errors {1, 2, 2, 3}: F(1) = 1/4, F(2) = 3/4, F(3) = 1
    result = error_edf([3.0, 1.0, 2.0, 2.0])
    assert isinstance(result, EDF)
    grid, edf = result
    np.testing.assert_array_equal(grid, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(edf, [0.25, 0.75, 1.0])


def test_error_edf_on_given_grid() -> None:
    # F(0) = 0, F(1.5) = 1/4, F(2) = 3/4 (right-continuous), F(10) = 1;
    # the grid comes back as given.
    grid, edf = error_edf([3.0, 1.0, 2.0, 2.0], grid=[10.0, 0.0, 1.5, 2.0])
    np.testing.assert_array_equal(grid, [10.0, 0.0, 1.5, 2.0])
    np.testing.assert_allclose(edf, [1.0, 0.0, 0.25, 0.75])


def test_error_edf_errors() -> None:
    with pytest.raises(ValueError, match=r"errors must not be empty"):
        error_edf([])
    with pytest.raises(ValueError, match=r"grid must contain only finite values, got NaN"):
        error_edf([1.0], grid=[0.0, np.nan])
    with pytest.raises(ValueError, match=r"grid must not be empty"):
        error_edf([1.0], grid=[])


@given(arrays(np.float64, st.integers(1, 50), elements=st.floats(0, 100)))
def test_error_edf_is_a_distribution_function(errors: np.ndarray) -> None:
    grid, edf = error_edf(errors)
    np.testing.assert_array_equal(grid, np.unique(errors))
    assert np.all(np.diff(edf) > 0)  # strictly increasing on the distinct values
    assert edf[-1] == 1.0
    assert edf[0] == pytest.approx(np.mean(errors == errors.min()))


# -- KS test ---------------------------------------------------------------------------------
def test_ks_test_hand_computed() -> None:
    # F_full steps by 1/5 on {1..5}, F_shrunk by 1/2 on {1, 2}: the largest gap is at x = 2,
    # |2/5 - 1| = 0.6. Exact p-value from scipy: 4/7.
    result = ks_test([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0])
    assert isinstance(result, KSResult)
    assert result.statistic == pytest.approx(0.6)
    assert result.pvalue == pytest.approx(4 / 7)
    assert type(result.statistic) is float
    assert type(result.pvalue) is float


def test_ks_test_identical_samples() -> None:
    statistic, pvalue = ks_test([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert statistic == 0.0
    assert pvalue == 1.0


def test_ks_test_one_sided_detects_smaller_errors() -> None:
    rng = np.random.default_rng(0)
    full_errors = rng.uniform(5.0, 50.0, size=500)
    shrunk_errors = rng.uniform(5.0, 15.0, size=200)  # a good shrinkage: smaller errors
    assert ks_test(full_errors, shrunk_errors, alternative="less").pvalue < 1e-10
    assert ks_test(full_errors, shrunk_errors, alternative="greater").pvalue > 0.5


def test_ks_test_errors() -> None:
    with pytest.raises(ValueError, match=r"alternative must be one of .*, got 'both'"):
        ks_test([1.0], [1.0], alternative="both")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"shrunk_values must not be empty"):
        ks_test([1.0], [])


# -- AUC -------------------------------------------------------------------------------------
def test_edf_auc_hand_computed() -> None:
    # Over [0, 10], the area under F for errors {0, 2, 4, 10} is 10 - mean = 10 - 4 = 6,
    # normalised by the range 10: 0.6.
    assert edf_auc([0.0, 2.0, 4.0, 10.0]) == pytest.approx(0.6)
    # Same errors on a fixed range [0, 20]: area = 20 - mean = 16 -> 0.8.
    assert edf_auc([0.0, 2.0, 4.0, 10.0], max_error=20.0, min_error=0.0) == pytest.approx(0.8)
    # Errors outside the range are clipped: {-5, 15} on [0, 10] -> (10 + 0) / 2 / 10 = 0.5.
    assert edf_auc([-5.0, 15.0], max_error=10.0, min_error=0.0) == pytest.approx(0.5)


def test_edf_auc_matches_numerical_integration() -> None:
    rng = np.random.default_rng(1)
    errors = rng.uniform(5.0, 40.0, size=300)
    lo, hi = 0.0, 50.0
    x = np.linspace(lo, hi, 200_001)
    _, f = error_edf(errors, grid=x)
    numeric = integrate.trapezoid(f, x) / (hi - lo)
    assert edf_auc(errors, max_error=hi, min_error=lo) == pytest.approx(numeric, abs=1e-4)


def test_edf_auc_better_space_has_larger_auc() -> None:
    full = np.linspace(5.0, 50.0, 100)
    shrunk = np.linspace(5.0, 15.0, 20)
    lo, hi = float(full.min()), float(full.max())
    assert edf_auc(shrunk, hi, min_error=lo) > edf_auc(full, hi, min_error=lo)


def test_edf_auc_degenerate_range() -> None:
    # All errors equal and default bounds: F(lo) = 1.
    assert edf_auc([3.0, 3.0]) == 1.0
    assert edf_auc([3.0, 5.0], max_error=3.0, min_error=3.0) == 0.5


def test_edf_auc_errors() -> None:
    with pytest.raises(
        ValueError, match=r"max_error must be >= min_error, got max_error=1.0, min_error=2.0"
    ):
        edf_auc([1.0, 2.0], max_error=1.0, min_error=2.0)
    with pytest.raises(ValueError, match=r"max_error must be finite, got inf"):
        edf_auc([1.0], max_error=float("inf"))


@given(arrays(np.float64, st.integers(1, 50), elements=st.floats(0, 100)))
def test_edf_auc_lies_in_unit_interval(errors: np.ndarray) -> None:
    assert 0.0 <= edf_auc(errors) <= 1.0
    assert 0.0 <= edf_auc(errors, max_error=100.0, min_error=0.0) <= 1.0
