"""TransNAS-Bench-101 spaces: micro isomorphism, macro skeleton rules, strings, locality."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lissnas.spaces import NB201Space, TransNASMacroSpace, TransNASMicroSpace, unique_string

MICRO = TransNASMicroSpace()
MACRO = TransNASMacroSpace()
cells = st.lists(st.integers(0, 3), min_size=6, max_size=6).map(np.array)
skeleton_index = st.integers(0, 3255)


def _levenshtein(a: list[int], b: list[int]) -> int:
    """Textbook dynamic programme, the reference for the vectorised one."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            row.append(min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = row
    return prev[-1]


# -- micro ---------------------------------------------------------------------------------
def test_micro_classes_are_nb201_classes_without_pooling() -> None:
    reps = MICRO.enumerate()
    assert MICRO.size == len(reps) == 1236
    assert len({unique_string(r) for r in reps}) == 1236
    # the same cells in NB201's 5-op space fall in the same classes
    nb201 = NB201Space()
    grid = np.array(list(product(range(4), repeat=6)))
    np.testing.assert_array_equal(
        np.unique(MICRO.class_index(grid), return_inverse=True)[1],
        np.unique(nb201.class_index(grid), return_inverse=True)[1],
    )
    assert (np.diff(MICRO.keys(reps)) > 0).all()


def test_micro_known_collapse() -> None:
    dead = MICRO.from_string("64-41414-0_33_303")  # node 1 is dead: edge 1->2 collapses
    assert MICRO.to_string(MICRO.canonical(dead)[0]) == "64-41414-0_30_303"
    assert MICRO.distance(dead, MICRO.from_string("64-41414-0_30_303")) == 0
    unused = MICRO.from_string("64-41414-0_33_300")  # nodes 1 and 2 reach no output
    assert MICRO.to_string(MICRO.canonical(unused)[0]) == "64-41414-0_00_300"
    disconnected = MICRO.canonical([[3, 3, 3, 0, 0, 0]])[0]
    assert MICRO.to_string(disconnected) == "64-41414-0_00_000"


@settings(max_examples=60, deadline=None)
@given(cells)
def test_micro_canonical_idempotent_and_string_round_trip(cell: np.ndarray) -> None:
    canon = MICRO.canonical(cell)
    np.testing.assert_array_equal(MICRO.canonical(canon), canon)
    assert unique_string(canon[0]) == unique_string(cell)
    np.testing.assert_array_equal(MICRO.from_string(MICRO.to_string(cell)), cell)


@settings(max_examples=25, deadline=None)
@given(cells, st.integers(1, 2), cells)
def test_micro_neighbours_at_their_distance(cell: np.ndarray, radius: int, other) -> None:
    found = MICRO.neighbors(cell, radius)
    assert len(found) == len(np.unique(MICRO.keys(found)))
    np.testing.assert_array_equal(MICRO.canonical(found), found)
    assert all(1 <= MICRO.distance(cell, n) <= radius for n in found[:20])
    d = MICRO.distance(cell, other)
    assert d == MICRO.distance(other, cell) <= int((cell != other).sum())
    assert (d == 0) == (unique_string(cell) == unique_string(other))


def test_micro_encode_and_errors() -> None:
    F = MICRO.encode(MICRO.enumerate())
    assert F.shape == (1236, 29) and np.isfinite(F).all()
    assert len(np.unique(F, axis=0)) == 1236
    with pytest.raises(ValueError, match="position 2 has value 4"):
        MICRO.validate([0, 1, 4, 0, 0, 0])
    with pytest.raises(ValueError, match="not a TransNAS-Bench-101 micro string"):
        MICRO.from_string("64-41414-4_33_333")
    with pytest.raises(ValueError, match="max_distance must be >= 1"):
        MICRO.neighbors([0] * 6, 0)


