"""Baseline shrinkers of the paper's comparison (Tables 1, 3, 4, 9) with a predictor standing in.

The original methods score operators with a weight-sharing supernet; here every baseline
gets the same predictor (fitted on the same ground-truth budget, by default spent on
uniform samples) and the same ``target_size``, so that a comparison isolates the shrinking
rule. Every class follows the ``Shrinker`` contract.
"""

from __future__ import annotations

import math
from abc import abstractmethod

import numpy as np

from lissnas._random import SeedLike, check_random_state
from lissnas._validation import check_fraction, check_int
from lissnas.benchmarks import PerformanceSource
from lissnas.predictors import Predictor
from lissnas.shrink._base import Callback, Run, Shrinker
from lissnas.shrink._result import ShrinkResult
from lissnas.spaces import SearchSpace

#: Largest number of raw encodings an operator-pruning baseline enumerates.
MAX_ENUMERATED_ENCODINGS = 2_000_000


class _Baseline(Shrinker):
    """Common parameters: ``gt_budget`` uniform ground-truth queries, ``target_size``.

    ``shrink`` checks the parameters, opens a ``Run`` and ranks what ``_select`` returns.
    """

    gt_budget: int
    target_size: int | None
    n_samples: int

    def check_params(self) -> None:
        check_int("gt_budget", self.gt_budget, minimum=2)
        check_int("n_samples", self.n_samples, minimum=1)
        if self.target_size is not None:
            check_int("target_size", self.target_size, minimum=1)

    def shrink(
        self,
        space: SearchSpace,
        source: PerformanceSource,
        predictor: Predictor | None = None,
        seed: SeedLike = 0,
        callback: Callback | None = None,
    ) -> ShrinkResult:
        self.check_params()
        run = Run(self, space, source, predictor, self.gt_budget, callback)
        return run.result(self._select(run, check_random_state(seed)), seed)

    @abstractmethod
    def _select(self, run: Run, rng: np.random.Generator) -> np.ndarray:
        """The shrunk space's members (canonical; ranked and deduplicated by ``run``)."""


class RandomTopK(_Baseline):
    """Naive random shrinkage (the paper's Table 9): sample ``n_samples`` distinct uniform
    architectures, keep the best ``top_fraction`` of them by score (``target_size``, if set,
    overrides the fraction). The ground-truth budget is spent on uniform samples."""

    name = "random-topk"

    def __init__(
        self,
        gt_budget: int = 200,
        n_samples: int = 2000,
        top_fraction: float = 0.1,
        target_size: int | None = None,
    ) -> None:
        self.gt_budget = gt_budget
        self.n_samples = n_samples
        self.top_fraction = top_fraction
        self.target_size = target_size

    def check_params(self) -> None:
        super().check_params()
        check_fraction("top_fraction", self.top_fraction)

    def _select(self, run: Run, rng: np.random.Generator) -> np.ndarray:
        run.fit_uniform(self.gt_budget, rng)
        sample = run.space.sample(self.n_samples, rng, distinct=True)
        scores = run.surrogate.score(sample)
        n_keep = self.target_size or max(1, math.ceil(self.top_fraction * len(sample)))
        keep = np.argsort(-scores, kind="stable")[:n_keep]
        run.record(sample[keep], scores[keep])
        return sample[keep]


class QueryAll(_Baseline):
    """Ablation H.3 (query all networks): predict every architecture of an enumerable space
    and keep the best ``target_size`` by score (ground truth where queried, else predicted).
    The ground-truth budget is spent on uniform samples. ``ValueError`` if the space cannot
    be enumerated."""

    name = "query-all"

    def __init__(self, gt_budget: int = 200, target_size: int = 200) -> None:
        self.gt_budget = gt_budget
        self.target_size = target_size
        self.n_samples = 1

    def check_params(self) -> None:
        super().check_params()
        check_int("target_size", self.target_size, minimum=1)

    def _select(self, run: Run, rng: np.random.Generator) -> np.ndarray:
        everything = run.space.enumerate()
        if everything is None:
            raise ValueError(f"query-all needs an enumerable space; {run.space.name} is not")
        run.fit_uniform(self.gt_budget, rng)
        scores = run.surrogate.score(everything)
        keep = np.argsort(-scores, kind="stable")[: self.target_size]
        run.record(everything[keep], scores[keep])
        return everything[keep]


