"""NAS-Bench-101 cells: 7-node DAGs (input 0, output 6) with at most 9 edges, 3 ops."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import permutations

import numpy as np

from lissnas._random import SeedLike
from lissnas.spaces._base import SearchSpace, check_neighbor_args, hamming_ball, subsample

#: Intermediate-node operations in the official ``available_ops`` order (the hash labels).
NB101_OPS = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
NB101_VERTICES = 7
NB101_MAX_EDGES = 9
#: Number of isomorphism classes of valid cells (distinct official hashes).
NB101_SIZE = 423_624
#: NASLib's op codes (``zc_nasbench101.json`` keys): 0 input, 1 output, 2 maxpool3x3,
#: 3 conv1x1-bn-relu, 4 conv3x3-bn-relu.
NASLIB_OPS = ("input", "output", "maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu")

_N = NB101_VERTICES
_OUT = _N - 1
_IU, _JU = np.triu_indices(_N, 1)  # the 21 edge positions, row-major
_N_EDGES = len(_IU)
_FLAT_EDGE = _IU * _N + _JU
_CONV3, _CONV1, _POOL = range(3)
# Node orders: position i of the relabelled cell holds old node _PERMS[p, i].
_PERMS = np.array([(0, *p, _OUT) for p in permutations(range(1, _OUT))], dtype=np.int64)
_PERM_UPPER = _PERMS[:, _IU] * _N + _PERMS[:, _JU]  # flat index of new edge (i, j) in old
_PERM_LOWER = _PERMS[:, _JU] * _N + _PERMS[:, _IU]  # must be zero for an upper-triangular result
# Macro skeleton of the CIFAR-10 network (stem 128 channels, 3 stacks of 3 cells).
_STEM = 128
_STACKS = 3
_CELLS_PER_STACK = 3
_NUM_CLASSES = 10


def _matrices(X: np.ndarray) -> np.ndarray:
    """(n, 7, 7) uint8 adjacency matrices of encodings ``X``."""
    A = np.zeros((len(X), _N * _N), dtype=np.uint8)
    A[:, _FLAT_EDGE] = X[:, :_N_EDGES]
    return A.reshape(len(X), _N, _N)


def _live_nodes(A: np.ndarray) -> np.ndarray:
    """(n, 7) bool: nodes on some input-to-output path (all False when none exists)."""
    from_input = np.zeros(A.shape[:2], dtype=bool)
    from_input[:, 0] = True
    for v in range(1, _N):  # topological order: edges go from lower to higher index
        from_input[:, v] = (from_input[:, :v] & (A[:, :v, v] > 0)).any(axis=1)
    to_output = np.zeros(A.shape[:2], dtype=bool)
    to_output[:, _OUT] = True
    for v in range(_OUT - 1, -1, -1):
        to_output[:, v] = (to_output[:, v + 1 :] & (A[:, v, v + 1 :] > 0)).any(axis=1)
    live = from_input & to_output
    live[~live[:, _OUT]] = False
    return live


class NB101Space(SearchSpace):
    """NAS-Bench-101 cells: 21 upper-triangular adjacency bits, then 5 op indices.

    Position ``k < 21`` is edge ``(i, j)`` of ``numpy.triu_indices(7, 1)`` (row-major:
    ``(0,1), (0,2), ..., (0,6), (1,2), ..., (5,6)``); positions 21..25 are the ops
    (``NB101_OPS`` indices) of nodes 1..5. A cell is valid when, after pruning the nodes
    that lie on no input-to-output path (the official ``ModelSpec`` pruning), the input
    still reaches the output and at most 9 edges remain (the official ``is_valid``).

    The canonical form prunes (dead nodes lose their edges and get op 0) and then takes,
    among the relabellings of nodes 1..5 that keep the matrix upper-triangular, the one
    with the smallest ``keys`` value. ``graph_hash`` is the official ``hash_module``.
    """

    name = "nb101"

    def __init__(self) -> None:
        super().__init__([2] * _N_EDGES + [len(NB101_OPS)] * (_N - 2))

    # -- validity and pruning -------------------------------------------------------------
    def validate(self, archs: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """Range checks of the base class plus graph validity (connected, <= 9 live edges)."""
        X = super().validate(archs)
        ok, n_edges = self._validity(X)
        if not ok.all():
            row = int(np.flatnonzero(~ok)[0])
            reason = (
                "the input is not connected to the output"
                if n_edges[row] < 0
                else f"{int(n_edges[row])} edges remain after pruning, at most "
                f"{NB101_MAX_EDGES} allowed"
            )
            raise ValueError(f"nb101: architecture {row} is invalid: {reason}")
        return X

    @staticmethod
    def _validity(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(valid, live edge count or -1 when disconnected) of range-checked encodings."""
        A = _matrices(X)
        live = _live_nodes(A)
        kept = A.astype(bool) & live[:, :, None] & live[:, None, :]
        n_edges = np.where(live[:, 0], kept.sum(axis=(1, 2)), -1)
        return (n_edges >= 0) & (n_edges <= NB101_MAX_EDGES), n_edges

    def is_valid(self, archs: np.ndarray) -> np.ndarray:
        """Boolean validity of every row of in-range encodings ``archs``."""
        return self._validity(SearchSpace.validate(self, archs))[0]

    @staticmethod
    def _prune(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(pruned encodings, live mask): dead nodes lose their edges and get op 0."""
        A = _matrices(X)
        live = _live_nodes(A)
        A = A * (live[:, :, None] & live[:, None, :])
        P = np.empty_like(X)
        P[:, :_N_EDGES] = A.reshape(len(X), -1)[:, _FLAT_EDGE]
        P[:, _N_EDGES:] = np.where(live[:, 1:_OUT], X[:, _N_EDGES:], 0)
        return P, live

    # -- identity -----------------------------------------------------------------------
    def canonical(self, archs: np.ndarray) -> np.ndarray:
        X = self.validate(archs)
        P, _ = self._prune(X)
        uniq, inverse = np.unique(self.keys(P), return_inverse=True)
        first = np.zeros(len(uniq), dtype=np.int64)
        first[inverse] = np.arange(len(P))
        return self._canonical_pruned(P[first])[inverse.ravel()]

    def _canonical_pruned(self, P: np.ndarray, chunk: int = 20_000) -> np.ndarray:
        """Smallest-key upper-triangular relabelling of each pruned encoding."""
        radix = np.cumprod(np.r_[1, self.cardinalities[:0:-1]])[::-1].astype(np.int64)
        w_edges, w_ops = radix[:_N_EDGES], radix[_N_EDGES:]
        out = np.empty_like(P)
        for start in range(0, len(P), chunk):
            block = P[start : start + chunk]
            flat = _matrices(block).reshape(len(block), -1)
            ops = np.zeros((len(block), _N), dtype=np.int64)
            ops[:, 1:_OUT] = block[:, _N_EDGES:]
            best_key = np.full(len(block), np.iinfo(np.int64).max)
            best = np.zeros(len(block), dtype=np.int64)
            for p in range(len(_PERMS)):
                ok = ~flat[:, _PERM_LOWER[p]].any(axis=1)
                key = flat[:, _PERM_UPPER[p]].astype(np.int64) @ w_edges
                key += ops[:, _PERMS[p, 1:_OUT]] @ w_ops
                better = ok & (key < best_key)
                best_key[better] = key[better]
                best[better] = p
            rows = np.arange(len(block))[:, None]
            out[start : start + chunk, :_N_EDGES] = flat[rows, _PERM_UPPER[best]]
            out[start : start + chunk, _N_EDGES:] = ops[rows, _PERMS[best, 1:_OUT]]
        return out

    def graph_hash(self, arch: np.ndarray | Sequence[int]) -> str:
        """The official NAS-Bench-101 ``hash_module`` of the pruned cell (labels: -1 input,
        -2 output, op index otherwise); equal for isomorphic cells."""
        P, live = self._prune(self.validate(arch))
        keep = np.flatnonzero(live[0])
        matrix = _matrices(P)[0][np.ix_(keep, keep)].astype(np.int64)
        ops = np.r_[-1, P[0, _N_EDGES:], -2][keep]
        in_edges, out_edges = matrix.sum(axis=0).tolist(), matrix.sum(axis=1).tolist()
        n = len(keep)
        hashes = [_md5(str((out_edges[v], in_edges[v], int(ops[v])))) for v in range(n)]
        for _ in range(n):
            hashes = [
                _md5(
                    "".join(sorted(hashes[w] for w in range(n) if matrix[w, v]))
                    + "|"
                    + "".join(sorted(hashes[w] for w in range(n) if matrix[v, w]))
                    + "|"
                    + hashes[v]
                )
                for v in range(n)
            ]
        return _md5(str(sorted(hashes)))

    @property
    def size(self) -> int:
        return NB101_SIZE

    @property
    def max_distance(self) -> int:
        """Upper bound: 9 + 9 edges plus 5 op changes."""
        return 2 * NB101_MAX_EDGES + (_N - 2)

    # -- sampling and locality ----------------------------------------------------------
    def _sample_raw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Uniform over valid encodings (rejection sampling), canonicalised."""
        found = [np.empty((0, self.n_positions), dtype=np.int64)]
        n_found = 0
        while n_found < n:
            X = rng.integers(
                0, self.cardinalities, size=(max(2 * (n - n_found), 16), self.n_positions)
            )
            X = X[self._validity(X)[0]][: n - n_found]
            found.append(X)
            n_found += len(X)
        return self.canonical(np.vstack(found))

    def neighbors(
        self,
        arch: np.ndarray | Sequence[int],
        max_distance: int = 1,
        seed: SeedLike = None,
        limit: int | None = None,
    ) -> np.ndarray:
        """Canonical cells at ``distance`` 1..``max_distance`` (all of them; radius <= 3).

        Candidates are the cell with up to ``max_distance`` edge flips and op changes (nodes
        brought to life take any op), filtered by ``distance``."""
        check_neighbor_args(max_distance, limit)
        if max_distance > 3:
            raise ValueError(f"nb101 neighbors supports max_distance <= 3, got {max_distance}")
        center = self.canonical(arch)[0]
        live = _live_nodes(_matrices(center[None]))[0]
        # vary every edge and the ops of live nodes; ops of dead nodes are free (no cost)
        positions = np.r_[np.arange(_N_EDGES), _N_EDGES + np.flatnonzero(live[1:_OUT])]
        ball = hamming_ball(center[positions], self.cardinalities[positions], max_distance)
        cand = np.repeat(center[None], len(ball), axis=0)
        cand[:, positions] = ball
        revived = _live_nodes(_matrices(cand)) & ~live
        for v in range(1, _OUT):  # a node brought to life may take any op at no cost
            rows = cand[revived[:, v]]
            extra = [rows.copy() for _ in range(len(NB101_OPS) - 1)]
            for op, block in enumerate(extra, start=1):
                block[:, _N_EDGES + v - 1] = op
            cand = np.vstack([cand, *extra])
            revived = np.vstack([revived, *[revived[revived[:, v]]] * len(extra)])
        cand = self.unique(cand[self._validity(cand)[0]])
        dist = self._distances(center, cand)  # pruning can remove more than was changed
        cand = cand[(dist >= 1) & (dist <= max_distance)]
        return cand[subsample(len(cand), limit, seed)]

    def distance(self, a: np.ndarray | Sequence[int], b: np.ndarray | Sequence[int]) -> int:
        """Edit distance between the pruned cells: the fewest edge additions/removals and
        op changes (at nodes live in both) over all matchings of nodes 1..5; 0 exactly for
        isomorphic cells. Pruning is applied to both ends, not to intermediate steps."""
        ca, cb = self.canonical(np.vstack([np.asarray(a), np.asarray(b)]))
        return int(self._distances(ca, cb[None])[0])

    @staticmethod
    def _distances(center: np.ndarray, others: np.ndarray) -> np.ndarray:
        """``distance`` from one canonical cell to each canonical row of ``others``."""
        A = _matrices(center[None])[0]
        live = _live_nodes(A[None])[0]
        ops = np.r_[-1, center[_N_EDGES:], -2]
        B = _matrices(others)
        live_b = _live_nodes(B)
        ops_b = np.hstack(
            [np.full((len(others), 1), -1), others[:, _N_EDGES:], np.full((len(others), 1), -2)]
        )
        best = np.full(len(others), np.iinfo(np.int64).max)
        for perm in _PERMS:  # node i of the relabelled b is node perm[i] of b
            edges = (B[:, perm[:, None], perm[None, :]] != A).sum(axis=(1, 2))
            changed = (ops_b[:, perm] != ops) & live_b[:, perm] & live
            best = np.minimum(best, edges + changed.sum(axis=1))
        return best

    # -- representations ----------------------------------------------------------------
    def encode(self, archs: np.ndarray) -> np.ndarray:
        """Canonical adjacency bits (21) and one-hot ops of nodes 1..5 (15; zero for
        pruned nodes), as float32."""
        X = self.canonical(archs)
        live = _live_nodes(_matrices(X))[:, 1:_OUT]
        onehot = (X[:, _N_EDGES:, None] == np.arange(len(NB101_OPS))) & live[:, :, None]
        return np.hstack([X[:, :_N_EDGES], onehot.reshape(len(X), -1)]).astype(np.float32)

    def to_string(self, arch: np.ndarray | Sequence[int]) -> str:
        """``'<21 edge bits>|<op>,<op>,<op>,<op>,<op>'`` (ops of nodes 1..5)."""
        x = self.validate(arch)[0]
        bits = "".join(str(int(b)) for b in x[:_N_EDGES])
        return bits + "|" + ",".join(NB101_OPS[int(o)] for o in x[_N_EDGES:])

    def from_string(self, text: str) -> np.ndarray:
        bits, sep, ops = text.strip().partition("|")
        names = ops.split(",")
        if not sep or len(bits) != _N_EDGES or set(bits) - {"0", "1"} or len(names) != _N - 2:
            raise ValueError(
                f"nb101: {text!r} is not '<21 edge bits>|<5 comma-separated ops>', e.g. "
                f"'{'1' * 6 + '0' * 15}|{','.join([NB101_OPS[0]] * 5)}'"
            )
        unknown = [n for n in names if n not in NB101_OPS]
        if unknown:
            raise ValueError(f"nb101: unknown op {unknown[0]!r} in {text!r}; expected {NB101_OPS}")
        x = np.array([int(b) for b in bits] + [NB101_OPS.index(n) for n in names])
        return self.validate(x)[0]

    def from_spec(
        self, matrix: np.ndarray | Sequence[Sequence[int]], ops: Sequence[str]
    ) -> np.ndarray:
        """Encoding of an official ``ModelSpec``-style cell: an n x n matrix (2 <= n <= 7,
        e.g. a pruned one from the dataset) and n op names ``'input', ..., 'output'``;
        smaller cells fill nodes 1..n-2 and the output becomes node 6."""
        M = np.asarray(matrix)
        n = len(M)
        if not 2 <= n <= _N or M.shape != (n, n) or ((M != 0) & (M != 1)).any():
            raise ValueError(f"nb101: matrix must be an n x n 0/1 array, n <= 7, got {M.tolist()}")
        if np.tril(M).any():
            raise ValueError(f"nb101: matrix must be strictly upper-triangular, got {M.tolist()}")
        ops = list(ops)
        if len(ops) != n or ops[0] != "input" or ops[-1] != "output":
            raise ValueError(f"nb101: ops must be {n} names 'input', ..., 'output', got {ops}")
        unknown = [o for o in ops[1:-1] if o not in NB101_OPS]
        if unknown:
            raise ValueError(f"nb101: unknown op {unknown[0]!r}; expected one of {NB101_OPS}")
        node = np.r_[np.arange(n - 1), _OUT]
        full = np.zeros((_N, _N), dtype=np.int64)
        full[np.ix_(node, node)] = M
        labels = np.zeros(_N - 2, dtype=np.int64)
        labels[: n - 2] = [NB101_OPS.index(o) for o in ops[1:-1]]
        return self.validate(np.r_[full[_IU, _JU], labels])[0]

    def from_naslib(self, key: Sequence[int]) -> np.ndarray:
        """Encoding of a NASLib key: flattened 7x7 matrix (49 ints) then 7 op codes
        (``NASLIB_OPS``)."""
        k = np.asarray(key)
        if k.shape != (_N * _N + _N,):
            raise ValueError(f"nb101: NASLib key must have 56 ints, got {len(k)}")
        codes = k[_N * _N :]
        if codes[0] != 0 or codes[-1] != 1 or not np.isin(codes[1:-1], (2, 3, 4)).all():
            raise ValueError(
                f"nb101: NASLib op codes must be 0 (input), 2..4, 1 (output), got {codes.tolist()}"
            )
        ops = ["input"] + [NASLIB_OPS[int(c)] for c in codes[1:-1]] + ["output"]
        return self.from_spec(k[: _N * _N].reshape(_N, _N), ops)

    # -- cost ---------------------------------------------------------------------------
    def params(self, archs: np.ndarray) -> np.ndarray:
        """Trainable parameters (millions) of the official CIFAR-10 network (TF count:
        bias-free convolutions, BatchNorm beta and gamma, dense classifier)."""
        return self._cost(archs)[:, 0] / 1e6

    def flops(self, archs: np.ndarray) -> np.ndarray:
        """FLOPs (millions) on a 32x32 input as NASLib's profiler counts them (they match
        ``zc_nasbench101.json`` exactly): convolution and classifier multiply-adds, plus 3 per
        output of each Conv-BN-ReLU, 9 per output of a 3x3 max pool, 4 of a 2x2 one."""
        return self._cost(archs)[:, 1] / 1e6

    def _cost(self, archs: np.ndarray) -> np.ndarray:
        P, live = self._prune(self.validate(archs))
        A = _matrices(P)
        out = np.empty((len(P), 2))
        for row in range(len(P)):
            keep = np.flatnonzero(live[row])
            out[row] = _network_cost(
                A[row][np.ix_(keep, keep)], np.r_[-1, P[row, _N_EDGES:], -2][keep]
            )
        return out


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def vertex_channels(c_in: int, c_out: int, matrix: np.ndarray) -> list[int]:
    """Channels of every vertex of a pruned cell, by the official ``model_builder`` rule:
    the output's channels are split over the vertices feeding it (earlier ones get the
    remainder), other vertices take the max over their successors."""
    n = len(matrix)
    channels = [c_in] + [0] * (n - 2) + [c_out]
    if n == 2:
        return channels
    fan_in = int(matrix[1:, n - 1].sum())
    share, extra = divmod(c_out, fan_in)
    for v in range(1, n - 1):
        if matrix[v, n - 1]:
            channels[v] = share + (1 if extra > 0 else 0)
            extra -= 1
    for v in range(n - 3, 0, -1):
        if not matrix[v, n - 1]:
            channels[v] = max(channels[d] for d in range(v + 1, n - 1) if matrix[v, d])
    return channels


def _cell_cost(matrix: np.ndarray, ops: np.ndarray, c_in: int, c_out: int, hw: int) -> tuple:
    """(params, multiply-adds) of one cell on an ``hw``-pixel feature map."""
    n = len(matrix)
    ch = vertex_channels(c_in, c_out, matrix)
    params = macs = 0

    def conv(ci: int, co: int, k: int) -> None:
        nonlocal params, macs
        params += ci * co * k * k + 2 * co
        macs += (ci * k * k + 3) * co * hw  # + 3 per output for BatchNorm and ReLU

    for v in range(1, n - 1):
        if matrix[0, v]:
            conv(c_in, ch[v], 1)  # projection of the input
        if ops[v] == _CONV3:
            conv(ch[v], ch[v], 3)
        elif ops[v] == _CONV1:
            conv(ch[v], ch[v], 1)
        else:
            macs += 9 * ch[v] * hw  # 3x3 max pool
    if matrix[0, n - 1]:
        conv(c_in, c_out, 1)
    return params, macs


def _network_cost(matrix: np.ndarray, ops: np.ndarray) -> tuple[float, float]:
    """(params, multiply-adds) of the NAS-Bench-101 CIFAR-10 network built from a cell."""
    params = 3 * _STEM * 9 + 2 * _STEM
    macs = (3 * 9 + 3) * _STEM * 32 * 32
    c_in, c, side = _STEM, _STEM, 32
    for stack in range(_STACKS):
        if stack > 0:
            c, side = 2 * c, side // 2
            macs += 4 * c_in * side * side  # 2x2 max pool between stacks
        for _ in range(_CELLS_PER_STACK):
            p, m = _cell_cost(matrix, ops, c_in, c, side * side)
            params, macs = params + p, macs + m
            c_in = c
    params += c * _NUM_CLASSES + _NUM_CLASSES
    macs += c * _NUM_CLASSES
    return float(params), float(macs)
