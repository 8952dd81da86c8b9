"""One way in: ``open_shop`` and ``open_table`` turn any supported source into validated tables.

Each table takes the path of :func:`cxlib.data.pipeline.load_table` (read, reshape, map, derive,
validate and localise); this module finds the tables of a source and collects them in a :class:`Shop`.
"""

from __future__ import annotations

import hashlib
import os
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib.data.contracts import CONTRACTS, TABLES
from cxlib.data.coverage import TableCoverage, coverage_frame
from cxlib.data.exports import ExportFiles, find_export_files
from cxlib.data.mapping import MappingSource, ShopMapping, folder_mapping, load_mapping
from cxlib.data.pipeline import load_table
from cxlib.data.sources import (
    DATABASE_SUFFIXES,
    attach_database,
    find_table_files,
    permission_error,
    table_name_of,
)
from cxlib.data.text_files import check_encoding
from cxlib.data.validate import Finding, OnError
from cxlib.errors import DataError
from cxlib.timestamps import LocalTimePolicy

__all__ = ["Shop", "check_shop", "open_shop", "open_table", "resolve_sources"]


@dataclass(frozen=True)
class Shop:
    """The validated tables of one shop. Absent tables are ``None``.

    Each table is a native frame on the backend it came from: a DuckDB relation for files
    (read lazily, out of core), or the pandas / polars / Spark frame that was passed in.
    ``coverage`` says per table how many rows were read, kept and left out, and why
    (:meth:`coverage_table`).
    """

    events: Any = None
    orders: Any = None
    surveys: Any = None
    feedback: Any = None
    experiments: Any = None
    source: str = ""
    fingerprint: str = ""
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    coverage: tuple[TableCoverage, ...] = field(default_factory=tuple)

    def coverage_table(self) -> pd.DataFrame:
        """Per table: rows read, kept and left out, with the reasons (rule and count).

        Columns ``table, rows_read, rows_kept, rows_left_out, share_left_out, reasons``;
        tables passed as frames count their rows too. Report headers show it.
        """
        return coverage_frame(self.coverage)

    def tables(self) -> dict[str, Any]:
        """Return the present tables, by contract name."""
        return {name: getattr(self, name) for name in TABLES if getattr(self, name) is not None}

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self.tables().items())

    def __repr__(self) -> str:
        present = ", ".join(self.tables()) or "no tables"
        return f"Shop({present}; source={self.source!r})"


Source = Any
Engine = Literal["duckdb", "spark"]
#: Values of ``open_shop(engine=...)``.
ENGINES: tuple[Engine | None, ...] = (None, "duckdb", "spark")


def open_table(
    source: Source,
    table: str,
    mapping: MappingSource = None,
    on_error: OnError = "raise",
    timezone: str | None = None,
    encoding: str = "utf-8",
    *,
    ambiguous: str = "raise",
    nonexistent: str = "raise",
    findings: list[Finding] | None = None,
    coverage: list[TableCoverage] | None = None,
) -> Any:
    """Open and validate one contract table.

    Parameters
    ----------
    source : path or frame
        A Parquet/CSV file, a folder of Parquet files, a DuckDB database file (the table of
        that name is read), or a pandas / polars / DuckDB / Spark frame.
    table : str
        Contract table: ``events``, ``orders``, ``surveys``, ``feedback`` or ``experiments``.
    mapping, on_error, timezone, encoding, ambiguous, nonexistent
        As in :func:`open_shop`.
    findings : list, optional
        Receives every broken rule (:class:`~cxlib.data.validate.Finding`).
    coverage : list, optional
        Receives the table's rows read, filtered, rolled up, kept and left out
        (:class:`~cxlib.data.coverage.TableCoverage`).

    Returns
    -------
    The validated table as a native frame on the source's backend.

    Examples
    --------
    >>> orders = open_table("data/sample/orders.parquet", "orders")  # doctest: +SKIP
    """
    if table not in CONTRACTS:
        raise DataError(
            f"unknown table '{table}'; tables: {', '.join(TABLES)}", table=str(table), rule="unknown_table"
        )
    _check_options(on_error, timezone, encoding)
    loaded = load_mapping(mapping)
    spec = loaded.get(table)
    timezone = spec.timezone if spec is not None and spec.timezone else timezone
    local_times = LocalTimePolicy(
        spec.ambiguous if spec is not None and spec.ambiguous else ambiguous,
        spec.nonexistent if spec is not None and spec.nonexistent else nonexistent,
    )
    valid, found, covered = load_table(
        source,
        table,
        spec,
        salt=loaded.salt,
        on_error=on_error,
        timezone=timezone,
        encoding=encoding,
        local_times=local_times,
    )
    if findings is not None:
        findings.extend(found)
    if coverage is not None:
        coverage.extend(covered)
    return valid.to_native()