class GreedyNAS(_Baseline):
    """GreedyNAS-style candidate pool (You et al., 2020).

    GreedyNAS trains a supernet mostly on paths drawn from a pool of the best paths seen,
    which it keeps as a priority queue while sampling new paths uniformly (exploration).
    Here the predictor stands in for the supernet: over ``n_rounds`` rounds, ``n_samples``
    new uniform architectures join the pool, the pool is re-ranked and truncated to
    ``target_size``; the ground truth is spent ``initial_gt_fraction`` on uniform samples
    first, then in equal parts per round, a share ``exploration`` of it on uniform
    architectures and the rest on the best unqueried pool members, refitting the predictor
    each round (the supernet's training on the pool, in spirit).
    """

    name = "greedynas"

    def __init__(
        self,
        gt_budget: int = 200,
        target_size: int = 200,
        n_rounds: int = 5,
        n_samples: int = 500,
        exploration: float = 0.2,
        initial_gt_fraction: float = 0.4,
    ) -> None:
        self.gt_budget = gt_budget
        self.target_size = target_size
        self.n_rounds = n_rounds
        self.n_samples = n_samples
        self.exploration = exploration
        self.initial_gt_fraction = initial_gt_fraction

    def check_params(self) -> None:
        super().check_params()
        check_int("target_size", self.target_size, minimum=1)
        check_int("n_rounds", self.n_rounds, minimum=1)
        check_fraction("exploration", self.exploration, closed_low=True)
        check_fraction("initial_gt_fraction", self.initial_gt_fraction)

    def _select(self, run: Run, rng: np.random.Generator) -> np.ndarray:
        space = run.space
        run.fit_uniform(max(2, math.floor(self.gt_budget * self.initial_gt_fraction)), rng)
        per_round = run.oracle.remaining // self.n_rounds
        pool = np.empty((0, space.n_positions), dtype=np.int64)
        for r in range(self.n_rounds):
            pool = space.unique(np.vstack([pool, space.sample(self.n_samples, rng)]))
            scores = run.surrogate.score(pool)
            pool = pool[np.argsort(-scores, kind="stable")[: self.target_size]]
            n_gt = run.oracle.remaining if r == self.n_rounds - 1 else per_round
            n_explore = round(self.exploration * n_gt)
            explore = space.sample(n_explore, rng, distinct=True)
            explore = explore[~run.oracle.known_mask(explore)]
            fresh = pool[~run.oracle.known_mask(pool)]
            picked = np.vstack([explore, fresh[: max(0, n_gt - len(explore))]])
            if len(picked):
                run.oracle.query(picked[: run.oracle.remaining])
                run.surrogate.fit()
            scores = run.surrogate.score(pool)
            order = np.argsort(-scores, kind="stable")
            pool = pool[order]
            run.record(pool, scores[order])
        return pool


