"""Evaluating single paths of a supernet (with BatchNorm recalibration) and ranking them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from scipy import stats
from torch import nn

from lissnas.oneshot._data import ImageData
from lissnas.oneshot._supernet import Supernet

#: images per BatchNorm recalibration batch (``recalibrate_bn``'s default)
CALIB_BATCH_SIZE = 128


@torch.no_grad()
def recalibrate_bn(
    supernet: Supernet,
    arch: np.ndarray | Sequence[int],
    calib: ImageData,
    *,
    batches: int = 10,
    batch_size: int = CALIB_BATCH_SIZE,
    device: str = "cpu",
) -> None:
    """Reset every BatchNorm's running statistics and re-estimate them for ``arch`` as the
    plain average over ``batches`` mini-batches of ``calib`` (shared weights mix the
    statistics of all paths; one path's own statistics are what evaluation needs)."""
    norms = [m for m in supernet.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    supernet.train()
    try:
        for i, (x, _) in enumerate(calib.batches(batch_size)):
            if i >= batches:
                break
            supernet(x.to(device), arch)
    finally:
        for m, momentum in zip(norms, momenta, strict=True):
            m.momentum = momentum
        supernet.eval()


@torch.no_grad()
def accuracy(
    net: nn.Module,
    arch: np.ndarray | Sequence[int],
    data: ImageData,
    *,
    batch_size: int = 256,
    device: str = "cpu",
) -> float:
    """Top-1 accuracy (%) of path ``arch`` on ``data`` in evaluation mode."""
    net.eval()
    correct = 0
    for x, y in data.batches(batch_size):
        correct += int((net(x.to(device), arch).argmax(1).cpu() == y).sum())
    return 100.0 * correct / len(data)


def evaluate_archs(
    supernet: Supernet,
    archs: np.ndarray,
    calib: ImageData,
    val: ImageData,
    *,
    calib_batches: int = 10,
    batch_size: int = 256,
    device: str = "cpu",
    progress: bool = False,
) -> np.ndarray:
    """Supernet estimate (top-1 %, after BatchNorm recalibration) of every row of ``archs``."""
    supernet.to(device)
    archs = supernet.space.validate(archs)
    out = np.empty(len(archs))
    rows = range(len(archs))
    if progress:
        from rich.progress import track

        rows = track(rows, description="evaluating", transient=True)
    for i in rows:
        recalibrate_bn(supernet, archs[i], calib, batches=calib_batches, device=device)
        out[i] = accuracy(supernet, archs[i], val, batch_size=batch_size, device=device)
    return out


def ranking_correlation(estimates: Sequence[float], truth: Sequence[float]) -> dict[str, float]:
    """Kendall tau, Spearman rho and Pearson r between estimates and ground truth (NaN
    when either side is constant)."""
    a, b = np.asarray(estimates, dtype=float), np.asarray(truth, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError(
            f"need two equal-length 1-D arrays of >= 2 values, got shapes {a.shape} and {b.shape}"
        )
    if np.ptp(a) == 0 or np.ptp(b) == 0:  # a constant input has no ranking
        nan = float("nan")
        return {"kendall_tau": nan, "spearman": nan, "pearson": nan, "n": len(a)}
    return {
        "kendall_tau": float(stats.kendalltau(a, b)[0]),
        "spearman": float(stats.spearmanr(a, b)[0]),
        "pearson": float(stats.pearsonr(a, b)[0]),
        "n": len(a),
    }


def runs_agreement(runs: np.ndarray) -> float:
    """Mean Kendall tau between two columns of ``runs`` (``(n_archs, n_runs)``, one run of a
    ground truth per column) over every pair of columns: how far a truth agrees with itself.
    NaN with fewer than two runs."""
    runs = np.asarray(runs, dtype=float)
    if runs.ndim != 2:
        raise ValueError(f"runs must be (n_archs, n_runs), got shape {runs.shape}")
    n = runs.shape[1]
    if n < 2:
        return float("nan")
    taus = [
        ranking_correlation(runs[:, i], runs[:, j])["kendall_tau"]
        for i in range(n)
        for j in range(i + 1, n)
    ]
    return float(np.mean(taus))


def kendall_tau_by_group(
    estimates: Sequence[float], truth: Sequence[float], groups: Sequence[int]
) -> dict[str, float]:
    """Kendall tau-b of ``estimates`` against ``truth`` over the pairs of items in the same
    group (``"within"``) and over the pairs in different groups (``"across"``), with the
    number of pairs of each (``"n_within"``, ``"n_across"``); NaN where no pair ranks.

    With one group, ``"within"`` is ``ranking_correlation``'s Kendall tau. For NAS-LID's
    sub-supernets (``groups = SplitSupernet.route(archs)``), "within" says how well each
    sub-supernet ranks its own architectures, "across" how comparable the estimates of
    different sub-supernets are. Memory and time grow with the square of the items."""
    a, b, g = _grouped("estimates, truth, groups", estimates, truth, groups)
    i, j = np.triu_indices(len(a), k=1)
    sa, sb = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
    same = g[i] == g[j]
    out: dict[str, float] = {}
    for name, pairs in (("within", same), ("across", ~same)):
        n = int(pairs.sum())
        # tau-b: (concordant - discordant) / sqrt(pairs untied in each ranking)
        untied = float(np.count_nonzero(sa[pairs])) * float(np.count_nonzero(sb[pairs]))
        score = float((sa[pairs] * sb[pairs]).sum())
        out[name] = float(score / np.sqrt(untied)) if untied else float("nan")
        out[f"n_{name}"] = n
    return out


def align_group_means(
    estimates: Sequence[float], reference: Sequence[float], groups: Sequence[int]
) -> np.ndarray:
    """``estimates`` shifted group by group so that each group's mean equals the mean of
    ``reference`` over the same items: the order within a group is kept, the level of each
    group is the reference's.

    For NAS-LID's sub-supernets (``groups = SplitSupernet.route(archs)``), ``reference``
    holds the estimates of the supernet the split started from, which scores every
    sub-space on one scale (``SplitSupernet.evaluate(..., reference=...)``)."""
    a, r, g = _grouped("estimates, reference, groups", estimates, reference, groups)
    out = a.copy()
    for group in np.unique(g):
        rows = g == group
        out[rows] += r[rows].mean() - a[rows].mean()
    return out


def _grouped(
    names: str, values: Sequence[float], other: Sequence[float], groups: Sequence[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two float arrays and their groups, checked to be 1-D of one length (``names`` them)."""
    a, b, g = np.asarray(values, dtype=float), np.asarray(other, dtype=float), np.asarray(groups)
    if a.ndim != 1 or a.shape != b.shape or a.shape != g.shape:
        raise ValueError(
            f"need three equal-length 1-D arrays ({names}), got shapes "
            f"{a.shape}, {b.shape} and {g.shape}"
        )
    return a, b, g
