"""One-shot NAS on a LISSNAS-shrunk NB201 space, and NAS-LID: ``results/oneshot.md``.

Usage (CPU, this machine, under an hour)::

    LISSNAS_DATA_DIR=../shared/data python benchmarks/oneshot.py --preset cpu

and on a GPU (``--preset gpu --device cuda --workers 8``). Fashion-MNIST (Debian's
``dataset-fashion-mnist``, or ``--data-root``) stands in for CIFAR-10, so the ground truth
is made here: architectures trained standalone (``lissnas.oneshot.make_ground_truth``).

1. The shrunk space: LISSNAS on ``nb201-cifar10`` (seed 0, 200 members), or ``--members``.
2. Ground truth: ``--truth-archs`` members of the shrunk space (table S) and as many
   uniform architectures of the full space (table F), each trained standalone
   ``--truth-repeats`` times (run r with seed r for every architecture); the accuracy is
   the mean, and the Kendall tau between runs says how far the table agrees with itself.
   A larger ``--truth-repeats`` later extends the tables (only the new runs are trained); a
   table with more runs serves a run asking for fewer with its first runs. With
   ``--truth-augment`` the standalone training crops and flips its batches at random.
   ``benchmarks/truth_agreement.py`` compares the runs of tables of several ``--truth-tag``.
3. Target 1, per seed: a supernet trained on the full space and one trained on the shrunk
   space (same epochs, data, batch size, schedule); Kendall tau of each over table S.
   An estimate is a path's test accuracy after its BatchNorm statistics are re-estimated
   on ``--calib-batches`` batches of 128 training images. With ``--sandwich`` every
   supernet (NAS-LID's sub-supernets too) also trains its space's largest path on each
   batch (``train_supernet(sandwich=True)``).
4. Target 2, per seed: NAS-LID: ``--warmup-epochs`` of the one-shot schedule on the full
   space, split by the operators' LID once (2 sub-supernets) or twice (4), the remaining
   epochs shared by the sub-supernets; against the full-space supernet of step 3 (same
   total epochs); Kendall tau over table F. ``--naslid-only`` measures target 2 alone, at
   less cost for long schedules: NAS-LID's 1 level, and the one-shot supernet continued
   from NAS-LID's warm-up (the start of its own schedule, so the same supernet); no
   shrunk-space supernet, no second level. ``--no-naslid`` measures target 1 alone (and
   the full-space supernet's ranking of table F): no NAS-LID.
5. Each seed's estimates are kept beside its taus (``rows_<tag>_seed<s>.json``), and the
   report ranks them against the mean of the first 1, 2, ... runs of the tables too: how far
   the truth's noise holds the taus down; gives the estimates' mean and spread across the
   architectures beside the truth's spread (estimates that crowd together rank less); and
   splits each split's tau into the pairs one sub-supernet ranks (within a sub-space) and
   the pairs two do (across), beside one-shot's over the same pairs: whether a split ranks
   its own sub-space better, and how comparable its sub-supernets' estimates are. Each
   comparison is also paired by seed (``lissnas.metrics.paired_comparison``): the seeds it
   wins and loses, and the Wilcoxon signed-rank p over them.
6. ``--phase random-split`` adds a control to the seeds already measured: NAS-LID's 1 level
   again from the same warm-up (read from its checkpoint, or retrained where there is none;
   the run stops unless LID splits it as the row records), the split's position and groups
   drawn at random instead (``split_supernet(criterion="random")``): what LID's choice adds
   over any split. ``--phase spectral-split`` does the same with the split rule of NAS-LID's
   published code (``criterion="lid-spectral"``: plain cosine, spectral clustering), and
   ``--phase published-split`` with that rule and the code's sampling of LID too (50 batches
   of 64 images, fewer if the subset holds fewer, a fresh path for each, the similarities
   averaged). ``--phase late-split`` splits by LID later instead, after ``--split-at``
   epochs of the one-shot schedule (half of ``--epochs`` by default; continued from the
   warm-up's checkpoint), the 1-level schedule's remaining epochs shared by its two
   sub-supernets: whether the split helps once the shared weights are trained further.
7. ``--phase align`` adds NAS-LID aligned to its warm-up to the seeds already measured: the
   warm-up (read or retrained, checked as in 6) evaluates the same architectures (its own
   ranking is reported too), and each sub-supernet's estimates are shifted to the warm-up's
   mean over its architectures (``align_group_means``): no more training.

Each seed's NAS-LID warm-up is kept in ``--work`` as a training checkpoint
(``warmup_<tag>_seed<s>_e<epochs>.pt``, written after every epoch): a re-split or align
phase starts from exactly the weights the row was measured from, on any machine and without
retraining, and an interrupted warm-up resumes. Training reproduces exactly only on the same
machine with the same torch threads, so without the file the phase retrains and checks.

``--phase truth`` only builds the tables and ``--phase supernets`` only uses them (both in
``--work``), so a long run can be cut in two; ``--phase report`` only rewrites the
Markdown from the rows already measured (with the flags they were trained with: a run stops
if a row's recorded command says otherwise), ranking their estimates against the truth asked
for: tables of other settings live under their own ``--truth-tag`` (say, a longer
``--truth-epochs``), and the same supernets' estimates can be ranked against them. The file
names the command of every part and the machine the supernets were trained on, as each row
records it (so a GPU run's report can be rewritten anywhere; older rows record none, and
then the report names their seeds as not recording one). The CPU preset writes
``results/oneshot.md``; other presets and tags ``results/oneshot_<tag>.md``, with
``_truth-<name>`` before ``.md`` for another ``--truth-tag``. Only ``--phase report`` and
``all`` write there by default; the measuring phases print their report, and write it only
to an ``--out`` given (so measuring some seeds cannot overwrite a report of all of them, nor
one against more runs of the truth, whose name the default does not tell apart).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import math
import os
import platform
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from _common import atomic_write_text, write_markdown

#: batch_size is the standalone (truth) training's; supernets use supernet_batch_size and lr
PRESETS = {
    # 2 CPU cores, under an hour: small networks, small data, 2 runs per truth architecture
    "cpu": dict(subset=5000, val_subset=5000, width=8, depth=1, truth_archs=32,
                truth_repeats=2, truth_epochs=4, epochs=15, warmup_epochs=5, seeds=3,
                batch_size=128, supernet_batch_size=128, lr=0.05, calib_batches=10,
                augment=False, sandwich=False, truth_augment=False),
    # one GPU: the benchmark's own cell width, more data and epochs
    "gpu": dict(subset=20000, val_subset=5000, width=16, depth=2, truth_archs=60,
                truth_repeats=3, truth_epochs=8, epochs=20, warmup_epochs=6, seeds=3,
                batch_size=128, supernet_batch_size=128, lr=0.05, calib_batches=10,
                augment=False, sandwich=False, truth_augment=False),
}  # fmt: skip


#: the help of the presets' switches
BOOL_HELP = {
    "augment": "crop and flip the supernets' training batches at random (random_crop_flip; "
    "the truth's standalone training has its own switch, --truth-augment)",
    "sandwich": "also train, on every batch, the space's path with the most parameters (the "
    "sandwich rule's largest child; a second, larger forward and backward pass per step)",
    "truth_augment": "crop and flip the truth's standalone training batches at random "
    "(--phase truth; tables made so need their own --truth-tag)",
}

#: how this script was run, as recorded beside what it measures
COMMAND = "python " + " ".join(sys.argv)

#: the rankings measured per seed, as the report names them
LABELS = {
    "full_on_shrunk": "supernet on the full space, ranking the shrunk space's members",
    "shrunk_on_shrunk": "supernet on the LISSNAS-shrunk space, same members",
    "oneshot_on_full": "one supernet (one-shot), uniform full-space architectures",
    "naslid1_on_full": "NAS-LID, 2 sub-supernets (1 level), same architectures, same total epochs",
    "naslid2_on_full": "NAS-LID, 4 sub-supernets (2 levels), same architectures, same total epochs",
    "random1_on_full": "control: NAS-LID's 1 level with a random split instead of LID's",
    "spectral1_on_full": "NAS-LID's 1 level split by its published code's rule (spectral)",
    "late1_on_full": "NAS-LID's 1 level split later in the schedule (`--phase late-split`)",
    "published1_on_full": "NAS-LID's 1 level split by its published code's rule and LID sampling",
    "warmup_on_full": "NAS-LID's warm-up alone (the supernet it splits), same architectures",
    "naslid1al_on_full": "NAS-LID, 1 level, each sub-supernet aligned to the warm-up's mean on "
    "its architectures",
    "naslid2al_on_full": "NAS-LID, 2 levels, aligned likewise",
}

#: ``--phase align``'s estimates: NAS-LID's, aligned to the warm-up's (``align_group_means``)
ALIGNED = {"naslid1al": "naslid1", "naslid2al": "naslid2"}


@dataclass(frozen=True)
class Resplit:
    """A phase that splits NAS-LID's full-space supernet again, once, and trains the 1-level
    schedule from there, added to the rows: the same warm-up split by another criterion, or
    (``later``) the one-shot schedule split by LID after ``--split-at`` epochs instead."""

    criterion: str  # split_supernet's
    key: str  # the row's fields: <key>_on_full, <key>_regions, <key>_seconds, <key>_command
    name: str  # as the report and the progress name it
    title: str  # as the report's time sentence names it
    heading: str  # the report's sentence on what it is: "<heading> (`--phase ...`): <how>."
    how: str  # formatted with split_at, warmup_epochs and each (epochs per sub-supernet)
    later: bool = False  # the row also records <key>_split_at
    published_lid: bool = False  # LID measured as NAS-LID's code does (PUBLISHED_LID)


#: NAS-LID's published code measures LID on 50 batches of 64 images, a fresh path for each
PUBLISHED_LID = (50, 64)


#: the start of ``Resplit.how`` for a split of the very warm-up NAS-LID split
SAME_WARMUP = (
    "the 1-level schedule from the same warm-up (read from its checkpoint or retrained, checked "
    "to split as before), "
)

RESPLITS = {
    "random-split": Resplit(
        "random", "random1", "random split", "random-split control", "Control",
        SAME_WARMUP + "the position and the groups of its split drawn at random instead of "
        "by LID",
    ),
    "spectral-split": Resplit(
        "lid-spectral", "spectral1", "published-rule split", "published-rule split",
        "Published rule",
        SAME_WARMUP + "split as NAS-LID's code does (plain cosine of the LID profiles, two "
        "groups by spectral clustering, the position with the highest similarity within its "
        "groups)",
    ),
    "published-split": Resplit(
        "lid-spectral", "published1", "published split", "published split",
        "Published rule and sampling",
        SAME_WARMUP + "split as NAS-LID's code does, its sampling included (each operator's "
        "LID profile on {lid_batches} batches of 64 training images, a fresh random path for "
        "each batch, the plain cosine similarities averaged over the batches; two groups by "
        "spectral clustering, the position with the highest similarity within its groups)",
        published_lid=True,
    ),
    "late-split": Resplit(
        "lid", "late1", "later split", "later split", "Split later",
        "the one-shot schedule cut after {split_at} epochs instead of {warmup_epochs} and "
        "split there by LID as NAS-LID's, then {each} epochs for each of its 2 sub-supernets",
        later=True,
    ),
}  # fmt: skip

#: the splits a row may hold (``<key>_on_full``, its sub-spaces ``<key>_regions`` or, aligned,
#: those of the split it aligns), as the report names them
SPLIT_NAMES = {
    "naslid1": "NAS-LID, 1 level",
    "naslid2": "NAS-LID, 2 levels",
    **{r.key: r.name for r in RESPLITS.values()},
    "naslid1al": "NAS-LID, 1 level, aligned",
    "naslid2al": "NAS-LID, 2 levels, aligned",
}

#: the rankings compared by seed: (key, against, the report's names of both)
PAIRED = [
    ("shrunk_on_shrunk", "full_on_shrunk", "shrunk-space supernet", "full-space supernet"),
    *((f"{k}_on_full", "oneshot_on_full", name, "one-shot") for k, name in SPLIT_NAMES.items()),
]

#: what a truth table depends on besides its runs (checked when a table is reused)
TRUTH_SETTINGS = ("subset", "val_subset", "width", "depth", "truth_archs", "truth_epochs",
                  "batch_size", "truth_augment")  # fmt: skip

#: what a truth table's sidecar written before a setting existed was made with
TRUTH_SETTING_BEFORE = {"truth_augment": False}

#: what a row's supernets depend on besides the seed (checked when rows are read)
SUPERNET_SETTINGS = ("subset", "val_subset", "width", "depth", "epochs", "warmup_epochs",
                     "supernet_batch_size", "lr", "calib_batches", "augment",
                     "sandwich")  # fmt: skip


def settings(args: argparse.Namespace) -> dict:
    """The preset's settings, with those given on the command line."""
    cfg = dict(PRESETS[args.preset])
    cfg.update({k: v for k, v in vars(args).items() if k in cfg and v is not None})
    return cfg


