"""`benchmarks/truth_agreement.py` on the truth tables the repository keeps: each tag's
agreement between its runs, the parameter count's, and runs of the same and of different
seeds across tags, as recomputed here from the tables; refusals write nothing."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lissnas.benchmarks import load_benchmark
from lissnas.oneshot import ranking_correlation, read_truth_params, read_truth_runs
from lissnas.spaces import NB201Space

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "results" / "oneshot_work"
SCRIPT = ROOT / "benchmarks" / "truth_agreement.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--work", str(WORK), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def tau(a: np.ndarray, b: np.ndarray) -> float:
    return ranking_correlation(a, b)["kendall_tau"]


def test_agreement_tables_match_the_truth_tables(tmp_path):
    out = tmp_path / "agreement.md"
    done = run("--truth-tag", "cpu", "--truth-tag", "cpu-e16", "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text()
    space = NB201Space()
    for kind in ("shrunk", "full"):
        _, coarse = read_truth_runs(WORK / f"truth_{kind}_cpu.csv", space)
        _, fine = read_truth_runs(WORK / f"truth_{kind}_cpu-e16.csv", space)
        params = read_truth_params(WORK / f"truth_{kind}_cpu-e16.csv", space)
        n_runs = fine.shape[1]
        pairs = itertools.combinations(range(n_runs), 2)
        own = np.mean([tau(fine[:, i], fine[:, j]) for i, j in pairs])
        by_run = ", ".join(f"{tau(params, fine[:, r]):.3f}" for r in range(n_runs))
        of_mean = tau(params, fine.mean(axis=1))
        rest = ", ".join(
            f"{tau(fine[:, r], np.delete(fine, r, axis=1).mean(axis=1)):.3f}" for r in range(n_runs)
        )
        row = (
            f"| cpu-e16 | 16 | no | {n_runs} | {fine.mean():.2f} | "
            f"{np.ptp(fine.mean(axis=1)):.2f} | "
        )
        assert f"{row}{own:.3f} | {rest} | {by_run} | {of_mean:.3f} |" in text
        assert coarse.shape[1] == 4  # the cpu table's runs: 4 pairs of runs of the same seed
        same = np.mean([tau(coarse[:, r], fine[:, r]) for r in range(4)])
        others = [tau(coarse[:, i], fine[:, j]) for i in range(4) for j in range(n_runs) if i != j]
        means = tau(coarse.mean(axis=1), fine.mean(axis=1))
        cells = f"{same:.3f} (4) | {np.mean(others):.3f} ({4 * n_runs - 4})"
        assert f"| cpu | cpu-e16 | {cells} | {means:.3f} |" in text
    assert "--truth-tag cpu --truth-tag cpu-e16" in text  # the command is recorded


def test_tables_ranked_against_a_benchmark(tmp_path):
    """``--benchmark``: each run, each mean and the parameter count against NAS-Bench-201's
    CIFAR-10 accuracy of the same architectures (the wheel's embedded table)."""
    out = tmp_path / "agreement.md"
    done = run("--truth-tag", "cpu", "--truth-tag", "cpu-e16", "--benchmark", "nb201-cifar10",
               "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text()
    space, source = NB201Space(), load_benchmark("nb201-cifar10")
    assert text.count("Against `nb201-cifar10` (accuracy of the same architectures)") == 2
    for kind in ("shrunk", "full"):
        archs, runs = read_truth_runs(WORK / f"truth_{kind}_cpu-e16.csv", space)
        params = read_truth_params(WORK / f"truth_{kind}_cpu-e16.csv", space)
        truth = source.evaluate(archs)
        per_run = ", ".join(f"{tau(runs[:, r], truth):.3f}" for r in range(runs.shape[1]))
        assert f"| cpu-e16 | {per_run} | {tau(runs.mean(axis=1), truth):.3f} |" in text
        assert f"| parameter count | | {tau(params, truth):.3f} |" in text
    assert "--benchmark nb201-cifar10 --work" in text
    done = run("--truth-tag", "cpu", "--truth-tag", "cpu-e16", "--benchmark", "nope",
               "--out", str(tmp_path / "never.md"))  # fmt: skip
    assert done.returncode != 0 and "unknown benchmark 'nope'" in done.stderr
    assert not (tmp_path / "never.md").exists()


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (["cpu", "gpu1"], "holds other architectures than"),
        (["cpu", "absent"], "truth_shrunk_absent.csv does not exist"),
        (["cpu", "cpu"], "compare at least two different --truth-tag"),
    ],
)
def test_refusals_name_the_problem_and_write_nothing(tmp_path, tags, message):
    out = tmp_path / "agreement.md"
    done = run(*itertools.chain.from_iterable(("--truth-tag", t) for t in tags), "--out", str(out))
    assert done.returncode != 0
    assert message in done.stderr
    assert not out.exists()
