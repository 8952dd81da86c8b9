"""The journey-mapping notebook: in sync with its builder, and runs with non-default parameters.

(``tests/notebooks`` runs every notebook with its default parameters under nbval.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "02_journey_mapping.ipynb"


@pytest.mark.notebooks
def test_runs_with_non_default_parameters_from_another_folder(tmp_path: Path):
    from cxlib.sample import generate_sample

    generate_sample(tmp_path / "shop", seed=3, n_customers=800)
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
            "funnel_steps",
            "product_view | search, add_to_cart, purchase",
            "-p",
            "order",
            "any",
            "-p",
            "count",
            "customers",
            "-p",
            "window",
            "7D",
            "-p",
            "segment",
            "channel",
            "-p",
            "lookback",
            "14D",
            "-p",
            "min_n",
            "5",
            "-p",
            "start",
            "2025-01-01",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    nb = json.loads(out.read_text())
    text = "\n".join(
        "".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] for o in c.get("outputs", [])
    )
    assert "product_view | search" in text and "customers who did" in text
    assert "Funnel (any order, customers within 7 days)" in json.dumps(nb)
    assert "2025-01-01" in text  # the period starts where asked
    assert "carts (customers) were abandoned" in text
    assert "Markov vs last touch" in text
