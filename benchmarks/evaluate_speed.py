"""Time of ``lissnas evaluate`` on an NB201 result: writes ``results/evaluate_speed.md``.

Usage: ``LISSNAS_DATA_DIR=../shared/data python benchmarks/evaluate_speed.py``

Shrinks ``nb201-cifar10-test`` once (seed 0), then times ``evaluate_result`` in-process
(median of 5) and the CLI ``lissnas evaluate RESULT --json`` as a subprocess (median of 3,
start-up and benchmark loading included). Target: under 5 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import write_markdown
from lissnas.benchmarks import load_benchmark
from lissnas.evaluation import evaluate_result
from lissnas.shrink import LISSNAS


def main() -> None:
    source = load_benchmark("nb201-cifar10-test", os.environ.get("LISSNAS_DATA_DIR"))
    result = LISSNAS().shrink(source.space, source, seed=0)
    in_process = []
    for _ in range(5):
        start = time.perf_counter()
        evaluate_result(result, source)
        in_process.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        path = result.save(Path(tmp) / "result.json")
        cli = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "lissnas.cli", "evaluate", str(path), "--json"],
                check=True,
                capture_output=True,
            )
            cli.append(time.perf_counter() - start)
    lines = [
        "# `lissnas evaluate` speed",
        "",
        "Command: `LISSNAS_DATA_DIR=../shared/data python benchmarks/evaluate_speed.py` "
        "(a 200-member LISSNAS result on nb201-cifar10-test; target under 5 s).",
        "",
        "| what | median seconds |",
        "|---|---|",
        f"| `evaluate_result` in process (5 runs) | {statistics.median(in_process):.3f} |",
        "| `lissnas evaluate RESULT --json`, subprocess incl. start-up (3 runs) | "
        f"{statistics.median(cli):.2f} |",
    ]
    print("\n".join(lines))
    write_markdown("results/evaluate_speed.md", lines)


if __name__ == "__main__":
    main()
