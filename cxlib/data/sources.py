"""Reading a table from where it lives: files through DuckDB, database files, in-memory frames.

Files are read lazily through DuckDB (the embedded default), so a 10 GB Parquet file is never
loaded into memory by ``open``. CSV files are read with the contract columns as text, so that
ids keep their leading zeros and every value is checked by the validator instead of failing
half-way through a query. Read errors become :class:`~cxlib.errors.DataError` naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import narwhals.stable.v2 as nw

from cxlib.data.contracts import CONTRACTS
from cxlib.data.text_files import (
    ENCODING_ERROR,
    EXCEL_SUFFIXES,
    duckdb_message,
    read_csv_relation,
    read_excel_relation,
    utf8_path,
)
from cxlib.engine import duckdb_connection
from cxlib.errors import DataError

__all__ = [
    "DATABASE_SUFFIXES",
    "FILE_SUFFIXES",
    "attach_database",
    "find_table_files",
    "is_csv",
    "permission_error",
    "read_database_table",
    "read_file",
]

FILE_SUFFIXES = (".parquet", ".csv", ".csv.gz", ".tsv", ".txt", *EXCEL_SUFFIXES)
DATABASE_SUFFIXES = (".duckdb", ".ddb", ".db")


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
                    f"two files hold this table: {found[table_name_of(entry)].name} and {entry.name}; "
                    "keep one",
                    table=table_name_of(entry),
                    rule="ambiguous_source",
                )
            found[table_name_of(entry)] = entry
    return found


def read_file(
    path: str | os.PathLike[str],
    table: str,
    *,
    text_columns: tuple[str, ...] = (),
    encoding: str = "utf-8",
    sheet: str | None = None,
    retry: bool = False,
) -> nw.LazyFrame[Any]:
    """Read a Parquet, CSV or Excel file (or a folder of Parquet files) lazily through DuckDB.

    Parameters
    ----------
    path : path
        File, or folder of Parquet files (hive partitions allowed).
    table : str
        Contract table name, used in error messages.
    text_columns : tuple of str
        CSV and Excel columns to read as text (the contract columns, under their source names).
    encoding : str
        CSV encoding: any Python codec name (``utf-8``, the default, ``utf-16``, ``cp1250``,
        ``cp1252``, ``latin-1``, ``cp1256``, ...); see :mod:`cxlib.data.text_files`.
    sheet : str, optional
        Sheet of an Excel workbook (default: the first).
    retry : bool
        A CSV file failed late with the fastest reader options: read it with the robust ones.
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
        elif suffix in EXCEL_SUFFIXES:
            relation = read_excel_relation(con, path, table=table, sheet=sheet, text_columns=text_columns)
        else:
            _refuse_excel(path, table)
            readable = utf8_path(path, encoding, table)
            relation, _ = read_csv_relation(
                con, [readable], table=table, text_columns=text_columns, start=1 if retry else 0
            )
        relation.limit(1).to_arrow_table()  # surface read errors now, with the file's name
    except DataError:
        raise
    except PermissionError as exc:
        raise permission_error(exc, table) from None
    except (duckdb.Error, UnicodeError) as exc:
        raise _read_error(path, table, exc) from None
    return nw.from_native(relation)


def is_csv(path: Any) -> bool:
    """Whether ``path`` names a CSV-like text file (read with :func:`read_file`'s CSV reader)."""
    if not isinstance(path, (str, os.PathLike)):
        return False
    return _suffix(Path(path)) in (".csv", ".csv.gz", ".tsv", ".txt")


def permission_error(exc: PermissionError, table: str) -> DataError:
    """Return a :class:`~cxlib.errors.DataError` for a file or folder the user may not read."""
    where = exc.filename or "a file of the source"
    return DataError(
        f"cannot read {where}: permission denied. Give your user read access "
        "(e.g. chmod u+r, or for a folder chmod u+rx) or copy the data somewhere readable",
        table=table,
        rule="permission_denied",
    )


def _refuse_excel(path: Path, table: str) -> None:
    """Refuse an Excel workbook under a CSV name (or an old .xls) in words, not as bad UTF-8."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise DataError(
            f"{path.name} is an Excel workbook, not a CSV file. Save it as .xlsx and read that "
            "(needs pip install 'cxlib[excel]'), or export the sheet as CSV: File > Save As > "
            "'CSV UTF-8 (Comma delimited)'",
            table=table,
            rule="excel_not_csv",
        )


def _read_error(path: Path, table: str, exc: Exception) -> DataError:
    text = duckdb_message(exc)
    if "permission denied" in text.lower():
        return DataError(
            f"cannot read {path}: permission denied. Give your user read access",
            table=table,
            rule="permission_denied",
        )
    if ENCODING_ERROR.search(text):
        return DataError(
            f"{path.name} is not valid UTF-8 text. Pass the encoding it was written in, e.g. "
            "open_shop(..., encoding='cp1250') (Central European), 'cp1252' (Western), 'cp1256' "
            f"(Arabic) or 'utf-16', or re-save it as UTF-8. (DuckDB: {text})",
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
    """Return the table named ``table`` in a DuckDB database file, read lazily."""
    path = Path(path)
    if table not in attach_database(path):
        raise DataError(f"the database {path.name} has no table '{table}'", table=table, rule="missing_table")
    return nw.from_native(duckdb_connection().sql(f'SELECT * FROM {_alias(path)}."{table}"'))


def _alias(path: Path) -> str:
    import hashlib

    return "cx_db_" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
