"""The cohort notebook: generated from its builder, and runs with non-default parameters from
another folder (tests/notebooks runs every notebook with its defaults under nbval).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.mark.notebooks
def test_notebook_with_non_default_parameters_from_another_folder(tiny_shop: Path, tmp_path: Path) -> None:
    """The tiny shop (tests/conftest.py): 20 days of events of 10 customers; 3 customers order daily."""
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(NOTEBOOKS / "03_cohort_retention.ipynb"),
            str(out),
            "-p",
            "data",
            str(tiny_shop),
            "-p",
            "activity",
            "events",
            "-p",
            "period",
            "week",
            "-p",
            "kind",
            "on_or_after",
            "-p",
            "observed_until",
            "2024-03-17",
            "-p",
            "min_n",
            "1",
            "-p",
            "by",
            "channel",  # named, not auto: a single channel is then said in a sentence
            "--no-progress-bar",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    text = "\n".join(
        "".join(o.get("data", {}).get("text/html", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert (
        "10 customers in 1 weekly cohort (2024-W09)" in text
        and "active in period N or any later period" in text
    )
    assert "2024-03-01 to 2024-03-17" in text
    assert "Every customer has the same channel (web): there is nothing to compare." in text
    assert "Half of the customers order again within 1 day." in text


def test_results_show_themselves_and_matrices_sit_in_the_appendix() -> None:
    """Issues 18 and 20: ``result.show()``, no repeated figure/note/format_table, the full
    matrices and the definitions under a final ``## Appendix`` (the report folds it).
    """
    text = (NOTEBOOKS / "03_cohort_retention.py").read_text(encoding="utf-8")
    sections = [(part.splitlines()[0], part) for part in text.split("\n# ## ")[1:]]
    names = [name for name, _ in sections]
    assert names[-1].startswith("Appendix") and sum(n.startswith("Appendix") for n in names) == 1
    main = "".join(body for name, body in sections if not name.startswith("Appendix"))
    appendix = sections[-1][1]
    for moved in (
        "overall.show(figure=False",
        'figure("heatmap")',
        "compare_definitions(",
        "Definitions and data",
    ):
        assert moved in appendix and moved not in main, moved
    for shown in ("overall.show(table=False)", "comparison.show(", "revenue.show(", "repeat.show()"):
        assert shown in main, shown
    assert "format_table" not in text and "percent_cols" not in text and ".summary()))" not in main
