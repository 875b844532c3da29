"""`benchmarks/oneshot.py` end to end in a tiny configuration: truth tables with repeated
runs, both supernets, NAS-LID at one and two levels, and the Markdown table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_oneshot_benchmark_runs_every_comparison(tmp_path, fashion_dir):
    out = tmp_path / "oneshot.md"
    command = [
        sys.executable, str(ROOT / "benchmarks" / "oneshot.py"), "--preset", "cpu",
        "--members", str(ROOT / "results" / "oneshot_work" / "members.json"),
        "--work", str(tmp_path / "work"), "--out", str(out), "--data-root", str(fashion_dir),
        "--truth-archs", "4", "--truth-repeats", "2", "--truth-epochs", "1", "--subset", "128",
        "--val-subset", "128", "--epochs", "8", "--warmup-epochs", "2", "--seeds", "1",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]

    header = (tmp_path / "work" / "truth_shrunk_cpu.csv").read_text().splitlines()[0]
    assert header == "arch,accuracy,params,run0,run1"
    row = json.loads((tmp_path / "work" / "rows_cpu_seed0.json").read_text())
    for key in ("full_on_shrunk", "shrunk_on_shrunk", "oneshot_on_full"):
        assert row[key]["n"] == 4
    # NAS-LID: 2 sub-supernets, then 4 whose sub-spaces refine the first split
    one, two = row["naslid1_regions"], row["naslid2_regions"]
    assert len(one) == 2 and len(two) == 4
    (first,) = one[0].keys()
    assert [r[first] for r in two] == [one[0][first]] * 2 + [one[1][first]] * 2
    assert all(len(r) == 2 for r in two)
    text = out.read_text()
    for label in ("ranking the shrunk space's members", "same members", "one-shot",
                  "2 sub-supernets (1 level)", "4 sub-supernets (2 levels)",
                  "agrees with itself"):  # fmt: skip
        assert label in text
    assert "--truth-repeats 2" in text  # the exact command is recorded
