"""NAS-Bench-201 space: isomorphism against the official data, strings, locality, cost."""

from __future__ import annotations

import csv
import json
from ast import literal_eval

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lissnas.spaces import NB201_OPS, NB201Space, unique_string

SPACE = NB201Space()
cells = st.lists(st.integers(0, len(NB201_OPS) - 1), min_size=6, max_size=6).map(np.array)


def test_size_and_enumeration() -> None:
    everything = SPACE.enumerate()
    assert SPACE.size == 6466 == len(everything)
    assert len(np.unique(SPACE.keys(everything))) == 6466
    np.testing.assert_array_equal(SPACE.canonical(everything), everything)


def test_classes_match_official_unique_strings(data_dir) -> None:
    with (data_dir / "nasbench201/nats_test_accuracy.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 15625
    archs = SPACE.from_strings([row["ArchitectureString"] for row in rows])
    classes = SPACE.class_index(archs)
    official = np.unique([row["UniqueString"] for row in rows], return_inverse=True)[1]
    # same partition: each of our classes is exactly one official class and vice versa
    pairs = np.unique(np.stack([classes, official], axis=1), axis=0)
    assert len(pairs) == len(np.unique(classes)) == len(np.unique(official)) == 6466
    assert all(unique_string(a) == row["UniqueString"] for a, row in zip(archs, rows, strict=True))


def test_official_string_round_trip() -> None:
    text = (
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|"
        "+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    )
    arch = SPACE.from_string(text)
    assert arch.tolist() == [3, 3, 4, 1, 3, 1]
    assert SPACE.to_string(arch) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "unknown op 'conv'"),
        ("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "should come from node 0"),
        ("none", "not a NAS-Bench-201 string"),
    ],
)
def test_from_string_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SPACE.from_string(text)


def test_validate_names_position_and_value() -> None:
    with pytest.raises(ValueError, match="architecture 1 position 2 has value 7"):
        SPACE.validate([[0] * 6, [0, 0, 7, 0, 0, 0]])
    with pytest.raises(ValueError, match="must have 6 positions"):
        SPACE.validate([0, 1, 2])
    assert not SPACE.contains([5, 0, 0, 0, 0, 0])


def test_naslib_tuple_conversion_matches_data(data_dir) -> None:
    """NASLib tuples use another op code and edge order; its accuracies must line up with the
    official strings' (Spearman > 0.95 only with the right mapping)."""
    from scipy.stats import spearmanr

    from lissnas.benchmarks import load_benchmark

    table = json.loads((data_dir / "nasbench201/naslib_val_accuracy.json").read_text())["cifar10"]
    tuples = np.array([literal_eval(k) for k in table])
    archs = SPACE.from_naslib(tuples)
    np.testing.assert_array_equal(SPACE.to_naslib(archs), tuples)
    test_acc = load_benchmark("nb201-cifar10-test", data_dir).evaluate(archs)
    assert spearmanr(list(table.values()), test_acc)[0] > 0.95


@pytest.mark.parametrize("dataset", ["cifar10", "cifar100"])
def test_params_and_flops_match_naslib(data_dir, dataset: str) -> None:
    table = json.loads((data_dir / "nasbench201/zc_nasbench201.json").read_text())[dataset]
    space = NB201Space(num_classes=10 if dataset == "cifar10" else 100)
    archs = space.from_naslib(np.array([literal_eval(k) for k in table]))
    params = np.array([v["params"]["score"] for v in table.values()])
    flops = np.array([v["flops"]["score"] for v in table.values()])
    assert np.abs(space.params(archs) / params - 1).max() < 1e-6
    np.testing.assert_allclose(space.flops(archs), flops, rtol=1e-12, atol=1e-6)
    # the documented example of the data README
    example = space.from_naslib([0, 2, 3, 2, 3, 1])
    if dataset == "cifar10":
        assert space.params(example)[0] == pytest.approx(0.615386)
        assert space.flops(example)[0] == pytest.approx(88.307392, abs=1e-6)


def test_neighbors_all_and_limited() -> None:
    arch = SPACE.from_string(
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    )
    ring = SPACE.neighbors(arch, 1)
    assert 0 < len(ring) <= 24
    assert all(SPACE.distance(arch, n) == 1 for n in ring)
    ball = SPACE.neighbors(arch, 2)
    assert len(ball) > len(ring)
    assert {tuple(r) for r in ring} <= {tuple(b) for b in ball}
    some = SPACE.neighbors(arch, 2, seed=3, limit=10)
    assert len(some) == 10
    np.testing.assert_array_equal(some, SPACE.neighbors(arch, 2, seed=3, limit=10))
    with pytest.raises(ValueError, match="max_distance must be >= 1"):
        SPACE.neighbors(arch, 0)


def test_encode_is_isomorphism_invariant() -> None:
    everything = SPACE._all_cells  # every cell, isomorphic ones included
    features = SPACE.encode(everything)
    canonical = SPACE.encode(SPACE.canonical(everything))
    np.testing.assert_array_equal(features, canonical)
    assert features.shape == (15625, 30 + 4 + 2)


def test_sample_is_seeded_and_distinct() -> None:
    a = SPACE.sample(500, seed=7, distinct=True)
    b = SPACE.sample(500, seed=7, distinct=True)
    np.testing.assert_array_equal(a, b)
    assert len(np.unique(SPACE.keys(a))) == 500
    assert len(SPACE.sample(10_000, seed=1, distinct=True)) == 6466


@settings(max_examples=60, deadline=None)
@given(cells)
def test_canonical_is_idempotent_and_string_round_trips(cell: np.ndarray) -> None:
    canon = SPACE.canonical(cell)
    np.testing.assert_array_equal(SPACE.canonical(canon), canon)
    assert unique_string(canon[0]) == unique_string(cell)
    np.testing.assert_array_equal(SPACE.from_string(SPACE.to_string(cell)), cell)
    assert SPACE.distance(cell, canon[0]) == 0


@settings(max_examples=25, deadline=None)
@given(cells, st.integers(1, 3))
def test_neighbors_within_distance(cell: np.ndarray, radius: int) -> None:
    found = SPACE.neighbors(cell, radius, seed=0, limit=15)
    own = SPACE.keys(SPACE.canonical(cell))[0]
    assert own not in set(SPACE.keys(found).tolist())
    for other in found:
        assert 1 <= SPACE.distance(cell, other) <= radius


@settings(max_examples=40, deadline=None)
@given(cells, cells)
def test_distance_is_symmetric(a: np.ndarray, b: np.ndarray) -> None:
    d = SPACE.distance(a, b)
    assert d == SPACE.distance(b, a)
    assert 0 <= d <= int((a != b).sum())
