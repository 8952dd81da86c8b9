"""The report notebooks: structure, papermill with non-default parameters, failure handling.

``test_nbval.py`` beside this file runs every notebook under ``pytest --nbval-lax``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.compare import NotebookDifference, compare_notebooks

from cxlib.reports import find_notebooks, notebook_info, run

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SAMPLE = REPO / "data" / "sample"
ALL = [p.stem for p in find_notebooks(None, NOTEBOOKS)] if NOTEBOOKS.is_dir() else []
PARAM_LINE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*): (?P<type>[A-Za-z][\w\[\], |]*) = (?P<value>[^=#]+?)  # (?P<help>[^=]+)$"
)


def sample_or_skip() -> Path:
    if any(SAMPLE.glob("*.parquet")):
        return SAMPLE
    if os.environ.get("CI") == "true":
        pytest.fail(f"the sample shop is missing in {SAMPLE}: run `make sample`")
    pytest.skip(f"no sample shop in {SAMPLE} (run `make sample`)")


@pytest.mark.parametrize("name", ALL)
def test_notebook_follows_the_pattern(name: str) -> None:
    path = NOTEBOOKS / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), (
        "first cell: '# Title' and the question"
    )
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    lines = [ln for ln in tagged[0].source.splitlines() if ln.strip()]
    bad = [ln for ln in lines if not PARAM_LINE.match(ln)]
    assert not bad, (
        "parameter lines must read `name: type = value  # help` (no '=' in the help; a line that ruff format "
        f"wraps must get a shorter help): {bad}"
    )
    declared = [PARAM_LINE.match(ln)["name"] for ln in lines]
    assert [p.name for p in notebook_info(path).parameters] == declared  # papermill sees them all
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, "outputs must be stripped"


def test_every_script_has_its_notebook() -> None:
    scripts = {p.stem for p in NOTEBOOKS.glob("*.py")}
    assert scripts and scripts == set(ALL), "each notebooks/NAME.py is paired with notebooks/NAME.ipynb"


@pytest.mark.parametrize("name", ALL)
def test_notebook_is_in_sync_with_its_script(name: str) -> None:
    """notebooks/<name>.py (jupytext percent script) is the source; the .ipynb must hold the same cells."""
    script = jupytext.read(NOTEBOOKS / f"{name}.py")
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    try:
        compare_notebooks(script, notebook, fmt="py:percent", allow_expected_differences=False)
    except NotebookDifference as difference:
        pytest.fail(
            f"notebooks/{name}.ipynb is out of step: run `jupytext --sync notebooks/{name}.py`\n{difference}"
        )


def _outputs_text(path: Path) -> str:
    nb = json.loads(path.read_text())
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for key in ("text/html", "text/plain"):
                if key in data:
                    parts.append("".join(data[key]))
                    break
            if out.get("output_type") == "stream":
                parts.append("".join(out["text"]))
    return "\n".join(parts)


def _report_source(path: Path) -> str | None:
    """The data source a report read, from the run metadata its header cell outputs."""
    from cxlib.viz import REPORT_META_MIME

    for cell in json.loads(path.read_text())["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("data", {}).get(REPORT_META_MIME)
            if isinstance(meta, dict) and meta.get("source"):
                return str(meta["source"])
    return None


@pytest.mark.notebooks
def test_plain_papermill_non_default_parameters_from_another_folder(tiny_shop: Path, tmp_path: Path) -> None:
    shutil.copytree(tiny_shop, tmp_path / "shop")
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(NOTEBOOKS / "00_data_health.ipynb"),
            str(out),
            "-p",
            "data",
            "shop",
            "-p",
            "start",
            "2024-03-05",
            "-p",
            "end",
            "2024-03-09",
            "--no-progress-bar",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = _outputs_text(out)
    # 5 days × 24 events, 5 days × 3 orders (none of them the dropped one)
    assert "events 120 rows (2024-03-05 to 2024-03-09)" in text
    assert "orders 15 rows (2024-03-05 to 2024-03-09)" in text
    assert "2024-03-05 to 2024-03-09" in text and _report_source(out) == str(tmp_path / "shop")
    assert "Validation found 1 problem affecting 1 row" in text
    assert "&lt;script&gt;window.__pwned=1" not in text  # newest texts are outside the period
    assert "[phone]" not in text


@pytest.mark.notebooks
def test_plain_papermill_default_data_from_any_folder(tmp_path: Path) -> None:
    sample_or_skip()
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(NOTEBOOKS / "00_data_health.ipynb"),
            str(out),
            "--no-progress-bar",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert _report_source(out) == str(SAMPLE.resolve())  # the page shows only the folder name


@pytest.mark.notebooks
def test_bad_data_path_gives_error_page_and_keeps_old_report(tiny_shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    good = run(["00_data_health"], data=tiny_shop, out=out, progress=False)
    assert good.ok, good.results[0].failure
    before = (out / "00_data_health.html").read_bytes()
    assert b"Key findings" in before and b"events 480 rows" in before
    from cxlib.cli import main

    code = main(["run", "00_data_health", "--data", str(tmp_path / "no_such_shop"), "--out", str(out)])
    assert code == 1
    assert (out / "00_data_health.html").read_bytes() == before
    page = (out / "00_data_health.error.html").read_text()
    assert "Report failed: Data health" in page
    assert "the step “Load and validate the shop tables”" in page
    assert "no_such_shop" in page and "not found" in page
    assert "Traceback" not in page and "resolve_data(" not in page
    assert 'href="00_data_health.html"' in page  # points at the previous report
    index = (out / "index.html").read_text()
    assert 'data-status="failed"' in index and "previous report from" in index


@pytest.mark.parametrize("name", ALL)
def test_declared_choices_and_ranges_parse(name: str) -> None:
    """A help that says `one of:` or `range:` must be read as choices or a range by cxlab."""
    from cxlib.reports.validation import choices_of, range_of

    for param in notebook_info(NOTEBOOKS / f"{name}.ipynb").parameters:
        if "one of:" in param.help:
            assert choices_of(param), f"{param.name}: `one of:` list not parsed: {param.help!r}"
        if "range:" in param.help:
            assert range_of(param) != (None, None), f"{param.name}: `range:` not parsed: {param.help!r}"


@pytest.mark.parametrize("name", [n for n in ALL if n[:2] in {"00", "01", "02", "03", "04", "05"}])
def test_percentages_are_written_one_way(name: str) -> None:
    """Issue 20, one style: "95%" as the sentences write it, never "95 %" (VoC read "95 % CI from")."""
    script = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    spaced = [line.strip() for line in script.splitlines() if re.search(r"\d %", line)]
    assert not spaced, spaced
