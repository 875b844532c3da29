"""`lissnas evaluate` and `lissnas locality`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lissnas.cli import app

runner = CliRunner()


def test_evaluate_json_and_table(tmp_path) -> None:
    out = tmp_path / "r.json"
    assert runner.invoke(app, ["shrink", "--gt-budget", "60", "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["evaluate", str(out), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert {"shrink_index", "ks_statistic", "oracle_gap_ratio", "pareto_retention"} <= set(metrics)
    table = runner.invoke(app, ["evaluate", str(out)], env={"COLUMNS": "120"})
    assert table.exit_code == 0 and "oracle_gap_ratio" in table.stdout


def test_evaluate_errors(tmp_path) -> None:
    missing = runner.invoke(app, ["evaluate", str(tmp_path / "none.json")])
    assert missing.exit_code == 2 and "not found" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    wrong = runner.invoke(app, ["evaluate", str(bad)])
    assert wrong.exit_code == 2 and "not a lissnas shrink result" in wrong.stderr


def test_locality_json_and_out(tmp_path) -> None:
    out = tmp_path / "loc.json"
    result = runner.invoke(
        app, ["locality", "--samples", "60", "--walks", "5", "--json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc["rwa"]) == {"1", "2", "3", "4", "5"}
    assert set(doc["aad"]["1"]) == {"op", "edge", "all"}
    assert json.loads(out.read_text()) == doc
    bad = runner.invoke(app, ["locality", "--samples", "0"])
    assert bad.exit_code == 2 and "samples must be >= 1, got 0" in bad.stderr
