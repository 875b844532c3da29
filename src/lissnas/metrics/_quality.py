"""Quality of a shrunk space S' of a full space S: P(good), shrink index, oracle gap.

All functions take the true values (e.g. accuracies, higher is better) of the members of
S and S', one value per distinct (canonical) architecture.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lissnas._validation import check_int
from lissnas.metrics._checks import (
    as_float_array,
    check_finite_real,
    check_probability,
)


def reduction_factor(full_size: int | float, shrunk_size: int | float) -> float:
    """Reduction factor ``|S| / |S'|`` (the paper's Tables 5 and 6).

    ``full_size`` may be astronomically large (a Python ``int`` of any size is accepted);
    the result is a float.
    """
    for name, value in (("full_size", full_size), ("shrunk_size", shrunk_size)):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
        if not value > 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")
    if shrunk_size > full_size:
        raise ValueError(
            "shrunk_size must be <= full_size, "
            f"got shrunk_size={shrunk_size!r}, full_size={full_size!r}"
        )
    if isinstance(full_size, Integral) and isinstance(shrunk_size, Integral):
        return int(full_size) / int(shrunk_size)  # exact big-int true division
    return float(full_size) / float(shrunk_size)


def good_threshold(full_values: ArrayLike, quantile: float = 0.9) -> float:
    """The accuracy above which an architecture counts as *good*.

    ``threshold = Q_q(full_values)``, the ``quantile`` of the full space's values
    (numpy's default linear interpolation); the default ``q = 0.9`` gives the 90th
    percentile. Keep the threshold fixed (computed on S) when comparing shrunk spaces, as
    the paper asks for the shrink index (Section 4, after Theorem 1).
    """
    values = as_float_array("full_values", full_values)
    q = check_probability("quantile", quantile)
    return float(np.quantile(values, q))


def p_good(values: ArrayLike, threshold: float) -> float:
    """Fraction of good architectures: ``P(good) = |{v in values : v >= threshold}| / |values|``.

    This is the paper's *p*, the probability that one uniform sample of the space is good.
    """
    arr = as_float_array("values", values)
    t = check_finite_real("threshold", threshold)
    return float(np.count_nonzero(arr >= t) / arr.size)


def _check_n_k(n: int, k: int) -> tuple[int, int]:
    n = check_int("n", n, minimum=1)
    k = check_int("k", k, minimum=1)
    if k > n:
        raise ValueError(f"k must be <= n, got k={k}, n={n}")
    return n, k


def prob_at_least_k_good(p: float, n: int = 10, k: int = 2) -> float:
    """Theorem 1 of the paper: P[at least ``k`` of ``n`` uniform i.i.d. samples are good].

    ``P_k(p) = sum_{i=k}^{n} C(n, i) p^i (1 - p)^(n - i) = binom.sf(k - 1, n, p)``,
    where ``p`` is the space's ``P(good)``. The defaults ``n = 10, k = 2`` are the paper's
    "at least 20 % good".
    """
    p = check_probability("p", p)
    n, k = _check_n_k(n, k)
    return float(stats.binom.sf(k - 1, n, p))


def shrink_index(p_full: float, p_shrunk: float, n: int = 10, k: int = 2) -> float:
    """The paper's shrink index (equation 2): ``s.i. = P_k(p_shrunk) - P_k(p_full)``.

    ``P_k`` is :func:`prob_at_least_k_good` (Theorem 1): the probability that at least
    ``k`` of ``n`` uniform samples are good. ``p_full`` and ``p_shrunk`` are the
    :func:`p_good` of S and S' computed with the *same* threshold. The index lies in
    ``[-1, 1]``; higher is better, and it only compares methods on the same space and
    dataset.
    """
    p_full = check_probability("p_full", p_full)
    p_shrunk = check_probability("p_shrunk", p_shrunk)
    n, k = _check_n_k(n, k)
    tail = stats.binom.sf(k - 1, n, np.array([p_shrunk, p_full]))
    return float(tail[0] - tail[1])


def _check_full_shrunk(
    full_values: ArrayLike, shrunk_values: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    full = as_float_array("full_values", full_values)
    shrunk = as_float_array("shrunk_values", shrunk_values)
    if shrunk.size > full.size:
        raise ValueError(
            "shrunk_values must not have more elements than full_values, "
            f"got {shrunk.size} > {full.size}"
        )
    return full, shrunk


def oracle_gap_ratio(full_values: ArrayLike, shrunk_values: ArrayLike) -> float:
    """How close S' is to the best set of its size, on average.

    ``ratio = (mean(S') - mean(S)) / (mean(top_m(S)) - mean(S))`` with ``m = |S'|`` and
    ``top_m(S)`` the ``m`` best values of S. For S' drawn from S the ratio lies in
    ``[(mean(bottom_m(S)) - mean(S)) / (mean(top_m(S)) - mean(S)), 1]``: 1.0 means no set of
    ``m`` members of S has a higher mean (the physical limit of any shrinkage method),
    0.0 means S' is no better than S on average, and negative values mean worse.

    Degenerate case: when ``m == |S|`` or all values of S are equal, every size-``m``
    subset of S has the mean of S, so the denominator is 0; the ratio is then defined as
    1.0 (S' is trivially as good as the best set of its size). ``shrunk_values`` are
    assumed to be values of members of S; this is not checked.
    """
    full, shrunk = _check_full_shrunk(full_values, shrunk_values)
    m, n_full = shrunk.size, full.size
    if m == n_full or np.ptp(full) == 0.0:
        return 1.0
    mean_full = full.mean()
    top_m = np.partition(full, n_full - m)[n_full - m :]
    return float((shrunk.mean() - mean_full) / (top_m.mean() - mean_full))


def global_best_retained(
    full_values: ArrayLike,
    shrunk_values: ArrayLike,
    *,
    rtol: float = 1e-9,
    atol: float = 0.0,
) -> bool:
    """Whether the best architecture of S is in S' (judged by value).

    True iff ``max(S') >= max(S) - (atol + rtol * |max(S)|)``; for S' drawn from S this is
    ``max(S') == max(S)`` up to the float tolerance. Ties count as retained: if several
    architectures share the best value, keeping any of them is enough.
    """
    full = as_float_array("full_values", full_values)
    shrunk = as_float_array("shrunk_values", shrunk_values)
    rtol = check_finite_real("rtol", rtol)
    atol = check_finite_real("atol", atol)
    if rtol < 0:
        raise ValueError(f"rtol must be >= 0, got {rtol!r}")
    if atol < 0:
        raise ValueError(f"atol must be >= 0, got {atol!r}")
    best = full.max()
    return bool(shrunk.max() >= best - (atol + rtol * abs(best)))
