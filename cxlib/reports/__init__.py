"""Parameterised notebooks → stakeholder HTML reports.

``run`` executes notebooks with papermill, exports them with nbconvert without code cells
(plotly charts interactive and offline), writes every file atomically and keeps
``index.html`` up to date. ``cxlab run`` / ``cxlab list`` are the command-line front.

Notebooks need :func:`resolve_data` (light to import)::

    from cxlib.reports import resolve_data

    shop = cxlib.open_shop(resolve_data(data))

the tables they read, :func:`tables_read` of their name, for the coverage line of
:func:`cxlib.viz.report_header`, and :func:`headline` / :func:`headlines` to publish their
headline numbers for the index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxlib.reports.paths import default_notebooks_dir, find_notebooks, git_commit, resolve_data

if TYPE_CHECKING:
    from cxlib.reports.headline_numbers import headline, headlines
    from cxlib.reports.params import NotebookInfo, NotebookParameter, notebook_info
    from cxlib.reports.report_tables import tables_read
    from cxlib.reports.runner import Progress, ReportResult, RunSummary, read_manifest, run, write_index

__all__ = [
    "NotebookInfo",
    "NotebookParameter",
    "Progress",
    "ReportResult",
    "RunSummary",
    "default_notebooks_dir",
    "find_notebooks",
    "git_commit",
    "headline",
    "headlines",
    "notebook_info",
    "read_manifest",
    "resolve_data",
    "run",
    "tables_read",
    "write_index",
]

_LAZY = {
    "headline": "cxlib.reports.headline_numbers",
    "headlines": "cxlib.reports.headline_numbers",
    "NotebookInfo": "cxlib.reports.params",
    "NotebookParameter": "cxlib.reports.params",
    "notebook_info": "cxlib.reports.params",
    "Progress": "cxlib.reports.runner",
    "ReportResult": "cxlib.reports.runner",
    "RunSummary": "cxlib.reports.runner",
    "read_manifest": "cxlib.reports.runner",
    "tables_read": "cxlib.reports.report_tables",
    "run": "cxlib.reports.runner",
    "write_index": "cxlib.reports.runner",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cxlib.reports' has no attribute '{name}'")
    import importlib

    return getattr(importlib.import_module(module), name)
