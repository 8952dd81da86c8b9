"""Where the data lives: backend detection, the DuckDB connection, Spark sessions, collecting.

cxlib aggregates with Narwhals on the user's own backend (pandas, polars, DuckDB, Spark).
This module holds the few backend-specific pieces: the shared DuckDB connection (session time
zone UTC, so month truncation agrees across backends), an optional Spark session with UTC and
Arrow transfer, and collecting any frame into pandas.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import narwhals.stable.v2 as nw
import pandas as pd
import pyarrow as pa

from cxlib.errors import DataError

__all__ = [
    "UTC_NAMES",
    "backend",
    "check_utc_session",
    "duckdb_connection",
    "is_utc_zone",
    "pandas_on_duckdb",
    "plain_categoricals",
    "require_columns",
    "spark_session",
    "to_narwhals",
    "to_pandas",
]

_lock = threading.Lock()
_connection: duckdb.DuckDBPyConnection | None = None


def duckdb_connection() -> duckdb.DuckDBPyConnection:
    """Return the DuckDB connection cxlib reads files with (created once, session time zone UTC)."""
    global _connection
    with _lock:
        if _connection is None:
            _connection = duckdb.connect()
            configure_duckdb(_connection)
        return _connection


def configure_duckdb(con: duckdb.DuckDBPyConnection) -> None:
    """Set the session options cxlib relies on: UTC time zone, no progress bar."""
    con.execute("SET TimeZone = 'UTC'")
    # Inside a Jupyter kernel DuckDB refuses this setting unless ipywidgets is
    # installed; its progress bar is then off anyway.
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")


def spark_session(
    app_name: str = "cxlib", *, master: str | None = None, config: Mapping[str, str] | None = None
) -> Any:
    """Return the active Spark session, or a new one configured for cxlib (UTC, Arrow, temp warehouse).

    cxlib's calendar periods rely on the session time zone being UTC, so an active session
    (a cluster notebook's ``spark``) gets ``spark.sql.session.timeZone = UTC``; its other
    settings are left alone. A new session also gets Arrow transfer to pandas and a temporary
    warehouse directory (removed when Python exits).

    Requires the optional dependency ``pyspark`` (``pip install cxlib[spark]``) and Java 17.

    Parameters
    ----------
    app_name : str
        Application name of a new session.
    master : str, optional
        Master URL of a new session (e.g. ``"local[2]"``); default: Spark's own
        (``local[*]`` unless ``spark-submit`` or the environment says otherwise).
    config : mapping, optional
        Further options for a new session, e.g. ``{"spark.sql.shuffle.partitions": "8"}``.

    Returns
    -------
    pyspark.sql.SparkSession

    Examples
    --------
    >>> spark = spark_session(master="local[2]")  # doctest: +SKIP
    >>> orders = spark.read.parquet("data/sample/orders.parquet")  # doctest: +SKIP
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError("Spark support needs `pip install cxlib[spark]` and Java 17") from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        active.conf.set("spark.sql.session.timeZone", "UTC")
        return active
    warehouse = tempfile.mkdtemp(prefix="cxlib-spark-warehouse-")
    atexit.register(shutil.rmtree, warehouse, ignore_errors=True)
    options = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.warehouse.dir": warehouse,
        **(config or {}),
    }
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in options.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def pandas_on_duckdb(frame: pd.DataFrame) -> Any:
    """Return a DuckDB relation over a pandas frame's Arrow buffers, or ``None``.

    No copy is made where pandas already holds Arrow data; ``None`` is returned when a column
    cannot be represented in Arrow.
    """
    try:
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    return duckdb_connection().from_arrow(arrow)


def plain_categoricals(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Return ``frame`` with its categorical ``columns`` as plain values (a new frame).

    pandas cannot take the minimum of an unordered categorical, which segment columns need.
    """
    plain = {
        c: frame[c].astype(frame[c].cat.categories.dtype)
        for c in columns
        if isinstance(frame[c].dtype, pd.CategoricalDtype)
    }
    return frame.assign(**plain) if plain else frame


def backend(frame: Any) -> str:
    """Name of the backend a frame lives in: pandas, polars, pyarrow, duckdb, pyspark, ..."""
    native = frame.to_native() if isinstance(frame, (nw.DataFrame, nw.LazyFrame)) else frame
    if isinstance(native, duckdb.DuckDBPyRelation):
        return "duckdb"
    implementation = nw.from_native(native).implementation
    return str(implementation.name).lower().replace("pyspark_connect", "pyspark")


#: Names of UTC (no offset, no daylight saving), compared case-insensitively.
UTC_NAMES = frozenset(
    {
        "UTC",
        "UCT",
        "Z",
        "ZULU",
        "GMT",
        "GMT0",
        "GMT+0",
        "GMT-0",
        "GREENWICH",
        "UNIVERSAL",
        "+00:00",
        "+0000",
        "+00",
        "00:00",
        *(
            f"ETC/{name}"
            for name in ("UTC", "UCT", "ZULU", "GMT", "GMT0", "GMT+0", "GMT-0", "GREENWICH", "UNIVERSAL")
        ),
    }
)


def is_utc_zone(zone: Any) -> bool:
    """Whether a time-zone name means UTC (``UTC``, ``Etc/UTC``, ``GMT``, ``Z``, ``Zulu``, ``UCT``, ...).

    Zones that only sometimes have offset zero (``Europe/London``) are not UTC.
    """
    return zone is not None and str(zone).strip().upper() in UTC_NAMES


def check_utc_session(frame: Any, table: str) -> None:
    """Raise :class:`~cxlib.errors.DataError` when a frame's session time zone is not UTC.

    The zone checked is that of the Spark session of a Spark frame, or of the DuckDB connection
    a relation belongs to; any UTC alias is fine.

    Spark and DuckDB compute calendar parts (day, month) in the session time zone while
    reporting timestamps as UTC, so another zone would silently move orders between periods.
    """
    engine = backend(frame)
    if engine == "duckdb":
        native = frame.to_native() if isinstance(frame, (nw.DataFrame, nw.LazyFrame)) else frame
        zones = {
            dtype.time_zone
            for dtype in nw.from_native(native).collect_schema().values()
            if isinstance(dtype, nw.Datetime) and dtype.time_zone
        }
        zone = next(iter(zones), None)
        if zone is None or is_utc_zone(zone):
            return
        fix = "run `SET TimeZone = 'UTC'` on that DuckDB connection"
    elif engine == "pyspark":
        native = frame.to_native() if isinstance(frame, (nw.DataFrame, nw.LazyFrame)) else frame
        zone = native.sparkSession.conf.get("spark.sql.session.timeZone")
        if is_utc_zone(zone):
            return
        fix = (
            "run spark.conf.set('spark.sql.session.timeZone', 'UTC') or get the session from "
            "cxlib.engine.spark_session()"
        )
    else:
        return
    raise DataError(
        f"the session time zone is {zone}, so calendar periods would not be UTC; {fix}",
        table=table,
        column="ts",
        rule="session_time_zone",
    )


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
            f"needs column(s) {', '.join(repr(m) for m in missing)}{need}; "
            f"columns found: {', '.join(present)}",
            table=table,
            column=missing[0],
            rule="missing_column",
        )
