"""cxlib.reports: papermill → nbconvert → atomic HTML, error pages, index, progress.

Uses small throwaway notebooks; the real notebooks are tested in tests/notebooks/.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from cxlib.reports import find_notebooks, notebook_info, read_manifest, resolve_data, run
from cxlib.reports._atomic import atomic_write_text
from cxlib.reports.params import load_params_file, parameters_for
from cxlib.reports.runner import MANIFEST_NAME, Progress, private_dir

pytestmark = pytest.mark.notebooks


def make_notebook(path: Path, cells: list[tuple[str, str]], params: str | None = None) -> Path:
    """Write a notebook: ``cells`` are ("md"|"code", source); ``params`` the parameters cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    out = []
    for kind, source in cells:
        out.append(
            nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        )
    if params is not None:
        cell = nbformat.v4.new_code_cell(params)
        cell.metadata["tags"] = ["parameters"]
        out.insert(1, cell)
    nb.cells = out
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


CHART = [
    ("md", "# Bars\n\nHow many bars are there?"),
    ("md", "## Draw"),
    (
        "code",
        "# Draw the bars\nimport plotly.graph_objects as go\nfrom cxlib import viz\n"
        "display(viz.report_header(period=('2024-01-01', '2024-01-31'), source='unit test', "
        "fingerprint='fp-123'))\n"
        "print(f'bars={n} label={label}')\n"
        "go.Figure(go.Bar(x=list(range(n)), y=list(range(n)))).show()",
    ),
    ("code", "import sys\nprint('a warning nobody should see', file=sys.stderr)"),
]
CHART_PARAMS = 'n: int = 3  # number of bars\nlabel: str = "plain"  # a label'

FAILING = [
    ("md", "# Breaks"),
    ("md", "## Load the data"),
    (
        "code",
        "# Read the shop tables\nif fail:\n"
        "    raise ValueError('table orders: bad <b>value</b> for jane@example.com')",
    ),
    ("md", "## Later"),
    ("code", "print('fine')"),
]
FAILING_PARAMS = "fail: bool = True  # make it fail"


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    make_notebook(folder / "a_chart.ipynb", CHART, CHART_PARAMS)
    make_notebook(folder / "b_breaks.ipynb", FAILING, FAILING_PARAMS)
    make_notebook(folder / "_draft.ipynb", [("md", "# not a report")])
    return folder


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notebook without charts (quick to run)."""
    folder = tmp_path_factory.mktemp("plain")
    make_notebook(
        folder / "plain.ipynb",
        [("md", "# Plain"), ("md", "## Say"), ("code", "# Say hello\nprint('hello', n)")],
        "n: int = 1  # a number",
    )
    return folder


@pytest.fixture(scope="module", autouse=True)
def private_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Kept failed notebooks go to ``$XDG_STATE_HOME``: a throwaway folder here."""
    state = tmp_path_factory.mktemp("state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_STATE_HOME", str(state))
        yield state


@pytest.fixture(scope="module")
def first_run(notebooks: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    out = tmp_path_factory.mktemp("reports")
    stream = io.StringIO()
    summary = run(
        notebooks_dir=notebooks,
        out=out,
        parameters={"n": 7},
        params={"label": "from-file", "notebooks": {"b_breaks": {"fail": True}}},
        progress=Progress(stream, live=False),
        jobs=2,
    )
    return summary, out, stream.getvalue()


def test_run_statuses_and_exit_code(first_run: tuple) -> None:
    summary, out, _ = first_run
    assert [r.name for r in summary.results] == ["a_chart", "b_breaks"]  # _draft skipped
    assert [r.status for r in summary.results] == ["ok", "failed"]
    assert summary.exit_code == 1 and summary.failed == ["b_breaks"]
    assert (out / "a_chart.html").is_file() and (out / "b_breaks.error.html").is_file()
    assert not (out / "b_breaks.html").exists()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]  # atomic writes left nothing


