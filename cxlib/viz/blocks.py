"""Report blocks: formatted tables, the report header, key findings and notes (HTML).

Everything that may hold data or customer text is escaped and PII-masked
(:func:`cxlib.privacy.safe_text`).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxlib._types import Frame
from cxlib.data.coverage import coverage_sentence
from cxlib.privacy import safe_text
from cxlib.viz.charts import _pandas
from cxlib.viz.formats import source_name

__all__ = [
    "REPORT_CSS",
    "REPORT_META_MIME",
    "HTMLBlock",
    "ReportHeader",
    "format_number",
    "format_table",
    "fresh_sentences",
    "key_findings",
    "note",
    "report_header",
]

#: Mimetype of the machine-readable report metadata that :func:`report_header` emits;
#: ``cxlab run`` reads it from the executed notebook (title, period, data fingerprint).
REPORT_META_MIME = "application/vnd.cxlab.report+json"


def format_number(value: Any, *, percent: bool = False, decimals: int | None = None) -> str:
    """Format one value for a report table.

    Integers get thousands separators (``12,345``), floats too (1 decimal unless
    ``decimals``), shares in [0, 1] become percentages with ``percent=True`` (``12.3%``),
    timestamps become ``YYYY-MM-DD`` (plus ``HH:MM`` when not midnight), missing values
    ``—`` (also when they arrive as the text ``nan``, ``None``, ``<NA>`` or ``NaT``). Anything
    else is returned as text (not escaped; :func:`format_table` escapes).
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return "—"
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if percent and isinstance(value, (int, float, np.integer, np.floating)):
        return f"{float(value) * 100:,.{1 if decimals is None else decimals}f}%"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):,.{1 if decimals is None else decimals}f}"
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    # a missing value that was turned into text upstream (astype(str), f"{nan}") reads "—" too
    return "—" if text.strip().lower() in _MISSING_TEXTS else text


_MISSING_TEXTS = frozenset({"nan", "-nan", "none", "<na>", "nat", "null"})


class HTMLBlock:
    """A piece of report HTML; displays itself in notebooks (``_repr_html_``)."""

    def __init__(self, html_text: str) -> None:
        self.data = html_text

    def _repr_html_(self) -> str:
        return self.data

    def __str__(self) -> str:
        return self.data


def format_table(
    df: Frame,
    *,
    percent_cols: Sequence[str] = (),
    decimals: Mapping[str, int] | int | None = None,
    labels: Mapping[str, str] | None = None,
    caption: str | None = None,
    index: bool = False,
    max_rows: int | None = 50,
) -> HTMLBlock:
    """Format a report table: formatted numbers, escaped and PII-masked text, phone-friendly.

    Parameters
    ----------
    df : Frame
        Any small table (aggregates, not raw data): pandas, polars, DuckDB, Spark (collected to
        pandas).
    percent_cols : sequence of str
        Columns holding shares in [0, 1], shown as percentages.
    decimals : int or mapping, optional
        Decimals for float (and percent) columns, globally or per column.
    labels : mapping, optional
        Column headings by column name.
    caption : str, optional
    index : bool, default False
        Show the index as the first column.
    max_rows : int, optional
        Show at most this many rows and say how many were left out.

    Returns
    -------
    HTMLBlock
        ``.data`` is the HTML; displaying it in a notebook renders the table.
    """
    labels = dict(labels or {})
    frame = _pandas(df)
    table = frame.reset_index() if index else frame
    shown = table if max_rows is None else table.head(max_rows)
    numeric = {
        c
        for c in table.columns
        if pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
    }

    def n_decimals(column: Any) -> int | None:
        chosen = decimals.get(column) if isinstance(decimals, Mapping) else decimals
        if chosen is None and column in numeric and column not in percent_cols:
            values = pd.to_numeric(table[column], errors="coerce").dropna()
            if (
                pd.api.types.is_float_dtype(table[column])
                and len(values)
                and bool((values == values.round()).all())
            ):
                return 0
        return chosen

    head = "".join(
        f'<th class="{"num" if c in numeric else "txt"}">{safe_text(labels.get(c, c))}</th>'
        for c in table.columns
    )
    columns_html = []
    for column in table.columns:
        is_pct = column in percent_cols
        cells = [
            safe_text(format_number(v, percent=is_pct, decimals=n_decimals(column)))
            for v in shown[column].tolist()
        ]
        columns_html.append((column, cells))
    rows = []
    for i in range(len(shown)):
        tds = "".join(
            f'<td class="{"num" if column in numeric else "txt"}">{cells[i]}</td>'
            for column, cells in columns_html
        )
        rows.append(f"<tr>{tds}</tr>")
    more = ""
    if max_rows is not None and len(table) > max_rows:
        more = f'<p class="cxlab-table-more">Showing {max_rows:,} of {len(table):,} rows.</p>'
    cap = f"<caption>{safe_text(caption)}</caption>" if caption else ""
    return HTMLBlock(
        f'<div class="cxlab-table-wrap"><table class="cxlab-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{more}</div>"
    )


