"""The few column computations Narwhals cannot express, done in DuckDB SQL on any local engine.

Hashing (SHA-256), epoch-microsecond timestamps and lookups in GA4's repeated
``event_params`` have no portable Narwhals expression. :func:`sql_columns` computes such
columns with DuckDB: on a DuckDB relation directly (lazily, out of core); on a pandas or
polars frame over just the columns the SQL reads, handed to DuckDB through Arrow and put back
beside the others (DuckDB keeps row order for a plain projection). The result stays on the
input's backend. Spark frames are not supported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import narwhals.stable.v2 as nw

from cxlib.engine import backend, duckdb_connection
from cxlib.errors import DataError

__all__ = ["materialize", "quote", "sql_columns", "sql_literal"]


def quote(name: str) -> str:
    """Quote ``name`` as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """Quote ``text`` as a SQL text literal."""
    return "'" + text.replace("'", "''") + "'"


def _referenced(frame: Any, items: Mapping[str, str]) -> list[str]:
    sql = " ".join(items.values())
    return [c for c in frame.columns if quote(c) in sql]


def sql_columns(frame: Any, items: Mapping[str, str], *, table: str) -> Any:
    """Add or replace columns computed by DuckDB SQL expressions.

    Parameters
    ----------
    frame : Narwhals DataFrame or LazyFrame
        DuckDB, pandas or polars backed.
    items : mapping
        Output column -> SQL expression over the frame's columns (quoted with :func:`quote`).
    table : str
        Table name for error messages.

    Returns
    -------
    Narwhals frame on the same backend with the columns added or replaced.
    """
    if not items:
        return frame
    engine = backend(frame)
    select = ", ".join(f"{sql} AS {quote(name)}" for name, sql in items.items())
    if engine == "duckdb":
        replaced = [c for c in frame.columns if c in items]
        star = f"* EXCLUDE ({', '.join(quote(c) for c in replaced)})" if replaced else "*"
        relation = frame.to_native().query("cx_input", f"SELECT {star}, {select} FROM cx_input")
        order = [*frame.columns, *[c for c in items if c not in frame.columns]]
        return nw.from_native(relation).select(order)
    if engine not in ("pandas", "polars", "modin", "cudf", "pyarrow"):
        raise DataError(
            f"this step runs on DuckDB, pandas or polars tables, not on {engine}; read the export "
            "from its files, or pass it as a pandas or polars frame",
            table=table,
            rule="unsupported_backend",
        )
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    inputs = _referenced(frame, items)
    con = duckdb_connection().cursor()
    try:
        con.register("cx_input", frame.select(inputs).to_arrow())
        computed = con.sql(f"SELECT {select} FROM cx_input").to_arrow_table()
        con.unregister("cx_input")
    finally:
        con.close()
    converted = nw.from_arrow(computed, backend=nw.get_native_namespace(frame))
    return frame.with_columns(**{name: converted[name] for name in items})


def materialize(frame: Any) -> Any:
    """Compute an intermediate once when several queries read it.

    For tables that fit in memory (a shop's orders, not its events). DuckDB: executed once and
    held in memory (``DuckDBPyRelation.materialize``) instead of re-reading the export for
    every check; polars lazy frames are collected and continued lazily; pandas and polars
    frames are computed already.
    """
    engine = backend(frame)
    if engine == "duckdb":
        return nw.from_native(frame.to_native().materialize())
    if engine == "polars" and isinstance(frame, nw.LazyFrame):
        return frame.collect().lazy()
    return frame
