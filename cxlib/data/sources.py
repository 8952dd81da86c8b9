"""Reading a table from where it lives: files through DuckDB, database files, in-memory frames.

Files are read lazily through DuckDB (the embedded default), so a 10 GB Parquet file is never
loaded into memory by ``open``. CSV files are read with the contract columns as text, so that
ids keep their leading zeros and every value is checked by the validator instead of failing
half-way through a query. Read errors become :class:`~cxlib.errors.DataError` naming the file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import duckdb
import narwhals.stable.v2 as nw

from cxlib.data.contracts import CONTRACTS
from cxlib.engine import duckdb_connection
from cxlib.errors import DataError

__all__ = [
    "DATABASE_SUFFIXES",
    "ENCODINGS",
    "FILE_SUFFIXES",
    "attach_database",
    "find_table_files",
    "read_database_table",
    "read_file",
]

FILE_SUFFIXES = (".parquet", ".csv", ".csv.gz", ".tsv", ".txt")
DATABASE_SUFFIXES = (".duckdb", ".ddb", ".db")
#: CSV encodings DuckDB reads without extensions (nothing is downloaded at run time).
ENCODINGS = ("utf-8", "utf-16", "latin-1")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in (".csv.gz", *FILE_SUFFIXES, *DATABASE_SUFFIXES):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower()


def table_name_of(path: Path) -> str:
    """Contract table a file stands for, from its name (``orders.parquet`` -> ``orders``)."""
    name = path.name
    suffix = _suffix(path)
    return name[: len(name) - len(suffix)] if suffix and name.lower().endswith(suffix) else path.stem


def find_table_files(folder: Path) -> dict[str, Path]:
    """Files (or Parquet folders) in ``folder`` named after contract tables."""
    found: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        if entry.is_dir():
            if entry.name in CONTRACTS and any(entry.glob("**/*.parquet")):
                found.setdefault(entry.name, entry)
            continue
        if _suffix(entry) in FILE_SUFFIXES and table_name_of(entry) in CONTRACTS:
            if table_name_of(entry) in found:
                raise DataError(
                    f"two files hold this table: {found[table_name_of(entry)].name} and {entry.name}; keep one",
                    table=table_name_of(entry),
                    rule="ambiguous_source",
                )
            found[table_name_of(entry)] = entry
    return found


def read_file(
    path: str | os.PathLike[str], table: str, *, text_columns: tuple[str, ...] = (), encoding: str = "utf-8"
) -> nw.LazyFrame[Any]:
    """Read a Parquet or CSV file (or a folder of Parquet files) lazily through DuckDB.

    Parameters
    ----------
    path : path
        File, or folder of Parquet files (hive partitions allowed).
    table : str
        Contract table name, used in error messages.
    text_columns : tuple of str
        CSV columns to read as text (the contract columns, under their source names).
    encoding : str
        CSV encoding: ``utf-8`` (default), ``utf-16`` or ``latin-1``.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"file not found: {path}", table=table, rule="missing_file")
    con = duckdb_connection()
    quoted = "'" + str(path).replace("'", "''") + "'"
    suffix = _suffix(path)
    try:
        if path.is_dir():
            relation = con.sql(
                f"SELECT * FROM read_parquet({quoted[:-1]}/**/*.parquet', hive_partitioning = true)"
            )
        elif path.stat().st_size == 0:
            raise DataError(f"the file {path.name} is empty (0 bytes)", table=table, rule="empty_file")
        elif suffix == ".parquet":
            relation = con.sql(f"SELECT * FROM read_parquet({quoted})")
        else:
            relation = _read_csv(con, path, quoted, text_columns, encoding)
        relation.limit(1).to_arrow_table()  # surface read errors now, with the file's name
    except DataError:
        raise
    except (duckdb.Error, UnicodeError) as exc:
        raise _read_error(path, table, exc) from None
    return nw.from_native(relation)


def _read_csv(
    con: duckdb.DuckDBPyConnection, path: Path, quoted: str, text_columns: tuple[str, ...], encoding: str
) -> duckdb.DuckDBPyRelation:
    sniffed = con.sql(
        f"SELECT Columns FROM sniff_csv({quoted}, encoding = '{encoding}', sample_size = 20480)"
    )
    columns = [c["name"] for c in sniffed.to_arrow_table().to_pylist()[0]["Columns"]]
    if not columns:
        raise DataError(f"the file {path.name} has no columns", table=path.stem, rule="empty_file")
    types = {name: "VARCHAR" for name in text_columns if name in columns}
    types_sql = ", ".join(f"'{k.replace(chr(39), chr(39) * 2)}': '{v}'" for k, v in types.items())
    options = f"header = true, encoding = '{encoding}', sample_size = 20480, null_padding = true"
    if types_sql:
        options += f", types = {{{types_sql}}}"
    return con.sql(f"SELECT * FROM read_csv({quoted}, {options})")


def _read_error(path: Path, table: str, exc: Exception) -> DataError:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if re.search(r"unicode|utf-?8|encoding", str(exc), re.IGNORECASE):
        return DataError(
            f"{path.name} is not valid UTF-8 text. Re-save it as UTF-8, or pass its encoding, "
            f"e.g. open_shop(..., encoding='latin-1'). (DuckDB: {text})",
            table=table,
            rule="encoding",
        )
    if "parquet" in str(exc).lower() or "magic" in str(exc).lower():
        return DataError(
            f"{path.name} is not a readable Parquet file ({text})", table=table, rule="unreadable_file"
        )
    return DataError(f"could not read {path.name}: {text}", table=table, rule="unreadable_file")


def attach_database(path: str | os.PathLike[str]) -> list[str]:
    """Attach a DuckDB database file read-only to cxlib's connection; return its table names."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"database file not found: {path}", table=str(path), rule="missing_file")
    con = duckdb_connection()
    alias = _alias(path)
    try:
        attached = {row[0] for row in con.sql("SELECT database_name FROM duckdb_databases()").fetchall()}
        if alias not in attached:
            con.execute(
                f"ATTACH '{str(path.resolve()).replace(chr(39), chr(39) * 2)}' AS {alias} (READ_ONLY)"
            )
        rows = con.sql(
            f"SELECT table_name FROM information_schema.tables WHERE table_catalog = '{alias}' ORDER BY 1"
        ).fetchall()
    except duckdb.Error as exc:
        raise _read_error(path, path.stem, exc) from None
    return [row[0] for row in rows]


def read_database_table(path: str | os.PathLike[str], table: str) -> nw.LazyFrame[Any]:
    """The table named ``table`` in a DuckDB database file, read lazily."""
    path = Path(path)
    if table not in attach_database(path):
        raise DataError(f"the database {path.name} has no table '{table}'", table=table, rule="missing_table")
    return nw.from_native(duckdb_connection().sql(f'SELECT * FROM {_alias(path)}."{table}"'))


def _alias(path: Path) -> str:
    import hashlib

    return "cx_db_" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
