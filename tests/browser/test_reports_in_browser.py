"""Generated reports in headless Chromium: charts drawn, no errors, offline, no script injection."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cxlib.reports import find_notebooks

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = [p.stem for p in find_notebooks(None, REPO / "notebooks")]


def _page(reports: Any, name: str) -> Path:
    """The page of notebook ``name``: its own, or its first experiment's (06 writes one per experiment)."""
    pages = sorted(page for page in reports.files if page == name or page.startswith(f"{name}-"))
    assert pages, f"{name} has no report"
    return reports.out / f"{pages[0]}.html"


XSS_TEXT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'

pytestmark = [pytest.mark.browser, pytest.mark.slow]
MAX_REPORT_BYTES = 1_500_000
MAX_FOLDER_BYTES = 10_000_000

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
    # one page per notebook, or one per experiment for the A/B notebook (the shop holds several)
    assert sorted({page.split("-", 1)[0] for page in reports.files}) == sorted(NOTEBOOKS)
    assert all(_page(reports, name).exists() for name in NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_report_draws_charts_offline_without_errors(name: str, visit: Any, reports: Any) -> None:
    path = _page(reports, name)
    assert path.exists(), f"{name} has no report"
    page_visit = visit(path)
    page = page_visit.page
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    assert page.evaluate("document.querySelectorAll('.plotly svg, svg.main-svg').length") > 0
    assert page.evaluate("window.__pwned") is None
    assert page.locator("text=Key findings").count() >= 1
    assert (
        page.evaluate(
            "document.querySelectorAll('.jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, "
            ".jp-InputPrompt').length"
        )
        == 0
    )  # no code
    # phone width: nothing wider than the screen; charts re-layout to fit
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " Math.max(...Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => "
        "d.getBoundingClientRect().right))]"
    )
    assert widths[0] <= widths[1] + 1, f"page scrolls sideways on a phone: {widths}"
    assert widths[2] <= widths[1] + 1, f"a chart is wider than a phone screen: {widths}"
    modebars = (
        "Array.from(document.querySelectorAll('.modebar-container')).filter(e => e.offsetWidth > 0).length"
    )
    assert page.evaluate(modebars) == 0, "chart mode bars shown on a phone"
    _clean(page_visit)
    assert path.stat().st_size <= MAX_REPORT_BYTES


