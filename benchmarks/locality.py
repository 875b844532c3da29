"""Locality of real search spaces: writes ``results/locality.md``.

Usage: ``LISSNAS_DATA_DIR=../shared/data python benchmarks/locality.py [--samples 1000]``

For each benchmark: random-walk autocorrelation (20 walks of 100 single edits) at lags 1-5
and absolute accuracy difference at edit distances 1-3 by change type, as in the paper's
Figure 2 and Table 8 (``lissnas.analysis.analyze_locality``).
"""

from __future__ import annotations

from _common import BENCHMARKS, make_parser, write_markdown
from lissnas.analysis import analyze_locality
from lissnas.benchmarks import load_benchmark


def main() -> None:
    parser = make_parser(__doc__, "results/locality.md")
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    lines = [
        "# Locality",
        "",
        "Command: `LISSNAS_DATA_DIR=../shared/data python benchmarks/locality.py "
        f"--samples {args.samples}`. "
        "RWA: Pearson correlation of the metric between x_t and x_{t+lag} along 20 random walks "
        "of 100 single edits (seed 0). AAD: mean |f(a) - f(b)| over random pairs at edit "
        f"distance exactly d ({args.samples} tries per distance and change type; pairs kept in "
        "brackets). Change types: NAS-Bench-201 `op` (a non-`none` op replaced) vs `edge` (an "
        "edge added or removed: a change to or from `none`); NAS-Bench-Graph `op` vs `link`; "
        "NAS-Bench-Macro one type. A space preserves locality when AAD (all types) rises with "
        "distance and RWA falls with lag.",
        "",
        "| benchmark | RWA lag 1 | lag 2 | lag 3 | lag 4 | lag 5 | AAD d=1 | AAD d=2 | AAD d=3 "
        "| preserves locality |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in BENCHMARKS:
        found = analyze_locality(load_benchmark(name, args.data_dir), samples=args.samples)
        rwa = " | ".join(f"{found.rwa[lag]:.3f}" for lag in range(1, 6))
        aad = " | ".join(
            "<br>".join(
                f"{kind}: {value:.2f} ({found.aad_pairs[d][kind]})"
                for kind, value in found.aad[d].items()
            )
            for d in (1, 2, 3)
        )
        lines.append(f"| {name} | {rwa} | {aad} | {'yes' if found.preserves_locality else 'no'} |")
        print(lines[-1], flush=True)
    write_markdown(args.out, lines)


if __name__ == "__main__":
    main()
