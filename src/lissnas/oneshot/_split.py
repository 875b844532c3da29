"""NAS-LID: split a supernet into sub-supernets by the LID similarity of an edge's operators."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import torch

from lissnas.oneshot._data import ImageData
from lissnas.oneshot._evaluate import align_group_means, evaluate_archs
from lissnas.oneshot._lid import operator_similarity
from lissnas.oneshot._sampler import ArchSampler
from lissnas.oneshot._supernet import Supernet
from lissnas.oneshot._train import TrainState, train_supernet


def best_bipartition(similarity: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...], float]:
    """The two-group partition of the operators with the smallest ratio cut.

    Edge weights are ``(1 + similarity) / 2`` (in [0, 1]); the ratio cut of (A, B) is the
    summed weight between the groups divided by ``|A| * |B|``, so similar operators stay
    together and lopsided splits are not favoured. Exhaustive (operators per edge are few:
    2^(n-1) - 1 partitions). Returns both groups and the cut value.
    """
    W = (1.0 + _check_similarity(similarity)) / 2.0
    n = len(W)
    if n > 16:
        raise ValueError(f"exhaustive bipartition handles up to 16 operators, got {n}")
    best: tuple[tuple[int, ...], tuple[int, ...], float] = ((), (), np.inf)
    for a, b in _bipartitions(n):
        cut = float(W[np.ix_(a, b)].sum()) / (len(a) * len(b))
        if cut < best[2] - 1e-12:
            best = (a, b, cut)
    return best


def spectral_bipartition(
    similarity: np.ndarray,
) -> tuple[tuple[int, ...], tuple[int, ...], float] | None:
    """NAS-LID's published split of an edge's operators: spectral clustering into two groups
    (scikit-learn, affinity ``1 + similarity``, discretized labels, ``random_state=0``).

    Returns both groups (operator 0 in the first) and their score, the mean over the two
    groups of the mean similarity within the group (diagonal included; higher is better),
    or ``None`` when the clustering leaves every operator in one group.
    """
    S = _check_similarity(similarity)
    n = len(S)
    if n == 2:
        labels = np.array([0, 1])
    else:
        # imported here: scikit-learn's clustering adds to every ``lissnas.oneshot`` import
        # and only this criterion needs it
        from sklearn.cluster import SpectralClustering

        labels = SpectralClustering(
            n_clusters=2, affinity="precomputed", assign_labels="discretize", random_state=0
        ).fit_predict(S + 1.0)
    a = tuple(int(i) for i in np.flatnonzero(labels == labels[0]))
    b = tuple(i for i in range(n) if i not in a)
    if not b:
        return None
    score = float(np.mean([S[np.ix_(g, g)].mean() for g in (a, b)]))
    return a, b, score


def _check_similarity(similarity: np.ndarray) -> np.ndarray:
    S = np.asarray(similarity, dtype=float)
    n = len(S)
    if n < 2 or S.shape != (n, n):
        raise ValueError(f"similarity must be a square matrix of >= 2 operators, got {S.shape}")
    return S


def _bipartitions(n: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Every split of ``range(n)`` into two non-empty groups, each once (``2^(n-1) - 1``;
    operator 0 always in the first group)."""
    out = []
    for r in range(n - 1):
        for rest in combinations(range(1, n), r):
            a = (0, *rest)
            out.append((a, tuple(i for i in range(n) if i not in a)))
    return out


