"""The ``SearchSpace`` abstraction: architectures as fixed-length integer vectors."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from itertools import combinations

import numpy as np

from lissnas._random import SeedLike, check_random_state


class SearchSpace(ABC):
    """A NAS search space whose architectures are integer vectors.

    Contract for implementations:

    * an architecture is a 1-D ``int64`` vector of length ``n_positions`` whose entry ``i``
      lies in ``[0, cardinalities[i])``; batches are 2-D arrays, one row per architecture;
    * ``canonical`` maps every architecture to one fixed representative of its isomorphism
      class (idempotent, vectorised); isomorphic architectures count once everywhere;
    * ``sample`` draws canonical architectures; ``neighbors`` returns the distinct canonical
      architectures at edit distance ``1..max_distance`` (never the architecture itself);
    * ``encode`` maps a batch to float features for a predictor;
    * ``to_string`` / ``from_string`` use the benchmark's own string form and round-trip.
    """

    #: Short name used in result files and on the command line.
    name: str = "space"

    def __init__(self, cardinalities: Sequence[int]) -> None:
        self.cardinalities = np.asarray(cardinalities, dtype=np.int64)
        self.n_positions = int(self.cardinalities.size)

    # -- size ---------------------------------------------------------------------------
    @property
    @abstractmethod
    def size(self) -> int:
        """Exact number of distinct (non-isomorphic, valid) architectures."""

    @property
    def max_distance(self) -> int:
        """Largest edit distance between two architectures of the space."""
        return self.n_positions

    def enumerate(self) -> np.ndarray | None:
        """All canonical architectures, sorted by ``keys``, or ``None`` if too many."""
        return None

    # -- validation ---------------------------------------------------------------------
    def validate(self, archs: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """Return ``archs`` as a 2-D int64 array, or raise ``ValueError`` naming the fault."""
        X = np.asarray(archs)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_positions:
            raise ValueError(
                f"{self.name}: architectures must have {self.n_positions} positions, "
                f"got an array of shape {np.shape(archs)}"
            )
        if X.size and not np.issubdtype(X.dtype, np.integer):
            raise ValueError(f"{self.name}: architectures must be integers, got dtype {X.dtype}")
        X = X.astype(np.int64, copy=False)
        bad = (X < 0) | (self.cardinalities <= X)
        if bad.any():
            row, pos = map(int, np.argwhere(bad)[0])
            raise ValueError(
                f"{self.name}: architecture {row} position {pos} has value {int(X[row, pos])}, "
                f"expected 0..{int(self.cardinalities[pos]) - 1}"
            )
        return X

    def contains(self, arch: np.ndarray | Sequence[int]) -> bool:
        """Whether ``arch`` is a valid architecture of this space."""
        try:
            self.validate(arch)
        except ValueError:
            return False
        return True

    # -- identity -----------------------------------------------------------------------
    def canonical(self, archs: np.ndarray) -> np.ndarray:
        """Canonical representatives of ``archs`` (identity for spaces without isomorphism)."""
        return self.validate(archs)

    def keys(self, archs: np.ndarray) -> np.ndarray:
        """One hashable key per row (int64 mixed-radix index when it fits, else bytes)."""
        X = np.asarray(archs, dtype=np.int64)
        if X.ndim == 1:
            X = X[None, :]
        if float(np.prod(self.cardinalities.astype(float))) < 2.0**62:
            radix = np.cumprod(np.r_[1, self.cardinalities[:0:-1]])[::-1].astype(np.int64)
            return X @ radix
        return np.array([row.tobytes() for row in np.ascontiguousarray(X)], dtype=object)

    def unique(self, archs: np.ndarray) -> np.ndarray:
        """Canonicalise and drop duplicates, keeping first occurrences in order."""
        X = self.canonical(archs)
        _, first = np.unique(self.keys(X), return_index=True)
        return X[np.sort(first)]

    # -- sampling and locality ----------------------------------------------------------
    def sample(self, n: int, seed: SeedLike = None, *, distinct: bool = False) -> np.ndarray:
        """Draw ``n`` canonical architectures.

        Uniform over isomorphism classes when the space can be enumerated, otherwise uniform
        over encodings followed by canonicalisation. With ``distinct`` the rows are distinct
        (and ``n`` is capped at ``size``).
        """
        rng = check_random_state(seed)
        everything = self.enumerate()
        if everything is not None:
            n_take = min(n, len(everything)) if distinct else n
            idx = rng.choice(len(everything), size=n_take, replace=not distinct)
            return everything[idx]
        if not distinct:
            return self._sample_raw(n, rng)
        found = np.empty((0, self.n_positions), dtype=np.int64)
        while len(found) < n:
            found = self.unique(np.vstack([found, self._sample_raw(2 * (n - len(found)), rng)]))
        return found[:n]

    def _sample_raw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Uniform encodings, canonicalised. Override for spaces with validity constraints."""
        X = rng.integers(0, self.cardinalities, size=(n, self.n_positions))
        return self.canonical(X)

    @abstractmethod
    def neighbors(
        self,
        arch: np.ndarray | Sequence[int],
        max_distance: int = 1,
        seed: SeedLike = None,
        limit: int | None = None,
    ) -> np.ndarray:
        """Distinct canonical architectures at edit distance 1..``max_distance`` of ``arch``.

        With ``limit`` a uniform random subset of at most ``limit`` of them is returned.
        """

    def sample_neighbors(
        self,
        archs: np.ndarray,
        max_distance: int,
        n_per_arch: int,
        seed: SeedLike = None,
    ) -> np.ndarray:
        """Up to ``n_per_arch`` random neighbours within ``max_distance`` of every row.

        The rows of all starts are concatenated (duplicates across starts are possible).
        Spaces too large for ``neighbors`` to list override this with a vectorised walk.
        """
        rng = check_random_state(seed)
        X = self.validate(archs)
        blocks = [np.empty((0, self.n_positions), dtype=np.int64)]
        blocks += [self.neighbors(arch, max_distance, rng, n_per_arch) for arch in X]
        return np.vstack(blocks)

    @abstractmethod
    def distance(self, a: np.ndarray | Sequence[int], b: np.ndarray | Sequence[int]) -> int:
        """Edit distance: the fewest single changes turning ``a`` into ``b`` (0 if isomorphic)."""

    # -- representations ----------------------------------------------------------------
    @abstractmethod
    def encode(self, archs: np.ndarray) -> np.ndarray:
        """Float feature matrix for a predictor, one row per architecture."""

    @abstractmethod
    def to_string(self, arch: np.ndarray | Sequence[int]) -> str:
        """The benchmark's own string form of one architecture."""

    @abstractmethod
    def from_string(self, text: str) -> np.ndarray:
        """Parse ``to_string`` output; raise ``ValueError`` saying what is wrong."""

    def to_strings(self, archs: np.ndarray) -> list[str]:
        """``to_string`` of every row."""
        return [self.to_string(row) for row in np.asarray(archs)]

    def from_strings(self, texts: Sequence[str]) -> np.ndarray:
        """``from_string`` of every text, as a 2-D array."""
        if not texts:
            return np.empty((0, self.n_positions), dtype=np.int64)
        return np.vstack([self.from_string(t) for t in texts])

    # -- cost ---------------------------------------------------------------------------
    def flops(self, archs: np.ndarray) -> np.ndarray:
        """FLOPs (millions of multiply-adds) per architecture.

        ``NotImplementedError`` where the space does not define them.
        """
        raise NotImplementedError(f"{self.name} does not define FLOPs")

    def params(self, archs: np.ndarray) -> np.ndarray:
        """Parameter count (millions) per architecture; ``NotImplementedError`` if unknown."""
        raise NotImplementedError(f"{self.name} does not define parameter counts")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def flops_or_none(space: SearchSpace, archs: np.ndarray) -> np.ndarray | None:
    """``space.flops(archs)``, or ``None`` where the space defines no FLOPs."""
    try:
        return space.flops(archs)
    except NotImplementedError:
        return None


