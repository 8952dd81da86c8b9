"""Reading text exports through DuckDB: CSV dialects, encodings and Excel workbooks.

DuckDB reads CSV out of core and in parallel. Real exports need a little help:

* **Quoted line breaks** (review bodies, order notes) read with DuckDB's parallel reader as
  long as ``null_padding`` is off; rows with missing trailing fields need ``null_padding``,
  which DuckDB allows with quoted line breaks only on its single-threaded reader. The reader
  therefore tries a short list of option sets (:data:`CSV_ATTEMPTS`), fastest first, and keeps
  the first that reads the file; mixed CRLF/LF line endings need ``strict_mode = false``.
  When none reads it, the error shows DuckDB's whole explanation.
* **Encodings**: DuckDB reads UTF-8 (a byte-order mark is fine) and, without extensions that
  would have to be downloaded, few others. Every other encoding (``utf-16``, ``cp1250``,
  ``cp1252``, ``latin-1``, ``cp1256``, any Python codec) is transcoded once, streaming, into a
  temporary UTF-8 copy (removed when Python exits) that DuckDB then reads. A file starting
  with a UTF-16 byte-order mark is read as UTF-16 whatever ``encoding`` says.
* **Excel** (``.xlsx``): the first sheet, or the one named in the mapping (``sheet:``), read
  with openpyxl (the optional extra ``cxlib[excel]``) and handed to DuckDB through Arrow.
"""

from __future__ import annotations

import atexit
import codecs
import gzip
import re
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

import duckdb

from cxlib.data.engine_sql import sql_literal
from cxlib.errors import DataError

__all__ = [
    "CSV_ATTEMPTS",
    "ENCODING_ERROR",
    "EXCEL_SUFFIXES",
    "check_encoding",
    "duckdb_message",
    "read_csv_relation",
    "read_excel_relation",
    "utf8_path",
]

#: Reader options tried in order: parallel first; ragged rows; mixed line endings; both.
#: ``skip = 0`` always: DuckDB's sniffer otherwise takes a wide row for the header and skips
#: every row before it. The fallbacks keep the double quote as quote character: after a failed
#: strict read DuckDB's sniffer may choose "no quotes" and split quoted texts into rows.
CSV_ATTEMPTS: tuple[str, ...] = (
    "",
    "quote = '\"', null_padding = true, parallel = false",
    "quote = '\"', strict_mode = false",
    "quote = '\"', strict_mode = false, null_padding = true, parallel = false",
)
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", ";", "\t", "|")
#: How DuckDB words a byte sequence that is not UTF-8.
ENCODING_ERROR = re.compile(
    r"invalid unicode|not valid utf|invalid utf|byte sequence mismatch", re.IGNORECASE
)
_BOMS = {codecs.BOM_UTF16_LE: "utf-16", codecs.BOM_UTF16_BE: "utf-16"}
_copies: dict[tuple[str, float, int, str], Path] = {}
_tempdir: list[Path] = []


def check_encoding(encoding: str) -> str:
    """Return the codec name of ``encoding``; :class:`~cxlib.errors.DataError` when Python has none."""
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise DataError(
            f"unknown encoding {encoding!r}; use a name such as 'utf-8', 'utf-16', 'cp1250', "
            "'cp1252', 'latin-1' or 'cp1256'",
            table="options",
            column="encoding",
            rule="unknown_encoding",
        ) from None


def duckdb_message(exc: BaseException) -> str:
    """DuckDB's whole explanation, without its long list of tried dialects."""
    text = str(exc).strip() or type(exc).__name__
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return " ".join(lines[:12]) + (" …" if len(lines) > 12 else "")


def utf8_path(path: Path, encoding: str, table: str) -> Path:
    """``path`` itself when DuckDB can read it as UTF-8, else a UTF-8 copy of it.

    Parameters
    ----------
    path : Path
        A CSV file (``.gz`` allowed).
    encoding : str
        Its encoding (any Python codec name).
    table : str
        Table name for error messages.
    """
    name = check_encoding(encoding)
    with _open_binary(path) as handle:
        head = handle.read(4)
    name = next((enc for bom, enc in _BOMS.items() if head.startswith(bom)), name)
    if name in ("utf-8", "utf-8-sig"):
        return path
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime, stat.st_size, name)
    if key not in _copies or not _copies[key].exists():
        _copies[key] = _transcode(path, name, table)
    return _copies[key]


