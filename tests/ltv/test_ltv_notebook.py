"""The customer-lifetime-value notebook: built from its builder, and runs with non-default
parameters from another folder (the default run is in tests/notebooks).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
