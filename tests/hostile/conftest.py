"""Helpers for the hostile cases: throwaway notebooks with declared parameters."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

#: A parameters cell using every declared type, a choice list and a range.
PARAMS = "\n".join(
    [
        'data: str = "."  # folder with the shop tables',
        'period: str = "month"  # one of: week, month, quarter; UTC calendar periods',
        'segment: str = ""  # one of: "", channel, device; column to split by',
        "alpha: float = 0.05  # range: 0..1; one minus the confidence level",
        "min_n: int = 30  # range: 1..; smallest group shown",
        "cuped: bool = True  # adjust with the pre-period covariate",
        'label: str = "plain"  # free text shown in the report',
    ]
)
#: Writes every parameter to a file next to the notebook, so a test can read what arrived.
BODY = (
    "import json, pathlib\n"
    "pathlib.Path('received.json').write_text(json.dumps({k: globals()[k] for k in "
    "['data', 'period', 'segment', 'alpha', 'min_n', 'cuped', 'label']}))\n"
    "print(label)"
)


def write_notebook(path: Path, params: str = PARAMS, body: str = BODY, title: str = "Hostile") -> Path:
    """Write a notebook with a title, a ``parameters`` cell and one code cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\n## Run"), cell, nbformat.v4.new_code_cell(body)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def nbdir(tmp_path: Path) -> Path:
    """Make a notebooks folder with one notebook ``h1`` declaring :data:`PARAMS`."""
    folder = tmp_path / "nbs"
    write_notebook(folder / "h1.ipynb")
    return folder
