"""Black-box search strategies inside a space, or inside a shrunk space's members."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from lissnas._random import SeedLike, check_random_state
from lissnas._validation import check_int
from lissnas.benchmarks import PerformanceSource
from lissnas.search._trace import SearchTrace
from lissnas.shrink._base import Oracle
from lissnas.spaces import SearchSpace


class _Session:
    """A search's ground truth: an ``Oracle`` (budget, cache, larger is better), restricted
    to ``members`` when given; ``query`` answers the prefix the budget allows."""

    def __init__(
        self,
        space: SearchSpace,
        source: PerformanceSource,
        budget: int,
        members: np.ndarray | None,
        initial: tuple[np.ndarray, np.ndarray] | None,
    ) -> None:
        self.space, self.source = space, source
        self.oracle = Oracle(space, source, budget)
        self.members = None if members is None else space.unique(members)
        self._member_keys = None if self.members is None else np.sort(space.keys(self.members))
        if initial is not None:
            archs = space.canonical(initial[0])
            try:
                self.oracle.record(archs, initial[1])
            except ValueError as exc:
                raise ValueError(f"initial has {exc}") from None

    @property
    def remaining(self) -> int:
        return self.oracle.remaining

    def known(self) -> tuple[np.ndarray, np.ndarray]:
        """Queried architectures and their oriented scores, in query order."""
        return self.oracle.known()

    def allowed(self, archs: np.ndarray) -> np.ndarray:
        """Rows of canonical ``archs`` that are members (all rows without a restriction)."""
        if self._member_keys is None:
            return np.ones(len(archs), dtype=bool)
        keys = self.space.keys(archs)
        pos = np.clip(np.searchsorted(self._member_keys, keys), 0, len(self._member_keys) - 1)
        return self._member_keys[pos] == keys

    def unseen(self, archs: np.ndarray) -> np.ndarray:
        return ~self.oracle.known_mask(archs)

    def query(self, archs: np.ndarray) -> np.ndarray:
        """Scores of canonical ``archs`` (cached) for the prefix the budget answers."""
        return self.oracle.query_prefix(archs)

    def random_unseen(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Up to ``n`` distinct unqueried architectures drawn uniformly (from the members)."""
        if self.members is not None:
            pool = self.members[self.unseen(self.members)]
            return pool[rng.permutation(len(pool))[:n]]
        found = np.empty((0, self.space.n_positions), dtype=np.int64)
        for _ in range(50):
            batch = self.space.unique(self.space.sample(2 * n, rng))
            found = self.space.unique(np.vstack([found, batch[self.unseen(batch)]]))
            if len(found) >= n:
                break
        return found[:n]

    def neighbors(self, arch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Distance-1 neighbours of ``arch`` that are members, in random order."""
        found = self.space.neighbors(arch, 1, rng)
        found = found[self.allowed(found)]
        return found[rng.permutation(len(found))]

    def trace(self) -> SearchTrace:
        archs, scores = self.known()
        sign = 1.0 if self.source.maximize else -1.0
        return SearchTrace(archs, sign * scores, self.source.maximize)


class SearchStrategy(ABC):
    """A black-box search: ``run`` spends at most ``gt_budget`` distinct ground-truth queries
    (``initial`` ones included) inside ``space`` or its ``members`` and returns the trace.
    Deterministic given ``seed``."""

    name = "search"

    def run(
        self,
        space: SearchSpace,
        source: PerformanceSource,
        gt_budget: int,
        seed: SeedLike = 0,
        *,
        members: np.ndarray | None = None,
        initial: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> SearchTrace:
        check_int("gt_budget", gt_budget, minimum=1)
        session = _Session(space, source, gt_budget, members, initial)
        if session.members is not None and not len(session.members):
            raise ValueError("members must hold at least one architecture, got none")
        self._search(session, check_random_state(seed))
        return session.trace()

    @abstractmethod
    def _search(self, session: _Session, rng: np.random.Generator) -> None:
        """Query until the budget is spent or nothing is left."""


class RandomSearch(SearchStrategy):
    """Uniform distinct samples."""

    name = "random"

    def _search(self, session: _Session, rng: np.random.Generator) -> None:
        while session.remaining > 0:
            batch = session.random_unseen(min(session.remaining, 256), rng)
            if not len(batch):
                return
            session.query(batch)


class RegularizedEvolution(SearchStrategy):
    """Regularised (aging) evolution (Real et al., 2019): a population of the latest
    ``population_size`` queried architectures; each child mutates the best of
    ``sample_size`` uniformly drawn members of the population into a random unqueried
    distance-1 neighbour, and the oldest individual dies."""

    name = "evolution"

    def __init__(self, population_size: int = 50, sample_size: int = 10) -> None:
        self.population_size = check_int("population_size", population_size, minimum=2)
        self.sample_size = check_int("sample_size", sample_size, minimum=1)

    def _search(self, session: _Session, rng: np.random.Generator) -> None:
        archs, scores = session.known()
        population: list[tuple[np.ndarray, float]] = list(
            zip(
                archs[-self.population_size :],
                scores[-self.population_size :].tolist(),
                strict=True,
            )
        )
        need = self.population_size - len(population)
        if need > 0 and session.remaining > 0:
            start = session.random_unseen(min(need, session.remaining), rng)
            population += list(zip(start, session.query(start), strict=False))
        while session.remaining > 0 and population:
            picks = rng.choice(
                len(population), min(self.sample_size, len(population)), replace=False
            )
            parent = population[max(picks, key=lambda i: population[i][1])][0]
            children = session.neighbors(parent, rng)
            children = children[session.unseen(children)][:1]
            if not len(children):
                children = session.random_unseen(1, rng)
                if not len(children):
                    return
            score = session.query(children)
            population.append((children[0], float(score[0])))
            if len(population) > self.population_size:
                population.pop(0)


class LocalSearch(SearchStrategy):
    """Local search (White et al., 2021): from the current architecture, query its distance-1
    neighbours in random order and move to the best of them if it improves (best
    improvement); at a local optimum restart from a random unqueried architecture. Starts
    at the best already-queried member, if any."""

    name = "local"

    def _search(self, session: _Session, rng: np.random.Generator) -> None:
        current = None
        archs, scores = session.known()
        ok = np.flatnonzero(session.allowed(archs))
        if len(ok):
            best = ok[np.argmax(scores[ok])]
            current, score = archs[best], float(scores[best])
        while session.remaining > 0:
            if current is None:
                start = session.random_unseen(1, rng)
                if not len(start):
                    return
                current, score = start[0], float(session.query(start)[0])
            neighbours = session.neighbors(current, rng)
            scores = session.query(neighbours)
            if len(scores) and scores.max() > score:
                current, score = neighbours[int(np.argmax(scores))], float(scores.max())
            else:
                current = None


STRATEGIES: dict[str, type[SearchStrategy]] = {
    "random": RandomSearch,
    "evolution": RegularizedEvolution,
    "local": LocalSearch,
}


def run_search(
    strategy: str,
    space: SearchSpace,
    source: PerformanceSource,
    gt_budget: int,
    seed: SeedLike = 0,
    *,
    members: np.ndarray | None = None,
    initial: tuple[np.ndarray, np.ndarray] | None = None,
) -> SearchTrace:
    """Run the named strategy (``random``, ``evolution`` or ``local``) with its defaults.

    ``members`` restricts the search to a shrunk space; ``initial`` = (architectures,
    values) already queried (e.g. a shrinker's ``queried``): they count toward
    ``gt_budget`` and open the trace.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; valid names: {', '.join(STRATEGIES)}")
    return STRATEGIES[strategy]().run(
        space, source, gt_budget, seed, members=members, initial=initial
    )
