"""NAS-Bench-Macro: CIFAR-10 accuracy of all 6,561 layer-wise architectures."""

from __future__ import annotations

import json
import math
import os
from typing import TYPE_CHECKING

import numpy as np

from lissnas.benchmarks._base import TabularSource
from lissnas.benchmarks._data import find_data_file
from lissnas.spaces import NBMacroSpace

if TYPE_CHECKING:
    from lissnas.benchmarks._registry import BenchmarkSpec

NBMACRO_JSON = "nasbench_macro/nas-bench-macro_cifar10.json"
_ORIGIN = "xiusu/NAS-Bench-Macro data/nas-bench-macro_cifar10.json"
_FIELDS = ("mean_acc", "params", "flops")


def load_nbmacro(data_dir: str | os.PathLike[str] | None = None) -> TabularSource:
    """``nbmacro-cifar10``: mean CIFAR-10 test accuracy (3 seeds) of every architecture.

    The source's space is an ``NBMacroSpace`` carrying the benchmark's parameter counts and
    FLOPs (millions). Raises ``ValueError`` naming the key and field of a malformed entry.
    """
    path = find_data_file(NBMACRO_JSON, data_dir, source=_ORIGIN)
    with path.open() as handle:
        try:
            table = json.load(handle)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(table, dict):
        raise ValueError(f"{path}: expected an object keyed by 8-digit strings")
    probe = NBMacroSpace()
    archs = np.empty((len(table), probe.n_positions), dtype=np.int64)
    values = np.empty((len(table), len(_FIELDS)))
    for row, (key, entry) in enumerate(table.items()):
        try:
            archs[row] = probe.from_string(key)
        except ValueError as exc:
            raise ValueError(f"{path}: key {key!r}: {exc}") from None
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: key {key!r}: expected an object, got {entry!r}")
        for col, field in enumerate(_FIELDS):
            value = entry.get(field)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise ValueError(
                    f"{path}: key {key!r}, field {field!r}: expected a finite number, got {value!r}"
                )
            values[row, col] = value
    keys = probe.keys(archs)
    counts = np.bincount(keys, minlength=probe.size)
    if (counts > 1).any():
        twice = probe.to_string(probe.from_keys(np.flatnonzero(counts > 1)[:1]))
        raise ValueError(f"{path}: architecture {twice!r} is listed more than once")
    if (counts == 0).any():
        missing = probe.to_string(probe.from_keys(np.flatnonzero(counts == 0)[:1]))
        raise ValueError(
            f"{path}: {int((counts == 0).sum())} of {probe.size} architectures missing "
            f"(e.g. {missing!r})"
        )
    order = np.argsort(keys)
    space = NBMacroSpace(params=values[order, 1] / 1e6, flops=values[order, 2] / 1e6)
    return TabularSource(space, archs, values[:, 0], name="nbmacro-cifar10", metric="test accuracy")


def _specs() -> list[BenchmarkSpec]:
    from lissnas.benchmarks._registry import BenchmarkSpec

    return [
        BenchmarkSpec(
            "nbmacro-cifar10",
            f"NAS-Bench-Macro CIFAR-10 test accuracy (mean of 3 seeds); from {_ORIGIN}",
            load_nbmacro,
            data_files=(NBMACRO_JSON,),
        )
    ]


SPECS = _specs()
