"""The ``lissnas`` command line: one thin command per use case, over the library."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(
    help="LISSNAS: shrink a NAS search space to a small, diverse set of good architectures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder with benchmark files (default: $LISSNAS_DATA_DIR).",
        show_default=False,
    ),
]


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise _fail(f"cannot write --out {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise _fail(f"cannot write --out {path}: folder {folder} is not writable")
    if path.is_dir():
        raise _fail(f"cannot write --out {path}: it is a directory")


@app.command()
def shrink(
    benchmark: Annotated[
        str | None,
        typer.Option(
            help="Registered benchmark name (see `lissnas benchmarks`; default nb201-cifar10)."
        ),
    ] = None,
    space: Annotated[
        str | None,
        typer.Option(
            help="Your own space: a YAML/TOML space file or a built-in space name (nb201, "
            "nbmacro, shufflenetv2, ...); needs --evaluations and --metric."
        ),
    ] = None,
    evaluations: Annotated[
        Path | None,
        typer.Option(help="CSV or Parquet file: an architecture column and metric columns."),
    ] = None,
    metric: Annotated[
        str | None, typer.Option(help="Metric column of --evaluations to optimise.")
    ] = None,
    maximize: Annotated[
        bool, typer.Option("--maximize/--minimize", help="Whether larger --metric is better.")
    ] = True,
    arch_column: Annotated[
        str, typer.Option(help="Architecture column of --evaluations.")
    ] = "arch",
    gt_budget: Annotated[int, typer.Option(help="Ground-truth queries allowed.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same output).")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Write the result JSON here (written atomically).")
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            help="Shrinker: lissnas, random-topk, abs, padnas, nse, greedynas, no-neighbor, "
            "random-neighbor, query-all. The options below marked LISSNAS apply to lissnas."
        ),
    ] = "lissnas",
    n_init: Annotated[int, typer.Option(help="Architectures sampled in the seed search.")] = 1000,
    min_size: Annotated[int, typer.Option(help="Smallest shrunk space kept.")] = 200,
    target_size: Annotated[
        int | None, typer.Option(help="Keep only this many best members at the end.")
    ] = None,
    radius: Annotated[
        int | None,
        typer.Option(help="Neighbour edit distance (default: 1/3 of the space's maximum)."),
    ] = None,
    flops_bins: Annotated[
        int | None,
        typer.Option(help="Stratify seeds over this many FLOPs bins (keeps small models)."),
    ] = None,
    paper: Annotated[
        bool, typer.Option("--paper", help="Use the paper's literal loop instead of the default.")
    ] = False,
    data_dir: DataDirOption = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON instead of a table.")
    ] = False,
) -> None:
    """Shrink a benchmark's search space (LISSNAS or another --method) and print a summary.

    With --space/--evaluations/--metric instead of --benchmark, shrink your own space over
    your own table of evaluated architectures (see examples/README.md)."""
    from lissnas.benchmarks import load_benchmark
    from lissnas.benchmarks._evaluations import byo_config, source_from_config
    from lissnas.evaluation import summarize
    from lissnas.shrink import LISSNAS, make_shrinker

    if method != "lissnas":
        params: dict[str, Any] = {"gt_budget": gt_budget}
        if target_size is not None:
            params["target_size"] = target_size
        try:
            shrinker = make_shrinker(method, **params)
        except ValueError as exc:
            raise _fail(str(exc)) from None
    elif paper:
        shrinker = LISSNAS.paper(gt_budget=gt_budget)
        shrinker.n_init, shrinker.radius = n_init, radius
    else:
        shrinker = LISSNAS(
            gt_budget=gt_budget,
            n_init=n_init,
            min_size=min_size,
            target_size=target_size,
            radius=radius,
            flops_bins=flops_bins,
        )
    try:
        shrinker.check_params()
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        if out is not None:
            _check_writable(out)
        byo = None
        if space is not None or evaluations is not None or metric is not None:
            if benchmark is not None:
                raise ValueError("--benchmark cannot be combined with --space/--evaluations")
            given = {"--space": space, "--evaluations": evaluations, "--metric": metric}
            absent = [flag for flag, value in given.items() if value is None]
            if absent:
                raise ValueError(
                    f"--space, --evaluations and --metric go together; missing {absent}"
                )
            byo = byo_config(space, evaluations, metric, maximize, arch_column)
            with err_console.status(f"loading {evaluations}..."):
                source = source_from_config(byo)
        else:
            benchmark = benchmark or "nb201-cifar10"
            with err_console.status(f"loading {benchmark}..."):
                source = load_benchmark(benchmark, data_dir)
    except (ValueError, FileNotFoundError, ImportError) as exc:
        raise _fail(str(exc)) from None

    def report(rec: Any) -> None:
        status = "accepted" if rec.accepted else "stop: mean did not rise"
        err_console.print(
            f"iteration {rec.iteration:>2}: |A|={rec.size:>6}  seeds={rec.n_seeds:>5}  "
            f"mean score={rec.mean_score:8.3f}  max={rec.max_score:8.3f}  "
            f"GT queries={rec.gt_queries:>5}  predictions={rec.predictor_queries:>7}  "
            f"[{rec.seconds:5.1f}s] {status}",
            highlight=False,
        )

    start = time.perf_counter()
    with err_console.status(f"shrinking {source.space.name} ({source.space.size:,} architectures)"):
        try:
            result = shrinker.shrink(source.space, source, seed=seed, callback=report)
        except KeyError as exc:  # a partial --evaluations table lacks a queried architecture
            raise _fail(
                f"{exc.args[0]} (the --evaluations table must list every architecture "
                "the shrinker may query; give the whole space)"
            ) from None
    if byo is not None:
        result.config["evaluations"] = byo  # lets `lissnas evaluate/report` reload the source
    summary = summarize(result, source)
    summary["total_time_s"] = time.perf_counter() - start
    if out is not None:
        try:
            result.save(out)
        except OSError as exc:
            raise _fail(f"cannot write --out {out}: {exc}") from None
    if json_output:
        console.print_json(json.dumps(summary))
    else:
        console.print(_summary_table(summary))
    if out is not None:
        err_console.print(f"saved {result.size} members to {out}", highlight=False)


def _summary_table(summary: dict[str, Any]) -> Table:
    table = Table(title=f"{summary['method']} on {summary['benchmark']}", show_header=True)
    table.add_column("quantity")
    table.add_column("full space", justify="right")
    table.add_column("shrunk space", justify="right")
    table.add_row("size", f"{summary['full_size']:,}", f"{summary['size']:,}")
    table.add_row("reduction factor", "", f"{summary['reduction_factor']:.1f}x")
    table.add_row("mean score (predicted or queried)", "", f"{summary['predicted_mean']:.3f}")
    table.add_row("max score (predicted or queried)", "", f"{summary['predicted_max']:.3f}")
    if "true_mean" in summary:
        table.add_row("true mean", f"{summary['full_mean']:.3f}", f"{summary['true_mean']:.3f}")
        table.add_row("true max", f"{summary['full_max']:.3f}", f"{summary['true_max']:.3f}")
        table.add_row("oracle-gap ratio", "", f"{summary['oracle_gap_ratio']:.3f}")
        table.add_row(
            "global best retained", "", "yes" if summary["global_best_retained"] else "no"
        )
        table.add_row(
            "P(good) (>= 90th pct)", f"{summary['p_good_full']:.3f}", f"{summary['p_good']:.3f}"
        )
        table.add_row("shrink index (n=10, k=2)", "", f"{summary['shrink_index']:.3f}")
    table.add_row("ground-truth queries", "", f"{summary['gt_queries']:,}")
    table.add_row("predictor queries", "", f"{summary['predictor_queries']:,}")
    table.add_row("wall time", "", f"{summary['total_time_s']:.1f} s")
    return table


def _load_result(path: Path, data_dir: Path | None) -> tuple[Any, Any]:
    """A saved result and a fresh source of its benchmark, or exit with a clear error."""
    from lissnas.benchmarks import load_benchmark
    from lissnas.shrink import ShrinkResult

    try:
        if not path.is_file():
            raise FileNotFoundError(f"result file {path} not found")
        result = ShrinkResult.load(path)
        if "evaluations" in result.config:  # shrunk with --space/--evaluations
            from lissnas.benchmarks import source_from_config

            return result, source_from_config(result.config["evaluations"], result.benchmark)
        return result, load_benchmark(result.benchmark, data_dir)
    except (ValueError, FileNotFoundError, ModuleNotFoundError) as exc:
        raise _fail(str(exc)) from None


@app.command()
def evaluate(
    result_path: Annotated[
        Path, typer.Argument(metavar="RESULT", help="A `lissnas shrink --out` file.")
    ],
    data_dir: DataDirOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Every metric of the evaluation suite for a saved result (ground truth where the
    benchmark has it for every member, predicted scores otherwise)."""
    from lissnas.evaluation import evaluate_result

    result, source = _load_result(result_path, data_dir)
    metrics = evaluate_result(result, source)
    if json_output:
        console.print_json(json.dumps(metrics))
        return
    table = Table(title=f"{result_path.name}: {result.method} on {result.benchmark}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in metrics.items():
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        table.add_row(key, shown)
    console.print(table)


@app.command()
def locality(
    benchmark: Annotated[str, typer.Option(help="Registered benchmark name.")] = "nb201-cifar10",
    samples: Annotated[int, typer.Option(help="Random pairs per distance and change type.")] = 500,
    max_lag: Annotated[int, typer.Option(help="Largest random-walk lag.")] = 5,
    walks: Annotated[int, typer.Option(help="Random walks of 100 single edits.")] = 20,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Write the JSON here (for `lissnas report`).")
    ] = None,
    data_dir: DataDirOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Locality of a space: random-walk autocorrelation by lag and absolute accuracy
    difference by edit distance and change type (the paper's Figure 2 and Table 8)."""
    from lissnas._io import atomic_write_text
    from lissnas.analysis import analyze_locality
    from lissnas.benchmarks import load_benchmark

    try:
        if out is not None:
            _check_writable(out)
        source = load_benchmark(benchmark, data_dir)
        with err_console.status(f"measuring locality of {benchmark}..."):
            found = analyze_locality(
                source, samples=samples, n_walks=walks, max_lag=max_lag, seed=seed
            )
    except (ValueError, FileNotFoundError, ModuleNotFoundError) as exc:
        raise _fail(str(exc)) from None
    doc = found.to_dict()
    if out is not None:
        atomic_write_text(out, json.dumps(doc, indent=1) + "\n")
    if json_output:
        console.print_json(json.dumps(doc))
        return
    table = Table(title=f"Locality of {benchmark} ({source.metric})")
    table.add_column("lag")
    table.add_column("RWA", justify="right")
    for lag, value in found.rwa.items():
        table.add_row(str(lag), f"{value:.3f}")
    console.print(table)
    aad = Table(title="Absolute accuracy difference by edit distance")
    kinds = list(next(iter(found.aad.values())))
    aad.add_column("distance")
    for kind in kinds:
        aad.add_column(kind, justify="right")
    for distance, row in found.aad.items():
        aad.add_row(
            str(distance), *(f"{row[k]:.3f} ({found.aad_pairs[distance][k]})" for k in kinds)
        )
    console.print(aad)
    console.print(f"preserves locality: {'yes' if found.preserves_locality else 'no'}")


@app.command()
def compare(
    benchmark: Annotated[
        str, typer.Option(help="Registered benchmark name with a complete ground-truth table.")
    ] = "nb201-cifar10-test",
    methods: Annotated[
        str, typer.Option(help="Comma-separated shrinkers (default: all registered).")
    ] = "",
    seeds: Annotated[int, typer.Option(help="Run seeds 0..N-1 for every method.")] = 10,
    gt_budget: Annotated[int, typer.Option(help="Ground-truth queries per run.")] = 200,
    target_size: Annotated[int, typer.Option(help="Size every method shrinks to.")] = 200,
    search_budget: Annotated[
        int | None,
        typer.Option(
            help="Also run the downstream part: queries to reach the global best with "
            "lissnas + local search vs search on the full space, within this budget."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the Markdown report here (atomically).")
    ] = None,
    data_dir: DataDirOption = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the comparison as JSON instead of Markdown.")
    ] = False,
) -> None:
    """Compare shrinkers at identical budgets, seeds and target size (Wilcoxon vs LISSNAS)."""
    from lissnas._io import atomic_write_text
    from lissnas.benchmarks import load_benchmark
    from lissnas.compare import compare_methods
    from lissnas.shrink import SHRINKERS

    names = [m.strip() for m in methods.split(",") if m.strip()] or list(SHRINKERS)
    try:
        if out is not None:
            _check_writable(out)
        with err_console.status(f"loading {benchmark}..."):
            source = load_benchmark(benchmark, data_dir)
        with err_console.status(f"comparing {len(names)} methods on {benchmark}"):
            comparison = compare_methods(
                source,
                names,
                seeds,
                gt_budget=gt_budget,
                target_size=target_size,
                search_budget=search_budget,
                progress=lambda line: err_console.print(line, highlight=False),
            )
    except (ValueError, FileNotFoundError, ModuleNotFoundError) as exc:
        raise _fail(str(exc)) from None
    markdown = comparison.to_markdown() + "\n"
    if out is not None:
        try:
            atomic_write_text(out, markdown)
        except OSError as exc:
            raise _fail(f"cannot write --out {out}: {exc}") from None
    if json_output:
        console.print_json(json.dumps(comparison.to_dict()))
    else:
        typer.echo(markdown, nl=False)


@app.command()
def search(
    benchmark: Annotated[str, typer.Option(help="Registered benchmark name.")] = "nb201-cifar10",
    strategy: Annotated[str, typer.Option(help="random, evolution or local.")] = "local",
    space: Annotated[
        Path | None,
        typer.Option("--space", help="Search inside a saved shrunk space (its queries count)."),
    ] = None,
    gt_budget: Annotated[int, typer.Option(help="Ground-truth queries allowed.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    data_dir: DataDirOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Black-box search (random, regularised evolution, local search) in a benchmark's full
    space or inside a saved shrunk space, with a ground-truth query budget."""
    from lissnas.benchmarks import load_benchmark
    from lissnas.search import run_search

    members = initial = None
    try:
        if space is not None:
            result, source = _load_result(space, data_dir)
            if result.benchmark != benchmark:
                raise ValueError(
                    f"--space {space} was shrunk on {result.benchmark!r}, "
                    f"not on --benchmark {benchmark!r}"
                )
            members = result.architectures(source.space)
            initial = (source.space.from_strings(result.queried), result.queried_values)
        else:
            source = load_benchmark(benchmark, data_dir)
        trace = run_search(
            strategy, source.space, source, gt_budget, seed, members=members, initial=initial
        )
    except (ValueError, FileNotFoundError, ModuleNotFoundError) as exc:
        raise _fail(str(exc)) from None
    doc = {"benchmark": benchmark, "strategy": strategy, "space": str(space) if space else "full"}
    doc |= trace.to_dict(source.space)
    table = source.ground_truth()
    if table is not None:
        best = float(table[1].max() if source.maximize else table[1].min())
        doc["global_best"] = best
        doc["queries_to_global_best"] = trace.queries_to_reach(best)
    if json_output:
        console.print_json(json.dumps(doc))
        return
    console.print(f"best architecture: {doc['best_arch']}", highlight=False, soft_wrap=True)
    console.print(f"best {source.metric}: {doc['best_value']:.3f} after {doc['queries']} queries")
    if "queries_to_global_best" in doc:
        reached = doc["queries_to_global_best"]
        console.print(
            f"global best ({doc['global_best']:.3f}) "
            + (f"reached after {reached} queries" if reached else "not reached")
        )


@app.command()
def report(
    results: Annotated[
        list[Path],
        typer.Argument(metavar="RESULT...", help="`lissnas shrink --out` files of one benchmark."),
    ],
    out: Annotated[Path, typer.Option(help="HTML file to write (self-contained, atomic).")] = Path(
        "report.html"
    ),
    locality_file: Annotated[
        Path | None, typer.Option("--locality", help="JSON from `lissnas locality --out`.")
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """One self-contained HTML report (opens offline) comparing saved results."""
    from lissnas.report import write_report

    try:
        _check_writable(out)
        loaded = [_load_result(path, data_dir) for path in results]
        locality_doc = None
        if locality_file is not None:
            try:
                locality_doc = json.loads(locality_file.read_text())
                if not {"rwa", "aad"} <= set(locality_doc):
                    raise ValueError("missing keys 'rwa' and 'aad'")
            except (OSError, ValueError) as exc:
                raise ValueError(
                    f"--locality {locality_file}: not a locality JSON ({exc})"
                ) from None
        benchmarks_seen = {r.benchmark for r, _ in loaded}
        if len(benchmarks_seen) > 1:
            raise ValueError(f"results come from different benchmarks: {sorted(benchmarks_seen)}")
        write_report(
            out,
            [r for r, _ in loaded],
            loaded[0][1],
            locality=locality_doc,
            labels=[path.stem for path in results],
        )
    except (ValueError, ModuleNotFoundError) as exc:
        raise _fail(str(exc)) from None
    err_console.print(f"wrote {out}", highlight=False)


@app.command()
def benchmarks(data_dir: DataDirOption = None) -> None:
    """List every registered benchmark, what it needs and whether it is available here."""
    from lissnas.benchmarks import list_benchmarks

    table = Table(title="lissnas benchmarks")
    table.add_column("name", style="bold")
    table.add_column("needs")
    table.add_column("available")
    table.add_column("description")
    for spec in list_benchmarks():
        ok, why = spec.availability(data_dir)
        table.add_row(
            spec.name, spec.needs, "[green]yes[/]" if ok else f"[red]no[/]: {why}", spec.description
        )
    console.print(table)


from lissnas._cli_supernet import supernet_app  # noqa: E402 (after the commands above)

app.add_typer(supernet_app, name="supernet")

if __name__ == "__main__":  # pragma: no cover
    app()
