"""Analyses of a search space: locality (random-walk autocorrelation, accuracy differences)."""

from lissnas.analysis._locality import (
    LocalityResult,
    absolute_accuracy_difference,
    analyze_locality,
    change_kinds,
    random_walk_autocorrelation,
    table_lookup,
)

__all__ = [
    "LocalityResult",
    "absolute_accuracy_difference",
    "analyze_locality",
    "change_kinds",
    "random_walk_autocorrelation",
    "table_lookup",
]
