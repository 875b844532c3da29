"""The ``Shrinker`` ABC and the bookkeeping every shrinker shares."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import clone

from lissnas._random import SeedLike
from lissnas.benchmarks import PerformanceSource
from lissnas.predictors import Predictor, XGBoostPredictor
from lissnas.shrink._result import IterationRecord, ShrinkResult
from lissnas.spaces import SearchSpace

Callback = Callable[[IterationRecord], None]


class Shrinker(ABC):
    """Shrinks a search space to a subset dense in good architectures.

    Contract: ``shrink`` may query ``source`` (the expensive ground truth) at most
    ``gt_budget`` times and ``predictor`` (cloned, never mutated) as often as it likes; it is
    deterministic given ``seed``; it returns a ``ShrinkResult`` whose members are distinct
    canonical architectures of ``space``. ``callback`` is called after every iteration.
    Hyper-parameters are constructor arguments (scikit-learn rules) and ``get_params``
    returns them all, which is what results record as their configuration.
    """

    name: str = "shrinker"

    def get_params(self) -> dict[str, Any]:
        """Constructor arguments by name."""
        import inspect

        names = inspect.signature(type(self).__init__).parameters
        return {n: getattr(self, n) for n in names if n != "self"}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def check_params(self) -> None:  # noqa: B027 (optional hook; no checks by default)
        """Raise ``ValueError`` naming the first invalid hyper-parameter (called by ``shrink``)."""

    @abstractmethod
    def shrink(
        self,
        space: SearchSpace,
        source: PerformanceSource,
        predictor: Predictor | None = None,
        seed: SeedLike = 0,
        callback: Callback | None = None,
    ) -> ShrinkResult:
        """Shrink ``space`` using ``source`` as ground truth and ``predictor`` as surrogate."""


class Oracle:
    """Ground truth with a budget and a cache; scores are oriented so larger is better."""

    def __init__(self, space: SearchSpace, source: PerformanceSource, budget: int) -> None:
        self.space = space
        self.source = source
        self.budget = budget
        self._index: dict[Any, int] = {}
        self._archs: list[np.ndarray] = []
        self._scores: list[float] = []
        self._sign = 1.0 if source.maximize else -1.0

    @property
    def queries(self) -> int:
        return len(self._scores)

    @property
    def remaining(self) -> int:
        return self.budget - self.queries

    def query(self, archs: np.ndarray) -> np.ndarray:
        """Scores of canonical ``archs``; only unseen ones reach the source.

        Raises ``RuntimeError`` rather than exceed the budget.
        """
        keys = self.space.keys(archs).tolist()
        new = [i for i, k in enumerate(keys) if k not in self._index]
        new = sorted({keys[i]: i for i in reversed(new)}.values())  # first of duplicates
        if len(new) > self.remaining:
            raise RuntimeError(
                f"ground-truth budget exceeded: {len(new)} new queries, {self.remaining} left"
            )
        if new:
            values = self._sign * self.source.evaluate(archs[new])
            for i, value in zip(new, values.tolist(), strict=True):
                self._index[keys[i]] = len(self._scores)
                self._archs.append(archs[i])
                self._scores.append(value)
        return np.array([self._scores[self._index[k]] for k in keys])

    def query_prefix(self, archs: np.ndarray) -> np.ndarray:
        """Scores of the longest prefix of canonical ``archs`` the remaining budget answers
        (all of them when it suffices); never raises for the budget."""
        keys = self.space.keys(archs).tolist()
        new: set[Any] = set()
        end = len(keys)
        for i, key in enumerate(keys):
            if key not in self._index and key not in new:
                if len(new) == self.remaining:
                    end = i
                    break
                new.add(key)
        return self.query(archs[:end])

    def record(self, archs: np.ndarray, values: np.ndarray) -> None:
        """Enter ground truth known beforehand (``values`` as the source gives them, for
        canonical ``archs``) as if queried: it counts toward the budget, the source is not
        asked, and rows already known keep their first value."""
        values = np.asarray(values, dtype=float)
        if len(archs) != len(values):
            raise ValueError(f"{len(archs)} architectures but {len(values)} values")
        for arch, key, value in zip(archs, self.space.keys(archs).tolist(), values, strict=True):
            if key not in self._index:
                self._index[key] = len(self._scores)
                self._archs.append(arch)
                self._scores.append(self._sign * float(value))

    def known_mask(self, archs: np.ndarray) -> np.ndarray:
        """Which rows of ``archs`` were queried already."""
        return np.array([k in self._index for k in self.space.keys(archs).tolist()], dtype=bool)

    def known(self) -> tuple[np.ndarray, np.ndarray]:
        """Architectures queried so far and their scores."""
        if not self._archs:
            return np.empty((0, self.space.n_positions), dtype=np.int64), np.empty(0)
        return np.vstack(self._archs), np.array(self._scores)


class Surrogate:
    """The predictor fitted on the oracle's ground truth, counting its predictions.

    ``score`` returns ground truth where the oracle knows it and predictions elsewhere.
    """

    def __init__(self, space: SearchSpace, predictor: Predictor | None, oracle: Oracle) -> None:
        self.space = space
        self.template = predictor if predictor is not None else XGBoostPredictor()
        self.oracle = oracle
        self.queries = 0
        self.model: Predictor | None = None

    def fit(self) -> None:
        """Fit a fresh clone of the predictor on everything the oracle has answered."""
        X, y = self.oracle.known()
        self.model = clone(self.template).fit(self.space.encode(X), y)

    def predict(self, archs: np.ndarray) -> np.ndarray:
        """Predicted scores (counted as predictor queries)."""
        if self.model is None:
            raise RuntimeError("the surrogate must be fitted before predicting")
        self.queries += len(archs)
        return self.model.predict(self.space.encode(archs))

    def score(self, archs: np.ndarray) -> np.ndarray:
        """Ground truth where known, prediction elsewhere."""
        scores = np.empty(len(archs))
        known = self.oracle.known_mask(archs)
        if known.any():
            scores[known] = self.oracle.query(archs[known])
        if (~known).any():
            scores[~known] = self.predict(archs[~known])
        return scores


class Run:
    """Oracle, surrogate and history of one ``shrink`` call: the bookkeeping every shrinker
    shares. ``record`` logs an iteration (and calls the callback); ``result`` builds the
    ``ShrinkResult``. With ``keep_trajectory`` every recorded A_t is kept in ``trajectory``."""

    def __init__(
        self,
        shrinker: Shrinker,
        space: SearchSpace,
        source: PerformanceSource,
        predictor: Predictor | None,
        gt_budget: int,
        callback: Callback | None,
        keep_trajectory: bool = False,
    ) -> None:
        self.shrinker = shrinker
        self.space = space
        self.source = source
        self.start = time.perf_counter()
        self.oracle = Oracle(space, source, gt_budget)
        self.surrogate = Surrogate(space, predictor, self.oracle)
        self.sign = 1.0 if source.maximize else -1.0  # scores are oriented: larger is better
        self.history: list[IterationRecord] = []
        self.trajectory: list[np.ndarray] | None = [] if keep_trajectory else None
        self.callback = callback

    def fit_uniform(self, n: int, rng: np.random.Generator) -> None:
        """Query ``n`` distinct uniform architectures (capped by the budget) and fit."""
        n = min(n, self.oracle.remaining)
        if n:
            self.oracle.query(self.space.sample(n, rng, distinct=True))
        self.surrogate.fit()

    def record(
        self, archs: np.ndarray, scores: np.ndarray, accepted: bool = True, n_seeds: int = 0
    ) -> None:
        """Log the next iteration: candidate space ``archs`` with oriented ``scores``."""
        rec = IterationRecord(
            iteration=len(self.history),
            size=len(archs),
            n_seeds=n_seeds,
            mean_score=float(self.sign * scores.mean()) if len(scores) else float("nan"),
            max_score=float(self.sign * scores.max()) if len(scores) else float("nan"),
            gt_queries=self.oracle.queries,
            predictor_queries=self.surrogate.queries,
            seconds=time.perf_counter() - self.start,
            accepted=accepted,
        )
        self.history.append(rec)
        if self.trajectory is not None:
            self.trajectory.append(archs)
        if self.callback is not None:
            self.callback(rec)

    def result(
        self,
        members: np.ndarray,
        seed: SeedLike,
        scores: np.ndarray | None = None,
        config: dict[str, Any] | None = None,
        trajectory: list[list[str]] | None = None,
    ) -> ShrinkResult:
        """The result for ``members``, taken in the given order with their oriented
        ``scores``; without ``scores`` the distinct members are ranked best first by score
        (ground truth where known). ``config`` adds to the shrinker's parameters."""
        if scores is None:
            members = self.space.unique(members)
            scores = self.surrogate.score(members)
            order = np.argsort(-scores, kind="stable")
            members, scores = members[order], scores[order]
        queried, queried_scores = self.oracle.known()
        return ShrinkResult(
            method=self.shrinker.name,
            config=self.shrinker.get_params() | (config or {}),
            seed=seed if isinstance(seed, int) else None,
            benchmark=self.source.name,
            space=self.space.name,
            metric=self.source.metric,
            maximize=self.source.maximize,
            full_size=self.space.size,
            members=self.space.to_strings(members),
            member_scores=(self.sign * scores).tolist(),
            gt_queries=self.oracle.queries,
            predictor_queries=self.surrogate.queries,
            wall_time_s=time.perf_counter() - self.start,
            history=self.history,
            queried=self.space.to_strings(queried),
            queried_values=(self.sign * queried_scores).tolist(),
            trajectory=trajectory or [],
        )
