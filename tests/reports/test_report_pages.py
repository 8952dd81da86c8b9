"""Report pages without running notebooks: headlines, plotly.js once per folder, index, glossary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from cxlib.reports import headline, headlines
from cxlib.reports.assets import plotly_js_name, strip_plotly_js, write_plotly_js
from cxlib.reports.execute import _report_meta
from cxlib.reports.glossary import GLOSSARY, PAGE_TERMS, glossary_markdown, help_box, write_glossary
from cxlib.reports.headline_numbers import HEADLINES_MIME, VERDICTS, Headline, headline_cards
from cxlib.reports.html import export_report, index_page, notebook_question, page_links, source_name
from cxlib.reports.scrub import mask_html

REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- headlines


def test_headline_formats_value_change_and_arrow() -> None:
    h = headline("NPS", 42.0, unit="points", verdict="better", change=3.46, previous="2026-Q2")
    assert (h.value, h.change, h.direction, h.verdict) == ("42 points", "+3.5 points", "up", "better")
    down = headline("CSAT", "55.3%", verdict="worse", change=-8.44, change_unit="points")
    assert (down.value, down.change, down.direction) == ("55.3%", "−8.4 points", "down")
    # a change that rounds to zero is flat, not a tiny arrow up
    flat = headline("CES", 3.29, decimals=2, verdict="no clear change", change=0.001)
    assert (flat.value, flat.change, flat.direction) == ("3.29", "0.00", "flat")
    share = headline("Repeat rate", 31.25, unit="%", verdict="needs attention", change=-1.2, change_unit="pp")
    assert (share.value, share.change) == ("31.2%", "−1.2 pp")
    assert headline("Customers", 12345, verdict="better").value == "12,345"
    assert headline("Loss", -0.04, decimals=1, verdict="better").value == "0.0"  # no "−0.0"
    assert headline("x", 1, verdict="better", change="twice as many", direction="up").direction == "up"
    assert headline("x", 1, verdict="better").direction is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"verdict": "great"}, "verdict must be one of"),
        ({"verdict": "better", "direction": "sideways", "change": "a"}, "direction must be"),
    ],
)
def test_headline_refuses_unknown_words(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        headline("NPS", 1, **kwargs)


def test_headline_refuses_values_that_are_not_numbers() -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        headline("NPS", float("nan"), verdict="better")
    with pytest.raises(ValueError, match="must be a number or a text"):
        headline("NPS", [1], verdict="better")


def test_headlines_travel_from_notebook_output_to_the_record() -> None:
    shown = headlines(
        headline("NPS", 21, verdict="no clear change", change=8, change_unit="points"),
        [headline("CSAT", "55.3%", verdict="worse")],
    )
    bundle = shown._repr_mimebundle_()
    assert 'data-verdict="worse"' in bundle["text/html"]
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data=json.loads(json.dumps(bundle)))]
    later = nbformat.v4.new_code_cell("y")
    later.outputs = [
        nbformat.v4.new_output("display_data", data=headline("AOV", 66, verdict="better")._repr_mimebundle_())
    ]
    nb.cells = [cell, later]
    meta = _report_meta(nb)
    assert [h["label"] for h in meta["headlines"]] == ["NPS", "CSAT", "AOV"]
    assert meta["headlines"][0] == {
        "label": "NPS",
        "value": "21",
        "verdict": "no clear change",
        "change": "+8 points",
        "direction": "up",
        "previous": None,
        "note": None,
    }
    assert HEADLINES_MIME in bundle


def test_headline_cards_escape_and_skip_broken_entries() -> None:
    cards = headline_cards(
        [
            {"label": "<b>NPS</b>", "value": "jane@example.com", "verdict": "bogus", "direction": "up"},
            {"value": "no label"},
            "not even a mapping",
        ]
    )
    assert "<b>NPS" not in cards and "&lt;b&gt;NPS" in cards and "jane@example.com" not in cards
    assert cards.count('class="cxlab-hl ') == 1 and 'data-verdict=""' in cards  # unknown word: none
    assert "cxlab-hl-verdict" not in cards
    assert headline_cards([]) == ""
    many = [Headline(str(i), str(i), "better") for i in range(5)]
    assert headline_cards(many, limit=3).count('class="cxlab-hl ') == 3
    for verdict, css in VERDICTS.items():
        assert f'class="cxlab-hl {css}"' in headline_cards([Headline("a", "1", verdict)])


# --------------------------------------------------------------------------- plotly.js once


PLOTLY_OUTPUT = (
    "<script type=\"text/javascript\">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
    '<script type="text/javascript">/**\n* plotly.js v4.1.1\n* Copyright 2012-2026, Plotly, Inc.\n*/\n'
    "var a = 1 < 2 && '<div>';\n</script>\n"
)


def test_strip_plotly_js_removes_only_the_library() -> None:
    stripped, removed = strip_plotly_js(
        PLOTLY_OUTPUT + '<div id="x"></div><script>Plotly.newPlot("x")</script>'
    )
    assert removed and "plotly.js v4" not in stripped and "var a = 1" not in stripped
    assert "window.PlotlyConfig" in stripped and 'Plotly.newPlot("x")' in stripped
    assert strip_plotly_js("<p>no charts</p>") == ("<p>no charts</p>", False)
    unterminated = "<script>/** plotly.js v4.1.1 */ var a"
    assert strip_plotly_js(unterminated) == (unterminated, False)


def test_plotly_js_written_once_and_scrub_leaves_it_alone(tmp_path: Path) -> None:
    path = write_plotly_js(tmp_path)
    assert path.name == plotly_js_name() and path.stat().st_size > 2_000_000
    before = path.stat().st_mtime_ns
    assert write_plotly_js(tmp_path).stat().st_mtime_ns == before  # not rewritten
    # the page only carries a relative script tag, which the scrubber keeps as it is
    page = f'<html><head><script charset="utf-8" src="{plotly_js_name()}"></script></head></html>'
    assert mask_html(page) == page


NEW_PLOT = '<script>Plotly.newPlot("c1")</script>'


def _chart_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    title = nbformat.v4.new_markdown_cell("# Bars\n\n**Question:** how many\nbars are there?\n\nMore text.")
    section = nbformat.v4.new_markdown_cell("## First section\n\nText.")
    chart = nbformat.v4.new_code_cell("fig.show()")
    chart.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": PLOTLY_OUTPUT}),
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": f'<div class="plotly-graph-div" id="c1"></div>{NEW_PLOT}'},
        ),
    ]
    second = nbformat.v4.new_markdown_cell("## Second, with <b>markup</b> & more")
    nb.cells = [title, section, chart, second]
    return nb


def test_export_report_links_plotly_toc_neighbours_and_help() -> None:
    nb = _chart_notebook()
    links = page_links("b", {"a": "Alpha", "b": "Bars", "c": "Gamma"})
    page = export_report(nb, title="Bars", run={"parameters": {"n": 3}}, **links)
    assert "plotly.js v4" not in page and len(page) < 80_000  # no library, no Jupyter CSS
    assert re.search(rf'<script[^>]*src="{re.escape(plotly_js_name())}"', page)
    assert page.count("<script") == page.count("</script>")
    toc = re.search(r'<details class="cxlab-toc">(.*?)</details>', page, re.DOTALL)
    assert toc is not None
    anchors = re.findall(r'href="#([^"]+)"', toc.group(1))
    assert len(anchors) == 2 and all(f'id="{a}"' in page for a in anchors)
    assert "Second, with markup &amp; more" in toc.group(1)
    assert re.search(r'<a (?=[^>]*rel="prev")(?=[^>]*href="a\.html")', page)
    assert re.search(r'<a (?=[^>]*rel="next")(?=[^>]*href="c\.html")', page)
    assert "How to read this" in page and 'href="glossary.html#interval"' in page
    assert notebook_question(nb) == "how many bars are there?"
    # a page without charts does not load the library
    plain = nbformat.v4.new_notebook()
    plain.cells = [nbformat.v4.new_markdown_cell("# Plain")]
    assert plotly_js_name() not in export_report(plain, title="Plain", run={})
    first = page_links("a", {"a": "Alpha", "b": "Bars"})
    assert first["previous"] is None and first["following"] == ("b.html", "Bars")


# --------------------------------------------------------------------------- index


def _record(name: str, status: str = "ok", **extra: object) -> dict:
    return {
        "name": name,
        "title": name.title(),
        "status": status,
        "html": f"{name}.html" if status != "failed" else None,
        "started": "2026-01-01T10:00:00+00:00",
        "duration_s": 12.5,
        "parameters": {"data": "/srv/private/exports/shop-2026"},
        "source": "/srv/private/exports/shop-2026",
        "fingerprint": "abcdef0123456789ff",
        "cxlib_version": "0.1.0",
        "git_commit": "0123456789abcdef",
        "size_bytes": 345_678,
        **extra,
    }


def test_index_is_an_executive_summary() -> None:
    nps = headline("NPS", 21, verdict="worse", change=-4, change_unit="points", previous="2026-Q2")
    records = [
        _record("scorecard", headlines=[nps.to_json()] * 4, question="How is NPS moving?"),
        _record(
            "journey",
            status="skipped",
            skip={"reason": "The shop has no events table.", "add": "an events table with session_id"},
        ),
        _record("ltv", status="failed", error={"ename": "ValueError", "evalue": "bad <b>x</b>"}),
    ]
    page = index_page(records, generated="2026-01-01T11:00:00+00:00")
    assert "3 reports, 1 failed, 1 skipped (the data lack what they need)." in page
    card = re.search(
        r'<li class="cxlab-card" id="report-scorecard".*?</details></li>', page, re.DOTALL
    ).group(0)
    assert card.count('class="cxlab-hl worse"') == 3  # at most three headlines per report
    assert "▼" in card and "−4 points vs 2026-Q2" in card and "How is NPS moving?" in card
    # run metadata folds into "Run details"; the server path shows only there, as the parameter
    assert re.search(r'<details class="cxlab-run"><summary>Run details</summary>.*Fingerprint', card)
    visible = re.sub(r"<details.*?</details>", "", page, flags=re.DOTALL)
    assert "/srv/private" not in visible and "Data: shop-2026." in visible
    skipped = re.search(r'id="report-journey".*?</details></li>', page, re.DOTALL).group(0)
    assert "The shop has no events table." in skipped and "an events table with session_id" in skipped
    failed = re.search(r'id="report-ltv".*?</details></li>', page, re.DOTALL).group(0)
    assert "bad &lt;b&gt;x&lt;/b&gt;" in failed and "<b>x" not in failed
    assert "1 report, all ok." in index_page([_record("a")], generated="2026-01-01T11:00:00+00:00")
    # data coverage as the report header publishes it: rows kept and left out per table
    coverage = [
        {"table": "orders", "rows_read": 1010, "rows_kept": 1000, "left_out": {"duplicate": 7, "future": 3}},
        {"table": "surveys", "rows_read": 500, "rows_kept": 500, "left_out": {}},
    ]
    page = index_page([_record("a", coverage=coverage)], generated="2026-01-01T11:00:00+00:00")
    assert "Data: 1,500 rows used, 10 left out" in page
    page = index_page([_record("a", coverage=coverage[1:])], generated="2026-01-01T11:00:00+00:00")
    assert "Data: 500 rows used, none left out" in page


def test_report_footer_names_the_data_without_its_server_path() -> None:
    """Issue 20: every report's footer read "parameters: data=/work/wt/…/data/sample"."""
    from cxlib.reports.html import footer_html

    footer = footer_html(_record("a", finished="2026-01-01T10:01:00+00:00"))
    assert "/srv" not in footer and "private" not in footer
    assert "parameters: data=shop-2026" in footer and "all reports" in footer
    empty = footer_html({"parameters": {"n": 3, "data": ""}})
    assert "parameters: n=3, data=&quot;&quot;" in empty  # an empty parameter still reads ""


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("/work/wt/reports/data/sample", "sample"),
        ("/srv/exports/shop.duckdb", "shop.duckdb"),
        ("s3://bucket/shops/acme/?versionId=3", "acme"),
        ("C:\\exports\\acme", "acme"),
        ("unit test", "unit test"),
        ("", "—"),
        (None, "—"),
    ],
)
def test_source_name_hides_server_paths(source: str | None, name: str) -> None:
    assert source_name(source) == name


