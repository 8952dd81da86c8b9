"""No module of cxlib imports a private name (``_x``) or a private module from another subpackage.

A subpackage is ``cxlib.<name>`` (``cxlib.data``, ``cxlib.journey``, ...); a top-level module
(``cxlib.cli``, ``cxlib.timestamps``) is its own. Inside a subpackage anything goes. Across
subpackages only public names may be imported, with one exception: the package-wide private
interfaces in :data:`SHARED_PRIVATE`, private to cxlib (not part of its user API) but meant for
all of its subpackages. Their own private names stay private.
"""

from __future__ import annotations

import ast
from pathlib import Path

CXLIB = Path(__file__).resolve().parents[1] / "cxlib"

#: cxlib's package-wide private interfaces (docs/architecture.md §4): ``cxlib._types`` holds the
#: ``Frame`` alias for tables; ``cxlib._duckdb`` the DuckDB fast paths, one interface, each with its
#: parity test in tests/_duckdb.
SHARED_PRIVATE = ("cxlib._types", "cxlib._duckdb")


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _subpackage(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def _shared(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in SHARED_PRIVATE)


def private_imports(path: Path, root: Path = CXLIB) -> list[str]:
    """Return ``line: module imports target`` for each private import across subpackages (``root``: cxlib)."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            targets = [(target, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [(alias.name, "") for alias in node.names]
        else:
            continue
        for source, name in targets:
            if not source.startswith("cxlib") or _subpackage(source) == _subpackage(module):
                continue
            private_module = any(_private(p) for p in source.split(".")) and not _shared(source)
            if private_module or _private(name):
                found.append(f"{node.lineno}: {module} imports {source}{'.' + name if name else ''}")
    return found


def test_the_walk_finds_private_imports(tmp_path: Path) -> None:
    package = tmp_path / "cxlib"
    (package / "journey").mkdir(parents=True)
    (package / "data").mkdir()
    file = package / "journey" / "funnels.py"
    file.write_text(
        "from cxlib.data.shop import _read, open_shop\n"  # a private name: refused
        "from cxlib.data import _hidden\n"  # a private module: refused
        "import cxlib.data._hidden.more\n"  # refused
        "from cxlib._duckdb import cohorts\n"  # the shared interface: allowed
        "from cxlib._duckdb.cohorts import _helper\n"  # its private name: refused
        "from cxlib._types import Frame\n"  # allowed
        "from ._steps import _order\n"  # the same subpackage: allowed
        "from ..data import contracts\n"  # public: allowed
        "from ..data.validate import _count\n"  # refused
    )
    assert private_imports(file, package) == [
        "1: cxlib.journey.funnels imports cxlib.data.shop._read",
        "2: cxlib.journey.funnels imports cxlib.data._hidden",
        "3: cxlib.journey.funnels imports cxlib.data._hidden.more",
        "5: cxlib.journey.funnels imports cxlib._duckdb.cohorts._helper",
        "9: cxlib.journey.funnels imports cxlib.data.validate._count",
    ]


def test_no_module_imports_a_private_name_from_another_subpackage() -> None:
    found = [
        f"{path.relative_to(CXLIB.parent)}:{hit}"
        for path in sorted(CXLIB.rglob("*.py"))
        for hit in private_imports(path)
    ]
    assert not found, "private names imported across subpackages:\n" + "\n".join(found)


def test_the_shared_private_interfaces_exist() -> None:
    for module in SHARED_PRIVATE:
        name = module.split(".", 1)[1]
        assert (CXLIB / f"{name}.py").is_file() or (CXLIB / name / "__init__.py").is_file(), module