def per_arch_table(
    space: SearchSpace, what: str, table: np.ndarray | Sequence[float] | None, unit: str
) -> np.ndarray | None:
    """``table`` as a float array of one value per ``unit`` of ``space`` (``space.size``
    of them), ``None`` kept; anything else raises ``ValueError`` naming the shape."""
    if table is None:
        return None
    values = np.asarray(table, dtype=float)
    if values.ndim != 1 or len(values) != space.size:
        raise ValueError(
            f"{space.name}: {what} table must hold one value per {unit} ({space.size}), "
            f"got shape {values.shape}"
        )
    return values


def check_neighbor_args(max_distance: int, limit: int | None) -> None:
    """``ValueError`` unless ``max_distance`` is an int >= 1 and ``limit`` ``None`` or an
    int >= 0 (the arguments of ``SearchSpace.neighbors``)."""
    if isinstance(max_distance, bool) or not isinstance(max_distance, int | np.integer):
        raise ValueError(f"max_distance must be an int, got {max_distance!r}")
    if max_distance < 1:
        raise ValueError(f"max_distance must be >= 1, got {max_distance}")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int | np.integer) or limit < 0
    ):
        raise ValueError(f"limit must be an int >= 0 or None, got {limit!r}")


def subsample(n: int, limit: int | None, seed: SeedLike) -> np.ndarray:
    """Sorted indices of a uniform random ``limit`` of ``range(n)``; all of them, drawing
    nothing from ``seed``, when ``limit`` is ``None`` or at least ``n``."""
    if limit is None or n <= limit:
        return np.arange(n)
    return np.sort(check_random_state(seed).choice(n, size=limit, replace=False))


def hamming_ball(center: np.ndarray, cardinalities: np.ndarray, radius: int) -> np.ndarray:
    """All vectors at Hamming distance 1..``radius`` from ``center``, nearest first."""
    center = np.asarray(center, dtype=np.int64)
    blocks = [np.empty((0, center.size), dtype=np.int64)]
    for k in range(1, min(radius, center.size) + 1):
        for positions in combinations(range(center.size), k):
            choices = [np.delete(np.arange(cardinalities[p]), center[p]) for p in positions]
            grid = np.stack(np.meshgrid(*choices, indexing="ij"), axis=-1).reshape(-1, k)
            block = np.repeat(center[None, :], len(grid), axis=0)
            block[:, positions] = grid
            blocks.append(block)
    return np.vstack(blocks)
