"""The cxlab look: palette, fixed segment colours and the plotly template ``"cxlab"``.

Importing it registers the template under the name ``"cxlab"`` (figures name it:
``fig.update_layout(template="cxlab")``) and changes nothing else: plotly's default template
and renderers stay as they were until :func:`apply_theme` is called, as the notebooks do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "PALETTE",
    "PLOTLY_CONFIG",
    "SEGMENT_COLORS",
    "SEQUENTIAL",
    "TEMPLATE",
    "TEMPLATE_NAME",
    "apply_theme",
    "segment_colors",
]

#: Colour-blind safe qualitative palette (Okabe–Ito, reordered; black last).
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
    "#000000",
)
#: Fixed colours of common segment values (channels, devices, variants), so that a
#: channel has the same colour in every chart of every report.
SEGMENT_COLORS: dict[str, str] = {
    "web": "#0072B2",
    "app": "#E69F00",
    "marketplace": "#009E73",
    "store": "#CC79A7",
    "email": "#56B4E9",
    "social": "#D55E00",
    "control": "#999999",
    "treatment": "#0072B2",
    "unknown": "#BBBBBB",
    "all": "#0072B2",
}
#: Sequential scale for heatmaps (light to dark blue).
SEQUENTIAL: tuple[str, ...] = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=_FONT, size=13, color="#1f2933"),
        title=dict(font=dict(size=16), x=0, xanchor="left", y=0.98, yanchor="top"),
        colorway=list(PALETTE),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=48, r=16, t=64, b=40),
        hoverlabel=dict(font=dict(family=_FONT)),
        hovermode="x unified",
        legend=dict(orientation="h", x=0, xanchor="left", y=1.0, yanchor="bottom", title=dict(text="")),
        xaxis=dict(
            showgrid=False, linecolor="#9aa5b1", ticks="outside", automargin=True, title=dict(standoff=8)
        ),
        yaxis=dict(gridcolor="#e4e7eb", zerolinecolor="#9aa5b1", automargin=True, title=dict(standoff=8)),
        colorscale=dict(sequential=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]),
    ),
    data=dict(
        bar=[go.Bar(marker=dict(line=dict(width=0)))],
        scatter=[go.Scatter(line=dict(width=2))],
    ),
)

#: Name the template is registered under in ``plotly.io.templates``.
TEMPLATE_NAME = "cxlab"
pio.templates[TEMPLATE_NAME] = TEMPLATE

#: Plotly config used in reports: responsive (phone widths), no logo, no cloud links.
PLOTLY_CONFIG: dict[str, Any] = {"responsive": True, "displaylogo": False}


def apply_theme() -> None:
    """Make the ``"cxlab"`` template plotly's default and use :data:`PLOTLY_CONFIG` in notebooks.

    Changes plotly's global state, so cxlib never calls it on import: a notebook calls it once,
    in its load cell, and every figure it shows (cxlib's and its own) gets the cxlab look.

    Examples
    --------
    >>> from cxlib import viz
    >>> viz.apply_theme()
    >>> import plotly.io as pio
    >>> pio.templates.default
    'cxlab'
    """
    pio.templates[TEMPLATE_NAME] = TEMPLATE
    pio.templates.default = TEMPLATE_NAME
    for name in ("notebook", "notebook_connected"):
        if name in pio.renderers:
            renderer = pio.renderers[name]
            renderer.config = {**getattr(renderer, "config", {}), **PLOTLY_CONFIG}


def segment_colors(values: Iterable[Any]) -> dict[str, str]:
    """Give each segment value a colour.

    Known values get their fixed colour (:data:`SEGMENT_COLORS`), the others the palette in
    order, skipping colours already used in the same chart.

    Parameters
    ----------
    values : iterable
        Segment values in chart order (compared as strings; fixed colours ignore case).

    Returns
    -------
    dict of str to str
        Value (as a string) to hex colour.
    """
    keys = list(dict.fromkeys(str(v) for v in values))
    out = {k: SEGMENT_COLORS[k.lower()] for k in keys if k.lower() in SEGMENT_COLORS}
    free = [c for c in PALETTE if c not in set(out.values())] or list(PALETTE)
    for i, key in enumerate(k for k in keys if k not in out):
        out[key] = free[i % len(free)]
    return out
