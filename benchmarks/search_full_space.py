"""Queries to reach the global best with black-box search on the full NB201 space:
writes ``results/search.md``.

Usage: ``LISSNAS_DATA_DIR=../shared/data python benchmarks/search_full_space.py [--seeds 50]``
"""

from __future__ import annotations

import numpy as np

from _common import make_parser, write_markdown
from lissnas.benchmarks import load_benchmark
from lissnas.search import run_search

BENCHMARKS = ("nb201-cifar10-test", "nb201-cifar100-test")
STRATEGIES = ("random", "evolution", "local")


def main() -> None:
    parser = make_parser(__doc__, "results/search.md")
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--budget", type=int, default=1000)
    args = parser.parse_args()
    lines = [
        "# Black-box search on the full space",
        "",
        "Command: `LISSNAS_DATA_DIR=../shared/data python benchmarks/search_full_space.py "
        f"--seeds {args.seeds}`. "
        f"Ground-truth queries (distinct architectures, isomorphism classes) until the best-so-far "
        f"reaches the global best; budget {args.budget}; seeds 0..{args.seeds - 1}. Runs that "
        "never reach it count as > budget (the median is then a lower bound, marked >). "
        "Regularised evolution: population 50, tournament 10; local search: best improvement "
        "over distance-1 neighbours, random restarts.",
        "",
        "| benchmark | strategy | median queries | IQR | reached |",
        "|---|---|---|---|---|",
    ]
    for name in BENCHMARKS:
        source = load_benchmark(name, args.data_dir)
        best = float(source.ground_truth()[1].max())
        for strategy in STRATEGIES:
            found = [
                run_search(strategy, source.space, source, args.budget, seed).queries_to_reach(best)
                for seed in range(args.seeds)
            ]
            q = np.array([args.budget + 1 if f is None else f for f in found], dtype=float)
            med = np.median(q)
            shown = f"> {args.budget}" if med > args.budget else f"{med:.0f}"
            lo, hi = np.percentile(q, [25, 75])
            reached = sum(f is not None for f in found)
            lines.append(
                f"| {name} | {strategy} | {shown} | {lo:.0f}-{hi:.0f} | {reached}/{args.seeds} |"
            )
            print(lines[-1], flush=True)
    write_markdown(args.out, lines)


if __name__ == "__main__":
    main()
