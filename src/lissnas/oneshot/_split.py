"""NAS-LID: split a supernet into sub-supernets by the LID similarity of an edge's operators."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import torch

from lissnas.oneshot._data import ImageData
from lissnas.oneshot._evaluate import evaluate_archs
from lissnas.oneshot._lid import operator_profiles, profile_similarity
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
    W = (1.0 + np.asarray(similarity, dtype=float)) / 2.0
    n = len(W)
    if n < 2 or W.shape != (n, n):
        raise ValueError(f"similarity must be a square matrix of >= 2 operators, got {W.shape}")
    if n > 16:
        raise ValueError(f"exhaustive bipartition handles up to 16 operators, got {n}")
    best: tuple[tuple[int, ...], tuple[int, ...], float] = ((), (), np.inf)
    for r in range(n - 1):
        for rest in combinations(range(1, n), r):
            a = (0, *rest)  # operator 0 always in the first group: each split counted once
            b = tuple(i for i in range(n) if i not in a)
            cut = float(W[np.ix_(a, b)].sum()) / (len(a) * len(b))
            if cut < best[2] - 1e-12:
                best = (a, b, cut)
    return best


@dataclass
class SplitSupernet:
    """Sub-supernets, one per operator group at ``position``; ``route`` sends every
    architecture of the space to exactly one of them (by its operator there)."""

    position: int
    groups: list[tuple[int, ...]]
    subnets: list[Supernet]
    samplers: list[ArchSampler]
    similarity: np.ndarray
    cuts: dict[int, float] = field(default_factory=dict)

    def route(self, archs: np.ndarray) -> np.ndarray:
        """Index of the sub-supernet of each architecture (canonicalised first)."""
        space = self.subnets[0].space
        ops = space.canonical(archs)[:, self.position]
        owner = np.full(int(space.cardinalities[self.position]), -1)
        for g, group in enumerate(self.groups):
            owner[list(group)] = g
        return owner[ops]

    def train(self, data: ImageData, *, epochs_each: int, **kwargs) -> list[TrainState]:
        """Train every sub-supernet for ``epochs_each`` epochs on its own sub-space."""
        return [
            train_supernet(net, sampler, data, epochs=epochs_each, **kwargs)
            for net, sampler in zip(self.subnets, self.samplers, strict=True)
        ]

    def evaluate(self, archs: np.ndarray, calib: ImageData, val: ImageData, **kwargs) -> np.ndarray:
        """Each architecture's estimate from its own sub-supernet."""
        space = self.subnets[0].space
        archs = space.canonical(archs)
        owner = self.route(archs)
        out = np.empty(len(archs))
        for g, net in enumerate(self.subnets):
            rows = np.flatnonzero(owner == g)
            if len(rows):
                out[rows] = evaluate_archs(net, archs[rows], calib, val, **kwargs)
        return out


def split_supernet(
    supernet: Supernet,
    sampler: ArchSampler,
    x: torch.Tensor,
    *,
    position: int | None = None,
    n_paths: int = 4,
    k: int = 20,
    device: str = "cpu",
    seed: int = 0,
) -> SplitSupernet:
    """NAS-LID's split of a (warmed-up) supernet into two sub-supernets.

    For every candidate position (or only ``position``), each operator's layer-wise LID
    profile is measured on the batch ``x`` (``operator_profiles``); the position whose
    operators split with the smallest ratio cut of their profile similarity is split
    (``best_bipartition``). Each sub-supernet is a copy of ``supernet`` (inheriting its
    weights) sampling only the architectures of ``sampler``'s space whose operator at that
    position is in its group; the space must be enumerable or the sampler hold members.
    """
    space = supernet.space
    positions = range(space.n_positions) if position is None else [position]
    best = None
    cuts: dict[int, float] = {}
    for p in positions:
        if space.cardinalities[p] < 2:
            continue
        profiles = operator_profiles(
            supernet, sampler, x, p, n_paths=n_paths, k=k, device=device, seed=seed
        )
        sim = profile_similarity(profiles)
        a, b, cut = best_bipartition(sim)
        cuts[p] = cut
        if best is None or cut < best[3]:
            best = (p, a, b, cut, sim)
    if best is None:
        raise ValueError("no position with at least two operators to split")
    p, a, b, _, sim = best
    pool = sampler.members if sampler.members is not None else space.enumerate()
    if pool is None:
        raise ValueError(f"{space.name} cannot be enumerated; give the sampler members")
    ops = space.canonical(pool)[:, p]
    subnets, samplers = [], []
    for g, group in enumerate((a, b)):
        members = pool[np.isin(ops, group)]
        if len(members) == 0:
            raise ValueError(f"operator group {group} at position {p} holds no architecture")
        subnets.append(copy.deepcopy(supernet))
        samplers.append(ArchSampler(space, members, seed=np.random.default_rng([seed, g, p])))
    return SplitSupernet(p, [a, b], subnets, samplers, sim, cuts)
