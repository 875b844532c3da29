"""Check the one-shot reports against the rows they were made from, or bring them up to date.

Each report ``benchmarks/oneshot.py --phase report`` writes ends its list of commands with
"This report: `...`", and ``benchmarks/truth_agreement.py``'s and
``benchmarks/oneshot_cifar10.py``'s reports name their command the same way. This script
reruns every such command as recorded, in a scratch folder laid out as the repository (its
``benchmarks/`` and ``results/oneshot_work/`` linked there, so the command, and the text the
report records of it, are the same), and compares what it writes with the report byte for
byte. It prints a table, writes it to
``results/oneshot_reports.md`` and exits 1 when a report differs, unless ``--write`` replaced
those reports (atomically) with what their rows give now. Reports that record no such
command (older ones) are listed as such. The reruns need the torch extra and Debian's
Fashion-MNIST (the report phase loads it), and the truth agreement's ``--benchmark`` and the
CIFAR-10 report's truth their data (``LISSNAS_DATA_DIR``).

    python benchmarks/oneshot_reports.py                 # check every report
    python benchmarks/oneshot_reports.py --write         # rewrite the ones that differ
    python benchmarks/oneshot_reports.py --only oneshot_gpu-280-c40_truth-cpu-e16.md
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import oneshot_cifar10
import truth_agreement
from _common import write_markdown
from lissnas._io import atomic_write_text
from oneshot import make_parser, report_path

ROOT = Path(__file__).resolve().parents[1]
RECORDED = re.compile(r"This report: `([^`]+)`")
SCRIPT = "python benchmarks/oneshot.py"
AGREEMENT = "python benchmarks/truth_agreement.py"
CIFAR10 = "python benchmarks/oneshot_cifar10.py"


@dataclass(frozen=True)
class Check:
    """One report: its name, the command it records (``None`` if it records none), and, once
    run, how its rerun compared (``same``, ``differs``, ``rewritten``, ``failed``)."""

    name: str
    command: str | None
    outcome: str = ""
    seconds: float = 0.0
    detail: str = ""


def recorded_command(report: Path) -> str | None:
    """The command ``report`` says wrote it, checked to be a report phase of
    ``benchmarks/oneshot.py`` (or a run of ``benchmarks/truth_agreement.py`` or
    ``benchmarks/oneshot_cifar10.py``) writing to
    ``results/<report's name>``; ``None`` if it names none (reports older than the line)."""
    found = RECORDED.findall(report.read_text())
    if not found:
        return None
    if len(found) > 1:
        raise SystemExit(f"{report}: {len(found)} 'This report:' commands, expected one")
    command = found[0]
    if command.startswith(AGREEMENT + " "):
        writes = Path(truth_agreement.make_parser().parse_args(shlex.split(command)[2:]).out)
    elif command == CIFAR10 or command.startswith(CIFAR10 + " "):
        writes = Path(oneshot_cifar10.make_parser().parse_args(shlex.split(command)[2:]).out)
    elif command.startswith(SCRIPT + " "):
        args = make_parser().parse_args(shlex.split(command)[2:])
        if args.phase not in ("report", "all"):
            raise SystemExit(
                f"{report}: the recorded command runs --phase {args.phase}, not report"
            )
        writes = report_path(args)
    else:
        raise SystemExit(
            f"{report}: the recorded command runs none of {SCRIPT}, {AGREEMENT}, {CIFAR10}: "
            f"{command!r}"
        )
    if writes != Path("results", report.name):
        raise SystemExit(
            f"{report}: the recorded command writes {writes}, not results/{report.name}"
        )
    return command


def rerun(check: Check, results: Path, scratch: Path) -> Check:
    """``check`` with its command run in ``scratch`` (laid out as the repository) and its
    output compared with the report in ``results``."""
    started = time.perf_counter()
    env = dict(os.environ)
    if env.get("LISSNAS_DATA_DIR"):  # as given here, not from the scratch folder
        env["LISSNAS_DATA_DIR"] = str(Path(env["LISSNAS_DATA_DIR"]).resolve())
    done = subprocess.run(
        [sys.executable, *shlex.split(check.command)[1:]],
        cwd=scratch, capture_output=True, text=True, env=env,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return replace(
            check, outcome="failed", seconds=seconds, detail=f"exit {done.returncode}: {last}"
        )
    fresh = (scratch / "results" / check.name).read_text()
    same = fresh == (results / check.name).read_text()
    return replace(check, outcome="same" if same else "differs", seconds=seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--results",
        default="results",
        help="folder of the reports and their oneshot_work/ (default: %(default)s)",
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="this report only (repeatable)"
    )
    parser.add_argument("--workers", type=int, default=2, help="reports rerun at once")
    parser.add_argument("--write", action="store_true", help="replace the reports that differ")
    parser.add_argument("--out", default="results/oneshot_reports.md", help="the table's path")
    args = parser.parse_args()
    results = Path(args.results).resolve()
    if not (results / "oneshot_work").is_dir():
        parser.error(f"--results {args.results}: no oneshot_work/ folder in it")
    if args.workers < 1:
        parser.error(f"--workers must be >= 1, got {args.workers}")
    reports = sorted(results.glob("oneshot*.md"))
    names = {p.name for p in reports}
    for name in args.only:
        if name not in names:
            parser.error(f"--only {name}: no such report in {results}")
    if args.only:
        reports = [p for p in reports if p.name in args.only]
    table = Path(args.out).name
    checks = [Check(p.name, recorded_command(p)) for p in reports if p.name != table]
    runnable = [c for c in checks if c.command is not None]
    with tempfile.TemporaryDirectory(prefix="oneshot_reports_") as tmp:
        scratch = Path(tmp)
        (scratch / "results").mkdir()
        (scratch / "benchmarks").symlink_to(ROOT / "benchmarks")
        (scratch / "results" / "oneshot_work").symlink_to(results / "oneshot_work")
        with ThreadPoolExecutor(args.workers) as pool:
            done = {c.name: c for c in pool.map(lambda c: rerun(c, results, scratch), runnable)}
        if args.write:
            for name, c in done.items():
                if c.outcome == "differs":
                    atomic_write_text(results / name, (scratch / "results" / name).read_text())
                    done[name] = replace(c, outcome="rewritten")
    checks = [done.get(c.name, c) for c in checks]
    counts = {o: sum(c.outcome == o for c in checks) for o in ("same", "differs", "rewritten")}
    failed = [c for c in checks if c.outcome == "failed"]
    older = [c for c in checks if c.command is None]
    lines = [
        "# The one-shot reports regenerated from their rows",
        "",
        f"`python benchmarks/oneshot_reports.py{' --write' if args.write else ''}`: each "
        "report's recorded command rerun on the rows and truth tables in "
        f"`{args.results}/oneshot_work/`, its output compared with the report byte for byte. "
        f"{counts['same']} the same, {counts['differs']} differ, {counts['rewritten']} "
        f"rewritten, {len(failed)} failed, {len(older)} record no report command "
        f"(older; not checked); {sum(c.seconds for c in checks):.0f} s "
        f"of reruns, {args.workers} at once.",
        "",
        "| report | outcome | seconds |",
        "|---|---|---:|",
        *(
            f"| {c.name} | {c.outcome or 'records no report command'}"
            f"{': ' + c.detail if c.detail else ''} | "
            f"{f'{c.seconds:.1f}' if c.command else ''} |"
            for c in checks
        ),
    ]
    print("\n".join(lines))
    write_markdown(args.out, lines)
    if failed or counts["differs"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
