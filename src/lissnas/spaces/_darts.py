"""The DARTS space of NAS-Bench-301: a normal and a reduction cell, ~10^18 architectures."""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Sequence
from itertools import combinations

import numpy as np

from lissnas._random import SeedLike, check_random_state
from lissnas.spaces._base import SearchSpace, check_neighbor_args

#: Operations in NAS-Bench-301's (and NASLib's compact genotype's) order.
DARTS_OPS = (
    "max_pool_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "sep_conv_3x3",
    "sep_conv_5x5",
    "dil_conv_3x3",
    "dil_conv_5x5",
)
DARTS_CELLS = ("normal", "reduce")
#: Intermediate nodes per cell; node ``k`` (0-based) is DARTS node ``k + 2`` and takes two
#: distinct inputs among nodes ``0 .. k + 1`` (0, 1: the two previous cells' outputs).
N_NODES = 4
#: Input pairs of node ``k``, in NAS-Bench-301's order ``0_1, 0_2, 1_2, 0_3, ...`` sorted.
NODE_PAIRS = tuple(tuple(combinations(range(k + 2), 2)) for k in range(N_NODES))
#: Index of DARTS edge (node ``k``, input ``i``) among a cell's 14 edges: ``EDGE_START[k] + i``.
EDGE_START = (0, 2, 5, 9)
N_EDGES = 14

_N_OPS = len(DARTS_OPS)
_POS_PER_NODE = 3  # pair index, op on the lower input, op on the higher input
_POS_PER_CELL = N_NODES * _POS_PER_NODE
# _PAIR_INDEX[k, a, b]: index of the pair (a, b) among NODE_PAIRS[k] (-1: not a pair).
_PAIR_INDEX = np.full((N_NODES, N_NODES + 1, N_NODES + 1), -1, dtype=np.int64)
for _k, _pairs in enumerate(NODE_PAIRS):
    for _i, (_a, _b) in enumerate(_pairs):
        _PAIR_INDEX[_k, _a, _b] = _PAIR_INDEX[_k, _b, _a] = _i
# _PAIR_INPUTS[k, index] = (a, b); padded with -1 for the smaller nodes.
_PAIR_INPUTS = np.full((N_NODES, 10, 2), -1, dtype=np.int64)
for _k, _pairs in enumerate(NODE_PAIRS):
    _PAIR_INPUTS[_k, : len(_pairs)] = _pairs
_COMPACT_FORMAT = (
    "[" + ", ".join(["[" + ", ".join(["({}, {})"] * 2 * N_NODES) + "]"] * len(DARTS_CELLS)) + "]"
)
_PAIR = r"\(\s*\d+\s*,\s*\d+\s*\)"
_CELL = r"\[\s*" + r"\s*,\s*".join([_PAIR] * 2 * N_NODES) + r"\s*\]"
_COMPACT_RE = re.compile(r"\s*[\[(]\s*" + _CELL + r"\s*,\s*" + _CELL + r"\s*[\])]\s*")
_INT_RE = re.compile(r"\d+")
_GENOTYPE_RE = re.compile(r"\(\s*'(\w+)'\s*,\s*(\d+)\s*\)")

#: NAS-Bench-301's CIFAR-10 training network: initial channels, cells (reductions at 1/3 and
#: 2/3), classes, input side.
_CHANNELS, _LAYERS, _CLASSES, _SIDE = 32, 8, 10, 32


def _relu_conv_bn(c_in: int, c_out: int, side: int) -> np.ndarray:
    """(params, FLOPs) of ReLU, 1x1 convolution, affine BatchNorm on a ``side``-pixel map."""
    params = c_in * c_out
    return np.array([params + 2 * c_out, (c_in + params + 2 * c_out) * side * side])


def _factorized_reduce(c_in: int, c_out: int, side_out: int, *, affine: bool) -> np.ndarray:
    """(params, FLOPs) of ReLU, two strided 1x1 convolutions to ``c_out / 2``, BatchNorm."""
    params = c_in * c_out
    bn = 2 if affine else 1
    flops = 4 * c_in + params + bn * c_out  # per output pixel; the input has 4x the pixels
    return np.array([params + (2 * c_out if affine else 0), flops * side_out * side_out])


