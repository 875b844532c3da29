"""NAS-Bench-Graph: accuracy, parameters and latency of 26,206 GNN architectures on 9
datasets, from the light files shipped in the pip package ``nas-bench-graph``."""

from __future__ import annotations

import math
import pickle
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from lissnas.benchmarks._base import TabularSource
from lissnas.spaces import NBGRAPH_DATASETS, NBGraphSpace

if TYPE_CHECKING:
    from lissnas.benchmarks._registry import BenchmarkSpec

_ORIGIN = "the pip package nas-bench-graph (github.com/THUMNLab/NAS-Bench-Graph), light/*.bench"
_FIELDS = {"perf": "test accuracy", "valid_perf": "validation accuracy"}


def read_nbgraph_light(dataset: str) -> dict:
    """The raw light benchmark of ``dataset``: ``{valid_hash: {'perf', 'valid_perf',
    'latency', 'para'}}``, read from the installed ``nas_bench_graph`` package."""
    if dataset not in NBGRAPH_DATASETS:
        raise ValueError(f"dataset must be one of {NBGRAPH_DATASETS}, got {dataset!r}")
    try:
        root = resources.files("nas_bench_graph")
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"benchmark 'nbgraph-{dataset}' needs the package nas-bench-graph: "
            "pip install 'lissnas[graph]'"
        ) from exc
    blob = root.joinpath("light", f"{dataset}.bench").read_bytes()
    table = pickle.loads(blob)  # trusted: data files of an installed package
    if not isinstance(table, dict):
        raise ValueError(f"nas_bench_graph light/{dataset}.bench: expected a dict")
    return table


def load_nbgraph(dataset: str, *, validation: bool = False) -> TabularSource:
    """``nbgraph-<dataset>``: accuracy (percent, ``perf`` x 100) of every architecture.

    With ``validation`` the benchmark's validation accuracy (``valid_perf``) instead. The
    source's space is an ``NBGraphSpace`` carrying the benchmark's parameter counts
    (``para``, millions) and latencies (seconds). Raises ``ValueError`` naming the key and
    field of a malformed entry.
    """
    table = read_nbgraph_light(dataset)
    where = f"nas_bench_graph light/{dataset}.bench"
    field = "valid_perf" if validation else "perf"
    probe = NBGraphSpace.for_dataset(dataset)
    hashes = np.fromiter((int(key) for key in table), dtype=np.int64, count=len(table))
    try:
        archs = probe.from_bench_hash(hashes)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    values = np.empty((len(table), 3))
    for row, (key, entry) in enumerate(table.items()):
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: key {key!r}: expected a dict, got {entry!r}")
        for col, name in enumerate((field, "para", "latency")):
            value = entry.get(name)
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = math.nan
            if isinstance(value, bool) or not math.isfinite(number):
                raise ValueError(
                    f"{where}: key {key!r}, field {name!r}: expected a finite number, got {value!r}"
                )
            values[row, col] = number
    classes = probe.class_index(archs)
    counts = np.bincount(classes, minlength=probe.size)
    if (counts != 1).any():
        cls = int(np.flatnonzero(counts != 1)[0])
        arch = probe.to_string(probe.enumerate()[cls])
        raise ValueError(
            f"{where}: architecture {arch} appears {int(counts[cls])} times, expected once"
        )
    order = np.argsort(classes)
    space = NBGraphSpace.for_dataset(dataset, params=values[order, 1], latency=values[order, 2])
    suffix = "-val" if validation else ""
    return TabularSource(
        space,
        archs,
        100.0 * values[:, 0],
        name=f"nbgraph-{dataset}{suffix}",
        metric=_FIELDS[field],
    )


def _specs() -> list[BenchmarkSpec]:
    from lissnas.benchmarks._registry import BenchmarkSpec

    return [
        BenchmarkSpec(
            f"nbgraph-{dataset}",
            f"NAS-Bench-Graph {dataset} test accuracy (percent); from {_ORIGIN}",
            lambda data_dir, d=dataset: load_nbgraph(d),
            packages=("nas_bench_graph",),
            extra="graph",
        )
        for dataset in NBGRAPH_DATASETS
    ]


SPECS = _specs()
