"""LISSNAS on NAS-Bench-Macro given as a user space + CSV vs the built-in benchmark.

Usage: ``LISSNAS_DATA_DIR=../shared/data python benchmarks/byo_nbmacro.py [--seeds 10]``

Writes the evaluations CSV to a temporary folder (examples/nbmacro/make_evaluations.py),
loads examples/nbmacro/space.yaml with ``load_space`` and the CSV with
``load_evaluations``, runs the default LISSNAS for seeds 0..N-1 on it and on the registered
``nbmacro-cifar10``, and writes both (and whether every number agrees) to
``results/byo_nbmacro.md``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from _common import make_parser, write_markdown
from lissnas.benchmarks import PerformanceSource, load_benchmark, load_evaluations
from lissnas.evaluation import summarize
from lissnas.shrink import LISSNAS
from lissnas.spaces import load_space

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nbmacro"
COLUMNS = ("oracle_gap_ratio", "global_best_retained", "size", "true_mean", "gt_queries")


def run(source: PerformanceSource, seeds: int) -> list[dict[str, float]]:
    """``summarize`` of the default LISSNAS for every seed."""
    rows = []
    for seed in range(seeds):
        source.reset_queries()
        result = LISSNAS().shrink(source.space, source, seed=seed)
        summary = summarize(result, source)
        rows.append({k: float(summary[k]) for k in COLUMNS} | {"members": result.members})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__, str(ROOT / "results" / "byo_nbmacro.md"))
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "evals.csv"
        cmd = [sys.executable, str(EXAMPLE / "make_evaluations.py"), "--out", str(csv_path)]
        if args.data_dir:
            cmd.insert(2, str(Path(args.data_dir) / "nasbench_macro/nas-bench-macro_cifar10.json"))
        subprocess.run(cmd, check=True)
        byo = load_evaluations(csv_path, load_space(EXAMPLE / "space.yaml"), "mean_acc")
        byo_rows = run(byo, args.seeds)
    builtin_rows = run(load_benchmark("nbmacro-cifar10", args.data_dir), args.seeds)
    same = all(
        a["members"] == b["members"] and all(a[k] == b[k] for k in COLUMNS)
        for a, b in zip(byo_rows, builtin_rows, strict=True)
    )
    lines = [
        "# LISSNAS on NAS-Bench-Macro declared by the user (space.yaml + evals.csv)",
        "",
        f"Default LISSNAS (200 ground-truth queries), seeds 0..{args.seeds - 1}; "
        "command: `python benchmarks/byo_nbmacro.py`.",
        "",
        "| source | oracle-gap ratio (mean ± sd) | global best retained | size (mean) "
        "| true mean acc. | GT queries |",
        "|---|---|---|---|---|---|",
    ]
    for label, rows in (("user space + CSV", byo_rows), ("built-in nbmacro-cifar10", builtin_rows)):
        col = {k: np.array([r[k] for r in rows]) for k in COLUMNS}
        lines.append(
            f"| {label} | {col['oracle_gap_ratio'].mean():.3f} ± "
            f"{col['oracle_gap_ratio'].std(ddof=1) if len(rows) > 1 else 0.0:.3f} "
            f"| {int(col['global_best_retained'].sum())}/{len(rows)} "
            f"| {col['size'].mean():.0f} | {col['true_mean'].mean():.3f} "
            f"| {col['gt_queries'].mean():.0f} |"
        )
    lines += [
        "",
        "Per-seed members and metrics identical between the two sources: "
        + ("**yes**" if same else "**no**"),
    ]
    print("\n".join(lines))
    write_markdown(args.out, lines)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
