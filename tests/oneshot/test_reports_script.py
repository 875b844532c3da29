"""``benchmarks/oneshot_reports.py``: the committed one-shot reports are what their rows give."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORT = "oneshot_gpu-280-c40_truth-cpu-e16.md"  # the quickest to rerun


@pytest.fixture
def reports(load_script):
    """``benchmarks/oneshot_reports.py`` loaded as a module."""
    return load_script("oneshot_reports")


def run(*args: str) -> subprocess.CompletedProcess:
    script = str(ROOT / "benchmarks" / "oneshot_reports.py")
    return subprocess.run(
        [sys.executable, script, *args], capture_output=True, text=True, timeout=600, cwd=ROOT
    )


def test_a_report_that_differs_fails_the_check_and_write_restores_it(tmp_path, fashion_dir):
    committed = (ROOT / "results" / REPORT).read_text()
    assert "This report: `python benchmarks/oneshot.py " in committed
    results = tmp_path / "results"
    results.mkdir()
    (results / "oneshot_work").symlink_to(ROOT / "results" / "oneshot_work")
    tampered = committed.replace("| one supernet", "| one  supernet", 1)
    assert tampered != committed
    (results / REPORT).write_text(tampered)
    table = tmp_path / "table.md"
    common = ["--results", str(results), "--out", str(table), "--workers", "1"]

    done = run(*common)
    assert done.returncode == 1, done.stderr
    assert f"| {REPORT} | differs |" in table.read_text()
    assert (results / REPORT).read_text() == tampered  # a check writes no report

    done = run(*common, "--write")
    assert done.returncode == 0, done.stderr
    assert f"| {REPORT} | rewritten |" in table.read_text()
    assert "1 rewritten, 0 failed" in table.read_text()
    assert (results / REPORT).read_text() == committed  # the rows give the committed report


def test_reports_that_record_no_command_are_listed_not_run(tmp_path, reports):
    older = tmp_path / "oneshot_old.md"
    older.write_text("# an older report\n\nCommands: `python benchmarks/oneshot.py`.\n")
    assert reports.recorded_command(older) is None


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            "python benchmarks/other.py --phase report",
            "runs none of python benchmarks/oneshot.py, python benchmarks/truth_agreement.py, "
            "python benchmarks/oneshot_cifar10.py",
        ),
        (
            "python benchmarks/oneshot_cifar10.py --seeds 2",
            "writes results/oneshot_cifar10.md, not results/oneshot_x.md",
        ),
        (
            "python benchmarks/oneshot.py --phase supernets --tag gpu-280-c40",
            "runs --phase supernets, not report",
        ),
        (
            "python benchmarks/oneshot.py --phase report --tag gpu-280-c40",
            "writes results/oneshot_gpu-280-c40.md, not results/oneshot_x.md",
        ),
        (
            "python benchmarks/truth_agreement.py --truth-tag cpu --truth-tag cpu-e16",
            "writes results/oneshot_truth_agreement.md, not results/oneshot_x.md",
        ),
    ],
)
def test_a_recorded_command_that_would_not_rewrite_its_report_is_refused(
    tmp_path, reports, command, message
):
    report = tmp_path / "oneshot_x.md"
    report.write_text(f"Commands: ... This report: `{command}`.\n")
    with pytest.raises(SystemExit, match=message):
        reports.recorded_command(report)


@pytest.mark.parametrize(
    ("name", "script"),
    [
        ("oneshot_truth_agreement.md", "truth_agreement.py"),
        ("oneshot_cifar10.md", "oneshot_cifar10.py"),
    ],
)
def test_the_reports_ranked_against_a_benchmark_are_checked_too(tmp_path, data_dir, name, script):
    """The committed truth agreement and CIFAR-10 reports are what their recorded commands
    give (both read NB201's CIFAR-10 accuracy from the shared data; the CIFAR-10 one reads
    its rows, no images)."""
    assert f"This report: `python benchmarks/{script}" in (ROOT / "results" / name).read_text()
    table = tmp_path / "table.md"
    done = run("--only", name, "--out", str(table))
    assert done.returncode == 0, done.stderr
    assert f"| {name} | same |" in table.read_text()


def test_only_names_an_existing_report(tmp_path):
    done = run("--only", "oneshot_nothing.md", "--out", str(tmp_path / "t.md"))
    assert done.returncode == 2
    assert "--only oneshot_nothing.md: no such report in" in done.stderr
    assert not (tmp_path / "t.md").exists()


def test_results_without_oneshot_work_are_refused(tmp_path):
    done = run("--results", str(tmp_path), "--out", str(tmp_path / "t.md"))
    assert done.returncode == 2
    assert "no oneshot_work/ folder in it" in done.stderr
    assert not (tmp_path / "t.md").exists()
