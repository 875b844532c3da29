"""Local intrinsic dimension (LID): the maximum-likelihood estimator and NAS-LID's
layer-wise LID profiles of a supernet's operators."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from lissnas._random import SeedLike, check_random_state
from lissnas.oneshot._sampler import ArchSampler
from lissnas.oneshot._supernet import Supernet


def lid_mle(x: torch.Tensor | np.ndarray, k: int = 20) -> float:
    """Maximum-likelihood LID (Levina & Bickel) over each point's ``k`` nearest neighbours
    within the batch, averaged over the batch.

    For a point with neighbour distances ``r_1 <= ... <= r_k``:
    ``LID = [ 1/(k-1) * sum_{j<k} log(r_k / r_j) ]^-1``. ``x`` is ``(n, ...)``: each sample is
    flattened. Needs ``n > k``; points with a duplicate (zero distance) are skipped, and a
    batch made only of duplicates has LID 0.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError(f"k must be an int >= 2, got {k!r}")
    t = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x)
    t = t.detach().reshape(len(t), -1).double()
    if len(t) <= k:
        raise ValueError(f"lid_mle needs more than k={k} samples, got {len(t)}")
    dist = torch.cdist(t, t)
    dist.fill_diagonal_(float("inf"))
    nearest = dist.topk(k, dim=1, largest=False).values  # ascending
    valid = nearest[:, 0] > 0
    if not bool(valid.any()):
        return 0.0  # the batch collapsed onto single points (e.g. a path of zero ops)
    nearest = nearest[valid]
    logs = torch.log(nearest[:, -1:] / nearest[:, :-1]).sum(dim=1) / (k - 1)
    return float((1.0 / logs.clamp_min(1e-12)).mean())


@torch.no_grad()
def lid_profile(
    supernet: Supernet,
    arch: np.ndarray | Sequence[int],
    x: torch.Tensor,
    *,
    k: int = 20,
    device: str = "cpu",
) -> np.ndarray:
    """LID of every feature layer's output for path ``arch`` on the batch ``x``."""
    outputs: list[torch.Tensor] = []
    hooks = [
        layer.register_forward_hook(lambda _m, _i, out: outputs.append(out.detach()))
        for layer in supernet.feature_layers()
    ]
    was_training = supernet.training
    try:
        supernet.to(device).eval()
        supernet(x.to(device), arch)
    finally:
        supernet.train(was_training)
        for hook in hooks:
            hook.remove()
    return np.array([lid_mle(out, k) for out in outputs])


def operator_profiles(
    supernet: Supernet,
    sampler: ArchSampler,
    x: torch.Tensor,
    position: int,
    *,
    ops: Sequence[int] | None = None,
    n_paths: int = 4,
    k: int = 20,
    device: str = "cpu",
    seed: SeedLike = 0,
) -> np.ndarray:
    """NAS-LID's feature of each operator at ``position`` (all, or those in ``ops``): the
    layer-wise LID profile averaged over ``n_paths`` paths that use that operator there
    (the other positions drawn from ``sampler``, the same draws for every operator).
    Shape ``(len(ops), n_layers)``.
    """
    rng = check_random_state(seed)
    paths = sampler.space.validate(
        sampler.members[rng.integers(0, len(sampler.members), size=n_paths)]
        if sampler.members is not None
        else sampler.space.sample(n_paths, rng)
    )
    if ops is None:
        ops = range(int(sampler.space.cardinalities[position]))
    profiles = []
    for op in ops:
        forced = paths.copy()
        forced[:, position] = op
        profiles.append(
            np.mean([lid_profile(supernet, a, x, k=k, device=device) for a in forced], axis=0)
        )
    return np.array(profiles)


def operator_similarity(
    supernet: Supernet,
    sampler: ArchSampler,
    x: torch.Tensor,
    position: int,
    *,
    ops: Sequence[int] | None = None,
    n_batches: int = 1,
    centred: bool = True,
    n_paths: int = 4,
    k: int = 20,
    device: str = "cpu",
    seed: SeedLike = 0,
) -> np.ndarray:
    """``profile_similarity`` of the operators at ``position``, averaged over ``n_batches``
    near-equal consecutive parts of the batch ``x``, each measured with ``n_paths`` paths of
    its own (``operator_profiles``, all drawn from one generator seeded by ``seed``).
    ``n_batches=1`` measures all of ``x`` at once; NAS-LID's published code averages over
    50 batches of 64 images, one path each. Every part needs more than ``k`` images."""
    if isinstance(n_batches, bool) or not isinstance(n_batches, int) or n_batches < 1:
        raise ValueError(f"n_batches must be an int >= 1, got {n_batches!r}")
    if len(x) // n_batches <= k:
        raise ValueError(
            f"{n_batches} batches of the {len(x)} images hold {len(x) // n_batches} each at "
            f"the least; the LID estimator needs more than k={k}"
        )
    rng = check_random_state(seed)
    return np.mean(
        [
            profile_similarity(
                operator_profiles(
                    supernet, sampler, part, position, ops=ops, n_paths=n_paths, k=k,
                    device=device, seed=rng,
                ),
                centred=centred,
            )
            for part in torch.tensor_split(x, n_batches)
        ],
        axis=0,
    )  # fmt: skip


def profile_similarity(profiles: np.ndarray, *, centred: bool = True) -> np.ndarray:
    """Cosine similarity between operators' LID profiles, each centred on the mean profile
    of the position's operators by default (so that what all operators share does not
    count); ``centred=False`` is the plain cosine of NAS-LID's published code. A zero
    profile is similar to none (0)."""
    P = np.asarray(profiles, dtype=float)
    if centred:
        P = P - P.mean(axis=0, keepdims=True)
    norm = np.linalg.norm(P, axis=1, keepdims=True)
    unit = P / np.where(norm > 0, norm, 1.0)
    sim = unit @ unit.T
    np.fill_diagonal(sim, 1.0)
    return np.clip(sim, -1.0, 1.0)
