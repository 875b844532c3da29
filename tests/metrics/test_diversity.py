"""Tests for the diversity metrics: FLOPs coverage, Pareto front, max cosine distance."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lissnas.metrics import (
    _diversity,
    flops_coverage,
    max_cosine_distance,
    pareto_front,
    pareto_retention,
)

small_ints = st.integers(min_value=0, max_value=6).map(float)


# -- FLOPs coverage --------------------------------------------------------------------------
def test_flops_coverage_hand_computed() -> None:
    # 0..9: decile edges 0, 0.9, 1.8, ..., 9 put each value in its own bin.
    full = np.arange(10.0)
    assert flops_coverage(full, [0.0, 5.0, 9.0]) == pytest.approx(0.3)
    assert flops_coverage(full, full) == 1.0
    assert flops_coverage(full, [9.0, 9.0, 9.0]) == pytest.approx(0.1)
    # Two bins: [0, 4.5) and [4.5, 9]; only the lower half is covered.
    assert flops_coverage(full, [1.0, 2.0], n_bins=2) == 0.5


def test_flops_coverage_ignores_bins_empty_in_full_space() -> None:
    # Only two distinct FLOPs values: most decile edges coincide, 2 bins are occupied.
    full = np.array([1.0] * 50 + [2.0] * 50)
    assert flops_coverage(full, [1.0]) == 0.5
    assert flops_coverage(full, [1.0, 2.0]) == 1.0
    # A constant FLOPs space has one occupied bin.
    assert flops_coverage([3.0] * 7, [3.0]) == 1.0


def test_flops_coverage_out_of_range_members_go_to_end_bins() -> None:
    full = np.arange(10.0)
    assert flops_coverage(full, [-100.0, 100.0]) == pytest.approx(0.2)


def test_flops_coverage_errors() -> None:
    with pytest.raises(ValueError, match=r"n_bins must be >= 1, got 0"):
        flops_coverage([1.0, 2.0], [1.0], n_bins=0)
    with pytest.raises(ValueError, match=r"shrunk_flops must not be empty"):
        flops_coverage([1.0, 2.0], [])
    with pytest.raises(ValueError, match=r"full_flops must contain only finite values"):
        flops_coverage([1.0, np.nan], [1.0])


@given(arrays(np.float64, st.integers(1, 80), elements=small_ints), st.integers(1, 12), st.data())
def test_flops_coverage_bounds(full: np.ndarray, n_bins: int, data: st.DataObject) -> None:
    idx = data.draw(st.lists(st.integers(0, full.size - 1), min_size=1, max_size=full.size))
    cov = flops_coverage(full, full[idx], n_bins=n_bins)
    assert 0.0 < cov <= 1.0
    assert flops_coverage(full, full, n_bins=n_bins) == 1.0


# -- Pareto front ----------------------------------------------------------------------------
def brute_force_front(acc: np.ndarray, flops: np.ndarray) -> np.ndarray:
    """O(n^2) reference: i is dominated if some j is no worse in both and better in one."""
    no_worse = (acc[None, :] >= acc[:, None]) & (flops[None, :] <= flops[:, None])
    better = (acc[None, :] > acc[:, None]) | (flops[None, :] < flops[:, None])
    return ~np.any(no_worse & better, axis=1)


def test_pareto_front_hand_computed() -> None:
    #        A    B    C    D    E
    acc = [70.0, 80.0, 90.0, 85.0, 75.0]
    flops = [1.0, 2.0, 3.0, 3.0, 2.5]
    # A, B, C form the front; D is dominated by C (same FLOPs, less accurate);
    # E is dominated by B (fewer FLOPs, more accurate).
    np.testing.assert_array_equal(pareto_front(acc, flops), [True, True, True, False, False])


def test_pareto_front_duplicates_and_ties() -> None:
    # Exact duplicates of a front point are all kept.
    np.testing.assert_array_equal(pareto_front([5.0, 5.0], [1.0, 1.0]), [True, True])
    # Equal accuracy, more FLOPs: dominated.
    np.testing.assert_array_equal(pareto_front([5.0, 5.0], [1.0, 2.0]), [True, False])
    # Single point.
    np.testing.assert_array_equal(pareto_front([1.0], [1.0]), [True])


@given(
    st.integers(1, 60).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=small_ints),
            arrays(np.float64, n, elements=small_ints),
        )
    )
)
def test_pareto_front_matches_brute_force(data: tuple[np.ndarray, np.ndarray]) -> None:
    acc, flops = data
    mask = pareto_front(acc, flops)
    np.testing.assert_array_equal(mask, brute_force_front(acc, flops))
    assert mask.any()  # the most accurate point with the fewest FLOPs is always on the front
    # Front points are mutually non-dominated.
    a, f = acc[mask], flops[mask]
    assert not np.any(
        (a[None, :] >= a[:, None])
        & (f[None, :] <= f[:, None])
        & ((a[None, :] > a[:, None]) | (f[None, :] < f[:, None]))
    )


def test_pareto_front_errors() -> None:
    with pytest.raises(
        ValueError, match=r"accuracy and flops must have the same length, got 2 and 3"
    ):
        pareto_front([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"flops must contain only finite values, got NaN"):
        pareto_front([1.0, 2.0], [1.0, np.nan])


# -- Pareto retention ------------------------------------------------------------------------
def test_pareto_retention_hand_computed() -> None:
    acc = np.array([70.0, 80.0, 90.0, 85.0, 75.0])
    flops = np.array([1.0, 2.0, 3.0, 3.0, 2.5])
    # Front = {A, B, C}; S' = {B, C, D}: 2 of 3 front points kept.
    mask = np.array([False, True, True, True, False])
    assert pareto_retention(acc, flops, mask) == pytest.approx(2 / 3)
    assert pareto_retention(acc, flops, np.ones(5, dtype=bool)) == 1.0
    assert pareto_retention(acc, flops, np.array([False, False, False, True, True])) == 0.0


def test_pareto_retention_errors() -> None:
    acc, flops = [1.0, 2.0], [1.0, 2.0]
    with pytest.raises(ValueError, match=r"member_mask must be a boolean array, got dtype int64"):
        pareto_retention(acc, flops, np.array([0, 1]))
    with pytest.raises(
        ValueError, match=r"member_mask must have the same shape as full_accuracy, got \(3,\)"
    ):
        pareto_retention(acc, flops, np.array([True, False, True]))
    with pytest.raises(ValueError, match=r"full_accuracy and full_flops must have the same length"):
        pareto_retention(acc, [1.0], np.array([True, False]))


# -- maximum cosine distance -----------------------------------------------------------------
def brute_force_max_cosine_distance(X: np.ndarray) -> float:
    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    C = U @ U.T
    iu = np.triu_indices(len(X), k=1)
    return float(1.0 - C[iu].min())


def test_max_cosine_distance_hand_computed() -> None:
    # (1, 0) and (0, 1) are orthogonal: 1 - 0 = 1; (1, 0) and (-1, 0) are opposite: 2.
    assert max_cosine_distance([[1.0, 0.0], [0.0, 1.0]]) == pytest.approx(1.0)
    assert max_cosine_distance([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]) == pytest.approx(2.0)
    # (1, 1) and (1, 0): cos = 1/sqrt(2), distance 1 - 0.70710678 = 0.29289322.
    assert max_cosine_distance([[1.0, 1.0], [2.0, 0.0]]) == pytest.approx(1 - 1 / np.sqrt(2))
    # Scaling a row does not change the distance; identical directions give 0.
    assert max_cosine_distance([[1.0, 2.0], [3.0, 6.0]]) == pytest.approx(0.0, abs=1e-12)
    assert max_cosine_distance([[1.0, 2.0, 3.0]]) == 0.0


def test_max_cosine_distance_matches_brute_force_across_blocks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(157, 6))
    expected = brute_force_max_cosine_distance(X)
    assert max_cosine_distance(X) == pytest.approx(expected, abs=1e-12)
    # Force many small blocks (including ones of a single row).
    for entries in (1, 157, 1000):
        monkeypatch.setattr(_diversity, "_MAX_BLOCK_ENTRIES", entries)
        assert max_cosine_distance(X) == pytest.approx(expected, abs=1e-12)


def test_max_cosine_distance_ignores_self_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Non-negative embeddings: the largest distance is between the two axis vectors.
    X = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 1.0]])
    for entries in (1, 4, 100):
        monkeypatch.setattr(_diversity, "_MAX_BLOCK_ENTRIES", entries)
        assert max_cosine_distance(X) == pytest.approx(1.0)
    # Duplicated rows only: the self-pairs must not make it negative, nor positive.
    assert max_cosine_distance(np.ones((5, 3))) == pytest.approx(0.0, abs=1e-12)


def test_max_cosine_distance_errors() -> None:
    with pytest.raises(
        ValueError, match=r"embeddings must have non-zero rows .*zero row at index 1"
    ):
        max_cosine_distance([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"embeddings must be a 2-D array, got an array of shape"):
        max_cosine_distance([1.0, 2.0])
    with pytest.raises(ValueError, match=r"embeddings must not be empty"):
        max_cosine_distance(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"embeddings must have at least 1 column"):
        max_cosine_distance(np.zeros((3, 0)))
    with pytest.raises(
        ValueError,
        match=r"embeddings must contain only finite values, got NaN value nan at index \(1, 0\)",
    ):
        max_cosine_distance([[1.0, 0.0], [np.nan, 1.0]])
