"""LISSNAS against the baselines and ablations: writes ``results/comparison.md``.

Usage: ``LISSNAS_DATA_DIR=../shared/data python benchmarks/compare.py [--seeds 10]``

Every registered shrinker runs on six benchmarks with the same ground-truth budget (200),
target size (200) and seeds 0..N-1 (``lissnas.compare.compare_methods``); the Wilcoxon
signed-rank test compares LISSNAS with each method over paired seeds. The downstream part
on ``nb201-cifar10-test`` counts the ground-truth queries needed to reach the global best
with LISSNAS + local search inside the shrunk space (its own queries counted first) versus
random search, regularised evolution and local search on the full space.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from _common import BENCHMARKS, atomic_write_text, make_parser, write_markdown
from lissnas.benchmarks import load_benchmark
from lissnas.compare import compare_methods, downstream_queries
from lissnas.compare._compare import build_shrinker
from lissnas.shrink import SHRINKERS

DOWNSTREAM_BENCHMARK = "nb201-cifar10-test"
#: LISSNAS with a small ground-truth budget used as a search: a third of the budget up front,
#: then 5 active queries per iteration on the best candidates.
SMALL_BUDGET = {"initial_gt_fraction": 0.33, "gt_per_iteration": 5}


def _downstream_params(budget: int) -> dict[str, float]:
    return SMALL_BUDGET if budget < 100 else {}


def main() -> None:
    parser = make_parser(__doc__, "results/comparison.md")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--gt-budget", type=int, default=200)
    parser.add_argument("--target-size", type=int, default=200)
    parser.add_argument("--search-budget", type=int, default=3000)
    parser.add_argument(
        "--downstream-gt-budgets",
        default="200,60",
        help="LISSNAS ground-truth budgets tried in the downstream part (below 100: the "
        "small-budget configuration SMALL_BUDGET).",
    )
    parser.add_argument("--skip-downstream", action="store_true")
    args = parser.parse_args()
    methods = list(SHRINKERS)
    shrinkers = [m for m in methods if m != "query-all"]

    sections, wins, docs = [], [], {}
    for name in BENCHMARKS:
        start = time.perf_counter()
        source = load_benchmark(name, args.data_dir)
        comparison = compare_methods(
            source,
            methods,
            args.seeds,
            gt_budget=args.gt_budget,
            target_size=args.target_size,
        )
        means = {m: comparison.values(m, "oracle_gap_ratio").mean() for m in shrinkers}
        best = max(means, key=means.__getitem__)
        wins.append((name, best, means["lissnas"], means[best]))
        sections += [f"## {name}", "", comparison.to_markdown(), ""]
        docs[name] = comparison.to_dict()
        print(comparison.to_markdown(), f"\n[{time.perf_counter() - start:.0f} s]\n", flush=True)

    source = load_benchmark(DOWNSTREAM_BENCHMARK, args.data_dir)
    downstream = []
    budgets = [] if args.skip_downstream else args.downstream_gt_budgets.split(",")
    for budget in map(int, budgets):
        result = downstream_queries(
            source,
            args.seeds,
            search_budget=args.search_budget,
            shrinker=build_shrinker(
                "lissnas", budget, args.target_size, **_downstream_params(budget)
            ),
        )
        downstream.append(result)
        docs[f"downstream (LISSNAS gt_budget={budget})"] = result.to_dict()
        print(result.to_markdown(), flush=True)

    n_wins = sum(best == "lissnas" for _, best, _, _ in wins)
    lines = [
        "# LISSNAS vs baselines and ablations",
        "",
        f"Command: `LISSNAS_DATA_DIR=../shared/data python benchmarks/compare.py --seeds "
        f"{args.seeds}{' --skip-downstream' if args.skip_downstream else ''}` (also writes "
        f"`{Path(args.out).with_suffix('.json')}`). Every method: "
        f"ground-truth budget {args.gt_budget}, target size {args.target_size} (operator-pruning "
        "methods stop at the first product space of at most that many architectures, hence "
        "smaller sizes), the default XGBoost predictor, seeds 0.."
        f"{args.seeds - 1}. Sizes in isomorphism classes. LISSNAS and its ablations run with "
        f"`min_size = target_size = {args.target_size}`. The baselines replace the supernet of "
        "the original methods by the predictor (see `lissnas.shrink` docstrings).",
        "",
        "## Summary: best mean oracle-gap ratio among shrinkers (query-all aside)",
        "",
        "| benchmark | best shrinker | its mean OGR | LISSNAS mean OGR |",
        "|---|---|---|---|",
    ]
    lines += [f"| {n} | {b} | {vb:.3f} | {vl:.3f} |" for n, b, vl, vb in wins]
    lines += ["", f"LISSNAS best on {n_wins} of {len(wins)} benchmarks (target: >= 5).", ""]
    lines += ["## Downstream: queries to reach the global best", ""]
    if not downstream:
        lines += ["Not run (`--skip-downstream`).", ""]
    for result in downstream:
        full = min(result.median(s) for s in result.queries if s != "lissnas+local")
        ours = result.median("lissnas+local")
        ratio = ours / full if math.isfinite(full) else float("nan")
        verdict = (
            f"ratio {ratio:.2f} (target <= 0.6)"
            if math.isfinite(ratio)
            else f"full-space medians all > {result.search_budget}; LISSNAS + local: {ours:.0f}"
        )
        params = _downstream_params(result.shrink_gt_budget)
        lines += [
            f"LISSNAS `gt_budget={result.shrink_gt_budget}`"
            f"{', ' + str(params) if params else ''}"
            f" then local search in its members: median {ours:.0f} vs best full-space "
            f"median {'> ' + str(result.search_budget) if math.isinf(full) else f'{full:.0f}'}: "
            f"{verdict}.",
            "",
            result.to_markdown(),
            "",
        ]
    lines += sections
    out = write_markdown(args.out, lines)
    atomic_write_text(out.with_suffix(".json"), json.dumps(docs, indent=1) + "\n")
    print(f"wrote {out.with_suffix('.json')}; LISSNAS best on {n_wins}/{len(wins)}")


if __name__ == "__main__":
    main()
