"""Diversity of a shrunk space: FLOPs coverage, Pareto-front retention, cosine distance."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lissnas._validation import check_int
from lissnas.metrics._checks import as_float_array, check_same_length

#: Upper bound on the number of float64 entries of one block of the similarity matrix in
#: :func:`max_cosine_distance` (2**22 entries = 32 MiB).
_MAX_BLOCK_ENTRIES = 2**22


def flops_coverage(full_flops: ArrayLike, shrunk_flops: ArrayLike, n_bins: int = 10) -> float:
    """Share of the full space's FLOPs quantile bins (deciles by default) holding a member of S'.

    The bin edges are the ``n_bins + 1`` quantiles ``Q_{j / n_bins}(full_flops)``; bin ``j``
    holds the values in ``[edge_j, edge_{j+1})`` (the last bin also holds its upper edge).
    ``coverage = |{bins holding a member of S'}| / |{bins holding a member of S}|``.
    Only bins that hold a member of S count: when many architectures share a FLOPs value
    some quantile edges coincide and leave bins empty, and those cannot be covered.
    Members of S' outside the full range count in the first or last bin.
    """
    full = as_float_array("full_flops", full_flops)
    shrunk = as_float_array("shrunk_flops", shrunk_flops)
    n_bins = check_int("n_bins", n_bins, minimum=1)
    inner_edges = np.quantile(full, np.linspace(0.0, 1.0, n_bins + 1)[1:-1])

    def occupied(x: np.ndarray) -> np.ndarray:
        bins = np.searchsorted(inner_edges, x, side="right")
        return np.bincount(bins, minlength=n_bins) > 0

    full_bins = occupied(full)
    shrunk_bins = occupied(shrunk)
    return float(np.count_nonzero(full_bins & shrunk_bins) / np.count_nonzero(full_bins))


def pareto_front(accuracy: ArrayLike, flops: ArrayLike) -> np.ndarray:
    """Boolean mask of the accuracy/FLOPs Pareto front (maximise accuracy, minimise FLOPs).

    Point ``i`` is dominated iff some ``j`` has ``acc_j >= acc_i`` and ``flops_j <= flops_i``
    with at least one inequality strict; the mask is True on the non-dominated points.
    Exact duplicates do not dominate each other, so all copies of a front point are kept.
    ``O(n log n)``: one sort by FLOPs and a running maximum of accuracy.
    """
    acc = as_float_array("accuracy", accuracy)
    fl = as_float_array("flops", flops)
    check_same_length("accuracy", acc, "flops", fl)
    order = np.argsort(fl, kind="stable")
    f, a = fl[order], acc[order]
    running_max = np.maximum.accumulate(a)
    new_group = np.empty(f.size, dtype=bool)
    new_group[0] = True
    new_group[1:] = f[1:] != f[:-1]
    starts = np.flatnonzero(new_group)
    ends = np.append(starts[1:], f.size) - 1
    group = np.cumsum(new_group) - 1
    # Best accuracy among points with FLOPs <= / < the point's own FLOPs.
    best_le = running_max[ends][group]
    prev = starts[group] - 1
    best_lt = np.where(prev >= 0, running_max[np.maximum(prev, 0)], -np.inf)
    dominated = (best_lt >= a) | (best_le > a)
    mask = np.empty(f.size, dtype=bool)
    mask[order] = ~dominated
    return mask


def pareto_retention(
    full_accuracy: ArrayLike,
    full_flops: ArrayLike,
    member_mask: ArrayLike,
) -> float:
    """Fraction of the full space's Pareto-front architectures that are in S'.

    ``retention = |front(S) ∩ S'| / |front(S)|``, with ``front`` from :func:`pareto_front`
    and S' given by ``member_mask``, a boolean array over the full space (True = member of
    S'). Build it from indices with ``mask = np.zeros(n, bool); mask[idx] = True``.
    """
    acc = as_float_array("full_accuracy", full_accuracy)
    fl = as_float_array("full_flops", full_flops)
    check_same_length("full_accuracy", acc, "full_flops", fl)
    mask = np.asarray(member_mask)
    if mask.dtype != np.bool_:
        raise ValueError(
            f"member_mask must be a boolean array, got dtype {mask.dtype} "
            "(build a mask from indices with mask = np.zeros(n, bool); mask[idx] = True)"
        )
    if mask.shape != acc.shape:
        raise ValueError(
            "member_mask must have the same shape as full_accuracy, "
            f"got {mask.shape} and {acc.shape}"
        )
    front = pareto_front(acc, fl)
    return float(np.count_nonzero(front & mask) / np.count_nonzero(front))


def max_cosine_distance(embeddings: ArrayLike) -> float:
    """The paper's maximum pairwise cosine distance between architecture embeddings (Table 7).

    ``max_{i < j} (1 - <x_i, x_j> / (||x_i|| ||x_j||))`` over the rows of ``embeddings``
    (shape ``(n, d)``), a value in ``[0, 2]``; higher means a more diverse space. A single
    row gives 0.0. Rows must be non-zero (the cosine of a zero vector is undefined).
    Computed in row blocks so that memory stays bounded (about 32 MiB per block) for tens
    of thousands of rows.

    Note: the paper's Table 7 reports values such as 255.6 and 845.1, outside ``[0, 2]``,
    so its exact scaling is not recoverable; this is the standard cosine distance.
    """
    X = as_float_array("embeddings", embeddings, ndim=2)
    if X.shape[1] == 0:
        raise ValueError(f"embeddings must have at least 1 column, got shape {X.shape}")
    norms = np.linalg.norm(X, axis=1)
    zero = np.flatnonzero(norms == 0.0)
    if zero.size:
        raise ValueError(
            f"embeddings must have non-zero rows (cosine undefined), got a zero row at index "
            f"{int(zero[0])}"
        )
    U = X / norms[:, None]
    n = U.shape[0]
    if n == 1:
        return 0.0
    rows_per_block = max(1, _MAX_BLOCK_ENTRIES // n)
    min_cos = 1.0
    for start in range(0, n - 1, rows_per_block):
        stop = min(start + rows_per_block, n - 1)
        # Rows [start, stop) against columns [start + 1, n): every pair i < j once
        # (plus some pairs j <= i inside the block's square, harmless for a maximum,
        # and the diagonal, masked out below).
        block = U[start:stop] @ U[start + 1 :].T
        r = np.arange(stop - start)[:, None]
        c = np.arange(n - start - 1)[None, :]
        block[c < r] = np.inf  # j = start + 1 + c <= i = start + r: self-pair or repeat
        min_cos = min(min_cos, float(block.min()))
    return float(np.clip(1.0 - min_cos, 0.0, 2.0))
