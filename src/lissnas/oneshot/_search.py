"""Evolutionary search with a trained supernet as the evaluator (SPOS-style)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lissnas._random import SeedLike, check_random_state
from lissnas.oneshot._data import ImageData
from lissnas.oneshot._evaluate import evaluate_archs
from lissnas.oneshot._sampler import ArchSampler
from lissnas.oneshot._supernet import Supernet


@dataclass
class EvolutionResult:
    """Every architecture evaluated (best first) with its supernet estimate (top-1 %)."""

    archs: np.ndarray
    scores: np.ndarray
    best_per_generation: list[float]


def evolutionary_search(
    supernet: Supernet,
    sampler: ArchSampler,
    calib: ImageData,
    val: ImageData,
    *,
    population: int = 20,
    generations: int = 5,
    parents: int = 5,
    mutation_prob: float = 0.5,
    calib_batches: int = 10,
    device: str = "cpu",
    seed: SeedLike = 0,
) -> EvolutionResult:
    """Evolve ``population`` architectures for ``generations`` rounds.

    Each round keeps the ``parents`` best; children are single-edit mutants of a parent
    (probability ``mutation_prob``) or uniform crossovers of two parents, canonicalised;
    children outside the sampler's space (a shrunk space's members) are replaced by
    fresh draws from it, so the search never leaves that space. Each architecture is
    evaluated once (BatchNorm recalibrated).
    """
    if not 1 <= parents <= population:
        raise ValueError(f"parents must be in 1..population ({population}), got {parents}")
    rng = check_random_state(seed)
    space = supernet.space
    seen: dict[bytes, float] = {}
    archs: list[np.ndarray] = []

    def score(batch: np.ndarray) -> np.ndarray:
        fresh = [a for a in space.unique(batch) if a.tobytes() not in seen]
        if fresh:
            values = evaluate_archs(
                supernet, np.array(fresh), calib, val, calib_batches=calib_batches, device=device
            )
            for arch, value in zip(fresh, values, strict=True):
                seen[arch.tobytes()] = float(value)
                archs.append(arch)
        return np.array([seen[a.tobytes()] for a in batch])

    pop = space.unique(sampler.sample_many(population))
    values = score(pop)
    best = [float(values.max())]
    for _ in range(generations):
        top = pop[np.argsort(-values, kind="stable")[:parents]]
        children = []
        for _ in range(population):
            if rng.random() < mutation_prob or len(top) < 2:
                parent = top[rng.integers(len(top))]
                child = space.neighbors(parent, 1, rng, limit=1)
                child = child[0] if len(child) else parent
            else:
                a, b = top[rng.choice(len(top), size=2, replace=False)]
                child = np.where(rng.random(space.n_positions) < 0.5, a, b)
            children.append(space.canonical(child)[0])
        children = np.array(children)
        outside = ~sampler.contains(children)
        if outside.any():
            children[outside] = sampler.sample_many(int(outside.sum()))
        merged = space.unique(np.vstack([top, children]))
        merged_values = score(merged)
        keep = np.argsort(-merged_values, kind="stable")[:population]
        pop, values = merged[keep], merged_values[keep]
        best.append(float(values.max()))
    all_archs = np.array(archs)
    all_scores = np.array([seen[a.tobytes()] for a in all_archs])
    order = np.argsort(-all_scores, kind="stable")
    return EvolutionResult(all_archs[order], all_scores[order], best)
