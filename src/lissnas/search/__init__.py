"""Black-box NAS inside a space or a shrunk space: random search, regularised evolution,
local search."""

from lissnas.search._strategies import (
    STRATEGIES,
    LocalSearch,
    RandomSearch,
    RegularizedEvolution,
    SearchStrategy,
    run_search,
)
from lissnas.search._trace import SearchTrace

__all__ = [
    "STRATEGIES",
    "LocalSearch",
    "RandomSearch",
    "RegularizedEvolution",
    "SearchStrategy",
    "SearchTrace",
    "run_search",
]
