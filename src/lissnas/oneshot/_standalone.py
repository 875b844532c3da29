"""Standalone training of single architectures, and ground-truth tables made from it."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from lissnas._io import atomic_write_text
from lissnas._random import SeedLike
from lissnas.oneshot._data import ImageData
from lissnas.oneshot._evaluate import accuracy
from lissnas.oneshot._sampler import ArchSampler, choose_archs
from lissnas.oneshot._supernet import build_supernet
from lissnas.oneshot._train import train_supernet
from lissnas.spaces import SearchSpace

TRUTH_COLUMNS = ("arch", "accuracy", "params")


@dataclass
class StandaloneResult:
    """Test accuracy (%) and parameter count of one architecture trained from scratch;
    ``runs`` holds each run's accuracy when it was trained several times (``accuracy`` is
    then their mean)."""

    arch: str
    accuracy: float
    params: int
    runs: tuple[float, ...] = ()


def train_standalone(
    space: str,
    arch: np.ndarray,
    train: ImageData,
    test: ImageData,
    *,
    epochs: int,
    width: int | float | None = None,
    depth: int | None = None,
    batch_size: int = 64,
    lr: float = 0.05,
    augment: bool = False,
    device: str = "cpu",
    seed: int = 0,
) -> StandaloneResult:
    """Train the single network ``arch`` of ``space`` from scratch; accuracy on ``test``.

    The network is the supernet's path for ``arch`` with fresh weights: only that path is
    ever run or updated, so it is the architecture trained on its own.
    """
    net = build_supernet(
        space,
        num_classes=train.num_classes,
        in_channels=train.in_channels,
        width=width,
        depth=depth,
        seed=seed,
    )
    arch = net.space.canonical(net.check_arch(arch))[0]  # the path the sampler returns
    sampler = ArchSampler(net.space, arch[None, :], seed=seed)
    train_supernet(
        net, sampler, train, epochs=epochs, batch_size=batch_size, lr=lr, augment=augment,
        device=device, seed=seed, progress=False,
    )  # fmt: skip
    return StandaloneResult(
        net.space.to_string(arch),
        accuracy(net, arch, test, device=device),
        net.path_parameters(arch),
    )


def read_truth(path: str | os.PathLike[str], space: SearchSpace) -> tuple[np.ndarray, np.ndarray]:
    """Architectures and accuracies of a ground-truth CSV (``arch,accuracy[,params]``).

    Errors name the file, line, column and value.
    """
    rows = _read_rows(Path(path), space)
    return np.vstack([r[0] for r in rows]), np.array([r[1] for r in rows])


def read_truth_runs(
    path: str | os.PathLike[str], space: SearchSpace
) -> tuple[np.ndarray, np.ndarray]:
    """Architectures and per-run accuracies ``(n_archs, n_runs)`` of a ground-truth CSV
    written with ``repeats > 1`` (columns ``run0, run1, ...``); a table without run
    columns has one run, its ``accuracy``."""
    rows = _read_rows(Path(path), space)
    runs_of = [r[3] or (r[1],) for r in rows]
    n_runs = {len(runs) for runs in runs_of}
    if len(n_runs) != 1:
        raise ValueError(
            f"{path}: rows hold different numbers of runs {sorted(n_runs)} (a table being "
            "extended: finish it with the same repeats)"
        )
    runs = np.array(runs_of, dtype=float)
    return np.vstack([r[0] for r in rows]), runs


def read_truth_params(path: str | os.PathLike[str], space: SearchSpace) -> np.ndarray:
    """Parameter counts (``params`` column) of a ground-truth CSV, in file order; -1 where
    the table gives none. Errors name the file, line, column and value."""
    return np.array([r[2] for r in _read_rows(Path(path), space)], dtype=np.int64)


def read_archs(path: str | os.PathLike[str], space: SearchSpace) -> np.ndarray:
    """Architectures of the ``arch`` column of a CSV (a truth table, ``supernet search
    --out``, ...), in file order. Errors name the file, line and value."""
    path = Path(path)
    _, rows = _csv_rows(path, ("arch",))
    return np.vstack([_arch(path, line, space, row["arch"]) for line, row in rows])


def _csv_rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and ``(line, row)`` pairs of a CSV holding the ``required`` columns and at
    least one row; ``ValueError`` naming the file otherwise."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        raise ValueError(f"{path}: empty file; expected a header {','.join(required)}")
    for column in required:
        if column not in reader.fieldnames:
            raise ValueError(f"{path}: no column {column!r} (columns: {reader.fieldnames})")
    rows = list(enumerate(reader, start=2))
    if not rows:
        raise ValueError(f"{path}: no rows after the header")
    return list(reader.fieldnames), rows


def _arch(path: Path, line: int, space: SearchSpace, text: str) -> np.ndarray:
    try:
        return space.from_string(text)
    except ValueError as exc:
        raise ValueError(f"{path}, line {line}, column 'arch': {exc}") from None


def _read_rows(
    path: Path, space: SearchSpace
) -> list[tuple[np.ndarray, float, int, tuple[float, ...]]]:
    columns, lines = _csv_rows(path, TRUTH_COLUMNS[:2])
    run_columns = sorted(
        (c for c in columns if c.startswith("run") and c[3:].isdigit()),
        key=lambda c: int(c[3:]),
    )
    rows = []
    for line, row in lines:
        arch = _arch(path, line, space, row["arch"])
        value = _finite(path, line, "accuracy", row["accuracy"])
        filled = list(run_columns)
        while filled and not (row[filled[-1]] or "").strip():
            filled.pop()  # blank trailing runs: a row still being extended
        runs = tuple(_finite(path, line, c, row[c]) for c in filled)
        params = row.get("params") or "-1"
        if not params.lstrip("-").isdigit():
            raise ValueError(
                f"{path}, line {line}, column 'params': expected an integer, got {params!r}"
            )
        rows.append((arch, value, int(params), runs))
    return rows


def _finite(path: Path, line: int, column: str, text: str | None) -> float:
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if not np.isfinite(value):
        raise ValueError(
            f"{path}, line {line}, column {column!r}: expected a finite number, got {text!r}"
        )
    return value


def make_ground_truth(
    space: str,
    out: str | os.PathLike[str],
    train: ImageData,
    test: ImageData,
    *,
    n_archs: int | None = None,
    epochs: int,
    width: int | float | None = None,
    depth: int | None = None,
    members: np.ndarray | None = None,
    archs: np.ndarray | None = None,
    repeats: int = 1,
    batch_size: int = 64,
    lr: float = 0.05,
    augment: bool = False,
    device: str = "cpu",
    seed: SeedLike = 0,
    workers: int = 1,
    on_result: Callable[[StandaloneResult], None] | None = None,
) -> list[StandaloneResult]:
    """Train ``n_archs`` distinct architectures (uniform from ``members`` or the space,
    drawn with ``seed``), or exactly the rows of ``archs`` (e.g. a search's top-k),
    standalone and write ``arch,accuracy,params`` to ``out``, rewritten atomically after
    each one; rows already in ``out`` are kept and not retrained (resume).

    With ``repeats`` R > 1 every architecture is trained R times and ``accuracy`` is the
    mean, the runs in columns ``run0..run{R-1}``. Run r trains every architecture with
    training seed r (common random numbers: the same data order for all, the same initial
    weights for the operators they share), so differences between architectures are not
    drowned by differences between seeds; ``read_truth_runs`` reads the runs back. A row
    of ``out`` with fewer runs is extended: only its missing runs are trained.

    ``workers`` > 1 trains runs in that many spawned processes (call it under ``if __name__
    == "__main__":`` in a script); ``on_result`` is called as each architecture completes.
    A run reproduces exactly with the same seed, machine and number of CPU threads; another
    CPU or thread count changes floating-point summation order, which training amplifies
    into run-to-run noise (up to a point or two of accuracy after a few epochs).
    """
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an int >= 1, got {repeats!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an int >= 1, got {workers!r}")
    probe = build_supernet(space, num_classes=train.num_classes, in_channels=train.in_channels)
    chosen = choose_archs(probe.space, n_archs=n_archs, archs=archs, members=members, seed=seed)
    out = Path(out)
    known: dict[str, tuple[int, dict[int, float]]] = {}  # arch -> (params, {run: accuracy})
    if out.exists():
        for line, (arch, value, params, runs) in enumerate(_read_rows(out, probe.space), 2):
            runs = runs or (value,)
            if len(runs) > repeats:
                raise ValueError(
                    f"{out}, line {line}: {len(runs)} runs, more than repeats={repeats}; "
                    f"pass repeats={len(runs)} or another file"
                )
            known[probe.space.to_string(arch)] = (params, dict(enumerate(runs)))
    texts = probe.space.to_strings(chosen)
    jobs = [
        (text, arch, run)
        for text, arch in zip(texts, chosen, strict=True)
        for run in range(repeats)
        if run not in known.get(text, (0, {}))[1]
    ]
    fit = partial(
        train_standalone, space, epochs=epochs, width=width, depth=depth,
        batch_size=batch_size, lr=lr, augment=augment, device=device,
    )  # fmt: skip

    def rows(keys: Iterable[str]) -> list[StandaloneResult]:
        """Results of the architectures ``keys`` from what ``known`` holds for them."""
        results = []
        for text in keys:
            params, runs = known[text]
            values = tuple(runs[r] for r in sorted(runs))
            runs_kept = values if repeats > 1 else ()
            results.append(StandaloneResult(text, float(np.mean(values)), params, runs_kept))
        return results

    for text, run, value, params in _run_jobs(jobs, fit, train, test, workers):
        known.setdefault(text, (params, {}))[1][run] = round(value, 4)
        if len(known[text][1]) == repeats:
            write_truth(out, rows(known))
            if on_result is not None:
                on_result(*rows([text]))
    chosen_texts = set(texts)
    write_truth(out, rows(texts + [t for t in known if t not in chosen_texts]))
    return rows(texts)


_worker_data: tuple[ImageData, ImageData] | None = None


def _start_worker(train: ImageData, test: ImageData, threads: int) -> None:
    import torch

    global _worker_data
    _worker_data = (train, test)
    torch.set_num_threads(threads)


def _train_job(job: tuple[str, np.ndarray, int], fit: Callable) -> tuple[str, int, float, int]:
    assert _worker_data is not None, "_start_worker did not run"
    return _train_run(job, fit, *_worker_data)


def _train_run(
    job: tuple[str, np.ndarray, int], fit: Callable, train: ImageData, test: ImageData
) -> tuple[str, int, float, int]:
    """Run ``run`` of one architecture: ``fit`` is ``train_standalone`` bound to the
    space and settings."""
    text, arch, run = job
    result = fit(arch, train, test, seed=run)
    return text, run, result.accuracy, result.params


def _run_jobs(
    jobs: list[tuple[str, np.ndarray, int]],
    fit: Callable,
    train: ImageData,
    test: ImageData,
    workers: int,
) -> Iterator[tuple[str, int, float, int]]:
    """``(arch, run, accuracy, params)`` of each job, in order with one worker, as they
    finish with several (spawned processes sharing the CPU cores)."""
    if workers == 1 or len(jobs) <= 1:
        for job in jobs:
            yield _train_run(job, fit, train, test)
        return
    workers = min(workers, len(jobs))
    threads = max(1, (os.cpu_count() or 1) // workers)
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(train, test, threads),
    )
    try:
        futures = [pool.submit(_train_job, job, fit) for job in jobs]
        for future in as_completed(futures):
            yield future.result()
    finally:
        pool.shutdown(cancel_futures=True)


def write_truth(path: str | os.PathLike[str], rows: Iterable[StandaloneResult]) -> None:
    """Write a ground-truth CSV atomically: ``arch,accuracy,params`` and, for rows trained
    several times, ``run0, run1, ...`` (left blank past the runs a row has so far)."""
    rows = list(rows)
    n_runs = max((len(r.runs) for r in rows), default=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*TRUTH_COLUMNS, *(f"run{i}" for i in range(n_runs))])
    for r in rows:
        runs = [f"{v:.4f}" for v in r.runs or (r.accuracy,)][:n_runs]
        runs += [""] * (n_runs - len(runs))  # a row still being extended
        writer.writerow([r.arch, f"{r.accuracy:.4f}", r.params, *runs])
    atomic_write_text(Path(path), buffer.getvalue())