def open_shop(
    source: Source,
    mapping: MappingSource = None,
    on_error: OnError = "raise",
    timezone: str | None = None,
    encoding: str = "utf-8",
    engine: Engine | None = None,
    *,
    ambiguous: str = "raise",
    nonexistent: str = "raise",
) -> Shop:
    """Open a shop's tables, validate them against the contracts and return a :class:`Shop`.

    Parameters
    ----------
    source : path, dict or frame
        A folder holding ``events``, ``orders``, ``surveys``, ``feedback`` and/or
        ``experiments`` as ``.parquet``/``.csv`` files (or Parquet folders); a single such
        file; a DuckDB database file with tables of those names; or a dict from table name
        to a pandas, polars, DuckDB or Spark frame (or a path).
    mapping : dict, YAML path, preset name(s), optional
        Renames your columns onto the contract: ``{"orders": {"Order ID": "order_id"}}``,
        or names presets for common exports (``"shopify_orders,ga4_events"``); see
        :mod:`cxlib.data.mapping`. Without it, a folder's ``mapping.yaml`` is used if present.
    on_error : {"raise", "drop"}
        What to do with rows that break a rule: raise :class:`~cxlib.DataError` naming the
        table, column, rule and first offending rows, or drop them with a warning that
        counts them. Structural problems (missing columns, wrong types) always raise.
    timezone : str, optional
        IANA zone of timestamps written without one. Without it such timestamps are rejected.
    encoding : str
        Encoding of CSV files: ``utf-8`` (default; a byte-order mark is fine), ``utf-16``,
        ``cp1250``, ``cp1252``, ``latin-1``, ``cp1256`` or any other Python codec name. A file
        starting with a UTF-16 byte-order mark is read as UTF-16.
    engine : {None, "duckdb", "spark"}
        Where a path or name is read. ``None`` or ``"duckdb"``: files through DuckDB (lazily,
        out of core). ``"spark"``: through Spark, in the active session or a new local one
        (:func:`cxlib.engine.spark_session`): a local folder or Parquet file, a URL of a
        Parquet folder or file (``s3://bucket/shop``), a table in Spark's catalog
        (``shop.orders``, named after its contract table) or a database holding tables named
        ``events``, ``orders``, ... (``shop``). Parquet only (no CSV or DuckDB files); column
        mappings apply, export presets do not. A dict of frames or paths is opened as
        without ``engine`` (each frame stays on its own backend).
    ambiguous : {"raise", "earliest", "latest"}
        Local times (``timezone``) that occur twice when clocks go back: a row problem
        (default), the first instant (summer time) or the second. Same on every engine.
    nonexistent : {"raise", "shift_forward"}
        Local times skipped when clocks go forward: a row problem (default) or moved forward
        by the gap (02:30 becomes 03:30). See :class:`cxlib.timestamps.LocalTimePolicy`.

    Returns
    -------
    Shop
        Validated tables; absent ones are ``None``. Timestamps are UTC, ids are text.

    Examples
    --------
    >>> shop = open_shop("data/sample")  # doctest: +SKIP
    >>> shop.orders  # a DuckDB relation, read lazily  # doctest: +SKIP
    >>> shop = open_shop("s3://bucket/shop", engine="spark")  # doctest: +SKIP
    >>> shop = open_shop("shop", engine="spark")  # the Spark database shop  # doctest: +SKIP
    """
    _check_options(on_error, timezone, encoding)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(map(repr, ENGINES))}, not {engine!r}")
    loaded = load_mapping(mapping if mapping is not None else folder_mapping(source))
    if engine == "spark" and isinstance(source, (str, os.PathLike)):
        from cxlib.data.spark_sources import spark_sources

        sources, description, files = spark_sources(source)
        fingerprint = _fingerprint(files) if files else hashlib.sha256(description.encode()).hexdigest()[:16]
    else:
        try:
            sources, description = resolve_sources(source, loaded)
            fingerprint = _fingerprint(sources)
        except PermissionError as exc:
            raise permission_error(exc, "source") from None
    findings: list[Finding] = []
    coverage: list[TableCoverage] = []
    tables = {
        name: open_table(
            src,
            name,
            loaded,
            on_error,
            timezone,
            encoding,
            ambiguous=ambiguous,
            nonexistent=nonexistent,
            findings=findings,
            coverage=coverage,
        )
        for name, src in sources.items()
    }
    return Shop(
        **tables,
        source=description,
        fingerprint=fingerprint,
        findings=tuple(findings),
        coverage=tuple(coverage),
    )


def check_shop(
    source: Source,
    mapping: MappingSource = None,
    timezone: str | None = None,
    encoding: str = "utf-8",
    *,
    ambiguous: str = "raise",
    nonexistent: str = "raise",
) -> list[Finding]:
    """Validate every table of a source and list what is wrong, without raising.

    Structural problems (unreadable file, missing column, ...) come back as findings with
    ``n_rows == 0``; row problems with their counts and example rows. An empty list means
    the data is ready to use.
    """
    try:
        loaded = load_mapping(mapping if mapping is not None else folder_mapping(source))
        sources, _ = resolve_sources(source, loaded)
    except PermissionError as exc:
        return [_finding_from_error(permission_error(exc, "source"))]
    except DataError as exc:
        return [_finding_from_error(exc)]
    findings: list[Finding] = []
    for name, src in sources.items():
        try:
            open_table(
                src,
                name,
                loaded,
                "report",
                timezone,
                encoding,
                ambiguous=ambiguous,
                nonexistent=nonexistent,
                findings=findings,
            )
        except DataError as exc:
            findings.append(_finding_from_error(exc))
    return findings


