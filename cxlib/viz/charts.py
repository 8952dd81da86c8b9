"""Chart builders in the cxlab theme: bar, line, stacked area, small multiples, heatmap."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib._types import Frame
from cxlib.viz.theme import PALETTE, TEMPLATE_NAME, segment_colors

__all__ = ["area", "bar", "heatmap", "line", "small_multiples"]


def _pandas(df: Frame) -> pd.DataFrame:
    """``df`` itself when it is pandas, else collected into pandas (charts take small tables)."""
    if isinstance(df, pd.DataFrame):
        return df
    from cxlib.engine import to_pandas

    return to_pandas(df)


def _groups(df: pd.DataFrame, color: str | None) -> list[tuple[str | None, pd.DataFrame]]:
    """Split by ``color`` in a stable order: names sorted, "unknown" last."""
    if not color:
        return [(None, df)]
    keys = sorted(df[color].astype(str).unique(), key=lambda k: (k.lower() == "unknown", k))
    labels = df[color].astype(str)
    return [(key, df[labels == key]) for key in keys]


def _percent_axis(fig: go.Figure, axis: str) -> None:
    fig.update_layout({f"{axis}axis": dict(tickformat=".0%", hoverformat=".1%")})


def bar(
    df: Frame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    title: str | None = None,
    horizontal: bool = False,
    percent: bool = False,
    barmode: str = "group",
    labels: Mapping[str, str] | None = None,
    height: int | None = None,
) -> go.Figure:
    """Bar chart in the cxlab theme.

    Parameters
    ----------
    df : Frame
        Long table (any frame: pandas, polars, DuckDB, Spark; collected to pandas). Required
        columns: ``x``, ``y`` and ``color`` if given.
    x, y : str
        Category and value columns (with ``horizontal=True`` the bars run along x but
        ``x`` still names the category column).
    color : str, optional
        Column that splits the bars into coloured groups.
    title : str, optional
    horizontal : bool, default False
    percent : bool, default False
        Values are shares in [0, 1]; the value axis shows percentages.
    barmode : {"group", "stack", "relative"}
    labels : mapping, optional
        Axis/legend titles by column name.
    height : int, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    df = _pandas(df)
    labels = dict(labels or {})
    fig = go.Figure()
    groups = _groups(df, color)
    colors = segment_colors(k for k, _ in groups if k is not None)
    for key, part in groups:
        name = key if key is not None else labels.get(y, y)
        cats, vals = part[x], part[y]
        fig.add_trace(
            go.Bar(
                x=vals if horizontal else cats,
                y=cats if horizontal else vals,
                name=name,
                orientation="h" if horizontal else "v",
                showlegend=color is not None,
                marker_color=colors.get(key) if key is not None else None,
            )
        )
    fig.update_layout(
        template=TEMPLATE_NAME, barmode=barmode, title=dict(text=title) if title else None, height=height
    )
    value_axis, cat_axis = ("x", "y") if horizontal else ("y", "x")
    fig.update_layout(
        {
            f"{cat_axis}axis": dict(title=dict(text=labels.get(x, x))),
            f"{value_axis}axis": dict(title=dict(text=labels.get(y, y))),
            "hovermode": "y unified" if horizontal else "x unified",
        }
    )
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    if percent:
        _percent_axis(fig, value_axis)
    return fig


