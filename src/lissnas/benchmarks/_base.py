"""``PerformanceSource``: the ground truth G, counting its queries."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from lissnas.spaces import SearchSpace


class PerformanceSource(ABC):
    """Maps architectures of ``space`` to a metric, counting every architecture queried.

    Contract for implementations: ``_evaluate`` receives canonical architectures (a 2-D
    int64 array) and returns one float per row in the metric's natural units; ``maximize``
    says whether larger is better. ``evaluate`` canonicalises and counts; ``n_queries`` is
    the number of architectures evaluated since construction or ``reset_queries``.
    """

    def __init__(self, space: SearchSpace, *, name: str, metric: str, maximize: bool = True):
        self.space = space
        self.name = name
        self.metric = metric
        self.maximize = maximize
        self.n_queries = 0

    def evaluate(self, archs: np.ndarray) -> np.ndarray:
        """Metric of every architecture (canonicalised first); adds ``len(archs)`` queries."""
        X = self.space.canonical(archs)
        values = np.asarray(self._evaluate(X), dtype=float)
        self.n_queries += len(X)
        return values

    @abstractmethod
    def _evaluate(self, archs: np.ndarray) -> np.ndarray:
        """Metric of canonical architectures."""

    def reset_queries(self) -> None:
        """Set the query counter back to zero."""
        self.n_queries = 0

    def ground_truth(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Every canonical architecture of the space with its metric, if known; else ``None``.

        Used only to judge results, never by a shrinker; does not count queries.
        """
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, metric={self.metric!r})"


class TabularSource(PerformanceSource):
    """A look-up table of measured results.

    Architectures are canonicalised on construction and isomorphic entries averaged, so a
    class's value is the mean over its cells (as DESIGN.md prescribes for NAS-Bench-201).
    Looking up an architecture that is not in the table raises ``KeyError`` naming it.
    """

    def __init__(
        self,
        space: SearchSpace,
        archs: np.ndarray,
        values: np.ndarray,
        *,
        name: str,
        metric: str,
        maximize: bool = True,
    ) -> None:
        super().__init__(space, name=name, metric=metric, maximize=maximize)
        values = np.asarray(values, dtype=float)
        if len(values) != len(archs):
            raise ValueError(f"{name}: {len(archs)} architectures but {len(values)} values")
        if not np.isfinite(values).all():
            row = int(np.flatnonzero(~np.isfinite(values))[0])
            raise ValueError(
                f"{name}: value of entry {row} is {values[row]}, expected a finite number"
            )
        X = space.canonical(archs)
        keys = space.keys(X)
        self._keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        sums = np.bincount(inverse, weights=values)
        self._values = sums / np.bincount(inverse)
        self._archs = X[first]

    def __len__(self) -> int:
        return len(self._keys)

    def _evaluate(self, archs: np.ndarray) -> np.ndarray:
        keys = self.space.keys(archs)
        pos = np.clip(np.searchsorted(self._keys, keys), 0, len(self._keys) - 1)
        missing = self._keys[pos] != keys
        if missing.any():
            arch = archs[int(np.flatnonzero(missing)[0])]
            raise KeyError(f"{self.name}: no result for architecture {self.space.to_string(arch)}")
        return self._values[pos]

    def ground_truth(self) -> tuple[np.ndarray, np.ndarray] | None:
        if len(self) != self.space.size:
            return None
        return self._archs.copy(), self._values.copy()