@dataclass
class SplitSupernet:
    """Sub-supernets made by splitting a supernet at ``position`` into one child per
    operator ``group``; a child is a supernet or, after ``split_further``, itself a
    ``SplitSupernet``. ``subnets`` and ``samplers`` list the leaves (the sub-supernets
    that are trained and evaluated), and ``route`` sends every architecture of the space
    to exactly one leaf (by its operators at the split positions). ``scores`` holds each
    candidate position's score under ``criterion`` (``split_supernet``'s), ``similarity``
    the chosen position's operator similarity (``None`` for a random split)."""

    position: int
    groups: list[tuple[int, ...]]
    children: list[Supernet | SplitSupernet]
    child_samplers: list[ArchSampler]
    similarity: np.ndarray | None
    scores: dict[int, float] = field(default_factory=dict)
    criterion: str = "lid"

    @property
    def subnets(self) -> list[Supernet]:
        """The leaf sub-supernets, in routing order."""
        return [leaf for leaf, _ in self._leaves()]

    @property
    def samplers(self) -> list[ArchSampler]:
        """The sampler of each leaf's sub-space, in routing order."""
        return [sampler for _, sampler in self._leaves()]

    @property
    def positions(self) -> list[int]:
        """Every position split somewhere in the tree (this one first)."""
        out = [self.position]
        for child in self.children:
            if isinstance(child, SplitSupernet):
                out += [p for p in child.positions if p not in out]
        return out

    @property
    def regions(self) -> list[dict[int, tuple[int, ...]]]:
        """Each leaf's sub-space as ``{position: allowed operators}``, in routing order."""
        out: list[dict[int, tuple[int, ...]]] = []
        for group, child in zip(self.groups, self.children, strict=True):
            own = {self.position: group}
            below = child.regions if isinstance(child, SplitSupernet) else [{}]
            out += [{**own, **region} for region in below]
        return out

    def summary(self) -> dict:
        """A JSON-ready description of the split tree: position, groups, criterion, the
        candidates' scores, similarity, the leaves' regions, and each child's summary
        (``None`` for a leaf)."""
        return {
            "position": self.position,
            "groups": [list(g) for g in self.groups],
            "criterion": self.criterion,
            "scores": {str(p): c for p, c in self.scores.items()},
            "similarity": None if self.similarity is None else self.similarity.tolist(),
            "regions": [{str(p): list(g) for p, g in r.items()} for r in self.regions],
            "children": [
                c.summary() if isinstance(c, SplitSupernet) else None for c in self.children
            ],
        }

    def _leaves(self) -> list[tuple[Supernet, ArchSampler]]:
        leaves: list[tuple[Supernet, ArchSampler]] = []
        for child, sampler in zip(self.children, self.child_samplers, strict=True):
            leaves += child._leaves() if isinstance(child, SplitSupernet) else [(child, sampler)]
        return leaves

    def route(self, archs: np.ndarray) -> np.ndarray:
        """Index (into ``subnets``) of the leaf of each architecture (canonicalised first)."""
        return self._route_canonical(self.subnets[0].space.canonical(archs))

    def _route_canonical(self, archs: np.ndarray) -> np.ndarray:
        space = self.subnets[0].space
        owner = np.full(int(space.cardinalities[self.position]), -1)
        for g, group in enumerate(self.groups):
            owner[list(group)] = g
        child_of = owner[archs[:, self.position]]
        out = np.full(len(archs), -1)
        offset = 0
        for g, child in enumerate(self.children):
            rows = np.flatnonzero(child_of == g)
            if isinstance(child, SplitSupernet):
                out[rows] = offset + child._route_canonical(archs[rows])
                offset += len(child.subnets)
            else:
                out[rows] = offset
                offset += 1
        return out

    def split_further(self, x: torch.Tensor, *, exclude: Iterable[int] = (), **kwargs) -> None:
        """Split every leaf once more (in place), each at its own best position among those
        not split on its branch nor in ``exclude``; ``kwargs`` go to ``split_supernet``."""
        done = {*exclude, self.position}
        for g, child in enumerate(self.children):
            if isinstance(child, SplitSupernet):
                child.split_further(x, exclude=done, **kwargs)
            else:
                self.children[g] = split_supernet(
                    child, self.child_samplers[g], x, exclude=done, **kwargs
                )

    def train(self, data: ImageData, *, epochs_each: int, **kwargs) -> list[TrainState]:
        """Train every leaf sub-supernet for ``epochs_each`` epochs on its own sub-space."""
        return [
            train_supernet(net, sampler, data, epochs=epochs_each, **kwargs)
            for net, sampler in self._leaves()
        ]

    def evaluate(
        self,
        archs: np.ndarray,
        calib: ImageData,
        val: ImageData,
        *,
        reference: Supernet | None = None,
        **kwargs,
    ) -> np.ndarray:
        """Each architecture's estimate from its own leaf sub-supernet (``evaluate_archs``
        with ``kwargs``). With ``reference`` (the supernet the split started from, say),
        every architecture is evaluated by it too and each leaf's estimates are shifted to
        its mean over them (``align_group_means``): leaves compared on one scale, each
        leaf's own order kept."""
        space = self.subnets[0].space
        archs = space.canonical(archs)
        owner = self._route_canonical(archs)
        out = np.empty(len(archs))
        for g, net in enumerate(self.subnets):
            rows = np.flatnonzero(owner == g)
            if len(rows):
                out[rows] = evaluate_archs(net, archs[rows], calib, val, **kwargs)
        if reference is None:
            return out
        return align_group_means(out, evaluate_archs(reference, archs, calib, val, **kwargs), owner)


def route_regions(archs: np.ndarray, regions: Sequence[Mapping]) -> np.ndarray:
    """Index of the one region holding each row of ``archs``, the regions given as
    ``{position: operators}`` (``SplitSupernet.regions``, or split.json's ``regions`` with
    positions as strings): ``SplitSupernet.route`` without the sub-supernets, on the rows as
    given (canonicalise them first in a space with isomorphic encodings). A row in no region
    or in several is a ValueError."""
    X = np.atleast_2d(np.asarray(archs))
    inside = np.ones((len(X), len(regions)), dtype=bool)
    for k, region in enumerate(regions):
        for position, ops in region.items():
            inside[:, k] &= np.isin(X[:, int(position)], list(ops))
    counts = inside.sum(axis=1)
    if (bad := np.flatnonzero(counts != 1)).size:
        raise ValueError(
            f"architecture {X[bad[0]].tolist()} is in {int(counts[bad[0]])} of the regions "
            f"{list(regions)}, not in exactly one"
        )
    return inside.argmax(axis=1)


#: how ``split_supernet`` chooses the split
SPLIT_CRITERIA = ("lid", "lid-spectral", "random")


