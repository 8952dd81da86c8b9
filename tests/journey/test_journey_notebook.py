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
    assert "product view | search" in text and "customers who did" in text
    assert "Funnel (any order, customers within 7 days)" in json.dumps(nb)
    assert "2025-01-01" in text  # the period starts where asked
    assert "carts (customers) were abandoned" in text
    assert "Markov vs last touch" in text


def _sections(script: Path) -> list[tuple[str, str]]:
    """(``## heading``, the cells' text up to the next ``##`` heading) of a jupytext script."""
    text = script.read_text(encoding="utf-8")
    parts = text.split("\n# ## ")[1:]
    return [(part.splitlines()[0], part) for part in parts]


def test_results_show_themselves_and_matrices_sit_in_the_appendix() -> None:
    """Issues 18 and 20: ``result.show()``, no repeated figure/note/format_table, analyst
    material under a final ``## Appendix`` (the report folds it).
    """
    sections = _sections(NOTEBOOK.with_suffix(".py"))
    names = [name for name, _ in sections]
    assert names[-1].startswith("Appendix") and sum(n.startswith("Appendix") for n in names) == 1
    main = "".join(body for name, body in sections if not name.startswith("Appendix"))
    appendix = sections[-1][1]
    for moved in ("moves.show(", "positions.show(", "credit.paths"):
        assert moved in appendix and moved not in main, moved
    for shown in ("flow.show()", "to_purchase.show(", "first_steps.show(", "carts.show()", "credit.show()"):
        assert shown in main, shown
    assert "format_table" not in main and "percent_cols" not in main
    assert ".figure().show()\nviz.note" not in main and ".summary()))" not in main.replace("_summary()))", "")
