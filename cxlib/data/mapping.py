"""Column mappings: how your columns, or a known export's, become a contract table.

A mapping is a dict, or a YAML file holding one, from table name to what to do with that
table. The simple form renames columns (``your column: contract column``)::

    orders:
      Order ID: order_id
      Customer: customer_id
      Created at: ts
      Total: revenue

A table may instead name a preset (``orders: shopify_orders``), or use the full form, whose
keys are all optional::

    surveys:
      preset: survey_export        # start from a preset's settings
      files: [nps_*.csv]           # which files in the data folder hold the table
      sheet: Answers               # the sheet of an Excel workbook (default: the first)
      columns:                     # renames (a column named here must exist)
        Q1 - Recommend: nps
      match:                       # find a column by a regular expression on its header
        csat: "(?i)satisf"
      pseudonymize: [customer_id]  # columns replaced by salted hashes (e-mails, phones)
      keep: [Plan]                 # further columns an adapter keeps as segments
      timezone: UTC                # zone of timestamps written without one
      ambiguous: earliest          # local times when clocks go back: raise, earliest, latest
      nonexistent: shift_forward   # local times when clocks go forward: raise, shift_forward
      options: {}                  # adapter settings, see cxlib.data.adapters

``preset``, ``adapter``, ``files``, ``sheet``, ``columns``, ``match``, ``pseudonymize``, ``keep``,
``timezone``, ``ambiguous``, ``nonexistent``, ``options`` and the reshaping steps ``where``,
``lookups``, ``derive``, ``constants`` and ``grain`` (:mod:`cxlib.data.reshape`) are reserved
words in a table's entry: an entry holding any of them is read in the full form. Top level,
``salt`` (the pseudonymisation salt; the ``CXLAB_SALT`` environment variable is the better
place for it) and ``description`` are allowed besides the table names.

A string that is not a file path names a preset shipped in ``cxlib/data/presets/``; several
presets are joined with commas (``"shopify_orders,ga4_events"``) or passed as a list. A
folder holding a ``mapping.yaml`` uses it when no mapping is given.
"""

from __future__ import annotations

import fnmatch
import os
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from cxlib.data.contracts import CONTRACTS
from cxlib.data.reshape import check_expression
from cxlib.errors import DataError
from cxlib.timestamps import AMBIGUOUS, NONEXISTENT

__all__ = [
    "FOLDER_MAPPING_FILES",
    "PRESETS_DIR",
    "MappingSource",
    "ShopMapping",
    "TableSpec",
    "apply_mapping",
    "available_presets",
    "folder_mapping",
    "load_mapping",
    "preset_description",
]

PRESETS_DIR = Path(__file__).with_name("presets")
#: File names of a mapping kept next to the data (used when no mapping is given).
FOLDER_MAPPING_FILES = ("mapping.yaml", "mapping.yml")
_RESERVED = (
    "preset",
    "adapter",
    "files",
    "sheet",
    "columns",
    "match",
    "pseudonymize",
    "keep",
    "timezone",
    "ambiguous",
    "nonexistent",
    "options",
    "where",
    "lookups",
    "derive",
    "constants",
    "grain",
)
_TOP_LEVEL = ("salt", "description")


