"""Ablations of the paper's Table 10: LISSNAS without neighbours, or with random ones."""

from __future__ import annotations

import math

import numpy as np

from lissnas.shrink._lissnas import LISSNAS, _Strata
from lissnas.spaces import SearchSpace


class NoNeighborLISSNAS(LISSNAS):
    """Ablation H.2, "no neighbor": the LISSNAS loop keeping the best seeds of each
    iteration and generating no neighbours.

    Seeds are the best ``max(seed_fraction * |A_t|, min_size)`` architectures (so the
    space cannot collapse below ``min_size``); with nothing added, A_1 holds the best of the
    initial sample and the loop stops when the mean no longer rises: the paper's "best
    single iteration". Everything else (active ground truth, final ranking) is LISSNAS's.
    """

    name = "no-neighbor"

    def _seeds(
        self, archs: np.ndarray, scores: np.ndarray, strata: _Strata | None
    ) -> tuple[np.ndarray, np.ndarray]:
        n = max(self.min_size, math.ceil(self.seed_fraction * len(archs)))
        picked = np.argsort(-scores, kind="stable")[:n]
        return archs[picked], scores[picked]

    def _grow(
        self,
        space: SearchSpace,
        seeds: np.ndarray,
        radius: int,
        rng: np.random.Generator,
        per_seed: int | None = None,
    ) -> np.ndarray:
        return space.unique(seeds)


class RandomNeighborLISSNAS(LISSNAS):
    """Ablation H.2, "without locality": the LISSNAS loop with each iteration's neighbours
    replaced by as many distinct uniform random architectures (the locality-based
    neighbourhood is generated only to count it)."""

    name = "random-neighbor"

    def _grow(
        self,
        space: SearchSpace,
        seeds: np.ndarray,
        radius: int,
        rng: np.random.Generator,
        per_seed: int | None = None,
    ) -> np.ndarray:
        grown = super()._grow(space, seeds, radius, rng, per_seed)
        n_new = len(grown) - len(space.unique(seeds))
        randoms = space.sample(min(n_new + len(seeds), space.size), rng, distinct=True)
        seen = np.isin(space.keys(randoms), space.keys(seeds))
        return space.unique(np.vstack([seeds, randoms[~seen][:n_new]]))
