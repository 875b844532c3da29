"""Shrink quality of LISSNAS on real benchmarks: writes ``results/shrink_quality.md``.

Usage: ``LISSNAS_DATA_DIR=../shared/data python benchmarks/shrink_quality.py [--seeds 10]``

For every benchmark, the default LISSNAS and the paper's literal loop run with a 200-query
ground-truth budget over seeds 0..N-1; the members are judged against the full table
(``lissnas.evaluation.summarize``). A one-at-a-time parameter sweep on two benchmarks shows
how the defaults were chosen, and the CLI's wall time with defaults is measured last.
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np

from _common import BENCHMARKS, make_parser, write_markdown
from lissnas.benchmarks import load_benchmark
from lissnas.evaluation import summarize
from lissnas.metrics import flops_coverage, pareto_retention
from lissnas.shrink import LISSNAS

FLOPS_BENCHMARKS = ("nb201-cifar10-test", "nb201-cifar100-test", "nbmacro-cifar10")
SWEEP = {
    "default": {},
    "seed_fraction=0.05": {"seed_fraction": 0.05},
    "seed_fraction=0.2": {"seed_fraction": 0.2},
    "radius=1": {"radius": 1},
    "radius=3": {"radius": 3},
    "initial_gt_fraction=0.7": {"initial_gt_fraction": 0.7},
    "initial_gt_fraction=1.0 (no active GT)": {"initial_gt_fraction": 1.0, "gt_per_iteration": 0},
    "gt_per_iteration=20": {"gt_per_iteration": 20},
    "n_init=3000": {"n_init": 3000},
    "neighbor_filter=none": {"neighbor_filter": "none"},
}


def run(name: str, shrinker: LISSNAS, seeds: int, data_dir: str | None) -> dict[str, float]:
    source = load_benchmark(name, data_dir)
    space = source.space
    archs, values = source.ground_truth()
    keys = space.keys(archs)
    try:
        flops = space.flops(archs)
    except NotImplementedError:
        flops = None
    rows = []
    for seed in range(seeds):
        source.reset_queries()
        result = shrinker.shrink(space, source, seed=seed)
        summary = summarize(result, source)
        if source.n_queries != result.gt_queries:
            raise RuntimeError(f"{name}: query count mismatch")
        summary["coverage"] = summary["pareto"] = float("nan")
        if flops is not None:
            mask = np.isin(keys, space.keys(result.architectures(space)))
            summary["coverage"] = flops_coverage(flops, flops[mask])
            summary["pareto"] = pareto_retention(values, flops, mask)
        rows.append(summary)

    def col(key: str) -> np.ndarray:
        return np.array([r[key] for r in rows], dtype=float)

    return {
        "full": rows[0]["full_size"],
        "size": col("size").mean(),
        "size_min": col("size").min(),
        "size_max": col("size").max(),
        "reduction": col("reduction_factor").mean(),
        "ogr": col("oracle_gap_ratio").mean(),
        "ogr_std": col("oracle_gap_ratio").std(),
        "best": int(col("global_best_retained").sum()),
        "p_good": col("p_good").mean(),
        "p_good_full": rows[0]["p_good_full"],
        "shrink_index": col("shrink_index").mean(),
        "true_mean": col("true_mean").mean(),
        "full_mean": rows[0]["full_mean"],
        "gt": col("gt_queries").max(),
        "coverage": col("coverage").mean(),
        "pareto": col("pareto").mean(),
        "seconds": col("wall_time_s").mean(),
        "seeds": seeds,
    }


def _opt(value: float) -> str:
    return "n/a" if np.isnan(value) else f"{value:.2f}"


def fmt(stats: dict[str, float]) -> str:
    return (
        f"{stats['full']:,} | "
        f"{stats['size']:.0f} [{stats['size_min']:.0f}, {stats['size_max']:.0f}] | "
        f"{stats['reduction']:.1f}x | {stats['ogr']:.3f} ± {stats['ogr_std']:.3f} | "
        f"{stats['best']}/{stats['seeds']} | {stats['full_mean']:.2f} → {stats['true_mean']:.2f} | "
        f"{stats['p_good_full']:.2f} → {stats['p_good']:.2f} | {stats['shrink_index']:.3f} | "
        f"{_opt(stats['coverage'])} | {_opt(stats['pareto'])} | "
        f"{stats['gt']:.0f} | {stats['seconds']:.1f}"
    )


HEADER = (
    "| benchmark | method | full size | shrunk size (mean [min, max]) | reduction "
    "| oracle-gap ratio "
    "| global best kept | true mean (full → shrunk) | P(good) (full → shrunk) | shrink index "
    "| FLOPs coverage | Pareto retention | GT queries | seconds/run |\n|" + "---|" * 14
)


def main() -> None:
    parser = make_parser(__doc__, "results/shrink_quality.md")
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()

    lines = [
        "# Shrink quality",
        "",
        "Command: `LISSNAS_DATA_DIR=../shared/data python benchmarks/shrink_quality.py "
        f"--seeds {args.seeds}`. "
        f"Ground-truth budget 200 queries, seeds 0..{args.seeds - 1}, sizes counted in "
        "isomorphism classes; oracle-gap ratio = "
        "(mean(S') - mean(S)) / (mean(top-|S'| of S) - mean(S)). "
        "`default` is `LISSNAS()`, `paper` is `LISSNAS.paper()` (the paper's literal loop: all "
        "ground truth up front, top 10 % as seeds, every neighbour within 1/3 of the maximum "
        "edit distance kept), `flops_bins=10` is the default with seeds stratified over 10 FLOPs "
        "quantile bins (diversity). FLOPs coverage = share of the full space's FLOPs deciles "
        "holding a member; Pareto retention = share of the full space's accuracy/FLOPs Pareto "
        "front kept (NAS-Bench-Graph has no FLOPs: n/a).",
        "",
        HEADER,
    ]
    for name in BENCHMARKS:
        configs = [("default", LISSNAS()), ("paper", LISSNAS.paper())]
        if name in FLOPS_BENCHMARKS:
            configs.append(("flops_bins=10", LISSNAS(flops_bins=10)))
        for label, shrinker in configs:
            stats = run(name, shrinker, args.seeds, args.data_dir)
            lines.append(f"| {name} | {label} | {fmt(stats)} |")
            print(lines[-1], flush=True)

    lines += [
        "",
        "## How the defaults were chosen (one parameter changed at a time)",
        "",
        HEADER.replace("| method |", "| configuration |"),
    ]
    for name in ("nb201-cifar10-test", "nbgraph-cora"):
        for label, params in SWEEP.items():
            stats = run(name, LISSNAS(**params), args.seeds, args.data_dir)
            lines.append(f"| {name} | {label} | {fmt(stats)} |")
            print(lines[-1], flush=True)

    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lissnas.cli", "shrink"], check=True, capture_output=True)
    cli_seconds = time.perf_counter() - start
    lines += [
        "",
        "## `lissnas shrink` with its defaults",
        "",
        "| command | wall time (s), including start-up and loading the embedded benchmark |",
        "|---|---|",
        f"| `lissnas shrink` (nb201-cifar10, analog-nasbench wheel) | {cli_seconds:.1f} |",
        "",
    ]
    print(lines[-2])
    write_markdown(args.out, lines)


if __name__ == "__main__":
    main()
