"""Metrics for judging a shrunk search space S' of a full space S: pure functions over arrays.

* quality: :func:`reduction_factor`, :func:`good_threshold`, :func:`p_good`,
  :func:`prob_at_least_k_good` (Theorem 1), :func:`shrink_index` (equation 2),
  :func:`oracle_gap_ratio`, :func:`global_best_retained`;
* distribution (Table 4): :func:`errors_from_accuracy`, :func:`error_edf`,
  :func:`ks_test`, :func:`edf_auc`;
* diversity: :func:`flops_coverage`, :func:`pareto_front`, :func:`pareto_retention`,
  :func:`max_cosine_distance` (Table 7);
* ranking: :func:`kendall_tau`, :func:`spearman_rho`, :func:`pearson_r`,
  :func:`precision_at_k`;
* paired over seeds: :func:`paired_comparison` (how often one method is ahead of another,
  and the Wilcoxon signed-rank p of that).

Values are one per distinct (canonical) architecture (one per seed for
:func:`paired_comparison`), higher is better unless the name says error. Every function
raises ``ValueError`` naming the parameter, the rule and the value for bad input (empty
arrays, mismatched lengths, NaN or infinite values).
"""

from lissnas.metrics._distribution import (
    EDF,
    KSResult,
    edf_auc,
    error_edf,
    errors_from_accuracy,
    ks_test,
)
from lissnas.metrics._diversity import (
    flops_coverage,
    max_cosine_distance,
    pareto_front,
    pareto_retention,
)
from lissnas.metrics._paired import PairedComparison, paired_comparison
from lissnas.metrics._quality import (
    global_best_retained,
    good_threshold,
    oracle_gap_ratio,
    p_good,
    prob_at_least_k_good,
    reduction_factor,
    shrink_index,
)
from lissnas.metrics._ranking import (
    kendall_tau,
    pearson_r,
    precision_at_k,
    spearman_rho,
)

__all__ = [
    "EDF",
    "KSResult",
    "PairedComparison",
    "edf_auc",
    "error_edf",
    "errors_from_accuracy",
    "flops_coverage",
    "global_best_retained",
    "good_threshold",
    "kendall_tau",
    "ks_test",
    "max_cosine_distance",
    "oracle_gap_ratio",
    "p_good",
    "paired_comparison",
    "pareto_front",
    "pareto_retention",
    "pearson_r",
    "precision_at_k",
    "prob_at_least_k_good",
    "reduction_factor",
    "shrink_index",
    "spearman_rho",
]