def line(
    df: Frame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    title: str | None = None,
    percent: bool = False,
    markers: bool = False,
    labels: Mapping[str, str] | None = None,
    height: int | None = None,
) -> go.Figure:
    """Line chart (one line per ``color`` group) in the cxlab theme.

    Parameters
    ----------
    df : Frame
        Long table sorted by ``x`` (any frame; collected to pandas). Required columns:
        ``x``, ``y`` and ``color`` if given.
    x, y : str
    color : str, optional
    title : str, optional
    percent : bool, default False
        Values are shares in [0, 1].
    markers : bool, default False
    labels : mapping, optional
    height : int, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    df = _pandas(df)
    labels = dict(labels or {})
    fig = go.Figure()
    groups = _groups(df, color)
    colors = segment_colors(k for k, _ in groups if k is not None)
    for key, part in groups:
        name = key if key is not None else labels.get(y, y)
        fig.add_trace(
            go.Scatter(
                x=part[x],
                y=part[y],
                name=name,
                mode="lines+markers" if markers else "lines",
                showlegend=color is not None,
                line_color=colors.get(key) if key is not None else None,
            )
        )
    fig.update_layout(
        template=TEMPLATE_NAME,
        title=dict(text=title) if title else None,
        height=height,
        xaxis=dict(title=dict(text=labels.get(x, x))),
        yaxis=dict(title=dict(text=labels.get(y, y))),
    )
    if percent:
        _percent_axis(fig, "y")
    return fig


def area(
    df: Frame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    title: str | None = None,
    percent: bool = False,
    labels: Mapping[str, str] | None = None,
    height: int | None = None,
) -> go.Figure:
    """Stacked area chart (totals and their split) in the cxlab theme.

    Parameters
    ----------
    df : Frame
        Long table sorted by ``x`` (any frame; collected to pandas). Required columns:
        ``x``, ``y`` and ``color`` if given.
        Every group should have a row for every ``x`` (fill gaps with 0 first).
    x, y, color, title, percent, labels, height
        As in :func:`line`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    df = _pandas(df)
    fig = line(df, x, y, color=color, title=title, percent=percent, labels=labels, height=height)
    for trace in fig.data:
        trace.update(stackgroup="one", line=dict(width=0.6), fillcolor=trace.line.color)
    return fig


def small_multiples(
    df: Frame,
    x: str,
    y: str,
    facet: str,
    *,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
    row_height: int = 150,
) -> go.Figure:
    """One small line chart per ``facet`` value, stacked vertically, sharing the x axis.

    Use it when series differ too much in size to share one y axis.

    Parameters
    ----------
    df : Frame
        Long table (any frame: pandas, polars, DuckDB, Spark; collected to pandas). Required
        columns: ``x``, ``y``, ``facet``.
    x, y, facet : str
    title : str, optional
    labels : mapping, optional
    row_height : int, default 150
        Pixels per panel.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    df = _pandas(df)
    from plotly.subplots import make_subplots

    labels = dict(labels or {})
    groups = _groups(df, facet)
    fig = make_subplots(
        rows=max(1, len(groups)),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06 if len(groups) < 5 else 0.03,
        subplot_titles=[str(k) for k, _ in groups],
    )
    for row, (key, part) in enumerate(groups, start=1):
        fig.add_trace(
            go.Scatter(
                x=part[x], y=part[y], name=str(key), mode="lines", line_color=PALETTE[0], showlegend=False
            ),
            row=row,
            col=1,
        )
    fig.update_layout(
        template=TEMPLATE_NAME,
        title=dict(text=title) if title else None,
        height=90 + row_height * max(1, len(groups)),
        hovermode="x unified",
    )
    fig.update_xaxes(title_text=labels.get(x, x), row=len(groups), col=1)
    fig.update_annotations(font=dict(size=12), x=0, xanchor="left")
    return fig


def heatmap(
    matrix: pd.DataFrame,
    *,
    title: str | None = None,
    percent: bool = True,
    x_title: str | None = None,
    y_title: str | None = None,
    text: bool = True,
    height: int | None = None,
) -> go.Figure:
    """Heatmap of a matrix (e.g. a cohort retention matrix) in the cxlab theme.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Index = rows (e.g. cohort labels), columns = columns (e.g. periods), values numeric.
    title : str, optional
    percent : bool, default True
        Values are shares in [0, 1]; cells and hover show percentages.
    x_title, y_title : str, optional
    text : bool, default True
        Print the value in each cell.
    height : int, optional
        Default grows with the number of rows.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    values = matrix.to_numpy(dtype="float64", na_value=np.nan)
    fmt = ".0%" if percent else ",.0f"
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=[str(c) for c in matrix.columns],
            y=[str(i) for i in matrix.index],
            colorscale="Blues",
            texttemplate=f"%{{z:{fmt}}}" if text else None,
            hovertemplate=f"%{{y}} · %{{x}}: %{{z:{'.1%' if percent else ',.2f'}}}<extra></extra>",
            colorbar=dict(tickformat=".0%" if percent else ",.0f", thickness=12),
            xgap=1,
            ygap=1,
        )
    )
    fig.update_layout(
        template=TEMPLATE_NAME,
        title=dict(text=title) if title else None,
        height=height or max(320, 80 + 26 * len(matrix.index)),
        hovermode="closest",
        xaxis=dict(title=dict(text=x_title or ""), type="category", side="top"),
        yaxis=dict(title=dict(text=y_title or ""), type="category", autorange="reversed"),
    )
    return fig
