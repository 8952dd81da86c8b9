"""Every notebook runs top to bottom with its default parameters (``pytest --nbval-lax``).

nbval runs in a child pytest so that ``make test`` (plain ``pytest``) covers it without
changing the project's pytest options.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"


@pytest.mark.notebooks
@pytest.mark.slow
def test_notebooks_run_under_nbval_lax() -> None:
    if not any((REPO / "data" / "sample").glob("*.parquet")):
        if os.environ.get("CI") == "true":
            pytest.fail("the sample shop is missing: run `make sample`")
        pytest.skip("no sample shop in data/sample (run `make sample`); notebooks default to it")
    notebooks = sorted(str(p) for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith("_"))
    assert notebooks, "no notebooks found"
    # nbval runs notebooks one after the other; two child runs use both cores
    groups = [notebooks[i::2] for i in range(2) if notebooks[i::2]]
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                "--nbval-lax",
                "-q",
                "-p",
                "no:cacheprovider",
                "-o",
                "addopts=",
                "--nbval-cell-timeout=600",
                *group,
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        )
        for group in groups
    ]
    for child, group in zip(children, groups, strict=True):
        output, _ = child.communicate(timeout=1800)
        assert child.returncode == 0, f"nbval failed for {group}:\n{output[-5000:]}"
        assert " passed" in output and "failed" not in output
