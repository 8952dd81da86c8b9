"""Mapping steps that reshape an export, executed on the engine: where, lookups, derive, constants, grain.

A table's mapping may, besides renaming, say (all optional, run in this order)::

    orders:
      where: NOT starts_with(InvoiceNo, 'C')      # keep only these rows (a SQL condition)
      lookups:                                   # join other files of the export by a key
        - file: olist_customers_dataset.csv
          key: customer_id                       # the column both files share
          columns: {customer_unique_id: customer_key}   # their column: name here
        - file: olist_order_payments_dataset.csv
          key: order_id
          sum: {payment_value: paid}             # summed per key before joining
      derive:                                    # new columns from SQL expressions
        revenue: Quantity * UnitPrice
        converted: retention_7 = 'True'
      constants: {experiment: cookie_cats, channel: store}
      columns: {InvoiceNo: order_id, CustomerID: customer_id, InvoiceDate: ts}
      grain: order_id                            # rows are lines: roll them up per order

Expressions are DuckDB SQL over the export's own column names (Spark SQL on Spark; names
with spaces in double quotes, texts in single quotes). They run where the data is: on the
DuckDB relation of the files, on pandas and polars frames through DuckDB, on Spark with
Spark SQL. Line-item grain sums ``revenue``, ``items`` and ``discount``, takes the first
timestamp, the largest ``returned`` and ``delivery_days``, and the smallest value of other
columns; an order whose lines name two customers is a row problem (``several_customers``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import narwhals.stable.v2 as nw

from cxlib.data.contracts import CONTRACTS
from cxlib.data.engine_sql import quote, sql_columns
from cxlib.engine import backend, duckdb_connection, to_pandas
from cxlib.errors import MAX_EXAMPLES, DataError

__all__ = ["GRAIN_SUMS", "check_expression", "roll_up", "run_steps"]

#: Contract columns summed when lines are rolled up; the others take these aggregates.
GRAIN_SUMS = ("revenue", "items", "discount")
_GRAIN_MAX = ("returned", "delivery_days")
#: Functions an expression may not call: they read files, the environment or other databases.
_FORBIDDEN = re.compile(
    r"\b(read_\w+|glob|getenv|sniff_csv|parquet_\w+|query(_table)?|copy|attach|detach|install|load|pragma|"
    r"export|import|set|call|duckdb_\w+|pg_\w+|sqlite_\w+|http\w*)\s*\(|;|--|/\*",
    re.IGNORECASE,
)


def check_expression(table: str, key: str, expression: Any) -> str:
    """Return an expression from a mapping, checked to be one plain SQL expression (no file access)."""
    if not isinstance(expression, (str, int, float, bool)) or isinstance(expression, bool):
        raise DataError(
            f"'{key}' of '{table}' must be a SQL expression written as text",
            table="mapping",
            column=f"{table}.{key}",
            rule="bad_mapping",
        )
    text = str(expression)
    if _FORBIDDEN.search(text):
        raise DataError(
            f"'{key}' of '{table}' may only compute from the table's columns; it calls something that "
            f"reads files or settings, or holds ';' or a comment: {text!r}",
            table="mapping",
            column=f"{table}.{key}",
            rule="forbidden_expression",
        )
    return text


def run_steps(frame: Any, spec: Any, table: str, folder: Path | None) -> tuple[Any, int | None]:
    """Apply ``where``, ``lookups``, ``derive`` and ``constants`` of a table's mapping.

    Returns the frame and the number of rows the ``where`` condition removed (``None``
    without one).
    """
    filtered = None
    if spec.where:
        before = _rows(frame)
        frame = _filter(frame, spec.where, table)
        filtered = before - _rows(frame)
    for number, lookup in enumerate(spec.lookups):
        frame = _join(frame, lookup, table, folder, number)
    if spec.derive:
        frame = _compute(frame, dict(spec.derive), table, "derive")
    if spec.constants:
        frame = frame.with_columns(*[nw.lit(v).alias(k) for k, v in spec.constants.items()])
    return frame, filtered


def _rows(frame: Any) -> int:
    return int(to_pandas(frame.select(nw.len().alias("n")))["n"].iloc[0])


def _compute(frame: Any, items: dict[str, str], table: str, key: str) -> Any:
    engine = backend(frame)
    try:
        if engine == "pyspark":
            from pyspark.sql import functions as F

            native = frame.to_native()
            for name, sql in items.items():
                native = native.withColumn(name, F.expr(sql))
            return nw.from_native(native)
        select = {name: f"({sql})" for name, sql in items.items()}
        if engine == "duckdb":
            out = sql_columns(frame, select, table=table)
            out.to_native().limit(1).to_arrow_table()  # surface type errors now, with the mapping key
            return out
        return _compute_eager(frame, select)
    except duckdb.Error as exc:
        raise _expression_error(table, key, items, exc) from None
    except Exception as exc:  # Spark's AnalysisException and parse errors
        if engine != "pyspark":
            raise
        raise _expression_error(table, key, items, exc) from None


def _compute_eager(frame: Any, select: dict[str, str]) -> Any:
    """Columns computed by DuckDB over a pandas or polars frame (every column readable)."""
    lazy = isinstance(frame, nw.LazyFrame)
    eager = frame.collect() if lazy else frame
    con = duckdb_connection().cursor()
    try:
        con.register("cx_input", eager.to_arrow())
        items = ", ".join(f"{sql} AS {quote(name)}" for name, sql in select.items())
        computed = con.sql(f"SELECT {items} FROM cx_input").to_arrow_table()
        con.unregister("cx_input")
    finally:
        con.close()
    converted = nw.from_arrow(computed, backend=nw.get_native_namespace(eager))
    out = eager.with_columns(**{name: converted[name] for name in select})
    return out.lazy() if lazy else out


def _expression_error(table: str, key: str, items: dict[str, str], exc: Exception) -> DataError:
    from cxlib.data.text_files import duckdb_message

    shown = "; ".join(f"{k}: {v}" for k, v in items.items())
    return DataError(
        f"the mapping's '{key}' of '{table}' cannot be computed ({shown}): {duckdb_message(exc)}",
        table="mapping",
        column=f"{table}.{key}",
        rule="bad_expression",
    )


def _filter(frame: Any, condition: str, table: str) -> Any:
    flag = "__cx_where"
    computed = _compute(frame, {flag: f"coalesce(({condition}), false)"}, table, "where")
    return computed.filter(nw.col(flag)).drop(flag)


def _join(frame: Any, lookup: Mapping[str, Any], table: str, folder: Path | None, number: int) -> Any:
    from cxlib.data.sources import read_file

    key = f"lookups[{number}]"
    path = Path(str(lookup["file"]))
    if not path.is_absolute():
        if folder is None:
            raise DataError(
                f"the mapping's {key} of '{table}' names the file {path}, but the data is not a folder "
                "of files; give the lookup file's full path",
                table="mapping",
                column=f"{table}.{key}",
                rule="bad_mapping",
            )
        path = folder / path
    if not path.exists():
        raise DataError(
            f"the mapping's {key} of '{table}' names the file {path.name}, which is not in {path.parent}",
            table="mapping",
            column=f"{table}.{key}",
            rule="missing_file",
        )
    on = str(lookup["key"])
    other: Any = read_file(path, table, text_columns=(on,))
    wanted = dict(lookup.get("columns") or {}) or dict(lookup.get("sum") or {})
    missing = [c for c in [on, *wanted] if c not in other.columns]
    if missing or on not in frame.columns:
        where = path.name if missing else "the table"
        raise DataError(
            f"the mapping's {key} of '{table}' needs column '{(missing or [on])[0]}' in {where}",
            table="mapping",
            column=f"{table}.{key}",
            rule="mapping_column_missing",
        )
    right: Any
    if lookup.get("sum"):
        right = other.group_by(on).agg(
            *[nw.col(src).cast(nw.Float64).sum().alias(dst) for src, dst in wanted.items()]
        )
    else:
        right = other.select(on, *[nw.col(src).alias(dst) for src, dst in wanted.items()])
        right = _unique_keys(right, on, table, key, path)
    engine = backend(frame)
    if engine == "pyspark":
        raise DataError(
            f"the mapping's {key} of '{table}' joins a local file, which runs on DuckDB, pandas or polars "
            "tables, not on Spark; join it in Spark before opening",
            table="mapping",
            column=f"{table}.{key}",
            rule="unsupported_backend",
        )
    if engine != "duckdb":
        arrow = right.lazy().collect("pyarrow").to_arrow()
        right = nw.from_arrow(arrow, backend=nw.get_native_namespace(frame))
        if isinstance(frame, nw.LazyFrame):
            right = right.lazy()
    left = frame.with_columns(nw.col(on).cast(nw.String))
    right = right.with_columns(nw.col(on).cast(nw.String))
    return left.join(right, on=on, how="left")


def _unique_keys(right: Any, on: str, table: str, key: str, path: Path) -> Any:
    dups = right.group_by(on).agg(nw.len().alias("n")).filter(nw.col("n") > 1)
    examples = to_pandas(dups.head(MAX_EXAMPLES))
    if len(examples):
        raise DataError(
            f"the mapping's {key} of '{table}' joins {path.name} by '{on}', but some keys occur more than "
            "once there; use 'sum:' to add them up, or a file with one row per key",
            table="mapping",
            column=f"{table}.{key}",
            rule="lookup_not_unique",
            rows=[{on: r[on], "copies": int(r["n"])} for r in examples.to_dict("records")],
        )
    return right


def _as_number(frame: Any, name: str) -> nw.Expr:
    dtype = frame.collect_schema()[name]
    if dtype.is_numeric():
        return nw.col(name).cast(nw.Float64)
    raise DataError(
        f"line-item grain sums '{name}', which holds {dtype} values; compute it as a number with 'derive:'",
        table="mapping",
        column=f"grain.{name}",
        rule="wrong_type",
    )


def roll_up(frame: Any, table: str, key: str) -> Any:
    """Rows that are lines of an order rolled up to one row per ``key`` (line-item grain).

    An order whose lines name more than one customer raises :class:`DataError`
    (``several_customers``) naming the orders.
    """
    if key not in frame.columns:
        raise DataError(
            f"the mapping's 'grain' of '{table}' is '{key}', which the table does not have after "
            f"renaming; columns: {', '.join(frame.columns)}",
            table="mapping",
            column=f"{table}.grain",
            rule="mapping_column_missing",
        )
    contract = CONTRACTS[table]
    sums = [c for c in frame.columns if c in GRAIN_SUMS and c != key]
    if sums:  # cast first: a cast inside an aggregation is a slow per-group apply on pandas
        frame = frame.with_columns(*[_as_number(frame, c) for c in sums])
    aggs = []
    for name in frame.columns:
        if name == key:
            continue
        c = nw.col(name)
        if name in GRAIN_SUMS:
            aggs.append(c.sum().alias(name))
        elif name in _GRAIN_MAX:
            aggs.append(c.max().alias(name))
        else:
            aggs.append(c.min().alias(name))
    if "customer_id" in frame.columns and key != "customer_id":
        aggs.append(nw.col("customer_id").n_unique().alias("__cx_customers"))
    rolled = frame.group_by(key).agg(*aggs)
    if "__cx_customers" in rolled.columns:
        bad = rolled.filter(nw.col("__cx_customers") > 1)
        examples = to_pandas(bad.select(key, "__cx_customers").sort(key).head(MAX_EXAMPLES))
        if len(examples):
            n = _rows(bad)
            raise DataError(
                "lines of one order name different customers, so the order cannot be rolled up",
                table=contract.name,
                column="customer_id",
                rule="several_customers",
                rows=[
                    {key: r[key], "customers": int(r["__cx_customers"])} for r in examples.to_dict("records")
                ],
                n_rows=n,
            )
        rolled = rolled.drop("__cx_customers")
    return rolled.select(frame.columns)
