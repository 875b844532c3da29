"""DARTSSpace (NAS-Bench-301): size, strings, edit distance, vectorised neighbours, encoding."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lissnas.spaces import DARTS_OPS, DARTSSpace

SPACE = DARTSSpace()
# DARTS-V2 from the DARTS paper, in its own Genotype form
DARTS_V2 = (
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
    "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
    "('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), "
    "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
    "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])"
)

archs = st.tuples(*(st.integers(0, int(c) - 1) for c in SPACE.cardinalities)).map(
    lambda t: np.array(t, dtype=np.int64)
)


def test_size_is_the_nb301_count():
    # per cell: input pairs 1 * 3 * 6 * 10, ops 7^8
    assert SPACE.size == (1 * 3 * 6 * 10) ** 2 * 7**16
    assert SPACE.max_distance == 28
    assert SPACE.enumerate() is None
    assert SPACE.n_positions == 24


def test_genotype_round_trip_and_sorting():
    arch = SPACE.from_string(DARTS_V2)
    compact = SPACE.to_compact(arch)
    # node 3 of the normal cell: inputs 0 and 1, sep_conv_3x3 on both
    assert compact[0][2:4] == [(0, 3), (1, 3)]
    # the genotype lists (1, sep3), (0, skip) for node 4: stored sorted by input
    assert compact[0][4:6] == [(0, 2), (1, 3)]
    assert SPACE.from_string(SPACE.to_genotype(arch)).tolist() == arch.tolist()
    assert SPACE.from_string(SPACE.to_string(arch)).tolist() == arch.tolist()
    assert SPACE.to_genotype(arch).count("sep_conv_3x3") == 5


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[[(0, 0)]]", "expected 2 cells"),
        ("not a genotype", "cannot parse"),
        ("[[(0, 0)] * 8, []]", "cannot parse"),
        (str([[(0, 0), (0, 1)] + [(0, 1), (1, 1)] * 3, [(0, 1), (1, 1)] * 4]), "input 0 twice"),
        (str([[(0, 1), (1, 1)] * 4, [(0, 1), (1, 9)] * 4]), "op code 9"),
        (str([[(0, 1), (5, 1)] * 4, [(0, 1), (1, 1)] * 4]), "has input 5"),
        ("Genotype(normal=[('conv_9x9', 0)], reduce=[])", "unknown operation 'conv_9x9'"),
    ],
)
def test_bad_strings_name_the_fault(text, match):
    with pytest.raises(ValueError, match=match):
        SPACE.from_string(text)
    with pytest.raises(ValueError, match=match):
        SPACE.from_strings([SPACE.to_string(SPACE.sample(1, 0)[0]), text])


@settings(max_examples=50, deadline=None)
@given(archs, archs)
def test_distance_is_a_symmetric_edit_count(a, b):
    d = SPACE.distance(a, b)
    assert d == SPACE.distance(b, a)
    assert (d == 0) == (a.tolist() == b.tolist())
    assert 0 <= d <= SPACE.max_distance
    # never more than the changed positions (+1 per pair index: it moves up to 2 inputs)
    diff = (a != b).reshape(8, 3)
    assert d <= int(diff[:, 1:].sum() + 2 * diff[:, 0].sum())


@settings(max_examples=30, deadline=None)
@given(archs)
def test_strings_round_trip(a):
    assert SPACE.from_string(SPACE.to_string(a)).tolist() == a.tolist()
    assert SPACE.from_strings(SPACE.to_strings(a[None, :])).tolist() == [a.tolist()]


def test_distance_one_neighbourhood_is_complete():
    arch = SPACE.sample(1, 3)[0]
    ring = SPACE.neighbors(arch, 1)
    # per cell: 8 edges x 6 other ops, and rewirings: node k's 2 edges x k free inputs
    assert len(ring) == 2 * (8 * 6 + 2 * (1 + 2 + 3))
    assert set(SPACE.distances(np.broadcast_to(arch, ring.shape), ring).tolist()) == {1}
    with pytest.raises(ValueError, match="pass limit"):
        SPACE.neighbors(arch, 3)


def test_sampled_neighbours_lie_within_the_radius_and_are_reproducible():
    starts = SPACE.sample(50, 1)
    walks = SPACE.sample_neighbors(starts, 5, 40, seed=7)
    again = SPACE.sample_neighbors(starts, 5, 40, seed=7)
    np.testing.assert_array_equal(walks, again)
    nearest = np.array(
        [SPACE.distances(np.broadcast_to(w, starts.shape), starts).min() for w in walks[:300]]
    )
    assert nearest.min() >= 1 and nearest.max() <= 5
    SPACE.validate(walks)
    limited = SPACE.neighbors(starts[0], 9, seed=0, limit=25)
    assert len(limited) == 25 == len(SPACE.unique(limited))
    d = SPACE.distances(np.broadcast_to(starts[0], limited.shape), limited)
    assert d.min() >= 1 and d.max() <= 9


def test_encoding_marks_each_edge_op():
    arch = SPACE.from_string(DARTS_V2)
    features = SPACE.encode(arch[None, :])[0]
    assert features.shape == (28,)
    assert (features > 0).sum() == 16  # 8 used edges per cell
    # normal cell, node 5 (edges 9..13): dil_conv_3x3 from node 2 -> edge 11
    assert features[11] == DARTS_OPS.index("dil_conv_3x3") + 1
    assert features[9] == DARTS_OPS.index("skip_connect") + 1


def test_sampling_is_uniform_over_the_product_encoding():
    X = SPACE.sample(20000, 0)
    pairs = X.reshape(-1, 4, 3)[:, 3, 0]  # node 5's input pair: 10 choices
    counts = np.bincount(pairs, minlength=10)
    assert counts.min() > 0.8 * len(pairs) / 10


def test_params_and_flops_match_naslib_zc(data_dir):
    rows = json.loads((data_dir / "nasbench301/zc_nasbench301.json").read_text())["cifar10"]
    X = SPACE.from_strings(list(rows))
    params = np.array([v["params"]["score"] for v in rows.values()])
    flops = np.array([v["flops"]["score"] for v in rows.values()])
    np.testing.assert_allclose(SPACE.params(X), params, rtol=0, atol=1e-9)
    np.testing.assert_allclose(SPACE.flops(X), flops, rtol=1e-12, atol=1e-6)


def test_cost_follows_the_ops_and_is_vectorised():
    skip, pool, sep5 = (
        DARTS_OPS.index(n) for n in ("skip_connect", "max_pool_3x3", "sep_conv_5x5")
    )
    cheap = SPACE.from_compact([[(0, skip), (1, skip)] * 4, [(0, pool), (1, pool)] * 4])
    heavy = SPACE.from_compact([[(0, sep5), (1, sep5)] * 4] * 2)
    X = np.vstack([cheap, heavy, SPACE.sample(50, seed=0)])
    params, flops = SPACE.params(X), SPACE.flops(X)
    assert params.shape == flops.shape == (52,)
    # every op of the cheap architecture is parameter-free: only stem, preprocessing, classifier
    assert params[0] == params.min() and params[1] == params.max()
    assert flops[0] == flops.min() and flops[1] == flops.max()
    np.testing.assert_array_equal(flops[2:], [SPACE.flops(x)[0] for x in X[2:]])
    with pytest.raises(ValueError):
        SPACE.flops(np.full((1, 24), 7))
