"""Two methods compared seed by seed: how often one is ahead, and how sure that is."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from lissnas.metrics._checks import as_float_array, check_same_length


class PairedComparison(NamedTuple):
    """Result of :func:`paired_comparison`."""

    mean_difference: float
    """Mean of ``scores - baseline`` over the seeds."""
    n_better: int
    """Seeds where ``scores`` is above ``baseline``."""
    n_worse: int
    """Seeds where ``scores`` is below ``baseline`` (the rest are equal)."""
    pvalue: float
    """Two-sided Wilcoxon signed-rank p over the unequal seeds; NaN when all are equal."""
    min_pvalue: float
    """The smallest p the exact test can give with that many unequal seeds: ``2 / 2**m``."""


def paired_comparison(scores: ArrayLike, baseline: ArrayLike) -> PairedComparison:
    """Compare ``scores`` with ``baseline``, paired by index (one pair per seed).

    The test is ``scipy.stats.wilcoxon`` (two-sided) on the ``m`` non-zero differences,
    exact for ``m <= 50`` distinct absolute differences: its p-value cannot fall below
    ``2 / 2**m``, so four seeds can never show a difference at the 5 % level, whatever the
    scores (``min_pvalue`` says so).
    """
    a = as_float_array("scores", scores)
    b = as_float_array("baseline", baseline)
    check_same_length("scores", a, "baseline", b)
    diff = a - b
    unequal = diff[diff != 0]
    if unequal.size == 0:
        pvalue = min_pvalue = float("nan")
    else:
        pvalue = float(stats.wilcoxon(unequal).pvalue)
        min_pvalue = 2.0 / 2.0**unequal.size  # 1 for a single unequal seed
    return PairedComparison(
        mean_difference=float(diff.mean()),
        n_better=int(np.sum(diff > 0)),
        n_worse=int(np.sum(diff < 0)),
        pvalue=pvalue,
        min_pvalue=min_pvalue,
    )
