"""The cohort heatmap drawn by plotly.js in headless Chromium at a phone's 390 px width.

Its cells must stay wide enough to read their percentages (issue 20: "the cohort heatmap
switches to a readable layout").
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import plotly.io as pio
import pytest
from test_cohorts_formats import two_years_of_cohorts

from cxlib.cohorts import retention_matrix
from cxlib.viz import PLOTLY_CONFIG

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
MEASURE = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    const box = plot.getBoundingClientRect();
    const texts = Array.from(plot.querySelectorAll('.textpoint, text')).filter(t => /%$/.test(t.textContent));
    return {cell: plot._fullLayout.xaxis._length / plot.data[0].x.length, right: box.right,
            page: document.documentElement.scrollWidth,
            font: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize))),
            widest: Math.max(...texts.map(t => t.getBBox().width)), texts: texts.length};
}"""


def test_cohort_heatmap_cells_hold_their_text_at_390_px(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    fig = retention_matrix(two_years_of_cohorts(), fast_path=False, observed_until="2024-12-31").figure()
    page_file = tmp_path / "heatmap.html"
    chart = pio.to_html(fig, full_html=False, include_plotlyjs=True, config=PLOTLY_CONFIG)
    page_file.write_text(  # the report's phone padding (0.7 rem of 15 px on each side)
        '<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<body style="margin:0;padding:0 11px">{chart}</body>',
        encoding="utf-8",
    )

    def measure() -> dict[str, float]:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(page_file.as_uri())
            page.wait_for_function("() => document.querySelector('.js-plotly-plot svg.main-svg')")
            found: dict[str, float] = page.evaluate(MEASURE)
            browser.close()
        return found

    # Playwright's sync API refuses a thread whose event loop is running (the browser tests'
    # session-wide Playwright): measure in a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        found = pool.submit(measure).result()
    assert found["page"] <= 390 and found["right"] <= 390, found
    assert found["texts"] > 100 and found["font"] >= 10, found
    assert found["cell"] >= found["widest"] + 4, found  # every percentage fits inside its cell
    assert found["cell"] >= 28, found