def _open_binary(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _transcode(path: Path, encoding: str, table: str, chunk: int = 1 << 20) -> Path:
    if not _tempdir:
        _tempdir.append(Path(tempfile.mkdtemp(prefix="cxlib-utf8-")))
        atexit.register(shutil.rmtree, _tempdir[0], ignore_errors=True)
    target = _tempdir[0] / f"{len(_copies)}-{path.name.removesuffix('.gz')}"
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    done, lines = 0, 1
    with _open_binary(path) as src, target.open("w", encoding="utf-8", newline="") as dst:
        while True:
            data = src.read(chunk)
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                line = lines + data[: exc.start].count(b"\n")
                raise DataError(
                    f"{path.name} is not valid {encoding} text: byte {data[exc.start : exc.start + 1]!r} at "
                    f"byte {done + exc.start:,} (about line {line:,}) cannot be decoded. Pass the "
                    "encoding the file was written in, e.g. encoding='cp1250' (Central European), "
                    "'cp1252' (Western), 'cp1256' (Arabic) or 'utf-16'",
                    table=table,
                    rule="encoding",
                ) from None
            dst.write(text.removeprefix("\ufeff") if done == 0 else text)
            if not data:
                break
            done += len(data)
            lines += data.count(b"\n")
    return target


def read_csv_relation(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    *,
    table: str,
    text_columns: tuple[str, ...] = (),
    all_text: bool = False,
    start: int = 0,
    union_by_name: bool = False,
) -> tuple[duckdb.DuckDBPyRelation, int]:
    """Return a lazy DuckDB relation over UTF-8 CSV ``paths``, with the first reader options that work.

    Parameters
    ----------
    con : DuckDBPyConnection
    paths : list of Path
        UTF-8 files (see :func:`utf8_path`).
    table : str
        Table name for messages.
    text_columns : tuple of str
        Columns read as text (the others keep the types DuckDB detects).
    all_text : bool
        Read every column as text.
    start : int
        Index into :data:`CSV_ATTEMPTS` to start from (a retry after a late read error).
    union_by_name : bool
        Match the columns of several files by name.

    Returns
    -------
    (relation, attempt)
        The relation and the index of the options that read it.
    """
    listed = "[" + ", ".join(sql_literal(str(p)) for p in paths) + "]"
    errors: list[str] = []
    for attempt in range(start, len(CSV_ATTEMPTS)):
        extra = CSV_ATTEMPTS[attempt]
        options = "header = true, skip = 0, sample_size = 20480" + (f", {extra}" if extra else "")
        if union_by_name:
            options += ", union_by_name = true"
        try:
            columns = _sniffed_columns(con, paths[0], extra)
            if len(columns) == 1 and any(d in columns[0] for d in _DELIMITERS):
                errors.append(
                    f"the rows do not split into the header's columns {columns[0]!r} (a row with more "
                    "fields than the header: an unquoted delimiter inside a value, or a quote never closed?)"
                )
                continue
            if all_text:
                options += ", all_varchar = true"
            else:
                typed = [c for c in text_columns if c in columns]
                if typed:
                    body = ", ".join(f"{sql_literal(c)}: 'VARCHAR'" for c in typed)
                    options += f", types = {{{body}}}"
            relation = con.sql(f"SELECT * FROM read_csv({listed}, {options})")
            relation.limit(1).to_arrow_table()  # surface read errors now
            return relation, attempt
        except duckdb.Error as exc:
            errors.append(f"DuckDB says: {duckdb_message(exc)}")
    names = ", ".join(p.name for p in paths[:3])
    if any(ENCODING_ERROR.search(e) for e in errors):
        raise DataError(
            f"{names} is not valid UTF-8 text. Pass the encoding it was written in, e.g. "
            "open_shop(..., encoding='cp1250') (Central European), encoding='cp1252' or "
            "encoding='latin-1' (Western European), encoding='cp1256' (Arabic) or encoding='utf-16', "
            f"or re-save it as UTF-8. {errors[0]}",
            table=table,
            rule="encoding",
        )
    raise DataError(
        f"could not read {names} as CSV: {errors[0]}"
        + (f" (Also tried other reader options: {errors[-1]})" if len(errors) > 1 else ""),
        table=table,
        rule="unreadable_file",
    )


def _sniffed_columns(con: duckdb.DuckDBPyConnection, path: Path, extra: str) -> list[str]:
    kept = [part for part in extra.split(", ") if part and not part.startswith("parallel")]
    options = "".join(f", {part}" for part in kept)
    sniffed = con.sql(
        f"SELECT Columns FROM sniff_csv({sql_literal(str(path))}, skip = 0, sample_size = 20480{options})"
    )
    return [c["name"] for c in sniffed.to_arrow_table().to_pylist()[0]["Columns"]]


def read_excel_relation(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    table: str,
    sheet: str | None,
    text_columns: tuple[str, ...],
) -> duckdb.DuckDBPyRelation:
    """Return the first sheet of an Excel workbook (or ``sheet``) as a DuckDB relation.

    Needs openpyxl (``pip install cxlib[excel]``); without it the error says how to export CSV.
    """
    try:
        import openpyxl  # noqa: F401 - only checks it is installed
    except ImportError:
        raise DataError(
            f"{path.name} is an Excel workbook; reading it needs openpyxl (pip install 'cxlib[excel]'). "
            "Or export the sheet as CSV: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'",
            table=table,
            rule="excel_needs_openpyxl",
        ) from None
    import pandas as pd
    import pyarrow as pa

    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = [str(s) for s in book.sheet_names]
            if sheet is not None and sheet not in names:
                raise DataError(
                    f"{path.name} has no sheet {sheet!r}; sheets: {', '.join(names)}",
                    table=table,
                    column="sheet",
                    rule="missing_sheet",
                )
            header = pd.read_excel(book, sheet_name=sheet or 0, nrows=0).columns
            dtype: Any = {c: "str" for c in text_columns if c in header}
            frame = pd.read_excel(book, sheet_name=sheet or 0, dtype=dtype)
    except DataError:
        raise
    except (ValueError, OSError, KeyError) as exc:
        raise DataError(
            f"could not read {path.name} as an Excel workbook ({exc}). Export the sheet as CSV "
            "(File > Save As > 'CSV UTF-8') and read that",
            table=table,
            rule="unreadable_file",
        ) from None
    frame.columns = [str(c) for c in frame.columns]
    return con.from_arrow(pa.Table.from_pandas(frame, preserve_index=False))