@dataclass(frozen=True)
class TableSpec:
    """How one contract table is made from a source: renames, adapter, files, pseudonyms.

    Attributes
    ----------
    table : str
        Contract table name.
    columns : dict
        Renames ``{source column: target}`` that must apply (the column must exist).
    preset_columns : dict
        Renames from a preset; skipped when the source has no such column.
    match : dict
        ``{target: regular expression}``: a source column whose header matches becomes the
        target, unless a rename already provides it. Two matching headers are an error.
    adapter : str, optional
        Name of the adapter that reshapes the renamed table (:mod:`cxlib.data.adapters`).
    files : tuple of str
        Glob patterns of the files holding the table inside a data folder.
    pseudonymize : tuple of str
        Columns (after renaming) replaced by salted hashes.
    keep : tuple of str
        Source columns an adapter keeps as extra (segment) columns.
    timezone : str, optional
        Zone of this table's timestamps written without one (overrides ``open_shop``'s).
    options : dict
        Adapter settings.
    preset : str, optional
        The preset this spec started from.
    sheet : str, optional
        The sheet of an Excel workbook holding the table (default: the first).
    ambiguous, nonexistent : str, optional
        What this table's local times in a daylight-saving change become
        (:class:`cxlib.timestamps.LocalTimePolicy`; overrides ``open_shop``'s).
    where, lookups, derive, constants, grain
        Reshaping steps (:mod:`cxlib.data.reshape`): a row condition, joins with other files,
        computed columns, fixed values, and the key lines are rolled up by.
    """

    table: str
    columns: dict[str, str] = field(default_factory=dict)
    preset_columns: dict[str, str] = field(default_factory=dict)
    match: dict[str, str] = field(default_factory=dict)
    adapter: str | None = None
    files: tuple[str, ...] = ()
    pseudonymize: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    timezone: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    preset: str | None = None
    sheet: str | None = None
    ambiguous: str | None = None
    nonexistent: str | None = None
    where: str | None = None
    lookups: tuple[dict[str, Any], ...] = ()
    derive: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    grain: str | None = None

    def renames_for(self, columns: Sequence[str]) -> dict[str, str]:
        """Return the renames ``{source: target}`` to apply to a table with these ``columns``.

        Strict renames first (a missing column is an error), then the preset's renames of
        columns that exist, then header patterns for targets still missing.
        """
        columns = list(columns)
        renames = apply_mapping(columns, self.table, self.columns)
        targets = set(renames.values()) | set(self.columns.values())
        for src, dst in self.preset_columns.items():
            if src in columns and src not in renames and dst not in targets and src != dst:
                renames[src] = dst
                targets.add(dst)
            elif src in columns and src == dst:
                targets.add(dst)
        taken = set(renames) | set(self.columns)
        for dst, pattern in self.match.items():
            if dst in targets or dst in columns:
                continue
            regex = re.compile(pattern)
            found = [c for c in columns if c not in taken and regex.search(c)]
            if len(found) > 1:
                choices = ", ".join(repr(c) for c in found)
                raise DataError(
                    f"several columns could be '{dst}': {choices}. Say which one in the mapping, "
                    f"e.g. {self.table}: {{columns: {{{found[0]!r}: {dst}}}}}",
                    table=self.table,
                    column=dst,
                    rule="ambiguous_column",
                )
            if found:
                renames[found[0]] = dst
                taken.add(found[0])
                targets.add(dst)
        remaining = [c for c in columns if c not in renames]
        clashes = [dst for src, dst in renames.items() if dst in remaining and src != dst]
        if clashes:
            raise DataError(
                f"the mapping renames a column onto '{clashes[0]}', but the table already has a "
                f"'{clashes[0]}' column; map or drop one of them",
                table=self.table,
                column=clashes[0],
                rule="mapping_clash",
            )
        return renames


@dataclass(frozen=True)
class ShopMapping:
    """A loaded mapping: one :class:`TableSpec` per table, an optional salt, its origin."""

    tables: dict[str, TableSpec] = field(default_factory=dict)
    salt: str | None = None
    origin: str = ""

    def get(self, table: str) -> TableSpec | None:
        """Return the spec of ``table``, if the mapping has one."""
        return self.tables.get(table)

    def table_for_file(self, path: Path) -> str | None:
        """Return the table whose ``files`` patterns match ``path``'s name (only if exactly one)."""
        hits = [
            t for t, spec in self.tables.items() if any(fnmatch.fnmatch(path.name, p) for p in spec.files)
        ]
        if len(hits) == 1:
            return hits[0]
        return next(iter(self.tables)) if not hits and len(self.tables) == 1 else None

    @property
    def presets(self) -> tuple[str, ...]:
        """Presets used, in table order."""
        return tuple(dict.fromkeys(s.preset for s in self.tables.values() if s.preset))


MappingSource = Mapping[str, Any] | str | os.PathLike[str] | Sequence[Any] | ShopMapping | None


