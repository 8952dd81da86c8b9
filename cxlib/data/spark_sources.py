"""Reading a shop through Spark: Parquet files and folders, URLs, and tables in Spark's catalog.

``open_shop(source, engine="spark")`` comes here for a path or a name. What the source is,
tried in this order:

* a local folder or Parquet file (the same layout as for DuckDB: ``orders.parquet`` or an
  ``orders/`` folder of Parquet files per table), read with ``spark.read.parquet``;
* a URL (``s3://bucket/shop``, ``abfss://...``, ``dbfs:/...``, ``file:///...``): a folder
  holding ``<table>.parquet`` files or ``<table>/`` Parquet folders, or one ``.parquet`` table;
* a table in the session's catalog (``orders``, ``shop.orders``, ``main.shop.orders``): the
  table named after the last part;
* a database (schema) in the catalog holding tables named ``events``, ``orders``, ...

The frames come back on Spark; validation then runs there like on any other backend.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cxlib.data.contracts import CONTRACTS, TABLES
from cxlib.data.sources import find_table_files, table_name_of
from cxlib.engine import spark_session
from cxlib.errors import DataError

__all__ = ["spark_sources"]


def spark_sources(
    source: str | os.PathLike[str], spark: Any = None
) -> tuple[dict[str, Any], str, dict[str, Path]]:
    """Spark frames of a shop's tables, read from a path, URL, table or database name.

    Parameters
    ----------
    source : str or path
        Local folder or Parquet file, URL of a Parquet folder or file, catalog table name
        (``shop.orders``) or database name (``shop``).
    spark : SparkSession, optional
        Default: :func:`cxlib.engine.spark_session` (the active session, or a new local one).

    Returns
    -------
    (frames, description, files) : tuple
        Table name -> Spark DataFrame; a description of the source; and, for local sources,
        table name -> path (for the data fingerprint), else an empty dict.
    """
    spark = spark if spark is not None else spark_session()
    text = os.fspath(source).strip()
    path = Path(text).expanduser()
    if "://" not in text and path.exists():
        files = _local_files(path)
        return {name: spark.read.parquet(str(file)) for name, file in files.items()}, str(path), files
    if "://" in text or text.startswith("dbfs:/"):
        return _read_url(spark, text), text, {}
    return _read_catalog(spark, text), f"Spark catalog: {text}", {}


def _local_files(path: Path) -> dict[str, Path]:
    if path.is_dir():
        files = find_table_files(path)
        if not files:
            raise DataError(
                f"the folder {path} holds no table files; "
                f"expected {', '.join(t + '.parquet' for t in TABLES)} "
                "or Parquet folders named after the tables",
                table=str(path),
                rule="no_tables",
            )
    else:
        name = table_name_of(path)
        if name not in CONTRACTS:
            raise DataError(
                f"cannot tell which table {path.name} holds; name it after a table ({', '.join(TABLES)})",
                table=str(path),
                rule="unknown_table",
            )
        files = {name: path}
    for name, file in files.items():
        if file.is_file() and not file.name.lower().endswith(".parquet"):
            raise DataError(
                f"{file.name}: with engine='spark' cxlib reads Parquet files and tables; convert the file to "
                "Parquet, read it with spark.read and pass the frame, or use the default engine (DuckDB)",
                table=name,
                rule="unsupported_backend",
            )
    return files


def _read_url(spark: Any, url: str) -> dict[str, Any]:
    base = url.rstrip("/")
    name = table_name_of(Path(base.rsplit("/", 1)[-1]))
    if base.lower().endswith(".parquet") and name in CONTRACTS:
        return {name: _try_parquet(spark, base)}
    frames = {}
    for table in TABLES:
        frame = _try_parquet(spark, f"{base}/{table}.parquet", missing_ok=True)
        if frame is None:
            frame = _try_parquet(spark, f"{base}/{table}", missing_ok=True)
        if frame is not None:
            frames[table] = frame
    if not frames:
        raise DataError(
            f"found no table under {url}; expected {', '.join(t + '.parquet' for t in TABLES)} "
            "or Parquet folders named after the tables",
            table=url,
            rule="no_tables",
        )
    return frames


def _try_parquet(spark: Any, url: str, *, missing_ok: bool = False) -> Any:
    from pyspark.errors import AnalysisException

    try:
        return spark.read.parquet(url)
    except AnalysisException as exc:
        if missing_ok and "PATH_NOT_FOUND" in str(exc):
            return None
        raise DataError(
            f"Spark could not read {url}: {str(exc).splitlines()[0]}", table=url, rule="unreadable_file"
        ) from None


def _read_catalog(spark: Any, name: str) -> dict[str, Any]:
    table = name.rsplit(".", 1)[-1].strip("`")
    if spark.catalog.tableExists(name):
        if table not in CONTRACTS:
            raise DataError(
                f"cannot tell which table the Spark table {name} holds; "
                f"name it after a table ({', '.join(TABLES)}) "
                "or pass {'orders': spark.table(...)} to open_shop",
                table=name,
                rule="unknown_table",
            )
        return {table: spark.table(name)}
    if spark.catalog.databaseExists(name):
        frames = {t: spark.table(f"{name}.{t}") for t in TABLES if spark.catalog.tableExists(f"{name}.{t}")}
        if not frames:
            raise DataError(
                f"the Spark database {name} has no table named {', '.join(TABLES)}",
                table=name,
                rule="no_tables",
            )
        return frames
    raise DataError(
        f"no file, folder, Spark table or Spark database named {name!r}",
        table=name,
        rule="missing_file",
    )
