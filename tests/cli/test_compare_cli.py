"""`lissnas compare` and the comparison library: statistics, JSON keys, Markdown."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from lissnas.benchmarks import load_benchmark
from lissnas.cli import app
from lissnas.compare import METRICS, compare_methods, paired_wilcoxon

runner = CliRunner()


def test_compare_json_small_config(tmp_path) -> None:
    out = tmp_path / "cmp.md"
    args = ["compare", "--benchmark", "nb201-cifar10", "--methods", "lissnas,abs,random-topk"]
    args += ["--seeds", "2", "--gt-budget", "60", "--target-size", "100"]
    result = runner.invoke(app, [*args, "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) >= {"benchmark", "methods", "seeds", "stats", "runs", "wilcoxon"}
    assert doc["methods"] == ["lissnas", "abs", "random-topk"] and doc["seeds"] == [0, 1]
    assert set(doc["wilcoxon"]) == {"abs", "random-topk"}
    assert set(doc["stats"]["abs"]) == set(METRICS)
    for method in doc["methods"]:
        assert len(doc["runs"][method]) == 2
        assert all(run["gt_queries"] <= 60 and run["size"] <= 100 for run in doc["runs"][method])
    assert "| lissnas |" in out.read_text() and "| abs |" in out.read_text()


def test_compare_rejects_unknown_method() -> None:
    result = runner.invoke(app, ["compare", "--benchmark", "nb201-cifar10", "--methods", "x"])
    assert result.exit_code == 2
    assert "methods must be taken from" in result.stderr


def test_wilcoxon_handles_ties_and_differences() -> None:
    same = paired_wilcoxon([0.5, 0.6, 0.7], [0.5, 0.6, 0.7])
    assert same["pvalue"] == 1.0 and same["statistic"] is None and same["n"] == 3
    better = paired_wilcoxon(np.arange(10) + 1.0, np.zeros(10))
    assert better["pvalue"] < 0.01 and better["median_difference"] == 5.5
    with pytest.raises(ValueError, match="equal length"):
        paired_wilcoxon([1.0], [1.0, 2.0])


def test_compare_methods_same_seed_same_numbers() -> None:
    source = load_benchmark("nb201-cifar10")
    a = compare_methods(source, ["padnas", "nse"], 2, gt_budget=40, target_size=100)
    b = compare_methods(source, ["padnas", "nse"], 2, gt_budget=40, target_size=100)
    for m in ("padnas", "nse"):
        np.testing.assert_array_equal(
            a.values(m, "oracle_gap_ratio"), b.values(m, "oracle_gap_ratio")
        )
    assert a.wilcoxon == {}  # no lissnas, nothing to test against
    assert "| nse |" in a.to_markdown()


def test_downstream_counts_the_shrinkers_queries_first() -> None:
    pytest.importorskip("lissnas.search", reason="lissnas.search is not available")
    from lissnas.compare import downstream_queries
    from lissnas.compare._compare import build_shrinker

    source = load_benchmark("nb201-cifar10")
    shrinker = build_shrinker("lissnas", 200, 200)
    down = downstream_queries(source, [0], search_budget=400, shrinker=shrinker)
    assert set(down.queries) == {"lissnas+local", "random", "evolution", "local"}
    result = shrinker.shrink(source.space, source, seed=0)
    archs, values = source.ground_truth()
    best = source.space.to_string(archs[values.argmax()])
    expected = result.queried.index(best) + 1 if best in result.queried else None
    if expected is not None:  # found among the shrinker's own queries: counted in order
        assert down.queries["lissnas+local"] == [expected]
    for q in down.queries.values():
        assert q[0] is None or 1 <= q[0] <= 400
    doc = down.to_dict()
    assert set(doc) >= {"median", "reached", "target_value", "search_budget"}
