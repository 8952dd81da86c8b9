"""pyproject.toml and environment.yml list the same dependencies with the same lower bounds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"python-duckdb": "duckdb"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(>=\s*[\w.]+(?:\s*,\s*<\s*[\w.]+)?)?\s*", requirement)
    assert match, f"unexpected requirement format: {requirement!r}"
    return match.group(1).lower().replace("_", "-"), (match.group(2) or "").replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for items in project["optional-dependencies"].values():
        requirements += items
    return dict(_split(r) for r in requirements)


def _environment() -> dict[str, str]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    found: dict[str, str] = {}
    for item in spec["dependencies"]:
        entries = item["pip"] if isinstance(item, dict) else [item]
        for entry in entries:
            if entry.startswith(("-e", "python>=")) or entry == "pip":
                continue
            name, bound = _split(entry)
            found[CONDA_NAMES.get(name, name)] = bound
    return found


def test_environment_matches_pyproject():
    assert _environment() == _pyproject()


def test_every_dependency_has_a_tested_lower_bound():
    assert all(bound.startswith(">=") for bound in _pyproject().values())


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.notebooks
def test_wheel_renders_a_report_outside_the_checkout(tmp_path: Path) -> None:
    """Build the wheel, install it in a fresh venv outside the repository and render a report."""
    sample = ROOT / "data" / "sample"
    if not any(sample.glob("*.parquet")):
        pytest.skip(f"no sample shop in {sample} (run `make sample`)")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "CXLAB_NOTEBOOKS")}
    source = tmp_path / "source"  # build from a copy: the build writes into the source tree
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("cxlib", "notebooks"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, source], tmp_path, env)
    (wheel,) = wheels.glob("cxlib-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, env)
    _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], tmp_path, env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listing = _run([venv / "bin" / "cxlab", "list"], elsewhere, env)
    assert "00_data_health" in listing and "06_ab_test" in listing
    where = _run(
        [venv / "bin" / "python", "-c", "from cxlib.reports import default_notebooks_dir as d; print(d())"],
        elsewhere,
        env,
    )
    assert Path(where.strip()).is_relative_to(venv), "notebooks must come from the installed package"
    _run([venv / "bin" / "cxlab", "run", "00_data_health", "--data", sample, "--out", "out"], elsewhere, env)
    report = (elsewhere / "out" / "00_data_health.html").read_text(encoding="utf-8")
    assert "Key findings" in report and "Data health" in report
    assert 'data-status="ok"' in (elsewhere / "out" / "index.html").read_text(encoding="utf-8")


def test_user_facing_help_names_no_internal_issue(capsys: pytest.CaptureFixture[str]) -> None:
    """`cxlab ... --help` and the notebooks' parameter help never point at the project's issues."""
    from cxlib.cli import main

    for command in ([], ["run"], ["list"], ["sample"], ["check"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
    assert main(["list"]) == 0
    text = capsys.readouterr().out
    assert "usage: cxlab" in text and "00_data_health" in text
    assert not re.search(r"\bissues?\b", text, re.IGNORECASE)