def trained_settings(path: Path, row: dict, parser: argparse.ArgumentParser) -> dict:
    """The settings of the run that wrote ``row`` (read from ``path``), re-read from the
    command it records."""
    if not row.get("command"):
        raise SystemExit(f"{path} records no command: the settings of its supernets are unknown")
    return settings(parser.parse_args(shlex.split(row["command"])[2:]))


def differences(trained: dict, cfg: dict) -> list[tuple[str, object, object]]:
    """``(flag, trained's value, cfg's value)`` for each supernet setting they differ in."""
    return [
        (f"--{key.replace('_', '-')}", trained[key], cfg[key])
        for key in SUPERNET_SETTINGS
        if trained[key] != cfg[key]
    ]


def row_paths(work: Path, tag: str) -> list[Path]:
    """The row files of ``tag`` in ``work``, in seed order (seed 10 after 9, not after 1)."""
    paths = work.glob(f"rows_{tag}_seed*.json")
    return sorted(paths, key=lambda path: int(path.stem.rsplit("_seed", 1)[1]))


def read_rows(
    work: Path, tag: str, cfg: dict, parser: argparse.ArgumentParser, against: str = "this run"
) -> list[dict]:
    """Every seed's row measured so far under ``tag``, in seed order; stop if one's supernets
    were trained with other settings than ``cfg`` (those of ``against``; re-read from the
    command the row records), so that a report cannot describe them wrongly, nor a run add
    seeds of other settings to them."""
    rows = []
    for path in row_paths(work, tag):
        row = json.loads(path.read_text())
        changes = differences(trained_settings(path, row, parser), cfg)
        if changes:
            flag, theirs, ours = changes[0]
            differs = (
                f"with {flag} {theirs}, {against} has {ours}"
                if not isinstance(ours, bool)
                else f"with {flag}, {against} without"
                if theirs
                else f"without {flag}, {against} with"
            )
            raise SystemExit(
                f"{path}: its supernets were trained {differs}; run with the settings of "
                f"`{row['command']}`, or another --tag"
            )
        rows.append(row)
    return rows


def p_text(p: float) -> str:
    """A p-value to three decimals, or to two significant digits below 0.001 (so the
    smallest p of 28 seeds, 2 / 2^28, reads 7.5e-09 rather than 0.000)."""
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


def tau_text(tau: float) -> str:
    """A Kendall tau as the reports write it: "n/a" where no pair ranks (a constant side)."""
    return "n/a" if math.isnan(tau) else f"{tau:.3f}"


def name_seeds(seeds: list[int]) -> str:
    """``"seed 3"`` or ``"seeds 0, 1"``."""
    return f"seed{'s' * (len(seeds) > 1)} {', '.join(map(str, seeds))}"


def describe_differences(changes: list[tuple[str, object, object]]) -> str:
    """How another tag's supernets were trained beside this run's, from ``differences``."""
    if not changes:
        return "its supernets trained with this tag's settings"
    said = [
        f"{flag} {theirs} (here {ours})"
        if not isinstance(ours, bool)
        else f"{'with' if theirs else 'without'} {flag}"
        for flag, theirs, ours in changes
    ]
    return f"its supernets trained as this tag's but {', '.join(said)}"


def recorded_settings(sidecar: dict) -> dict:
    """The settings a truth table's ``sidecar`` records, with those it predates
    (``TRUTH_SETTING_BEFORE``) as they were made then."""
    return {**TRUTH_SETTING_BEFORE, **sidecar.get("settings", {})}


