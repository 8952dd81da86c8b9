"""Showing a result object: its formatted table, its figure and its sentences.

One place that turns a :class:`cxlib.result.Result` into report blocks, so notebooks write
``result.show()`` instead of repeating ``fig.show()``, ``format_table(percent_cols=...)``
and ``note(" ".join(result.summary()))``. Tables and sentences are escaped and PII-masked
(:func:`cxlib.viz.format_table`, :func:`cxlib.viz.note`).
"""

from __future__ import annotations

from typing import Any

import plotly.io as pio

from cxlib.privacy import safe_text
from cxlib.result import Display, Result
from cxlib.viz.blocks import HTMLBlock, format_table, fresh_sentences, note
from cxlib.viz.theme import PLOTLY_CONFIG

__all__ = ["result_html", "result_table", "show_result"]


def _settings(result: Any) -> Display:
    settings = getattr(result, "display_settings", None)
    return settings() if callable(settings) else Display()


def result_table(result: Result) -> HTMLBlock:
    """Format the result's ``.table`` with its display settings.

    Parameters
    ----------
    result : Result
        Any cxlib result; its ``display_table()`` (if present) is the table shown, and its
        ``display_settings()`` (if present) choose columns, percentages, currency headings,
        labels and decimals.

    Returns
    -------
    HTMLBlock
        Escaped, PII-masked HTML table.
    """
    settings = _settings(result)
    shown = getattr(result, "display_table", None)
    table = shown() if callable(shown) else result.table
    if settings.columns is not None:
        table = table[[c for c in settings.columns if c in table.columns]]
    labels: dict[Any, str] = dict(settings.labels)
    currency = str(getattr(result, "currency", "") or "")
    money = [c for c in settings.currency_cols if c in table.columns]
    for column in money:
        heading = labels.get(column, str(column))
        labels[column] = f"{heading} ({currency})" if currency else heading
    decimals: Any = settings.decimals
    if money and not isinstance(decimals, int):
        decimals = {**dict.fromkeys(money, 2), **dict(decimals or {})}
    percent: list[Any] = [c for c in settings.percent_cols if c in table.columns]
    return format_table(
        table,
        percent_cols=percent,
        decimals=decimals,
        labels=labels,
        caption=settings.caption,
        index=settings.index,
        max_rows=settings.max_rows,
    )


def result_html(result: Result) -> str:
    """Render a result as one HTML fragment: its sentences, figure and formatted table.

    The figure is a plotly ``<div>`` that expects plotly.js on the page (cxlab reports load
    it once per folder); in a notebook, results display through :func:`show_result`, which
    uses plotly's own renderer.

    Parameters
    ----------
    result : Result

    Returns
    -------
    str
        HTML; every table cell and sentence is escaped and PII-masked.
    """
    sentences = "".join(f"<li>{safe_text(s)}</li>" for s in result.summary())
    text = f'<ul class="cxlab-note">{sentences}</ul>' if sentences else ""
    chart = pio.to_html(result.figure(), full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG)
    return f'<div class="cxlab-result">{text}{chart}{result_table(result).data}</div>'


def show_result(result: Result, *, figure: bool = True, table: bool = True, sentences: bool = True) -> None:
    """Display a result in a notebook: figure, formatted table, then its sentences as a note.

    Parameters
    ----------
    result : Result
    figure, table, sentences : bool, default True
        Which parts to show. Sentences already in the page's key findings are left out
        (:func:`cxlib.viz.blocks.fresh_sentences`): each finding appears once.

    Returns
    -------
    None
        The parts are displayed (IPython) in that order.
    """
    from IPython.display import display

    if figure:
        result.figure().show(config=PLOTLY_CONFIG)
    if table:
        display(result_table(result))
    if sentences and (text := fresh_sentences(result.summary())):
        display(note(" ".join(text)))
