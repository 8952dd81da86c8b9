"""The A/B test report notebook: built from its builder, runs with non-default parameters.

``tests/notebooks`` runs every notebook with its defaults (nbval) and checks the pattern;
this file checks that notebooks/06_ab_test.ipynb is the builder's output and that a
non-default run (another experiment, another method) reaches the planted verdict.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "06_ab_test.ipynb"
SAMPLE = REPO / "data" / "sample"


@pytest.mark.notebooks
@pytest.mark.slow
def test_srm_experiment_with_sequential_method(tmp_path: Path) -> None:
    if not (SAMPLE / "experiments.parquet").exists():
        pytest.skip("no sample shop in data/sample (run `make sample`)")
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
            "experiment",
            "free_shipping_banner",
            "-p",
            "method",
            "sequential",
            "-p",
            "cuped",
            "False",
            "-p",
            "segment",
            "",
            "-p",
            "n_star",
            "30000",
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
        "".join(o.get("data", {}).get("text/html", o.get("text", "")))
        for cell in nb["cells"]
        for o in cell.get("outputs", [])
    )
    assert "Invalid: the units are not split as planned" in text
    assert "Sample-ratio mismatch" in text
    assert "always-valid" in text
    assert "Set the segment parameter" in text
