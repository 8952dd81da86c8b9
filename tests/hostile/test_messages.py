"""Poor messages made plain: a full disk names the real step, a missing salt names the variable."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import cxlib.reports.runner as runner
from cxlib import DataError
from cxlib.data.pseudonyms import resolve_salt
from cxlib.reports import read_manifest, run

from .conftest import write_notebook

QUICK = "x: int = 1  # a number"


def _full_disk(monkeypatch: pytest.MonkeyPatch, names: set[str] | None) -> None:
    """Make writes of the named files (all files under out when ``None``) fail with ENOSPC."""
    real = runner.atomic_write_text

    def write(path: str | Path, text: str, mode: int = 0o644) -> Path:
        if names is None or Path(path).name in names:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, text, mode=mode)

    monkeypatch.setattr(runner, "atomic_write_text", write)


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "nbs"
    write_notebook(folder / "a.ipynb", QUICK, "print(x)", title="A")
    write_notebook(folder / "b.ipynb", QUICK, "print(x)", title="B")
    return folder


@pytest.mark.notebooks
def test_disk_full_on_one_report_names_the_write_step(
    two: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _full_disk(monkeypatch, {"a.html"})
    summary = run(notebooks_dir=two, out=tmp_path / "out", progress=False, jobs=1)
    assert [(r.name, r.status) for r in summary.results] == [("a", "failed"), ("b", "ok")]
    assert summary.failed == ["a"] and summary.exit_code == 1
    failure = summary.results[0].failure
    assert failure is not None and failure.step == "Write the report" and failure.ename == "OSError"
    assert failure.evalue == "could not write a.html: No space left on device"
    page = (tmp_path / "out" / "a.error.html").read_text()
    assert "The report stopped at the step “Write the report”." in page
    assert read_manifest(tmp_path / "out")["a"]["error"]["step"] == "Write the report"


@pytest.mark.notebooks
def test_disk_completely_full_still_reports_every_notebook(
    two: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _full_disk(monkeypatch, None)
    summary = run(notebooks_dir=two, out=tmp_path / "out", progress=False, jobs=2)
    assert [(r.name, r.status) for r in summary.results] == [("a", "failed"), ("b", "failed")]
    assert {r.failure.step for r in summary.results if r.failure} == {"Write the report"}
    assert all(r.error_html is None for r in summary.results)  # no page could be written
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".cxlab-runs.lock"]


def test_missing_salt_message_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CXLAB_SALT", raising=False)
    with pytest.raises(DataError) as err:
        resolve_salt(None, table="orders", columns=["email"])
    assert "Set the environment variable CXLAB_SALT to a secret" in str(err.value)
    assert "{" not in str(err.value).split("export")[0]


CHART = "import plotly.graph_objects as go\ngo.Figure(go.Bar(x=[1, 2], y=[3, 4])).show()"


@pytest.mark.notebooks
@pytest.mark.slow
def test_file_size_limit_through_the_command_line(tmp_path: Path) -> None:
    """A real write failure (RLIMIT_FSIZE, as on a nearly full disk): named step, others still run."""
    import os
    import resource
    import signal
    import subprocess
    import sys

    folder = tmp_path / "nbs"
    write_notebook(folder / "a_chart.ipynb", QUICK, CHART, title="Big")  # needs plotly.js: ~5 MB
    write_notebook(folder / "b_plain.ipynb", QUICK, "print(x)", title="Small")
    out = tmp_path / "out"

    def limit() -> None:  # in the child only: files larger than 3 MB cannot be written
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (3_000_000, 3_000_000))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxlib.cli",
            "run",
            "--all",
            "--notebooks",
            str(folder),
            "--out",
            str(out),
            "-j",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(
        "[1/2] a_chart: FAILED" in ln and "could not write plotly-" in ln and ".min.js: File too large" in ln
        for ln in lines
    )
    assert any("[2/2] b_plain: ok" in ln for ln in lines)
    assert lines[-1].endswith("1 of 2 report(s) FAILED (a_chart); index: " + str(out / "index.html"))
    assert read_manifest(out)["a_chart"]["error"]["step"] == "Write the report"
    assert not (out / "a_chart.html").exists() and (out / "b_plain.html").is_file()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
