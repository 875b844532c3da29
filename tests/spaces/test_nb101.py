"""NB101Space: pruning, canonical forms, the official hash, locality, strings and costs."""

from __future__ import annotations

import ast
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lissnas.spaces import NB101Space
from lissnas.spaces._nb101 import _IU, _JU, NB101_OPS, vertex_channels

SPACE = NB101Space()
INCEPTION = (
    [
        [0, 1, 1, 1, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0],
    ],
    ["input", "conv1x1-bn-relu", "conv3x3-bn-relu", "conv3x3-bn-relu", "conv3x3-bn-relu",
     "maxpool3x3", "output"],
)  # fmt: skip
# NASLib tests: this dataset key has the official hash below (naslib/tests/test_nb101.py).
NASLIB_KEY = [
    0, 1, 1, 0, 1, 1, 0,
    0, 0, 0, 0, 1, 0, 0,
    0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 1, 0, 0,
    0, 0, 0, 0, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 1,
    0, 0, 0, 0, 0, 0, 0,
    0, 2, 4, 3, 3, 4, 1,
]  # fmt: skip
NASLIB_HASH = "ff940d27cbe9ed0a639a68a9c3f87283"

raw_archs = st.lists(st.integers(0, 1), min_size=21, max_size=21).flatmap(
    lambda bits: st.lists(st.integers(0, 2), min_size=5, max_size=5).map(
        lambda ops: np.array(bits + ops, dtype=np.int64)
    )
)


def _valid(x: np.ndarray) -> bool:
    return bool(SPACE.is_valid(x)[0])


def _relabel(x: np.ndarray, seed: int) -> np.ndarray:
    """An isomorphic encoding: nodes 1..5 renumbered along a random topological order."""
    rng = np.random.default_rng(seed)
    A = np.zeros((7, 7), dtype=np.int64)
    A[_IU, _JU] = x[:21]
    order, placed = [0], {0}
    while len(order) < 6:
        ready = [
            v
            for v in range(1, 6)
            if v not in placed and not A[:v, v][list(set(range(v)) - placed)].any()
        ]
        v = int(rng.choice(ready))
        order.append(v)
        placed.add(v)
    order.append(6)
    B = A[np.ix_(order, order)]
    return np.r_[B[_IU, _JU], x[21:][np.array(order[1:6]) - 1]]


def test_known_official_hash_and_naslib_key():
    x = SPACE.from_naslib(NASLIB_KEY)
    assert SPACE.graph_hash(x) == NASLIB_HASH
    assert SPACE.graph_hash(SPACE.canonical(x)[0]) == NASLIB_HASH


def test_inception_cell_params_match_official_readme():
    x = SPACE.from_spec(*INCEPTION)
    assert SPACE.params(x)[0] * 1e6 == pytest.approx(2694282, abs=0.5)  # trainable_parameters


def test_vertex_channels_split_output_with_remainder():
    m = np.zeros((5, 5), dtype=np.int64)
    m[0, 1] = m[0, 2] = m[1, 3] = m[2, 4] = m[3, 4] = m[1, 2] = 1
    # vertices 2 and 3 feed the output: 129 -> 65 + 64; vertex 1 takes max of 2 and 3
    assert vertex_channels(128, 129, m) == [128, 65, 65, 64, 129]


def test_pruning_dead_nodes_and_invalid_cells():
    base = SPACE.from_spec([[0, 1], [0, 0]], ["input", "output"])
    dangling = base.copy()
    dangling[0] = 1  # edge 0->1; node 1 never reaches the output
    dangling[21] = 2
    assert np.array_equal(SPACE.canonical(dangling), SPACE.canonical(base))
    assert SPACE.graph_hash(dangling) == SPACE.graph_hash(base)
    disconnected = np.zeros(26, dtype=np.int64)
    with pytest.raises(ValueError, match="not connected"):
        SPACE.canonical(disconnected)
    dense = np.r_[np.ones(21, dtype=np.int64), np.zeros(5, dtype=np.int64)]
    with pytest.raises(ValueError, match="21 edges remain after pruning, at most 9"):
        SPACE.validate(dense)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(x=raw_archs, seed=st.integers(0, 10_000))
def test_isomorphic_cells_share_canonical_form_and_hash(x, seed):
    assume(_valid(x))
    y = _relabel(x, seed)
    assert np.array_equal(SPACE.canonical(x), SPACE.canonical(y))
    assert SPACE.graph_hash(x) == SPACE.graph_hash(y)
    c = SPACE.canonical(x)
    assert np.array_equal(SPACE.canonical(c), c)  # idempotent
    assert SPACE.distance(x, y) == 0


def test_hash_separates_distinct_classes():
    X = SPACE.sample(300, seed=3, distinct=True)
    assert len({SPACE.graph_hash(x) for x in X}) == 300


