"""NBGraphSpace: isomorphism classes against the benchmark's own hash, edit distance,
strings and encodings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lissnas.spaces import (
    NBGRAPH_LINKS,
    NBGRAPH_OPS,
    NBGRAPH_OPS_PROTEINS,
    NBGraphSpace,
)

SPACE = NBGraphSpace()
PROTEINS = NBGraphSpace.for_dataset("proteins")
TREE_LINKS = np.array([(0, a, b, c) for a in range(2) for b in range(3) for c in range(4)])


def raw_encodings(ops: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Every tree link vector x every op tuple except four skips."""
    n = len(ops)
    grid = np.indices((n,) * 4).reshape(4, -1).T
    grid = grid[~(grid == ops.index("skip")).all(axis=1)]
    return np.repeat(TREE_LINKS, len(grid), axis=0), np.tile(grid, (len(TREE_LINKS), 1))


@st.composite
def archs(draw, space=SPACE):
    ops = draw(st.lists(st.integers(0, len(space.ops) - 1), min_size=4, max_size=4))
    if all(space.ops[o] == "skip" for o in ops):
        ops[0] = 0
    return np.array([draw(st.integers(0, 8)), *ops], dtype=np.int64)


@st.composite
def raw_archs(draw):
    link = TREE_LINKS[draw(st.integers(0, len(TREE_LINKS) - 1))]
    ops = np.array(draw(st.lists(st.integers(0, 8), min_size=4, max_size=4)))
    if (ops == 8).all():
        ops[0] = 0
    return link, ops


# -- classes -------------------------------------------------------------------------------
def test_class_counts():
    assert SPACE.size == 26_206
    assert PROTEINS.size == 2_021
    assert SPACE.enumerate().shape == (26_206, 5)
    reps = SPACE.enumerate()
    np.testing.assert_array_equal(SPACE.canonical(reps), reps)
    assert (np.diff(SPACE.keys(reps)) > 0).all()
    # every encoding of the space (9 patterns x 9^4 ops, minus four skips) has a class
    grid = np.indices(SPACE.cardinalities).reshape(5, -1).T
    grid = grid[~(grid[:, 1:] == 8).all(axis=1)]
    assert len(grid) == 9 * 9**4 - 9
    assert len(np.unique(SPACE.keys(SPACE.canonical(grid)))) == 26_206


@pytest.mark.parametrize(
    ("ops", "dataset"), [(NBGRAPH_OPS, "cora"), (NBGRAPH_OPS_PROTEINS, "proteins")]
)
def test_canonical_key_is_the_benchmark_hash(ops, dataset):
    nbg = pytest.importorskip("nas_bench_graph")
    space = NBGraphSpace(ops)
    links, op_idx = raw_encodings(ops)
    mine = space.bench_hash(space.from_link_vector(links, op_idx))
    theirs = np.array(
        [
            nbg.Arch(list(link), [ops[o] for o in row]).valid_hash()
            for link, row in zip(links.tolist(), op_idx.tolist(), strict=True)
        ]
    )
    np.testing.assert_array_equal(mine, theirs)
    bench_keys = set(nbg.light_read(dataset))
    assert set(mine.tolist()) == bench_keys
    assert len(bench_keys) == space.size
    assert set(space.bench_hash(space.enumerate()).tolist()) == bench_keys
    # the benchmark's keys decode to canonical architectures
    decoded = space.from_bench_hash(sorted(bench_keys))
    np.testing.assert_array_equal(decoded, space.canonical(decoded))


def test_examples_of_isomorphism():
    gcn, gat, skip = (NBGRAPH_OPS.index(o) for o in ("gcn", "gat", "skip"))
    # four parallel ops: order does not matter
    a = SPACE.from_string("0,0,0,0|gcn,gat,gcn,fc")
    b = SPACE.from_string("0,0,0,0|fc,gcn,gcn,gat")
    np.testing.assert_array_equal(SPACE.canonical(a), SPACE.canonical(b))
    assert SPACE.distance(a, b) == 0
    # a chain: order matters
    c = SPACE.from_string("0,1,2,3|gcn,gat,gcn,gcn")
    d = SPACE.from_string("0,1,2,3|gat,gcn,gcn,gcn")
    assert SPACE.distance(c, d) >= 1
    # a skip fed by the input is the input itself: it moves to the front
    e = SPACE.from_string("0,0,0,0|gcn,skip,gat,fc")
    f = SPACE.from_string("0,1,1,1|skip,gcn,gat,fc")
    np.testing.assert_array_equal(SPACE.canonical(e), SPACE.canonical(f))
    e = SPACE.from_link_vector([0, 0, 1, 2], [skip, gcn, gat, gcn])
    f = SPACE.from_link_vector([0, 1, 1, 2], [skip, gcn, gat, gcn])
    np.testing.assert_array_equal(e, f)
    # a listed link vector relabelled is the same architecture
    g = SPACE.from_link_vector([0, 0, 2, 0], [gcn, gat, gat, gcn])
    h = SPACE.from_link_vector([0, 0, 0, 1], [gat, gcn, gcn, gat])
    np.testing.assert_array_equal(g, h)


