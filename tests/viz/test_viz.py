"""cxlib.viz: the cxlab plotly theme, chart builders, report tables and header."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from cxlib import viz

XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


IMPORT_EVERYTHING = """
import json
import plotly.io as pio

def state():
    configs = {name: dict(getattr(pio.renderers[name], "config", {}) or {}) for name in pio.renderers}
    return [pio.templates.default, pio.renderers.default, configs]

before = state()
import cxlib, cxlib.cli, cxlib.viz
from cxlib import cohorts, experiments, health, journey, ltv, reports, scorecard, voc
print(json.dumps({"same": state() == before, "registered": "cxlab" in pio.templates}))
"""


def test_importing_cxlib_changes_no_plotly_default() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"same": True, "registered": True}


def test_apply_theme_makes_cxlab_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pio.templates, "default", pio.templates.default)  # restored after the test
    notebook = pio.renderers["notebook"]
    monkeypatch.setattr(notebook, "config", dict(getattr(notebook, "config", {}) or {}))
    viz.apply_theme()
    assert pio.templates.default == viz.TEMPLATE_NAME == "cxlab"
    assert notebook.config["displaylogo"] is False and notebook.config["responsive"] is True
    layout = pio.templates["cxlab"].layout
    assert list(layout.colorway) == list(viz.PALETTE)
    assert layout.legend.orientation == "h"


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1234567, {}, "1,234,567"),
        (np.int64(12345), {}, "12,345"),
        (1234.5678, {}, "1,234.6"),
        (1234.5678, {"decimals": 2}, "1,234.57"),
        (0.1234, {"percent": True}, "12.3%"),
        (1, {"percent": True, "decimals": 0}, "100%"),
        (None, {}, "—"),
        (np.nan, {}, "—"),
        (pd.NaT, {}, "—"),
        (True, {}, "yes"),
        (pd.Timestamp("2024-03-01", tz="UTC"), {}, "2024-03-01"),
        (pd.Timestamp("2024-03-01 13:45"), {}, "2024-03-01 13:45"),
        (dt.date(2024, 1, 2), {}, "2024-01-02"),
        ("web", {}, "web"),
    ],
)
def test_format_number(value: object, kwargs: dict, expected: str) -> None:
    assert viz.format_number(value, **kwargs) == expected


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html)


def test_format_table_numbers_percentages_and_escaping() -> None:
    df = pd.DataFrame(
        {
            "channel": ["web", XSS],
            "orders": [12345, 7],
            "revenue": [1234567.891, 10.0],
            "share": [0.4567, 0.0012],
            "rating": [5.0, 3.0],
            "comment": ["mail me: a.b@example.com", None],
        }
    )
    table = viz.format_table(df, percent_cols=["share"], labels={"orders": "Orders"}, caption="Top <b>")
    html = table.data
    assert table._repr_html_() == html
    cells = _cells(html)
    assert cells[:6] == ["web", "12,345", "1,234,567.9", "45.7%", "5", "mail me: [email]"]
    assert cells[6:] == [
        "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;",
        "7",
        "10.0",
        "0.1%",
        "3",
        "—",
    ]
    assert "<script" not in html and "<b>" not in html
    assert '<th class="num">Orders</th>' in html
    assert 'class="cxlab-table-wrap"' in html  # scrolls sideways on a phone instead of the page


def test_format_table_truncates_long_tables() -> None:
    html = viz.format_table(pd.DataFrame({"n": range(120)}), max_rows=50).data
    assert len(_cells(html)) == 50
    assert "Showing 50 of 120 rows." in html


def test_bar_line_heatmap_use_theme() -> None:
    df = pd.DataFrame(
        {"day": [1, 2, 1, 2], "n": [0.1, 0.2, 0.3, 0.4], "channel": ["web", "web", "app", "app"]}
    )
    bar = viz.bar(df, x="day", y="n", color="channel", percent=True, barmode="stack", title="T")
    assert bar.layout.template.layout.colorway == pio.templates["cxlab"].layout.colorway
    assert [t.name for t in bar.data] == ["app", "web"]
    assert bar.layout.yaxis.tickformat == ".0%" and bar.layout.barmode == "stack"
    # a channel keeps its colour in every chart
    assert bar.data[1].marker.color == viz.SEGMENT_COLORS["web"]
    line = viz.line(df[df.channel == "web"], x="day", y="n", color="channel")
    assert line.data[0].line.color == viz.SEGMENT_COLORS["web"]
    horizontal = viz.bar(df.head(2), x="day", y="n", horizontal=True)
    assert horizontal.data[0].orientation == "h" and horizontal.layout.yaxis.autorange == "reversed"
    matrix = pd.DataFrame([[1.0, 0.5], [1.0, np.nan]], index=["2024-01", "2024-02"], columns=[0, 1])
    heat = viz.heatmap(matrix, title="Retention")
    assert heat.data[0].texttemplate == "%{z:.0%}"
    assert list(heat.data[0].y) == ["2024-01", "2024-02"]


def test_area_and_small_multiples() -> None:
    df = pd.DataFrame({"day": [1, 2, 1, 2], "n": [1, 2, 300, 400], "kind": ["a", "a", "b", "b"]})
    stacked = viz.area(df, x="day", y="n", color="kind")
    assert [t.stackgroup for t in stacked.data] == ["one", "one"]
    assert stacked.data[0].fillcolor == stacked.data[0].line.color
    panels = viz.small_multiples(df, x="day", y="n", facet="kind", title="Rows")
    assert len(panels.data) == 2 and panels.data[1].yaxis == "y2"  # own y axis per panel
    assert panels.layout.height == 90 + 2 * 150


def test_segment_colors_fixed_then_palette() -> None:
    colors = viz.segment_colors(["web", "zeta", "email", "zeta", "omega"])
    assert colors["web"] == viz.SEGMENT_COLORS["web"]
    assert colors["email"] == viz.SEGMENT_COLORS["email"]
    assert colors["zeta"] != colors["omega"]


def test_report_header_carries_metadata_and_escapes() -> None:
    class FakeShop:
        source = "/data/<shop>"
        fingerprint = "abc123"

    header = viz.report_header(
        "Data health",
        question="Can we trust it?",
        period=(pd.Timestamp("2024-01-01", tz="UTC"), ""),
        shop=FakeShop(),
        generated=dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC),
    )
    bundle = header._repr_mimebundle_()
    meta = bundle[viz.REPORT_META_MIME]
    assert meta["fingerprint"] == "abc123" and meta["source"] == "/data/<shop>"
    assert meta["period"] == "2024-01-01 to last record"
    html = bundle["text/html"]
    assert "<dd>&lt;shop&gt;</dd>" in html and "<shop>" not in html  # the source's name, not its path
    assert "/data/" not in html
    assert "2024-05-01 08:30 UTC" in html and "<h1>Data health</h1>" in html
    assert "<h1>" not in viz.report_header(period="Q1").html


def test_key_findings_and_note_escape() -> None:
    block = viz.key_findings(["NPS is 42.", XSS]).data
    assert block.count("<li>") == 2 and "Key findings" in block and "<script" not in block
    assert viz.key_findings([]).data.count("No findings.") == 1
    assert "&lt;b&gt;" in viz.note("<b>").data


def test_tables_and_charts_take_any_frame() -> None:
    pl = pytest.importorskip("polars")
    from cxlib.engine import duckdb_connection

    df = pd.DataFrame(
        {"day": [1, 2, 1, 2], "n": [0.1, 0.2, 0.3, 0.4], "channel": ["web", "web", "app", "app"]}
    )
    for other in (pl.from_pandas(df), pl.from_pandas(df).lazy(), duckdb_connection().from_df(df)):
        assert (
            viz.format_table(other, percent_cols=["n"]).data == viz.format_table(df, percent_cols=["n"]).data
        )
        assert viz.bar(other, x="day", y="n", color="channel") == viz.bar(df, x="day", y="n", color="channel")
        assert viz.line(other, x="day", y="n", color="channel") == viz.line(
            df, x="day", y="n", color="channel"
        )


def test_a_key_finding_is_not_restated_under_its_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 20: each finding appears once; the section below keeps only its other sentences."""
    import plotly.graph_objects as go
    from IPython import display as ipy_display

    from cxlib.viz.results import show_result

    class Sentences:
        table = pd.DataFrame({"a": [1]})

        def figure(self) -> go.Figure:
            return go.Figure()

        def summary(self) -> list[str]:
            return ["Answer first, 21 points.", "Detail the page adds.", "Second answer."]

    shown: list[str] = []
    monkeypatch.setattr(ipy_display, "display", lambda block: shown.append(str(block)))
    viz.key_findings(["Answer first, 21 points.", "Second answer."])
    viz.key_findings(["A note on what was left out."], title="What was left out")  # not a finding
    show_result(Sentences(), figure=False, table=False)
    assert len(shown) == 1
    assert "Detail the page adds." in shown[0]
    assert "Answer first" not in shown[0] and "Second answer" not in shown[0]
    # a new page's key findings replace the old ones
    viz.key_findings(["Something else."])
    shown.clear()
    show_result(Sentences(), figure=False, table=False)
    assert shown[0].count("answer") == 1 and "Answer first, 21 points." in shown[0]