def check_truth(path: Path, cfg: dict) -> dict:
    """The sidecar of the table at ``path``; stop unless the table exists and was made with
    this run's settings (its number of runs aside: a table with more runs serves fewer,
    its first ones)."""
    if not path.exists():
        raise SystemExit(f"{path} does not exist: run --phase truth first")
    sidecar_path = path.with_suffix(".json")
    sidecar = json.loads(sidecar_path.read_text()) if sidecar_path.exists() else {}
    saved = {k: v for k, v in recorded_settings(sidecar).items() if k in TRUTH_SETTINGS}
    settings = {k: cfg[k] for k in TRUTH_SETTINGS}
    if saved != settings:
        raise SystemExit(
            f"{path} was made with settings {saved}, this run has {settings}: "
            "delete it (or use another --work) to remake it"
        )
    return sidecar


def load_truth(path: Path, cfg: dict, space) -> tuple[np.ndarray, np.ndarray, dict]:
    """Architectures, all runs ``(n_archs, runs)`` and sidecar of a table holding at least
    ``truth_repeats`` runs."""
    from lissnas.oneshot import read_truth_runs

    sidecar = check_truth(path, cfg)
    archs, runs = read_truth_runs(path, space)
    if runs.shape[1] < cfg["truth_repeats"]:
        raise SystemExit(
            f"{path} holds {runs.shape[1]} runs per architecture, this run asks for "
            f"{cfg['truth_repeats']}: run --phase truth to extend it"
        )
    return archs, runs, sidecar


def ground_truth(path: Path, archs: np.ndarray, cfg: dict, train, test) -> None:
    """Train ``archs`` standalone ``truth_repeats`` times each with ``make_ground_truth``
    (run r with seed r; ``--workers`` processes) and write the table, its settings, time
    and commands beside it (``.json``). A table made with the same settings is reused, or
    extended when it has fewer runs (only the missing runs are trained)."""
    from lissnas.oneshot import make_ground_truth, read_truth_runs
    from lissnas.spaces import NB201Space

    sidecar: dict = {"seconds": {}, "commands": {}}
    repeats = cfg["truth_repeats"]
    if path.exists():
        sidecar = check_truth(path, cfg)
        # a table with more runs is kept whole; an interrupted extension (ValueError: rows
        # with different runs) is resumed by make_ground_truth
        with contextlib.suppress(ValueError):
            repeats = max(repeats, read_truth_runs(path, NB201Space())[1].shape[1])
    before = path.read_text() if path.exists() else None
    start = time.perf_counter()
    rows = make_ground_truth(
        "nb201", path, train, test, archs=archs, epochs=cfg["truth_epochs"],
        width=cfg["width"], depth=cfg["depth"], repeats=repeats, batch_size=cfg["batch_size"],
        augment=cfg["truth_augment"], device=cfg["device"], workers=cfg["workers"],
        on_result=lambda r: print(f"  {r.accuracy:6.2f} {r.arch}", flush=True),
    )  # fmt: skip
    if path.read_text() == before:
        print(f"reusing {path} ({repeats} runs per architecture)")
        return
    # by runs: the seconds spent to make the table with that many, the command that did
    spent = sidecar["seconds"]
    total = round(max(spent.values(), default=0) + time.perf_counter() - start)
    sidecar = {
        "settings": {k: cfg[k] for k in TRUTH_SETTINGS},
        "seconds": {**spent, str(repeats): total},
        "commands": {**sidecar["commands"], str(repeats): COMMAND},
    }
    atomic_write_text(path.with_suffix(".json"), json.dumps(sidecar))
    print(f"{path}: {len(rows)} architectures x {repeats} runs, {total} s in all")


def check_same_archs(work: Path, others: list[str], truth: str, tables: dict, space) -> None:
    """Stop unless the truth tables of every tag in ``others`` hold the architectures of the
    tables ``truth`` (``{"shrunk"|"full": (archs, accuracy)}``) in the same order: estimates
    measured beside the ones can be ranked against the other."""
    from lissnas.oneshot import read_truth_runs

    for other in others:
        for kind, (archs, _) in tables.items():
            source = work / f"truth_{kind}_{other}.csv"
            if not np.array_equal(read_truth_runs(source, space)[0], archs):
                raise SystemExit(
                    f"estimates were measured on the architectures of {source}, "
                    f"truth_{kind}_{truth}.csv holds others: make it with the same --truth-archs"
                )


def rank_against(row: dict, tables: dict, *, truth: str, repeats: int) -> dict:
    """``row`` with its correlations recomputed from its estimates against the truth tables
    ``truth`` (``{"shrunk"|"full": (archs, accuracy)}``, means of ``repeats`` runs), which
    hold the architectures the row was measured on (``check_same_archs``).

    A row without estimates (an older one) is kept as measured, so it must have been ranked
    against these very tables (``row["truth"]``)."""
    from lissnas.oneshot import ranking_correlation

    made = row["truth"]
    if "estimates" not in row:
        if (made, row["truth_repeats"]) != (truth, repeats):
            raise SystemExit(
                f"seed {row['seed']}'s row was ranked against truth {made!r} of "
                f"{row['truth_repeats']} runs and keeps no estimates to rank again: "
                f"pass --truth-tag {made} --truth-repeats {row['truth_repeats']}"
            )
        return row
    ranked = {
        key: ranking_correlation(estimates, tables[key.rsplit("_", 1)[1]][1])
        for key, estimates in row["estimates"].items()
    }
    return {**row, **ranked, "truth": truth, "truth_repeats": repeats}


def region_index(archs: np.ndarray, regions: list[dict]) -> np.ndarray:
    """``route_regions`` of a row's stored sub-spaces, stopping the run with its message
    when an architecture is in none or in several."""
    from lissnas.oneshot import route_regions

    try:
        return route_regions(archs, regions)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None


