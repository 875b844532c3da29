"""`benchmarks/oneshot_cifar10.py` at a tiny scale on the real CIFAR-10 and NB201 data: its
truth is the benchmark's, its taus are those of the estimates it keeps, a rerun reports
without CIFAR-10, and refusals write nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from lissnas.benchmarks import load_benchmark
from lissnas.oneshot import ranking_correlation, read_truth, route_regions
from lissnas.spaces import NB201Space

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "oneshot_cifar10.py"
TINY = ["--subset", "128", "--val-subset", "128", "--epochs", "3", "--warmup-epochs", "1",
        "--n-archs", "4", "--calib-batches", "1", "--seeds", "1"]  # fmt: skip


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600,
        cwd=ROOT, env=env,
    )  # fmt: skip


def test_tiny_run_ranks_its_estimates_against_the_benchmark(
    tmp_path, data_dir, cifar10_dir, monkeypatch
):
    work, out = tmp_path / "work", tmp_path / "report.md"
    monkeypatch.setenv("LISSNAS_DATA_DIR", str(data_dir))
    monkeypatch.delenv("LISSNAS_CIFAR10_DIR", raising=False)
    args = [*TINY, "--work", str(work), "--out", str(out)]
    done = run(*args, "--cifar10-root", str(cifar10_dir))
    assert done.returncode == 0, done.stderr[-3000:]
    space = NB201Space()
    truth = load_benchmark("nb201-cifar10-test", data_dir)
    tables = {}
    for kind in ("shrunk", "full"):
        archs, acc = read_truth(work / f"truth_{kind}.csv", space)
        assert len(archs) == 4
        assert np.allclose(acc, truth.evaluate(archs), atol=1e-4)  # the benchmark's values
        tables[kind] = (archs, acc)
    row = json.loads((work / "rows_seed0.json").read_text())
    for key, estimates in row["estimates"].items():
        acc = tables["shrunk" if key.endswith("_on_shrunk") else "full"][1]
        again = ranking_correlation(estimates, acc)  # of the estimates as kept (4 decimals)
        assert row[key]["kendall_tau"] == again["kendall_tau"]
        assert abs(row[key]["pearson"] - again["pearson"]) < 1e-3
        assert f"{row[key]['kendall_tau']:.3f}" in out.read_text()
    owner = route_regions(space.canonical(tables["full"][0]), row["naslid1_regions"])
    assert len(owner) == 4 and set(owner) <= {0, 1}  # each in exactly one sub-space
    report = out.read_text()
    # measured seeds are not trained again, and the report needs no CIFAR-10 then
    again = run(*args)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "seed 0: measured already" in again.stdout
    before, after = report.splitlines(), out.read_text().splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [2]  # the line naming this report's command, which now reads no data
    assert f"This report: `python {SCRIPT} {' '.join(args)}`" in after[2]


def test_refusals_write_nothing(tmp_path, data_dir):
    work, out = tmp_path / "work", tmp_path / "report.md"
    env = {"PATH": "/usr/bin:/bin", "LISSNAS_DATA_DIR": str(data_dir)}
    done = run(*TINY, "--work", str(work), "--out", str(out), env=env)
    assert done.returncode == 2
    assert "seeds [0] are to be measured: give --cifar10-root" in done.stderr
    done = run("--epochs", "4", "--warmup-epochs", "1", "--work", str(work), env=env)
    assert done.returncode == 2
    assert "--epochs 4 minus --warmup-epochs 1 must be a positive even number" in done.stderr
    assert not work.exists() and not out.exists()