def test_report_html_without_code_offline(first_run: tuple) -> None:
    _, out, _ = first_run
    html = (out / "a_chart.html").read_text()
    assert "bars=7 label=from-file" in html  # parameters reached the notebook
    assert "go.Figure(go.Bar" not in html and "# Draw the bars" not in html  # no code cells
    assert "a warning nobody should see" not in html  # stderr dropped
    assert "Plotly.newPlot" in html and 'class="plotly-graph-div"' in html
    assert len(re.findall(r"<script[^>]*\bsrc=[\"']?(?:https?:)?//", html)) == 0  # nothing from the internet
    assert "require.min.js" not in html and "mathjax@" not in html.lower()
    assert "unit test" in html and "2024-01-01 to 2024-01-31" in html
    assert 'name="viewport"' in html
    assert re.search(r"cxlib [0-9]", html) and "fingerprint <code>fp-123</code>" in html
    assert html.count("How many bars are there?") == 1
    assert len(html) < 300_000  # plotly.js is not in the page: it loads from the folder
    (script,) = re.findall(r"<script[^>]* src=\"(plotly-[0-9.]+\.min\.js)\"", html)
    assert (out / script).stat().st_size > 2_000_000 and "plotly.js v" not in html


def test_error_page_says_what_failed_in_words(first_run: tuple) -> None:
    _, out, _ = first_run
    page = (out / "b_breaks.error.html").read_text()
    assert "Report failed: Breaks" in page
    assert "the step “Read the shop tables” in the section “Load the data”" in page
    assert "ValueError: table orders: bad &lt;b&gt;value&lt;/b&gt; for [email]" in page
    assert "<b>value" not in page and "jane@example.com" not in page
    assert "Traceback" not in page and "raise ValueError" not in page  # not a code dump
    assert "There is no earlier report" in page
    kept = private_dir(out) / "b_breaks.ipynb"
    assert f"saved as <code>{kept}</code>" in page
    saved = nbformat.read(kept, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in saved.cells for o in c.get("outputs", []))
    # kept outside the published folder, readable by the owner only
    assert out not in kept.parents and not (out / ".cxlab-failed").exists()
    assert kept.stat().st_mode & 0o777 == 0o600 and kept.parent.stat().st_mode & 0o777 == 0o700


def test_index_and_manifest(first_run: tuple, notebooks: Path) -> None:
    _, out, log = first_run
    manifest = read_manifest(out)
    ok, bad = manifest["a_chart"], manifest["b_breaks"]
    assert ok["status"] == "ok" and bad["status"] == "failed"
    assert ok["parameters"] == {"n": 7, "label": "from-file"}
    assert bad["parameters"] == {"fail": True}
    assert ok["fingerprint"] == "fp-123" and ok["source"] == "unit test"
    assert ok["period"] == "2024-01-01 to 2024-01-31"
    assert ok["size_bytes"] == (out / "a_chart.html").stat().st_size
    assert ok["cxlib_version"] and "git_commit" in ok and ok["duration_s"] > 0
    assert bad["error"]["ename"] == "ValueError" and bad["error"]["step"] == "Load the data"
    index = (out / "index.html").read_text()
    assert 'href="a_chart.html"' in index and 'href="b_breaks.error.html"' in index
    assert index.count('class="cxlab-status ok"') == 1 and index.count('class="cxlab-status failed"') == 1
    assert "2 reports, 1 failed." in index and "fp-123" in index
    assert "<b>value" not in index
    lines = log.strip().splitlines()
    assert len(lines) == 5  # 2 × (running, result) + summary, no progress bars
    assert any(re.search(r"\[1/2\] a_chart: ok +\d+\.\d+s", ln) for ln in lines)
    assert "1 of 2 report(s) FAILED (b_breaks)" in lines[-1]


