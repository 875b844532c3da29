"""Baselines and ablations behind the ``Shrinker`` interface: budgets, sizes, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from lissnas.benchmarks import load_benchmark
from lissnas.compare._compare import build_shrinker
from lissnas.predictors import XGBoostPredictor
from lissnas.shrink import (
    ABS,
    LISSNAS,
    PADNAS,
    SHRINKERS,
    QueryAll,
    RandomTopK,
    make_shrinker,
)
from lissnas.shrink._baselines import _ProductSpace

BASELINES = [name for name in SHRINKERS if name != "lissnas"]
#: Smaller initial samples for the LISSNAS ablations keep the tests fast.
FAST = {"no-neighbor": {"n_init": 300}, "random-neighbor": {"n_init": 300}}


@pytest.fixture(scope="module")
def source():
    return load_benchmark("nb201-cifar10")


@pytest.fixture(scope="module")
def graph(data_dir):
    return load_benchmark("nbgraph-cora", data_dir)


def _op_sets(space, members: list[str]) -> np.ndarray:
    """Which (position, op) the raw encodings of the members' classes use."""
    product = _ProductSpace(space)
    keys = space.keys(space.canonical(space.from_strings(members)))
    rows = product.raw[np.isin(product.class_keys, keys)]
    used = np.zeros(product.full.shape, dtype=bool)
    used[np.repeat(np.arange(space.n_positions), len(rows)), rows.T.ravel()] = True
    return used


@pytest.mark.parametrize("name", BASELINES)
def test_members_budget_size_determinism(source, name) -> None:
    shrinker = build_shrinker(name, gt_budget=60, target_size=80, **FAST.get(name, {}))
    source.reset_queries()
    result = shrinker.shrink(source.space, source, seed=3)
    assert source.n_queries == result.gt_queries <= 60
    assert len(result.queried) == result.gt_queries == len(set(result.queried))
    archs = result.architectures(source.space)
    np.testing.assert_array_equal(source.space.canonical(archs), archs)
    assert len(set(result.members)) == result.size
    assert 1 <= result.size <= 80
    assert result.method == name and result.config["gt_budget"] == 60
    again = shrinker.shrink(source.space, source, seed=3)
    assert again.members == result.members and again.queried == result.queried
    other = shrinker.shrink(source.space, source, seed=4)
    assert other.queried != result.queried


def test_fixed_size_methods_reach_the_target(source) -> None:
    for name in ("random-topk", "greedynas", "no-neighbor", "random-neighbor", "query-all"):
        shrinker = build_shrinker(name, 60, 80, **FAST.get(name, {}))
        result = shrinker.shrink(source.space, source, seed=0)
        assert result.size == 80, name


@pytest.mark.parametrize("cls", [ABS, PADNAS])
def test_operator_pruning_keeps_an_op_per_position(source, graph, cls) -> None:
    for src in (source, graph):
        result = cls(gt_budget=50, target_size=1).shrink(src.space, src, seed=1)
        used = _op_sets(src.space, result.members)
        assert used.any(axis=1).all()
        assert result.size >= 1


def test_operator_pruning_shrinks_below_target_but_close(source) -> None:
    result = ABS(target_size=200).shrink(source.space, source, seed=0)
    assert 50 <= result.size <= 200
    used = _op_sets(source.space, result.members)
    assert (used.sum(axis=1) < source.space.cardinalities).any()


def test_padnas_keep_count(source) -> None:
    result = PADNAS(keep=2).shrink(source.space, source, seed=0)
    product = _ProductSpace(source.space)
    keys = source.space.keys(source.space.canonical(source.space.from_strings(result.members)))
    assert len(keys) == len(np.unique(product.class_keys[np.isin(product.class_keys, keys)]))
    # every member is a class of a product with 2 ops per position: at most 2^6 cells
    assert result.size <= 2**6


def test_query_all_equals_the_predictors_top_k(source) -> None:
    result = QueryAll(gt_budget=100, target_size=50).shrink(source.space, source, seed=7)
    space = source.space
    queried = space.from_strings(result.queried)
    model = clone(XGBoostPredictor()).fit(space.encode(queried), np.array(result.queried_values))
    everything = space.enumerate()
    scores = model.predict(space.encode(everything))
    known = np.isin(space.keys(everything), space.keys(queried))
    lookup = dict(zip(space.keys(queried).tolist(), result.queried_values, strict=True))
    scores[known] = [lookup[k] for k in space.keys(everything[known]).tolist()]
    top = everything[np.argsort(-scores, kind="stable")[:50]]
    assert set(space.to_strings(top)) == set(result.members)


def test_random_topk_fraction(source) -> None:
    result = RandomTopK(gt_budget=30, n_samples=500, top_fraction=0.1).shrink(
        source.space, source, seed=0
    )
    assert result.size == 50


def test_nse_on_a_space_without_flops_uses_params(graph) -> None:
    result = make_shrinker("nse", gt_budget=40, target_size=300).shrink(graph.space, graph, seed=0)
    assert 1 <= result.size <= 300


def test_registry_and_errors() -> None:
    assert isinstance(make_shrinker(), LISSNAS)
    assert set(SHRINKERS) >= {"lissnas", "abs", "padnas", "nse", "greedynas", "query-all"}
    with pytest.raises(ValueError, match=r"method must be one of .*abs.*got 'nope'"):
        make_shrinker("nope")
    with pytest.raises(ValueError, match=r"abs does not take parameter.*radius"):
        make_shrinker("abs", radius=2)
    with pytest.raises(ValueError, match="target_size must be >= 1, got 0"):
        ABS(target_size=0).check_params()
    with pytest.raises(ValueError, match="top_fraction must be in"):
        RandomTopK(top_fraction=1.5).check_params()
