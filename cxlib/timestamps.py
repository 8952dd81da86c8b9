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

from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib.data.engine_sql import quote, sql_columns
from cxlib.engine import backend

__all__ = [
    "AMBIGUOUS",
    "NONEXISTENT",
    "LocalTimePolicy",
    "epoch_day",
    "epoch_micros",
    "local_time_sql",
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


# ----------------------------------------------------------------------------- local times
#: Values of the ``ambiguous`` option: which instant a local time in a DST fall-back hour is.
AMBIGUOUS = ("raise", "earliest", "latest")
#: Values of the ``nonexistent`` option: what a local time in a DST spring-forward gap becomes.
NONEXISTENT = ("raise", "shift_forward")
_ONE_DAY_US = 86_400_000_000


@dataclass(frozen=True)
class LocalTimePolicy:
    """What to do with local times that name no instant or two (daylight-saving changes).

    Attributes
    ----------
    ambiguous : {"raise", "earliest", "latest"}
        A local time that occurs twice (clocks go back, e.g. 02:30 on the last Sunday of
        October in Europe): a row problem (``raise``, the default: reported, or dropped with
        ``on_error="drop"``), the first of the two instants (``earliest``, still summer time)
        or the second (``latest``).
    nonexistent : {"raise", "shift_forward"}
        A local time skipped by the clocks (e.g. 02:30 on the last Sunday of March in
        Europe): a row problem (``raise``) or moved forward by the length of the gap, as the
        clocks were (``shift_forward``: 02:30 becomes 03:30 summer time).
    """

    ambiguous: str = "raise"
    nonexistent: str = "raise"

    def __post_init__(self) -> None:
        from cxlib.errors import DataError

        for name, value, allowed in (
            ("ambiguous", self.ambiguous, AMBIGUOUS),
            ("nonexistent", self.nonexistent, NONEXISTENT),
        ):
            if value not in allowed:
                raise DataError(
                    f"{name} must be one of {', '.join(allowed)}, not {value!r}",
                    table="options",
                    column=name,
                    rule="bad_option",
                )


def local_time_sql(
    local: str, zone: str, policy: LocalTimePolicy, dialect: str = "duckdb"
) -> tuple[str, str, str]:
    """Return SQL turning a zone-less local time into the instant it names in ``zone``.

    The same arithmetic on DuckDB and Spark, so every engine resolves daylight-saving
    changes alike: with ``l`` the local time read as if it were UTC and ``off(u)`` the zone's
    offset at instant ``u``, the candidates are ``l - off(l - 1 day)`` and ``l - off(l + 1
    day)`` (offsets change at most once within two days); a candidate is valid when its own
    offset gives back ``l``. Two different valid candidates: ambiguous; none: nonexistent.

    Parameters
    ----------
    local : str
        SQL of a zone-less timestamp (DuckDB ``TIMESTAMP``, Spark ``TIMESTAMP_NTZ`` or a
        timestamp in a UTC session).
    zone : str
        IANA time zone.
    policy : LocalTimePolicy
    dialect : {"duckdb", "spark"}

    Returns
    -------
    (instant, ambiguous, nonexistent)
        SQL of the UTC instant (null where the policy is ``raise`` and the time is ambiguous
        or nonexistent) and of the two flags (``false`` where the policy resolves them).
    """
    z = "'" + zone.replace("'", "''") + "'"
    if dialect == "spark":
        l_us = f"unix_micros(cast({local} as timestamp))"

        def instant(us: str) -> str:
            return f"timestamp_micros({us})"

        def local_us(us: str) -> str:
            return f"unix_micros(from_utc_timestamp(timestamp_micros({us}), {z}))"
    else:
        l_us = f"epoch_us({local})"

        def instant(us: str) -> str:
            return f"timezone('UTC', make_timestamp({us}))"

        def local_us(us: str) -> str:
            return f"epoch_us(timezone({z}, timezone('UTC', make_timestamp({us}))))"

    before = f"({local_us(f'{l_us} - {_ONE_DAY_US}')} - ({l_us} - {_ONE_DAY_US}))"
    after = f"({local_us(f'{l_us} + {_ONE_DAY_US}')} - ({l_us} + {_ONE_DAY_US}))"
    u_a, u_b = f"({l_us} - {before})", f"({l_us} - {after})"
    valid_a, valid_b = f"({local_us(u_a)} = {l_us})", f"({local_us(u_b)} = {l_us})"
    ambiguous = f"({valid_a} AND {valid_b} AND {u_a} <> {u_b})"
    nonexistent = f"(NOT {valid_a} AND NOT {valid_b})"
    pick_ambiguous = {"earliest": f"least({u_a}, {u_b})", "latest": f"greatest({u_a}, {u_b})"}.get(
        policy.ambiguous, "NULL"
    )
    pick_gap = u_a if policy.nonexistent == "shift_forward" else "NULL"
    chosen = (
        f"CASE WHEN {ambiguous} THEN {pick_ambiguous} WHEN {nonexistent} THEN {pick_gap} "
        f"WHEN {valid_a} THEN {u_a} ELSE {u_b} END"
    )
    flag_ambiguous = f"coalesce({ambiguous}, false)" if policy.ambiguous == "raise" else "false"
    flag_gap = f"coalesce({nonexistent}, false)" if policy.nonexistent == "raise" else "false"
    return instant(chosen), flag_ambiguous, flag_gap