# --------------------------------------------------------------------------- glossary


def test_glossary_is_one_document(tmp_path: Path) -> None:
    assert (REPO / "docs" / "glossary.md").read_text(encoding="utf-8") == glossary_markdown()
    keys = [t.key for t in GLOSSARY]
    assert len(keys) == len(set(keys))
    for name, terms in PAGE_TERMS.items():
        assert set(terms) <= set(keys), name
        box = help_box(name)
        assert all(f'glossary.html#{k}"' in box for k in terms)
    assert {p.stem for p in (REPO / "notebooks").glob("[0-9]*.py")} <= set(PAGE_TERMS)
    page = write_glossary(tmp_path).read_text(encoding="utf-8")
    assert all(f'id="{k}"' in page for k in keys)
    # each retention-like measure has its own name
    names = {t.key: t.name for t in GLOSSARY}
    retention = [names[k] for k in ("retention-rate", "month-n-retention", "came-back", "repeat-rate")]
    assert len(set(retention)) == 4
    for term in ("CUPED", "Delta method", "Removal effect", "Holm", "Kaplan–Meier"):
        assert any(term in t.name for t in GLOSSARY), term


# --------------------------------------------------------------------------- headline builders


def test_scorecard_headlines_read_the_all_row_of_the_latest_period() -> None:
    import pandas as pd

    from cxlib.reports.report_headlines import scorecard_headlines

    rows = []
    for period, previous, (all_value, web_value), change in (
        ("2026-Q2", "2026-Q1", (13.4, 14.5), "no clear change"),
        ("2026-Q3", "2026-Q2", (-1.4, 20.9), "worse"),
    ):
        for segment, value in (("All", all_value), ("web", web_value)):
            rows.append(
                {"metric": "nps", "channel": segment, "period": period, "previous_period": previous,
                 "value": value, "difference": value - 13.4, "change": change}
            )  # fmt: skip
    rows.append(
        {"metric": "csat", "channel": "All", "period": "2026-Q3", "previous_period": "2026-Q2",
         "value": 0.553, "difference": -0.0837, "change": "better"}
    )  # fmt: skip

    class Card:
        def changes(self) -> pd.DataFrame:
            return pd.DataFrame(rows)

    nps, csat = scorecard_headlines(Card()).items
    assert (nps.label, nps.value, nps.verdict, nps.change, nps.direction) == (
        "NPS", "−1", "worse", "−15 points", "down"
    )  # fmt: skip
    assert nps.previous == "2026-Q2" and nps.note == "in 2026-Q3"
    # a share changes in percentage points, written "pp" as in the scorecard cells; "points" are NPS's
    assert (csat.value, csat.change, csat.verdict) == ("55.3%", "−8.4 pp", "better")