# -- macro ---------------------------------------------------------------------------------
def test_macro_enumeration_follows_the_rules() -> None:
    every = MACRO.enumerate()
    assert MACRO.size == len(every) == 3256
    assert (np.diff(MACRO.keys(every)) > 0).all()
    length = (every != 0).sum(axis=1)
    assert np.bincount(length).tolist() == [0, 0, 0, 0, 210, 750, 2296]
    down = np.isin(every, (3, 4)).sum(axis=1)
    widen = np.isin(every, (2, 4)).sum(axis=1)
    assert (down.min(), down.max(), widen.min(), widen.max()) == (1, 4, 1, 3)
    # brute force over all sequences of 4..6 modules agrees
    brute = [
        seq
        for n in (4, 5, 6)
        for seq in product((1, 2, 3, 4), repeat=n)
        if 1 <= sum(m in (3, 4) for m in seq) <= 4 and 1 <= sum(m in (2, 4) for m in seq) <= 3
    ]
    assert sorted(MACRO.to_strings(every)) == sorted(
        "64-" + "".join(map(str, s)) + "-basic" for s in brute
    )


@pytest.mark.parametrize(
    ("arch", "message"),
    [
        ([1, 1, 1, 1, 0, 0], r"has 0 downsampling modules \(codes 3, 4\), expected 1..4"),
        ([2, 2, 2, 2, 3, 0], r"has 4 channel-doubling modules \(codes 2, 4\), expected 1..3"),
        ([3, 3, 3, 3, 3, 2], "has 5 downsampling modules"),
        ([1, 2, 3, 0, 0, 0], "has 3 modules, expected 4..6"),
        ([1, 2, 0, 3, 1, 0], "has 1 modules after an absent one"),
        ([1, 2, 5, 3, 1, 0], "position 2 has value 5"),
    ],
)
def test_macro_rejects_invalid(arch: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MACRO.validate(arch)
    assert not MACRO.contains(arch)


def test_macro_strings() -> None:
    arch = MACRO.from_string("64-41414-basic")
    np.testing.assert_array_equal(arch, [4, 1, 4, 1, 4, 0])
    assert MACRO.to_string(arch) == "64-41414-basic"
    for bad in ("64-1234567-basic", "64-123-basic", "64-1205-basic", "41414"):
        with pytest.raises(ValueError, match="macro"):
            MACRO.from_string(bad)


@settings(max_examples=40, deadline=None)
@given(skeleton_index, skeleton_index, st.integers(1, 2))
def test_macro_distance_and_neighbours(i: int, j: int, radius: int) -> None:
    every = MACRO.enumerate()
    a, b = every[i], every[j]
    seq_a, seq_b = [int(x) for x in a if x], [int(x) for x in b if x]
    assert MACRO.distance(a, b) == _levenshtein(seq_a, seq_b) == MACRO.distance(b, a)
    np.testing.assert_array_equal(MACRO.canonical(a)[0], a)
    np.testing.assert_array_equal(MACRO.from_string(MACRO.to_string(a)), a)
    found = MACRO.neighbors(a, radius)
    distances = [MACRO.distance(a, n) for n in found]
    assert all(1 <= d <= radius for d in distances)
    # complete: every skeleton within the radius is listed
    expected = sum(1 <= _levenshtein(seq_a, [int(x) for x in e if x]) <= radius for e in every)
    assert len(found) == expected
    limited = MACRO.neighbors(a, radius, seed=0, limit=3)
    assert len(limited) == min(3, expected)
    assert np.isin(MACRO.keys(limited), MACRO.keys(found)).all()


def test_macro_max_distance_and_encode() -> None:
    assert MACRO.max_distance == 6
    F = MACRO.encode(MACRO.enumerate())
    assert F.shape == (3256, 43) and len(np.unique(F, axis=0)) == 3256
    sample = MACRO.sample(50, seed=3)
    assert all(MACRO.contains(row) for row in sample)
    np.testing.assert_array_equal(sample, MACRO.sample(50, seed=3))
