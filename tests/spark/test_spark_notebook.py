"""One report end to end on Spark: ``cxlab run 01_cx_scorecard -p engine spark`` on the sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlib.cli import main
from cxlib.reports import read_manifest


@pytest.mark.notebooks
def test_scorecard_report_on_spark(spark_available, sample: Path, tmp_path: Path, monkeypatch):
    # The kernel starts its own local Spark session (cxlib.engine.spark_session); small like the tests' one.
    monkeypatch.setenv(
        "PYSPARK_SUBMIT_ARGS",
        "--master local[2] --conf spark.sql.shuffle.partitions=4 --conf spark.ui.enabled=false pyspark-shell",
    )
    out = tmp_path / "reports"
    code = main(["run", "01_cx_scorecard", "--data", str(sample), "-p", "engine", "spark", "--out", str(out)])
    assert code == 0, (out / "01_cx_scorecard.error.html").read_text()[-3000:] if code else ""
    page = (out / "01_cx_scorecard.html").read_text()
    assert "Key findings" in page and "NPS" in page
    assert read_manifest(out)["01_cx_scorecard"]["parameters"]["engine"] == "spark"
