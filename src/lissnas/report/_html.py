"""A self-contained HTML report of one or more shrunk spaces (plotly, JavaScript inlined)."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import numpy as np

from lissnas._io import atomic_write_text
from lissnas.analysis import table_lookup
from lissnas.benchmarks import PerformanceSource
from lissnas.evaluation import evaluate_result
from lissnas.metrics import error_edf, pareto_front
from lissnas.shrink import ShrinkResult
from lissnas.spaces import flops_or_none

_COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")
_LAYOUT = {"template": "plotly_white", "font": {"size": 14}, "height": 460, "margin": {"t": 60}}
_SUMMARY_COLUMNS = (
    ("label", "result"),
    ("method", "method"),
    ("seed", "seed"),
    ("size", "size"),
    ("reduction_factor", "reduction"),
    ("predicted_mean", "mean score"),
    ("true_mean", "true mean"),
    ("true_max", "true max"),
    ("oracle_gap_ratio", "oracle-gap ratio"),
    ("global_best_retained", "global best kept"),
    ("p_good", "P(good)"),
    ("shrink_index", "shrink index"),
    ("ks_statistic", "KS statistic"),
    ("flops_coverage", "FLOPs coverage"),
    ("pareto_retention", "Pareto retention"),
)


def _plotly() -> Any:
    try:
        import plotly.graph_objects as go
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "the HTML report needs plotly: pip install 'lissnas[report]'"
        ) from exc
    return go


def _default_label(result: ShrinkResult) -> str:
    return f"{result.method} (seed {result.seed}, {result.size} members)"


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return html.escape(str(value))


def build_report(
    results: list[ShrinkResult],
    source: PerformanceSource,
    *,
    locality: dict[str, Any] | None = None,
    title: str | None = None,
    labels: list[str] | None = None,
) -> str:
    """One HTML document: summary table, error EDFs, accuracy vs FLOPs with the Pareto front,
    FLOPs histograms, per-iteration curves and (given ``locality``, the JSON of
    ``lissnas locality --out``) the locality plot; ``labels`` name the results in legends
    (default: method, seed and size). Plots needing FLOPs or a complete
    ground-truth table are replaced by a note when the benchmark lacks them."""
    go = _plotly()
    if not results:
        raise ValueError("build_report needs at least one result, got none")
    other = {r.benchmark for r in results} - {source.name}
    if other:
        raise ValueError(
            f"every result must come from benchmark {source.name!r}; got {sorted(other)}"
        )
    if labels is None:
        labels = [_default_label(r) for r in results]
    if len(labels) != len(results):
        raise ValueError(
            f"labels must name every result: {len(labels)} labels, {len(results)} results"
        )
    names = dict(zip(map(id, results), labels, strict=True))

    def _label(result: ShrinkResult) -> str:
        return names[id(result)]

    space = source.space
    title = title or f"LISSNAS report: {source.name}"
    sections: list[str] = []
    figures: list[Any] = []
    notes: list[str] = []
    metric_units = f"{source.metric} (%)" if "accuracy" in source.metric else source.metric

    rows = [evaluate_result(r, source) | {"label": _label(r)} for r in results]
    head = "".join(f"<th>{html.escape(name)}</th>" for _, name in _SUMMARY_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(key))}</td>" for key, _ in _SUMMARY_COLUMNS) + "</tr>"
        for row in rows
    )
    full_size = f"{space.size:,}"
    sections.append(
        f"<h2>Summary</h2><p>Benchmark <b>{html.escape(source.name)}</b> ({full_size} "
        f"architectures, metric: {html.escape(source.metric)}).</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )

    table = source.ground_truth()
    members = [space.canonical(r.architectures(space)) for r in results]
    if table is None:
        notes.append(
            "The benchmark has no complete ground-truth table: EDF, scatter and true-accuracy "
            "curves are omitted."
        )
    else:
        archs, values = table
        keys = space.keys(archs)
        truth = table_lookup(source)
        masks = [np.isin(keys, space.keys(m)) for m in members]
        scale = 100.0 if source.maximize and values.max() <= 100 else 0.0
        errors = (scale - values) if source.maximize else values
        err_label = "error (100 - accuracy, %)" if scale else f"{source.metric} (lower is better)"
        fig = go.Figure()
        grid = np.linspace(errors.min(), errors.max(), 400)
        fig.add_scatter(
            x=grid,
            y=error_edf(errors, grid).edf,
            name="full space",
            line={"color": "black", "dash": "dash"},
        )
        for i, (r, mask) in enumerate(zip(results, masks, strict=True)):
            fig.add_scatter(
                x=grid,
                y=error_edf(errors[mask], grid).edf,
                name=_label(r),
                line={"color": _COLORS[i % len(_COLORS)]},
            )
        fig.update_layout(
            title="Error EDF (higher and further left is better)",
            xaxis_title=err_label,
            yaxis_title="fraction of architectures with error ≤ x",
            xaxis_type="log" if errors.min() > 0 else "linear",
            xaxis_tickvals=[1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100],
            **_LAYOUT,
        )
        figures.append(("Error empirical distribution", fig))

        def curve(r: ShrinkResult) -> list[float]:
            return [float(truth(space.from_strings(strings)).mean()) for strings in r.trajectory]

        from plotly.subplots import make_subplots

        fig = make_subplots(
            rows=1,
            cols=2,
            subplot_titles=("size of the candidate space A_t", f"mean {metric_units} of A_t"),
        )
        for i, r in enumerate(results):
            color = _COLORS[i % len(_COLORS)]
            its = [h.iteration for h in r.history]
            fig.add_scatter(
                x=its,
                y=[h.size for h in r.history],
                name=_label(r),
                line={"color": color},
                row=1,
                col=1,
            )
            fig.add_scatter(
                x=its,
                y=[h.mean_score for h in r.history],
                name="predicted",
                line={"color": color, "dash": "dot"},
                showlegend=i == 0,
                legendgroup="pred",
                row=1,
                col=2,
            )
            if len(r.trajectory) == len(r.history):
                fig.add_scatter(
                    x=its,
                    y=curve(r),
                    name="true",
                    line={"color": color},
                    showlegend=i == 0,
                    legendgroup="true",
                    row=1,
                    col=2,
                )
        fig.update_yaxes(type="log", title_text="architectures", row=1, col=1)
        fig.update_yaxes(title_text=metric_units, row=1, col=2)
        fig.update_xaxes(title_text="iteration", dtick=1)
        fig.update_layout(
            title="Per iteration (dotted: predicted score, solid: true mean)", **_LAYOUT
        )
        figures.append(("Iterations", fig))

        flops = flops_or_none(space, archs)
        if flops is None:
            notes.append(
                f"{space.name} defines no FLOPs: the accuracy/FLOPs and FLOPs plots are omitted."
            )
        else:
            sign = 1.0 if source.maximize else -1.0
            front = pareto_front(sign * values, flops)
            fig = go.Figure()
            fig.add_scatter(
                x=flops,
                y=values,
                mode="markers",
                name="full space",
                marker={"color": "lightgrey", "size": 4},
            )
            for i, (r, mask) in enumerate(zip(results, masks, strict=True)):
                fig.add_scatter(
                    x=flops[mask],
                    y=values[mask],
                    mode="markers",
                    name=_label(r),
                    marker={"color": _COLORS[i % len(_COLORS)], "size": 6, "opacity": 0.8},
                )
            idx = np.flatnonzero(front)
            idx = idx[np.argsort(flops[idx])]
            fig.add_scatter(
                x=flops[idx],
                y=values[idx],
                mode="lines+markers",
                name="Pareto front (full space)",
                line={"color": "black", "shape": "hv"},
                marker={"size": 5},
            )
            low = float(np.percentile(values, 2))
            span = float(values.max()) - low
            fig.update_layout(
                title=f"{source.metric} vs FLOPs (y axis from the full space's 2nd percentile)",
                xaxis_title="FLOPs (M)",
                yaxis_title=metric_units,
                yaxis_range=[low - 0.05 * span, float(values.max()) + 0.05 * span],
                **_LAYOUT,
            )
            figures.append(("Accuracy vs FLOPs", fig))
            fig = go.Figure()
            fig.add_histogram(
                x=flops,
                name="full space",
                histnorm="probability",
                marker_color="lightgrey",
                nbinsx=30,
            )
            for i, (r, mask) in enumerate(zip(results, masks, strict=True)):
                fig.add_histogram(
                    x=flops[mask],
                    name=_label(r),
                    histnorm="probability",
                    marker_color=_COLORS[i % len(_COLORS)],
                    opacity=0.6,
                    nbinsx=30,
                )
            fig.update_layout(
                title="FLOPs distribution (normalised)",
                barmode="overlay",
                xaxis_title="FLOPs (M)",
                yaxis_title="fraction of architectures",
                **_LAYOUT,
            )
            figures.append(("FLOPs", fig))

    if locality is not None:
        from plotly.subplots import make_subplots

        rwa = {int(k): v for k, v in locality["rwa"].items()}
        aad = {int(d): row for d, row in locality["aad"].items()}
        fig = make_subplots(
            rows=1,
            cols=2,
            subplot_titles=("random-walk autocorrelation", "absolute accuracy difference"),
        )
        fig.add_scatter(
            x=sorted(rwa),
            y=[rwa[k] for k in sorted(rwa)],
            name="RWA",
            line={"color": "black"},
            mode="lines+markers",
            row=1,
            col=1,
        )
        kinds = list(next(iter(aad.values())))
        for i, kind in enumerate(kinds):
            fig.add_scatter(
                x=sorted(aad),
                y=[aad[d][kind] for d in sorted(aad)],
                name=f"AAD, {kind} changes",
                mode="lines+markers",
                line={"color": _COLORS[i % len(_COLORS)]},
                row=1,
                col=2,
            )
        fig.update_xaxes(title_text="lag (edits)", dtick=1, row=1, col=1)
        fig.update_xaxes(title_text="edit distance", dtick=1, row=1, col=2)
        fig.update_yaxes(title_text="correlation", row=1, col=1)
        fig.update_yaxes(title_text=f"mean |Δ {metric_units}|", row=1, col=2)
        fig.update_layout(
            title=f"Locality of {html.escape(str(locality.get('benchmark', source.name)))}",
            **_LAYOUT,
        )
        figures.append(("Locality", fig))

    for i, (heading, fig) in enumerate(figures):
        sections.append(
            f"<h2>{html.escape(heading)}</h2>"
            + fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        )
    if notes:
        sections.append(
            "<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>"
        )
    style = (
        "body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:4px 8px;"
        "text-align:right}th{background:#f4f4f4}"
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
        + "".join(sections)
        + "</body></html>\n"
    )


def write_report(
    path: str | os.PathLike[str],
    results: list[ShrinkResult],
    source: PerformanceSource,
    **kwargs: Any,
) -> Path:
    """``build_report`` written atomically to ``path``."""
    path = Path(path)
    atomic_write_text(path, build_report(results, source, **kwargs))
    return path
