"""TransNAS-Bench-101: validation metrics of every micro cell and macro skeleton, 7 tasks."""

from __future__ import annotations

import json
import math
import os
import re
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from lissnas.benchmarks._base import TabularSource
from lissnas.benchmarks._data import find_data_file
from lissnas.spaces._transnas import TransNASMacroSpace, TransNASMicroSpace

if TYPE_CHECKING:
    from lissnas.benchmarks._registry import BenchmarkSpec

TNB101_JSON = "transnasbench101/naslib_val_metrics.json"
_ORIGIN = (
    "automl/NASLib branch experiments (tnb101_macro_zen.zip) and "
    "naslib/data/zc_benchmarks/all_benchmarks_zen.zip, merged"
)
#: Task -> the metric stored for it. Every metric is larger-is-better: room_layout is stored
#: by NASLib as the *negative* L2 loss (all values < 0), so it is maximised like the rest.
TNB101_TASKS = {
    "class_scene": "validation top-1 accuracy (%) of scene classification",
    "class_object": "validation top-1 accuracy (%) of object classification",
    "jigsaw": "validation top-1 accuracy (%) of jigsaw permutation classification",
    "room_layout": "negative validation L2 loss of room layout regression",
    "segmentsemantic": "validation pixel accuracy (%) of semantic segmentation",
    "normal": "validation SSIM of surface normal prediction",
    "autoencoder": "validation SSIM of autoencoding",
}
_KEY_RE = re.compile(r"^\((\d+(?:, \d+)*)\)$")


def load_tnb101(
    kind: str, task: str, data_dir: str | os.PathLike[str] | None = None
) -> TabularSource:
    """``tnb101-<kind>-<task>``: NASLib's validation metric of every architecture.

    ``kind`` is ``"micro"`` (4,096 cells, averaged over 1,236 isomorphism classes) or
    ``"macro"`` (3,256 skeletons). Every task is maximised (see ``TNB101_TASKS``). Raises
    ``ValueError`` naming the key of a malformed entry or a missing architecture.
    """
    if kind not in ("micro", "macro"):
        raise ValueError(f"kind must be 'micro' or 'macro', got {kind!r}")
    if task not in TNB101_TASKS:
        raise ValueError(f"task must be one of {sorted(TNB101_TASKS)}, got {task!r}")
    path = find_data_file(TNB101_JSON, data_dir, source=_ORIGIN)
    with path.open() as handle:
        try:
            doc = json.load(handle)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc})") from None
    table = doc.get(kind, {}).get(task) if isinstance(doc, dict) else None
    if not isinstance(table, dict):
        raise ValueError(f"{path}: no object at [{kind!r}][{task!r}]")
    space = TransNASMicroSpace() if kind == "micro" else TransNASMacroSpace()
    where = f"{path} [{kind!r}][{task!r}]"
    archs = np.empty((len(table), space.n_positions), dtype=np.int64)
    values = np.empty(len(table))
    for row, (key, value) in enumerate(table.items()):
        try:
            archs[row] = _parse_key(space, key)
        except ValueError as exc:
            raise ValueError(f"{where}: key {key!r}: {exc}") from None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(f"{where}: key {key!r}: expected a finite number, got {value!r}")
        values[row] = value
    _check_complete(space, archs, where)
    return TabularSource(
        space,
        archs,
        values,
        name=f"tnb101-{kind}-{task}",
        metric=TNB101_TASKS[task],
        maximize=True,
    )


def _parse_key(space: TransNASMicroSpace | TransNASMacroSpace, key: str) -> np.ndarray:
    """NASLib's tuple key: 6 op codes (micro) or 4..6 module codes (macro)."""
    match = _KEY_RE.match(key)
    if match is None:
        raise ValueError("expected a tuple of integers like '(1, 2, 3, 0, 1, 2)'")
    codes = [int(c) for c in match.group(1).split(", ")]
    if isinstance(space, TransNASMacroSpace):
        return space.from_modules(codes)
    return space.validate(codes)[0]


def _check_complete(
    space: TransNASMicroSpace | TransNASMacroSpace, archs: np.ndarray, where: str
) -> None:
    """Every encoding (micro) or skeleton (macro) exactly once."""
    if isinstance(space, TransNASMacroSpace):
        everything = space.enumerate()
    else:
        everything = np.indices(space.cardinalities).reshape(space.n_positions, -1).T
    expected = space.keys(everything)
    keys = space.keys(archs)
    values, counts = np.unique(keys, return_counts=True)
    if (counts > 1).any():
        twice = archs[int(np.flatnonzero(keys == values[counts > 1][0])[0])]
        raise ValueError(f"{where}: architecture {space.to_string(twice)!r} is listed twice")
    missing = ~np.isin(expected, values)
    if missing.any():
        example = space.to_string(everything[int(np.flatnonzero(missing)[0])])
        raise ValueError(
            f"{where}: {int(missing.sum())} of {len(expected)} architectures missing "
            f"(e.g. {example!r})"
        )


def _specs() -> list[BenchmarkSpec]:
    from lissnas.benchmarks._registry import BenchmarkSpec

    return [
        BenchmarkSpec(
            f"tnb101-{kind}-{task}",
            f"TransNAS-Bench-101 {kind} space, {TNB101_TASKS[task]}; from {_ORIGIN}",
            partial(load_tnb101, kind, task),
            data_files=(TNB101_JSON,),
        )
        for kind in ("micro", "macro")
        for task in TNB101_TASKS
    ]


SPECS = _specs()
