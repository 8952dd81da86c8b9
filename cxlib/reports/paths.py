"""Where things are: notebooks, data sources given as relative paths, the git commit.

Kept free of heavy imports: notebooks call :func:`resolve_data` in their first cell.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = [
    "default_notebooks_dir",
    "find_notebooks",
    "git_commit",
    "packaged_notebooks_dir",
    "repo_root",
    "resolve_data",
]

#: Environment variable naming the notebooks folder (overrides the default lookup).
NOTEBOOKS_ENV = "CXLAB_NOTEBOOKS"


def repo_root() -> Path | None:
    """Return the checkout cxlib is imported from (holding ``pyproject.toml`` and ``notebooks/``).

    ``None`` when cxlib is installed from a wheel.
    """
    root = Path(__file__).resolve().parents[2]
    return root if (root / "notebooks").is_dir() and (root / "pyproject.toml").is_file() else None


def packaged_notebooks_dir() -> Path:
    """Return the notebooks folder installed with the package (``cxlib/notebooks/`` in a wheel)."""
    return Path(__file__).resolve().parents[1] / "notebooks"


def default_notebooks_dir() -> Path:
    """``$CXLAB_NOTEBOOKS``, else ``notebooks/`` of the checkout, else the installed notebooks.

    A source checkout keeps its notebooks in ``notebooks/`` at the top; the wheel installs the
    same files as ``cxlib/notebooks/`` (:func:`packaged_notebooks_dir`).
    """
    env = os.environ.get(NOTEBOOKS_ENV)
    if env:
        return Path(env).expanduser().resolve()
    root = repo_root()
    if root is not None:
        return root / "notebooks"
    return packaged_notebooks_dir()


def list_notebooks(directory: str | Path) -> list[Path]:
    """Report notebooks in ``directory``: ``*.ipynb`` not starting with ``_`` or ``.``, sorted."""
    folder = Path(directory)
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith(("_", ".")) and p.is_file())


def find_notebooks(names: Sequence[str] | None, directory: str | Path | None = None) -> list[Path]:
    """Resolve notebook names or paths to files.

    Parameters
    ----------
    names : sequence of str, optional
        Paths (``notebooks/00_data_health.ipynb``), names (``00_data_health``) or unique
        prefixes (``00``) of notebooks in ``directory``. ``None`` or empty: all notebooks.
    directory : str or Path, optional
        Default: :func:`default_notebooks_dir`.

    Returns
    -------
    list of Path

    Raises
    ------
    FileNotFoundError
        A name matches no notebook, or a prefix matches several.
    """
    folder = Path(directory) if directory is not None else default_notebooks_dir()
    available = list_notebooks(folder) if folder.is_dir() else []
    if not names:
        if not available:
            raise FileNotFoundError(f"no notebooks found in {folder}")
        return available
    found: list[Path] = []
    for name in names:
        path = Path(name).expanduser()
        if path.suffix == ".ipynb" and path.is_file():
            found.append(path.resolve())
            continue
        stem = path.name.removesuffix(".ipynb")
        exact = [p for p in available if p.stem == stem]
        matches = exact or [p for p in available if p.stem.startswith(stem)]
        if len(matches) != 1:
            known = ", ".join(p.stem for p in available) or "none"
            what = "matches several notebooks" if matches else "is not a notebook"
            raise FileNotFoundError(f"'{name}' {what} in {folder} (available: {known})")
        found.append(matches[0])
    return found


def _candidate_bases() -> Iterable[Path]:
    cwd = Path.cwd()
    yield cwd
    env = os.environ.get(NOTEBOOKS_ENV)
    if env:
        yield Path(env).expanduser()
    root = repo_root()
    if root is not None:
        yield root / "notebooks"
        yield root
    for parent in [cwd, *cwd.parents]:
        if (parent / "notebooks").is_dir():
            yield parent / "notebooks"
            yield parent
            break


def resolve_data(data: str | os.PathLike[str], engine: str | None = None) -> str:
    """Resolve a data source given to a notebook, so notebooks run from any folder.

    Absolute paths and URLs (``scheme://...``) are returned unchanged. A relative path is
    tried against the working directory, then ``$CXLAB_NOTEBOOKS``, and in a source checkout
    its ``notebooks/`` folder and its root (so the notebooks' default, ``data/sample``, is the
    working directory's sample shop, as ``cxlab sample`` writes it, or the checkout's). With
    ``engine="spark"``, a name found at none of them is returned unchanged: it may name a
    table or database in Spark's catalog, or a path on the cluster (see
    :func:`cxlib.open_shop`).

    Parameters
    ----------
    data : str or path
        Folder or file with the shop tables.
    engine : str, optional
        The notebook's ``engine`` parameter (``"duckdb"`` or ``"spark"``).

    Returns
    -------
    str
        An absolute path, the URL, or (Spark) the name as given.

    Raises
    ------
    FileNotFoundError
        Nothing exists at any of the candidate places (and the engine is not Spark); the
        message lists them.
    """
    text = os.fspath(data).strip()
    if not text:
        raise FileNotFoundError("no data source given: set the 'data' parameter to a folder or file")
    if "://" in text:
        return text
    path = Path(text).expanduser()
    if path.is_absolute():
        if not path.exists() and engine != "spark":
            raise FileNotFoundError(f"data source '{text}' not found")
        return str(path)
    tried: list[str] = []
    for base in _candidate_bases():
        candidate = (base / path).resolve()
        if candidate.exists():
            return str(candidate)
        if str(candidate) not in tried:
            tried.append(str(candidate))
    if engine == "spark":
        return text
    raise FileNotFoundError(f"data source '{text}' not found; looked at: " + ", ".join(tried))


def git_commit(directory: str | Path | None = None) -> str | None:
    """``git rev-parse HEAD`` of the checkout holding ``directory``; ``None`` when unknown."""
    where = Path(directory) if directory is not None else (repo_root() or Path.cwd())
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) >= 7 else None