TOC_TARGETS = """() => Array.from(document.querySelectorAll('.cxlab-toc a[href^="#"]')).map(a => [
    a.getAttribute('href'),
    !!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))])"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_toc_links_resolve_and_neighbours_exist(name: str, visit: Any, reports: Any) -> None:
    page_visit = visit(_page(reports, name))
    page = page_visit.page
    targets = page.evaluate(TOC_TARGETS)
    assert len(targets) >= 2, f"{name}: no table of contents"
    assert all(found for _, found in targets), f"{name}: TOC links without a target: {targets}"
    assert targets[0][0] == "#key-findings"
    for rel in ("prev", "next"):
        for href in page.eval_on_selector_all(
            f'a[rel="{rel}"]', "els => els.map(e => e.getAttribute('href'))"
        ):
            assert (reports.out / href).is_file(), href
    glossary = page.locator('.cxlab-help a[href^="glossary.html#"]').first.get_attribute("href")
    assert (reports.out / glossary.split("#")[0]).is_file()
    anchor = glossary.split("#")[1]
    assert f'id="{anchor}"' in (reports.out / "glossary.html").read_text()
    _clean(page_visit)


def test_page_weights(reports: Any) -> None:
    pages = {name: (reports.out / f"{name}.html").stat().st_size for name in reports.files}
    heavy = {name: size for name, size in pages.items() if size > MAX_REPORT_BYTES}
    assert not heavy, f"reports over 1.5 MB: {heavy}"
    libraries = list(reports.out.glob("plotly-*.min.js"))
    assert len(libraries) == 1  # plotly.js once per folder
    total = sum(pages.values()) + libraries[0].stat().st_size
    assert total <= MAX_FOLDER_BYTES, f"the reports weigh {total / 1e6:.1f} MB together"
    for name in reports.files:
        assert "plotly.js v" not in (reports.out / f"{name}.html").read_text()[:2_000_000]


PRINT_WIDTHS = """() => [document.documentElement.scrollWidth, window.innerWidth,
    Array.from(document.querySelectorAll('.modebar-container, .cxlab-topnav, .cxlab-toc'))
        .filter(e => getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0).length,
    Array.from(document.querySelectorAll('.cxlab-table-wrap'))
        .filter(w => w.scrollWidth > w.clientWidth + 1
            || getComputedStyle(w).overflowX !== 'visible').length]"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_print_is_a4_portrait_and_nothing_sticks_out(
    name: str, visit: Any, reports: Any, tmp_path: Path
) -> None:
    page_visit = visit(_page(reports, name), width=1200)
    page = page_visit.page
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf.read_bytes())
    assert boxes, "no pages in the PDF"
    for width, height in boxes:  # A4 portrait: 595 x 842 pt
        assert abs(float(width) - 595.3) < 2 and abs(float(height) - 841.9) < 2, (width, height)
    # the page as printed at the A4 text width (210 mm - 2 x 12 mm margins = 703 px): no sideways overflow,
    # no mode bar, no navigation
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 703, "height": 1000})
    page.wait_for_timeout(400)
    scroll, inner, chrome, clipped = page.evaluate(PRINT_WIDTHS)
    assert scroll <= inner + 1, f"{name}: printed page wider than the paper ({scroll} > {inner})"
    assert chrome == 0, f"{name}: navigation or chart mode bar printed"
    # a table box that still scrolls on paper would cut its columns off
    assert clipped == 0, f"{name}: {clipped} table(s) would be clipped in print"
    _clean(page_visit)


def test_feedback_text_appears_as_text_and_never_runs(visit: Any, reports: Any) -> None:
    page_visit = visit(reports.out / "00_data_health.html")
    page = page_visit.page
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert XSS_TEXT in page.evaluate("document.body.innerText")
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    _clean(page_visit)


HEADLINES = """card => Array.from(card.querySelectorAll('.cxlab-hl')).map(h => ({
    label: h.querySelector('.cxlab-hl-label').textContent,
    value: h.querySelector('.cxlab-hl-value').textContent,
    verdict: h.dataset.verdict,
    visible: h.getBoundingClientRect().width > 0}))"""


@pytest.mark.parametrize("width", [1400, 390])
def test_index_is_an_executive_summary(width: int, visit: Any, reports: Any) -> None:
    page_visit = visit(reports.out / "index.html", width=width)
    page = page_visit.page
    cards = page.locator("li.cxlab-card")
    assert cards.count() == len(reports.files)  # a card per page (one per experiment for 06)
    verdicts = {"", "better", "worse", "no clear change", "needs attention"}
    for name in reports.files:
        card = page.locator(f"#report-{name}")
        assert card.get_attribute("data-status") == "ok"
        shown = card.evaluate(HEADLINES)
        assert 1 <= len(shown) <= 3, f"{name}: {len(shown)} headline numbers on the index"
        for cell in shown:
            assert cell["label"].strip() and cell["value"].strip() and cell["visible"], (name, cell)
            assert cell["verdict"] in verdicts, (name, cell)
            assert not re.search(r"\b(nan|None|inf)\b", cell["value"]), (name, cell)
        # run metadata is folded away until asked for
        details = card.locator("details.cxlab-run")
        assert details.get_attribute("open") is None
        assert "Fingerprint" not in card.inner_text()
        details.locator("summary").click()
        text = card.inner_text()
        for label in ("Run at", "Duration", "Parameters", "Fingerprint", "cxlib", "Commit", "Size"):
            assert label in text, (name, label)
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
