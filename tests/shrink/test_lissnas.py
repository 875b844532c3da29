"""LISSNAS on NAS-Bench-201: budgets, determinism, quality, saved results."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lissnas.benchmarks import TabularSource, load_benchmark
from lissnas.evaluation import member_ground_truth
from lissnas.metrics import oracle_gap_ratio
from lissnas.shrink import LISSNAS, ShrinkResult
from lissnas.spaces import ChoiceSpace


@pytest.fixture(scope="module")
def source():
    return load_benchmark("nb201-cifar10")


def test_budget_members_and_history(source) -> None:
    source.reset_queries()
    records = []
    result = LISSNAS(gt_budget=120).shrink(source.space, source, seed=1, callback=records.append)
    assert source.n_queries == result.gt_queries == 120
    assert len(result.queried) == 120 == len(set(result.queried))
    archs = result.architectures(source.space)
    np.testing.assert_array_equal(source.space.canonical(archs), archs)
    assert len(set(result.members)) == result.size >= 200
    assert records == result.history
    assert [r.iteration for r in result.history] == list(range(len(result.history)))
    assert not result.history[-1].accepted or len(result.history) == 21
    assert len(result.trajectory) == len(result.history)
    assert result.member_scores == sorted(result.member_scores, reverse=True)


def test_same_seed_same_bytes(source, tmp_path) -> None:
    a = LISSNAS(gt_budget=60, n_init=300).shrink(source.space, source, seed=5)
    b = LISSNAS(gt_budget=60, n_init=300).shrink(source.space, source, seed=5)
    a.wall_time_s = b.wall_time_s = 0.0
    for rec_a, rec_b in zip(a.history, b.history, strict=True):
        assert (rec_a.size, rec_a.mean_score) == (rec_b.size, rec_b.mean_score)
    assert a.members == b.members and a.queried == b.queried
    c = LISSNAS(gt_budget=60, n_init=300).shrink(source.space, source, seed=6)
    assert c.members != a.members


def test_default_beats_the_papers_literal_loop(source) -> None:
    _, full = source.ground_truth()
    gaps = {}
    for name, shrinker in (("default", LISSNAS()), ("paper", LISSNAS.paper())):
        result = shrinker.shrink(source.space, source, seed=0)
        gaps[name] = oracle_gap_ratio(full, member_ground_truth(result, source))
    assert gaps["default"] > 0.9
    assert gaps["default"] > gaps["paper"]


def test_target_size_and_save_load(source, tmp_path) -> None:
    result = LISSNAS(target_size=50).shrink(source.space, source, seed=2)
    assert result.size == 50
    path = result.save(tmp_path / "r.json")
    doc = json.loads(path.read_text())
    assert doc["members"] == result.members and doc["seed"] == 2
    assert doc["config"]["target_size"] == 50 and doc["benchmark"] == "nb201-cifar10"
    assert {"history", "gt_queries", "predictor_queries", "reduction_factor"} <= set(doc)
    loaded = ShrinkResult.load(path)
    assert loaded == result
    assert not list(tmp_path.glob(".*tmp"))


def test_load_errors(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(ValueError, match="not a JSON file"):
        ShrinkResult.load(bad)
    bad.write_text('{"format": "other"}')
    with pytest.raises(ValueError, match="not a lissnas shrink result"):
        ShrinkResult.load(bad)
    bad.write_text('{"format": "lissnas.shrink_result", "version": 1}')
    with pytest.raises(ValueError, match="missing field"):
        ShrinkResult.load(bad)


def test_minimised_metric_on_a_synthetic_space() -> None:
    """A choice space whose loss is the Hamming distance to a target: LISSNAS must keep the
    target (global optimum) and report scores in the metric's units."""
    space = ChoiceSpace("toy", [["a", "b", "c", "d"]] * 6)
    everything = space.enumerate()
    target = np.array([1, 2, 3, 0, 1, 2])
    loss = (everything != target).sum(axis=1).astype(float)
    source = TabularSource(space, everything, loss, name="toy", metric="loss", maximize=False)
    result = LISSNAS(gt_budget=60, n_init=300, min_size=50).shrink(space, source, seed=0)
    assert space.to_string(target) in result.members
    assert min(result.member_scores) == 0.0
    assert result.member_scores == sorted(result.member_scores)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"gt_budget": 0}, "gt_budget must be >= 2, got 0"),
        ({"n_init": 0}, "n_init must be >= 1, got 0"),
        ({"seed_fraction": 1.5}, r"seed_fraction must be in \(0, 1\], got 1.5"),
        ({"neighbor_filter": "x"}, "neighbor_filter must be one of"),
        ({"radius": 0}, "radius must be >= 1, got 0"),
        ({"tol": -1}, "tol must be a float >= 0, got -1"),
    ],
)
def test_parameter_errors(source, params, message) -> None:
    with pytest.raises(ValueError, match=message):
        LISSNAS(**params).shrink(source.space, source)


def test_flops_bins_keep_small_models(source) -> None:
    from lissnas.metrics import flops_coverage

    space = source.space
    full_flops = space.flops(source.ground_truth()[0])
    plain = LISSNAS().shrink(space, source, seed=0)
    diverse = LISSNAS(flops_bins=10).shrink(space, source, seed=0)
    cover = {
        name: flops_coverage(full_flops, space.flops(r.architectures(space)))
        for name, r in (("plain", plain), ("diverse", diverse))
    }
    assert cover["diverse"] > cover["plain"]
    assert cover["diverse"] >= 0.9
    assert diverse.config["flops_bins"] == 10


def test_flops_bins_need_flops() -> None:
    space = ChoiceSpace("toy", [["a", "b"]] * 4)
    everything = space.enumerate()
    source = TabularSource(space, everything, everything.sum(axis=1), name="toy", metric="m")
    with pytest.raises(ValueError, match="flops_bins needs a space with FLOPs"):
        LISSNAS(flops_bins=3, gt_budget=10, n_init=10, min_size=2).shrink(space, source)
