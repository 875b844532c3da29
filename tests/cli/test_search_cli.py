"""`lissnas search`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lissnas.cli import app

runner = CliRunner()


def test_search_full_space_json() -> None:
    result = runner.invoke(
        app, ["search", "--strategy", "evolution", "--gt-budget", "60", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["queries"] == len(doc["best_so_far"]) == 60
    assert {"best_arch", "best_value", "global_best", "queries_to_global_best"} <= set(doc)


def test_search_inside_a_shrunk_space(tmp_path) -> None:
    out = tmp_path / "r.json"
    assert runner.invoke(app, ["shrink", "--gt-budget", "50", "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["search", "--space", str(out), "--gt-budget", "80", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    saved = json.loads(out.read_text())
    assert doc["archs"][:50] == saved["queried"]  # the shrinker's queries count first
    members = set(saved["members"])
    assert all(a in members for a in doc["archs"][50:])


def test_search_errors(tmp_path) -> None:
    out = tmp_path / "r.json"
    runner.invoke(app, ["shrink", "--gt-budget", "20", "--out", str(out)])
    wrong = runner.invoke(app, ["search", "--space", str(out), "--benchmark", "nbmacro-cifar10"])
    assert wrong.exit_code == 2 and "was shrunk on 'nb201-cifar10'" in wrong.stderr
    bad = runner.invoke(app, ["search", "--strategy", "annealing"])
    assert bad.exit_code == 2 and "valid names" in bad.stderr
