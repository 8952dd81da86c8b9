"""Column mappings: rename a user's columns onto the contract.

A mapping is a dict (or a YAML file holding one) from table name to ``{user_column:
contract_column}``::

    orders:
      Order ID: order_id
      Customer: customer_id
      Created at: ts
      Total: revenue

A string that is not a file path names a preset shipped in ``cxlib/data/presets/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import yaml

from cxlib.data.contracts import CONTRACTS
from cxlib.errors import DataError

__all__ = ["PRESETS_DIR", "ColumnMapping", "available_presets", "load_mapping"]

PRESETS_DIR = Path(__file__).with_name("presets")

#: A loaded mapping: table -> {user column: contract column}.
ColumnMapping = dict[str, dict[str, str]]


def available_presets() -> list[str]:
    """Names of the mapping presets shipped with cxlib."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yaml"))


def load_mapping(mapping: Mapping[str, Any] | str | os.PathLike[str] | None) -> ColumnMapping:
    """Load and check a column mapping given as a dict, a YAML path or a preset name."""
    if mapping is None:
        return {}
    if isinstance(mapping, (str, os.PathLike)):
        path = Path(mapping)
        if not path.exists():
            preset = PRESETS_DIR / f"{mapping}.yaml"
            if not preset.exists():
                raise DataError(
                    f"mapping '{mapping}' is neither a YAML file nor a preset. "
                    f"Presets: {', '.join(available_presets()) or 'none yet'}.",
                    table="mapping", rule="unknown_mapping",
                )
            path = preset
        try:
            mapping = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeError) as exc:
            raise DataError(f"{path.name} is not valid YAML: {exc}", table="mapping", rule="bad_mapping") from None
    if not isinstance(mapping, Mapping):
        raise DataError("a mapping must be a dict of table -> {your column: contract column}", table="mapping", rule="bad_mapping")
    loaded: ColumnMapping = {}
    for table, renames in mapping.items():
        if table not in CONTRACTS:
            raise DataError(
                f"mapping names an unknown table '{table}'; tables: {', '.join(CONTRACTS)}",
                table="mapping", rule="bad_mapping",
            )
        if not isinstance(renames, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in renames.items()):
            raise DataError(
                f"the mapping for '{table}' must be {{your column: contract column}} with text names",
                table="mapping", rule="bad_mapping",
            )
        targets = list(renames.values())
        if len(set(targets)) != len(targets):
            raise DataError(f"the mapping for '{table}' maps two columns onto one", table="mapping", rule="bad_mapping")
        loaded[str(table)] = dict(renames)
    return loaded


def apply_mapping(columns: list[str], table: str, renames: dict[str, str]) -> dict[str, str]:
    """The renames to apply to a table with ``columns``; checks they make sense."""
    missing = [src for src in renames if src not in columns]
    if missing:
        raise DataError(
            f"the column mapping names column(s) {', '.join(repr(m) for m in missing)}, which the table "
            f"does not have. Columns found: {', '.join(columns)}.",
            table=table, column=missing[0], rule="mapping_column_missing",
        )
    clashes = [dst for src, dst in renames.items() if dst in columns and dst not in renames and src != dst]
    if clashes:
        raise DataError(
            f"the mapping renames a column onto '{clashes[0]}', but the table already has a "
            f"'{clashes[0]}' column; map or drop one of them",
            table=table, column=clashes[0], rule="mapping_clash",
        )
    return {src: dst for src, dst in renames.items() if src != dst}