def _finding_from_error(exc: DataError) -> Finding:
    return Finding(
        exc.table or "", exc.column, exc.rule or "error", exc.detail, exc.n_rows or 0, tuple(exc.rows)
    )


def _check_options(on_error: str, timezone: str | None, encoding: str) -> None:
    if on_error not in ("raise", "drop", "report"):
        raise ValueError(f"on_error must be 'raise' or 'drop', not {on_error!r}")
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise DataError(
                f"unknown time zone {timezone!r}; use an IANA name such as 'Europe/Warsaw' or 'UTC'",
                table="options",
                column="timezone",
                rule="unknown_timezone",
            ) from None
    check_encoding(encoding)


def resolve_sources(source: Source, mapping: ShopMapping | None = None) -> tuple[dict[str, Any], str]:
    """Table name -> per-table source, and a description of the whole source.

    Files named after a table (``orders.csv``) hold that table; so do the files matching a
    mapping's ``files`` patterns (``orders_export*.csv``), which come back as
    :class:`~cxlib.data.exports.ExportFiles`.
    """
    mapping = mapping or ShopMapping()
    if isinstance(source, Mapping):
        unknown = [k for k in source if k not in CONTRACTS]
        if unknown:
            raise DataError(
                f"unknown table name(s) {', '.join(map(repr, unknown))}; tables: {', '.join(TABLES)}",
                table=str(unknown[0]),
                rule="unknown_table",
            )
        return {k: v for k, v in source.items() if v is not None}, "in-memory tables" if not any(
            isinstance(v, (str, os.PathLike)) for v in source.values()
        ) else "files"
    if not isinstance(source, (str, os.PathLike)):
        raise DataError(
            "open_shop needs a folder, a file, a DuckDB database or a dict of tables, "
            f"not a {type(source).__name__}; for one frame use open_table(frame, 'orders')",
            table="source",
            rule="unknown_source",
        )
    path = Path(source).expanduser()
    if not path.exists():
        raise DataError(f"no such file or folder: {path}", table=str(path), rule="missing_file")
    if path.is_dir():
        found: dict[str, Any] = {**find_table_files(path), **find_export_files(path, mapping)}
        if not found:
            patterns = sorted({p for spec in mapping.tables.values() for p in spec.files})
            raise DataError(
                f"the folder {path} holds no table files; expected files named after the tables "
                f"({', '.join(t + '.parquet' for t in TABLES)}, or .csv)"
                + (f" or matching the mapping's patterns ({', '.join(patterns)})" if patterns else "")
                + ". For exports from Shopify, GA4 or survey tools, pass a preset: --mapping NAME",
                table=str(path),
                rule="no_tables",
            )
        return found, _described(str(path), mapping)
    if path.name.lower().endswith(DATABASE_SUFFIXES):
        names = [t for t in attach_database(path) if t in CONTRACTS]
        if not names:
            raise DataError(
                f"the database {path.name} has no table named {', '.join(TABLES)}",
                table=str(path),
                rule="no_tables",
            )
        return dict.fromkeys(names, path), str(path)
    name = table_name_of(path)
    if name not in CONTRACTS:
        name = mapping.table_for_file(path) or name
    if name not in CONTRACTS:
        raise DataError(
            f"cannot tell which table {path.name} holds; name it after a table "
            f"({', '.join(TABLES)}), use open_table(path, 'orders'), or pass a mapping for it",
            table=str(path),
            rule="unknown_table",
        )
    spec = mapping.get(name)
    exported = spec is not None and (spec.adapter is not None or bool(spec.files))
    return {name: ExportFiles((path,)) if exported else path}, _described(str(path), mapping)


def _described(description: str, mapping: ShopMapping) -> str:
    return f"{description} (mapping: {mapping.origin})" if mapping.origin else description


def _fingerprint(sources: dict[str, Any]) -> str:
    """Return a short content hash of the sources (files: size + first and last MiB)."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode())
        src = sources[name]
        if isinstance(src, ExportFiles):
            for file in src.paths:
                _hash_file(digest, file)
        elif isinstance(src, (str, os.PathLike)):
            path = Path(src)
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            for file in files:
                _hash_file(digest, file)
        else:
            frame = nw.from_native(src)
            digest.update(repr(frame.collect_schema()).encode())
            digest.update(
                str(id(src)).encode() if isinstance(frame, nw.LazyFrame) else str(len(frame)).encode()
            )
            if isinstance(frame, nw.DataFrame):
                digest.update(frame.head(1000).to_pandas().to_csv().encode())
    return digest.hexdigest()[:16]


def _hash_file(digest: Any, file: Path, chunk: int = 1 << 20) -> None:
    size = file.stat().st_size
    digest.update(f"{file.name}:{size}".encode())
    with file.open("rb") as handle:
        digest.update(handle.read(chunk))
        if size > 2 * chunk:
            handle.seek(-chunk, os.SEEK_END)
        digest.update(handle.read(chunk))