def test_builders_never_stop_a_report() -> None:
    from cxlib.reports.report_headlines import clv_headlines, experiment_headlines

    with pytest.warns(UserWarning, match="clv_headlines: no headline numbers"):
        assert clv_headlines(object()).items == []

    class Decision:
        verdict, primary, variant, headline = "ship", "conversion", "B", "Ship B: +1.2 points."

    (shown,) = experiment_headlines(Decision()).items
    assert (shown.value, shown.verdict, shown.label) == ("Ship: B", "better", "Decision on conversion")
    two = experiment_headlines([Decision(), Decision()]).items
    assert len(two) == 2
    runs = {"a": {"decision": Decision()}, "b": {"decision": Decision()}}  # the A/B notebook's runs
    named = experiment_headlines(runs).items
    assert [h.label for h in named] == ["a", "b"] and named[0].note == "decision on conversion"
    (single,) = experiment_headlines({"a": {"decision": Decision()}}).items
    assert single.label == "Decision on conversion" and single.note is None


def test_appendix_sections_fold_away() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("## Findings\n\nAnswer first."),
        nbformat.v4.new_markdown_cell("## Appendix: model parameters\n\nFor analysts."),
        nbformat.v4.new_markdown_cell("### Matrix\n\nDetail."),
        nbformat.v4.new_markdown_cell("## Next section\n\nBack to the story."),
        nbformat.v4.new_raw_cell("<script>window.__raw=1</script>"),
        nbformat.v4.new_markdown_cell("## Appendix B\n\nLast."),
    ]
    page = export_report(nb, title="T", run={})
    first = re.search(
        r'<details class="cxlab-appendix"><summary>Appendix: model parameters</summary>(.*?)</details>',
        page,
        re.DOTALL,
    )
    assert first is not None and "Matrix" in first.group(1) and "Back to the story" not in first.group(1)
    assert "Answer first." not in first.group(1)
    last = re.search(
        r'<details class="cxlab-appendix"><summary>Appendix B</summary>(.*?)</details>', page, re.DOTALL
    )
    assert last is not None and "Last." in last.group(1)
    assert "window.__raw" not in page  # raw cells of a notebook never reach the page


def test_journey_headline_names_the_steps_as_words() -> None:
    """Issue 20: the index card read "product_view → purchase"."""
    import pandas as pd

    from cxlib import journey
    from cxlib.reports.report_headlines import journey_headlines

    t0 = pd.Timestamp("2024-03-01 09:00", tz="UTC")
    events = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2"],
            "ts": [t0, t0 + pd.Timedelta(minutes=5), t0],
            "event": ["product_view", "purchase", "product_view"],
        }
    ).astype({"ts": "datetime64[us, UTC]"})
    flow = journey.funnel(events, ["product_view", "purchase"])
    (card,) = journey_headlines(flow).items
    assert (card.value, card.note) == ("50.0%", "product view → purchase, 2 customers")
