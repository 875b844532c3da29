"""The comparison harness behind ``lissnas compare`` and ``benchmarks/compare.py``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import wilcoxon

from lissnas._validation import check_int
from lissnas.benchmarks import PerformanceSource
from lissnas.evaluation import summarize
from lissnas.metrics import pareto_retention
from lissnas.shrink import SHRINKERS, Shrinker, make_shrinker
from lissnas.spaces import flops_or_none

#: Per-run quantities reported for every method (``pareto_retention`` is NaN without FLOPs).
METRICS = (
    "size",
    "oracle_gap_ratio",
    "global_best_retained",
    "shrink_index",
    "pareto_retention",
    "p_good",
    "gt_queries",
    "wall_time_s",
)
#: Metrics tested with the Wilcoxon signed-rank test, LISSNAS against each other method.
TESTED = ("oracle_gap_ratio", "p_good")
#: Shrinkers whose ``min_size`` is set to the target size (LISSNAS and its ablations).
_LISSNAS_FAMILY = ("lissnas", "no-neighbor", "random-neighbor")
#: Black-box strategies run on the full space for the downstream comparison.
FULL_SPACE_STRATEGIES = ("random", "evolution", "local")


def paired_wilcoxon(a: Sequence[float], b: Sequence[float]) -> dict[str, float | int | None]:
    """Two-sided Wilcoxon signed-rank test of the paired samples ``a`` and ``b``.

    Returns ``n`` (pairs), ``median_difference`` (a - b), ``statistic`` and ``pvalue``.
    All-zero differences (identical results) give ``pvalue = 1.0`` and ``statistic =
    None``; NaN pairs are dropped. ``ValueError`` if the lengths differ.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"a and b must be 1-D of equal length, got {x.shape} and {y.shape}")
    diff = (x - y)[~(np.isnan(x) | np.isnan(y))]
    out: dict[str, float | int | None] = {
        "n": int(diff.size),
        "median_difference": float(np.median(diff)) if diff.size else None,
        "statistic": None,
        "pvalue": None,
    }
    if diff.size == 0:
        return out
    if not np.any(diff):
        out["pvalue"] = 1.0
        return out
    res = wilcoxon(diff)
    out["statistic"], out["pvalue"] = float(res.statistic), float(res.pvalue)
    return out


def build_shrinker(name: str, gt_budget: int, target_size: int, **params: Any) -> Shrinker:
    """The registry's ``name`` at ``gt_budget`` and ``target_size`` (LISSNAS and its
    ablations also get ``min_size = target_size``, so that they end at that size)."""
    if name in _LISSNAS_FAMILY:
        params.setdefault("min_size", target_size)
    return make_shrinker(name, gt_budget=gt_budget, target_size=target_size, **params)


@dataclass
class Downstream:
    """Ground-truth queries to reach the global best, per seed (``None``: not reached within
    ``search_budget``), for ``lissnas+local`` and each full-space strategy."""

    benchmark: str
    search_budget: int
    shrink_gt_budget: int
    target_value: float
    queries: dict[str, list[int | None]]

    def median(self, strategy: str) -> float:
        """Median queries, ``inf`` when more than half the seeds did not reach the best."""
        values = [math.inf if q is None else q for q in self.queries[strategy]]
        return float(np.median(values))

    def to_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "search_budget": self.search_budget,
            "shrink_gt_budget": self.shrink_gt_budget,
            "target_value": self.target_value,
            "queries": self.queries,
            "median": {s: _finite(self.median(s)) for s in self.queries},
            "reached": {s: sum(q is not None for q in v) for s, v in self.queries.items()},
        }

    def to_markdown(self) -> str:
        n = len(next(iter(self.queries.values())))
        lines = [
            f"Downstream on `{self.benchmark}`: ground-truth queries to reach the global best "
            f"({self.target_value:.4g}), {n} seeds, budget {self.search_budget} queries "
            f"(`lissnas+local`: the shrinker's {self.shrink_gt_budget} queries count first).",
            "",
            "| strategy | median queries | reached | per seed |",
            "|---|---|---|---|",
        ]
        for s, values in self.queries.items():
            med = self.median(s)
            shown = f"> {self.search_budget}" if math.isinf(med) else f"{med:.0f}"
            per = ", ".join(f">{self.search_budget}" if q is None else str(q) for q in values)
            reached = sum(q is not None for q in values)
            lines.append(f"| {s} | {shown} | {reached}/{n} | {per} |")
        return "\n".join(lines)