def available_presets() -> list[str]:
    """Names of the mapping presets shipped with cxlib."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yaml"))


def preset_description(name: str) -> str:
    """Return the one-line description of a shipped preset."""
    return str(_read_yaml(_preset_path(name)).get("description", "")).strip()


def folder_mapping(source: Any) -> Path | None:
    """Return the ``mapping.yaml`` kept in a data folder, if ``source`` is a folder that has one."""
    if not isinstance(source, (str, os.PathLike)):
        return None
    folder = Path(source).expanduser()
    try:
        if not folder.is_dir():
            return None
        return next((folder / n for n in FOLDER_MAPPING_FILES if (folder / n).is_file()), None)
    except PermissionError as exc:  # a folder (or a folder on the path) the user may not enter
        from cxlib.data.sources import permission_error

        raise permission_error(PermissionError(exc.errno, exc.strerror, str(folder)), "source") from None


def load_mapping(mapping: MappingSource) -> ShopMapping:
    """Load and check a mapping given as a dict, a YAML path, preset name(s) or a list of them.

    Parameters
    ----------
    mapping : dict, str, path, list or ShopMapping, optional
        See the module documentation for the format.

    Returns
    -------
    ShopMapping

    Raises
    ------
    DataError
        An unknown preset or table, a malformed entry, a bad regular expression or time zone.

    Examples
    --------
    >>> load_mapping("shopify_orders").get("orders").adapter
    'shopify_orders'
    """
    if mapping is None:
        return ShopMapping()
    if isinstance(mapping, ShopMapping):
        return mapping
    if isinstance(mapping, (str, os.PathLike)):
        path = Path(mapping).expanduser()
        if path.is_file():
            return _from_dict(_read_yaml(path), origin=path.name)
        text = os.fspath(mapping)
        if "," in text:
            return load_mapping([part.strip() for part in text.split(",") if part.strip()])
        return _load_preset(text)
    if isinstance(mapping, Mapping):
        return _from_dict(mapping, origin="mapping")
    if isinstance(mapping, Sequence):
        return _merge([load_mapping(m) for m in mapping])
    raise DataError(
        "a mapping must be a dict of table -> {your column: contract column}, a YAML file or a preset name",
        table="mapping",
        rule="bad_mapping",
    )


def apply_mapping(columns: list[str], table: str, renames: dict[str, str]) -> dict[str, str]:
    """Return the renames to apply to a table with ``columns``; check they make sense."""
    missing = [src for src in renames if src not in columns]
    if missing:
        raise DataError(
            f"the column mapping names column(s) {', '.join(repr(m) for m in missing)}, which the table "
            f"does not have. Columns found: {', '.join(columns)}.",
            table=table,
            column=missing[0],
            rule="mapping_column_missing",
        )
    clashes = [dst for src, dst in renames.items() if dst in columns and dst not in renames and src != dst]
    if clashes:
        raise DataError(
            f"the mapping renames a column onto '{clashes[0]}', but the table already has a "
            f"'{clashes[0]}' column; map or drop one of them",
            table=table,
            column=clashes[0],
            rule="mapping_clash",
        )
    return {src: dst for src, dst in renames.items() if src != dst}


# ----------------------------------------------------------------------------- loading
def _preset_path(name: str) -> Path:
    path = PRESETS_DIR / f"{name}.yaml"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or not path.is_file():
        raise DataError(
            f"mapping '{name}' is neither a YAML file nor a preset. "
            f"Presets: {', '.join(available_presets()) or 'none yet'}.",
            table="mapping",
            rule="unknown_mapping",
        )
    return path


def _load_preset(name: str) -> ShopMapping:
    loaded = _from_dict(_read_yaml(_preset_path(name)), origin=f"preset {name}")
    tables = {
        t: replace(s, preset=name, preset_columns={**s.preset_columns, **s.columns}, columns={})
        for t, s in loaded.tables.items()
    }
    return ShopMapping(tables, loaded.salt, loaded.origin)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeError) as exc:
        raise DataError(
            f"{path.name} is not valid YAML: {exc}", table="mapping", rule="bad_mapping"
        ) from None
    if not isinstance(loaded, Mapping):
        raise DataError(
            f"{path.name} must hold a mapping of table -> settings", table="mapping", rule="bad_mapping"
        )
    return dict(loaded)


def _merge(parts: list[ShopMapping]) -> ShopMapping:
    tables: dict[str, TableSpec] = {}
    salts = {p.salt for p in parts if p.salt}
    if len(salts) > 1:
        raise DataError(
            "the mappings give different salts; keep one", table="mapping", column="salt", rule="bad_mapping"
        )
    for part in parts:
        for name, spec in part.tables.items():
            if name in tables:
                raise DataError(
                    f"two of the mappings ({tables[name].preset or 'mapping'} and "
                    f"{spec.preset or part.origin}) both describe the '{name}' table; keep one",
                    table="mapping",
                    column=name,
                    rule="bad_mapping",
                )
            tables[name] = spec
    return ShopMapping(tables, next(iter(salts), None), " + ".join(p.origin for p in parts if p.origin))


def _from_dict(mapping: Mapping[str, Any], origin: str) -> ShopMapping:
    tables: dict[str, TableSpec] = {}
    for table, entry in mapping.items():
        if table in _TOP_LEVEL:
            continue
        if table not in CONTRACTS:
            raise DataError(
                f"mapping names an unknown table '{table}'; tables: {', '.join(CONTRACTS)}",
                table="mapping",
                rule="bad_mapping",
            )
        tables[str(table)] = _table_spec(str(table), entry)
    salt = mapping.get("salt")
    if salt is not None and (not isinstance(salt, str) or not salt):
        raise DataError("'salt' must be a non-empty text", table="mapping", column="salt", rule="bad_mapping")
    return ShopMapping(tables, salt, origin)


def _table_spec(table: str, entry: Any) -> TableSpec:
    if isinstance(entry, str):
        return _preset_table(entry, table)
    if not isinstance(entry, Mapping):
        raise DataError(
            f"the mapping for '{table}' must be {{your column: contract column}}, a preset name, "
            "or settings (preset, files, columns, ...)",
            table="mapping",
            column=table,
            rule="bad_mapping",
        )
    if not any(key in _RESERVED for key in entry):
        return TableSpec(table, columns=_renames(table, entry, "the mapping"))
    unknown = [k for k in entry if k not in _RESERVED]
    if unknown:
        raise DataError(
            f"the settings of '{table}' have unknown key(s) {', '.join(map(repr, unknown))}; allowed: "
            f"{', '.join(_RESERVED)}. Put column renames under 'columns:'.",
            table="mapping",
            column=table,
            rule="bad_mapping",
        )
    base = _preset_table(entry["preset"], table) if "preset" in entry else TableSpec(table)
    columns = _renames(table, entry.get("columns") or {}, "'columns'")
    # Your renames replace the preset's renames onto the same target.
    preset_columns = {
        s: d for s, d in base.preset_columns.items() if d not in columns.values() and s not in columns
    }
    match = {**base.match, **_renames(table, entry.get("match") or {}, "'match'")}
    for dst, pattern in match.items():
        try:
            re.compile(pattern)
        except re.error as exc:
            raise DataError(
                f"the pattern for '{dst}' is not a valid regular expression: {exc}",
                table="mapping",
                column=dst,
                rule="bad_mapping",
            ) from None
    adapter = entry.get("adapter", base.adapter)
    if adapter is not None:
        from cxlib.data.adapters import ADAPTERS

        if adapter not in ADAPTERS:
            raise DataError(
                f"unknown adapter '{adapter}'; adapters: {', '.join(ADAPTERS)}",
                table="mapping",
                column=table,
                rule="bad_mapping",
            )
        if ADAPTERS[adapter].table != table:
            raise DataError(
                f"the adapter '{adapter}' makes the '{ADAPTERS[adapter].table}' table, not '{table}'",
                table="mapping",
                column=table,
                rule="bad_mapping",
            )
    timezone = entry.get("timezone", base.timezone)
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(str(timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise DataError(
                f"unknown time zone {timezone!r} for '{table}'",
                table="mapping",
                column="timezone",
                rule="unknown_timezone",
            ) from None
    options = entry.get("options") or {}
    if not isinstance(options, Mapping):
        raise DataError(
            f"'options' of '{table}' must be a mapping", table="mapping", column=table, rule="bad_mapping"
        )
    return TableSpec(
        table,
        columns=columns,
        preset_columns=preset_columns,
        match=match,
        adapter=adapter,
        files=_names(table, entry["files"], "files") if "files" in entry else base.files,
        pseudonymize=_names(table, entry["pseudonymize"], "pseudonymize")
        if "pseudonymize" in entry
        else base.pseudonymize,
        keep=_names(table, entry["keep"], "keep") if "keep" in entry else base.keep,
        timezone=None if timezone is None else str(timezone),
        options={**base.options, **dict(options)},
        preset=base.preset,
        sheet=_text(table, entry["sheet"], "sheet") if "sheet" in entry else base.sheet,
        ambiguous=_choice(table, entry, "ambiguous", AMBIGUOUS) or base.ambiguous,
        nonexistent=_choice(table, entry, "nonexistent", NONEXISTENT) or base.nonexistent,
        where=check_expression(table, "where", entry["where"]) if "where" in entry else base.where,
        lookups=(*base.lookups, *_lookups(table, entry.get("lookups"))),
        derive={**base.derive, **_expressions(table, entry.get("derive"))},
        constants={**base.constants, **_constants(table, entry.get("constants"))},
        grain=_text(table, entry["grain"], "grain") if "grain" in entry else base.grain,
    )


def _preset_table(name: Any, table: str) -> TableSpec:
    if not isinstance(name, str):
        raise DataError(
            f"the preset of '{table}' must be a preset name",
            table="mapping",
            column=table,
            rule="bad_mapping",
        )
    preset = _load_preset(name)
    spec = preset.get(table)
    if spec is None:
        raise DataError(
            f"the preset '{name}' has no '{table}' table (it has: {', '.join(preset.tables) or 'none'})",
            table="mapping",
            column=table,
            rule="unknown_mapping",
        )
    return spec


def _renames(table: str, renames: Any, what: str) -> dict[str, str]:
    if not isinstance(renames, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in renames.items()
    ):
        raise DataError(
            f"{what} for '{table}' must be {{your column: contract column}} with text names",
            table="mapping",
            column=table,
            rule="bad_mapping",
        )
    targets = list(renames.values())
    if len(set(targets)) != len(targets):
        raise DataError(
            f"{what} for '{table}' maps two columns onto one",
            table="mapping",
            column=table,
            rule="bad_mapping",
        )
    return dict(renames)


def _expressions(table: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise DataError(
            f"'derive' of '{table}' must map new column names to SQL expressions",
            table="mapping",
            column=f"{table}.derive",
            rule="bad_mapping",
        )
    return {str(k): check_expression(table, f"derive.{k}", v) for k, v in value.items()}


def _constants(table: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(v, (str, int, float, bool)) for v in value.values()
    ):
        raise DataError(
            f"'constants' of '{table}' must map column names to single values (text, number, true/false)",
            table="mapping",
            column=f"{table}.constants",
            rule="bad_mapping",
        )
    return {str(k): v for k, v in value.items()}


def _lookups(table: str, value: Any) -> tuple[dict[str, Any], ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, Mapping) else value
    out = []
    for number, item in enumerate(
        items if isinstance(items, Sequence) and not isinstance(items, str) else [None]
    ):
        key = f"{table}.lookups[{number}]"
        ok = (
            isinstance(item, Mapping)
            and {"file", "key"} <= set(item)
            and set(item) <= {"file", "key", "columns", "sum"}
        )
        ok = ok and (("columns" in item) != ("sum" in item))
        ok = ok and isinstance(item.get("columns") or item.get("sum"), Mapping)
        if not ok:
            raise DataError(
                f"each lookup of '{table}' needs 'file', 'key' (the column both files share) and "
                "either 'columns' ({their column: name here}) or 'sum' ({their column: name here}, "
                "summed per key)",
                table="mapping",
                column=key,
                rule="bad_mapping",
            )
        out.append(dict(item))
    return tuple(out)


def _choice(table: str, entry: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    if key not in entry:
        return None
    if entry[key] not in allowed:
        raise DataError(
            f"'{key}' of '{table}' must be one of {', '.join(allowed)}, not {entry[key]!r}",
            table="mapping",
            column=key,
            rule="bad_mapping",
        )
    return str(entry[key])


def _text(table: str, value: Any, key: str) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value) == "":
        raise DataError(
            f"'{key}' of '{table}' must be a name", table="mapping", column=key, rule="bad_mapping"
        )
    return str(value)


def _names(table: str, value: Any, key: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, Sequence) or not all(isinstance(v, str) for v in values):
        raise DataError(
            f"'{key}' of '{table}' must be a list of names", table="mapping", column=table, rule="bad_mapping"
        )
    return tuple(values)