def split_supernet(
    supernet: Supernet,
    sampler: ArchSampler,
    x: torch.Tensor,
    *,
    position: int | None = None,
    exclude: Iterable[int] = (),
    n_paths: int = 4,
    lid_batches: int = 1,
    k: int = 20,
    device: str = "cpu",
    seed: int = 0,
    criterion: str = "lid",
) -> SplitSupernet:
    """NAS-LID's split of a (warmed-up) supernet into two sub-supernets.

    For every candidate position (or only ``position``; never those in ``exclude``) where
    ``sampler``'s space holds two or more operators, each of those operators' layer-wise
    LID profile is measured on the batch ``x`` (``operator_profiles``; ``n_paths`` paths,
    the same for every candidate) and the position whose operators split best is split;
    with ``lid_batches`` > 1, ``x`` is cut into that many batches, each measured with paths
    of its own, and the operators' similarity averaged over them (``operator_similarity``;
    NAS-LID's published code: 50 batches of 64 images, 1 path each). Each sub-supernet is
    a copy of ``supernet`` (inheriting its weights) sampling only the architectures of
    ``sampler``'s space whose operator at that position is in its group; the space must be
    enumerable or the sampler hold members. ``SplitSupernet.split_further`` splits the
    sub-supernets again (NAS-LID's levels).

    ``criterion`` (one of ``SPLIT_CRITERIA``) says what "best" is:

    - ``"lid"``: the smallest ratio cut (``best_bipartition``) of the centred cosine
      similarity of the profiles (``profile_similarity``);
    - ``"lid-spectral"``: the rule of NAS-LID's published code (marsggbo/NAS-LID): plain
      cosine similarity, two groups by spectral clustering (``spectral_bipartition``), the
      position with the highest mean similarity within its groups;
    - ``"random"``: the control that tells what LID adds: the position (among the same
      candidates) and the two groups (uniform over the bipartitions of its operators) are
      drawn with ``seed``, nothing is measured, and ``similarity`` is ``None``.
    """
    if criterion not in SPLIT_CRITERIA:
        raise ValueError(f"criterion must be one of {SPLIT_CRITERIA}, got {criterion!r}")
    space = supernet.space
    pool = sampler.members if sampler.members is not None else space.enumerate()
    if pool is None:
        raise ValueError(f"{space.name} cannot be enumerated; give the sampler members")
    pool = space.canonical(pool)
    excluded = set(exclude)
    positions = range(space.n_positions) if position is None else [position]
    candidates = [p for p in positions if p not in excluded and len(np.unique(pool[:, p])) > 1]
    if not candidates:
        raise ValueError("no position with at least two operators left to split")
    if criterion == "random":
        rng = np.random.default_rng(seed)
        p = int(rng.choice(candidates))
        options = _bipartitions(len(np.unique(pool[:, p])))
        split = options[rng.integers(len(options))]
        return _split_at(supernet, pool, p, split, None, {}, criterion, seed)
    spectral = criterion == "lid-spectral"
    sign = -1.0 if spectral else 1.0  # lid minimises the ratio cut, lid-spectral maximises
    best: tuple[int, tuple[tuple[int, ...], tuple[int, ...]], np.ndarray] | None = None
    scores: dict[int, float] = {}
    for p in candidates:
        ops = np.unique(pool[:, p])
        sim = operator_similarity(
            supernet, sampler, x, p, ops=ops, n_batches=lid_batches, centred=not spectral,
            n_paths=n_paths, k=k, device=device, seed=seed,
        )  # fmt: skip
        split = spectral_bipartition(sim) if spectral else best_bipartition(sim)
        if split is None:  # spectral clustering found one group only: no split here
            continue
        a, b, scores[p] = split
        if best is None or sign * scores[p] < sign * scores[best[0]]:
            best = (p, (a, b), sim)
    if best is None:
        raise ValueError(
            f"spectral clustering kept the operators together at every candidate {candidates}"
        )
    return _split_at(supernet, pool, *best, scores, criterion, seed)


def _split_at(
    supernet: Supernet,
    pool: np.ndarray,
    position: int,
    split: tuple[tuple[int, ...], tuple[int, ...]],
    similarity: np.ndarray | None,
    scores: dict[int, float],
    criterion: str,
    seed: int,
) -> SplitSupernet:
    """Two copies of ``supernet``, each sampling the architectures of ``pool`` (canonical)
    whose operator at ``position`` is in its group; ``split`` indexes the operators present
    there (in increasing order), as ``best_bipartition`` and the others return them."""
    present = np.unique(pool[:, position])
    groups = [tuple(int(present[i]) for i in group) for group in split]
    subnets: list[Supernet | SplitSupernet] = []
    samplers = []
    for g, group in enumerate(groups):
        subnets.append(copy.deepcopy(supernet))
        members = pool[np.isin(pool[:, position], group)]
        samplers.append(
            ArchSampler(supernet.space, members, seed=np.random.default_rng([seed, g, position]))
        )
    return SplitSupernet(position, groups, subnets, samplers, similarity, scores, criterion)
