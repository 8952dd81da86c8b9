"""A notebook whose table is absent is *skipped*, not failed: page, index, exit codes, CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import nbformat
import pytest

from cxlib.reports import read_manifest, run
from cxlib.reports.runner import Progress
from cxlib.skipping import NotebookSkipped, require_tables, skip, split_message

pytestmark = pytest.mark.notebooks


def _notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("missing: bool = True  # skip when true")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Needs experiments"), params, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return path


SKIPPING = (
    "# Load the data\nfrom cxlib.skipping import skip\n"
    "if missing:\n    skip('The shop has no <b>experiments</b> table.', add='add experiments.csv.')\n"
    "print('ran')"
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("skipnb")
    _notebook(root / "a_ok.ipynb", "print('fine')")
    _notebook(root / "b_skip.ipynb", SKIPPING)
    return root


@pytest.fixture(scope="module")
def skipped_run(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    out = tmp_path_factory.mktemp("out")
    stream = io.StringIO()
    summary = run(notebooks_dir=folder, out=out, progress=Progress(stream, live=False), jobs=1)
    return summary, out, stream.getvalue()


def test_skip_message_round_trip() -> None:
    with pytest.raises(NotebookSkipped) as caught:
        skip("No experiments table.", add="add experiments.csv.")
    assert split_message(str(caught.value)) == ("No experiments table.", "add experiments.csv.")
    assert split_message("No text at all.") == ("No text at all.", None)


def test_require_tables_names_what_is_missing() -> None:
    class Shop:
        orders = object()
        surveys = None
        experiments = None

    require_tables(Shop(), ["orders"], what="Cohorts")  # present: nothing happens
    require_tables(Shop(), ["surveys", "orders"], what="The scorecard", any_of=True)
    with pytest.raises(NotebookSkipped) as caught:
        require_tables(Shop(), ["experiments"], what="The A/B test analysis")
    reason, add = split_message(str(caught.value))
    assert reason == "The A/B test analysis needs an experiments table, and the data have none."
    assert add is not None and "experiments.csv" in add and "variant" in add
    with pytest.raises(NotebookSkipped, match="a surveys table or an experiments table"):
        require_tables(Shop(), ["surveys", "experiments"], what="X", any_of=True)


def test_skipped_is_not_failed(skipped_run: tuple) -> None:
    summary, _, log = skipped_run
    assert [r.status for r in summary.results] == ["ok", "skipped"]
    assert summary.failed == [] and summary.skipped == ["b_skip"]
    assert summary.ok and summary.exit_code == 0
    assert "b_skip: skipped" in log and "1 report(s) ok, 1 skipped (b_skip)" in log


def test_skip_page_and_index(skipped_run: tuple) -> None:
    _, out, _ = skipped_run
    page = (out / "b_skip.html").read_text()
    assert "Not run on this data" in page
    assert "The shop has no &lt;b&gt;experiments&lt;/b&gt; table." in page  # escaped
    assert "To run it: add experiments.csv." in page
    assert not (out / "b_skip.error.html").exists()
    record = read_manifest(out)["b_skip"]
    assert record["status"] == "skipped" and record["skip"]["add"] == "add experiments.csv."
    index = (out / "index.html").read_text()
    assert index.count('class="cxlab-status skipped"') == 1 and index.count('class="cxlab-status ok"') == 1
    assert "2 reports, 1 skipped (the data lack what they need)." in index
    assert json.loads((out / ".cxlab-runs.json").read_text())["reports"]["b_skip"]["status"] == "skipped"


def test_strict_counts_skips_and_a_later_run_clears_them(folder: Path, tmp_path: Path) -> None:
    strict = run(["b_skip"], notebooks_dir=folder, out=tmp_path, progress=False, strict=True)
    assert strict.skipped == ["b_skip"] and strict.exit_code == 1
    ran = run(["b_skip"], notebooks_dir=folder, out=tmp_path, progress=False, parameters={"missing": False})
    assert ran.results[0].status == "ok" and ran.exit_code == 0
    assert "ran" in (tmp_path / "b_skip.html").read_text()
    assert read_manifest(tmp_path)["b_skip"].get("skip") is None


def test_cli_strict_flag(folder: Path, tmp_path: Path) -> None:
    from cxlib.cli import main

    assert main(["run", "--all", "--notebooks", str(folder), "--out", str(tmp_path)]) == 0
    assert main(["run", "--all", "--notebooks", str(folder), "--out", str(tmp_path), "--strict"]) == 1