def lid_stages(epochs: int, after: str = "--warmup-epochs") -> dict[int, list[int]]:
    """NAS-LID schedules after the split, by number of levels: epochs per sub-supernet at
    each level, ``epochs`` in total (2^level sub-supernets at level ``level``). With two
    levels, the four sub-supernets of the second get one epoch each. ``after`` names the
    option the split comes after, for the message when ``epochs`` does not fit."""
    if epochs < 2 or epochs % 2:
        raise SystemExit(f"--epochs minus {after} must be even and >= 2, got {epochs}")
    stages = {1: [epochs // 2]}
    if epochs >= 6:
        stages[2] = [(epochs - 4) // 2, 1]
    return stages


def report_path(args: argparse.Namespace) -> Path:
    """Where the report of ``args`` goes: ``--out``, else the default ``--out``'s help names."""
    tag, truth_tag = args.tag or args.preset, args.truth_tag or args.preset
    return Path(
        args.out
        or "results/{}{}.md".format(
            "oneshot" if tag == "cpu" else f"oneshot_{tag}",
            "" if truth_tag == args.preset else f"_truth-{truth_tag}",
        )
    )


def make_parser() -> argparse.ArgumentParser:
    """The command line, also used to re-read the commands recorded in the rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="cpu")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--workers", type=int, default=1, help="processes for ground truth")
    parser.add_argument("--data-root", default=None, help="Fashion-MNIST IDX folder")
    parser.add_argument("--members", default=None, help="shrink result JSON (default: run one)")
    parser.add_argument("--work", default="results/oneshot_work")
    parser.add_argument(
        "--phase",
        choices=("all", "truth", "supernets", *RESPLITS, "align", "report"),
        default="all",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="default: results/oneshot.md (cpu), else results/oneshot_<tag>.md; with "
        "--truth-tag, _truth-<name> before .md; written by default by --phase report and all "
        "only (the measuring phases print their report, and write it to --out only)",
    )
    parser.add_argument(
        "--tag",
        default=None,
        help="name of the supernet rows and of the output (default: the preset); a run that "
        "changes supernet settings needs its own tag (the truth tables have --truth-tag)",
    )
    parser.add_argument(
        "--truth-tag",
        default=None,
        help="name of the truth tables, truth_{shrunk,full}_<name>.csv (default: the preset); "
        "tables made with other settings (--truth-epochs, ...) need their own",
    )
    parser.add_argument("--first-seed", type=int, default=0, help="seeds first..first+seeds-1")
    parser.add_argument(
        "--naslid-only",
        action="store_true",
        help="--phase supernets: target 2 only, at less cost for long schedules: NAS-LID's "
        "1 level, and the one-shot supernet continued from its warm-up (no shrunk-space "
        "supernet, no 2nd level)",
    )
    parser.add_argument(
        "--no-naslid",
        action="store_true",
        help="--phase supernets: target 1 only: the supernets on the full and the shrunk "
        "space, no NAS-LID (nothing for the re-split and align phases to add to)",
    )
    parser.add_argument(
        "--paired-with",
        action="append",
        default=[],
        metavar="TAG",
        help="--phase report: also pair each ranking by seed with the same ranking of TAG's "
        "rows (supernets trained otherwise, e.g. without --augment), against this truth; "
        "repeat for several tags",
    )
    parser.add_argument(
        "--split-at",
        type=int,
        default=None,
        help="--phase late-split: the epoch NAS-LID splits at (default: half of --epochs)",
    )
    for key, value in PRESETS["cpu"].items():
        if isinstance(value, bool):  # --augment, --sandwich, --truth-augment
            parser.add_argument(
                f"--{key.replace('_', '-')}", action="store_true", default=None,
                help=BOOL_HELP[key],
            )  # fmt: skip
            continue
        parser.add_argument(
            f"--{key.replace('_', '-')}", type=type(value), default=None, help=f"preset: {value}"
        )
    return parser


def main() -> None:
    parser = make_parser()
    args = parser.parse_args()
    tag = args.tag or args.preset
    cfg = settings(args)
    cfg.update(device=args.device, workers=args.workers, data_root=args.data_root)
    resplit = RESPLITS.get(args.phase)
    later = resplit is not None and resplit.later
    for flag, given in (("--naslid-only", args.naslid_only), ("--no-naslid", args.no_naslid)):
        if given and args.phase not in ("all", "supernets"):
            parser.error(
                f"{flag} is read by --phase supernets (or all) only, not --phase {args.phase}"
            )
    if args.no_naslid and args.naslid_only:
        parser.error("--no-naslid and --naslid-only exclude each other")
    if args.paired_with and args.phase != "report":
        parser.error(f"--paired-with is read by --phase report only, not --phase {args.phase}")
    if tag in args.paired_with:
        parser.error(f"--paired-with names this run's own tag {tag!r}")
    if args.split_at is not None and not later:
        parser.error(f"--split-at is read by --phase late-split only, not --phase {args.phase}")
    split_at = cfg["warmup_epochs"]  # where a re-split phase splits
    if later:
        split_at = cfg["epochs"] // 2 if args.split_at is None else args.split_at
        if not cfg["warmup_epochs"] < split_at < cfg["epochs"]:
            parser.error(
                f"--split-at {split_at} must lie after --warmup-epochs {cfg['warmup_epochs']} "
                f"and before --epochs {cfg['epochs']}"
            )
    # NAS-LID's schedules after the warm-up, and the 1-level one a re-split phase trains after
    # split_at: a remainder that fits none stops here, before anything loads or trains
    schedules = {} if args.phase == "truth" else lid_stages(cfg["epochs"] - cfg["warmup_epochs"])
    if args.naslid_only:
        schedules = {1: schedules[1]}
    if args.no_naslid:
        schedules = {}
    resplit_stages = None
    if later:
        resplit_stages = lid_stages(cfg["epochs"] - split_at, "--split-at")[1]
    elif resplit is not None:
        resplit_stages = schedules[1]
    work = Path(args.work)
    # this tag's rows: stop before anything loads or trains if they were measured otherwise
    known = (
        {} if args.phase == "truth" else {r["seed"]: r for r in read_rows(work, tag, cfg, parser)}
    )
    work.mkdir(parents=True, exist_ok=True)

    import torch

    # this machine, as a row records where its supernets were trained
    machine = f"{args.device} ({os.cpu_count()} cores)"
    if args.device.startswith("cuda"):
        machine = f"{args.device} ({torch.cuda.get_device_name(0)})"
    machine += f", {platform.node() or 'this machine'}"

    from lissnas.metrics import paired_comparison
    from lissnas.oneshot import (
        CALIB_BATCH_SIZE,
        ArchSampler,
        align_group_means,
        build_supernet,
        evaluate_archs,
        kendall_tau_by_group,
        load_checkpoint,
        load_fashion_mnist,
        ranking_correlation,
        read_truth_params,
        runs_agreement,
        save_checkpoint,
        split_supernet,
        train_supernet,
    )
    from lissnas.shrink import ShrinkResult
    from lissnas.spaces import NB201_OPS, NB201Space

    space = NB201Space()
    members_path = Path(args.members) if args.members else work / "members.json"
    if not members_path.exists():
        from lissnas.benchmarks import load_benchmark
        from lissnas.shrink import LISSNAS

        source = load_benchmark("nb201-cifar10", os.environ.get("LISSNAS_DATA_DIR"))
        LISSNAS().shrink(source.space, source, seed=0).save(members_path)
    result = ShrinkResult.load(members_path)
    members = result.architectures(space)
    rng = np.random.default_rng(0)
    truth_tag = args.truth_tag or args.preset
    truth_s = work / f"truth_shrunk_{truth_tag}.csv"
    truth_f = work / f"truth_full_{truth_tag}.csv"
    train = load_fashion_mnist(args.data_root, subset=cfg["subset"], seed=0)
    val = load_fashion_mnist(args.data_root, train=False, subset=cfg["val_subset"], seed=0)
    if args.phase in ("all", "truth"):
        picked = members[rng.permutation(len(members))[: cfg["truth_archs"]]]
        ground_truth(truth_s, picked, cfg, train, val)
        uniform = space.sample(cfg["truth_archs"], rng, distinct=True)
        ground_truth(truth_f, uniform, cfg, train, val)
    if args.phase == "truth":
        return

    archs_s, all_runs_s, sidecar_s = load_truth(truth_s, cfg, space)
    archs_f, all_runs_f, sidecar_f = load_truth(truth_f, cfg, space)
    runs_s, runs_f = all_runs_s[:, : cfg["truth_repeats"]], all_runs_f[:, : cfg["truth_repeats"]]
    acc_s, acc_f = runs_s.mean(axis=1), runs_f.mean(axis=1)
    own_s, own_f = runs_agreement(runs_s), runs_agreement(runs_f)  # NaN with one run
    # the tables' parameter counts, and how they rank the truth
    params = {
        "shrunk": read_truth_params(truth_s, space),
        "full": read_truth_params(truth_f, space),
    }
    params_s = ranking_correlation(params["shrunk"], acc_s)["kendall_tau"]
    params_f = ranking_correlation(params["full"], acc_f)["kendall_tau"]
    truth_tables = {"shrunk": (archs_s, acc_s), "full": (archs_f, acc_f)}
    common = dict(
        batch_size=cfg["supernet_batch_size"],
        lr=cfg["lr"],
        augment=cfg["augment"],
        sandwich=cfg["sandwich"],
        device=args.device,
        progress=False,
    )
    net_args = dict(in_channels=1, width=cfg["width"], depth=cfg["depth"])
    rows = []
    seeds = range(args.first_seed, args.first_seed + cfg["seeds"])

    def lid_args(seed: int) -> dict:
        return dict(n_paths=2, device=args.device, seed=seed)

    def warmup_path(seed: int, epochs: int) -> Path:
        return work / f"warmup_{tag}_seed{seed}_e{epochs}.pt"

    def schedule_start(seed: int, epochs: int):
        """The full-space supernet (with its sampler) after the first ``epochs`` of the
        one-shot schedule, resumed from its checkpoint (``warmup_path``; a longer one from
        the --warmup-epochs one), so a finished one is read, not retrained."""
        warm = build_supernet("nb201", seed=seed, **net_args)
        sampler = ArchSampler(space, seed=seed)
        path, shorter = warmup_path(seed, epochs), warmup_path(seed, cfg["warmup_epochs"])
        if not path.exists() and epochs > cfg["warmup_epochs"] and shorter.exists():
            save_checkpoint(path, load_checkpoint(shorter))
        try:
            train_supernet(
                warm, sampler, train, epochs=cfg["epochs"], seed=seed,
                max_steps=epochs * train.n_batches(cfg["supernet_batch_size"]),
                checkpoint=path, resume=path.exists(), **common,
            )  # fmt: skip
        except ValueError as exc:  # a checkpoint of other settings, or not one at all
            raise SystemExit(f"{exc}; delete it to train this warm-up again") from None
        return warm, sampler

    def warm_up(seed: int, epochs: int):
        """NAS-LID's start: ``schedule_start`` (no annealing before the split), then LID's
        first split."""
        warm, sampler = schedule_start(seed, epochs)
        return warm, sampler, split_supernet(warm, sampler, lid_x, **lid_args(seed))

    def train_parts(parts, stages: list[int], seed: int, done: int) -> None:
        """Train the split's levels ``stages`` (epochs per sub-supernet) after ``done``
        epochs of the one-shot schedule, each from the learning rate one-shot has reached
        there: the same total epochs as one-shot."""
        for level, each in enumerate(stages, start=1):
            if level > 1:
                parts.split_further(lid_x, **lid_args(seed))
            lr = cfg["lr"] * (1 + math.cos(math.pi * done / cfg["epochs"])) / 2
            parts.train(train, epochs_each=each, seed=seed, **{**common, "lr": lr})
            done += each * 2**level
        assert done == cfg["epochs"], (done, cfg["epochs"])

    lid_x = train.x[:256]
    # NAS-LID's code's batches, as many of them as the training subset holds
    lid_batches = min(PUBLISHED_LID[0], len(train) // PUBLISHED_LID[1])
    evaluation = dict(calib_batches=cfg["calib_batches"], device=args.device)

    def measured_row(seed: int, done: str) -> tuple[Path, dict] | None:
        """Seed ``seed``'s row file and row, which a phase adds to; ``None`` when the row
        has ``done``."""
        path = work / f"rows_{tag}_seed{seed}.json"
        if seed not in known:
            raise SystemExit(
                f"{path} does not exist: measure seed {seed} first (--phase supernets)"
            )
        row = known[seed]
        if row.get("truth", args.preset) != truth_tag:  # the phase is measured on these
            check_same_archs(work, [row.get("truth", args.preset)], truth_tag, truth_tables, space)
        if "estimates" not in row:
            raise SystemExit(f"{path} keeps no estimates (an older row): measure it again")
        if "naslid1_on_full" not in row:
            raise SystemExit(
                f"{path} was measured without NAS-LID (`{row['command']}`): no split to add to"
            )
        if done in row:
            print(f"seed {seed}: {done} is measured already", flush=True)
            return None
        return path, row

    def warm_again(seed: int, path: Path, row: dict, then: str):
        """NAS-LID's warm-up of seed ``seed`` (with its sampler), read from its checkpoint or
        retrained, checked to split as its row records."""
        saved = warmup_path(seed, cfg["warmup_epochs"])
        read = saved.exists()
        how = f"read from {saved.name}" if read else "retrained (no checkpoint)"
        print(f"seed {seed}: NAS-LID's warm-up {how}, then {then}", flush=True)
        warm, sampler, first = warm_up(seed, cfg["warmup_epochs"])
        regions = first.summary()["regions"]
        if regions != row["naslid1_regions"]:
            threads = torch.get_num_threads()
            why = (
                f"{saved} is not the warm-up the row was measured from (delete it to retrain)"
                if read
                else "the warm-up did not reproduce (an exact rerun needs the machine and the "
                f"torch threads the row was made with; now {threads} "
                f"thread{'s' * (threads != 1)}; its checkpoint is not kept)"
            )
            if not read:  # keep only the warm-ups rows were measured from
                saved.unlink()
            raise SystemExit(
                f"{path}: LID splits the {'read' if read else 'retrained'} warm-up into "
                f"{regions}, the row records {row['naslid1_regions']}: {why}, so {then} would "
                "not start from it"
            )
        return warm, sampler

    if resplit is not None:
        key = resplit.key
        for seed in seeds if resplit.later else ():  # every row checked before any training
            before = known.get(seed, {}).get(f"{key}_split_at", split_at)
            if before != split_at:
                raise SystemExit(
                    f"rows_{tag}_seed{seed}.json holds the {resplit.name} at --split-at "
                    f"{before}, this run asks for {split_at}: a row holds one (use its --split-at)"
                )
    for seed in seeds if resplit is not None else ():
        started = time.perf_counter()
        if (measured := measured_row(seed, f"{key}_on_full")) is None:
            continue
        path, row = measured
        if resplit.later:
            print(f"seed {seed}: the {resplit.name}, after {split_at} epochs", flush=True)
            parts = warm_up(seed, split_at)[2]
        else:
            warm, sampler = warm_again(seed, path, row, f"a {resplit.name}")
            x, lid = lid_x, lid_args(seed)
            if resplit.published_lid:
                x = train.x[: lid_batches * PUBLISHED_LID[1]]
                lid.update(n_paths=1, lid_batches=lid_batches)
            parts = split_supernet(warm, sampler, x, criterion=resplit.criterion, **lid)
        train_parts(parts, resplit_stages, seed, split_at)
        estimate = parts.evaluate(archs_f, train, val, **evaluation)
        row["estimates"][f"{key}_on_full"] = np.round(estimate, 4).tolist()
        row.update({
            f"{key}_on_full": ranking_correlation(estimate, acc_f),
            f"{key}_regions": parts.summary()["regions"],
            **({f"{key}_split_at": split_at} if resplit.later else {}),
            f"{key}_seconds": time.perf_counter() - started, f"{key}_command": COMMAND,
        })  # fmt: skip
        atomic_write_text(path, json.dumps(row))
        print(json.dumps({k: row[k] for k in ("seed", f"{key}_on_full", f"{key}_regions")}))
    for seed in seeds if args.phase == "align" else ():
        started = time.perf_counter()
        if (measured := measured_row(seed, "warmup_on_full")) is None:
            continue
        path, row = measured
        warm, _ = warm_again(seed, path, row, "its estimates")
        reference = evaluate_archs(warm, archs_f, train, val, **evaluation)
        row["estimates"]["warmup_on_full"] = np.round(reference, 4).tolist()
        row["warmup_on_full"] = ranking_correlation(reference, acc_f)
        for key, regions in ALIGNED.items():
            if f"{regions}_on_full" not in row["estimates"]:  # fewer levels measured
                continue
            groups = region_index(archs_f, row[f"{regions}_regions"])
            aligned = align_group_means(row["estimates"][f"{regions}_on_full"], reference, groups)
            row["estimates"][f"{key}_on_full"] = np.round(aligned, 4).tolist()
            row[f"{key}_on_full"] = ranking_correlation(aligned, acc_f)
        row.update(align_seconds=time.perf_counter() - started, align_command=COMMAND)
        atomic_write_text(path, json.dumps(row))
        shown = ("seed", "warmup_on_full", *(f"{a}_on_full" for a in ALIGNED))
        print(json.dumps({k: row[k] for k in shown if k in row}))  # the levels measured
    for seed in seeds if args.phase in ("all", "supernets") else ():
        started = time.perf_counter()
        if args.naslid_only:
            print(f"seed {seed}: NAS-LID's warm-up, continued to the one-shot supernet", flush=True)
            first = warm_up(seed, cfg["warmup_epochs"])[2]
            # the one-shot schedule past the warm-up it shares (from a copy of its checkpoint)
            full = schedule_start(seed, cfg["epochs"])[0]
            estimates = {"oneshot_on_full": evaluate_archs(full, archs_f, train, val, **evaluation)}
        else:
            print(f"seed {seed}: supernets on the full and the shrunk space", flush=True)
            full = build_supernet("nb201", seed=seed, **net_args)
            train_supernet(
                full, ArchSampler(space, seed=seed), train, epochs=cfg["epochs"], seed=seed,
                **common,
            )  # fmt: skip
            shrunk = build_supernet("nb201", seed=seed, **net_args)
            train_supernet(
                shrunk, ArchSampler(space, members, seed=seed), train, epochs=cfg["epochs"],
                seed=seed, **common,
            )  # fmt: skip
            estimates = {
                "full_on_shrunk": evaluate_archs(full, archs_s, train, val, **evaluation),
                "shrunk_on_shrunk": evaluate_archs(shrunk, archs_s, train, val, **evaluation),
                "oneshot_on_full": evaluate_archs(full, archs_f, train, val, **evaluation),
            }
            if schedules:
                print(f"seed {seed}: NAS-LID", flush=True)
                first = warm_up(seed, cfg["warmup_epochs"])[2]  # one first split, all levels
        regions = {}
        for levels, stages in schedules.items():
            parts = copy.deepcopy(first)
            train_parts(parts, stages, seed, cfg["warmup_epochs"])
            estimates[f"naslid{levels}_on_full"] = parts.evaluate(archs_f, train, val, **evaluation)
            regions[f"naslid{levels}_regions"] = parts.summary()["regions"]
        truth = {k: acc_s if k.endswith("_on_shrunk") else acc_f for k in estimates}
        rows.append({
            "seed": seed,
            **{k: ranking_correlation(v, truth[k]) for k, v in estimates.items()}, **regions,
            "truth": truth_tag, "truth_repeats": cfg["truth_repeats"],
            "estimates": {k: np.round(v, 4).tolist() for k, v in estimates.items()},
            "seconds": time.perf_counter() - started, "command": COMMAND, "machine": machine,
        })  # fmt: skip
        atomic_write_text(work / f"rows_{tag}_seed{seed}.json", json.dumps(rows[-1]))
        print(json.dumps(rows[-1]))
    # every seed measured so far with this tag (runs may be split over --first-seed), ranked
    # against this run's truth
    # rows that do not name the truth they were measured beside (older ones) had the preset's
    measured = [{"truth": args.preset, **row} for row in read_rows(work, tag, cfg, parser)]
    beside: dict[str, list[int]] = {}  # other truth tags the rows were measured beside
    for row in measured:
        if row["truth"] != truth_tag:
            beside.setdefault(row["truth"], []).append(row["seed"])
    check_same_archs(work, sorted(beside), truth_tag, truth_tables, space)
    rows = [
        rank_against(row, truth_tables, truth=truth_tag, repeats=cfg["truth_repeats"])
        for row in measured
    ]
    # --paired-with: each other tag's rows by seed, ranked against this truth, and how its
    # supernets were trained beside these
    others: dict[str, tuple[dict[int, dict], str]] = {}
    for other in dict.fromkeys(args.paired_with):
        paths = row_paths(work, other)
        if not paths:
            raise SystemExit(f"--paired-with {other}: no rows_{other}_seed*.json in {work}")
        # its settings, as its lowest seed's row records them (read_rows holds the others
        # to them)
        other_cfg = trained_settings(paths[0], json.loads(paths[0].read_text()), parser)
        other_rows = {
            row["seed"]: {"truth": args.preset, **row}
            for row in read_rows(work, other, other_cfg, parser, paths[0].name)
        }
        check_same_archs(
            work, sorted({r["truth"] for r in other_rows.values()} - {truth_tag}), truth_tag,
            truth_tables, space,
        )  # fmt: skip
        others[other] = (
            {
                seed: rank_against(row, truth_tables, truth=truth_tag, repeats=cfg["truth_repeats"])
                for seed, row in other_rows.items()
            },
            describe_differences(differences(other_cfg, cfg)),
        )
    seconds = sum(r["seconds"] for r in rows)
    measured_keys = [key for key in LABELS if rows and all(key in r for r in rows)]
    # of those, the ones whose estimates every row keeps (older rows keep none)
    stored_keys = [k for k in measured_keys if all(k in r.get("estimates", {}) for r in rows)]
    # the re-splits every seed has, each with the time it took over all seeds
    resplits = {
        r: sum(row[f"{r.key}_seconds"] for row in rows)
        for r in RESPLITS.values()
        if f"{r.key}_on_full" in measured_keys
    }

    def how(r: Resplit) -> str:
        """``r.how`` for these rows (a later split's epoch is the same in all of them)."""
        at = {row[f"{r.key}_split_at"] for row in rows} if r.later else {cfg["warmup_epochs"]}
        if len(at) > 1:
            raise SystemExit(
                f"the rows hold the {r.name} at different --split-at ({sorted(at)}): "
                "one report describes one"
            )
        (split,) = at
        (each,) = lid_stages(cfg["epochs"] - split)[1]
        return r.how.format(
            split_at=split, warmup_epochs=cfg["warmup_epochs"], each=each, lid_batches=lid_batches
        )

    # the alignment to the warm-up, when every seed has it, with the time it took
    align_seconds = (
        sum(r["align_seconds"] for r in rows) if "warmup_on_full" in measured_keys else None
    )
    sidecars = [sidecar_s, sidecar_f]
    # what the tables took to reach the runs used here: time, and the commands on the way
    used = [min(int(n) for n in sc["seconds"] if int(n) >= cfg["truth_repeats"]) for sc in sidecars]
    truth_seconds = [sc["seconds"][str(n)] for sc, n in zip(sidecars, used, strict=True)]
    truth_commands = {
        c for sc, n in zip(sidecars, used, strict=True)
        for runs, c in sc["commands"].items() if int(runs) <= n
    }  # fmt: skip

    # NAS-LID's schedules the rows measured (none with --no-naslid)
    levels_measured = {
        n: st for n, st in schedules.items() if f"naslid{n}_on_full" in measured_keys
    }

    def stat(key: str, metric: str = "kendall_tau") -> str:
        values = np.array([r[key][metric] for r in rows])
        return f"{np.nanmean(values):.3f} ± {np.nanstd(values):.3f}"

    def col(key: str) -> str:
        return ", ".join(f"{r[key]['kendall_tau']:.3f}" for r in rows)

    calib_images = min(cfg["calib_batches"] * CALIB_BATCH_SIZE, len(train))
    # where the supernets were trained, as each row records it (rows measured before rows
    # recorded it name none: the report says which, rather than name the machine writing it)
    machines = sorted({row["machine"] for row in rows if "machine" in row})
    unrecorded = [row["seed"] for row in rows if "machine" not in row]
    if unrecorded:
        machines.append(f"a machine not recorded by {name_seeds(unrecorded)}")
    commands = sorted(
        truth_commands
        | {r["command"] for r in rows}
        | {row[f"{r.key}_command"] for row in rows for r in resplits}
        | {row["align_command"] for row in rows if align_seconds is not None}
    )

    def agreement(runs: np.ndarray, own: float) -> str:
        """``own``, the Kendall tau between two runs of the table ``runs`` averaged over pairs
        of runs, with how far a run strays from their mean."""
        if runs.shape[1] < 2:
            return "n/a (one run)"
        gap = np.abs(runs - runs.mean(axis=1, keepdims=True)).mean()
        return f"{own:.3f} (mean absolute deviation of a run from the mean {gap:.2f} points)"

    def by_runs() -> list[str]:
        """Kendall tau of the same estimates against the mean of the truth's first r runs,
        r = 1.. all the tables hold (rows that store their estimates)."""
        if not stored_keys:
            return []
        tables = {"shrunk": all_runs_s, "full": all_runs_f}
        n_runs = min(t.shape[1] for t in tables.values())
        out = [
            "Kendall tau of the same estimates against the mean of the truth's first r runs "
            f"(the tables above use r={cfg['truth_repeats']}; more runs, less noise in the "
            "truth), mean over seeds:",
            "",
            "| comparison | " + " | ".join(f"r={n}" for n in range(1, n_runs + 1)) + " |",
            "|---|" + "---|" * n_runs,
        ]
        for key in stored_keys:
            truth = tables[key.rsplit("_", 1)[1]]
            taus = [
                np.mean([
                    ranking_correlation(r["estimates"][key], truth[:, :n].mean(axis=1))
                    ["kendall_tau"] for r in rows
                ])
                for n in range(1, n_runs + 1)
            ]  # fmt: skip
            out.append(f"| {LABELS[key]} | " + " | ".join(f"{t:.3f}" for t in taus) + " |")
        return [*out, ""]

    def spread() -> list[str]:
        """The estimates themselves: their mean and their spread across the architectures
        (rows that store their estimates); estimates that crowd together rank less."""
        if not stored_keys:
            return []
        out = [
            "The estimates themselves (each architecture's test accuracy by the supernet, %): "
            "their mean over the architectures and their standard deviation across them, mean "
            "over seeds, and that deviation per seed; the truth's deviation across the same "
            f"architectures is {np.std(acc_s):.2f} (members) and {np.std(acc_f):.2f} (uniform):",
            "",
            "| comparison | mean | std across architectures | per seed |",
            "|---|---|---|---|",
        ]
        for key in stored_keys:
            estimates = [np.asarray(r["estimates"][key]) for r in rows]
            stds = [e.std() for e in estimates]
            out.append(
                f"| {LABELS[key]} | {np.mean([e.mean() for e in estimates]):.2f} | "
                f"{np.mean(stds):.2f} | " + ", ".join(f"{v:.2f}" for v in stds) + " |"
            )
        return [*out, ""]

    def consensus() -> list[str]:
        """What the seeds' supernets agree on, whatever the truth (rows that store their
        estimates, two seeds or more): Kendall tau between two seeds' estimates over every
        pair of seeds, and the ranking by the seeds' mean estimate against the truth and the
        parameter count; then each comparison of ``PAIRED`` paired over disjoint pairs of
        seeds (independent of each other), and the tau of each operator's count in an
        architecture against the truth and against the seeds' mean estimate."""
        if not stored_keys or len(rows) < 2:
            return []
        kinds = {"shrunk": (archs_s, acc_s), "full": (archs_f, acc_f)}
        seeds = {key: np.array([r["estimates"][key] for r in rows]) for key in stored_keys}
        pairs = len(rows) * (len(rows) - 1) // 2
        out = [
            "What the seeds agree on, whatever the truth: the Kendall tau between two seeds' "
            f"estimates, mean over the {pairs} pairs of seeds (the truth's runs agree at "
            f"{tau_text(own_s)} on the members and {tau_text(own_f)} on the uniform "
            "architectures), and the ranking by the mean of the seeds' estimates against the "
            f"truth and against the parameter count (which ranks the truth at {params_s:.3f} / "
            f"{params_f:.3f}):",
            "",
            "| comparison | seeds agree | seeds' mean against the truth | seeds' mean against "
            "the parameter count |",
            "|---|---|---|---|",
        ]
        for key, estimates in seeds.items():
            kind = key.rsplit("_", 1)[1]
            mean = estimates.mean(axis=0)
            taus = [
                runs_agreement(estimates.T),
                ranking_correlation(mean, kinds[kind][1])["kendall_tau"],
                ranking_correlation(mean, params[kind])["kendall_tau"],
            ]
            out.append(f"| {LABELS[key]} | " + " | ".join(map(tau_text, taus)) + " |")
        # rows 0-1, 2-3, ... (in seed order): each pair's agreement, one per comparison
        twos = [(i, i + 1) for i in range(0, len(rows) - 1, 2)]
        paired_rows = []
        for key, base, name, against in PAIRED:
            if key in seeds and base in seeds:
                _, cells = compare(
                    np.array([
                        [ranking_correlation(*seeds[k][[i, j]])["kendall_tau"] for k in (key, base)]
                        for i, j in twos
                    ])
                )  # fmt: skip
                if cells is not None:
                    paired_rows.append(f"| {name} | {against} | {cells} |")
        if paired_rows:
            out += [
                "",
                f"The seeds' agreement paired over {len(twos)} disjoint pairs of seeds (seeds "
                + ", ".join(f"{rows[i]['seed']}-{rows[j]['seed']}" for i, j in twos)
                + "): the mean difference, the pairs where the first agrees more / less, "
                "Wilcoxon p:",
                "",
                "| comparison | against | mean difference | pairs above / below | p (smallest "
                "possible) |",
                "|---|---|---|---|---|",
                *paired_rows,
            ]
        out += [
            "",
            "What the rankings follow: the Kendall tau of each operator's count in an "
            "architecture (of its 6 edges) against the truth and against the seeds' mean "
            "estimate:",
            "",
            "| ranking | architectures | " + " | ".join(NB201_OPS) + " |",
            "|---|---|" + "---|" * len(NB201_OPS),
        ]
        for kind, where in (("shrunk", "members"), ("full", "uniform")):
            archs, accuracy = kinds[kind]
            counts = [(archs == op).sum(axis=1) for op in range(len(NB201_OPS))]
            keyed = [(LABELS[k], e.mean(axis=0)) for k, e in seeds.items() if k.endswith(kind)]
            for label, ranking in [("standalone truth", accuracy)] * bool(keyed) + keyed:
                taus = [ranking_correlation(c, ranking)["kendall_tau"] for c in counts]
                out.append(f"| {label} | {where} | " + " | ".join(map(tau_text, taus)) + " |")
        return [*out, ""]

    def by_subspace() -> list[str]:
        """Each split's Kendall tau over the pairs of uniform architectures one sub-supernet
        ranks (within a sub-space) and over the pairs two do (across), beside one-shot's
        over the same pairs, mean over seeds (rows that store their estimates)."""
        splits = [key for key in SPLIT_NAMES if f"{key}_on_full" in stored_keys]
        if not splits:
            return []
        out = [
            "Where the splits lose or gain: Kendall tau over the pairs of uniform architectures "
            "that one sub-supernet ranks (both in its sub-space) and over the pairs whose "
            "estimates come from two sub-supernets, beside the one supernet's tau over the "
            "same pairs (`lissnas.oneshot.kendall_tau_by_group`); mean over the seeds with "
            "such pairs, pairs per seed on average:",
            "",
            "| split | within a sub-space: split / one-shot | pairs | across sub-spaces: "
            "split / one-shot | pairs |",
            "|---|---|---|---|---|",
        ]
        for key in splits:
            scores = [
                (
                    kendall_tau_by_group(r["estimates"][f"{key}_on_full"], acc_f, groups),
                    kendall_tau_by_group(r["estimates"]["oneshot_on_full"], acc_f, groups),
                )
                for r in rows
                for groups in [region_index(archs_f, r[f"{ALIGNED.get(key, key)}_regions"])]
            ]
            cells = []
            for part in ("within", "across"):
                have = np.array([(s[part], o[part]) for s, o in scores])
                have = have[~np.isnan(have).any(axis=1)]  # seeds without such (untied) pairs
                seeds = "" if len(have) == len(rows) else f" ({len(have)} of {len(rows)} seeds)"
                cell = "{:.3f} / {:.3f}".format(*have.mean(axis=0)) + seeds if len(have) else "n/a"
                pairs = np.mean([s[f"n_{part}"] for s, _ in scores])
                cells += [cell, f"{pairs:.0f}"]
            out.append(f"| {SPLIT_NAMES[key]} | " + " | ".join(cells) + " |")
        return [*out, ""]

    def compare(taus: np.ndarray) -> tuple[np.ndarray, str | None]:
        """``taus`` (seed, [first, second]) without the seeds where a ranking is undefined,
        and their ``paired_comparison`` as the tables' last three cells (mean difference,
        seeds above / below and how many of the seeds count, p); None if no seed is left."""
        kept = taus[~np.isnan(taus).any(axis=1)]
        if not len(kept):
            return kept, None
        c = paired_comparison(kept[:, 0], kept[:, 1])
        p = f"{p_text(c.pvalue)} ({p_text(c.min_pvalue)})"
        p = "n/a (equal in every seed)" if math.isnan(c.pvalue) else p
        seeds = "" if len(kept) == len(taus) else f" ({len(kept)} of {len(taus)} seeds)"
        return kept, f"{c.mean_difference:+.3f} | {c.n_better} / {c.n_worse}{seeds} | {p}"

    def paired() -> list[str]:
        """Each split's Kendall tau paired by seed with one-shot's, and the shrunk-space
        supernet's with the full-space one's (``paired_comparison``), where measured."""
        out = []
        for key, base, name, against in PAIRED:
            if key not in measured_keys or base not in measured_keys:
                continue
            _, cells = compare(
                np.array([(r[key]["kendall_tau"], r[base]["kendall_tau"]) for r in rows])
            )
            if cells is not None:
                out.append(f"| {name} | {against} | {cells} |")
        if not out:
            return []
        return [
            "Paired by seed (a seed's supernets rank the same architectures against the same "
            "truth; `lissnas.metrics.paired_comparison`): the mean difference in Kendall tau, "
            "the seeds where the first ranks better / worse, and the two-sided Wilcoxon "
            "signed-rank p over the seeds, with in brackets the smallest p that many seeds "
            "can give (2 / 2^m for m seeds that differ):",
            "",
            "| comparison | against | mean difference | seeds above / below | p (smallest "
            "possible) |",
            "|---|---|---|---|---|",
            *out,
            "",
        ]

    def paired_with(other: str, other_rows: dict[int, dict], trained: str) -> list[str]:
        """Each ranking of this tag paired by seed with the same ranking of ``other``'s rows
        (``trained`` as it says), over the seeds both measured."""
        shared = [r for r in rows if r["seed"] in other_rows]
        out = []
        for key in measured_keys:
            if not shared or not all(key in other_rows[r["seed"]] for r in shared):
                continue
            kept, cells = compare(
                np.array(
                    [(r[key]["kendall_tau"], other_rows[r["seed"]][key]["kendall_tau"])
                     for r in shared]
                )
            )  # fmt: skip
            if cells is not None:
                out.append(
                    f"| {LABELS[key]} | {', '.join(f'{t:.3f}' for t in kept[:, 1])} | {cells} |"
                )
        if not out:
            return []
        return [
            f"Against `{other}` (`{COMMAND}`: {trained}, the same seeds "
            f"{', '.join(str(r['seed']) for r in shared)}, ranked against this truth): its "
            "Kendall tau per seed, and this tag's paired with it (mean difference, seeds above "
            "/ below, Wilcoxon p):",
            "",
            f"| comparison | `{other}` per seed | mean difference | seeds above / "
            "below | p (smallest possible) |",
            "|---|---|---|---|---|",
            *out,
            "",
        ]

    lines = [
        f"# One-shot NAS on a LISSNAS-shrunk NB201 space, and NAS-LID ({tag})",
        "",
        "Commands (`LISSNAS_DATA_DIR=../shared/data` set): "
        + ", ".join(f"`{c}`" for c in commands)
        + f" on {'; '.join(machines)}. Truth tables "
        f"{truth_seconds[0] / 60:.1f} + {truth_seconds[1] / 60:.1f} min (members, uniform), "
        f"supernet phase of all seeds {seconds / 60:.1f} min: "
        f"{(sum(truth_seconds) + seconds) / 60:.1f} min in all"
        + "".join(
            f"; the {r.title} of all seeds {t / 60:.1f} min more" for r, t in resplits.items()
        )
        + (
            f"; the alignment of all seeds {align_seconds / 60:.1f} min more"
            if align_seconds is not None
            else ""
        )
        + f". This report: `{COMMAND}`.",
        "",
        "Data: Fashion-MNIST from Debian's `dataset-fashion-mnist` "
        f"({cfg['subset']} training images, {cfg['val_subset']} test images). Shrunk space: "
        f"LISSNAS on `nb201-cifar10` (seed 0, {len(members)} members). Networks: NB201 cells, "
        f"C={cfg['width']}, N={cfg['depth']} cells per stage. Ground truth: "
        f"{len(acc_s)} shrunk-space members and {len(acc_f)} uniform full-space architectures "
        f"trained standalone {cfg['truth_repeats']} time{'s' * (cfg['truth_repeats'] > 1)} "
        f"(seeds 0..{cfg['truth_repeats'] - 1}, "
        f"common to all architectures) for {cfg['truth_epochs']} epochs each"
        + (", each batch cropped and flipped at random" * cfg["truth_augment"])
        + ", accuracy the "
        "mean of the runs (`lissnas supernet groundtruth --repeats`); standalone accuracy "
        f"range {acc_s.min():.1f}-{acc_s.max():.1f} (members), "
        f"{acc_f.min():.1f}-{acc_f.max():.1f} (uniform)."
        + "".join(
            f" {name_seeds(seeds).capitalize()} "
            f"{'were' if len(seeds) > 1 else 'was'} measured beside the truth tables `{b}` "
            "(`--truth-tag`); the stored estimates are ranked here against these."
            for b, seeds in sorted(beside.items())
        ),
        "",
        "How far the truth agrees with itself (Kendall tau between its runs; no supernet can be "
        f"expected to rank much better): members {agreement(runs_s, own_s)}; uniform "
        f"{agreement(runs_f, own_f)}.",
        "",
        f"Supernets: {cfg['epochs']} epochs each, batch {cfg['supernet_batch_size']}, "
        f"SGD {cfg['lr']} cosine"
        + (
            ", each batch cropped (4-pixel reflection padding) and flipped at random"
            * cfg["augment"]
        )
        + (
            ", each batch also training the space's largest path (the sandwich rule, "
            "`--sandwich`: all 3x3 convolutions on the full space"
            + ", the member with the most parameters on the shrunk one"
            * ("shrunk_on_shrunk" in measured_keys)
            + ", on each NAS-LID sub-space its member with the most parameters"
            * bool(levels_measured)
            + ")"
            if cfg["sandwich"]
            else ""
        )
        + f"; BN recalibrated per architecture on {calib_images} training images"
        + (
            f". NAS-LID: {cfg['warmup_epochs']} warm-up epochs on "
            "the full space (the one-shot supernet's schedule, cut there), split by LID (k=20, "
            "256 images, 2 paths per operator), then the sub-supernets trained in turn, each "
            "from the learning rate one-shot has reached and annealed to 0; "
            + "; ".join(
                f"{levels} level{'s' * (levels > 1)}: "
                + ", then ".join(
                    f"{e} epoch{'s' * (e != 1)} for each of {2**i}" for i, e in enumerate(st, 1)
                )
                for levels, st in levels_measured.items()
            )
            + " sub-supernets"
            if levels_measured
            else " (no NAS-LID: `--no-naslid`)"
        )
        + f"; {len(rows)} seed{'s' * (len(rows) != 1)}."
        + "".join(
            f" {r.heading} (`--phase {phase}`): {how(r)}."
            for phase, r in RESPLITS.items()
            if r in resplits
        )
        + (
            " Aligned (`--phase align`): the same warm-up (read from its checkpoint or "
            "retrained, checked to split as before) evaluates the same architectures, and "
            "each sub-supernet's estimates are shifted so that their mean over its "
            "architectures is the warm-up's "
            "(`lissnas.oneshot.align_group_means`): no more training, the order within each "
            "sub-space kept."
            if align_seconds is not None
            else ""
        ),
        "",
        "| comparison | Kendall tau (mean ± std over seeds) | per seed |",
        "|---|---|---|",
        *(f"| {LABELS[key]} | {stat(key)} | {col(key)} |" for key in measured_keys),
        "",
        "Reference: the parameter count alone ranks the members with Kendall tau "
        f"{params_s:.3f} and the uniform architectures with {params_f:.3f} (the same truth).",
        "",
        *paired(),
        *(line for other, pair in others.items() for line in paired_with(other, *pair)),
        *by_runs(),
        *spread(),
        *consensus(),
        *by_subspace(),
        "Spearman: "
        + (
            "full {} / shrunk {} on members; ".format(
                stat("full_on_shrunk", "spearman"), stat("shrunk_on_shrunk", "spearman")
            )
            if "shrunk_on_shrunk" in measured_keys
            else ""
        )
        + f"one-shot {stat('oneshot_on_full', 'spearman')}"
        + (
            " / NAS-LID "
            + " / ".join(stat(f"naslid{n}_on_full", "spearman") for n in levels_measured)
            if levels_measured
            else ""
        )
        + " on uniform"
        + "".join(f"; {r.name} {stat(f'{r.key}_on_full', 'spearman')}" for r in resplits)
        + (
            "; warm-up alone {}; aligned {}".format(
                stat("warmup_on_full", "spearman"),
                " / ".join(
                    stat(f"{k}_on_full", "spearman")
                    for k in ALIGNED
                    if f"{k}_on_full" in measured_keys
                ),
            )
            if align_seconds is not None
            else ""
        )
        + ".",
        "",
        *(
            [
                "Sub-spaces per seed ({edge: operators}; operators "
                + ", ".join(f"{i} {op}" for i, op in enumerate(NB201_OPS))
                + "):",
                "",
            ]
            if levels_measured
            else []
        ),
        *(
            f"- seed {r['seed']}, {n} level{'s' * (n > 1)}: "
            + ", ".join(json.dumps(region) for region in r[f"naslid{n}_regions"])
            for r in rows
            for n in (1, 2)
            if f"naslid{n}_regions" in r
        ),
        *(
            f"- seed {row['seed']}, {r.name}: "
            + ", ".join(json.dumps(region) for region in row[f"{r.key}_regions"])
            for r in resplits
            for row in rows
        ),
    ]
    print("\n".join(lines))
    if args.phase in ("all", "report") or args.out:
        write_markdown(report_path(args), lines)
    else:  # a measuring phase: its report is for the console
        print(
            f"not written (--phase {args.phase} writes its report with --out only): "
            f"--phase report writes {report_path(args)}"
        )


if __name__ == "__main__":
    main()
