"""Named benchmarks: ``load_benchmark("nb201-cifar10")`` and the listing behind
``lissnas benchmarks``."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from lissnas.benchmarks._base import PerformanceSource
from lissnas.benchmarks._data import MissingDataError, resolve_data_dir

DataDir = str | os.PathLike[str] | None


@dataclass(frozen=True)
class BenchmarkSpec:
    """A registered benchmark: how to load it and what it needs.

    ``loader(data_dir)`` returns a fresh ``PerformanceSource``; ``data_files`` are paths
    relative to the data directory; ``packages`` are importable module names.
    """

    name: str
    description: str
    loader: Callable[[DataDir], PerformanceSource]
    data_files: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    extra: str | None = field(default=None)

    @property
    def needs(self) -> str:
        """What the benchmark needs, in words."""
        parts = [f"data file {f}" for f in self.data_files]
        parts += [
            f"package {p}" + (f" (pip install 'lissnas[{self.extra}]')" if self.extra else "")
            for p in self.packages
        ]
        return ", ".join(parts) or "nothing"

    def availability(self, data_dir: DataDir = None) -> tuple[bool, str]:
        """Whether the benchmark can load here, and if not, why."""
        for module in self.packages:
            if importlib.util.find_spec(module) is None:
                hint = (
                    f"pip install 'lissnas[{self.extra}]'"
                    if self.extra
                    else f"pip install {module}"
                )
                return False, f"package {module} not installed ({hint})"
        if self.data_files:
            root = resolve_data_dir(data_dir)
            if root is None:
                return False, "no data directory (--data-dir or LISSNAS_DATA_DIR)"
            for relative in self.data_files:
                if not (root / relative).exists():
                    return False, f"{root / relative} not found"
        return True, "available"


_REGISTRY: dict[str, BenchmarkSpec] = {}


def register_benchmark(spec: BenchmarkSpec) -> None:
    """Add ``spec`` to the registry; a name may be registered once."""
    if spec.name in _REGISTRY:
        raise ValueError(f"benchmark {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec


def list_benchmarks() -> list[BenchmarkSpec]:
    """Every registered benchmark, sorted by name."""
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get_benchmark_spec(name: str) -> BenchmarkSpec:
    """The spec registered as ``name``; ``ValueError`` listing the valid names otherwise."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown benchmark {name!r}; valid names: {', '.join(sorted(_REGISTRY))}"
        ) from None


def load_benchmark(name: str, data_dir: DataDir = None) -> PerformanceSource:
    """A fresh ``PerformanceSource`` for the benchmark registered as ``name``.

    Raises ``ValueError`` for an unknown name, ``MissingDataError`` for a missing file and
    ``ModuleNotFoundError`` (saying what to install) for a missing package.
    """
    spec = get_benchmark_spec(name)
    ok, why = spec.availability(data_dir)
    if not ok and spec.packages and "package" in why:
        raise ModuleNotFoundError(f"benchmark {name!r} needs {why}")
    if not ok and spec.data_files:
        root = resolve_data_dir(data_dir)
        where = f"data directory {root}" if root else "no data directory given"
        raise MissingDataError(
            f"benchmark {name!r} needs {spec.needs}: {why} ({where}); {spec.description}"
        )
    return spec.loader(data_dir)
