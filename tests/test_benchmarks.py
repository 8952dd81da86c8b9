"""`make bench` end to end at a tiny size: every analysis and method runs in its own process,
the methods agree, and the Scale table is written (to a temporary README, never the real one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_run_all_at_20k_rows(tmp_path: Path) -> None:
    results, readme = tmp_path / "results.json", tmp_path / "README.md"
    env = {**os.environ, "CXLAB_BENCH_README": str(readme)}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run_all.py"),
            "--sizes",
            "20k",
            "--repeat",
            "1",
            "--results",
            str(results),
            "--lifetimes-python",
            str(tmp_path / "no-lifetimes"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    runs = json.loads(results.read_text())["runs"]
    analyses = {rec["analysis"] for rec in runs.values()}
    assert analyses == {"scorecard", "funnel", "transitions", "cohorts", "ltv", "experiments"}
    for name, rec in runs.items():
        if rec["method"] == "lifetimes":
            assert rec["status"] == "skipped" and "not found" in rec["note"]
            continue
        assert rec["status"] == "ok", (name, rec.get("note"))
        assert rec["seconds"] > 0 and rec["peak_mb"] > 0
        assert not rec.get("disagrees"), (name, rec["disagrees"])
    lines = readme.read_text().splitlines()
    assert "## Scale" in lines
    for analysis in analyses:  # one table row per method measured or skipped
        rows = [line for line in lines if line.startswith(f"| {analysis} |") and "| 20,000 |" in line]
        assert len(rows) == sum(rec["analysis"] == analysis for rec in runs.values())
