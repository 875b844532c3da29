"""ChoiceSpace and NBMacroSpace: sizes, strings, locality, sampling, costs."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lissnas.spaces import NBMACRO_CHOICES, ChoiceSpace, NBMacroSpace

MACRO = NBMacroSpace()
SPOS = ChoiceSpace("spos", [["k3", "k5", "k7", "xception"]] * 20)
MIXED = ChoiceSpace("mixed", [[str(i) for i in range(12)], ["a", "b"], ["x"], ["p", "q", "r"]])


def arch_of(space: ChoiceSpace):
    return st.tuples(*(st.integers(0, int(c) - 1) for c in space.cardinalities)).map(
        lambda t: np.array(t, dtype=np.int64)
    )


# -- construction and size ---------------------------------------------------------------
def test_sizes_and_enumeration():
    assert MACRO.size == 3**8 == 6561
    assert MACRO.max_distance == 8
    assert MACRO.choices == (NBMACRO_CHOICES,) * 8
    everything = MACRO.enumerate()
    assert everything.shape == (6561, 8)
    np.testing.assert_array_equal(MACRO.keys(everything), np.arange(6561))
    assert SPOS.size == 4**20
    assert SPOS.enumerate() is None
    assert MIXED.size == 12 * 2 * 1 * 3
    assert MIXED.max_distance == 3  # the single-choice layer never differs


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("", [["a", "b"]]), "name must be"),
        (("s", []), "choices must be"),
        (("s", "ab"), "choices must be"),
        (("s", [["a", "b"], []]), r"choices\[1\]"),
        (("s", [["a", "a"]]), "duplicate"),
        (("s", ["ab"]), r"choices\[0\]"),
    ],
)
def test_bad_construction(args, match):
    with pytest.raises(ValueError, match=match):
        ChoiceSpace(*args)


# -- strings -------------------------------------------------------------------------------
def test_string_form():
    arch = MACRO.from_string("02012100")
    np.testing.assert_array_equal(arch, [0, 2, 0, 1, 2, 1, 0, 0])
    assert MACRO.to_string(arch) == "02012100"
    assert MACRO.choice_names(arch)[:3] == ["identity", "mb6_k5", "identity"]
    assert MIXED.to_string([11, 1, 0, 2]) == "11-1-0-2"
    np.testing.assert_array_equal(MIXED.from_string("11-1-0-2"), [11, 1, 0, 2])


@pytest.mark.parametrize(
    ("space", "text", "match"),
    [
        (MACRO, "0201210", "has 7 layer choices, expected 8"),
        (MACRO, "020121003", "has 9 layer choices"),
        (MACRO, "02312100", "layer 2 .* unknown choice '3', expected 0..2"),
        (MACRO, "0201x100", "layer 4 .* unknown choice 'x'"),
        (MIXED, "12-1-0-2", "layer 0 .* unknown choice '12', expected 0..11"),
        (MIXED, "1-1-0", "has 3 layer choices, expected 4"),
    ],
)
def test_bad_strings(space, text, match):
    with pytest.raises(ValueError, match=match):
        space.from_string(text)


@settings(max_examples=60)
@given(data=st.data(), which=st.sampled_from([MACRO, SPOS, MIXED]))
def test_string_round_trip_and_canonical(data, which):
    arch = data.draw(arch_of(which))
    np.testing.assert_array_equal(which.from_string(which.to_string(arch)), arch)
    np.testing.assert_array_equal(which.canonical(arch)[0], arch)
    np.testing.assert_array_equal(which.canonical(which.canonical(arch)), which.canonical(arch))


def test_validation_errors():
    with pytest.raises(ValueError, match="position 3 has value 3"):
        MACRO.validate([0, 0, 0, 3, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="8 positions"):
        MACRO.validate([0, 0])


# -- locality ------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(data=st.data(), radius=st.integers(1, 3))
def test_neighbors_all_within_distance(data, radius):
    arch = data.draw(arch_of(MACRO))
    found = MACRO.neighbors(arch, radius)
    dist = (found != arch).sum(axis=1)
    assert len(found) == sum(comb(8, k) * 2**k for k in range(1, radius + 1))
    assert (dist >= 1).all() and (dist <= radius).all()
    assert (np.diff(dist) >= 0).all()  # nearest first
    assert len(np.unique(MACRO.keys(found))) == len(found)
    other = found[data.draw(st.integers(0, len(found) - 1))]
    assert MACRO.distance(arch, other) == MACRO.distance(other, arch) <= radius


def test_neighbors_limit_small_ball_subsamples():
    arch = MACRO.from_string("11111111")
    a = MACRO.neighbors(arch, 2, seed=3, limit=50)
    b = MACRO.neighbors(arch, 2, seed=3, limit=50)
    np.testing.assert_array_equal(a, b)
    assert len(a) == 50 and len(np.unique(MACRO.keys(a))) == 50
    assert ((a != arch).sum(axis=1) <= 2).all()
    assert len(MACRO.neighbors(arch, 2, limit=10_000)) == MACRO.ball_size(2)


def test_neighbors_huge_ball_is_sampled_uniformly():
    arch = np.zeros(20, dtype=np.int64)
    with pytest.raises(ValueError, match="pass limit="):
        SPOS.neighbors(arch, 7)
    found = SPOS.neighbors(arch, 7, seed=0, limit=20_000)
    dist = (found != arch).sum(axis=1)
    assert len(found) == 20_000 and len(np.unique(SPOS.keys(found))) == 20_000
    assert dist.min() >= 1 and dist.max() <= 7
    np.testing.assert_array_equal(found, SPOS.neighbors(arch, 7, seed=0, limit=20_000))
    # shell shares follow the shell sizes C(20, k) 3^k
    shells = np.array([comb(20, k) * 3**k for k in range(1, 8)], dtype=float)
    observed = np.bincount(dist, minlength=8)[1:] / len(found)
    np.testing.assert_allclose(observed[-3:], (shells / shells.sum())[-3:], atol=0.015)
    # within shell 7 each position changes with probability 7/20, to each value alike
    far = found[dist == 7]
    np.testing.assert_allclose((far != 0).mean(axis=0), 7 / 20, atol=0.03)
    values = far[far != 0]
    np.testing.assert_allclose(np.bincount(values)[1:] / len(values), 1 / 3, atol=0.02)


def test_mixed_cardinality_ball():
    arch = np.array([3, 0, 0, 1])
    assert MIXED.ball_size(3) == 11 + 1 + 2 + 11 * 1 + 11 * 2 + 1 * 2 + 11 * 1 * 2
    found = MIXED.neighbors(arch, 3)
    assert len(found) == MIXED.ball_size(3)
    assert (found[:, 2] == 0).all()


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"max_distance": 0}, ">= 1"), ({"limit": -1}, "limit")]
)
def test_neighbors_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MACRO.neighbors(np.zeros(8, dtype=np.int64), **kwargs)


# -- sampling, encoding, costs -------------------------------------------------------------
def test_sampling_distinct_and_seeded():
    a = SPOS.sample(500, seed=1, distinct=True)
    assert len(np.unique(SPOS.keys(a))) == 500
    np.testing.assert_array_equal(a, SPOS.sample(500, seed=1, distinct=True))
    everything = MACRO.sample(10_000, seed=2, distinct=True)
    assert len(everything) == MACRO.size
    assert len(np.unique(MACRO.keys(everything))) == MACRO.size
    np.testing.assert_array_equal(MACRO.from_keys(MACRO.keys(everything)), everything)


def test_encode_one_hot():
    X = MIXED.sample(30, seed=0)
    E = MIXED.encode(X)
    assert E.shape == (30, 12 + 2 + 1 + 3) and E.dtype == np.float32
    np.testing.assert_array_equal(E.sum(axis=1), 4)
    np.testing.assert_array_equal(E[:, :12].argmax(axis=1), X[:, 0])


def test_costs_from_tables_and_functions():
    table = np.arange(MACRO.size, dtype=float)
    space = NBMacroSpace(flops=table, params=table / 10)
    X = MACRO.from_strings(["00000000", "00000002", "22222222"])
    np.testing.assert_array_equal(space.flops(X), [0, 2, 6560])
    np.testing.assert_array_equal(space.params(X), [0, 0.2, 656])
    spos = ChoiceSpace("spos", SPOS.choices, flops=lambda X: X.sum(axis=1) * 1.5)
    np.testing.assert_array_equal(spos.flops(np.ones((2, 20), dtype=int)), [30, 30])
    with pytest.raises(NotImplementedError):
        MACRO.flops(X)
    with pytest.raises(ValueError, match="one value per architecture"):
        NBMacroSpace(params=np.ones(5))
