"""``SearchTrace``: the ground-truth queries of a search, in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lissnas.spaces import SearchSpace


@dataclass(frozen=True)
class SearchTrace:
    """Architectures queried (``archs``, one row each, in query order) and their ``values``
    in the metric's units; ``maximize`` gives the metric's direction."""

    archs: np.ndarray
    values: np.ndarray
    maximize: bool = True

    @property
    def best_so_far(self) -> np.ndarray:
        """Best value after each query."""
        if not len(self.values):
            return np.empty(0)
        acc = np.maximum.accumulate if self.maximize else np.minimum.accumulate
        return acc(self.values)

    @property
    def best_index(self) -> int:
        return int(np.argmax(self.values) if self.maximize else np.argmin(self.values))

    @property
    def best_arch(self) -> np.ndarray:
        return self.archs[self.best_index]

    @property
    def best_value(self) -> float:
        return float(self.values[self.best_index])

    def queries_to_reach(self, target: float, tol: float = 1e-9) -> int | None:
        """1-based number of queries after which the best-so-far reaches ``target`` (within
        ``tol``), or ``None`` if it never does."""
        best = self.best_so_far
        hit = best >= target - tol if self.maximize else best <= target + tol
        return int(np.argmax(hit)) + 1 if hit.any() else None

    def to_dict(self, space: SearchSpace) -> dict[str, Any]:
        """JSON-ready form with architecture strings."""
        return {
            "queries": len(self.values),
            "best_arch": space.to_string(self.best_arch) if len(self.values) else None,
            "best_value": self.best_value if len(self.values) else None,
            "archs": space.to_strings(self.archs),
            "values": self.values.tolist(),
            "best_so_far": self.best_so_far.tolist(),
        }
