"""Real public exports through every notebook with their mapping alone: ok or skipped, never failed.

The samples are the committed real exports of ``tests/data/real`` (sources and licences in
its README): Olist's marketplace CSVs (orders, payments, multi-line reviews) and UCI Online
Retail's invoice lines (one day). Each folder holds its ``mapping.yaml``; nothing else is
passed. A notebook whose table is absent is skipped with its reason; a span too short for a
view is skipped with a sentence; every other notebook ends ok. The report header's coverage
is checked against an independent pandas count of the files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxlib.reports import run

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]

REAL = Path(__file__).resolve().parents[1] / "data" / "real"

EXPECTED = {
    "olist": {
        "ok": {
            "00_data_health",
            "01_cx_scorecard",
            "03_cohort_retention",
            "04_customer_lifetime_value",
            "05_voice_of_customer",
        },
        "skipped": {"02_journey_mapping", "06_ab_test"},
    },
    "online_retail": {
        "ok": {"00_data_health", "04_customer_lifetime_value"},
        "skipped": {
            "01_cx_scorecard",  # no survey answers
            "02_journey_mapping",  # no events
            "03_cohort_retention",  # one day: no complete month after anybody's first order
            "05_voice_of_customer",  # no customer texts
            "06_ab_test",  # no experiments
        },
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_notebook_ends_ok_or_skipped(name: str, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    summary = run(None, data=REAL / name, out=out, progress=False, jobs=1)
    statuses = {r.name: r.status for r in summary.results}
    assert {n for n, s in statuses.items() if s == "ok"} == EXPECTED[name]["ok"], statuses
    assert {n for n, s in statuses.items() if s == "skipped"} == EXPECTED[name]["skipped"], statuses
    assert summary.exit_code == 0
    for result in summary.results:
        if result.status == "skipped":
            reason = (result.record.get("skip") or {}).get("reason", "")
            assert reason and "Traceback" not in reason


def test_olist_orders_coverage_matches_pandas(tmp_path: Path) -> None:
    """The header's rows read for orders equal an independent count of the export's rows."""
    rows = len(pd.read_csv(REAL / "olist" / "olist_orders_dataset.csv"))
    out = tmp_path / "reports"
    summary = run(["04_customer_lifetime_value"], data=REAL / "olist", out=out, progress=False, jobs=1)
    (result,) = summary.results
    assert result.status == "ok"
    page = (out / "04_customer_lifetime_value.html").read_text(encoding="utf-8")
    assert f"orders: {rows:,} rows read" in page or f"orders: {rows} rows read" in page, rows
