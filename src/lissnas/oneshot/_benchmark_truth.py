"""Ground-truth tables looked up in a tabular benchmark instead of trained: NAS-Bench-201's
CIFAR-10 / CIFAR-100 accuracies or NAS-Bench-Macro's, for supernets trained on that dataset."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np

from lissnas._io import atomic_write_text
from lissnas._random import SeedLike
from lissnas.benchmarks import PerformanceSource
from lissnas.oneshot._sampler import choose_archs
from lissnas.oneshot._supernet import SUPERNETS


def benchmark_ground_truth(
    space: str,
    source: PerformanceSource,
    out: str | os.PathLike[str],
    *,
    n_archs: int | None = None,
    archs: np.ndarray | None = None,
    members: np.ndarray | None = None,
    seed: SeedLike = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Look up ``n_archs`` distinct architectures (uniform from ``members`` or the space,
    drawn with ``seed`` exactly as ``make_ground_truth`` draws them), or exactly the rows
    of ``archs``, in ``source`` and write ``arch,accuracy`` to ``out`` atomically.

    ``source`` must be over the supernet space named ``space`` and its metric one to
    maximise (an accuracy); an architecture it has no result for is a ``ValueError`` naming
    it, and nothing is written. Returns the architectures and their values, in file order.
    """
    if space not in SUPERNETS:
        raise ValueError(f"space must be one of {sorted(SUPERNETS)}, got {space!r}")
    if source.space.name != space:  # a supernet's space has the name it is built by
        raise ValueError(
            f"benchmark {source.name!r} is over the {source.space.name} space, "
            f"not the {space} supernet's"
        )
    if not source.maximize:
        raise ValueError(
            f"benchmark {source.name!r} measures {source.metric}, which is minimised; "
            "a ground-truth table holds accuracies (larger is better)"
        )
    chosen = choose_archs(source.space, n_archs=n_archs, archs=archs, members=members, seed=seed)
    try:
        values = source.evaluate(chosen)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["arch", "accuracy"])
    for text, value in zip(source.space.to_strings(chosen), values, strict=True):
        writer.writerow([text, f"{value:.4f}"])
    atomic_write_text(Path(out), buffer.getvalue())
    return chosen, np.round(values, 4)
