"""Judging a ``ShrinkResult`` against its benchmark (ground truth where the table is complete)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lissnas.analysis import table_lookup
from lissnas.benchmarks import PerformanceSource
from lissnas.metrics import (
    edf_auc,
    flops_coverage,
    global_best_retained,
    good_threshold,
    ks_test,
    max_cosine_distance,
    oracle_gap_ratio,
    p_good,
    pareto_retention,
    shrink_index,
)
from lissnas.shrink import ShrinkResult
from lissnas.spaces import flops_or_none

#: Largest full space whose maximum cosine distance is computed exactly; above it a seeded
#: uniform sample of this many architectures stands in (``max_cosine_distance_full_sampled``).
COSINE_SAMPLE = 4000


def member_ground_truth(result: ShrinkResult, source: PerformanceSource) -> np.ndarray | None:
    """True metric of every member (not counted as queries), or ``None`` without a full table."""
    if source.ground_truth() is None:
        return None
    return table_lookup(source)(result.architectures(source.space))


def summarize(
    result: ShrinkResult,
    source: PerformanceSource | None = None,
    *,
    good_quantile: float = 0.9,
    n: int = 10,
    k: int = 2,
) -> dict[str, Any]:
    """Size, reduction factor, score mean/max and, with a complete ground-truth table,
    true mean/max, oracle-gap ratio, global-best retention, P(good) and the shrink index."""
    scores = np.asarray(result.member_scores, dtype=float)
    best = np.max if result.maximize else np.min
    summary: dict[str, Any] = {
        "benchmark": result.benchmark,
        "method": result.method,
        "seed": result.seed,
        "full_size": result.full_size,
        "size": result.size,
        "reduction_factor": result.reduction_factor,
        "predicted_mean": float(scores.mean()) if scores.size else None,
        "predicted_max": float(best(scores)) if scores.size else None,
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
        true_max=float(best(truth)),
        full_mean=float(full.mean()),
        full_max=float(best(full)),
        oracle_gap_ratio=float(oracle_gap_ratio(sign * full, sign * truth)),
        global_best_retained=bool(global_best_retained(sign * full, sign * truth)),
        good_quantile=good_quantile,
        p_good_full=float(p_full),
        p_good=float(p_shrunk),
        shrink_index=float(shrink_index(p_full, p_shrunk, n=n, k=k)),
        shrink_index_n=n,
        shrink_index_k=k,
    )
    return summary


def evaluate_result(
    result: ShrinkResult,
    source: PerformanceSource,
    *,
    good_quantile: float = 0.9,
    n: int = 10,
    k: int = 2,
    seed: int = 0,
) -> dict[str, Any]:
    """Every metric of the evaluation suite for ``result``, keyed by metric name.

    ``summarize``'s keys plus, with ground truth: the KS test between the full and shrunk
    error distributions (``ks_statistic``, ``ks_pvalue``; error = the metric oriented so that
    lower is better, i.e. 100 - accuracy for accuracies), the area under each error EDF on
    the full space's error range (``edf_auc``, ``edf_auc_full``), and, where the space
    defines FLOPs, ``flops_coverage`` and ``pareto_retention``; always the maximum cosine
    distance between encodings (``max_cosine_distance`` of the members and
    ``max_cosine_distance_full``, computed on a seeded sample of ``COSINE_SAMPLE``
    architectures when the full space is larger, flagged by ``max_cosine_distance_full_sampled``).
    Without ground truth, ``flops_coverage`` (where the space defines FLOPs) is measured
    against the uniform sample that stands in for the full space.
    Values are JSON-ready (float, int, bool or None).
    """
    summary = summarize(result, source, good_quantile=good_quantile, n=n, k=k)
    space = source.space
    members = space.canonical(result.architectures(space))
    summary["max_cosine_distance"] = max_cosine_distance(space.encode(members))
    table = source.ground_truth()
    if table is None:
        sample = space.sample(COSINE_SAMPLE, seed, distinct=True)
        summary["max_cosine_distance_full"] = max_cosine_distance(space.encode(sample))
        summary["max_cosine_distance_full_sampled"] = True
        flops = flops_or_none(space, np.vstack([sample, members]))
        if flops is not None:
            summary["flops_coverage"] = flops_coverage(flops[: len(sample)], flops[len(sample) :])
        return summary
    archs, full = table
    truth = member_ground_truth(result, source)
    sampled = len(archs) > COSINE_SAMPLE
    pool = (
        archs[np.random.default_rng(seed).choice(len(archs), COSINE_SAMPLE, replace=False)]
        if sampled
        else archs
    )
    summary["max_cosine_distance_full"] = max_cosine_distance(space.encode(pool))
    summary["max_cosine_distance_full_sampled"] = sampled

    if result.maximize:
        scale = 100.0 if full.max() <= 100.0 else float(full.max())
        full_err, shrunk_err = scale - full, scale - truth
    else:
        full_err, shrunk_err = full, truth
    ks = ks_test(full_err, shrunk_err)
    lo, hi = float(full_err.min()), float(full_err.max())
    summary.update(
        ks_statistic=float(ks.statistic),
        ks_pvalue=float(ks.pvalue),
        edf_auc=edf_auc(shrunk_err, hi, min_error=lo),
        edf_auc_full=edf_auc(full_err, hi, min_error=lo),
    )
    flops = flops_or_none(space, archs)
    if flops is None:
        summary["flops_coverage"] = summary["pareto_retention"] = None
        return summary
    mask = np.isin(space.keys(archs), space.keys(members))
    sign = 1.0 if result.maximize else -1.0
    summary["flops_coverage"] = flops_coverage(flops, flops[mask])
    summary["pareto_retention"] = pareto_retention(sign * full, flops, mask)
    return summary
