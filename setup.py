"""Packaging hook: the report notebooks ship inside the wheel.

The notebooks live at the top of the repository (``notebooks/``, where analysts and reviewers
find them); the wheel installs them as ``cxlib/notebooks/`` (package data), where ``cxlab``
finds them outside a checkout (``cxlib.reports.paths.default_notebooks_dir``). Everything else
is configured in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["cxlib", "cxlib.*"]), "cxlib.notebooks"],
    package_dir={"cxlib.notebooks": "notebooks"},
)
