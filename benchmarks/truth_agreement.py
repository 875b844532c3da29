"""How far the one-shot benchmark's truth tables agree, run by run: writes
``results/oneshot_truth_agreement.md``.

Usage: ``python benchmarks/truth_agreement.py [--truth-tag cpu-e16 --truth-tag cpu-e32 ...]``

``benchmarks/oneshot.py --phase truth`` trains the same architectures standalone (the
shrunk space's members, table ``truth_shrunk_<tag>.csv``, and uniform full-space ones,
``truth_full_<tag>.csv``) once per run, run r with seed r, for each ``--truth-tag``'s
settings (say, 4 or 16 epochs, or batches cropped and flipped at random,
``--truth-augment``). For each table this prints every tag's own agreement (the
Kendall tau between two of its runs, whose seeds differ) and the parameter count's tau
against each run and against the runs' mean; and for each pair of tags the tau between a
run of one and a run of the other with the same seed (same initial weights and data order)
and with different seeds. Where runs of the same seed agree across tags far more than runs
of one tag agree with each other, what a run's seed draws decides its ranking more than the
training does, and a truth of a few runs ranks the architectures by chance that longer
training does not remove. With ``--benchmark`` (say ``nb201-cifar10-test``) each table,
its runs and the parameter count are also ranked against that benchmark's values of the
same architectures: how far the Fashion-MNIST truth stands in for NAS-Bench-201's CIFAR-10.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from _common import write_markdown
from lissnas.benchmarks import load_benchmark
from lissnas.oneshot import (
    ranking_correlation,
    read_truth_params,
    read_truth_runs,
    runs_agreement,
)
from lissnas.spaces import NB201Space
from oneshot import recorded_settings

#: table kinds, as ``benchmarks/oneshot.py`` names its truth files and its report the tables
KINDS = {"shrunk": "the shrunk space's members", "full": "uniform full-space architectures"}


def tau(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall tau between two rankings of the same architectures (NaN if one is constant)."""
    return ranking_correlation(a, b)["kendall_tau"]


def mean_or_na(values: list[float]) -> str:
    """The mean to 3 decimals, or ``n/a`` when there is nothing to average."""
    return f"{np.mean(values):.3f}" if values else "n/a"


def read_tables(
    work: Path, kind: str, tags: list[str]
) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, ...]]]:
    """The architectures and ``{tag: (runs (n_archs, n_runs), params)}`` of the ``kind``
    tables of ``tags``; stop unless each exists and all hold the same architectures in the
    same order."""
    space = NB201Space()
    tables: dict[str, tuple[np.ndarray, ...]] = {}
    first = None
    for tag in tags:
        path = work / f"truth_{kind}_{tag}.csv"
        if not path.exists():
            raise SystemExit(
                f"{path} does not exist: make it with benchmarks/oneshot.py --phase truth"
            )
        try:
            archs, runs = read_truth_runs(path, space)
            params = read_truth_params(path, space)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
        if first is None:
            first = (path, archs)
        elif not np.array_equal(archs, first[1]):
            raise SystemExit(
                f"{path} holds other architectures than {first[0]} (or another order): "
                "only tables made with the same --truth-archs compare run by run"
            )
        tables[tag] = (runs, params)
    assert first is not None, "no tags"
    return first[1], tables


def training_of(work: Path, kind: str, tag: str) -> tuple[str, str]:
    """The ``truth_epochs`` a table's sidecar records (or ``not recorded``), and whether its
    batches were cropped and flipped (``--truth-augment``), read as ``benchmarks/oneshot.py``
    reads the sidecar when it reuses the table."""
    sidecar = work / f"truth_{kind}_{tag}.json"
    if not sidecar.exists():
        return "not recorded", "not recorded"
    settings = recorded_settings(json.loads(sidecar.read_text()))
    augmented = "yes" if settings["truth_augment"] else "no"
    return str(settings.get("truth_epochs", "not recorded")), augmented


def own_rows(work: Path, kind: str, tables: dict) -> list[str]:
    """One Markdown row per tag: its epochs, augmentation, runs, accuracy, agreement between
    its runs, each run's tau against the mean of the others (a run unlike the rest stands
    out) and the parameter count's tau against a run and against the mean."""
    rows = []
    for tag, (runs, params) in tables.items():
        n = runs.shape[1]
        own = f"{runs_agreement(runs):.3f}" if n > 1 else "n/a"
        rest = (
            ", ".join(
                f"{tau(runs[:, r], np.delete(runs, r, axis=1).mean(axis=1)):.3f}" for r in range(n)
            )
            if n > 1
            else "n/a"
        )
        mean = runs.mean(axis=1)
        has_params = bool((params >= 0).all())
        per_run = (
            ", ".join(f"{tau(params, runs[:, r]):.3f}" for r in range(n)) if has_params else "n/a"
        )
        of_mean = f"{tau(params, mean):.3f}" if has_params else "n/a"
        epochs, augmented = training_of(work, kind, tag)
        rows.append(
            f"| {tag} | {epochs} | {augmented} | {n} | {runs.mean():.2f} | "
            f"{np.ptp(mean):.2f} | {own} | {rest} | {per_run} | {of_mean} |"
        )
    return rows


