"""Where the data lives: backend detection, the DuckDB connection, Spark sessions, collecting.

cxlib aggregates with Narwhals on the user's own backend (pandas, polars, DuckDB, Spark).
This module holds the few backend-specific pieces: the shared DuckDB connection (session time
zone UTC, so month truncation agrees across backends), an optional Spark session with UTC and
Arrow transfer, and collecting any frame into pandas.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterable
from typing import Any

import duckdb
import narwhals.stable.v2 as nw
import pandas as pd

from cxlib.errors import DataError

__all__ = ["backend", "duckdb_connection", "require_columns", "spark_session", "to_narwhals", "to_pandas"]

_lock = threading.Lock()
_connection: duckdb.DuckDBPyConnection | None = None


def duckdb_connection() -> duckdb.DuckDBPyConnection:
    """The DuckDB connection cxlib reads files with (created once, session time zone UTC)."""
    global _connection
    with _lock:
        if _connection is None:
            _connection = duckdb.connect()
            configure_duckdb(_connection)
        return _connection


def configure_duckdb(con: duckdb.DuckDBPyConnection) -> None:
    """Set the session options cxlib relies on: UTC time zone, no progress bar."""
    con.execute("SET TimeZone = 'UTC'")
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        # Inside a Jupyter kernel DuckDB refuses this setting unless ipywidgets is
        # installed; its progress bar is then off anyway.
        pass


def spark_session(app_name: str = "cxlib") -> Any:
    """Get or create a local Spark session configured for cxlib (UTC, Arrow, temp warehouse).

    Requires the optional dependency ``pyspark`` (``pip install cxlib[spark]``) and Java 17.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError("Spark support needs `pip install cxlib[spark]` and Java 17") from exc
    warehouse = tempfile.mkdtemp(prefix="cxlib-spark-warehouse-")
    return (
        SparkSession.builder.appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", warehouse)
        .getOrCreate()
    )


def backend(frame: Any) -> str:
    """Name of the backend a frame lives in: pandas, polars, pyarrow, duckdb, pyspark, ..."""
    native = frame.to_native() if isinstance(frame, (nw.DataFrame, nw.LazyFrame)) else frame
    if isinstance(native, duckdb.DuckDBPyRelation):
        return "duckdb"
    implementation = nw.from_native(native).implementation
    return str(implementation.name).lower().replace("pyspark_connect", "pyspark")


def to_narwhals(frame: Any) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    """Wrap any supported native frame (or pass a Narwhals frame through)."""
    if isinstance(frame, (nw.DataFrame, nw.LazyFrame)):
        return frame
    return nw.from_native(frame)


def to_pandas(frame: Any) -> pd.DataFrame:
    """Collect any supported frame (native or Narwhals, eager or lazy) into pandas."""
    nw_frame = to_narwhals(frame)
    if isinstance(nw_frame, nw.LazyFrame):
        if backend(nw_frame) == "polars":
            return nw_frame.collect("pandas").to_native()
        # Through Arrow: DuckDB's and Spark's own pandas conversions call APIs deprecated in pandas 3.
        return nw_frame.collect("pyarrow").to_native().to_pandas()
    return nw_frame.to_pandas()


def require_columns(frame: Any, columns: Iterable[str], table: str, *, purpose: str = "") -> None:
    """Raise :class:`~cxlib.errors.DataError` when ``frame`` lacks any of ``columns``.

    Analysis functions call this first, so a missing column is named in words instead of
    failing deep inside the engine.
    """
    present = to_narwhals(frame).columns
    missing = [c for c in columns if c not in present]
    if missing:
        need = f" for {purpose}" if purpose else ""
        raise DataError(
            f"needs column(s) {', '.join(repr(m) for m in missing)}{need}; columns found: {', '.join(present)}",
            table=table, column=missing[0], rule="missing_column",
        )