#: Styles for report blocks; included with the header so plain nbconvert exports look right.
REPORT_CSS = """
.cxlab-header{border-bottom:3px solid #0072B2;padding:0 0 .6rem;margin:0 0 1rem}
.cxlab-header h1{font-size:1.6rem;line-height:1.25;margin:0 0 .4rem;color:#1f2933}
.cxlab-header .cxlab-question{font-size:1rem;color:#3e4c59;margin:0 0 .5rem}
.cxlab-header dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0;
  font-size:.9rem;color:#52606d}
.cxlab-header dt{font-weight:600}.cxlab-header dd{margin:0;overflow-wrap:anywhere}
.cxlab-findings{background:#f0f7fc;border-left:4px solid #0072B2;padding:.6rem 1rem;margin:0 0 1rem;
  border-radius:4px}
.cxlab-findings h2{font-size:1.15rem;margin:.2rem 0 .4rem}
.cxlab-findings ul{margin:0;padding-left:1.2rem}.cxlab-findings li{margin:.2rem 0}
.cxlab-stat{font-size:.82em;color:#616e7c;white-space:normal}
.cxlab-note{color:#3e4c59;font-size:.95rem;margin:.3rem 0 1rem}
.cxlab-table-wrap{overflow-x:auto;max-width:100%;margin:.4rem 0 1rem}
table.cxlab-table{border-collapse:collapse;font-size:.88rem;font-variant-numeric:tabular-nums}
table.cxlab-table caption{text-align:left;font-weight:600;padding:.2rem 0}
table.cxlab-table th,table.cxlab-table td{padding:.3rem .6rem;border-bottom:1px solid #e4e7eb;
  white-space:nowrap}
table.cxlab-table td.txt{white-space:normal;min-width:6rem}
table.cxlab-table th{background:#f5f7fa;font-weight:600}
table.cxlab-table tr>:first-child{position:sticky;left:0;z-index:1;background:#fff;box-shadow:1px 0 0 #e4e7eb}
table.cxlab-table thead tr>:first-child{background:#f5f7fa}
table.cxlab-table .txt{text-align:left}table.cxlab-table .num{text-align:right}
.cxlab-table-more{font-size:.8rem;color:#616e7c}
@media (max-width:600px){.cxlab-header h1{font-size:1.3rem}table.cxlab-table{font-size:.8rem}}
"""


class ReportHeader:
    """Report header block; displays as HTML and carries machine-readable metadata."""

    def __init__(self, html_text: str, meta: dict[str, Any]) -> None:
        self.html = html_text
        self.meta = meta

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.html, REPORT_META_MIME: self.meta}

    def _repr_html_(self) -> str:
        return self.html


def _period_text(start: Any, end: Any) -> str | None:
    def text(value: Any) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        if isinstance(value, str):
            return value.strip()
        return pd.Timestamp(value).strftime("%Y-%m-%d")

    a, b = text(start), text(end)
    if not a and not b:
        return None
    return f"{a or 'first record'} to {b or 'last record'}"


