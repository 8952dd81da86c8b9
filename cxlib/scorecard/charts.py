"""Charts and number formatting shared by the scorecard result objects.

Every chart states the metric's scale and direction ("higher is better" / "lower is
better") in its title, draws confidence intervals, and leaves suppressed cells out (gaps).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib.scorecard.cells import ALL
from cxlib.scorecard.metrics import Metric

__all__ = [
    "TOO_FEW",
    "format_amount",
    "format_ci",
    "format_value",
    "interval_dots",
    "segment_colours",
    "segment_names",
    "trend_figure",
]

#: What a suppressed cell shows instead of a number.
TOO_FEW = "too few answers"


def format_value(metric: Metric, value: float, *, signed: bool = False, currency: str = "") -> str:
    """Format a metric value for sentences and tables (NPS whole points, shares as %, money 2 dp).

    Parameters
    ----------
    metric : Metric
    value : float
    signed : bool, default False
        Show ``+`` for positive values.
    currency : str, optional

    Returns
    -------
    str
        ``—`` for a missing value; negative values with the minus sign (``−1``), as
        :mod:`cxlib.viz.formats` writes them.
    """
    if value is None or not np.isfinite(value):
        return "—"
    sign = "+" if signed and value > 0 else ""
    if metric.kind == "nps":
        text = f"{sign}{value:,.0f}"
    elif metric.percent:
        text = f"{sign}{100 * value:,.1f}%" if not signed else f"{sign}{100 * value:,.1f} pp"
    elif metric.money:
        text = f"{sign}{value:,.2f}" + (f" {currency}" if currency else "")
    else:
        text = f"{sign}{value:,.2f}"
    return text.replace("-", "−")


def format_amount(metric: Metric, value: float, *, signed: bool = False) -> str:
    """Write a value for a sentence: like :func:`format_value`, with the currency of money metrics.

    Parameters
    ----------
    metric : Metric
    value : float
    signed : bool, default False

    Returns
    -------
    str
        ``66.26 EUR`` for a money metric whose currency is known, else as :func:`format_value`.
    """
    return format_value(metric, value, signed=signed, currency=metric.currency if metric.money else "")


def format_ci(metric: Metric, low: float, high: float, alpha: float) -> str:
    """``95% CI 28 to 34`` in the metric's format (``95% CI 64.58 EUR to 67.93 EUR`` for money).

    Parameters
    ----------
    metric : Metric
    low, high : float
    alpha : float

    Returns
    -------
    str
    """
    level = round(100 * (1 - alpha))
    return f"{level}% CI {format_amount(metric, low)} to {format_amount(metric, high)}"


def segment_names(frame: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """One label per row joining the segment columns (``web / mobile``); ``All`` without segments.

    Parameters
    ----------
    frame : pandas.DataFrame
    by : sequence of str

    Returns
    -------
    pandas.Series
    """
    if not by:
        return pd.Series(ALL, index=frame.index, dtype="str")
    names = frame[by[0]].astype("str")
    for column in by[1:]:
        names = names + " / " + frame[column].astype("str")
    return names.str.replace(f"{ALL} / {ALL}", ALL, regex=False)


def _title(metric: Metric, what: str, note: str) -> dict[str, Any]:
    return {
        "text": f"{metric.label} {what} · {metric.direction}",
        "subtitle": {"text": note, "font": {"size": 11}},
        "yref": "container",
        "y": 1.0,
        "yanchor": "top",
        "pad": {"t": 12},
    }


def segment_colours(names: Sequence[str]) -> dict[str, str]:
    """One fixed colour per segment name (``All`` first, then alphabetical), the same in every chart.

    Parameters
    ----------
    names : sequence of str

    Returns
    -------
    dict of str to str
        Segment name to colour.
    """
    ordered = sorted(set(names), key=lambda name: (name != ALL, name))
    return {name: viz.PALETTE[i % len(viz.PALETTE)] for i, name in enumerate(ordered)}


def _value_axis(fig: go.Figure, metric: Metric, axis: str = "y") -> None:
    if metric.percent:
        fig.update_layout({f"{axis}axis": {"tickformat": ".0%", "hoverformat": ".1%"}})
    elif metric.kind == "nps":
        fig.update_layout({f"{axis}axis": {"hoverformat": ".0f"}})
    else:
        fig.update_layout({f"{axis}axis": {"hoverformat": ",.2f"}})


def trend_figure(
    cells: pd.DataFrame,
    changes: pd.DataFrame,
    metric: Metric,
    *,
    by: Sequence[str],
    period_name: str,
    alpha: float,
    min_n: int,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Trend of one metric per segment with interval bars; significant changes flagged.

    Parameters
    ----------
    cells : pandas.DataFrame
        Scorecard rows of this metric (``period_start``, ``period``, ``value``, ``ci_low``,
        ``ci_high``, ``n``, ``suppressed`` and the ``by`` columns).
    changes : pandas.DataFrame
        :func:`~cxlib.scorecard.changes.period_changes` rows of this metric.
    metric : Metric
    by : sequence of str
    period_name : str
        ``week``, ``month`` or ``quarter`` (for the title).
    alpha, min_n : float, int
        For the note under the title.
    colours : dict, optional
        Segment name → colour (:func:`segment_colours`), so a segment keeps its colour
        across charts.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per segment; triangles mark changes from the previous period that are
        significant (Benjamini–Hochberg); gaps are cells with fewer than ``min_n`` units.
    """
    data = cells.assign(__segment=segment_names(cells, by))
    flags = changes.assign(__segment=segment_names(changes, by))[
        ["__segment", "period", "significant", "difference", "p_value", "change"]
    ]
    data = data.merge(flags, on=["__segment", "period"], how="left")
    level = round(100 * (1 - alpha))
    colours = colours or segment_colours(list(data["__segment"]))
    fig = go.Figure()
    for segment, part in data.groupby("__segment", sort=False):
        part = part.sort_values("period_start")
        colour = colours.get(segment, viz.PALETTE[-1])
        significant = part["significant"].fillna(False).astype(bool).to_numpy()
        up = part["difference"].to_numpy(dtype=float) > 0
        symbols = np.where(significant, np.where(up, "triangle-up", "triangle-down"), "circle")
        hover = [
            f"{segment} · {p}<br>{format_value(metric, v)} ({format_ci(metric, lo, hi, alpha)}), n={int(n):,}"
            + (
                f"<br>{ch} than the period before ({format_value(metric, d, signed=True)}, p={pv:.3g})"
                if sig
                else ""
            )
            if not s
            else f"{segment} · {p}<br>{TOO_FEW}"
            for p, v, lo, hi, n, s, sig, d, pv, ch in zip(
                part["period"],
                part["value"],
                part["ci_low"],
                part["ci_high"],
                part["n"].fillna(0),
                part["suppressed"],
                significant,
                part["difference"],
                part["p_value"],
                part["change"],
                strict=True,
            )
        ]
        hidden = bool(part["suppressed"].all())
        fig.add_trace(
            go.Scatter(
                x=part["period_start"],
                y=part["value"],
                name=f"{segment} ({TOO_FEW})" if hidden else str(segment),
                mode="lines+markers",
                line=dict(color=colour, width=3 if segment == ALL else 2),
                marker=dict(symbol=symbols, size=np.where(significant, 13, 6), color=colour),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=part["ci_high"] - part["value"],
                    arrayminus=part["value"] - part["ci_low"],
                    thickness=1,
                    width=2,
                    color=colour,
                ),
                hovertext=hover,
                hoverinfo="text",
                connectgaps=False,
            )
        )
    what = f"by {' / '.join(by)}, per {period_name}" if by else f"per {period_name}"
    note = (
        f"bars: {level}% CI · ▲▼ significant change from the previous {period_name} "
        f"(Benjamini–Hochberg, FDR {1 - level / 100:.0%}) · gaps: fewer than {min_n} {metric.unit}"
    )
    fig.update_layout(
        template="cxlab",
        title=_title(metric, what, note),
        hovermode="closest",
        margin=dict(t=96),
        xaxis=dict(title=dict(text=period_name.capitalize())),
        yaxis=dict(title=dict(text=metric.label)),
    )
    periods = data[["period_start", "period"]].drop_duplicates().sort_values("period_start")
    if len(periods) <= 30:  # label ticks as the periods (2025-Q1, 2025-01, ...)
        fig.update_xaxes(tickvals=list(periods["period_start"]), ticktext=list(periods["period"]))
    _value_axis(fig, metric)
    return fig


