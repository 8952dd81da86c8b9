"""Portable timestamp arithmetic: days and microseconds since the epoch as Narwhals expressions.

Narwhals turns a duration into a number (``dt.total_seconds``) on pandas, polars and DuckDB,
but not on Spark. These expressions compute the same integers from date parts (year, day of
year, hour, minute, second, microsecond), which every backend has, so duration arithmetic
is written once. Timestamps must be UTC (on Spark and DuckDB: a UTC session time zone).

DuckDB's hand-written fast paths use the SQL twins (:func:`sql_epoch_day`,
:func:`sql_month_index`): they read the instant's microseconds, because ``year()`` or
``dayofyear()`` of a ``TIMESTAMP WITH TIME ZONE`` go through a calendar library and cost
about ten times more per row.
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib.data.engine_sql import quote, sql_columns
from cxlib.engine import backend

__all__ = [
    "epoch_day",
    "epoch_micros",
    "micros_of",
    "sql_epoch_day",
    "sql_floor_div",
    "sql_month_index",
    "with_epoch_day",
]


def epoch_day(ts: nw.Expr) -> nw.Expr:
    """Whole days since 1970-01-01 of a UTC timestamp expression (Int64).

    Parameters
    ----------
    ts : narwhals.Expr
        A UTC datetime expression.

    Returns
    -------
    narwhals.Expr
        Days since the epoch (negative before 1970), from year and day of year.

    Examples
    --------
    >>> expr = epoch_day(nw.col("ts"))  # 2024-01-01 -> 19723
    """
    year = ts.dt.year().cast(nw.Int64)
    leap_days = (year - 1969) // 4 - (year - 1901) // 100 + (year - 1601) // 400  # leap days in [1970, year)
    return 365 * (year - 1970) + leap_days + ts.dt.ordinal_day().cast(nw.Int64) - 1


_DAY_US = 86_400_000_000


def sql_floor_div(x: str, d: int) -> str:
    """DuckDB SQL for ``floor(x / d)`` of integers (DuckDB's ``//`` truncates towards zero)."""
    return f"(({x}) // {d} - (({x}) % {d} < 0)::BIGINT)"


def sql_epoch_day(ts: str) -> str:
    """DuckDB SQL twin of :func:`epoch_day` for a (quoted) timestamp expression ``ts``."""
    return sql_floor_div(f"epoch_us({ts})", _DAY_US)


def sql_month_index(ts: str) -> str:
    """DuckDB SQL for ``year * 12 + month - 1`` of the UTC calendar month of ``ts``.

    ``make_timestamp(epoch_us(ts))`` is the same instant as a plain ``TIMESTAMP`` (UTC), whose
    calendar parts need no time-zone lookup.
    """
    utc = f"make_timestamp(epoch_us({ts}))"
    return f"(year({utc}) * 12 + month({utc}) - 1)"


def with_epoch_day(
    frame: nw.LazyFrame[Any], ts: str = "ts", name: str = "day", *, table: str = "orders"
) -> nw.LazyFrame[Any]:
    """``frame`` with a column ``name`` of whole UTC days since 1970-01-01 of column ``ts``.

    The same numbers as :func:`epoch_day`; on DuckDB computed by :func:`sql_epoch_day`, which
    dominates per-day aggregations of large tables less than the date parts do.

    Parameters
    ----------
    frame : narwhals.LazyFrame
        Any lazy frame with a UTC datetime column ``ts``.
    ts, name : str
        The timestamp column and the name of the new column (Int64).
    table : str
        The table's name, for error messages.

    Returns
    -------
    narwhals.LazyFrame
    """
    if backend(frame) != "duckdb":
        return frame.with_columns(epoch_day(nw.col(ts)).alias(name))
    return sql_columns(frame, {name: sql_epoch_day(quote(ts))}, table=table)


def epoch_micros(ts: nw.Expr) -> nw.Expr:
    """Microseconds since 1970-01-01 UTC of a UTC timestamp expression (Int64).

    The difference of two such values divided by a length gives whole windows between two
    instants, exactly as ``(b - a).dt.total_microseconds() // length`` does where Narwhals
    has it.

    Parameters
    ----------
    ts : narwhals.Expr
        A UTC datetime expression.

    Returns
    -------
    narwhals.Expr
    """
    minutes = (epoch_day(ts) * 24 + ts.dt.hour().cast(nw.Int64)) * 60 + ts.dt.minute().cast(nw.Int64)
    return (
        minutes * 60_000_000 + ts.dt.second().cast(nw.Int64) * 1_000_000 + ts.dt.microsecond().cast(nw.Int64)
    )


def micros_of(value: Any) -> int:
    """Python twin of :func:`epoch_micros` for one instant (naive values are UTC)."""
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return (ts - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(microseconds=1)
