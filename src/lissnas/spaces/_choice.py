"""Layer-wise choice spaces (one choice per layer) and NAS-Bench-Macro."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from lissnas._random import SeedLike, check_random_state
from lissnas.spaces._base import (
    SearchSpace,
    check_neighbor_args,
    hamming_ball,
    per_arch_table,
    subsample,
)

#: Cost table (one value per architecture, in ``keys`` order) or a function of a batch.
CostLike = np.ndarray | Sequence[float] | Callable[[np.ndarray], np.ndarray] | None

#: Largest space ``enumerate`` lists; larger ones return ``None``.
MAX_ENUMERATE = 1_000_000
#: Largest neighbourhood ``neighbors`` lists in full; beyond it a ``limit`` is required.
MAX_BALL = 2_000_000
#: Neighbourhoods up to this size are listed and then subsampled; larger ones are sampled.
_SUBSAMPLE_BELOW = 200_000

#: NAS-Bench-Macro's per-layer choices, in the digit order of its keys.
NBMACRO_CHOICES = ("identity", "mb3_k3", "mb6_k5")
NBMACRO_LAYERS = 8


def _elementary_symmetric(weights: Sequence[int], k_max: int) -> list[int]:
    """``e_0..e_k_max`` of ``weights`` as exact Python ints."""
    e = [1] + [0] * k_max
    for w in weights:
        for k in range(k_max, 0, -1):
            e[k] += e[k - 1] * w
    return e


class ChoiceSpace(SearchSpace):
    """A space with one independent choice per layer (SPOS/ShuffleNetV2, FairNAS, NAS-Bench-Macro).

    An architecture stores, per layer, the index of its choice in ``choices[layer]``. There
    is no isomorphism (``canonical`` only validates), and the edit distance is the Hamming
    distance: the number of layers whose choice differs.

    Parameters
    ----------
    name : str
        Short name of the space (result files, command line).
    choices : sequence of sequences of str
        ``choices[i]`` names the candidate operations of layer ``i`` (distinct, at least one).
    flops, params : array, callable or None
        FLOPs / parameter counts in millions: an array with one value per architecture in
        ``keys`` order (the mixed-radix index of the choice vector, first layer most
        significant), or a function mapping a 2-D batch to one value per row.

    String form: each layer's choice index, digits joined (``"02012100"``); when some layer
    has 10 or more choices the indices are joined with ``"-"`` (``"0-12-3"``).
    """

    def __init__(
        self,
        name: str,
        choices: Sequence[Sequence[str]],
        *,
        flops: CostLike = None,
        params: CostLike = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty str, got {name!r}")
        if isinstance(choices, str) or not isinstance(choices, Sequence) or not choices:
            raise ValueError(
                f"choices must be a non-empty list of per-layer choice lists, got {choices!r}"
            )
        layers = []
        for i, layer in enumerate(choices):
            if isinstance(layer, str) or not isinstance(layer, Sequence) or not layer:
                raise ValueError(
                    f"choices[{i}] must be a non-empty list of choice names, got {layer!r}"
                )
            names = tuple(str(c) for c in layer)
            if len(set(names)) != len(names):
                raise ValueError(f"choices[{i}] has duplicate names: {list(names)}")
            layers.append(names)
        super().__init__([len(layer) for layer in layers])
        self.name = name
        self.choices: tuple[tuple[str, ...], ...] = tuple(layers)
        self._sep = "-" if int(self.cardinalities.max()) >= 10 else ""
        self._flops = self._check_cost("flops", flops)
        self._params = self._check_cost("params", params)

    def _check_cost(self, what: str, cost: CostLike) -> np.ndarray | Callable | None:
        return cost if callable(cost) else per_arch_table(self, what, cost, "architecture")

    def __repr__(self) -> str:
        cardinalities = self.cardinalities.tolist()
        return f"{type(self).__name__}(name={self.name!r}, cardinalities={cardinalities})"

    # -- size ---------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return math.prod(int(c) for c in self.cardinalities)

    @property
    def max_distance(self) -> int:
        """Number of layers with at least two choices."""
        return int((self.cardinalities > 1).sum())

    def enumerate(self) -> np.ndarray | None:
        """All architectures in ``keys`` order when there are at most ``MAX_ENUMERATE``."""
        if self.size > MAX_ENUMERATE:
            return None
        grid = np.indices(self.cardinalities).reshape(self.n_positions, -1).T
        return np.ascontiguousarray(grid, dtype=np.int64)

    def from_keys(self, keys: np.ndarray | Sequence[int]) -> np.ndarray:
        """Architectures of the given ``keys`` (inverse of ``keys`` for int64 keys)."""
        K = np.asarray(keys, dtype=np.int64).reshape(-1)
        if self.size >= 2**62:
            raise ValueError(f"{self.name}: keys are bytes for a space of size {self.size}")
        if ((K < 0) | (self.size <= K)).any():
            bad = int(K[(K < 0) | (self.size <= K)][0])
            raise ValueError(f"{self.name}: key {bad} outside 0..{self.size - 1}")
        X = np.empty((len(K), self.n_positions), dtype=np.int64)
        for pos in range(self.n_positions - 1, -1, -1):
            K, X[:, pos] = np.divmod(K, self.cardinalities[pos])
        return X

    def sample(self, n: int, seed: SeedLike = None, *, distinct: bool = False) -> np.ndarray:
        """``n`` uniform architectures; with ``distinct`` drawn without replacement."""
        rng = check_random_state(seed)
        if not distinct:
            return self._sample_raw(n, rng)
        if self.size >= 2**62:
            return super().sample(n, rng, distinct=True)
        keys = rng.choice(self.size, size=min(n, self.size), replace=False)
        return self.from_keys(keys)

    # -- locality -----------------------------------------------------------------------
    def ball_size(self, max_distance: int) -> int:
        """Number of architectures at Hamming distance 1..``max_distance`` of any one."""
        return sum(self._shell_sizes(max_distance)[1:])

    def _shell_sizes(self, max_distance: int) -> list[int]:
        k_max = min(max_distance, self.n_positions)
        return _elementary_symmetric([int(c) - 1 for c in self.cardinalities], k_max)

    def neighbors(
        self,
        arch: np.ndarray | Sequence[int],
        max_distance: int = 1,
        seed: SeedLike = None,
        limit: int | None = None,
    ) -> np.ndarray:
        """Architectures at Hamming distance 1..``max_distance``, nearest first.

        Without ``limit`` all of them (at most ``MAX_BALL``, else ``ValueError``); with it a
        uniform random subset of ``limit`` distinct ones, drawn without listing the whole
        neighbourhood when it is large.
        """
        check_neighbor_args(max_distance, limit)
        center = self.validate(arch)[0]
        n_ball = self.ball_size(max_distance)
        if limit is None:
            if n_ball > MAX_BALL:
                raise ValueError(
                    f"{self.name}: {n_ball} architectures lie within distance {max_distance}; "
                    f"pass limit= to sample them (at most {MAX_BALL} are listed)"
                )
            return hamming_ball(center, self.cardinalities, max_distance)
        if n_ball <= limit:
            return hamming_ball(center, self.cardinalities, max_distance)
        rng = check_random_state(seed)
        if n_ball <= _SUBSAMPLE_BELOW:
            ball = hamming_ball(center, self.cardinalities, max_distance)
            return ball[subsample(len(ball), limit, rng)]
        found = self._sample_ball(center, max_distance, limit, rng)
        dist = (found != center).sum(axis=1)
        return found[np.lexsort((self.keys(found), dist))]

    def _sample_ball(
        self, center: np.ndarray, max_distance: int, limit: int, rng: np.random.Generator
    ) -> np.ndarray:
        """``limit`` distinct architectures drawn uniformly from the distance ball."""
        shells = self._shell_sizes(max_distance)
        k_max = len(shells) - 1
        total = sum(shells[1:])
        p_shell = np.array([s / total for s in shells[1:]])
        weights = [int(c) - 1 for c in self.cardinalities]
        # suffix[p][k]: e_k of weights[p:]; position p joins a size-k change set with
        # probability weights[p] * suffix[p+1][k-1] / suffix[p][k]
        suffix = [[0] * (k_max + 1) for _ in range(self.n_positions + 1)]
        suffix[self.n_positions][0] = 1
        for p in range(self.n_positions - 1, -1, -1):
            for k in range(k_max + 1):
                below = suffix[p + 1][k - 1] * weights[p] if k else 0
                suffix[p][k] = suffix[p + 1][k] + below
        p_take = np.zeros((self.n_positions, k_max + 1))
        for p in range(self.n_positions):
            for k in range(1, k_max + 1):
                if suffix[p][k]:
                    p_take[p, k] = weights[p] * suffix[p + 1][k - 1] / suffix[p][k]
        found = np.empty((0, self.n_positions), dtype=np.int64)
        while len(found) < limit:
            m = 2 * (limit - len(found)) + 16
            need = rng.choice(np.arange(1, k_max + 1), size=m, p=p_shell)
            draws = np.repeat(center[None, :], m, axis=0)
            for p in range(self.n_positions):
                take = rng.random(m) < p_take[p, need]
                need = need - take
                shift = rng.integers(1, max(int(self.cardinalities[p]), 2), size=m)
                draws[take, p] = (center[p] + shift[take]) % self.cardinalities[p]
            found = np.vstack([found, draws])
            _, first = np.unique(self.keys(found), return_index=True)
            found = found[np.sort(first)]
        return found[:limit]

    def distance(self, a: np.ndarray | Sequence[int], b: np.ndarray | Sequence[int]) -> int:
        """Hamming distance: the number of layers whose choice differs."""
        return int((self.validate(a)[0] != self.validate(b)[0]).sum())

    # -- representations ----------------------------------------------------------------
    def encode(self, archs: np.ndarray) -> np.ndarray:
        """One-hot choice of every layer (``sum(cardinalities)`` columns)."""
        X = self.validate(archs)
        offsets = np.r_[0, np.cumsum(self.cardinalities)[:-1]]
        out = np.zeros((len(X), int(self.cardinalities.sum())), dtype=np.float32)
        out[np.arange(len(X))[:, None], X + offsets] = 1.0
        return out

    def choice_names(self, arch: np.ndarray | Sequence[int]) -> list[str]:
        """The name of each layer's choice."""
        x = self.validate(arch)[0]
        return [self.choices[i][int(c)] for i, c in enumerate(x)]

    def to_string(self, arch: np.ndarray | Sequence[int]) -> str:
        return self._sep.join(str(int(c)) for c in self.validate(arch)[0])

    def from_string(self, text: str) -> np.ndarray:
        if not isinstance(text, str):
            raise ValueError(f"{self.name}: expected a str, got {text!r}")
        body = text.strip()
        tokens = body.split(self._sep) if self._sep else list(body)
        if len(tokens) != self.n_positions:
            how = f"joined by {self._sep!r}" if self._sep else "one digit per layer"
            raise ValueError(
                f"{self.name}: {text!r} has {len(tokens)} layer choices, expected "
                f"{self.n_positions} ({how})"
            )
        out = np.empty(self.n_positions, dtype=np.int64)
        for pos, token in enumerate(tokens):
            limit = int(self.cardinalities[pos])
            if not (token.isascii() and token.isdigit()) or int(token) >= limit:
                raise ValueError(
                    f"{self.name}: layer {pos} of {text!r} has unknown choice {token!r}, "
                    f"expected 0..{limit - 1}"
                )
            out[pos] = int(token)
        return out

    # -- cost ---------------------------------------------------------------------------
    def _cost(self, what: str, cost: np.ndarray | Callable | None, archs: np.ndarray):
        X = self.validate(archs)
        if cost is None:
            raise NotImplementedError(f"{self.name} does not define {what}")
        if callable(cost):
            values = np.asarray(cost(X), dtype=float).reshape(-1)
            if len(values) != len(X):
                raise ValueError(
                    f"{self.name}: {what} function returned {len(values)} values for "
                    f"{len(X)} architectures"
                )
            return values
        return cost[self.keys(X)]

    def flops(self, archs: np.ndarray) -> np.ndarray:
        """FLOPs (millions) from the table or function given to the constructor."""
        return self._cost("FLOPs", self._flops, archs)

    def params(self, archs: np.ndarray) -> np.ndarray:
        """Parameters (millions) from the table or function given to the constructor."""
        return self._cost("parameter counts", self._params, archs)


class NBMacroSpace(ChoiceSpace):
    """NAS-Bench-Macro: 8 layers, each ``identity`` (0), ``mb3_k3`` (1) or ``mb6_k5`` (2).

    3^8 = 6,561 architectures; the string form is the benchmark's 8-digit key
    (``"02012100"``). FLOPs and parameters are the benchmark's own measurements, so they are
    known only when given: ``lissnas.benchmarks.load_benchmark("nbmacro-cifar10").space``
    carries them.

    Parameters
    ----------
    flops, params : array or None
        Millions, one value per architecture in ``keys`` order (``int(key, 3)``).
    """

    def __init__(self, *, flops: CostLike = None, params: CostLike = None) -> None:
        super().__init__("nbmacro", [NBMACRO_CHOICES] * NBMACRO_LAYERS, flops=flops, params=params)

    def __repr__(self) -> str:
        known = self._flops is not None or self._params is not None
        return f"NBMacroSpace(cost_tables={known})"
