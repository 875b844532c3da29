"""Uniform single-path sampling restricted to a space: the full space or a shrunk one."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from lissnas._random import SeedLike, check_random_state
from lissnas.shrink import ShrinkResult
from lissnas.spaces import SearchSpace


class ArchSampler:
    """Draws architectures uniformly from ``members`` (a 2-D array of ``space``) or, without
    members, uniformly from ``space`` (its ``sample``). Nothing else is ever drawn.

    The generator's state is part of ``state_dict`` so that training resumes exactly.
    """

    def __init__(
        self, space: SearchSpace, members: np.ndarray | None = None, seed: SeedLike = None
    ) -> None:
        self.space = space
        if members is not None:
            members = space.unique(space.validate(members))
            if len(members) == 0:
                raise ValueError("members must hold at least one architecture, got none")
        self.members = members
        self.rng = check_random_state(seed)

    @classmethod
    def from_result(
        cls,
        result: ShrinkResult | str | os.PathLike[str],
        space: SearchSpace,
        seed: SeedLike = None,
    ) -> ArchSampler:
        """A sampler over the members of a saved (or in-memory) ``ShrinkResult``."""
        if not isinstance(result, ShrinkResult):
            result = ShrinkResult.load(result)
        if result.space != space.name:
            raise ValueError(
                f"the shrink result is over space {result.space!r}, "
                f"the supernet's is {space.name!r}"
            )
        return cls(space, result.architectures(space), seed)

    @property
    def size(self) -> int:
        """Number of architectures the sampler can return."""
        return self.space.size if self.members is None else len(self.members)

    def sample(self) -> np.ndarray:
        """One architecture (1-D int vector)."""
        return self.sample_many(1)[0]

    def sample_many(self, n: int) -> np.ndarray:
        """``n`` architectures drawn independently (with replacement)."""
        if self.members is None:
            return self.space.sample(n, self.rng)
        return self.members[self.rng.integers(0, len(self.members), size=n)]

    def contains(self, archs: np.ndarray) -> np.ndarray:
        """Whether each row (canonicalised) is one the sampler can return."""
        X = self.space.canonical(archs)
        if self.members is None:
            return np.ones(len(X), dtype=bool)
        return np.isin(self.space.keys(X), self.space.keys(self.members))

    def state_dict(self) -> dict[str, Any]:
        return {"bit_generator": self.rng.bit_generator.state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.rng.bit_generator.state = state["bit_generator"]


def choose_archs(
    space: SearchSpace,
    *,
    n_archs: int | None = None,
    archs: np.ndarray | None = None,
    members: np.ndarray | None = None,
    seed: SeedLike = 0,
) -> np.ndarray:
    """The architectures of a ground-truth table: ``n_archs`` distinct ones drawn with
    ``seed`` uniformly from ``members`` (all of them when fewer) or from ``space``, or the
    distinct rows of ``archs`` in their given order. Pass exactly one of ``n_archs`` and
    ``archs``; ``members`` only with ``n_archs``."""
    if (n_archs is None) == (archs is None):
        raise ValueError("pass exactly one of n_archs (a sample) and archs (given architectures)")
    if archs is not None:
        if members is not None:
            raise ValueError("archs are taken as given: members cannot restrict them")
        given = space.validate(archs)
        first = np.unique(given, axis=0, return_index=True)[1]
        return given[np.sort(first)]
    if isinstance(n_archs, bool) or not isinstance(n_archs, int) or n_archs < 1:
        raise ValueError(f"n_archs must be an int >= 1, got {n_archs!r}")
    pool = ArchSampler(space, members, seed=seed)
    if pool.members is None:
        return space.sample(n_archs, pool.rng, distinct=True)
    return pool.members[pool.rng.permutation(len(pool.members))[:n_archs]]
