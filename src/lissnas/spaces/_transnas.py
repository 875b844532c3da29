"""TransNAS-Bench-101 search spaces: the micro (cell) space and the macro (skeleton) space."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property

import numpy as np

from lissnas._random import SeedLike
from lissnas.spaces._base import SearchSpace, check_neighbor_args, subsample
from lissnas.spaces._nb201 import NB201_EDGES, NB201Space, _CellClassSpace

#: Micro-cell operations in TransNAS-Bench-101's string codes (0 zero, 1 skip, 2 conv1x1,
#: 3 conv3x3); the indices coincide with the first four of ``NB201_OPS``.
TNB_MICRO_OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3")
#: Macro module codes: 0 absent (padding after the last module), 1 plain, 2 channels x2,
#: 3 stride 2 (downsampling), 4 both.
TNB_MACRO_CODES = ("absent", "plain", "channel_x2", "stride_2", "channel_x2+stride_2")

_MICRO_RE = re.compile(r"^64-41414-([0-3])_([0-3]{2})_([0-3]{3})$")
_MACRO_RE = re.compile(r"^64-([1-4]+)-basic$")
_DOWN = np.array([False, False, False, True, True])  # code -> downsamples
_WIDEN = np.array([False, False, True, False, True])  # code -> doubles channels


class TransNASMicroSpace(_CellClassSpace):
    """TransNAS-Bench-101 micro cells: 4^6 = 4,096 encodings, 1,236 isomorphism classes.

    The cell is NAS-Bench-201's 4-node DAG without the pooling op. Position ``i`` holds the
    op code (``TNB_MICRO_OPS``) of edge ``NB201_EDGES[i]``, the order of the benchmark string
    ``64-41414-a_bc_def``. Isomorphism classes are those of NAS-Bench-201 (``unique_string``);
    the canonical member is the one with the smallest ``keys`` value and the edit distance is
    the fewest op changes between any members of the two classes.
    """

    name = "tnb101-micro"

    def __init__(self) -> None:
        super().__init__([len(TNB_MICRO_OPS)] * len(NB201_EDGES))

    def encode(self, archs: np.ndarray) -> np.ndarray:
        """One-hot ops of the canonical cell, counts of skip/conv1x1/conv3x3 on live
        input-output paths, whether the output is connected, and the longest conv chain."""
        X = self.canonical(archs)
        onehot = (X[:, :, None] == np.arange(len(TNB_MICRO_OPS))).reshape(len(X), -1)
        live = NB201Space._live_edges(X)
        counts = np.stack([((op == X) & live).sum(axis=1) for op in (1, 2, 3)], axis=1)
        depth = NB201Space._conv_depth(X, live)
        return np.hstack([onehot, counts, live.any(axis=1)[:, None], depth[:, None]]).astype(
            np.float32
        )

    def to_string(self, arch: np.ndarray | Sequence[int]) -> str:
        return "64-41414-{}_{}{}_{}{}{}".format(*self.validate(arch)[0])

    def from_string(self, text: str) -> np.ndarray:
        match = _MICRO_RE.match(text.strip())
        if match is None:
            raise ValueError(
                f"{self.name}: {text!r} is not a TransNAS-Bench-101 micro string like "
                "'64-41414-3_33_333' (op codes 0 zero, 1 skip, 2 conv1x1, 3 conv3x3)"
            )
        return np.array([int(c) for c in "".join(match.groups())], dtype=np.int64)


class TransNASMacroSpace(SearchSpace):
    """TransNAS-Bench-101 macro skeletons: the 3,256 valid sequences of 4 to 6 modules.

    Position ``i`` holds the code (``TNB_MACRO_CODES``) of module ``i``; a skeleton of ``L``
    modules has codes 1..4 in positions ``0..L-1`` and 0 after them. Valid skeletons have
    ``L`` in 4..6, downsample (codes 3, 4) 1 to 4 times and double the channels (codes 2, 4)
    1 to 3 times, the benchmark's rules. There is no isomorphism. The edit distance is the
    Levenshtein distance between module sequences: the fewest substitutions, insertions and
    deletions of single modules (between valid skeletons, through any sequences).
    """

    name = "tnb101-macro"
    min_modules, max_modules = 4, 6
    down_range, widen_range = (1, 4), (1, 3)

    def __init__(self) -> None:
        super().__init__([len(TNB_MACRO_CODES)] * self.max_modules)

    def _rules(self, X: np.ndarray) -> tuple[tuple[np.ndarray, tuple[int, int], str], ...]:
        """Per validity rule: the count of every row, its allowed range, what is counted."""
        present = X != 0
        return (
            (
                (present[:, 1:] & ~present[:, :-1]).sum(axis=1),
                (0, 0),
                "modules after an absent one (0 may only pad the end)",
            ),
            (present.sum(axis=1), (self.min_modules, self.max_modules), "modules"),
            (_DOWN[X].sum(axis=1), self.down_range, "downsampling modules (codes 3, 4)"),
            (_WIDEN[X].sum(axis=1), self.widen_range, "channel-doubling modules (codes 2, 4)"),
        )

    def validate(self, archs: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        X = super().validate(archs)
        for count, (low, high), what in self._rules(X):
            bad = (count < low) | (count > high)
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"{self.name}: architecture {row} {X[row].tolist()} has {int(count[row])} "
                    f"{what}, expected {low}..{high}"
                )
        return X

    @cached_property
    def _all(self) -> np.ndarray:
        grid = np.indices(self.cardinalities).reshape(self.n_positions, -1).T.astype(np.int64)
        ok = np.ones(len(grid), dtype=bool)
        for count, (low, high), _ in self._rules(grid):
            ok &= (low <= count) & (count <= high)
        return np.ascontiguousarray(grid[ok])  # np.indices order == keys order

    @property
    def size(self) -> int:
        return len(self._all)

    @cached_property
    def _max_distance(self) -> int:
        return max(
            int(_levenshtein(part, self._all).max()) for part in np.array_split(self._all, 16)
        )

    @property
    def max_distance(self) -> int:
        return self._max_distance

    def enumerate(self) -> np.ndarray:
        return self._all.copy()

    def neighbors(
        self,
        arch: np.ndarray | Sequence[int],
        max_distance: int = 1,
        seed: SeedLike = None,
        limit: int | None = None,
    ) -> np.ndarray:
        check_neighbor_args(max_distance, limit)
        d = _levenshtein(self.validate(arch)[:1], self._all)[0]
        found = np.flatnonzero((d >= 1) & (d <= max_distance))
        return self._all[found[subsample(len(found), limit, seed)]]

    def distance(self, a: np.ndarray | Sequence[int], b: np.ndarray | Sequence[int]) -> int:
        return int(_levenshtein(self.validate(a)[:1], self.validate(b)[:1])[0, 0])

    def encode(self, archs: np.ndarray) -> np.ndarray:
        """One-hot module codes, the number of modules, and after every module the number of
        downsamplings and channel doublings so far (its resolution and width)."""
        X = self.validate(archs)
        onehot = (X[:, :, None] == np.arange(len(TNB_MACRO_CODES))).reshape(len(X), -1)
        length = (X != 0).sum(axis=1, keepdims=True)
        return np.hstack(
            [onehot, length, np.cumsum(_DOWN[X], axis=1), np.cumsum(_WIDEN[X], axis=1)]
        ).astype(np.float32)

    def to_string(self, arch: np.ndarray | Sequence[int]) -> str:
        codes = self.validate(arch)[0]
        return "64-" + "".join(str(c) for c in codes if c) + "-basic"

    def from_string(self, text: str) -> np.ndarray:
        match = _MACRO_RE.match(text.strip())
        if match is None or len(match.group(1)) > self.max_modules:
            raise ValueError(
                f"{self.name}: {text!r} is not a TransNAS-Bench-101 macro string like "
                "'64-41414-basic' (4 to 6 module codes in 1..4)"
            )
        return self.from_modules([int(c) for c in match.group(1)])

    def from_modules(self, modules: Sequence[int]) -> np.ndarray:
        """The architecture of a module sequence (codes 1..4, no padding); validated."""
        if not self.min_modules <= len(modules) <= self.max_modules:
            raise ValueError(
                f"{self.name}: {list(modules)} has {len(modules)} modules, "
                f"expected {self.min_modules}..{self.max_modules}"
            )
        if any(not 1 <= int(m) <= 4 for m in modules):
            raise ValueError(f"{self.name}: module codes must be 1..4, got {list(modules)}")
        arch = np.zeros(self.max_modules, dtype=np.int64)
        arch[: len(modules)] = modules
        return self.validate(arch)[0]


def _levenshtein(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Levenshtein distances between the zero-padded code sequences of rows of A and B."""
    la, lb = (A != 0).sum(axis=1), (B != 0).sum(axis=1)
    n_a, n_b = A.shape[1], B.shape[1]
    prev = np.broadcast_to(np.arange(n_b + 1), (len(A), len(B), n_b + 1)).astype(np.int16)
    rows, cols = np.arange(len(A))[:, None], np.arange(len(B))[None, :]
    out = prev[rows, cols, lb[None, :]]
    for i in range(1, n_a + 1):
        row = np.empty_like(prev)
        row[..., 0] = i
        sub = (A[:, None, i - 1, None] != B[None, :, :]).astype(np.int16)
        for j in range(1, n_b + 1):
            row[..., j] = np.minimum(
                np.minimum(prev[..., j], row[..., j - 1]) + 1, prev[..., j - 1] + sub[..., j - 1]
            )
        out = np.where(la[:, None] == i, row[rows, cols, lb[None, :]], out)
        prev = row
    return out
