"""Seeding helpers: every stochastic function takes a seed or a ``numpy.random.Generator``."""

from __future__ import annotations

import numpy as np

SeedLike = int | np.random.Generator | None


def check_random_state(seed: SeedLike) -> np.random.Generator:
    """Return a ``Generator`` for ``seed``; a ``Generator`` is returned unchanged.

    ``None`` gives a fresh, unseeded generator (never numpy's global state).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative int or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))
