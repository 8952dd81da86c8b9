"""Notebook parameters: what a notebook declares, and what a run passes to it."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

#: Largest parameters file read (settings, not data).
MAX_PARAMS_BYTES = 1_000_000

__all__ = ["NotebookInfo", "NotebookParameter", "load_params_file", "notebook_info", "parameters_for"]


@dataclass(frozen=True)
class NotebookParameter:
    """One entry of a notebook's ``parameters`` cell (as papermill infers it)."""

    name: str
    type: str
    default: str
    help: str

    @property
    def value(self) -> Any:
        """The default as a Python value (the literal in the cell), else its source text."""
        return literal(self.default)


@dataclass(frozen=True)
class NotebookInfo:
    """A report notebook: its file, title, question and declared parameters."""

    name: str
    path: Path
    title: str
    parameters: tuple[NotebookParameter, ...]

    @property
    def defaults(self) -> dict[str, Any]:
        """Declared parameters and their default values, by name."""
        return {p.name: p.value for p in self.parameters}


#: One parse at a time: CPython 3.11 keeps the AST constructor's recursion depth in state that
#: threads share, so two parses at once (``cxlab run --jobs 2`` reads parameters in worker
#: threads) can fail with a spurious "SystemError: AST constructor recursion depth mismatch"
#: (python/cpython#106905).
_PARSE_LOCK = threading.Lock()


def literal(source: str) -> Any:
    """Evaluate a literal written in a parameters cell; non-literals stay text."""
    try:
        with _PARSE_LOCK:
            return ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return source


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return fallback


def notebook_info(path: str | Path) -> NotebookInfo:
    """Read a notebook's title and parameters (papermill's inference: name, type, default, help).

    Parameters
    ----------
    path : str or Path
        A ``.ipynb`` file with a cell tagged ``parameters`` written as
        ``name: type = value  # help``.

    Returns
    -------
    NotebookInfo
    """
    from papermill import inspect_notebook

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    params = tuple(
        NotebookParameter(
            name=p["name"],
            type="" if p["inferred_type_name"] in (None, "None") else str(p["inferred_type_name"]),
            default=str(p["default"]),
            help=str(p["help"] or ""),
        )
        for p in inspect_notebook(str(path)).values()
    )
    return NotebookInfo(name=path.stem, path=path, title=_title(nb, path.stem), parameters=params)


def load_params_file(
    path: str | os.PathLike[str] | Mapping[str, Any] | None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Read a YAML (or JSON) parameters file (or take the same structure as a mapping).

    Top-level keys are parameters for every notebook that declares them. An optional
    ``notebooks:`` mapping holds per-notebook parameters by notebook name::

        start: "2024-01-01"
        end: "2024-06-30"
        notebooks:
          03_cohorts:
            period: week

    Returns
    -------
    (common, per_notebook) : tuple of dict
    """
    if path is None:
        return {}, {}
    if isinstance(path, Mapping):
        loaded: Any = dict(path)
        path = "parameters"
    else:
        loaded = _read_yaml(Path(path))
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, Mapping):
        raise ValueError(f"parameters file {path} must hold a mapping of name: value")
    common = {str(k): v for k, v in loaded.items() if k != "notebooks"}
    per_notebook_raw = loaded.get("notebooks") or {}
    if not isinstance(per_notebook_raw, Mapping) or not all(
        isinstance(v, Mapping) for v in per_notebook_raw.values()
    ):
        raise ValueError(f"'notebooks:' in {path} must map notebook names to parameter mappings")
    per_notebook = {
        str(k).removesuffix(".ipynb"): {str(a): b for a, b in v.items()} for k, v in per_notebook_raw.items()
    }
    common = _plain(common, path)
    per_notebook = {k: _plain(v, path) for k, v in per_notebook.items()}
    return common, per_notebook


def _read_yaml(path: Path) -> Any:
    """Read a parameters file; any problem becomes a one-line ``ValueError``."""
    try:
        if path.stat().st_size > MAX_PARAMS_BYTES:
            raise ValueError(f"parameters file {path} is larger than {MAX_PARAMS_BYTES // 1000:,} kB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"parameters file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise ValueError(f"cannot read the parameters file {path}: {exc.strerror or exc}") from None
    try:
        # anchors and aliases could expand a small file into billions of values
        if "*" in text and any(isinstance(token, yaml.AliasToken) for token in yaml.scan(text)):
            raise ValueError(f"parameters file {path} uses YAML aliases (*name); write the values out")
        return yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ValueError(f"parameters file {path} is not valid YAML{where}: {problem}") from None


def _plain(values: Mapping[str, Any], where: Any) -> dict[str, Any]:
    """Parameters as plain JSON values; YAML dates become ISO strings."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        try:
            json.dumps(value)
        except TypeError as exc:
            raise ValueError(f"parameter '{key}' in {where}: {value!r} is not a plain value") from exc
        out[key] = value
    return out


def parameters_for(
    info: NotebookInfo,
    *,
    data: str | None = None,
    common: Mapping[str, Any] | None = None,
    per_notebook: Mapping[str, Mapping[str, Any]] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parameters to pass to one notebook, and the effective parameters after the run.

    Shared values (``data``, the common part of the file, ``overrides``) are passed only when
    the notebook declares them; its own section of the file is passed as it is.

    Returns
    -------
    (passed, effective) : tuple of dict
        ``passed`` goes to papermill; ``effective`` is the declared defaults updated with it.
    """
    declared = {p.name for p in info.parameters}
    shared: dict[str, Any] = dict(common or {})
    shared.update(overrides or {})
    if data is not None:
        shared["data"] = data
    passed = {k: v for k, v in shared.items() if k in declared}
    passed.update((per_notebook or {}).get(info.name, {}))
    effective = {**info.defaults, **passed}
    return passed, effective
