"""pyproject.toml and environment.yml list the same dependencies with the same lower bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"python-duckdb": "duckdb"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(>=\s*[\w.]+)?\s*", requirement)
    assert match, f"unexpected requirement format: {requirement!r}"
    return match.group(1).lower().replace("_", "-"), (match.group(2) or "").replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra, items in project["optional-dependencies"].items():
        requirements += items
    return dict(_split(r) for r in requirements)


def _environment() -> dict[str, str]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    found: dict[str, str] = {}
    for item in spec["dependencies"]:
        entries = item["pip"] if isinstance(item, dict) else [item]
        for entry in entries:
            if entry.startswith("-e") or entry in ("pip",) or entry.startswith("python>="):
                continue
            name, bound = _split(entry)
            found[CONDA_NAMES.get(name, name)] = bound
    return found


def test_environment_matches_pyproject():
    assert _environment() == _pyproject()


def test_every_dependency_has_a_tested_lower_bound():
    assert all(bound.startswith(">=") for bound in _pyproject().values())
