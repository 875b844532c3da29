"""Error distributions of a space: error EDF, KS test and area under the EDF.

These follow Radosavovic et al. (DDS, 2019/2020) as used in the paper's Table 4: the error
EDF of a space, the two-sample Kolmogorov-Smirnov test between two spaces, and the
normalised area under the EDF (higher = more mass at low error = a better space).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lissnas.metrics._checks import as_float_array, check_finite_real


class EDF(NamedTuple):
    """An empirical distribution function evaluated on a grid."""

    grid: np.ndarray
    """Error values at which the EDF is evaluated."""
    edf: np.ndarray
    """``edf[i]`` = fraction of errors ``<= grid[i]``."""


class KSResult(NamedTuple):
    """Result of :func:`ks_test`."""

    statistic: float
    """The KS statistic ``D = sup_x |F_full(x) - F_shrunk(x)|`` (or its one-sided version)."""
    pvalue: float
    """The p-value of ``scipy.stats.ks_2samp``."""


def errors_from_accuracy(accuracy: ArrayLike, scale: float = 100.0) -> np.ndarray:
    """Error from accuracy: ``error = scale - accuracy``.

    Use ``scale=100.0`` for accuracies in percent and ``scale=1.0`` for fractions; every
    accuracy must lie in ``[0, scale]``.
    """
    acc = as_float_array("accuracy", accuracy)
    scale = check_finite_real("scale", scale)
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale!r}")
    outside = (acc < 0) | (acc > scale)
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"accuracy must be in [0, scale={scale!r}], got {float(acc[i])!r} at index {i} "
            "(pass scale=1.0 for fractions, scale=100.0 for percentages)"
        )
    return scale - acc


def error_edf(errors: ArrayLike, grid: ArrayLike | None = None) -> EDF:
    """Error empirical distribution function: ``F(e) = |{i : errors_i <= e}| / n``.

    Evaluated at ``grid`` (any finite 1-D array, returned as given), or by default at the
    sorted distinct errors, where it steps. Returns ``EDF(grid, edf)``; plot it as a step
    function (``where="post"``). Evaluate two spaces on one grid to compare them.
    """
    err = np.sort(as_float_array("errors", errors))
    grid_arr = np.unique(err) if grid is None else as_float_array("grid", grid)
    edf = np.searchsorted(err, grid_arr, side="right") / err.size
    return EDF(grid=grid_arr, edf=edf)


def ks_test(
    full_values: ArrayLike,
    shrunk_values: ArrayLike,
    *,
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
) -> KSResult:
    """Two-sample Kolmogorov-Smirnov test between S and S' (the paper's Table 4).

    Wraps ``scipy.stats.ks_2samp(full_values, shrunk_values, alternative=alternative)``:
    ``D = sup_x |F_full(x) - F_shrunk(x)|`` for ``"two-sided"``. With errors as values,
    ``alternative="less"`` tests whether ``F_full < F_shrunk`` somewhere, i.e. whether S'
    has stochastically *smaller* errors than S (the improvement a shrinkage should bring).
    """
    full = as_float_array("full_values", full_values)
    shrunk = as_float_array("shrunk_values", shrunk_values)
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(
            f"alternative must be one of 'two-sided', 'less', 'greater', got {alternative!r}"
        )
    res = stats.ks_2samp(full, shrunk, alternative=alternative)
    return KSResult(statistic=float(res.statistic), pvalue=float(res.pvalue))


def edf_auc(
    errors: ArrayLike,
    max_error: float | None = None,
    *,
    min_error: float | None = None,
) -> float:
    """Normalised area under the error EDF over ``[min_error, max_error]``.

    ``AUC = 1 / (hi - lo) * integral_lo^hi F(e) de = mean_i(hi - clip(e_i, lo, hi)) / (hi - lo)``,
    computed exactly (no grid). It lies in ``[0, 1]``: 1.0 if every error is ``<= lo``,
    0.0 if every error is ``>= hi``. ``lo`` and ``hi`` default to ``min(errors)`` and
    ``max(errors)``; to compare spaces, pass the same bounds to each (e.g. the full space's
    minimum and maximum error). If ``lo == hi`` the AUC is defined as ``F(lo)`` (the limit
    of the normalised integral over a vanishing interval).
    """
    err = as_float_array("errors", errors)
    lo = float(err.min()) if min_error is None else check_finite_real("min_error", min_error)
    hi = float(err.max()) if max_error is None else check_finite_real("max_error", max_error)
    if hi < lo:
        raise ValueError(f"max_error must be >= min_error, got max_error={hi!r}, min_error={lo!r}")
    if hi == lo:
        return float(np.count_nonzero(err <= lo) / err.size)
    return float(np.mean(hi - np.clip(err, lo, hi)) / (hi - lo))