def report_header(
    title: str | None = None,
    *,
    question: str | None = None,
    period: tuple[Any, Any] | str | None = None,
    source: str | None = None,
    fingerprint: str | None = None,
    shop: Any = None,
    tables: Sequence[str] | None = None,
    generated: dt.datetime | None = None,
) -> ReportHeader:
    """Build the header every report starts with: title, question, period, data source, time.

    Parameters
    ----------
    title : str, optional
        Report title; leave it out when the notebook's first Markdown cell already shows
        it (the header then shows the facts below the title).
    question : str, optional
        The question the report answers, in one sentence.
    period : (start, end) or str, optional
        The period analysed (timestamps, dates or text; empty ends mean open).
    source : str, optional
        Data source description. Default: ``shop.source``.
    fingerprint : str, optional
        Data fingerprint. Default: ``shop.fingerprint``.
    shop : cxlib Shop, optional
        Supplies source, fingerprint and the data coverage: per table rows read, kept and
        left out with the reasons (``Shop.coverage``), with a link to the data-health report.
    tables : sequence of str, optional
        The tables the report reads (:func:`cxlib.reports.tables_read` of the notebook's
        name, the list its index card counts): the coverage names only these. Default: every
        table of the shop.
    generated : datetime, optional
        Generation time; default now (UTC).

    Returns
    -------
    ReportHeader
        Display it (last expression of a cell). Besides the HTML it carries
        ``application/vnd.cxlab.report+json`` metadata that ``cxlab run`` reads.
    """
    coverage: tuple[Any, ...] = ()
    if shop is not None:
        source = source if source is not None else getattr(shop, "source", None)
        fingerprint = fingerprint if fingerprint is not None else getattr(shop, "fingerprint", None)
        coverage = tuple(getattr(shop, "coverage", ()) or ())
    if tables is not None:
        read = set(tables)
        coverage = tuple(c for c in coverage if c.table in read)
    generated = generated or dt.datetime.now(dt.UTC)
    period_text = _period_text(*period) if isinstance(period, tuple) else period
    items = [
        ("Period", period_text),
        ("Data source", source_name(source) if source else None),  # its name, never a server path
        ("Data coverage", "; ".join(coverage_sentence(c) for c in coverage) if coverage else None),
        (
            "Generated",
            generated.strftime("%Y-%m-%d %H:%M UTC")
            if generated.tzinfo
            else generated.strftime("%Y-%m-%d %H:%M"),
        ),
    ]
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{safe_text(v)}</dd>" for k, v in items if v)
    if any(c.left_out for c in coverage):
        rows += (
            '<dt>Rows left out</dt><dd>See the <a href="00_data_health.html">data health report</a> '
            "for the rows and how to fix them.</dd>"
        )
    q = f'<p class="cxlab-question">{safe_text(question)}</p>' if question else ""
    h1 = f"<h1>{safe_text(title)}</h1>" if title else ""
    markup = f'<style>{REPORT_CSS}</style><header class="cxlab-header">{h1}{q}<dl>{rows}</dl></header>'

    meta = {
        "title": title,
        "question": question,
        "period": period_text,
        "source": source,
        "fingerprint": fingerprint,
        "generated": generated.isoformat(),
        "coverage": [
            {
                "table": c.table,
                "rows_read": c.rows_read,
                "rows_kept": c.rows_kept,
                "left_out": {item.reason: item.n_rows for item in c.left_out},
                **({"filtered": c.filtered} if c.filtered else {}),
                **({"rolled_up": c.rolled_up} if c.rolled_up is not None else {}),
            }
            for c in coverage
        ],
    }
    return ReportHeader(markup, meta)


#: The sentences of the page's "Key findings" block: results shown further down leave them
#: out (:func:`fresh_sentences`), so that each finding appears once on the page.
_KEY_FINDINGS: set[str] = set()


def key_findings(findings: Iterable[str], *, title: str = "Key findings") -> HTMLBlock:
    """Build the "Key findings" block at the top of a report.

    Parameters
    ----------
    findings : iterable of str
        Plain-text sentences computed from the results (escaped and PII-masked here).
    title : str, default "Key findings"
        A block with the default title is the page's key findings: its sentences are not
        repeated under the results shown later (:func:`fresh_sentences`); blocks with another
        title (notes such as "What was left out") are not remembered.

    Returns
    -------
    HTMLBlock
    """
    findings = list(findings)
    if title == "Key findings":
        _KEY_FINDINGS.clear()
        _KEY_FINDINGS.update(findings)
    items = "".join(f"<li>{_small_print(safe_text(f))}</li>" for f in findings) or "<li>No findings.</li>"
    return HTMLBlock(
        f'<section class="cxlab-findings"><h2 id="{_anchor(title)}">{html.escape(title)}</h2>'
        f"<ul>{items}</ul></section>"
    )


#: A bracket holding statistics: an interval, a p-value or a test name with its numbers.
_STATISTICS = re.compile(r"\((?=[^()]*(?:\bCI\b|\bp (?:=|&lt;)|\bp-value|adjusted p))([^()]*)\)")


def fresh_sentences(sentences: Iterable[str]) -> list[str]:
    """Return the sentences that the page's "Key findings" block has not already shown.

    Parameters
    ----------
    sentences : iterable of str
        A result's summary sentences.

    Returns
    -------
    list of str
        The same sentences in the same order, without those of the latest
        :func:`key_findings` block titled "Key findings".
    """
    return [s for s in sentences if s not in _KEY_FINDINGS]


def _small_print(sentence: str) -> str:
    """Set the statistics in brackets of an escaped sentence in small print (answer first)."""
    return _STATISTICS.sub(r'<small class="cxlab-stat">(\1)</small>', sentence)


def _anchor(title: str) -> str:
    """Anchor of a block heading, for the report's table of contents (``key-findings``)."""
    slug = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())
    return html.escape(slug or "findings")


def note(text: str) -> HTMLBlock:
    """Build a short interpretation paragraph under a chart (plain text; escaped and masked)."""
    return HTMLBlock(f'<p class="cxlab-note">{safe_text(text)}</p>')
