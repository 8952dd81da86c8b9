"""Ingestion as one pipeline: how one table goes from its source to a validated, UTC frame.

:func:`load_table` is the whole path; each step is one call into the module that does it, so
loading reads here from top to bottom:

1. **read** (:func:`read_source`): files through DuckDB (:mod:`cxlib.data.sources`; CSV and
   Excel decoding in :mod:`cxlib.data.text_files`), exports split over several files
   (:mod:`cxlib.data.exports`), a table of a DuckDB database, or a frame passed in.
2. **reshape** (:func:`cxlib.data.reshape.run_steps`): the mapping's ``where``, ``lookups``,
   ``derive`` and ``constants``, on the export's own column names.
3. **map** (:func:`cxlib.data.adapters.apply_spec`): renames onto contract names
   (:mod:`cxlib.data.mapping`), pseudonyms (:mod:`cxlib.data.pseudonyms`), export adapters.
4. **derive**: line items rolled up to the table's grain (:func:`cxlib.data.reshape.roll_up`);
   the experiment named after its file when the table has no ``experiment`` column.
5. **validate and localise** (:func:`cxlib.data.validate.validate_table`): required columns,
   types, local times to UTC under the :class:`~cxlib.timestamps.LocalTimePolicy` (done while
   types are coerced, so error rows show the local time as written), row rules, coverage.

:func:`cxlib.data.shop.open_table` checks the options and loads the mapping, then calls
:func:`load_table`; :func:`cxlib.data.shop.open_shop` finds each table's source and opens each.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import narwhals.stable.v2 as nw

from cxlib.data.adapters import ADAPTERS, apply_spec
from cxlib.data.contracts import CONTRACTS
from cxlib.data.coverage import TableCoverage
from cxlib.data.exports import ExportFiles, read_export
from cxlib.data.mapping import TableSpec
from cxlib.data.reshape import roll_up, run_steps
from cxlib.data.sources import (
    DATABASE_SUFFIXES,
    is_csv,
    permission_error,
    read_database_table,
    read_file,
    table_name_of,
)
from cxlib.data.text_files import duckdb_message
from cxlib.data.validate import Finding, OnError, validate_table
from cxlib.engine import to_pandas
from cxlib.errors import DataError
from cxlib.timestamps import LocalTimePolicy

__all__ = ["load_table", "read_source"]


def load_table(
    source: Any,
    table: str,
    spec: TableSpec | None,
    *,
    salt: str | None,
    on_error: OnError,
    timezone: str | None,
    encoding: str,
    local_times: LocalTimePolicy,
) -> tuple[Any, list[Finding], list[TableCoverage]]:
    """Read, reshape, map, derive, validate and localise one contract table.

    Parameters
    ----------
    source : path, ExportFiles or frame
        Where the table is: a file or Parquet folder, the files of an export, a DuckDB
        database file (its table of that name), or a pandas / polars / DuckDB / Spark frame.
    table : str
        Contract table: ``events``, ``orders``, ``surveys``, ``feedback`` or ``experiments``.
    spec : TableSpec, optional
        The table's mapping (``None``: the source already has contract column names).
    salt : str, optional
        Pseudonymisation salt of the mapping.
    on_error, timezone, encoding
        As in :func:`cxlib.data.shop.open_shop` (already checked).
    local_times : LocalTimePolicy
        What local times in a daylight-saving change become.

    Returns
    -------
    frame : Narwhals frame
        The validated table on the source's backend; timestamps UTC, ids text.
    findings : list of Finding
        Every broken rule.
    coverage : list of TableCoverage
        Rows read, filtered, rolled up, kept and left out.
    """
    retry = False
    while True:
        try:
            frame = read_source(source, table, spec, encoding, retry=retry)
            reshapes = spec is not None and bool(spec.where or spec.grain)
            rows_read = _rows(frame) if reshapes else None
            filtered = None
            if spec is not None:
                frame, filtered = run_steps(frame, spec, table, _folder_of(source))
            frame = apply_spec(frame, spec, salt=salt)
            if spec is not None and spec.grain:
                frame = roll_up(frame, table, spec.grain)
            if table == "experiments" and "experiment" not in frame.columns:
                # one experiment per table without the column, named after its file
                frame = frame.with_columns(nw.lit(_experiment_name(source)).alias("experiment"))
            found: list[Finding] = []
            covered: list[TableCoverage] = []
            valid = validate_table(
                frame,
                table,
                on_error=on_error,
                timezone=timezone,
                findings=found,
                local_times=local_times,
                coverage=covered,
            )
            break
        except PermissionError as exc:
            raise permission_error(exc, table) from None
        except duckdb.Error as exc:
            # A CSV row far into the file that the fast reader options cannot read (a ragged
            # row): read it again with the robust ones; anything else is the file's problem.
            if retry or not is_csv(source):
                where = Path(source).name if is_csv(source) else "the table"
                raise DataError(
                    f"could not read {where}: {duckdb_message(exc)}",
                    table=table,
                    rule="unreadable_file",
                ) from None
            retry = True
    if rows_read is not None and spec is not None:
        covered = [
            replace(c, rows_read=rows_read, filtered=filtered, rolled_up=c.rows_read if spec.grain else None)
            for c in covered
        ]
    return valid, found, covered


def read_source(
    source: Any, table: str, spec: TableSpec | None, encoding: str, *, retry: bool = False
) -> Any:
    """Read a table as its source holds it (step 1), as a Narwhals frame.

    Contract columns of files are read as text (validation parses them); ``retry`` reads a
    CSV file with the robust, slower reader options.
    """
    if isinstance(source, ExportFiles):
        json_columns = ADAPTERS[spec.adapter].json_columns if spec is not None and spec.adapter else None
        typed = None if spec is not None and spec.adapter else _text_columns(table, spec)
        return read_export(source, table, json_columns=json_columns, encoding=encoding, text_columns=typed)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if path.name.lower().endswith(DATABASE_SUFFIXES):
            return read_database_table(path, table)
        if path.is_file() and spec is not None and spec.adapter is not None:
            return read_source(ExportFiles((path,)), table, spec, encoding)
        text_columns = _text_columns(table, spec)
        sheet = spec.sheet if spec is not None else None
        return read_file(path, table, text_columns=text_columns, encoding=encoding, sheet=sheet, retry=retry)
    try:
        return nw.from_native(source)
    except TypeError:
        raise DataError(
            f"cannot read a {type(source).__name__} as a table; pass a pandas, polars, DuckDB or "
            "Spark frame, or a path",
            table=table,
            rule="unknown_source",
        ) from None


def _text_columns(table: str, spec: TableSpec | None) -> tuple[str, ...]:
    """Return the source names of the contract's columns (read as text, parsed by validation)."""
    renames = {**spec.preset_columns, **spec.columns} if spec is not None else {}
    inverse = {dst: src for src, dst in renames.items()}
    lookups = [str(item["key"]) for item in spec.lookups] if spec is not None else []
    names = [*(inverse.get(c.name, c.name) for c in CONTRACTS[table].columns), *lookups]
    return tuple(dict.fromkeys(names))


def _rows(frame: Any) -> int:
    return int(to_pandas(frame.select(nw.len().alias("n")))["n"].iloc[0])


def _folder_of(source: Any) -> Path | None:
    """Return the folder a table's files are in (lookups name other files there)."""
    if isinstance(source, ExportFiles):
        return source.paths[0].parent
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        return path if path.is_dir() else path.parent
    return None


def _experiment_name(source: Any) -> str:
    """Return the name of the one experiment in a table without an ``experiment`` column."""
    if isinstance(source, ExportFiles):
        source = source.paths[0]
    if isinstance(source, (str, os.PathLike)):
        name = table_name_of(Path(source))
        return "experiment" if name in ("experiments", "") else name
    return "experiment"
