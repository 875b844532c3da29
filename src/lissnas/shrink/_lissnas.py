"""LISSNAS: locality-based iterative search space shrinkage."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lissnas._random import SeedLike, check_random_state
from lissnas._validation import check_fraction, check_int
from lissnas.benchmarks import PerformanceSource
from lissnas.predictors import Predictor
from lissnas.shrink._base import Callback, Oracle, Run, Shrinker
from lissnas.shrink._result import ShrinkResult
from lissnas.spaces import SearchSpace

NEIGHBOR_FILTERS = ("none", "seed-threshold")
#: With ``record_trajectory=None`` trajectories are kept while no A_t is larger than this.
TRAJECTORY_LIMIT = 20_000


@dataclass(frozen=True)
class _Strata:
    """FLOPs bins: ``inner`` are the bin edges between the lowest and the highest bin."""

    space: SearchSpace
    inner: np.ndarray

    def of(self, archs: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.inner, self.space.flops(archs), side="right")


class LISSNAS(Shrinker):
    """Locality-based Iterative Search Space Shrinkage (the algorithm of DESIGN.md).

    1. Query the ground truth on ``initial_gt_fraction * gt_budget`` distinct uniform
       architectures and fit the predictor on them.
    2. Sample ``n_init`` distinct architectures; the best ``seed_fraction`` by score
       (ground truth where known, else predicted) are the seeds.
    3. Candidates A_t = seeds + their neighbours within edit distance ``radius`` (all, or
       ``neighbors_per_seed`` sampled per seed; in spaces too large to enumerate the
       default samples ``2 * max(|A_{t-1}|, min_size) / n_seeds`` per seed with the space's
       vectorised ``sample_neighbors``, so nothing is ever enumerated). With
       ``neighbor_filter="seed-threshold"`` only the candidates scoring at least the weakest
       seed are kept, and never more than |A_{t-1}| (the space shrinks every iteration, the
       paper's condition 1 of effective shrinkage) nor fewer than ``min_size`` (the best
       candidates fill up); ``"none"`` keeps all (the paper's literal loop).
    4. Active ground truth: each iteration queries the ``gt_per_iteration`` best unqueried
       candidates and refits the predictor.
    5. If the mean score of A_t (re-scored with the current predictor, as is A_{t-1}) rose
       by more than ``tol``, new seeds come from A_t and the loop repeats; otherwise A_{t-1}
       is returned. Unspent budget goes to the best unqueried members of the result, and
       ``target_size`` (if set) keeps only the best members.

    Diversity: with ``flops_bins=B`` the initial sample's FLOPs are cut into B quantile
    bins; seeds are the best ``seed_fraction`` *of each bin*, a candidate is ranked by its
    margin over the weakest seed of its own bin, and so small and large models survive
    (the paper's claim of covering the whole FLOPs range). Needs ``space.flops``.

    ``target_size`` also raises ``n_init`` and ``min_size`` to at least ``target_size``, so
    a large shrunk space (e.g. 100,000 DARTS cells) is grown, not cut from a small one.

    With ``record_trajectory`` the result keeps every A_t's members (``trajectory``); the
    default ``None`` keeps them when no A_t exceeds ``TRAJECTORY_LIMIT`` members.

    ``LISSNAS.paper()`` is the paper's literal configuration.
    """

    name = "lissnas"

    def __init__(
        self,
        gt_budget: int = 200,
        n_init: int = 1000,
        seed_fraction: float = 0.1,
        radius: int | None = None,
        neighbors_per_seed: int | None = None,
        neighbor_filter: str = "seed-threshold",
        initial_gt_fraction: float = 0.4,
        gt_per_iteration: int = 40,
        max_iter: int = 20,
        tol: float = 0.0,
        min_size: int = 200,
        target_size: int | None = None,
        flops_bins: int | None = None,
        record_trajectory: bool | None = None,
    ) -> None:
        self.gt_budget = gt_budget
        self.n_init = n_init
        self.seed_fraction = seed_fraction
        self.radius = radius
        self.neighbors_per_seed = neighbors_per_seed
        self.neighbor_filter = neighbor_filter
        self.initial_gt_fraction = initial_gt_fraction
        self.gt_per_iteration = gt_per_iteration
        self.max_iter = max_iter
        self.tol = tol
        self.min_size = min_size
        self.target_size = target_size
        self.flops_bins = flops_bins
        self.record_trajectory = record_trajectory

    @classmethod
    def paper(cls, gt_budget: int = 200) -> LISSNAS:
        """The loop as the paper describes it: all ground truth up front, top 10 % as seeds,
        every neighbour within 1/3 of the maximum edit distance kept."""
        return cls(
            gt_budget=gt_budget,
            neighbor_filter="none",
            min_size=1,
            initial_gt_fraction=1.0,
            gt_per_iteration=0,
        )

    def check_params(self) -> None:
        check_int("gt_budget", self.gt_budget, minimum=2)
        check_int("n_init", self.n_init, minimum=1)
        check_fraction("seed_fraction", self.seed_fraction)
        check_fraction("initial_gt_fraction", self.initial_gt_fraction)
        check_int("gt_per_iteration", self.gt_per_iteration, minimum=0)
        check_int("max_iter", self.max_iter, minimum=1)
        if self.radius is not None:
            check_int("radius", self.radius, minimum=1)
        if self.neighbors_per_seed is not None:
            check_int("neighbors_per_seed", self.neighbors_per_seed, minimum=1)
        check_int("min_size", self.min_size, minimum=1)
        if self.target_size is not None:
            check_int("target_size", self.target_size, minimum=1)
        if self.flops_bins is not None:
            check_int("flops_bins", self.flops_bins, minimum=1)
        if self.neighbor_filter not in NEIGHBOR_FILTERS:
            raise ValueError(
                f"neighbor_filter must be one of {NEIGHBOR_FILTERS}, got {self.neighbor_filter!r}"
            )
        if not isinstance(self.tol, int | float) or self.tol < 0:
            raise ValueError(f"tol must be a float >= 0, got {self.tol!r}")

    def shrink(
        self,
        space: SearchSpace,
        source: PerformanceSource,
        predictor: Predictor | None = None,
        seed: SeedLike = 0,
        callback: Callback | None = None,
    ) -> ShrinkResult:
        self.check_params()
        rng = check_random_state(seed)
        radius = self.radius or max(1, round(space.max_distance / 3))
        n_init = max(self.n_init, self.target_size or 0)
        min_size = max(self.min_size, self.target_size or 0)
        listable = self.neighbors_per_seed is not None or space.enumerate() is not None
        run = Run(
            self,
            space,
            source,
            predictor,
            self.gt_budget,
            callback,
            keep_trajectory=self.record_trajectory is not False,
        )
        oracle, surrogate = run.oracle, run.surrogate

        n_initial = max(2, math.floor(self.gt_budget * self.initial_gt_fraction))
        oracle.query(space.sample(n_initial, rng, distinct=True))
        surrogate.fit()

        current = space.sample(n_init, rng, distinct=True)
        scores = surrogate.score(current)
        strata = self._strata(space, current)
        run.record(current, scores)

        for _ in range(self.max_iter):
            seeds, seed_scores = self._seeds(current, scores, strata)
            per_seed = None if listable else math.ceil(2 * max(len(current), min_size) / len(seeds))
            candidates = self._grow(space, seeds, radius, rng, per_seed)
            cand_scores = surrogate.score(candidates)
            if self.gt_per_iteration and oracle.remaining:
                self._query_best(oracle, candidates, cand_scores, self.gt_per_iteration)
                surrogate.fit()
                cand_scores = surrogate.score(candidates)
                scores = surrogate.score(current)
                seed_scores = surrogate.score(seeds)
            if self.neighbor_filter == "seed-threshold":
                margin = self._margin(candidates, cand_scores, seeds, seed_scores, strata)
                n_keep = max(min_size, min(int((margin >= 0).sum()), len(current)))
                keep = np.argsort(-margin, kind="stable")[:n_keep]
                candidates, cand_scores = candidates[keep], cand_scores[keep]
            improved = cand_scores.mean() > scores.mean() + self.tol
            run.record(candidates, cand_scores, bool(improved), n_seeds=len(seeds))
            if not improved:
                break
            current, scores = candidates, cand_scores

        if oracle.remaining:
            self._query_best(oracle, current, scores, oracle.remaining)
            surrogate.fit()
            scores = surrogate.score(current)
        seeds, seed_scores = self._seeds(current, scores, strata)
        order = np.argsort(
            -self._margin(current, scores, seeds, seed_scores, strata), kind="stable"
        )
        if self.target_size is not None:
            order = order[: self.target_size]
        return run.result(
            current[order],
            seed,
            scores[order],
            config={"radius_used": radius},
            trajectory=self._trajectory(space, run.trajectory or []),
        )

    def _trajectory(self, space: SearchSpace, sets: list[np.ndarray]) -> list[list[str]]:
        """The recorded A_t as strings, unless too large (with ``record_trajectory=None``)."""
        if self.record_trajectory is None and max(map(len, sets), default=0) > TRAJECTORY_LIMIT:
            return []
        return [space.to_strings(archs) for archs in sets]

    def _strata(self, space: SearchSpace, sample: np.ndarray) -> _Strata | None:
        """FLOPs quantile bins of the initial sample, or ``None`` without ``flops_bins``."""
        if self.flops_bins is None:
            return None
        try:
            flops = space.flops(sample)
        except NotImplementedError:
            raise ValueError(
                f"flops_bins needs a space with FLOPs; {space.name} does not define them"
            ) from None
        inner = np.unique(np.quantile(flops, np.linspace(0, 1, self.flops_bins + 1)[1:-1]))
        return _Strata(space, inner)

    def _seeds(
        self, archs: np.ndarray, scores: np.ndarray, strata: _Strata | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best ``seed_fraction`` of ``archs`` (of each FLOPs bin when stratified)."""
        bins = np.zeros(len(archs), dtype=np.int64) if strata is None else strata.of(archs)
        chosen = []
        for b in np.unique(bins):
            idx = np.flatnonzero(bins == b)
            n = max(1, math.ceil(self.seed_fraction * len(idx)))
            chosen.append(idx[np.argsort(-scores[idx], kind="stable")[:n]])
        picked = np.sort(np.concatenate(chosen))
        picked = picked[np.argsort(-scores[picked], kind="stable")]
        return archs[picked], scores[picked]

    @staticmethod
    def _margin(
        archs: np.ndarray,
        scores: np.ndarray,
        seeds: np.ndarray,
        seed_scores: np.ndarray,
        strata: _Strata | None,
    ) -> np.ndarray:
        """Score minus the weakest seed's score of the same FLOPs bin (-inf: bin has no seed)."""
        if strata is None:
            return scores - seed_scores.min()
        thresholds = np.full(len(strata.inner) + 1, np.inf)
        np.minimum.at(thresholds, strata.of(seeds), seed_scores)
        return scores - thresholds[strata.of(archs)]

    def _grow(
        self,
        space: SearchSpace,
        seeds: np.ndarray,
        radius: int,
        rng: np.random.Generator,
        per_seed: int | None = None,
    ) -> np.ndarray:
        """Seeds plus their neighbours (all, or ``per_seed`` sampled), canonical, distinct."""
        per_seed = per_seed or self.neighbors_per_seed
        if per_seed is not None:
            return space.unique(
                np.vstack([seeds, space.sample_neighbors(seeds, radius, per_seed, rng)])
            )
        blocks = [seeds]
        for arch in seeds:
            blocks.append(space.neighbors(arch, radius, rng))
        return space.unique(np.vstack(blocks))

    @staticmethod
    def _query_best(oracle: Oracle, archs: np.ndarray, scores: np.ndarray, n: int) -> None:
        """Query the ground truth of the ``n`` best-scored architectures not yet queried."""
        fresh = np.flatnonzero(~oracle.known_mask(archs))
        best = fresh[np.argsort(-scores[fresh], kind="stable")[: min(n, oracle.remaining)]]
        if len(best):
            oracle.query(archs[best])