@dataclass
class Comparison:
    """Per-seed summaries of every method on one benchmark, with statistics.

    ``runs[method]`` is one dict per seed holding ``METRICS``; ``wilcoxon[method][metric]``
    compares LISSNAS with ``method`` (absent when LISSNAS is not among the methods).
    """

    benchmark: str
    methods: list[str]
    seeds: list[int]
    gt_budget: int
    target_size: int
    full_size: int
    runs: dict[str, list[dict[str, Any]]]
    wilcoxon: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    downstream: Downstream | None = None

    def values(self, method: str, metric: str) -> np.ndarray:
        """``metric`` of ``method`` over the seeds (floats; booleans as 0/1)."""
        return np.array([float(r[metric]) for r in self.runs[method]])

    def stats(self, method: str) -> dict[str, dict[str, float | None]]:
        """Mean and standard deviation of every metric (``None`` where undefined)."""
        out = {}
        for metric in METRICS:
            v = self.values(method, metric)
            ok = v[~np.isnan(v)]
            out[metric] = {
                "mean": float(ok.mean()) if ok.size else None,
                "std": float(ok.std()) if ok.size else None,
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready document (NaN written as ``null``)."""
        return _json_safe(
            {
                "benchmark": self.benchmark,
                "methods": self.methods,
                "seeds": self.seeds,
                "gt_budget": self.gt_budget,
                "target_size": self.target_size,
                "full_size": self.full_size,
                "stats": {m: self.stats(m) for m in self.methods},
                "runs": self.runs,
                "wilcoxon": self.wilcoxon,
                "downstream": None if self.downstream is None else self.downstream.to_dict(),
            }
        )

    def to_markdown(self) -> str:
        """One table (mean ± std over seeds) and, if run, the downstream table."""
        n = len(self.seeds)
        lines = [
            f"`{self.benchmark}` ({self.full_size:,} architectures): ground-truth budget "
            f"{self.gt_budget}, target size {self.target_size}, seeds "
            f"{self.seeds[0]}..{self.seeds[-1]}; mean ± std over seeds; p = Wilcoxon "
            "signed-rank test of LISSNAS vs the method on the oracle-gap ratio.",
            "",
            "| method | size | oracle-gap ratio | global best kept | shrink index "
            "| Pareto retention | P(good) | GT queries | p (OGR vs lissnas) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for m in self.methods:
            st = self.stats(m)
            kept = int(np.nansum(self.values(m, "global_best_retained")))
            p = self.wilcoxon.get(m, {}).get("oracle_gap_ratio", {}).get("pvalue")
            lines.append(
                f"| {m} | {_pm(st['size'], 0)} | {_pm(st['oracle_gap_ratio'], 3)} | "
                f"{kept}/{n} | {_pm(st['shrink_index'], 3)} | "
                f"{_pm(st['pareto_retention'], 2)} | {_pm(st['p_good'], 2)} | "
                f"{_pm(st['gt_queries'], 0)} | {'' if p is None else f'{p:.3g}'} |"
            )
        if self.downstream is not None:
            lines += ["", self.downstream.to_markdown()]
        return "\n".join(lines)


def compare_methods(
    source: PerformanceSource,
    methods: Sequence[str],
    seeds: int | Sequence[int] = 10,
    *,
    gt_budget: int = 200,
    target_size: int = 200,
    search_budget: int | None = None,
    downstream_gt_budget: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Comparison:
    """Run every method of ``methods`` (registry names) on ``source`` for each seed.

    Every run gets ``gt_budget`` ground-truth queries, the default predictor and
    ``target_size`` (``build_shrinker``), and is judged against the full table (the source
    needs ``ground_truth()``). ``seeds`` is a count (0..N-1) or explicit seeds. With
    ``search_budget`` the downstream part runs too (``downstream_queries``, LISSNAS at
    ``downstream_gt_budget``, default ``gt_budget``). ``ValueError`` names a bad argument.
    """
    methods = list(dict.fromkeys(methods))
    if not methods:
        raise ValueError("methods must name at least one method, got none")
    unknown = [m for m in methods if m not in SHRINKERS]
    if unknown:
        raise ValueError(f"methods must be taken from {sorted(SHRINKERS)}, got {unknown}")
    seed_list = _seed_list(seeds)
    check_int("gt_budget", gt_budget, minimum=2)
    check_int("target_size", target_size, minimum=1)
    table = source.ground_truth()
    if table is None:
        raise ValueError(f"{source.name}: comparing needs a complete ground-truth table")
    space = source.space
    archs, values = table
    keys = space.keys(archs)
    flops = flops_or_none(space, archs)
    sign = 1.0 if source.maximize else -1.0
    runs: dict[str, list[dict[str, Any]]] = {}
    for method in methods:
        shrinker = build_shrinker(method, gt_budget, target_size)
        shrinker.check_params()
        runs[method] = []
        for seed in seed_list:
            before = source.n_queries
            result = shrinker.shrink(space, source, seed=seed)
            if source.n_queries - before != result.gt_queries:
                raise RuntimeError(f"{method}: ground-truth queries were not all recorded")
            summary = summarize(result, source)
            mask = np.isin(keys, space.keys(space.canonical(result.architectures(space))))
            summary["pareto_retention"] = (
                float("nan") if flops is None else pareto_retention(sign * values, flops, mask)
            )
            runs[method].append({k: summary[k] for k in METRICS})
            if progress is not None:
                progress(
                    f"{source.name} {method} seed {seed}: size {result.size}, "
                    f"oracle-gap ratio {summary['oracle_gap_ratio']:.3f}"
                )
    comparison = Comparison(
        benchmark=source.name,
        methods=methods,
        seeds=seed_list,
        gt_budget=gt_budget,
        target_size=target_size,
        full_size=space.size,
        runs=runs,
    )
    if "lissnas" in methods:
        base = {m: comparison.values("lissnas", m) for m in TESTED}
        comparison.wilcoxon = {
            m: {t: paired_wilcoxon(base[t], comparison.values(m, t)) for t in TESTED}
            for m in methods
            if m != "lissnas"
        }
    if search_budget is not None:
        comparison.downstream = downstream_queries(
            source,
            seed_list,
            search_budget=search_budget,
            shrinker=build_shrinker("lissnas", downstream_gt_budget or gt_budget, target_size),
            progress=progress,
        )
    return comparison


def downstream_queries(
    source: PerformanceSource,
    seeds: int | Sequence[int] = 10,
    *,
    search_budget: int = 1000,
    shrinker: Shrinker | None = None,
    strategies: Sequence[str] = FULL_SPACE_STRATEGIES,
    progress: Callable[[str], None] | None = None,
) -> Downstream:
    """Ground-truth queries to reach the global best of ``source`` per seed.

    ``lissnas+local``: ``shrinker`` (default ``build_shrinker("lissnas", 200, 200)``)
    shrinks the space, then local search runs inside its members with the shrinker's
    queried architectures as already spent (``initial``), all within ``search_budget``;
    each of ``strategies`` searches the full space with ``search_budget`` queries.
    """
    from lissnas.search import run_search

    check_int("search_budget", search_budget, minimum=1)
    table = source.ground_truth()
    if table is None:
        raise ValueError(f"{source.name}: the downstream part needs a complete ground-truth table")
    values = table[1]
    target = float(values.max() if source.maximize else values.min())
    space = source.space
    shrinker = shrinker or build_shrinker("lissnas", 200, 200)
    queries: dict[str, list[int | None]] = {"lissnas+local": []}
    queries.update({s: [] for s in strategies})
    seed_list = _seed_list(seeds)
    for seed in seed_list:
        result = shrinker.shrink(space, source, seed=seed)
        initial = (space.from_strings(result.queried), np.asarray(result.queried_values))
        trace = run_search(
            "local",
            space,
            source,
            search_budget,
            seed,
            members=result.architectures(space),
            initial=initial,
        )
        queries["lissnas+local"].append(trace.queries_to_reach(target))
        for strategy in strategies:
            trace = run_search(strategy, space, source, search_budget, seed)
            queries[strategy].append(trace.queries_to_reach(target))
        if progress is not None:
            got = {s: q[-1] for s, q in queries.items()}
            progress(f"{source.name} downstream seed {seed}: {got}")
    return Downstream(
        benchmark=source.name,
        search_budget=search_budget,
        shrink_gt_budget=int(shrinker.get_params().get("gt_budget", 0)),
        target_value=target,
        queries=queries,
    )


def _seed_list(seeds: int | Sequence[int]) -> list[int]:
    if isinstance(seeds, int | np.integer) and not isinstance(seeds, bool):
        return list(range(check_int("seeds", int(seeds), minimum=1)))
    seed_list = [check_int("seed", s, minimum=0) for s in seeds]  # type: ignore[union-attr]
    if not seed_list:
        raise ValueError("seeds must hold at least one seed, got none")
    return seed_list


def _pm(stat: dict[str, float | None], digits: int) -> str:
    if stat["mean"] is None:
        return "n/a"
    return f"{stat['mean']:.{digits}f} ± {stat['std']:.{digits}f}"


def _finite(x: float) -> float | None:
    return None if math.isinf(x) or math.isnan(x) else x


def _json_safe(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return None if not math.isfinite(obj) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj
