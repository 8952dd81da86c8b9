"""Packaging hook: the report notebooks ship inside the wheel.

The notebooks live at the top of the repository (``notebooks/``, where analysts and reviewers
find them); the wheel installs them as ``cxlib/notebooks/`` (package data), where ``cxlab``
finds them outside a checkout (``cxlib.reports.paths.default_notebooks_dir``). Everything else
is configured in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

setup(
    # namespace packages too: the data folders (lexicons, models, presets) are packages of data
    packages=[
        *find_namespace_packages(include=["cxlib", "cxlib.*"], exclude=["*.__pycache__"]),
        "cxlib.notebooks",
    ],
    package_dir={"cxlib.notebooks": "notebooks"},
)