@settings(max_examples=100, deadline=None)
@given(arch=archs())
def test_canonical_idempotent_and_string_round_trip(arch):
    canon = SPACE.canonical(arch)
    np.testing.assert_array_equal(SPACE.canonical(canon), canon)
    np.testing.assert_array_equal(SPACE.from_string(SPACE.to_string(arch)), arch)
    assert SPACE.distance(arch, canon[0]) == 0


def test_string_form():
    arch = SPACE.from_string("0,0,1,2|gcn,gat,skip,fc")
    np.testing.assert_array_equal(arch, [3, 1, 0, 8, 7])
    assert SPACE.to_string(arch) == "0,0,1,2|gcn,gat,skip,fc"
    assert PROTEINS.to_string(PROTEINS.from_string("0,1,2,3|arma,sage,gcn,skip")) == (
        "0,1,2,3|arma,sage,gcn,skip"
    )


@pytest.mark.parametrize(
    ("space", "text", "match"),
    [
        (SPACE, "gcn,gat,skip,fc", "not a NAS-Bench-Graph string"),
        (SPACE, "0,0,0,2|gcn,gat,skip,fc", "link vector '0,0,0,2' .* not one of the 9"),
        (SPACE, "0,0,x,2|gcn,gat,skip,fc", "link vector '0,0,x,2'"),
        (SPACE, "0,0,1,2|gcn,gat,skip", "has 3 ops, expected 4"),
        (SPACE, "0,0,1,2|gcn,gat,conv,fc", "op 2 .* is 'conv'"),
        (PROTEINS, "0,0,1,2|gcn,gat,skip,fc", "op 1 .* is 'gat'"),
        (SPACE, "0,0,1,2|skip,skip,skip,skip", "'skip' as all four ops"),
    ],
)
def test_bad_strings(space, text, match):
    with pytest.raises(ValueError, match=match):
        space.from_string(text)


def test_bad_inputs():
    with pytest.raises(ValueError, match="all four ops"):
        SPACE.validate([0, 8, 8, 8, 8])
    assert not SPACE.contains([0, 8, 8, 8, 8])
    assert SPACE.contains([0, 8, 8, 8, 1])
    with pytest.raises(ValueError, match="position 1 has value 5"):
        PROTEINS.validate([0, 5, 0, 0, 0])
    with pytest.raises(ValueError, match="entry 2 is 3"):
        SPACE.from_link_vector([0, 0, 3, 0], [0, 0, 0, 0])
    with pytest.raises(ValueError, match="12345 is not a NAS-Bench-Graph key"):
        PROTEINS.from_bench_hash([12345])
    with pytest.raises(ValueError, match="unknown"):
        NBGraphSpace(["gcn", "conv"])
    with pytest.raises(ValueError, match="duplicates"):
        NBGraphSpace(["gcn", "gcn"])
    with pytest.raises(NotImplementedError, match="parameter table"):
        SPACE.params(SPACE.enumerate()[:2])
    with pytest.raises(ValueError, match="dataset must be one of"):
        NBGraphSpace.for_dataset("mnist")
    with pytest.raises(ValueError, match=r"latency table must hold one value per class \(26206\)"):
        NBGraphSpace(NBGRAPH_OPS, latency=np.ones(3))


