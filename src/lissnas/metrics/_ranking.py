"""Ranking quality of a predictor (or supernet): correlations and precision@k."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lissnas._validation import check_int
from lissnas.metrics._checks import as_float_array, check_same_length


def _pair(y_true: ArrayLike, y_pred: ArrayLike, min_size: int = 1) -> tuple[np.ndarray, np.ndarray]:
    t = as_float_array("y_true", y_true, min_size=min_size)
    p = as_float_array("y_pred", y_pred, min_size=min_size)
    check_same_length("y_true", t, "y_pred", p)
    return t, p


def _constant(t: np.ndarray, p: np.ndarray) -> bool:
    return bool(np.ptp(t) == 0.0 or np.ptp(p) == 0.0)


def kendall_tau(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Kendall's tau-b between true and predicted values (``scipy.stats.kendalltau``).

    ``tau_b = (P - Q) / sqrt((P + Q + T_t) (P + Q + T_p))`` with ``P`` concordant and ``Q``
    discordant pairs and ``T_t``, ``T_p`` pairs tied only in ``y_true`` / ``y_pred``.
    Returns NaN when either input is constant (the correlation is undefined).
    """
    t, p = _pair(y_true, y_pred, min_size=2)
    if _constant(t, p):
        return float("nan")
    return float(stats.kendalltau(t, p).statistic)


def spearman_rho(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Spearman's rank correlation: Pearson's r of the (average-tie) ranks.

    Wraps ``scipy.stats.spearmanr``. Returns NaN when either input is constant.
    """
    t, p = _pair(y_true, y_pred, min_size=2)
    if _constant(t, p):
        return float("nan")
    return float(stats.spearmanr(t, p).statistic)


def pearson_r(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Pearson's linear correlation ``cov(t, p) / (std(t) std(p))`` (``scipy.stats.pearsonr``).

    Returns NaN when either input is constant.
    """
    t, p = _pair(y_true, y_pred, min_size=2)
    if _constant(t, p):
        return float("nan")
    return float(stats.pearsonr(t, p).statistic)


def _top_k(values: np.ndarray, k: int) -> np.ndarray:
    # Descending by value; ties broken by the lower index first (stable sort of -values).
    return np.argsort(-values, kind="stable")[:k]


def precision_at_k(y_true: ArrayLike, y_pred: ArrayLike, k: int) -> float:
    """Share of the true top-``k`` found in the predicted top-``k``.

    ``precision@k = |top_k(y_pred) ∩ top_k(y_true)| / k`` where ``top_k`` is the indices of
    the ``k`` largest values (higher = better). Ties at the ``k``-th place are broken by
    the lower index, in both rankings, so the result is deterministic.
    """
    t, p = _pair(y_true, y_pred)
    k = check_int("k", k, minimum=1)
    if k > t.size:
        raise ValueError(f"k must be <= n, got k={k}, n={t.size}")
    hits = np.intersect1d(_top_k(t, k), _top_k(p, k), assume_unique=True).size
    return float(hits / k)