def _op_cost(op: int, c: int, side_out: int, stride: int) -> np.ndarray:
    """(params, FLOPs) of one cell operation with ``c`` channels in and out."""
    name = DARTS_OPS[op]
    pixels = side_out * side_out
    if name == "skip_connect":
        return _factorized_reduce(c, c, side_out, affine=False) if stride == 2 else np.zeros(2)
    if name.endswith("pool_3x3"):
        return np.array([0, (9 + 1) * c * pixels])  # the window, then non-affine BatchNorm
    k = int(name[-1])
    # ReLU, depthwise k x k (dilated or not), pointwise 1x1, non-affine BatchNorm
    params = c * k * k + c * c
    first = np.array([params, (stride * stride * c + params + c) * pixels])
    if name.startswith("sep"):  # separable convolutions repeat the block at stride 1
        return first + np.array([params, (c + params + c) * pixels])
    return first


def _cost_tables() -> tuple[np.ndarray, np.ndarray]:
    """The fixed (params, FLOPs) of the network and, per cell type, reduced input (a
    reduction cell's edge from nodes 0 or 1) and op, the cost summed over its cells."""
    c, side = _CHANNELS, _SIDE
    stem = 3 * c
    # stem: 3x3 convolution from RGB, affine BatchNorm (per pixel as many FLOPs as params)
    fixed = np.array([27 * stem + 2 * stem, (27 * stem + 2 * stem) * side * side])
    table = np.zeros((len(DARTS_CELLS), 2, _N_OPS, 2))
    c_pp = c_p = stem
    reduced_prev = False
    for layer in range(_LAYERS):
        reduce = layer in (_LAYERS // 3, 2 * _LAYERS // 3)
        c, side_out = (2 * c, side // 2) if reduce else (c, side)
        if reduced_prev:
            fixed += _factorized_reduce(c_pp, c, side, affine=True)
        else:
            fixed += _relu_conv_bn(c_pp, c, side)
        fixed += _relu_conv_bn(c_p, c, side)
        for op in range(_N_OPS):
            table[int(reduce), 0, op] += _op_cost(op, c, side_out, 1)
            if reduce:
                table[1, 1, op] += _op_cost(op, c, side_out, 2)
        c_pp, c_p, side, reduced_prev = c_p, N_NODES * c, side_out, reduce
    # global average pool, counted over a (side + 1)^2 window per channel as NASLib's
    # profiler does, then the linear classifier
    fixed += [c_p * _CLASSES + _CLASSES, ((side + 1) ** 2 + _CLASSES) * c_p]
    return fixed, table


_FIXED_COST, _OP_COST = _cost_tables()


class DARTSSpace(SearchSpace):
    """DARTS cells as searched by NAS-Bench-301: 2 cells x 4 nodes x 2 (input, op) edges.

    Encoding: 24 positions, per cell (normal, then reduce) and node: the index of the node's
    input pair in ``NODE_PAIRS[node]`` and the ops on its lower and its higher input. The
    encoding is a product space, so every vector is a valid architecture and the canonical
    genotype (each node's two edges sorted by input) is the vector itself. Isomorphisms
    that permute intermediate nodes are not merged, as in NAS-Bench-301 itself.
    ``size`` = (1 * 3 * 6 * 10)^2 * 7^16, about 1.07e18.

    Edit distance: one change moves one edge to another input or changes its op; per node
    the two edges are matched to the other architecture's in the cheaper of the two ways.
    ``max_distance`` is 28. ``sample_neighbors`` walks ``d`` random single edits from each
    architecture with ``d`` uniform in ``1..max_distance``, vectorised over the batch.

    String form: NASLib's compact genotype ``[[(input, op), ...8], [(input, op), ...8]]``
    (op codes index ``DARTS_OPS``); ``from_string`` also reads the DARTS
    ``Genotype(normal=[('sep_conv_3x3', 0), ...], ...)`` form.
    """

    name = "darts"

    def __init__(self) -> None:
        cards = []
        for _cell in DARTS_CELLS:
            for pairs in NODE_PAIRS:
                cards += [len(pairs), _N_OPS, _N_OPS]
        super().__init__(cards)

    # -- size ---------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return math.prod(int(c) for c in self.cardinalities)

    @property
    def max_distance(self) -> int:
        # node 0 has fixed inputs (2 op changes), the others 2 inputs + 2 ops each
        return len(DARTS_CELLS) * (2 + 4 * (N_NODES - 1))

    # -- edge view ----------------------------------------------------------------------
    @staticmethod
    def to_edges(archs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and ops of every edge: two arrays of shape ``(n, 2 cells, 4 nodes, 2)``."""
        X = np.asarray(archs, dtype=np.int64).reshape(-1, len(DARTS_CELLS), N_NODES, 3)
        inputs = _PAIR_INPUTS[np.arange(N_NODES), X[..., 0]]
        return inputs, X[..., 1:].copy()

    @staticmethod
    def from_edges(inputs: np.ndarray, ops: np.ndarray) -> np.ndarray:
        """Encode edges (any order within a node; inputs distinct and in range)."""
        inputs = np.asarray(inputs, dtype=np.int64)
        ops = np.asarray(ops, dtype=np.int64)
        swap = inputs[..., 0] > inputs[..., 1]
        lo = np.where(swap, inputs[..., 1], inputs[..., 0])
        hi = np.where(swap, inputs[..., 0], inputs[..., 1])
        op_lo = np.where(swap, ops[..., 1], ops[..., 0])
        op_hi = np.where(swap, ops[..., 0], ops[..., 1])
        pair = _PAIR_INDEX[np.arange(N_NODES), lo, hi]
        X = np.stack([pair, op_lo, op_hi], axis=-1)
        return X.reshape(len(X), -1)

    # -- locality -----------------------------------------------------------------------
    def distance(self, a: np.ndarray | Sequence[int], b: np.ndarray | Sequence[int]) -> int:
        return int(self.distances(self.validate(a), self.validate(b))[0])

    def distances(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """Row-wise edit distance between two equal-length (or broadcastable) batches."""
        ia, oa = self.to_edges(A)
        ib, ob = self.to_edges(B)
        straight = (ia != ib).sum(-1) + (oa != ob).sum(-1)
        crossed = (ia != ib[..., ::-1]).sum(-1) + (oa != ob[..., ::-1]).sum(-1)
        return np.minimum(straight, crossed).sum(axis=(1, 2))

    def sample_neighbors(
        self,
        archs: np.ndarray,
        max_distance: int,
        n_per_arch: int,
        seed: SeedLike = None,
    ) -> np.ndarray:
        """``n_per_arch`` random neighbours of every row, by random walks of single edits.

        Each walk takes ``d ~ U{1..max_distance}`` edits, so its end lies within distance
        ``d``; walks that return to their start are dropped. Rows are grouped by start
        architecture (possibly with duplicates).
        """
        rng = check_random_state(seed)
        X = np.repeat(self.validate(archs), n_per_arch, axis=0)
        inputs, ops = self.to_edges(X)
        flat_inputs, flat_ops = inputs.reshape(-1), ops.reshape(-1)  # views, 16 edges per row
        per_row = len(DARTS_CELLS) * N_NODES * 2
        steps = rng.integers(1, max(1, min(max_distance, self.max_distance)) + 1, size=len(X))
        order = np.argsort(-steps, kind="stable")  # rows still walking come first
        counts = np.bincount(steps, minlength=self.max_distance + 2)
        for step in range(int(steps.max(initial=0))):
            live = order[: int(counts[step + 1 :].sum())]
            edge = rng.integers(0, per_row, size=len(live))
            node = (edge % (2 * N_NODES)) // 2
            at = live * per_row + edge
            # node 0's inputs are fixed: only its ops change
            rewire = (rng.random(len(live)) < 0.5) & (node > 0)
            o = at[~rewire]
            flat_ops[o] = (flat_ops[o] + rng.integers(1, _N_OPS, size=len(o))) % _N_OPS
            r, k = at[rewire], node[rewire]
            current, other = flat_inputs[r], flat_inputs[r ^ 1]
            # a new input among 0..k+1 other than both current inputs: draw among the k
            # free values and skip over the two taken ones
            new = (rng.random(len(r)) * k).astype(np.int64)
            new += new >= np.minimum(current, other)
            new += new >= np.maximum(current, other)
            flat_inputs[r] = new
        out = self.from_edges(inputs, ops)
        moved = (out != X).any(axis=1)
        return out[moved]

    def neighbors(
        self,
        arch: np.ndarray | Sequence[int],
        max_distance: int = 1,
        seed: SeedLike = None,
        limit: int | None = None,
    ) -> np.ndarray:
        """Distinct neighbours within ``max_distance``: all at distance 1 when ``limit`` is
        ``None`` and ``max_distance == 1``, otherwise ``limit`` random walks (required)."""
        check_neighbor_args(max_distance, limit)
        X = self.validate(arch)
        if len(X) != 1:
            raise ValueError(f"neighbors takes one architecture, got {len(X)}")
        if limit is None:
            if max_distance != 1:
                raise ValueError(
                    "the DARTS space's neighbourhoods are too large to list beyond distance 1; "
                    f"pass limit (got max_distance={max_distance}, limit=None)"
                )
            return self._distance_one(X[0])
        walks = self.sample_neighbors(X, max_distance, 2 * limit, seed)
        found = self.unique(walks)
        return found[:limit]

    def _distance_one(self, arch: np.ndarray) -> np.ndarray:
        """Every architecture one edit away (op changes and rewirings)."""
        inputs, ops = self.to_edges(arch[None, :])
        out = []
        for c in range(len(DARTS_CELLS)):
            for k in range(N_NODES):
                for s in range(2):
                    for op in range(_N_OPS):
                        if op != ops[0, c, k, s]:
                            o = ops.copy()
                            o[0, c, k, s] = op
                            out.append(self.from_edges(inputs, o))
                    taken = set(inputs[0, c, k].tolist())
                    for source in range(k + 2):
                        if source not in taken:
                            i = inputs.copy()
                            i[0, c, k, s] = source
                            out.append(self.from_edges(i, ops))
        return self.unique(np.vstack(out))

    # -- representations ----------------------------------------------------------------
    def encode(self, archs: np.ndarray) -> np.ndarray:
        """Per cell and DARTS edge (14 each): 1 + op index, or 0 where the edge is unused."""
        inputs, ops = self.to_edges(archs)
        n = len(inputs)
        width = len(DARTS_CELLS) * N_EDGES
        offset = (
            np.arange(len(DARTS_CELLS))[:, None, None] * N_EDGES + np.asarray(EDGE_START)[:, None]
        )
        column = (offset + inputs).reshape(n, -1) + (np.arange(n) * width)[:, None]
        features = np.zeros(n * width, dtype=np.float32)
        features[column.ravel()] = ops.reshape(-1) + 1
        features = features.reshape(n, width)
        return features

    def to_compact(self, arch: np.ndarray | Sequence[int]) -> list[list[tuple[int, int]]]:
        """NASLib's compact genotype: per cell, 8 ``(input, op)`` pairs, two per node."""
        inputs, ops = self.to_edges(self.validate(arch))
        return [
            [
                (int(inputs[0, c, k, s]), int(ops[0, c, k, s]))
                for k in range(N_NODES)
                for s in (0, 1)
            ]
            for c in range(len(DARTS_CELLS))
        ]

    def to_string(self, arch: np.ndarray | Sequence[int]) -> str:
        return str(self.to_compact(arch))

    def to_strings(self, archs: np.ndarray) -> list[str]:
        """``to_string`` of every row, vectorised."""
        inputs, ops = self.to_edges(self.validate(archs))
        flat = np.stack([inputs, ops], axis=-1).reshape(len(inputs), -1).tolist()
        return [_COMPACT_FORMAT.format(*row) for row in flat]

    def from_strings(self, texts: Sequence[str]) -> np.ndarray:
        """``from_string`` of every text; compact genotypes are parsed in one pass."""
        texts = list(texts)
        if texts and all(isinstance(t, str) and _COMPACT_RE.fullmatch(t) for t in texts):
            values = np.array(_INT_RE.findall(" ".join(texts)), dtype=np.int64)
            pairs = values.reshape(len(texts), len(DARTS_CELLS), N_NODES, 2, 2)
            inputs, ops = pairs[..., 0], pairs[..., 1]
            in_range = (inputs < np.arange(2, N_NODES + 2)[:, None]) & (ops < _N_OPS)
            if in_range.all() and (inputs[..., 0] != inputs[..., 1]).all():
                return self.from_edges(inputs, ops)
        return super().from_strings(texts)  # one by one, to name the faulty text

    def to_genotype(self, arch: np.ndarray | Sequence[int]) -> str:
        """The DARTS ``Genotype(...)`` form."""
        cells = [[(DARTS_OPS[op], i) for i, op in cell] for cell in self.to_compact(arch)]
        concat = list(range(2, N_NODES + 2))
        return (
            f"Genotype(normal={cells[0]}, normal_concat={concat}, "
            f"reduce={cells[1]}, reduce_concat={concat})"
        )

    def from_string(self, text: str) -> np.ndarray:
        """Parse the compact genotype or the DARTS ``Genotype(...)`` form."""
        if not isinstance(text, str):
            raise ValueError(f"darts: expected a string, got {text!r}")
        stripped = text.strip()
        if stripped.startswith("Genotype"):
            cells = []
            for name in DARTS_CELLS:
                m = re.search(rf"\b{name}\s*=\s*\[([^\]]*)\]", stripped)
                if m is None:
                    raise ValueError(f"darts: genotype {text!r} has no {name}=[...] list")
                pairs = []
                for op, source in _GENOTYPE_RE.findall(m.group(1)):
                    if op not in DARTS_OPS:
                        raise ValueError(
                            f"darts: unknown operation {op!r} in {text!r}; expected one of "
                            f"{', '.join(DARTS_OPS)}"
                        )
                    pairs.append((int(source), DARTS_OPS.index(op)))
                cells.append(pairs)
        else:
            try:
                cells = ast.literal_eval(stripped)
            except (ValueError, SyntaxError):
                raise ValueError(
                    f"darts: cannot parse {text!r}; expected [[(input, op), ...], [...]]"
                ) from None
        return self.from_compact(cells, text=text)

    def from_compact(self, cells: object, *, text: object = None) -> np.ndarray:
        """Encode a compact genotype (two lists of 8 ``(input, op)`` pairs)."""
        where = f"darts: {text if text is not None else cells!r}"
        if not isinstance(cells, list | tuple) or len(cells) != len(DARTS_CELLS):
            raise ValueError(f"{where}: expected 2 cells (normal, reduce)")
        inputs = np.zeros((1, len(DARTS_CELLS), N_NODES, 2), dtype=np.int64)
        ops = np.zeros_like(inputs)
        for c, cell in enumerate(cells):
            if not isinstance(cell, list | tuple) or len(cell) != 2 * N_NODES:
                raise ValueError(f"{where}: {DARTS_CELLS[c]} cell needs {2 * N_NODES} pairs")
            for j, pair in enumerate(cell):
                k, s = divmod(j, 2)
                if (
                    not isinstance(pair, list | tuple)
                    or len(pair) != 2
                    or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
                ):
                    raise ValueError(f"{where}: pair {j} of the {DARTS_CELLS[c]} cell is {pair!r}")
                source, op = pair
                if not 0 <= source < k + 2:
                    raise ValueError(
                        f"{where}: node {k + 2} of the {DARTS_CELLS[c]} cell has input "
                        f"{source}, expected 0..{k + 1}"
                    )
                if not 0 <= op < _N_OPS:
                    raise ValueError(
                        f"{where}: op code {op} in the {DARTS_CELLS[c]} cell, "
                        f"expected 0..{_N_OPS - 1}"
                    )
                inputs[0, c, k, s], ops[0, c, k, s] = source, op
            same = inputs[0, c, :, 0] == inputs[0, c, :, 1]
            if same.any():
                k = int(np.flatnonzero(same)[0])
                raise ValueError(
                    f"{where}: node {k + 2} of the {DARTS_CELLS[c]} cell takes input "
                    f"{int(inputs[0, c, k, 0])} twice; its two inputs must differ"
                )
        return self.from_edges(inputs, ops)[0]

    # -- cost ---------------------------------------------------------------------------
    def params(self, archs: np.ndarray) -> np.ndarray:
        """Parameters (millions) of NAS-Bench-301's CIFAR-10 training network (32 initial
        channels, 8 cells, no auxiliary head; cell BatchNorms not affine); they match
        ``zc_nasbench301.json`` exactly."""
        return self._cost(archs)[:, 0] / 1e6

    def flops(self, archs: np.ndarray) -> np.ndarray:
        """FLOPs (millions) of that network on a 32x32 input as NASLib's profiler counts them
        (they match ``zc_nasbench301.json`` exactly): convolution and classifier
        multiply-adds, plus per element 1 for a ReLU input or a non-affine BatchNorm, 2 for an
        affine one, 9 per output of a 3x3 pool and 81 per channel for the global pool."""
        return self._cost(archs)[:, 1] / 1e6

    def _cost(self, archs: np.ndarray) -> np.ndarray:
        inputs, ops = self.to_edges(self.validate(archs))
        cell = np.arange(len(DARTS_CELLS))[:, None, None]
        reduced = (cell == DARTS_CELLS.index("reduce")) & (inputs < 2)
        return _FIXED_COST + _OP_COST[cell, reduced.astype(np.int64), ops].sum(axis=(1, 2, 3))

    def __repr__(self) -> str:
        return "DARTSSpace()"