def test_canonical_batch_matches_rowwise():
    rng = np.random.default_rng(0)
    X = SPACE._sample_raw(200, rng)
    Y = np.vstack([_relabel(x, i) for i, x in enumerate(X)])
    C = SPACE.canonical(Y)
    assert np.array_equal(C, np.vstack([SPACE.canonical(y) for y in Y]))
    assert np.array_equal(C, X)


def test_sample_valid_canonical_seeded():
    X = SPACE.sample(500, seed=1)
    assert SPACE.is_valid(X).all()
    assert np.array_equal(SPACE.canonical(X), X)
    assert np.array_equal(X, SPACE.sample(500, seed=1))
    D = SPACE.sample(400, seed=2, distinct=True)
    assert len(np.unique(SPACE.keys(D))) == 400
    assert SPACE.size == 423_624
    assert SPACE.enumerate() is None


@pytest.mark.parametrize("radius", [1, 2])
def test_neighbors_within_distance_distinct(radius):
    for arch in SPACE.sample(4, seed=radius):
        nb = SPACE.neighbors(arch, radius)
        assert len(nb) > 0
        assert np.array_equal(SPACE.canonical(nb), nb)
        assert len(np.unique(SPACE.keys(nb))) == len(nb)
        assert not (SPACE.keys(nb) == SPACE.keys(arch[None])[0]).any()
        dists = [SPACE.distance(arch, b) for b in nb]
        assert min(dists) >= 1 and max(dists) <= radius
    one = SPACE.neighbors(arch, 1)
    two = SPACE.neighbors(arch, 2)
    assert np.isin(SPACE.keys(one), SPACE.keys(two)).all()
    sub = SPACE.neighbors(arch, 2, seed=0, limit=5)
    assert len(sub) == 5 and np.isin(SPACE.keys(sub), SPACE.keys(two)).all()
    assert np.array_equal(sub, SPACE.neighbors(arch, 2, seed=0, limit=5))


def test_neighbors_complete_for_single_op_change():
    arch = SPACE.from_spec(*INCEPTION)
    changed = arch.copy()
    changed[21] = 2  # conv1x1 -> maxpool at node 1
    assert SPACE.distance(arch, changed) == 1
    keys = SPACE.keys(SPACE.neighbors(arch, 1))
    assert SPACE.keys(SPACE.canonical(changed))[0] in keys
    with pytest.raises(ValueError, match="max_distance must be >= 1"):
        SPACE.neighbors(arch, 0)


def test_distance_symmetric_and_bounded():
    X = SPACE.sample(6, seed=4)
    for a in X:
        for b in X:
            d = SPACE.distance(a, b)
            assert d == SPACE.distance(b, a)
            assert 0 <= d <= SPACE.max_distance
            assert (d == 0) == (SPACE.graph_hash(a) == SPACE.graph_hash(b))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(x=raw_archs)
def test_string_round_trip(x):
    assume(_valid(x))
    text = SPACE.to_string(x)
    assert np.array_equal(SPACE.from_string(text), x)
    assert text.split("|")[1].split(",")[0] in NB101_OPS


def test_from_string_errors():
    with pytest.raises(ValueError, match="21 edge bits"):
        SPACE.from_string("0101|conv3x3-bn-relu")
    with pytest.raises(ValueError, match="unknown op 'conv5x5'"):
        SPACE.from_string(
            "1" + "0" * 5 + "0" * 15 + "|conv5x5,maxpool3x3,maxpool3x3,maxpool3x3,maxpool3x3"
        )
    with pytest.raises(ValueError, match="upper-triangular"):
        SPACE.from_spec(np.eye(7, dtype=int), ["input"] + ["maxpool3x3"] * 5 + ["output"])


def test_encode_zeroes_pruned_ops():
    base = SPACE.from_spec([[0, 1], [0, 0]], ["input", "output"])
    E = SPACE.encode(np.vstack([base, SPACE.from_spec(*INCEPTION)]))
    assert E.shape == (2, 36) and E.dtype == np.float32
    assert E[0, 21:].sum() == 0 and E[0, :21].sum() == 1
    assert E[1, 21:].sum() == 5 and E[1, :21].sum() == 9


def test_params_and_flops_match_naslib_zc(data_dir):
    table = json.loads((data_dir / "nasbench101/zc_nasbench101.json").read_text())
    rows = table["nasbench101"]["cifar10"]
    X = np.vstack([SPACE.from_naslib(ast.literal_eval(k)) for k in rows])
    params = np.array([v["params"] for v in rows.values()])
    flops = np.array([v["flops"] for v in rows.values()])
    np.testing.assert_allclose(SPACE.params(X), params, rtol=0, atol=1e-9)
    np.testing.assert_allclose(SPACE.flops(X), flops, rtol=1e-12, atol=1e-6)