def cross_rows(tables: dict) -> list[str]:
    """One Markdown row per pair of tags: the tau between their runs of the same seed and
    of different seeds (means over such pairs), and between their means."""
    rows = []
    for (a, (runs_a, _)), (b, (runs_b, _)) in itertools.combinations(tables.items(), 2):
        pairs = itertools.product(range(runs_a.shape[1]), range(runs_b.shape[1]))
        same, other = [], []
        for i, j in pairs:
            (same if i == j else other).append(tau(runs_a[:, i], runs_b[:, j]))
        rows.append(
            f"| {a} | {b} | {mean_or_na(same)} ({len(same)}) | {mean_or_na(other)} "
            f"({len(other)}) | {tau(runs_a.mean(axis=1), runs_b.mean(axis=1)):.3f} |"
        )
    return rows


def benchmark_rows(tables: dict, truth: np.ndarray) -> list[str]:
    """One Markdown row per tag: the tau of each run and of the runs' mean against the
    benchmark's values ``truth``; and one for the parameter count."""
    rows = []
    for tag, (runs, _) in tables.items():
        per_run = ", ".join(f"{tau(runs[:, r], truth):.3f}" for r in range(runs.shape[1]))
        rows.append(f"| {tag} | {per_run} | {tau(runs.mean(axis=1), truth):.3f} |")
    params = next(iter(tables.values()))[1]
    if (params >= 0).all():
        rows.append(f"| parameter count | | {tau(params, truth):.3f} |")
    return rows


#: where the report goes without --out
DEFAULT_OUT = "results/oneshot_truth_agreement.md"


def make_parser() -> argparse.ArgumentParser:
    """The command line, also used to re-read the command a report records."""
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument(
        "--truth-tag",
        action="append",
        help="tables truth_{shrunk,full}_<tag>.csv to compare, repeatable "
        "(default: cpu, cpu-e16, cpu-e32, cpu-aug-e16)",
    )
    parser.add_argument("--work", default="results/oneshot_work", help="folder of the tables")
    parser.add_argument(
        "--benchmark",
        help="also rank every table against this benchmark's values of its architectures "
        "(e.g. nb201-cifar10-test: NAS-Bench-201's CIFAR-10 accuracy)",
    )
    parser.add_argument(
        "--data-dir", default=None, help="the benchmark's data folder (default: $LISSNAS_DATA_DIR)"
    )
    parser.add_argument("--out", default=DEFAULT_OUT)
    return parser


def main() -> None:
    parser = make_parser()
    args = parser.parse_args()
    source = None
    if args.benchmark is not None:
        try:
            source = load_benchmark(args.benchmark, args.data_dir)
        except (ValueError, FileNotFoundError, ModuleNotFoundError) as exc:
            raise SystemExit(str(exc)) from None
    tags = args.truth_tag or ["cpu", "cpu-e16", "cpu-e32", "cpu-aug-e16"]
    if len(set(tags)) < 2:
        parser.error(f"compare at least two different --truth-tag, got {tags}")
    work = Path(args.work)
    flags = " ".join(f"--truth-tag {t}" for t in tags)
    if source is not None:
        flags += f" --benchmark {args.benchmark}"
    flags += f" --work {args.work}"
    if args.out != DEFAULT_OUT:
        flags += f" --out {args.out}"
    lines = [
        "# How far the one-shot benchmark's truth tables agree",
        "",
        f"This report: `python benchmarks/truth_agreement.py {flags}`. Kendall "
        "tau between two runs of the same architectures trained standalone "
        "(`benchmarks/oneshot.py --phase truth`; run r with seed r: the same initial weights "
        "and data order in every table). Own agreement: mean over pairs of the tag's runs "
        "(different seeds); each run against the mean of the tag's other runs. The "
        "parameter count: its tau against each run "
        "and against the runs' mean. Across tags: mean over pairs of a run of each, of the "
        "same seed and of different seeds (pairs in brackets), and the tau between the "
        "tags' means.",
    ]
    for kind, label in KINDS.items():
        archs, tables = read_tables(work, kind, tags)
        lines += [
            "",
            f"## {label} (`truth_{kind}_<tag>.csv`, {len(next(iter(tables.values()))[0])} "
            "architectures)",
            "",
            "| truth tag | epochs | cropped and flipped | runs | mean accuracy % | "
            "spread of the mean (points) | own agreement | run 0, 1, ... vs the mean of the "
            "others | parameter count vs run 0, 1, ... | vs the mean |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *own_rows(work, kind, tables),
            "",
            "| tag | other tag | same seed (pairs) | different seeds (pairs) | means |",
            "|---|---|---|---|---|",
            *cross_rows(tables),
        ]
        if source is not None:
            lines += [
                "",
                f"Against `{args.benchmark}` ({source.metric} of the same architectures):",
                "",
                "| truth tag | run 0, 1, ... | the mean |",
                "|---|---|---|",
                *benchmark_rows(tables, source.evaluate(archs)),
            ]
    print("\n".join(lines))
    write_markdown(args.out, lines)


if __name__ == "__main__":
    main()
