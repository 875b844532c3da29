"""Judging a ``ShrinkResult`` against its benchmark (ground truth where the table is complete)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lissnas.benchmarks import PerformanceSource
from lissnas.metrics import (
    global_best_retained,
    good_threshold,
    oracle_gap_ratio,
    p_good,
    shrink_index,
)
from lissnas.shrink import ShrinkResult


def member_ground_truth(result: ShrinkResult, source: PerformanceSource) -> np.ndarray | None:
    """True metric of every member (not counted as queries), or ``None`` without a full table."""
    table = source.ground_truth()
    if table is None:
        return None
    archs, values = table
    space = source.space
    keys = space.keys(archs)
    order = np.argsort(keys)
    member_keys = space.keys(space.canonical(result.architectures(space)))
    pos = np.searchsorted(keys, member_keys, sorter=order)
    return values[order[np.clip(pos, 0, len(order) - 1)]]


def summarize(
    result: ShrinkResult,
    source: PerformanceSource | None = None,
    *,
    good_quantile: float = 0.9,
    n: int = 10,
    k: int = 2,
) -> dict[str, Any]:
    """Size, reduction factor, predicted mean/max and, with a complete ground-truth table,
    true mean/max, oracle-gap ratio, global-best retention, P(good) and the shrink index."""
    scores = np.asarray(result.member_scores, dtype=float)
    summary: dict[str, Any] = {
        "benchmark": result.benchmark,
        "method": result.method,
        "full_size": result.full_size,
        "size": result.size,
        "reduction_factor": result.reduction_factor,
        "predicted_mean": float(scores.mean()) if scores.size else float("nan"),
        "predicted_max": float(scores.max() if result.maximize else scores.min())
        if scores.size
        else float("nan"),
        "gt_queries": result.gt_queries,
        "predictor_queries": result.predictor_queries,
        "wall_time_s": result.wall_time_s,
    }
    truth = None if source is None else member_ground_truth(result, source)
    if truth is None:
        return summary
    _, full = source.ground_truth()  # type: ignore[union-attr,misc]
    sign = 1.0 if result.maximize else -1.0
    threshold = good_threshold(sign * full, good_quantile)
    p_full, p_shrunk = p_good(sign * full, threshold), p_good(sign * truth, threshold)
    summary.update(
        true_mean=float(truth.mean()),
        true_max=float(truth.max() if result.maximize else truth.min()),
        full_mean=float(full.mean()),
        full_max=float(full.max() if result.maximize else full.min()),
        oracle_gap_ratio=float(oracle_gap_ratio(sign * full, sign * truth)),
        global_best_retained=bool(global_best_retained(sign * full, sign * truth)),
        p_good_full=float(p_full),
        p_good=float(p_shrunk),
        shrink_index=float(shrink_index(p_full, p_shrunk, n=n, k=k)),
    )
    return summary