def test_failure_keeps_previous_report_and_recovery_cleans_up(plain: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first = run(["plain"], notebooks_dir=plain, out=out, progress=False)
    assert first.ok
    good = (out / "plain.html").read_bytes()
    broken = tmp_path / "broken_nb" / "plain.ipynb"
    make_notebook(broken, [("md", "# Plain"), ("md", "## Say"), ("code", "# Divide\n1/0")])
    second = run([str(broken)], out=out, progress=False)
    assert second.exit_code == 1
    assert (out / "plain.html").read_bytes() == good  # previous good report untouched
    page = (out / "plain.error.html").read_text()
    assert "ZeroDivisionError: division by zero" in page and 'href="plain.html"' in page
    index = (out / "index.html").read_text()
    assert "previous report from" in index
    third = run(["plain"], notebooks_dir=plain, out=out, progress=False)
    assert third.ok and not (out / "plain.error.html").exists()
    assert not (private_dir(out) / "plain.ipynb").exists()


def test_timeout_stops_a_slow_notebook(tmp_path: Path) -> None:
    slow = make_notebook(
        tmp_path / "slow.ipynb",
        [("md", "# Slow"), ("md", "## Wait for ever"), ("code", "import time\ntime.sleep(60)")],
    )
    summary = run([str(slow)], out=tmp_path / "out", timeout=3, progress=False)
    result = summary.results[0]
    assert summary.exit_code == 1 and result.failure is not None
    assert result.failure.ename == "Timeout" and result.failure.step == "Wait for ever"
    assert result.duration < 30
    assert "time limit of 3 seconds" in (tmp_path / "out" / "slow.error.html").read_text()


def test_live_progress_one_line_per_notebook(plain: Path, tmp_path: Path) -> None:
    stream = io.StringIO()
    run(["plain"], notebooks_dir=plain, out=tmp_path, progress=Progress(stream, live=True), jobs=1)
    text = stream.getvalue()
    final_lines = text.split("\n")
    assert "\r" in text and "running" in text
    assert re.search(r"\r\[1/1\] plain  ok +\d+\.\d+s  -> ", final_lines[0])
    assert final_lines[1].startswith("1 report(s) ok")


def test_atomic_write_keeps_old_file_on_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "page.html"
    atomic_write_text(target, "old")

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_params_file_and_parameters_for(tmp_path: Path, notebooks: Path) -> None:
    file = tmp_path / "params.yaml"
    file.write_text('start: 2024-01-01\nlabel: "x"\nnotebooks:\n  a_chart.ipynb:\n    n: 2\n')
    common, per = load_params_file(file)
    assert common == {"start": "2024-01-01", "label": "x"} and per == {"a_chart": {"n": 2}}
    info = notebook_info(notebooks / "a_chart.ipynb")
    assert [(p.name, p.type, p.default, p.help) for p in info.parameters] == [
        ("n", "int", "3", "number of bars"),
        ("label", "str", '"plain"', "a label"),
    ]
    assert info.title == "Bars"
    passed, effective = parameters_for(info, data="/d", common=common, per_notebook=per)
    assert passed == {"label": "x", "n": 2} and effective == {"n": 2, "label": "x"}
    file.write_text("- a\n- b\n")
    with pytest.raises(ValueError, match="mapping"):
        load_params_file(file)


def test_find_notebooks(notebooks: Path) -> None:
    assert [p.name for p in find_notebooks(None, notebooks)] == ["a_chart.ipynb", "b_breaks.ipynb"]
    assert find_notebooks(["a"], notebooks)[0].name == "a_chart.ipynb"
    assert find_notebooks(["b_breaks.ipynb"], notebooks)[0].name == "b_breaks.ipynb"
    with pytest.raises(FileNotFoundError, match="available: a_chart, b_breaks"):
        find_notebooks(["zzz"], notebooks)


def test_resolve_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shop").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve_data("shop") == str(tmp_path / "shop")
    assert resolve_data(str(tmp_path / "shop")) == str(tmp_path / "shop")
    assert resolve_data("s3://bucket/shop") == "s3://bucket/shop"
    # the notebooks' default is relative to the notebooks folder of the checkout
    repo = Path(__file__).resolve().parents[2]
    (repo / "data").mkdir(exist_ok=True)
    assert resolve_data("../data") == str((repo / "data").resolve())
    with pytest.raises(FileNotFoundError, match="'nowhere' not found; looked at: "):
        resolve_data("nowhere")
    with pytest.raises(FileNotFoundError):
        resolve_data("")


def test_manifest_survives_corruption(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    assert read_manifest(tmp_path) == {}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"reports": {"x": {"name": "x"}}}))
    assert read_manifest(tmp_path) == {"x": {"name": "x"}}


def test_unreadable_notebook_does_not_stop_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "nbs"
    make_notebook(folder / "a_fine.ipynb", [("md", "# Fine"), ("code", "print('still ran')")])
    (folder / "b_garbage.ipynb").write_text("{ this is not a notebook")
    summary = run(notebooks_dir=folder, out=tmp_path / "out", progress=False)
    assert [r.status for r in summary.results] == ["ok", "failed"]
    assert "still ran" in (tmp_path / "out" / "a_fine.html").read_text()
    page = (tmp_path / "out" / "b_garbage.error.html").read_text()
    assert "the step “Read the notebook”" in page
    assert read_manifest(tmp_path / "out")["b_garbage"]["status"] == "failed"
