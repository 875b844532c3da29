"""The public API of ``lissnas.metrics``: what the CLI and the reports rely on."""

from __future__ import annotations

import inspect

import lissnas.metrics as metrics

EXPECTED = {
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
}


def test_all_lists_the_public_api() -> None:
    assert set(metrics.__all__) == EXPECTED
    assert metrics.__all__ == sorted(metrics.__all__)
    for name in metrics.__all__:
        assert hasattr(metrics, name), name


def test_every_public_function_is_documented_and_typed() -> None:
    for name in metrics.__all__:
        obj = getattr(metrics, name)
        assert inspect.getdoc(obj), f"{name} has no docstring"
        if inspect.isfunction(obj):
            sig = inspect.signature(obj)
            assert sig.return_annotation is not inspect.Signature.empty, name
            for param in sig.parameters.values():
                assert param.annotation is not inspect.Parameter.empty, (name, param.name)


def test_shrink_index_defaults_are_the_papers() -> None:
    params = inspect.signature(metrics.shrink_index).parameters
    assert params["n"].default == 10
    assert params["k"].default == 2
    assert inspect.signature(metrics.good_threshold).parameters["quantile"].default == 0.9
