"""The HTML report: content, offline, graceful omissions, errors, and a real browser."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from lissnas.benchmarks import TabularSource, load_benchmark
from lissnas.cli import app
from lissnas.report import build_report, write_report
from lissnas.shrink import LISSNAS
from lissnas.spaces import ChoiceSpace

from ._chromium import load

runner = CliRunner()


@pytest.fixture(scope="module")
def nb201():
    source = load_benchmark("nb201-cifar10")
    results = [LISSNAS(gt_budget=60).shrink(source.space, source, seed=s) for s in (0, 1)]
    return source, results


LOCALITY = {
    "benchmark": "nb201-cifar10",
    "rwa": {"1": 0.4, "2": 0.2},
    "aad": {"1": {"op": 2.0, "all": 2.5}, "2": {"op": 3.0, "all": 3.5}},
}


def test_self_contained_with_every_figure(nb201) -> None:
    source, results = nb201
    page = build_report(results, source, locality=LOCALITY)
    assert page.count('class="plotly-graph-div"') == 5  # EDF, iterations, scatter, FLOPs, locality
    assert page.count("<tr>") == 3  # header + one row per result
    assert not re.search(r"<script[^>]+src=[\"']https?:", page)
    assert not re.search(r"<link[^>]+href=[\"']https?:", page)
    assert "Error EDF" in page and "Pareto front" in page and "oracle-gap ratio" in page


def test_omits_plots_without_flops_or_ground_truth() -> None:
    space = ChoiceSpace("toy", [["a", "b", "c"]] * 5)
    archs = space.enumerate()
    full = TabularSource(space, archs, archs.sum(axis=1).astype(float), name="toy", metric="m")
    result = LISSNAS(gt_budget=30, n_init=100, min_size=20).shrink(space, full, seed=0)
    page = build_report([result], full)
    assert "defines no FLOPs" in page
    assert page.count('class="plotly-graph-div"') == 2  # EDF and iterations
    partial = TabularSource(
        space, archs[:-1], archs[:-1].sum(axis=1).astype(float), name="toy", metric="m"
    )
    assert "no complete ground-truth table" in build_report([result], partial)


def test_errors(nb201) -> None:
    source, results = nb201
    with pytest.raises(ValueError, match="at least one result"):
        build_report([], source)
    with pytest.raises(ValueError, match="must come from benchmark 'nb201-cifar10'"):
        build_report([replace(results[0], benchmark="nbmacro-cifar10")], source)
    with pytest.raises(ValueError, match="labels must name every result"):
        build_report(results, source, labels=["one"])


def test_cli_report_and_errors(tmp_path, nb201) -> None:
    _, results = nb201
    paths = [r.save(tmp_path / f"seed{i}.json") for i, r in enumerate(results)]
    (tmp_path / "loc.json").write_text(json.dumps(LOCALITY))
    out = tmp_path / "report.html"
    done = runner.invoke(
        app,
        ["report", *map(str, paths), "--locality", str(tmp_path / "loc.json"), "--out", str(out)],
    )
    assert done.exit_code == 0, done.output
    assert "seed1" in out.read_text()
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    wrong = runner.invoke(
        app, ["report", str(paths[0]), "--locality", str(bad), "--out", str(tmp_path / "x.html")]
    )
    assert wrong.exit_code == 2 and "not a locality JSON" in wrong.stderr
    assert not (tmp_path / "x.html").exists()


def test_renders_in_chromium_without_console_errors(tmp_path, nb201) -> None:
    source, results = nb201
    page = write_report(tmp_path / "report.html", results, source, locality=LOCALITY)
    dom, console = load(page)
    assert console == [], console
    assert dom.count('class="plotly-graph-div') == 5
    assert dom.count('class="main-svg"') >= 5  # plotly drew every figure
    assert len(re.findall(r'class="trace scatter', dom)) >= 3  # EDF curves drawn
    assert "Pareto front (full space)" in dom


def test_browser_check_detects_a_broken_page(tmp_path) -> None:
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    _, console = load(page, budget_ms=2000)
    assert any("undefinedFunction" in line for line in console)