# -- edit distance -------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(a=archs(), b=archs())
def test_distance_symmetric_and_consistent_with_neighbors(a, b):
    d = SPACE.distance(a, b)
    assert d == SPACE.distance(b, a)
    assert 0 <= d <= SPACE.max_distance
    if d:
        within = SPACE.neighbors(a, d)
        assert SPACE.keys(SPACE.canonical(b))[0] in set(SPACE.keys(within).tolist())
        if d > 1:
            closer = SPACE.neighbors(a, d - 1)
            assert SPACE.keys(SPACE.canonical(b))[0] not in set(SPACE.keys(closer).tolist())


@settings(max_examples=30, deadline=None)
@given(a=archs(), radius=st.integers(1, 2))
def test_neighbors_within_distance_excluding_self(a, radius):
    found = SPACE.neighbors(a, radius)
    keys = SPACE.keys(found)
    assert len(np.unique(keys)) == len(found)
    assert SPACE.keys(SPACE.canonical(a))[0] not in set(keys.tolist())
    np.testing.assert_array_equal(SPACE.canonical(found), found)
    pick = found[:: max(1, len(found) // 5)]
    dists = [SPACE.distance(a, x) for x in pick]
    assert all(1 <= d <= radius for d in dists)
    assert dists == sorted(dists)  # nearest first


@settings(max_examples=60, deadline=None)
@given(raw=raw_archs(), position=st.integers(0, 6), value=st.integers(0, 8))
def test_one_change_is_distance_at_most_one(raw, position, value):
    """Changing one op, or one entry of any tree link vector, moves at most one step."""
    link, ops = raw
    link2, ops2 = link.copy(), ops.copy()
    if position < 4:
        ops2[position] = value
    else:
        entry = position - 3
        link2[entry] = value % (entry + 1)
    if (ops2 == 8).all():
        return
    a = SPACE.from_link_vector(link, ops)
    b = SPACE.from_link_vector(link2, ops2)
    assert SPACE.distance(a, b) <= 1


def test_neighbors_limit_and_errors():
    arch = SPACE.from_string("0,1,1,2|gcn,gat,sage,fc")
    everything = SPACE.neighbors(arch, 2)
    some = SPACE.neighbors(arch, 2, seed=5, limit=40)
    assert len(some) == 40
    assert set(SPACE.keys(some).tolist()) <= set(SPACE.keys(everything).tolist())
    np.testing.assert_array_equal(some, SPACE.neighbors(arch, 2, seed=5, limit=40))
    with pytest.raises(ValueError, match="max_distance must be >= 1"):
        SPACE.neighbors(arch, 0)


def test_max_distance_is_reached():
    assert SPACE.max_distance == PROTEINS.max_distance == 7
    # a star of one op against a chain of another: every link entry and op differ
    a = SPACE.from_string("0,0,0,0|gat,gat,gat,gat")
    b = SPACE.from_string("0,1,2,3|gcn,gcn,gcn,gcn")
    assert SPACE.distance(a, b) == 7
    assert PROTEINS._measured_diameter == 7
    small = NBGraphSpace(["gcn", "skip"])
    assert small.max_distance == small._measured_diameter <= 7


def test_sampling_is_uniform_over_classes():
    X = SPACE.sample(2_000, seed=0, distinct=True)
    assert len(np.unique(SPACE.keys(X))) == 2_000
    np.testing.assert_array_equal(SPACE.canonical(X), X)
    np.testing.assert_array_equal(X, SPACE.sample(2_000, seed=0, distinct=True))


# -- encoding ------------------------------------------------------------------------------
def test_encode():
    X = SPACE.enumerate()
    E = SPACE.encode(X)
    assert E.shape == (len(X), 9 + 4 * 9 + 9 + 3) and E.dtype == np.float32
    assert np.isfinite(E).all()
    np.testing.assert_array_equal(E[:, :9].argmax(axis=1), X[:, 0])
    arch = SPACE.from_string("0,1,2,2|gcn,skip,gat,fc")
    features = SPACE.encode(arch)[0]
    # canonical form: input -> skip -> gcn -> (gat, fc)
    assert features[-3:].tolist() == [3, 2, 2]  # non-skip ops, leaves, deepest path
    # isomorphic inputs encode alike
    twin = SPACE.from_link_vector([0, 0, 2, 0], [1, 0, 0, 1])
    twin_raw = np.array([1, 0, 1, 1, 0])  # pattern (0,0,0,1) with a different op order
    np.testing.assert_array_equal(SPACE.encode(twin), SPACE.encode(twin_raw))
    assert len(NBGRAPH_LINKS) == 9
