"""Locality of a search space (the paper's Figure 2 and Table 8).

* Random-walk autocorrelation (RWA): along random walks of single edits, the Pearson
  correlation between f(x_t) and f(x_{t+lag}), pooled over walks, for lags 1..L.
* Absolute accuracy difference (AAD): mean |f(a) - f(b)| over random pairs at edit
  distance exactly d (d = 1, 2, 3), for each change type the space has (NAS-Bench-201:
  ``op`` = one non-``none`` op replaced by another, ``edge`` = an edge added or removed,
  i.e. a change to or from ``none``; NAS-Bench-Graph: ``op`` vs ``link``; layer-wise spaces:
  ``op`` only) and for all types mixed (``all``).

A space preserves locality when AAD rises with distance and RWA falls with lag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from lissnas._random import SeedLike, check_random_state
from lissnas._validation import check_int
from lissnas.benchmarks import PerformanceSource
from lissnas.spaces import NB201Space, SearchSpace
from lissnas.spaces._graph import NBGraphSpace

Values = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class LocalityResult:
    """RWA by lag and AAD by distance and change type, with the sample sizes behind them.

    ``to_dict()`` (the JSON of ``lissnas locality --out``) has keys ``benchmark``, ``metric``,
    ``rwa`` ({lag: correlation}), ``aad`` ({distance: {change type: mean |difference|}}),
    ``aad_pairs`` (same shape: pairs measured), ``n_walks``, ``walk_length``, ``samples``,
    ``seed`` and ``preserves_locality``.
    """

    benchmark: str
    metric: str
    rwa: dict[int, float]
    aad: dict[int, dict[str, float]]
    aad_pairs: dict[int, dict[str, int]]
    n_walks: int
    walk_length: int
    samples: int
    seed: int | None

    @property
    def preserves_locality(self) -> bool:
        """AAD (all change types) non-decreasing in distance and RWA non-increasing in lag."""
        aad = [self.aad[d]["all"] for d in sorted(self.aad)]
        rwa = [self.rwa[lag] for lag in sorted(self.rwa)]
        return bool(np.all(np.diff(aad) >= 0) and np.all(np.diff(rwa) <= 0))

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["preserves_locality"] = self.preserves_locality
        return doc


def change_kinds(space: SearchSpace) -> tuple[str, ...]:
    """The change types of ``space`` (see the module docstring)."""
    if isinstance(space, NB201Space):
        return ("op", "edge")
    if isinstance(space, NBGraphSpace):
        return ("op", "link")
    return ("op",)


def _edit(
    space: SearchSpace, X: np.ndarray, used: np.ndarray, kind: str, rng: np.random.Generator
) -> np.ndarray:
    """Apply one raw edit of ``kind`` per row at a position not yet ``used`` (marked in place).

    Rows where no such position exists are left unchanged.
    """
    n, d = X.shape
    allowed = ~used
    if kind == "edge":  # NB201: to or from none (op 0)
        new_for = lambda pos, old: np.where(old == 0, rng.integers(1, 5, len(old)), 0)  # noqa: E731
    elif isinstance(space, NB201Space) and kind == "op":
        allowed &= X != 0
        new_for = lambda pos, old: 1 + (old - 1 + rng.integers(1, 4, len(old))) % 4  # noqa: E731
    else:
        if isinstance(space, NBGraphSpace):
            link = np.zeros(d, dtype=bool)
            link[0] = True
            if kind == "link":
                allowed &= link
            elif kind == "op":
                allowed &= ~link
        card = space.cardinalities

        def new_for(pos: np.ndarray, old: np.ndarray) -> np.ndarray:
            return (old + rng.integers(1, card[pos], len(old))) % card[pos]

    weights = allowed * rng.random((n, d))
    rows = np.flatnonzero(allowed.any(axis=1))
    pos = weights[rows].argmax(axis=1)
    out = X.copy()
    out[rows, pos] = new_for(pos, X[rows, pos])
    used[rows, pos] = True
    return out


def _valid_rows(space: SearchSpace, X: np.ndarray) -> np.ndarray:
    try:
        space.canonical(X)
        return np.ones(len(X), dtype=bool)
    except ValueError:
        return np.array([space.contains(row) and _canonicalises(space, row) for row in X])


def _canonicalises(space: SearchSpace, row: np.ndarray) -> bool:
    try:
        space.canonical(row)
    except ValueError:
        return False
    return True


def random_walk_autocorrelation(
    space: SearchSpace,
    values: Values,
    *,
    n_walks: int = 20,
    walk_length: int = 100,
    max_lag: int = 5,
    seed: SeedLike = 0,
) -> dict[int, float]:
    """RWA at lags 1..``max_lag`` over ``n_walks`` walks of ``walk_length`` single edits.

    Each step changes one position of the current encoding to another value and moves to
    its canonical class (steps landing in the same class or an invalid one are redrawn).
    """
    check_int("n_walks", n_walks, minimum=1)
    check_int("max_lag", max_lag, minimum=1)
    check_int("walk_length", walk_length, minimum=max_lag + 2)
    rng = check_random_state(seed)
    X = space.sample(n_walks, rng)
    walk = [X]
    for _ in range(walk_length - 1):
        current = walk[-1]
        nxt = current.copy()
        pending = np.ones(len(current), dtype=bool)
        for _ in range(20):
            idx = np.flatnonzero(pending)
            if not len(idx):
                break
            proposal = _edit(
                space, current[idx], np.zeros_like(current[idx], dtype=bool), "any", rng
            )
            ok = _valid_rows(space, proposal)
            moved = np.zeros(len(idx), dtype=bool)
            if ok.any():
                canon = space.canonical(proposal[ok])
                moved[ok] = space.keys(canon) != space.keys(current[idx][ok])
                nxt[idx[ok][moved[ok]]] = canon[moved[ok]]
            pending[idx[moved]] = False
        walk.append(nxt)
    W = np.stack(walk, axis=1)  # (n_walks, walk_length, d)
    f = values(W.reshape(-1, W.shape[2])).reshape(n_walks, walk_length)
    return {
        lag: float(np.corrcoef(f[:, :-lag].ravel(), f[:, lag:].ravel())[0, 1])
        for lag in range(1, max_lag + 1)
    }


def absolute_accuracy_difference(
    space: SearchSpace,
    values: Values,
    *,
    distances: tuple[int, ...] = (1, 2, 3),
    samples: int = 500,
    seed: SeedLike = 0,
) -> tuple[dict[int, dict[str, float]], dict[int, dict[str, int]]]:
    """AAD by distance and change type, and the number of pairs behind each value.

    For each distance d and type, ``samples`` uniform architectures receive d edits of that
    type at distinct positions; pairs whose edit distance is exactly d are kept. ``all``
    mixes the types.
    """
    check_int("samples", samples, minimum=1)
    rng = check_random_state(seed)
    kinds = change_kinds(space)
    aad: dict[int, dict[str, float]] = {}
    pairs: dict[int, dict[str, int]] = {}
    for d in distances:
        check_int("distance", d, minimum=1)
        aad[d], pairs[d] = {}, {}
        for kind in (*kinds, "any") if len(kinds) > 1 else ("any",):
            base = space.sample(samples, rng)
            X, used = base.copy(), np.zeros_like(base, dtype=bool)
            for _ in range(d):
                X = _edit(space, X, used, kind, rng)
            ok = _valid_rows(space, X)
            a, b = base[ok], space.canonical(X[ok])
            exact = np.array(
                [space.distance(x, y) == d for x, y in zip(a, b, strict=True)], dtype=bool
            )
            diff = np.abs(values(a[exact]) - values(b[exact])) if exact.any() else np.empty(0)
            label = "all" if kind == "any" else kind
            aad[d][label] = float(diff.mean()) if diff.size else float("nan")
            pairs[d][label] = int(diff.size)
        if len(kinds) == 1:
            aad[d][kinds[0]], pairs[d][kinds[0]] = aad[d]["all"], pairs[d]["all"]
    return aad, pairs


def table_lookup(source: PerformanceSource) -> Values:
    """Values from the source's complete table (no queries counted), else ``source.evaluate``."""
    table = source.ground_truth()
    if table is None:
        return source.evaluate
    archs, values = table
    space = source.space
    keys = space.keys(archs)
    order = np.argsort(keys)

    def lookup(X: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(keys, space.keys(space.canonical(X)), sorter=order)
        return values[order[pos]]

    return lookup


def analyze_locality(
    source: PerformanceSource,
    *,
    samples: int = 500,
    n_walks: int = 20,
    walk_length: int = 100,
    max_lag: int = 5,
    seed: int = 0,
) -> LocalityResult:
    """RWA (lags 1..``max_lag``) and AAD (distances 1-3, by change type) of ``source``."""
    values = table_lookup(source)
    rwa = random_walk_autocorrelation(
        source.space, values, n_walks=n_walks, walk_length=walk_length, max_lag=max_lag, seed=seed
    )
    aad, pairs = absolute_accuracy_difference(source.space, values, samples=samples, seed=seed + 1)
    return LocalityResult(
        benchmark=source.name,
        metric=source.metric,
        rwa=rwa,
        aad=aad,
        aad_pairs=pairs,
        n_walks=n_walks,
        walk_length=walk_length,
        samples=samples,
        seed=seed,
    )
