"""Export files: find a table's files in a data folder by the mapping's patterns, read them.

Exports are rarely named after the contract tables: Shopify writes ``orders_export_1.csv``,
GA4's BigQuery export one ``events_YYYYMMDD`` table a day. A mapping's ``files`` patterns
(``orders_export*.csv``, ``events_*.parquet``) say which files hold a table; all files of a
table are read together through DuckDB (CSV, Parquet or newline-delimited JSON, one format
per table), lazily, with columns matched by name. The contract's CSV columns are read as
text (all columns for an adapter's export) and parsed, every bad value reported, by validation.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import narwhals.stable.v2 as nw

from cxlib.data.engine_sql import sql_literal
from cxlib.data.mapping import ShopMapping
from cxlib.data.sources import permission_error
from cxlib.data.text_files import (
    ENCODING_ERROR,
    EXCEL_SUFFIXES,
    duckdb_message,
    read_csv_relation,
    utf8_path,
)
from cxlib.engine import duckdb_connection
from cxlib.errors import DataError

__all__ = ["EXPORT_FORMATS", "ExportFiles", "find_export_files", "read_export"]

#: File name endings read as exports, by format.
EXPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "csv": (".csv", ".csv.gz", ".tsv", ".txt"),
    "parquet": (".parquet",),
    "json": (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz"),
}


@dataclass(frozen=True)
class ExportFiles:
    """The files holding one table (one format), in name order."""

    paths: tuple[Path, ...]

    @property
    def format(self) -> str:
        """The one format of the files (``DataError`` when they differ or one is unknown)."""
        formats = {_format(p) for p in self.paths}
        if len(formats) != 1 or None in formats:
            names = ", ".join(p.name for p in self.paths[:5])
            raise DataError(
                f"the files of one table must share one format (CSV, Parquet or JSON lines): {names}",
                table=self.paths[0].name if self.paths else "files",
                rule="mixed_formats",
            )
        return str(formats.pop())

    def describe(self, limit: int = 3) -> str:
        """``a.csv, b.csv and 4 more``."""
        names = [p.name for p in self.paths]
        shown = ", ".join(names[:limit])
        return shown if len(names) <= limit else f"{shown} and {len(names) - limit:,} more"

    def __str__(self) -> str:
        return self.describe()


def _format(path: Path) -> str | None:
    name = path.name.lower()
    return next((fmt for fmt, endings in EXPORT_FORMATS.items() if name.endswith(endings)), None)


def find_export_files(folder: Path, mapping: ShopMapping) -> dict[str, ExportFiles | Path]:
    """Files in ``folder`` (and its sub-folders) matching each table's ``files`` patterns.

    A table held by one Excel workbook comes back as its path (read with the mapping's
    ``sheet``, :func:`cxlib.data.sources.read_file`); several workbooks for one table are a
    ``DataError``.
    """
    found: dict[str, ExportFiles | Path] = {}
    for table, spec in mapping.tables.items():
        paths: set[Path] = set()
        workbooks: set[Path] = set()
        for pattern in spec.files:
            for hit in glob.glob(str(Path(glob.escape(str(folder))) / "**" / pattern), recursive=True):
                path = Path(hit)
                if not path.is_file() or path.stat().st_size == 0:
                    continue
                if _format(path) is not None:
                    paths.add(path)
                elif path.name.lower().endswith(EXCEL_SUFFIXES):
                    workbooks.add(path)
        if paths:
            found[table] = ExportFiles(tuple(sorted(paths)))
        elif len(workbooks) == 1:
            found[table] = workbooks.pop()
        elif workbooks:
            names = ", ".join(sorted(p.name for p in workbooks)[:5])
            raise DataError(
                f"several Excel workbooks match the mapping's files for {table} ({names}); "
                "name one in 'files', or export the sheets as CSV files",
                table=table,
                column="files",
                rule="several_workbooks",
            )
    return found


def read_export(
    files: ExportFiles,
    table: str,
    *,
    json_columns: dict[str, str] | None = None,
    encoding: str = "utf-8",
    text_columns: tuple[str, ...] | None = None,
) -> nw.LazyFrame[Any]:
    """Read all files of one table lazily through DuckDB.

    Parameters
    ----------
    files : ExportFiles
        The table's files (one format).
    table : str
        Contract table, for messages.
    json_columns : dict, optional
        DuckDB types of known top-level JSON keys (other keys keep their inferred types).
    encoding : str
        Encoding of CSV files.
    text_columns : tuple of str, optional
        CSV columns read as text, the others keeping the types DuckDB detects (numbers stay
        numbers for ``derive`` and as segments). Default: every column as text (adapters).
    """
    con = duckdb_connection()
    listed = "[" + ", ".join(sql_literal(str(p)) for p in files.paths) + "]"
    fmt = files.format
    try:
        if fmt == "csv":
            readable = [utf8_path(p, encoding, table) for p in files.paths]
            relation, _ = read_csv_relation(
                con,
                readable,
                table=table,
                all_text=text_columns is None,
                text_columns=text_columns or (),
                union_by_name=True,
            )
        elif fmt == "parquet":
            relation = con.sql(f"SELECT * FROM read_parquet({listed}, union_by_name = true)")
        else:
            columns = _json_columns(con, listed, json_columns or {})
            relation = con.sql(f"SELECT * FROM read_json({listed}, format = 'newline_delimited', {columns})")
        relation.limit(1).to_arrow_table()  # surface read errors now, with the files' names
    except PermissionError as exc:
        raise permission_error(exc, table) from None
    except (duckdb.Error, UnicodeError) as exc:
        text = duckdb_message(exc)
        hint = (
            " Pass the encoding the files were written in (e.g. encoding='cp1250'), or re-save them as UTF-8."
            if ENCODING_ERROR.search(text)
            else ""
        )
        raise DataError(
            f"could not read {files.describe()}: {text}.{hint}", table=table, rule="unreadable_file"
        ) from None
    return nw.from_native(relation)


def _json_columns(con: duckdb.DuckDBPyConnection, listed: str, known: dict[str, str]) -> str:
    """``columns = {...}``: inferred top-level keys, with the known ones given their types."""
    inferred = con.sql(
        f"DESCRIBE SELECT * FROM read_json({listed}, format = 'newline_delimited', union_by_name = true)"
    ).fetchall()
    types = {}
    for name, dtype, *_ in inferred:
        types[name] = known.get(name, "VARCHAR" if dtype.strip('"') in ("NULL", "JSON") else dtype)
    body = ", ".join(f"{sql_literal(k)}: {sql_literal(v)}" for k, v in types.items())
    return f"columns = {{{body}}}"
