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
