"""Performance sources (ground truth with query counting) and the registry of named benchmarks."""

from lissnas.benchmarks import _nats_official, _nb101, _nb201, _nb301, _nbgraph, _nbmacro, _transnas
from lissnas.benchmarks._base import PerformanceSource, TabularSource
from lissnas.benchmarks._data import DATA_DIR_ENV, MissingDataError
from lissnas.benchmarks._evaluations import load_evaluations, source_from_config
from lissnas.benchmarks._registry import (
    BenchmarkSpec,
    get_benchmark_spec,
    list_benchmarks,
    load_benchmark,
    register_benchmark,
)

for _module in (_nb201, _nats_official, _nbmacro, _nbgraph, _nb301, _nb101, _transnas):
    for _spec in _module.SPECS:
        register_benchmark(_spec)

__all__ = [
    "DATA_DIR_ENV",
    "BenchmarkSpec",
    "MissingDataError",
    "PerformanceSource",
    "TabularSource",
    "get_benchmark_spec",
    "list_benchmarks",
    "load_benchmark",
    "load_evaluations",
    "register_benchmark",
    "source_from_config",
]
