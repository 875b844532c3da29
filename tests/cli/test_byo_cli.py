"""`lissnas shrink --space/--evaluations/--metric` and reloading its result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from lissnas.cli import app
from lissnas.shrink import ShrinkResult
from lissnas.spaces import ChoiceSpace

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SPACE_YAML = "type: layerwise\nname: toy\nlayers:\n  - {repeat: 6, choices: [a, b, c]}\n"


@pytest.fixture
def toy(tmp_path) -> tuple[Path, Path]:
    """A 729-architecture space and a complete table with a smooth metric."""
    space_path = tmp_path / "space.yaml"
    space_path.write_text(SPACE_YAML)
    space = ChoiceSpace("toy", [["a", "b", "c"]] * 6)
    X = space.enumerate()
    loss = ((X - 1) ** 2).sum(axis=1) + 0.01 * X[:, 0]
    evals = tmp_path / "evals.csv"
    lines = ["net,loss"] + [f"{s},{v}" for s, v in zip(space.to_strings(X), loss, strict=True)]
    evals.write_text("\n".join(lines) + "\n")
    return space_path, evals


def test_byo_shrink_minimize_then_evaluate(toy, tmp_path) -> None:
    space_path, evals = toy
    out = tmp_path / "result.json"
    args = ["shrink", "--space", str(space_path), "--evaluations", str(evals), "--metric", "loss"]
    args += ["--minimize", "--arch-column", "net", "--gt-budget", "60", "--n-init", "200"]
    args += ["--min-size", "20", "--out", str(out), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["benchmark"] == "byo:toy:evals.csv" and summary["full_size"] == 729
    assert summary["gt_queries"] <= 60
    saved = ShrinkResult.load(out)
    assert saved.maximize is False
    assert saved.config["evaluations"]["evaluations"] == str(evals.resolve())
    # the global best (all "b", loss 0) is easy to keep on this smooth table
    assert summary["global_best_retained"] is True
    again = runner.invoke(app, ["evaluate", str(out), "--json"])
    assert again.exit_code == 0, again.output
    metrics = json.loads(again.stdout)
    assert metrics["size"] == saved.size
    assert metrics["oracle_gap_ratio"] == pytest.approx(summary["oracle_gap_ratio"])


def test_builtin_space_name(toy, tmp_path) -> None:
    _, evals = toy
    text = evals.read_text().replace("net,", "arch,")
    bad = tmp_path / "nbmacro.csv"
    bad.write_text(text)
    result = runner.invoke(
        app, ["shrink", "--space", "nbmacro", "--evaluations", str(bad), "--metric", "loss"]
    )
    assert result.exit_code == 2
    assert "line 2, column 'arch', value '000000'" in result.stderr
    assert "6 layer choices, expected 8" in result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--benchmark", "nbmacro-cifar10"], "--benchmark cannot be combined with --space"),
        ([], "missing ['--metric']"),
        (
            ["--metric", "acc", "--arch-column", "net"],
            "no column 'acc' (metric); columns present: ['net', 'loss']",
        ),
        (["--metric", "loss", "--arch-column", "arch"], "no column 'arch' (arch_column)"),
    ],
)
def test_cli_errors(toy, extra, message) -> None:
    space_path, evals = toy
    args = ["shrink", "--space", str(space_path), "--evaluations", str(evals)]
    args += extra
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


def test_unknown_space_and_partial_table(toy, tmp_path) -> None:
    space_path, evals = toy
    result = runner.invoke(
        app, ["shrink", "--space", "nb999", "--evaluations", str(evals), "--metric", "loss"]
    )
    assert result.exit_code == 2 and "built-in names:" in result.stderr
    partial = tmp_path / "partial.csv"
    partial.write_text("\n".join(evals.read_text().splitlines()[:50]) + "\n")
    args = ["shrink", "--space", str(space_path), "--evaluations", str(partial)]
    args += ["--metric", "loss", "--arch-column", "net", "--n-init", "100", "--min-size", "10"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "no result for architecture" in result.stderr


def test_nbmacro_example_matches_builtin(tmp_path, data_dir) -> None:
    evals = tmp_path / "evals.csv"
    script = EXAMPLES / "nbmacro" / "make_evaluations.py"
    json_path = data_dir / "nasbench_macro" / "nas-bench-macro_cifar10.json"
    subprocess.run([sys.executable, str(script), str(json_path), "--out", str(evals)], check=True)
    byo = runner.invoke(
        app,
        [
            "shrink",
            "--space",
            str(EXAMPLES / "nbmacro" / "space.yaml"),
            "--evaluations",
            str(evals),
            "--metric",
            "mean_acc",
            "--seed",
            "1",
            "--json",
        ],
    )
    builtin = runner.invoke(
        app,
        [
            "shrink",
            "--benchmark",
            "nbmacro-cifar10",
            "--data-dir",
            str(data_dir),
            "--seed",
            "1",
            "--json",
        ],
    )
    assert byo.exit_code == 0 and builtin.exit_code == 0, byo.output + builtin.output
    a, b = json.loads(byo.stdout), json.loads(builtin.stdout)
    for key in ("size", "true_mean", "oracle_gap_ratio", "global_best_retained", "gt_queries"):
        assert a[key] == b[key], key
    assert np.isclose(a["full_mean"], b["full_mean"])
