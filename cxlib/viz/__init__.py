"""One plotly theme and the shared chart and table builders of cxlab reports.

Importing this module registers the plotly template ``"cxlab"`` (figures name it) and changes
no global plotly setting; notebooks call :func:`apply_theme` once so that every chart in a
report looks the same. Builders return plain ``plotly.graph_objects``
figures; tables come back as HTML (thousands separators, percentages, customer text
escaped and PII-masked) that render the same in JupyterLab and in exported reports, and
stay readable on a phone-width screen.

* :mod:`cxlib.viz.theme` — palette, segment colours, the template;
* :mod:`cxlib.viz.charts` — ``bar``, ``line``, ``area``, ``small_multiples``, ``heatmap``;
* :mod:`cxlib.viz.blocks` — ``format_table``, ``report_header``, ``key_findings``, ``note``;
* :mod:`cxlib.viz.formats` — one style for counts, shares, money, intervals, p-values, plurals
  and language names.
"""

from __future__ import annotations

from cxlib.viz.blocks import (
    REPORT_CSS,
    REPORT_META_MIME,
    HTMLBlock,
    ReportHeader,
    format_number,
    format_table,
    key_findings,
    note,
    report_header,
)
from cxlib.viz.charts import area, bar, heatmap, line, small_multiples
from cxlib.viz.formats import (
    event_label,
    format_count,
    format_interval,
    format_money,
    format_p,
    format_percent,
    format_signed,
    language_name,
    parse_labels,
    plural,
    set_labels,
)
from cxlib.viz.theme import (
    PALETTE,
    PLOTLY_CONFIG,
    SEGMENT_COLORS,
    SEQUENTIAL,
    TEMPLATE,
    TEMPLATE_NAME,
    apply_theme,
    segment_colors,
)

__all__ = [
    "PALETTE",
    "PLOTLY_CONFIG",
    "REPORT_CSS",
    "REPORT_META_MIME",
    "SEGMENT_COLORS",
    "SEQUENTIAL",
    "TEMPLATE",
    "TEMPLATE_NAME",
    "HTMLBlock",
    "ReportHeader",
    "apply_theme",
    "area",
    "bar",
    "event_label",
    "format_count",
    "format_interval",
    "format_money",
    "format_number",
    "format_p",
    "format_percent",
    "format_signed",
    "format_table",
    "heatmap",
    "key_findings",
    "language_name",
    "line",
    "note",
    "parse_labels",
    "plural",
    "report_header",
    "segment_colors",
    "set_labels",
    "small_multiples",
]