class _ProductSpace:
    """Products of per-position operator subsets of ``space``, counted in canonical classes.

    ``allowed`` is a boolean (n_positions, max cardinality) mask. Where the space has at most
    ``MAX_ENUMERATED_ENCODINGS`` encodings they are enumerated once (invalid ones dropped)
    and a product's size is its number of distinct canonical classes; otherwise the size is
    the product of the choice counts and members are sampled.
    """

    def __init__(self, space: SearchSpace) -> None:
        self.space = space
        cards = space.cardinalities
        self.full = np.arange(int(cards.max()))[None, :] < cards[:, None]
        self.raw: np.ndarray | None = None
        if float(np.prod(cards.astype(float))) <= MAX_ENUMERATED_ENCODINGS:
            grid = np.indices(cards).reshape(space.n_positions, -1).T
            self.raw, canon = _valid_canonical(space, grid)
            self.class_keys = space.keys(canon)
            self.canon = canon

    def _mask(self, allowed: np.ndarray) -> np.ndarray:
        return allowed[np.arange(self.space.n_positions), self.raw].all(axis=1)

    def size(self, allowed: np.ndarray) -> int:
        if self.raw is None:
            return math.prod(int(c) for c in allowed.sum(axis=1))
        return len(np.unique(self.class_keys[self._mask(allowed)]))

    def sample(self, allowed: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` uniform raw encodings of the product (valid ones; positions meaningful)."""
        if self.raw is not None:
            rows = np.flatnonzero(self._mask(allowed))
            return self.raw[rows[rng.integers(0, len(rows), size=n)]]
        choice = [np.flatnonzero(a) for a in allowed]
        X = np.column_stack([c[rng.integers(0, len(c), size=n)] for c in choice])
        return _valid_canonical(self.space, X)[0]

    def members(self, allowed: np.ndarray, limit: int, rng: np.random.Generator) -> np.ndarray:
        """Every canonical class of the product (enumerated), or a distinct sample of it."""
        if self.raw is not None:
            return self.space.unique(self.canon[self._mask(allowed)])
        canon = _valid_canonical(self.space, self.sample(allowed, 4 * limit, rng))[1]
        return self.space.unique(canon)[:limit]


def _valid_canonical(space: SearchSpace, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``X`` the space accepts and their canonical forms (invalid rows found by
    bisection, so that only the chunks holding them are canonicalised twice)."""
    try:
        return X, space.canonical(X)
    except ValueError:
        if len(X) == 1:
            return X[:0], X[:0]
    half = len(X) // 2
    (a, ca), (b, cb) = _valid_canonical(space, X[:half]), _valid_canonical(space, X[half:])
    return np.vstack([a, b]), np.vstack([ca, cb])


class _OperatorPruning(_Baseline):
    """Shared loop: score every (position, op) by the mean score of ``n_samples`` uniform
    architectures of the current product space that use it, drop operators (``_drop``)
    until the product space holds at most ``target_size`` canonical architectures. At
    least one op per position always stays."""

    def check_params(self) -> None:
        super().check_params()
        check_int("target_size", self.target_size, minimum=1)

    def _enough(self, size: int, rounds: int) -> bool:
        """Whether pruning stops (after ``rounds`` scoring rounds at ``size``)."""
        return size <= self.target_size

    @abstractmethod
    def _drop(
        self, mean: np.ndarray, cost: np.ndarray | None, allowed: np.ndarray
    ) -> list[tuple[int, int]]:
        """Operators to drop this round, in order (the loop stops once small enough)."""

    def _cost(self, space: SearchSpace, archs: np.ndarray) -> np.ndarray | None:
        return None

    def _select(self, run: Run, rng: np.random.Generator) -> np.ndarray:
        space = run.space
        run.fit_uniform(self.gt_budget, rng)
        product = _ProductSpace(space)
        allowed = product.full.copy()
        P, C = allowed.shape
        size, rounds = product.size(allowed), 0
        while not self._enough(size, rounds) and (allowed.sum(axis=1) > 1).any():
            rounds += 1
            raw = product.sample(allowed, self.n_samples, rng)
            scores = run.surrogate.score(space.canonical(raw))
            cells = (np.arange(P) * C + raw).ravel()
            counts = np.bincount(cells, minlength=P * C).reshape(P, C)
            total = np.bincount(cells, np.repeat(scores, P), minlength=P * C).reshape(P, C)
            mean = np.where(counts > 0, total / np.maximum(counts, 1), -np.inf)
            cost = self._cost(space, raw)
            if cost is not None:
                ctot = np.bincount(cells, np.repeat(cost, P), minlength=P * C).reshape(P, C)
                cost = np.where(counts > 0, ctot / np.maximum(counts, 1), np.inf)
            run.record(raw, scores)
            for pos, op in self._drop(mean, cost, allowed):
                if allowed[pos].sum() > 1:
                    allowed[pos, op] = False
                    size = product.size(allowed)
                    if self._enough(size, rounds - 1):
                        break
        return product.members(allowed, self.target_size, rng)


class ABS(_OperatorPruning):
    """ABS-style operator pruning (Hu et al., 2020, angle-based search space shrinking).

    ABS ranks every operator by the angle-based metric of the supernet paths that contain it
    and drops the lowest-ranked operators until the space reaches the desired size. Here an
    operator's rank is the mean predicted score of ``n_samples`` uniform architectures of
    the current space that use it, and one operator (the worst of all positions) is dropped
    per round before re-scoring. The result holds every canonical architecture of the
    pruned product space (at most ``target_size``).
    """

    name = "abs"

    def __init__(self, gt_budget: int = 200, target_size: int = 200, n_samples: int = 1000):
        self.gt_budget = gt_budget
        self.target_size = target_size
        self.n_samples = n_samples

    def _drop(
        self, mean: np.ndarray, cost: np.ndarray | None, allowed: np.ndarray
    ) -> list[tuple[int, int]]:
        prunable = allowed & (allowed.sum(axis=1) > 1)[:, None]
        flat = int(np.argmin(np.where(prunable, mean, np.inf)))
        return [divmod(flat, allowed.shape[1])]


class PADNAS(_OperatorPruning):
    """Layer-wise pruning in the spirit of PAD-NAS (Xia and Ding, 2020).

    PAD-NAS prunes the operators of each layer independently and progressively, by the
    layer's own ranking of its operators. Here each round every position that still has a
    choice drops its own worst operator (mean predicted score of the sampled architectures
    using it), so positions shrink in step; positions are visited weakest-worst-op first
    and the loop stops as soon as the product space holds at most ``target_size``
    canonical architectures. With ``keep`` set, every position keeps its best ``keep``
    operators instead (one scoring round, no target).
    """

    name = "padnas"

    def __init__(
        self,
        gt_budget: int = 200,
        target_size: int = 200,
        n_samples: int = 1000,
        keep: int | None = None,
    ) -> None:
        self.gt_budget = gt_budget
        self.target_size = target_size
        self.n_samples = n_samples
        self.keep = keep

    def check_params(self) -> None:
        super().check_params()
        if self.keep is not None:
            check_int("keep", self.keep, minimum=1)

    def _enough(self, size: int, rounds: int) -> bool:
        return rounds >= 1 if self.keep is not None else size <= self.target_size

    def _drop(
        self, mean: np.ndarray, cost: np.ndarray | None, allowed: np.ndarray
    ) -> list[tuple[int, int]]:
        if self.keep is not None:
            ranked = np.argsort(-np.where(allowed, mean, -np.inf), axis=1, kind="stable")
            return [
                (pos, int(op))
                for pos in range(len(allowed))
                for op in ranked[pos, self.keep :]
                if allowed[pos, op]
            ]
        masked = np.where(allowed, mean, np.inf)
        worst = np.argmin(masked, axis=1)
        positions = np.argsort(masked.min(axis=1), kind="stable")
        return [(int(p), int(worst[p])) for p in positions if allowed[p].sum() > 1]


class NSE(_OperatorPruning):
    """Operator selection on the predicted accuracy / cost Pareto front, in the spirit of
    NSE (Ci et al., 2020, neural search-space evolution).

    NSE keeps a subspace of operators that are good and efficient, evolving it with a
    supernet. Here each (position, op) gets the mean predicted score and mean cost (FLOPs,
    else parameters) of the sampled architectures using it; each round drops the
    operator dominated by another of its position (worst score first) and, once every
    remaining operator is on its position's front, the one with the smallest crowding
    distance on it (the extremes, cheapest and best, stay), until the product space holds
    at most ``target_size`` canonical architectures. Without any cost the front is the
    score alone and NSE drops the worst-scored operator, as ABS does.
    """

    name = "nse"

    def __init__(self, gt_budget: int = 200, target_size: int = 200, n_samples: int = 1000):
        self.gt_budget = gt_budget
        self.target_size = target_size
        self.n_samples = n_samples

    def _cost(self, space: SearchSpace, archs: np.ndarray) -> np.ndarray | None:
        for cost in (space.flops, space.params):
            try:
                return np.asarray(cost(space.canonical(archs)), dtype=float)
            except NotImplementedError:
                continue
        return None

    def _drop(
        self, mean: np.ndarray, cost: np.ndarray | None, allowed: np.ndarray
    ) -> list[tuple[int, int]]:
        if cost is None:
            cost = np.zeros_like(mean)
        keys = []
        for pos in np.flatnonzero(allowed.sum(axis=1) > 1):
            ops = np.flatnonzero(allowed[pos])
            s, c = mean[pos, ops], cost[pos, ops]
            no_worse = (s[None, :] >= s[:, None]) & (c[None, :] <= c[:, None])
            better = (s[None, :] > s[:, None]) | (c[None, :] < c[:, None])
            on_front = ~(no_worse & better).any(axis=1)
            crowd = _crowding(s, c)
            crowd = np.where(on_front, crowd, -np.inf)  # dominated: worst score first
            keys += [
                (bool(on_front[i]), float(crowd[i]), float(s[i]), int(pos), int(op))
                for i, op in enumerate(ops)
            ]
        return [min(keys)[3:]] if keys else []


def _crowding(score: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """NSGA-II crowding distance over (score, cost); extremes get ``inf``."""
    dist = np.zeros(len(score))
    for values in (score, cost):
        order = np.argsort(values, kind="stable")
        span = float(values[order[-1]] - values[order[0]]) or 1.0
        dist[order[0]] = dist[order[-1]] = np.inf
        if len(values) > 2:
            dist[order[1:-1]] += (values[order[2:]] - values[order[:-2]]) / span
    return dist
