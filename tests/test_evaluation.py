"""evaluate_result: every metric of the suite for a saved result."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lissnas.benchmarks import TabularSource, load_benchmark
from lissnas.evaluation import COSINE_SAMPLE, evaluate_result, member_ground_truth
from lissnas.metrics import flops_coverage, oracle_gap_ratio
from lissnas.shrink import LISSNAS
from lissnas.spaces import ChoiceSpace, NB201Space


@pytest.fixture(scope="module")
def shrunk():
    source = load_benchmark("nb201-cifar10")
    return LISSNAS(gt_budget=100).shrink(source.space, source, seed=0), source


def test_all_metrics_present_and_json_ready(shrunk) -> None:
    result, source = shrunk
    metrics = evaluate_result(result, source)
    expected = {
        "shrink_index",
        "ks_statistic",
        "ks_pvalue",
        "oracle_gap_ratio",
        "pareto_retention",
        "flops_coverage",
        "edf_auc",
        "edf_auc_full",
        "global_best_retained",
        "p_good",
        "p_good_full",
        "max_cosine_distance",
        "max_cosine_distance_full",
        "reduction_factor",
        "gt_queries",
    }
    assert expected <= set(metrics)
    json.dumps(metrics)
    _, full = source.ground_truth()
    assert metrics["oracle_gap_ratio"] == pytest.approx(
        oracle_gap_ratio(full, member_ground_truth(result, source))
    )
    assert metrics["edf_auc"] > metrics["edf_auc_full"]  # errors of the shrunk space are lower
    assert metrics["ks_pvalue"] < 1e-6
    assert 0 <= metrics["flops_coverage"] <= 1 and 0 <= metrics["pareto_retention"] <= 1
    assert metrics["max_cosine_distance"] <= metrics["max_cosine_distance_full"] + 1e-9


def test_without_ground_truth_only_predicted_metrics() -> None:
    space = ChoiceSpace("toy", [["a", "b", "c"]] * 5)
    archs = space.enumerate()
    values = archs.sum(axis=1).astype(float)
    full = TabularSource(space, archs, values, name="toy", metric="m")
    result = LISSNAS(gt_budget=30, n_init=100, min_size=20).shrink(space, full, seed=0)
    partial = TabularSource(space, archs[:-1], values[:-1], name="toy", metric="m")
    metrics = evaluate_result(result, partial)
    assert "oracle_gap_ratio" not in metrics
    assert metrics["max_cosine_distance_full_sampled"] is True
    assert np.isfinite(metrics["max_cosine_distance"])
    assert "flops_coverage" not in metrics  # the toy space has no FLOPs


def test_without_ground_truth_flops_coverage_uses_the_sample() -> None:
    space = NB201Space()
    archs = space.enumerate()
    partial = TabularSource(space, archs[:-1], space.flops(archs[:-1]), name="nb201", metric="m")
    result = LISSNAS(gt_budget=30, n_init=200, min_size=50).shrink(space, partial, seed=0)
    metrics = evaluate_result(result, partial, seed=3)
    sample = space.sample(COSINE_SAMPLE, 3, distinct=True)
    members = space.canonical(result.architectures(space))
    assert metrics["flops_coverage"] == flops_coverage(space.flops(sample), space.flops(members))
    assert 0 < metrics["flops_coverage"] <= 1
    assert "pareto_retention" not in metrics
