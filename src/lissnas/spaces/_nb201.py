"""NAS-Bench-201 / NATS-Bench topology space: a 4-node cell, 6 edges, 5 operations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from itertools import pairwise

import numpy as np

from lissnas._random import SeedLike
from lissnas.spaces._base import SearchSpace, check_neighbor_args, hamming_ball, subsample

#: Operations in the official NAS-Bench-201 order; an architecture stores these indices.
NB201_OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
#: (source, target) node of each position, in the order of the official string.
NB201_EDGES = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
#: NASLib's 6-tuples: op codes 0 skip, 1 none, 2 conv3x3, 3 conv1x1, 4 avg pool, over the
#: edges (0,1), (0,2), (0,3), (1,2), (1,3), (2,3).
NASLIB_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
_NASLIB_EDGE_OF_POSITION = np.array([0, 1, 3, 2, 4, 5])  # string position -> tuple index
_NASLIB_CODE_OF_OP = np.array([NASLIB_OPS.index(op) for op in NB201_OPS])
_OP_OF_NASLIB_CODE = np.array([NB201_OPS.index(op) for op in NASLIB_OPS])

_NONE, _SKIP, _CONV1, _CONV3, _POOL = range(5)
_STRING_RE = re.compile(r"^\|([^|]+)\|\+\|([^|]+)\|([^|]+)\|\+\|([^|]+)\|([^|]+)\|([^|]+)\|$")

# Macro skeleton of NAS-Bench-201 for CIFAR (3 stages of 5 cells, 16/32/64 channels,
# 32x32/16x16/8x8 feature maps), used for parameter and FLOP counts.
_STAGES = ((16, 32 * 32), (32, 16 * 16), (64, 8 * 8))
_CELLS_PER_STAGE = 5


def unique_string(ops: Sequence[int]) -> str:
    """Isomorphism-invariant string of a cell (NAS-Bench-201's zero-aware form).

    Each node is the sorted ``+``-sum of its inputs; ``skip_connect`` passes the source
    expression through, ``none`` (or a source that is exactly zero) contributes ``#``, and
    any other op contributes ``(source)@op``. Two cells compute the same function when
    their strings are equal.
    """
    nodes = {0: "0"}
    for target in (1, 2, 3):
        terms = []
        for position, (source, dest) in enumerate(NB201_EDGES):
            if dest != target:
                continue
            op = int(ops[position])
            if op == _NONE or nodes[source] == "#":
                terms.append("#")
            elif op == _SKIP:
                terms.append(nodes[source])
            else:
                terms.append(f"({nodes[source]})@{NB201_OPS[op]}")
        nodes[target] = "+".join(sorted(terms))
    return nodes[3]


class _CellClassSpace(SearchSpace):
    """NAS-Bench-201-style 6-edge cells grouped into isomorphism classes (``unique_string``).

    Every cell of the grid is enumerated once; a class's canonical member is the one with
    the smallest ``keys`` value, classes are numbered in that order, and the edit distance
    is the fewest op changes between any members of the two classes.
    """

    @cached_property
    def _all_cells(self) -> np.ndarray:
        grid = np.indices(self.cardinalities).reshape(self.n_positions, -1).T
        return np.ascontiguousarray(grid, dtype=np.int64)  # row i has keys() == i

    @cached_property
    def _class_of_cell(self) -> np.ndarray:
        strings = [unique_string(row) for row in self._all_cells]
        _, first, inverse = np.unique(strings, return_index=True, return_inverse=True)
        return np.argsort(np.argsort(first))[inverse]  # classes numbered in key order

    @cached_property
    def _representatives(self) -> np.ndarray:
        _, first = np.unique(self._class_of_cell, return_index=True)
        return self._all_cells[first]  # cells are in key order: first member is the smallest

    @cached_property
    def _members(self) -> list[np.ndarray]:
        order = np.argsort(self._class_of_cell, kind="stable")
        bounds = np.cumsum(np.bincount(self._class_of_cell))[:-1]
        return [self._all_cells[idx] for idx in np.split(order, bounds)]

    @property
    def size(self) -> int:
        return len(self._representatives)

    @property
    def max_distance(self) -> int:
        return self.n_positions

    def enumerate(self) -> np.ndarray:
        return self._representatives.copy()

    def class_index(self, archs: np.ndarray) -> np.ndarray:
        """Index of each architecture's isomorphism class (0..size-1, in key order)."""
        return self._class_of_cell[self.keys(self.validate(archs))]

    def canonical(self, archs: np.ndarray) -> np.ndarray:
        return self._representatives[self.class_index(archs)]

    def neighbors(
        self,
        arch: np.ndarray | Sequence[int],
        max_distance: int = 1,
        seed: SeedLike = None,
        limit: int | None = None,
    ) -> np.ndarray:
        check_neighbor_args(max_distance, limit)
        own = int(self.class_index(arch)[0])
        balls = [hamming_ball(m, self.cardinalities, max_distance) for m in self._members[own]]
        classes = np.unique(self._class_of_cell[self.keys(np.vstack(balls))])
        classes = classes[classes != own]
        return self._representatives[classes[subsample(len(classes), limit, seed)]]

    def distance(self, a: np.ndarray | Sequence[int], b: np.ndarray | Sequence[int]) -> int:
        ma = self._members[int(self.class_index(a)[0])]
        mb = self._members[int(self.class_index(b)[0])]
        return int((ma[:, None, :] != mb[None, :, :]).sum(axis=2).min())


class NB201Space(_CellClassSpace):
    """NAS-Bench-201 cells: 5^6 = 15,625 encodings, 6,466 isomorphism classes.

    Position ``i`` holds the op index (``NB201_OPS``) of edge ``NB201_EDGES[i]``, the order
    of the official string ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``. The canonical
    representative of a class is its member with the smallest ``keys`` value. Edit distance
    is the smallest number of op changes between any members of the two classes.

    Parameters
    ----------
    num_classes : int
        Classifier width used by ``params`` and ``flops`` (10 for CIFAR-10, 100 for CIFAR-100).
    """

    name = "nb201"

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__([len(NB201_OPS)] * len(NB201_EDGES))
        self.num_classes = num_classes

    def __repr__(self) -> str:
        return f"NB201Space(num_classes={self.num_classes})"

    # -- representations ----------------------------------------------------------------
    def encode(self, archs: np.ndarray) -> np.ndarray:
        """One-hot ops of the canonical cell plus counts of ops on live input-output paths,
        whether the output is connected, and the longest chain of convolutions."""
        X = self.canonical(archs)
        onehot = (X[:, :, None] == np.arange(len(NB201_OPS))).reshape(len(X), -1)
        live = self._live_edges(X)
        counts = np.stack([((op == X) & live).sum(axis=1) for op in range(1, 5)], axis=1)
        connected = live.any(axis=1)
        return np.hstack(
            [onehot, counts, connected[:, None], self._conv_depth(X, live)[:, None]]
        ).astype(np.float32)

    @staticmethod
    def _live_edges(X: np.ndarray) -> np.ndarray:
        """Edges with a non-``none`` op on some path from the input to the output node."""
        active = X != _NONE
        reach_from_input = {0: np.ones(len(X), dtype=bool)}
        for node in (1, 2, 3):
            reach_from_input[node] = np.zeros(len(X), dtype=bool)
            for pos, (src, dst) in enumerate(NB201_EDGES):
                if dst == node:
                    reach_from_input[node] |= active[:, pos] & reach_from_input[src]
        reach_output = {3: np.ones(len(X), dtype=bool)}
        for node in (2, 1, 0):
            reach_output[node] = np.zeros(len(X), dtype=bool)
            for pos, (src, dst) in enumerate(NB201_EDGES):
                if src == node:
                    reach_output[node] |= active[:, pos] & reach_output[dst]
        return np.stack(
            [
                active[:, p] & reach_from_input[s] & reach_output[d]
                for p, (s, d) in enumerate(NB201_EDGES)
            ],
            axis=1,
        )

    @staticmethod
    def _conv_depth(X: np.ndarray, live: np.ndarray) -> np.ndarray:
        """Most convolutions on one live input-output path."""
        depth = {0: np.zeros(len(X))}
        for node in (1, 2, 3):
            best = np.full(len(X), -np.inf)
            for pos, (src, dst) in enumerate(NB201_EDGES):
                if dst == node:
                    conv = np.isin(X[:, pos], (_CONV1, _CONV3))
                    cand = np.where(live[:, pos], depth[src] + conv, -np.inf)
                    best = np.maximum(best, cand)
            depth[node] = best
        return np.where(np.isfinite(depth[3]), depth[3], 0.0)

    def to_string(self, arch: np.ndarray | Sequence[int]) -> str:
        ops = self.validate(arch)[0]
        names = [f"{NB201_OPS[o]}~{src}" for o, (src, _) in zip(ops, NB201_EDGES, strict=True)]
        return "|{}|+|{}|{}|+|{}|{}|{}|".format(*names)

    def from_string(self, text: str) -> np.ndarray:
        match = _STRING_RE.match(text.strip())
        if match is None:
            raise ValueError(
                f"nb201: {text!r} is not a NAS-Bench-201 string like "
                "'|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|none~1|"
                "nor_conv_3x3~2|'"
            )
        ops = []
        for token, (src, _) in zip(match.groups(), NB201_EDGES, strict=True):
            name, _, node = token.partition("~")
            if name not in NB201_OPS:
                raise ValueError(
                    f"nb201: unknown op {name!r} in {text!r}; expected one of {NB201_OPS}"
                )
            if node != str(src):
                raise ValueError(f"nb201: edge {token!r} in {text!r} should come from node {src}")
            ops.append(NB201_OPS.index(name))
        return np.array(ops, dtype=np.int64)

    @staticmethod
    def from_naslib(tuples: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """Convert NASLib 6-tuples (``NASLIB_OPS`` codes, NASLib edge order) to positions."""
        T = np.asarray(tuples, dtype=np.int64)
        T = T[None, :] if T.ndim == 1 else T
        if T.shape[1] != 6 or (T < 0).any() or (T > 4).any():
            raise ValueError(f"NASLib NB201 tuples must be 6 codes in 0..4, got {T[:1].tolist()}")
        return _OP_OF_NASLIB_CODE[T[:, _NASLIB_EDGE_OF_POSITION]]

    def to_naslib(self, archs: np.ndarray) -> np.ndarray:
        """Inverse of ``from_naslib``."""
        X = self.validate(archs)
        T = np.empty_like(X)
        T[:, _NASLIB_EDGE_OF_POSITION] = _NASLIB_CODE_OF_OP[X]
        return T

    # -- cost ---------------------------------------------------------------------------
    def params(self, archs: np.ndarray) -> np.ndarray:
        """Parameters (millions) of the CIFAR network, as NAS-Bench-201 counts them
        (convolutions without bias, BatchNorm affine weights, the classifier)."""
        X = self.validate(archs)
        fixed = 3 * 16 * 9 + 2 * 16  # stem conv + BN
        for c_in, c_out in ((16, 32), (32, 64)):  # residual reduction blocks
            fixed += c_in * c_out * 9 + 2 * c_out + c_out * c_out * 9 + 2 * c_out + c_in * c_out
        fixed += 2 * 64 + 64 * self.num_classes + self.num_classes  # last BN + classifier
        per_conv3 = sum(_CELLS_PER_STAGE * (9 * c * c + 2 * c) for c, _ in _STAGES)
        per_conv1 = sum(_CELLS_PER_STAGE * (c * c + 2 * c) for c, _ in _STAGES)
        total = (
            fixed + per_conv3 * (X == _CONV3).sum(axis=1) + per_conv1 * (X == _CONV1).sum(axis=1)
        )
        return total / 1e6

    def flops(self, archs: np.ndarray) -> np.ndarray:
        """Operations (millions) of the CIFAR network on a 32x32 input, counted as NASLib's
        profiler does (they match ``zc_nasbench201.json`` exactly): convolution and classifier
        multiply-adds, plus per element 1 for a ReLU input and 2 for a BatchNorm, 9 per output
        of a 3x3 average pool, 4 of a 2x2 one and 81 per channel for the global pool."""
        X = self.validate(archs)
        fixed = (3 * 9 + 2) * 16 * 32 * 32  # stem conv + BN
        for (c_in, _), (c_out, hw) in pairwise(_STAGES):
            # ReLU-Conv-BN at stride 2: the ReLU sees the input's 4x pixels
            fixed += 4 * c_in * hw + (c_in * 9 + 2) * c_out * hw
            fixed += (c_out * 9 + 3) * c_out * hw  # ReLU-Conv-BN
            fixed += c_in * c_out * hw + 4 * c_in * hw  # 2x2 average pool + 1x1 conv shortcut
        # last BN-ReLU, global average pool (a (8 + 1)^2 window per channel, as the profiler
        # counts it), classifier
        fixed += 3 * 64 * 8 * 8 + 81 * 64 + 64 * self.num_classes
        per_conv3 = sum(_CELLS_PER_STAGE * (9 * c + 3) * c * hw for c, hw in _STAGES)
        per_conv1 = sum(_CELLS_PER_STAGE * (c + 3) * c * hw for c, hw in _STAGES)
        per_pool = sum(_CELLS_PER_STAGE * 9 * c * hw for c, hw in _STAGES)
        total = fixed + sum(
            cost * (op == X).sum(axis=1)
            for op, cost in ((_CONV3, per_conv3), (_CONV1, per_conv1), (_POOL, per_pool))
        )
        return total / 1e6
