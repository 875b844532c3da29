"""User-supplied evaluations: a CSV or Parquet table of architectures and metrics.

One column holds each architecture in its space's string form (``space.to_string``), the
others hold metrics. ``load_evaluations`` checks every row and names the file, row (the
CSV line number, header = line 1; for Parquet the 1-based data row), column and value of
the first fault. An architecture listed twice with the same metric value is kept once; with
different values it is an error naming both rows (architectures that are different encodings
of one isomorphism class are averaged, as ``TabularSource`` does).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from lissnas.benchmarks._base import TabularSource
from lissnas.spaces import SearchSpace

#: Prefix of the ``benchmark`` name of sources built from user files.
BYO_PREFIX = "byo:"


def _read_table(path: Path) -> tuple[Any, int, str]:
    """The table as strings/values, the row-number offset and the row word."""
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ImportError(
                f"{path}: reading Parquet needs pyarrow: pip install 'lissnas[parquet]'"
            ) from None
        try:
            return pd.read_parquet(path), 1, "row"
        except Exception as exc:  # pyarrow raises several unrelated types
            raise ValueError(f"{path}: not a readable Parquet file ({exc})") from None
    if suffix != ".csv":
        raise ValueError(f"{path}: evaluations must be a .csv or .parquet file, got {suffix!r}")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: empty file (expected a header line and rows)") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: malformed CSV ({exc})") from None
    return table, 2, "line"


def load_evaluations(
    path: str | os.PathLike[str],
    space: SearchSpace,
    metric: str,
    *,
    maximize: bool = True,
    arch_column: str = "arch",
    name: str | None = None,
) -> TabularSource:
    """A ``TabularSource`` over ``space`` from the ``arch_column`` and ``metric`` columns.

    Raises ``FileNotFoundError`` for a missing file, ``ImportError`` when Parquet support is
    not installed and ``ValueError`` naming file, row, column and value for: an empty file,
    malformed CSV, a missing column (listing those present), an architecture that does not
    parse (unknown choice, wrong length), a non-numeric, NaN or infinite metric, and one
    architecture listed with conflicting values.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"evaluations file {path} not found")
    table, offset, word = _read_table(path)
    columns = [str(c) for c in table.columns]
    for column, option in ((arch_column, "arch_column"), (metric, "metric")):
        if column not in columns:
            raise ValueError(f"{path}: no column {column!r} ({option}); columns present: {columns}")
    if len(table) == 0:
        raise ValueError(f"{path}: no rows after the header")
    texts = table[arch_column].tolist()
    archs = np.empty((len(texts), space.n_positions), dtype=np.int64)
    for row, text in enumerate(texts):
        try:
            if not isinstance(text, str):
                raise ValueError(f"expected an architecture string, got {text!r}")
            archs[row] = space.from_string(text)
        except ValueError as exc:
            raise ValueError(
                f"{path}: {word} {row + offset}, column {arch_column!r}, value {text!r}: {exc}"
            ) from None
    values = _metric_values(table[metric], path, metric, offset, word)
    keys = space.keys(archs)
    order = np.argsort(keys, kind="stable")
    same = keys[order][1:] == keys[order][:-1]
    clash = same & (values[order][1:] != values[order][:-1])
    if clash.any():
        k = int(np.flatnonzero(clash)[0])
        first, second = sorted((int(order[k]), int(order[k + 1])))
        raise ValueError(
            f"{path}: architecture {texts[first]!r} has conflicting {metric!r} values: "
            f"{float(values[first])!r} at {word} {first + offset} and {float(values[second])!r} at "
            f"{word} {second + offset}"
        )
    keep = np.ones(len(keys), dtype=bool)
    keep[order[1:][same]] = False
    label = name or f"{BYO_PREFIX}{space.name}:{path.name}"
    return TabularSource(
        space, archs[keep], values[keep], name=label, metric=metric, maximize=maximize
    )


def _metric_values(column: Any, path: Path, metric: str, offset: int, word: str) -> np.ndarray:
    import pandas as pd

    raw = column.tolist()
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{path}: {word} {row + offset}, column {metric!r}, value {raw[row]!r}: expected "
            "a finite number"
        )
    return numbers


def byo_config(
    space: str, evaluations: str | os.PathLike[str], metric: str, maximize: bool, arch_column: str
) -> dict[str, Any]:
    """What ``source_from_config`` needs to rebuild a user-supplied source (absolute paths)."""
    resolved = space if not Path(space).exists() else str(Path(space).resolve())
    return {
        "space": resolved,
        "evaluations": str(Path(evaluations).resolve()),
        "metric": metric,
        "maximize": maximize,
        "arch_column": arch_column,
    }


def source_from_config(config: dict[str, Any], name: str | None = None) -> TabularSource:
    """Rebuild the source described by ``byo_config``; ``ValueError`` if a key is missing."""
    from lissnas.spaces import resolve_space

    need = ("space", "evaluations", "metric", "maximize", "arch_column")
    missing = [k for k in need if k not in config]
    if missing:
        raise ValueError(f"evaluations config lacks {missing}; got {sorted(config)}")
    space = resolve_space(config["space"])
    return load_evaluations(
        config["evaluations"],
        space,
        config["metric"],
        maximize=bool(config["maximize"]),
        arch_column=config["arch_column"],
        name=name,
    )
