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
