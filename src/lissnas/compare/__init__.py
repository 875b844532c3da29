"""Comparing shrinkers: identical budgets, seeds and target size; statistics; downstream search.

* :func:`compare_methods` runs every method on one benchmark over paired seeds and judges
  each result against the full ground-truth table (:class:`Comparison`, with Markdown
  and JSON output);
* :func:`paired_wilcoxon` is the Wilcoxon signed-rank test over paired seeds (all-zero
  differences give p = 1);
* :func:`downstream_queries` counts the ground-truth queries needed to reach the global
  best with LISSNAS + local search inside the shrunk space versus black-box search on the
  full space (:class:`Downstream`).
"""

from lissnas.compare._compare import (
    METRICS,
    Comparison,
    Downstream,
    compare_methods,
    downstream_queries,
    paired_wilcoxon,
)

__all__ = [
    "METRICS",
    "Comparison",
    "Downstream",
    "compare_methods",
    "downstream_queries",
    "paired_wilcoxon",
]
