"""Generated reports in headless Chromium: charts drawn, no errors, offline, no script injection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxlib.reports import find_notebooks

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = [p.stem for p in find_notebooks(None, REPO / "notebooks")]
XSS_TEXT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHARTS_DRAWN = """() => {
    const divs = Array.from(document.querySelectorAll('.plotly-graph-div'));
    return divs.length > 0 && divs.every(d => d.querySelector('svg.main-svg'));
}"""


def _clean(visit: Any) -> None:
    assert visit.page_errors == [], f"JavaScript errors: {visit.page_errors}"
    assert visit.console_errors == [], f"console errors: {visit.console_errors}"
    assert visit.remote_requests == [], f"network requests from a report: {visit.remote_requests}"


def test_every_notebook_produced_a_report(reports: Any) -> None:
    failed = {r.name: r.failure.message for r in reports.summary.results if not r.ok}
    assert not failed, f"notebooks failed: {failed}"
    assert sorted(reports.files) == sorted(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_report_draws_charts_offline_without_errors(name: str, visit: Any, reports: Any) -> None:
    path = reports.out / f"{name}.html"
    assert path.exists(), f"{name} has no report"
    page_visit = visit(path)
    page = page_visit.page
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    assert page.evaluate("document.querySelectorAll('.plotly svg, svg.main-svg').length") > 0
    assert page.evaluate("window.__pwned") is None
    assert page.locator("text=Key findings").count() >= 1
    assert (
        page.evaluate(
            "document.querySelectorAll('.jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .jp-InputPrompt').length"
        )
        == 0
    )  # no code
    # phone width: nothing wider than the screen; charts re-layout to fit
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " Math.max(...Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => d.getBoundingClientRect().right))]"
    )
    assert widths[0] <= widths[1] + 1, f"page scrolls sideways on a phone: {widths}"
    assert widths[2] <= widths[1] + 1, f"a chart is wider than a phone screen: {widths}"
    _clean(page_visit)
    assert path.stat().st_size <= 6_000_000


def test_feedback_text_appears_as_text_and_never_runs(visit: Any, reports: Any) -> None:
    page_visit = visit(reports.out / "00_data_health.html")
    page = page_visit.page
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert XSS_TEXT in page.evaluate("document.body.innerText")
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    _clean(page_visit)


def test_index_lists_every_report(visit: Any, reports: Any) -> None:
    page_visit = visit(reports.out / "index.html", width=390)
    page = page_visit.page
    cards = page.locator("li.cxlab-card")
    assert cards.count() == len(NOTEBOOKS)
    for name in NOTEBOOKS:
        card = page.locator(f"#report-{name}")
        assert card.get_attribute("data-status") == "ok"
        text = card.inner_text()
        for label in ("Run at", "Duration", "Parameters", "Fingerprint", "cxlib", "Commit"):
            assert label in text
        href = card.locator("h2 a").get_attribute("href")
        assert (reports.out / href).is_file()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _clean(page_visit)


def test_error_page(visit: Any, reports: Any) -> None:
    assert reports.error_summary.exit_code == 1
    page_visit = visit(reports.error_out / "00_data_health.error.html", width=390)
    text = page_visit.page.evaluate("document.body.innerText")
    assert "Report failed: Data health" in text
    assert "Load and validate the shop tables" in text and "no_such_shop" in text
    index = visit(reports.error_out / "index.html").page.evaluate("document.body.innerText")
    assert "1 report, 1 failed." in index
    _clean(page_visit)
