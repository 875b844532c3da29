"""Standalone training of single architectures, and ground-truth tables made from it."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lissnas._random import SeedLike, check_random_state
from lissnas.oneshot._data import ImageData
from lissnas.oneshot._evaluate import accuracy
from lissnas.oneshot._sampler import ArchSampler
from lissnas.oneshot._supernet import build_supernet
from lissnas.oneshot._train import train_supernet
from lissnas.shrink._result import atomic_write_text
from lissnas.spaces import SearchSpace

TRUTH_COLUMNS = ("arch", "accuracy", "params")


@dataclass
class StandaloneResult:
    """Test accuracy (%) and parameter count of one architecture trained from scratch."""

    arch: str
    accuracy: float
    params: int


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
        net, sampler, train, epochs=epochs, batch_size=batch_size, lr=lr, device=device,
        seed=seed, progress=False,
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


def _read_rows(path: Path, space: SearchSpace) -> list[tuple[np.ndarray, float, int]]:
    try:
        text = path.read_text()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        raise ValueError(f"{path}: empty file; expected a header arch,accuracy")
    for column in TRUTH_COLUMNS[:2]:
        if column not in reader.fieldnames:
            raise ValueError(f"{path}: no column {column!r} (columns: {reader.fieldnames})")
    rows = []
    for line, row in enumerate(reader, start=2):
        try:
            arch = space.from_string(row["arch"])
        except ValueError as exc:
            raise ValueError(f"{path}, line {line}, column 'arch': {exc}") from None
        try:
            value = float(row["accuracy"])
        except (TypeError, ValueError):
            value = float("nan")
        if not np.isfinite(value):
            raise ValueError(
                f"{path}, line {line}, column 'accuracy': expected a finite number, "
                f"got {row['accuracy']!r}"
            )
        params = row.get("params") or "-1"
        if not params.lstrip("-").isdigit():
            raise ValueError(
                f"{path}, line {line}, column 'params': expected an integer, got {params!r}"
            )
        rows.append((arch, value, int(params)))
    if not rows:
        raise ValueError(f"{path}: no rows after the header")
    return rows


def make_ground_truth(
    space: str,
    out: str | os.PathLike[str],
    train: ImageData,
    test: ImageData,
    *,
    n_archs: int,
    epochs: int,
    width: int | float | None = None,
    depth: int | None = None,
    members: np.ndarray | None = None,
    batch_size: int = 64,
    lr: float = 0.05,
    device: str = "cpu",
    seed: SeedLike = 0,
    on_result: Callable[[StandaloneResult], None] | None = None,
) -> list[StandaloneResult]:
    """Train ``n_archs`` distinct architectures (uniform from ``members`` or the space)
    standalone and write ``arch,accuracy,params`` to ``out``, rewritten atomically after
    each one; rows already in ``out`` are kept and not retrained (resume)."""
    probe = build_supernet(space, num_classes=train.num_classes, in_channels=train.in_channels)
    pool = ArchSampler(probe.space, members, seed=seed)
    rng = check_random_state(seed)
    chosen = (
        pool.members[rng.permutation(len(pool.members))[:n_archs]]
        if pool.members is not None
        else probe.space.sample(n_archs, rng, distinct=True)
    )
    done: dict[str, StandaloneResult] = {}
    out = Path(out)
    if out.exists():
        for arch, value, params in _read_rows(out, probe.space):
            text = probe.space.to_string(arch)
            done[text] = StandaloneResult(text, value, params)
    results = []
    for i, arch in enumerate(chosen):
        text = probe.space.to_string(arch)
        if text not in done:
            done[text] = train_standalone(
                space, arch, train, test, epochs=epochs, width=width, depth=depth,
                batch_size=batch_size, lr=lr, device=device, seed=i,
            )  # fmt: skip
            _write_truth(out, done.values())
            if on_result is not None:
                on_result(done[text])
        results.append(done[text])
    _write_truth(out, done.values())
    return results


def _write_truth(path: Path, rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TRUTH_COLUMNS)
    for r in rows:
        writer.writerow([r.arch, f"{r.accuracy:.4f}", r.params])
    atomic_write_text(path, buffer.getvalue())
