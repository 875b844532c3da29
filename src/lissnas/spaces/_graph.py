"""NAS-Bench-Graph: a 4-op graph neural network macro space with 9 link patterns.

An architecture has four GNN operations; op ``i`` reads the output of node ``link[i]``
(node 0 is the input, node ``j + 1`` the output of op ``j``), so the link vector describes
a tree rooted at the input with ``link[i] <= i``. There are 24 such vectors; NAS-Bench-Graph
lists 9 of them (``NBGRAPH_LINKS``), every other one being a relabelling of a listed one.

Isomorphism follows the benchmark's own rules (``nas_bench_graph.Arch.valid_hash``):

1. relabel the ops so that the link vector is one of the 9 listed patterns;
2. move "removable" ``skip`` ops to the front: a skip op with a child, without a sibling,
   or fed only through skips from the input is an identity that can be taken out, and is
   re-inserted as the first op (between the input and every op the input fed);
3. sort interchangeable ops (sibling leaves, or the two chains of ``[0, 0, 1, 2]``) by
   their rank in ``NBGRAPH_OPS``.

The result is the canonical form; its ``bench_hash`` is the key of the benchmark's files.
Over the 9 x 9^4 encodings (minus the four-skip one, which the benchmark excludes) this
gives 26,206 classes; with the 5 proteins ops, 2,021.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import permutations

import numpy as np
from scipy import sparse

from lissnas._random import SeedLike
from lissnas.spaces._base import SearchSpace, check_neighbor_args, per_arch_table, subsample

#: The 9 link patterns of NAS-Bench-Graph; an architecture stores the index of its pattern.
NBGRAPH_LINKS: tuple[tuple[int, int, int, int], ...] = (
    (0, 0, 0, 0),
    (0, 0, 0, 1),
    (0, 0, 1, 1),
    (0, 0, 1, 2),
    (0, 0, 1, 3),
    (0, 1, 1, 1),
    (0, 1, 1, 2),
    (0, 1, 2, 2),
    (0, 1, 2, 3),
)
#: The benchmark's GNN operations; their order is the rank used by the canonical form and
#: by ``bench_hash``.
NBGRAPH_OPS = ("gat", "gcn", "gin", "cheb", "sage", "arma", "graph", "fc", "skip")
#: The operations of the ``proteins`` dataset.
NBGRAPH_OPS_PROTEINS = ("gcn", "sage", "arma", "fc", "skip")
#: Datasets of NAS-Bench-Graph.
NBGRAPH_DATASETS = (
    "cora",
    "citeseer",
    "pubmed",
    "cs",
    "physics",
    "photo",
    "computers",
    "arxiv",
    "proteins",
)

_N_OPS = 4
#: Every tree link vector (``link[i] <= i``), in lexicographic order.
_ALL_LINKS = tuple((0, a, b, c) for a in range(2) for b in range(3) for c in range(4))
_LISTED = {link: i for i, link in enumerate(NBGRAPH_LINKS)}
_STRING_RE = re.compile(r"^\s*([^|]*)\|([^|]*)\s*$")
#: Most single changes between two encodings: 3 free link entries (``link[0]`` is 0) + 4 ops.
_MAX_CHANGES = 7
#: Diameter of the class graph (largest ``distance``), measured by breadth-first search
#: from every class: it reaches the bound ``_MAX_CHANGES`` for both standard op lists.
_KNOWN_DIAMETERS = {frozenset(NBGRAPH_OPS): 7, frozenset(NBGRAPH_OPS_PROTEINS): 7}


def _relabel(link: Sequence[int], order: Sequence[int]) -> tuple[int, ...]:
    """Link vector after putting old op ``order[j]`` at position ``j``."""
    new_pos = {old: new for new, old in enumerate(order)}
    return tuple(0 if link[old] == 0 else new_pos[link[old] - 1] + 1 for old in order)


def _to_listed(link: Sequence[int]) -> tuple[int, tuple[int, ...]]:
    """(pattern index, order) relabelling a tree link vector into a listed pattern.

    The first relabelling in lexicographic order of ``order`` is taken.
    """
    link = tuple(link)
    if link in _LISTED:
        return _LISTED[link], (0, 1, 2, 3)
    for order in permutations(range(_N_OPS)):
        relabelled = _relabel(link, order)
        if relabelled in _LISTED:
            return _LISTED[relabelled], order
    raise ValueError(f"link vector {list(link)} is not a tree")  # pragma: no cover


def _skip_layout(link: Sequence[int], is_skip: Sequence[bool]) -> tuple[int, tuple[int, ...]]:
    """Pattern index and op order after steps 1 and 2 of the canonical form.

    ``order[j]`` is the original position of the op that ends at position ``j``; the result
    depends only on the link vector and on which ops are ``skip``.
    """
    pattern, order = _to_listed(link)
    link = list(NBGRAPH_LINKS[pattern])
    order = list(order)
    for i in range(_N_OPS):
        if not is_skip[order[i]]:
            continue
        has_child = (i + 1) in link
        has_sibling = any(j != i and link[j] == link[i] for j in range(_N_OPS))
        node, through_skips = i, True
        while node >= 0:
            through_skips &= bool(is_skip[order[node]])
            node = link[node] - 1
        if not (has_child or not has_sibling or through_skips):
            continue
        # take op i out and re-insert it as the first op: its children read its parent,
        # and whatever read the input (or an earlier op) now reads one node further
        moved = []
        for j in range(_N_OPS):
            parent = link[j]
            if parent == i + 1:
                parent = link[i] + 1
            elif parent <= i:
                parent += 1
            moved.append(parent)
        link = [0, *moved[:i], *moved[i + 1 :]]
        order = [order[i], *order[:i], *order[i + 1 :]]
    pattern, again = _to_listed(link)
    return pattern, tuple(order[k] for k in again)


@dataclass(frozen=True)
class _Tables:
    """Everything derived from an op list, shared by every space with that list."""

    class_of_encoding: np.ndarray  # (9 * n^4,) class index of each encoding, -1 if invalid
    representatives: np.ndarray  # (n_classes, 5) canonical encodings in key order
    adjacency: sparse.csr_matrix  # class graph: one single change apart


class NBGraphSpace(SearchSpace):
    """NAS-Bench-Graph: 9 link patterns x 4 GNN ops; 26,206 classes (2,021 for proteins).

    An architecture is ``[pattern, op_1, op_2, op_3, op_4]``: the index of its link pattern in
    ``NBGRAPH_LINKS`` and the index of each op in ``ops``. Architectures whose four ops are
    all ``skip`` do not exist (the benchmark excludes them; ``validate`` rejects them).
    ``canonical`` returns the benchmark's own canonical form (module docstring), whose
    ``bench_hash`` is its key in the benchmark files; ``from_link_vector`` accepts the 15
    unlisted link vectors too.

    Edit distance: one *single change* replaces one op by another, or re-attaches one op to
    another input (changes one entry of the link vector, keeping a tree). Isomorphic
    architectures are one point, so a change may start from any member of a class; the
    distance between two classes is the fewest single changes turning one into the other
    (the shortest path in the graph of classes). It is a metric; ``neighbors`` returns the
    classes within ``max_distance`` changes.

    String form: ``"0,0,1,2|gcn,gat,skip,fc"``: the link vector and the op names.

    Parameters
    ----------
    ops : sequence of str
        Operations, a subset of ``NBGRAPH_OPS`` (default all 9; the ``proteins`` dataset
        uses ``NBGRAPH_OPS_PROTEINS``).
    params, latency : array or None
        Parameters (millions) and inference latency (seconds) per class, in ``enumerate``
        order, e.g. the benchmark's ``para`` and ``latency`` (the benchmark loaders pass
        them).
    """

    name = "nbgraph"

    def __init__(
        self,
        ops: Sequence[str] = NBGRAPH_OPS,
        *,
        params: np.ndarray | Sequence[float] | None = None,
        latency: np.ndarray | Sequence[float] | None = None,
    ) -> None:
        if isinstance(ops, str) or not isinstance(ops, Sequence) or not ops:
            raise ValueError(f"ops must be a non-empty list of op names, got {ops!r}")
        ops = tuple(ops)
        unknown = [op for op in ops if op not in NBGRAPH_OPS]
        if unknown:
            raise ValueError(f"ops must be taken from {NBGRAPH_OPS}, got unknown {unknown}")
        if len(set(ops)) != len(ops):
            raise ValueError(f"ops has duplicates: {list(ops)}")
        if ops == ("skip",):
            raise ValueError("ops must hold an op other than 'skip'")
        super().__init__([len(NBGRAPH_LINKS)] + [len(ops)] * _N_OPS)
        self.ops = ops
        self._skip = ops.index("skip") if "skip" in ops else -1
        self._params = per_arch_table(self, "params", params, "class")
        self._latency = per_arch_table(self, "latency", latency, "class")

    @classmethod
    def for_dataset(cls, dataset: str, **tables: np.ndarray | None) -> NBGraphSpace:
        """The space of one NAS-Bench-Graph dataset (``proteins`` has 5 ops, others 9)."""
        if dataset not in NBGRAPH_DATASETS:
            raise ValueError(f"dataset must be one of {NBGRAPH_DATASETS}, got {dataset!r}")
        return cls(NBGRAPH_OPS_PROTEINS if dataset == "proteins" else NBGRAPH_OPS, **tables)

    def __repr__(self) -> str:
        return f"NBGraphSpace(ops={list(self.ops)})"

    # -- tables ---------------------------------------------------------------------------
    @cached_property
    def _rank(self) -> np.ndarray:
        return np.array([NBGRAPH_OPS.index(op) for op in self.ops], dtype=np.int64)

    @cached_property
    def _tables(self) -> _Tables:
        return _build_tables(self.ops)

    @property
    def size(self) -> int:
        return len(self._tables.representatives)

    @property
    def max_distance(self) -> int:
        """Diameter of the class graph: 7 (every link entry and every op differ) for the
        9-op and the proteins space; measured once for another op list."""
        known = _KNOWN_DIAMETERS.get(frozenset(self.ops))
        return known if known is not None else self._measured_diameter

    @cached_property
    def _measured_diameter(self) -> int:
        return _diameter(self._tables.adjacency, upper=_MAX_CHANGES)

    def enumerate(self) -> np.ndarray:
        return self._tables.representatives.copy()

    # -- validation and identity ----------------------------------------------------------
    def validate(self, archs: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        X = super().validate(archs)
        if self._skip >= 0:
            all_skip = (X[:, 1:] == self._skip).all(axis=1)
            if all_skip.any():
                row = int(np.flatnonzero(all_skip)[0])
                raise ValueError(
                    f"{self.name}: architecture {row} has 'skip' as all four ops; "
                    "NAS-Bench-Graph has no such architecture"
                )
        return X

    def class_index(self, archs: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """Index of each architecture's class (0..size-1, in ``enumerate`` order)."""
        return self._tables.class_of_encoding[self.keys(self.validate(archs))]

    def canonical(self, archs: np.ndarray) -> np.ndarray:
        return self._tables.representatives[self.class_index(archs)]

    def from_link_vector(
        self,
        links: np.ndarray | Sequence[Sequence[int]],
        ops: np.ndarray | Sequence[Sequence[int]],
    ) -> np.ndarray:
        """Canonical architectures of any tree link vectors (``link[i] <= i``, not only the 9
        listed ones) with op indices ``ops`` (one row of 4 per architecture)."""
        links = np.atleast_2d(np.asarray(links, dtype=np.int64))
        ops = np.atleast_2d(np.asarray(ops, dtype=np.int64))
        if links.shape[1:] != (_N_OPS,) or ops.shape != links.shape:
            raise ValueError(
                f"links and ops must both have 4 columns and the same rows, got shapes "
                f"{links.shape} and {ops.shape}"
            )
        bad = (links < 0) | (np.arange(_N_OPS) < links)
        if bad.any():
            row, pos = map(int, np.argwhere(bad)[0])
            raise ValueError(
                f"link vector {links[row].tolist()}: entry {pos} is {int(links[row, pos])}, "
                f"expected 0..{pos}"
            )
        self.validate(np.hstack([np.zeros((len(ops), 1), dtype=np.int64), ops]))
        return _canonical_forms(self._rank, self._skip, _link_ids(links), ops)

    # -- benchmark keys -------------------------------------------------------------------
    def bench_hash(self, archs: np.ndarray) -> np.ndarray:
        """The benchmark's key of each architecture (``nas_bench_graph.Arch.valid_hash``)."""
        X = self.canonical(archs)
        return X[:, 0] * 10**_N_OPS + self._rank[X[:, 1:]] @ (10 ** np.arange(_N_OPS)[::-1])

    def from_bench_hash(self, hashes: np.ndarray | Sequence[int]) -> np.ndarray:
        """Architectures of benchmark keys; ``ValueError`` naming a key that is not one."""
        H = np.asarray(hashes, dtype=np.int64).reshape(-1)
        digits = (H[:, None] // 10 ** np.arange(_N_OPS, -1, -1)) % 10
        op_of_rank = np.full(10, -1, dtype=np.int64)
        op_of_rank[self._rank] = np.arange(len(self.ops))
        X = np.column_stack([digits[:, 0], op_of_rank[digits[:, 1:]]])
        bad = (H < 0) | (len(NBGRAPH_LINKS) * 10**_N_OPS <= H) | (X[:, 1:] < 0).any(axis=1)
        if bad.any():
            raise ValueError(
                f"{self.name}: {int(H[bad][0])} is not a NAS-Bench-Graph key for ops "
                f"{list(self.ops)} (link pattern digit, then one digit per op)"
            )
        return self.validate(X)

    # -- locality -----------------------------------------------------------------------
    def _ball(self, cls: int, radius: int, stop: int = -1) -> tuple[np.ndarray, np.ndarray]:
        """Classes within ``radius`` changes of class ``cls`` (sorted) and their distances;
        the search ends early once class ``stop`` is reached."""
        A = self._tables.adjacency
        dist = np.full(A.shape[0], -1, dtype=np.int64)
        dist[cls] = 0
        frontier = np.array([cls])
        for step in range(1, radius + 1):
            if stop >= 0 and dist[stop] >= 0:
                break
            reached = np.unique(A[frontier].indices)
            frontier = reached[dist[reached] < 0]
            if not len(frontier):
                break
            dist[frontier] = step
        found = np.flatnonzero(dist >= 0)
        return found, dist[found]

    def neighbors(
        self,
        arch: np.ndarray | Sequence[int],
        max_distance: int = 1,
        seed: SeedLike = None,
        limit: int | None = None,
    ) -> np.ndarray:
        """Canonical architectures 1..``max_distance`` single changes away, nearest first."""
        check_neighbor_args(max_distance, limit)
        own = int(self.class_index(arch)[0])
        classes, dist = self._ball(own, int(max_distance))
        keep = classes != own
        classes, dist = classes[keep], dist[keep]
        pick = subsample(len(classes), limit, seed)
        classes, dist = classes[pick], dist[pick]
        order = np.lexsort((classes, dist))
        return self._tables.representatives[classes[order]]

    def distance(self, a: np.ndarray | Sequence[int], b: np.ndarray | Sequence[int]) -> int:
        """Fewest single changes (op or link entry) between the classes of ``a`` and ``b``."""
        ca, cb = int(self.class_index(a)[0]), int(self.class_index(b)[0])
        classes, dist = self._ball(ca, _MAX_CHANGES, stop=cb)
        return int(dist[np.searchsorted(classes, cb)])

    # -- representations ----------------------------------------------------------------
    def encode(self, archs: np.ndarray) -> np.ndarray:
        """Features of the canonical form: one-hot link pattern (9), one-hot op per position
        (4 x n_ops), count of each op (n_ops), number of non-skip ops, number of leaf ops
        (ops whose output no op reads) and the most non-skip ops on one input-leaf path."""
        X = self.canonical(archs)
        n_ops = len(self.ops)
        link_onehot = X[:, :1] == np.arange(len(NBGRAPH_LINKS))
        op_onehot = (X[:, 1:, None] == np.arange(n_ops)).reshape(len(X), -1)
        counts = op_onehot.reshape(len(X), _N_OPS, n_ops).sum(axis=1)
        gnn = X[:, 1:] != self._skip
        links = np.array(NBGRAPH_LINKS)[X[:, 0]]
        leaves = ~(links[:, None, :] == np.arange(1, _N_OPS + 1)[None, :, None]).any(axis=2)
        depth = np.zeros((len(X), _N_OPS + 1), dtype=np.int64)
        rows = np.arange(len(X))
        for i in range(_N_OPS):
            depth[:, i + 1] = depth[rows, links[:, i]] + gnn[:, i]
        deepest = np.where(leaves, depth[:, 1:], 0).max(axis=1)
        return np.column_stack(
            [link_onehot, op_onehot, counts, gnn.sum(axis=1), leaves.sum(axis=1), deepest]
        ).astype(np.float32)

    def to_string(self, arch: np.ndarray | Sequence[int]) -> str:
        x = self.validate(arch)[0]
        link = ",".join(str(v) for v in NBGRAPH_LINKS[x[0]])
        return f"{link}|{','.join(self.ops[o] for o in x[1:])}"

    def from_string(self, text: str) -> np.ndarray:
        if not isinstance(text, str):
            raise ValueError(f"{self.name}: expected a str, got {text!r}")
        match = _STRING_RE.match(text)
        if match is None:
            raise ValueError(
                f"{self.name}: {text!r} is not a NAS-Bench-Graph string like "
                "'0,0,1,2|gcn,gat,skip,fc' (link vector, '|', four op names)"
            )
        link_text, ops_text = match.groups()
        try:
            link = tuple(int(v) for v in link_text.split(","))
        except ValueError:
            link = ()
        if link not in _LISTED:
            patterns = [",".join(map(str, p)) for p in NBGRAPH_LINKS]
            raise ValueError(
                f"{self.name}: link vector {link_text.strip()!r} in {text!r} is not one of the "
                f"9 NAS-Bench-Graph patterns {patterns}"
            )
        names = [name.strip() for name in ops_text.split(",")]
        if len(names) != _N_OPS:
            raise ValueError(f"{self.name}: {text!r} has {len(names)} ops, expected {_N_OPS}")
        for pos, op in enumerate(names):
            if op not in self.ops:
                raise ValueError(
                    f"{self.name}: op {pos} of {text!r} is {op!r}, expected one of {self.ops}"
                )
        arch = np.array([_LISTED[link], *(self.ops.index(op) for op in names)], dtype=np.int64)
        return self.validate(arch)[0]

    # -- cost ---------------------------------------------------------------------------
    def params(self, archs: np.ndarray) -> np.ndarray:
        """Parameters (millions) from the table given to the constructor."""
        if self._params is None:
            raise NotImplementedError(
                f"{self.name} has no parameter table; take the space of its benchmark "
                "(load_benchmark('nbgraph-cora').space)"
            )
        return self._params[self.class_index(archs)]

    def latency(self, archs: np.ndarray) -> np.ndarray:
        """Inference latency (seconds) from the table given to the constructor."""
        if self._latency is None:
            raise NotImplementedError(
                f"{self.name} has no latency table; take the space of its benchmark "
                "(load_benchmark('nbgraph-cora').space)"
            )
        return self._latency[self.class_index(archs)]


#: Interchangeable positions of each listed pattern (sibling leaves), sorted by op rank.
_SYMMETRIES = {
    _LISTED[(0, 0, 0, 0)]: ([0, 1, 2, 3],),
    _LISTED[(0, 0, 0, 1)]: ([1, 2],),
    _LISTED[(0, 0, 1, 1)]: ([2, 3],),
    _LISTED[(0, 1, 1, 1)]: ([1, 2, 3],),
    _LISTED[(0, 1, 2, 2)]: ([2, 3],),
}


def _link_ids(links: np.ndarray) -> np.ndarray:
    """Index in ``_ALL_LINKS`` of each tree link vector (mixed radix 1 x 2 x 3 x 4)."""
    return links[:, 1] * 12 + links[:, 2] * 4 + links[:, 3]


def _canonical_forms(
    rank: np.ndarray, skip: int, link_ids: np.ndarray, ops: np.ndarray
) -> np.ndarray:
    """Canonical form (steps 1-3 of the module docstring) of raw encodings, vectorised.

    ``rank`` is each op's index in ``NBGRAPH_OPS``, ``skip`` the index of ``skip`` (-1 if
    absent), ``link_ids`` index ``_ALL_LINKS``; no row may have four skips.
    """
    patterns, orders = _layout_table(skip >= 0)
    is_skip = ops == skip
    combo = link_ids * 16 + is_skip @ (1 << np.arange(_N_OPS))
    pattern = patterns[combo]
    R = rank[np.take_along_axis(ops, orders[combo], axis=1)]
    for p, groups in _SYMMETRIES.items():
        rows = np.flatnonzero(pattern == p)
        for cols in groups:
            R[np.ix_(rows, cols)] = np.sort(R[np.ix_(rows, cols)], axis=1)
    # pattern (0,0,1,2): two chains op0->op2 and op1->op3; the smaller chain goes first
    rows = np.flatnonzero(pattern == _LISTED[(0, 0, 1, 2)])
    first, second = R[rows][:, [0, 2]], R[rows][:, [1, 3]]
    swap = (first[:, 0] > second[:, 0]) | (
        (first[:, 0] == second[:, 0]) & (first[:, 1] > second[:, 1])
    )
    R[rows[swap]] = R[rows[swap]][:, [1, 0, 3, 2]]
    op_of_rank = np.full(len(NBGRAPH_OPS), -1, dtype=np.int64)
    op_of_rank[rank] = np.arange(len(rank))
    return np.column_stack([pattern, op_of_rank[R]])


@lru_cache(maxsize=2)
def _layout_table(has_skip: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pattern and op order of steps 1-2 for every (link vector, skip mask) pair."""
    patterns = np.empty(len(_ALL_LINKS) * 16, dtype=np.int64)
    orders = np.empty((len(_ALL_LINKS) * 16, _N_OPS), dtype=np.int64)
    for link_id, link in enumerate(_ALL_LINKS):
        for mask in range(16):
            is_skip = [has_skip and bool(mask >> i & 1) for i in range(_N_OPS)]
            pattern, order = _skip_layout(link, is_skip)
            patterns[link_id * 16 + mask] = pattern
            orders[link_id * 16 + mask] = order
    return patterns, orders


@lru_cache(maxsize=4)
def _build_tables(ops: tuple[str, ...]) -> _Tables:
    """Classes of every encoding and the class graph of an op list."""
    rank = np.array([NBGRAPH_OPS.index(op) for op in ops], dtype=np.int64)
    skip = ops.index("skip") if "skip" in ops else -1
    n = len(ops)
    # every raw encoding: any of the 24 tree link vectors and any ops
    op_grid = np.indices((n,) * _N_OPS).reshape(_N_OPS, -1).T
    n_grid = len(op_grid)
    valid = ~(op_grid == skip).all(axis=1)
    link_ids = np.repeat(np.arange(len(_ALL_LINKS)), n_grid)
    ops_all = np.tile(op_grid, (len(_ALL_LINKS), 1))
    valid_all = np.tile(valid, len(_ALL_LINKS))
    canon = _canonical_forms(rank, skip, link_ids[valid_all], ops_all[valid_all])
    canon_keys = canon @ (n ** np.arange(_N_OPS, -1, -1))
    rep_keys, raw_class = np.unique(canon_keys, return_inverse=True)
    representatives = np.column_stack([rep_keys // n**_N_OPS, op_grid[rep_keys % n**_N_OPS]])
    class_of_raw = np.full(len(valid_all), -1, dtype=np.int64)
    class_of_raw[valid_all] = raw_class
    # the space's encodings are the raw encodings with a listed link vector
    listed_ids = _link_ids(np.array(NBGRAPH_LINKS))
    class_of_encoding = class_of_raw.reshape(len(_ALL_LINKS), n_grid)[listed_ids].reshape(-1)
    # class graph: classes with raw members one op or one link entry apart
    grid = class_of_raw.reshape((len(_ALL_LINKS),) + (n,) * _N_OPS)
    a, b = np.triu_indices(n, k=1)
    pairs = []
    for axis in range(1, _N_OPS + 1):
        lines = np.moveaxis(grid, axis, -1).reshape(-1, n)
        pairs.append(np.column_stack([lines[:, a].ravel(), lines[:, b].ravel()]))
    by_link = grid.reshape(len(_ALL_LINKS), -1)
    links = np.array(_ALL_LINKS)
    for i, j in zip(*np.triu_indices(len(_ALL_LINKS), k=1), strict=True):
        if (links[i] != links[j]).sum() == 1:
            pairs.append(np.column_stack([by_link[i], by_link[j]]))
    edges = np.vstack(pairs)
    edges = edges[(edges >= 0).all(axis=1) & (edges[:, 0] != edges[:, 1])]
    m = len(rep_keys)
    both = np.sort(np.r_[edges[:, 0] * m + edges[:, 1], edges[:, 1] * m + edges[:, 0]])
    both = both[np.r_[True, both[1:] != both[:-1]]]
    adjacency = sparse.csr_matrix(
        (np.ones(len(both), dtype=bool), (both // m, both % m)), shape=(m, m)
    )
    return _Tables(class_of_encoding, representatives, adjacency)


def _diameter(adjacency: sparse.csr_matrix, upper: int) -> int:
    """Largest shortest-path length of a connected graph (breadth-first from every node,
    stopping as soon as the known bound ``upper`` is reached)."""
    from scipy.sparse.csgraph import shortest_path

    best = 0
    n = adjacency.shape[0]
    for start in range(0, n, 256):
        dist = shortest_path(
            adjacency, unweighted=True, indices=np.arange(start, min(start + 256, n))
        )
        best = max(best, int(dist.max()))
        if best >= upper:
            break
    return best
