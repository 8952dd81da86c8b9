"""From export files on disk to a rendered report: every preset, end to end.

A folder holding the four export fixtures (Shopify orders CSV, GA4 JSON lines, a survey
export, a review export) and a four-line ``mapping.yaml`` is rendered with ``cxlab run``'s
engine into the data-health report, which shows every table. The report must count what the
exports hold and show no raw e-mail address or phone number, nor any markup from customer
text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cxlib.reports import run
from tests.data.exports import reference as ref

MAPPING = "orders: shopify_orders\nevents: ga4_events\nsurveys: survey_export\nfeedback: review_export\n"


@pytest.mark.notebooks
def test_every_preset_renders_into_the_data_health_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXLAB_SALT", "report-test-salt")
    data = tmp_path / "exports"
    data.mkdir()
    for path in (ref.SHOPIFY, *ref.GA4, ref.SURVEY, ref.REVIEWS):
        shutil.copy(path, data / path.name)
    (data / "mapping.yaml").write_text(MAPPING)
    out = tmp_path / "reports"

    summary = run(["00_data_health"], data=data, out=out, progress=False)

    assert summary.ok, summary.results[0].failure
    page = out / "00_data_health.html"
    html = page.read_text(encoding="utf-8")
    # 84 Shopify orders less 2 cancelled; 182 GA4 events; 64 respondents -> 117 answers; 48 reviews
    for counted in ("events 182 rows", "orders 82 rows", "surveys 117 rows", "feedback 48 rows"):
        assert counted in html
    assert "mapping: mapping.yaml" in html
    leaked = [c for c in ref.raw_contacts() if c in html]
    assert not leaked, f"raw contacts in the report: {leaked[:3]}"
    assert (
        "&lt;img src=x onerror=alert(1)&gt; the throw" in html and "<img src=x" not in html
    )  # shown, escaped
    assert page.stat().st_size < 6_000_000
