"""`lissnas shrink` and `lissnas benchmarks` end to end."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lissnas.cli import app
from lissnas.shrink import ShrinkResult

runner = CliRunner()


def test_shrink_default_benchmark_writes_result(tmp_path) -> None:
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["shrink", "--seed", "3", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["benchmark"] == "nb201-cifar10"
    assert summary["size"] >= 200 and summary["full_size"] == 6466
    assert summary["oracle_gap_ratio"] > 0.8
    assert summary["gt_queries"] == 200
    saved = ShrinkResult.load(out)
    assert saved.seed == 3 and saved.size == summary["size"]
    assert "iteration  0" in result.stderr


def test_shrink_table_on_shared_data(data_dir) -> None:
    result = runner.invoke(
        app,
        [
            "shrink",
            "--benchmark",
            "nb201-cifar100-test",
            "--data-dir",
            str(data_dir),
            "--gt-budget",
            "100",
        ],
    )
    assert result.exit_code == 0, result.output
    for row in ("reduction factor", "oracle-gap ratio", "global best retained", "P(good)"):
        assert row in result.stdout


def test_bad_input_errors(tmp_path) -> None:
    cases = [
        (["shrink", "--gt-budget", "0"], "gt_budget must be >= 2, got 0"),
        (["shrink", "--benchmark", "nope"], "valid names:"),
        (["shrink", "--benchmark", "nb201-cifar10-test", "--data-dir", str(tmp_path)], "not found"),
        (["shrink", "--out", str(tmp_path / "missing" / "r.json")], "does not exist"),
        (["shrink", "--out", str(tmp_path)], "is a directory"),
        (["shrink", "--min-size", "0"], "min_size must be >= 1, got 0"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in " ".join(result.stderr.split()), (args, result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_benchmarks_lists_availability(tmp_path) -> None:
    result = runner.invoke(app, ["benchmarks", "--data-dir", str(tmp_path)], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "nb201-cifar10 " in result.stdout and "nb201-cifar100-test" in result.stdout
    assert "not found" in result.stdout