def interval_dots(
    cells: pd.DataFrame,
    metric: Metric,
    *,
    label_column: str,
    title_what: str,
    note: str,
    alpha: float = 0.05,
    reference: float | None = None,
    reference_name: str = "All",
) -> go.Figure:
    """Horizontal dot-and-interval chart: one row per segment (``label_column``).

    Parameters
    ----------
    cells : pandas.DataFrame
        ``value``, ``ci_low``, ``ci_high``, ``n`` and ``label_column``; suppressed rows
        (``value`` NaN) are shown as "too few answers" in the hover only.
    metric : Metric
    label_column : str
    title_what, note : str
        Title text after the metric label, and the line under it.
    alpha : float, default 0.05
        Level of the intervals (for the hover text).
    reference : float, optional
        A dashed vertical line (e.g. the value over all segments).
    reference_name : str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    data = cells.sort_values("value", ascending=not metric.higher_is_better, na_position="last")
    hover = [
        f"{s}: {format_value(metric, v)} ({format_ci(metric, lo, hi, alpha)}), n={int(n):,}"
        if np.isfinite(v)
        else f"{s}: {TOO_FEW}"
        for s, v, lo, hi, n in zip(
            data[label_column],
            data["value"],
            data["ci_low"],
            data["ci_high"],
            data["n"].fillna(0),
            strict=True,
        )
    ]
    fig = go.Figure(
        go.Scatter(
            x=data["value"],
            y=data[label_column].astype("str"),
            mode="markers",
            marker=dict(size=11, color=viz.PALETTE[0]),
            error_x=dict(
                type="data",
                symmetric=False,
                array=data["ci_high"] - data["value"],
                arrayminus=data["value"] - data["ci_low"],
                thickness=2,
                width=4,
            ),
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
    )
    for label in data.loc[~np.isfinite(data["value"].to_numpy(dtype=float)), label_column]:
        fig.add_annotation(
            x=0,
            xref="paper",
            xanchor="left",
            y=str(label),
            yref="y",
            text=TOO_FEW,
            showarrow=False,
            font=dict(color="#616e7c"),
        )
    if reference is not None and np.isfinite(reference):
        fig.add_vline(
            x=reference,
            line_dash="dash",
            line_color="#616e7c",
            annotation_text=f"{reference_name} {format_value(metric, reference)}",
            annotation_position="top",
        )
    fig.update_layout(
        template="cxlab",
        title=_title(metric, title_what, note),
        hovermode="closest",
        height=max(260, 120 + 40 * len(data)),
        margin=dict(t=96),
        yaxis=dict(type="category", autorange="reversed"),
        xaxis=dict(title=dict(text=metric.label)),
    )
    _value_axis(fig, metric, "x")
    return fig
