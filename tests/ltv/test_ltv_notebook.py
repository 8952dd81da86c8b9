"""The customer-lifetime-value notebook: built from its builder, and runs with non-default
parameters from another folder (the default run is in tests/notebooks).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlib.sample import generate_sample

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK = NOTEBOOKS / "04_customer_lifetime_value.ipynb"


def _text(path: Path) -> str:
    parts = []
    for cell in json.loads(path.read_text())["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append("".join(data.get("text/html", data.get("text/plain", ""))))
            if "application/vnd.plotly.v1+json" in data:  # chart titles
                parts.append(json.dumps(data["application/vnd.plotly.v1+json"]["layout"].get("title", {})))
            if out.get("output_type") == "stream":
                parts.append("".join(out["text"]))
    return "\n".join(parts)


@pytest.mark.notebooks
@pytest.mark.slow
def test_runs_with_days_no_holdout_and_country_segments(tmp_path: Path) -> None:
    generate_sample(tmp_path / "shop", seed=3, n_customers=3000)
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(NOTEBOOK),
            str(out),
            "--no-progress-bar",
            "-p",
            "data",
            "shop",
            "-p",
            "unit",
            "D",
            "-p",
            "holdout_weeks",
            "0",
            "-p",
            "segment",
            "country",
            "-p",
            "horizon_months",
            "6",
            "-p",
            "currency",
            "USD",
            "-p",
            "min_n",
            "5",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = _text(out)
    assert "The holdout test is switched off" in text
    assert "The 3,000 customers are predicted to bring" in text and "USD in the next 6 months" in text
    assert "; BG/NBD, 1.0% monthly discount" in text  # no holdout test: the default purchase model
    assert "Predicted 6-month CLV by country" in text
    # the appendix holds the parameter tables, after every other section's output
    assert text.index("Standard error") > text.index("Predicted 6-month CLV by country")
    assert "Gamma-Gamma fitted on" in text and "population mean spend per purchase" in text


def _nobody_leaves(dest: Path) -> Path:
    """300 customers over two years: two thirds bought once, the rest every 10-30 days to the end.

    Nobody who bought again ever stopped, so the purchase models see no dropout (both collapse)
    and put every customer at P(alive) = 1, while RFM calls the long-silent one-time buyers
    (40 % of customers) hibernating.
    """
    rng = np.random.default_rng(3)
    start, end = pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2025-12-31", tz="UTC")
    first = start + pd.to_timedelta(rng.integers(0, 600, 300), unit="D")
    rows = [pd.DataFrame({"customer_id": [f"c{i}" for i in range(300)], "ts": first})]
    for i in range(0, 300, 3):
        gaps = rng.integers(10, 30, 80).cumsum()
        times = first[i] + pd.to_timedelta(gaps, unit="D")
        rows.append(pd.DataFrame({"customer_id": f"c{i}", "ts": times[times <= end]}))
    orders = pd.concat(rows, ignore_index=True)
    orders["order_id"] = [f"o{i}" for i in range(len(orders))]
    orders["revenue"] = rng.uniform(20, 80, len(orders)).round(2)
    dest.mkdir()
    orders.to_parquet(dest / "orders.parquet", index=False)
    return dest


def _headline_values(path: Path) -> list[str]:
    values = []
    for cell in json.loads(path.read_text())["cells"]:
        for out in cell.get("outputs", []):
            published = out.get("data", {}).get("application/vnd.cxlab.headlines+json")
            if published:
                values += [h["value"] for h in published["headlines"]]
    return values


PARAMETERS = ("-p", "data", "shop", "-p", "holdout_weeks", "0", "-p", "min_n", "10")


@pytest.mark.notebooks
@pytest.mark.slow
def test_everyone_active_while_rfm_sees_hibernating_customers_is_a_warning_not_a_finding(
    tmp_path: Path,
) -> None:
    _nobody_leaves(tmp_path / "shop")
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "papermill", str(NOTEBOOK), str(out), "--no-progress-bar", *PARAMETERS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = html.unescape(re.sub(r"<(style|script).*?</\1>|<[^>]+>", " ", _text(out), flags=re.S))
    findings, warnings = text.split("Warnings: read these figures with care")
    # the warning states the flagged share and why; the key findings and headlines do not
    assert "The purchase model puts 100% of customers at a 30% or higher chance" in warnings
    assert "RFM puts 40% in the hibernating segment" in warnings and "collapsed" in warnings
    assert "Key findings" in findings and "The BG/NBD dropout part collapsed" in findings
    assert "100%" not in findings and "more likely active" not in findings
    assert "100%" not in " ".join(_headline_values(out)) and _headline_values(out) == ["not estimated"]
    # the section on who is still active points to the warning instead of a share
    assert "How many customers have probably left is not given" in warnings
    assert "probability below 30% of still being active" not in text
