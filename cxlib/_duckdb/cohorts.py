"""DuckDB fast path for the calendar "return on" retention matrix (hand SQL).

The portable Narwhals code (:func:`cxlib.cohorts.retention.count_retention`) hashes every
customer id twice: once for the first activity (a window), once for the distinct count per
cohort and age. This path hashes it once: per customer it keeps the first period and a
128-bit set of the periods they were active in (``bit_or``), then counts the set bits per
cohort and age. It applies to DuckDB input (and pandas input with ``fast_path=True``), a
UTC session, calendar ages with cohorts of the same period, and data spanning at most 128
periods (ten years of months); otherwise the portable code runs. Both give identical
counts (``tests/_duckdb/test_duckdb_cohorts.py``; every backend:
``tests/cohorts/test_cohorts_engines.py``).
"""

from __future__ import annotations

import pandas as pd

from cxlib.cohorts.activity import CUSTOMER, TS, Activity
from cxlib.cohorts.periods import ORIGIN_DAY, period_index_of
from cxlib.data.engine_sql import quote
from cxlib.timestamps import sql_epoch_day, sql_floor_div, sql_month_index

__all__ = ["MAX_PERIODS", "on_cells_duckdb", "period_sql"]

#: Widest span (in periods) one 128-bit set can hold.
MAX_PERIODS = 128


def period_sql(column: str, period: str) -> str:
    """Write the SQL twin of :func:`cxlib.cohorts.periods.period_index` (UTC instants).

    Parameters
    ----------
    column : str
        Timestamp column (``TIMESTAMPTZ`` in a UTC session).
    period : {"day", "week", "month", "quarter"}

    Returns
    -------
    str
        A DuckDB expression of the period number since :data:`cxlib.cohorts.periods.ORIGIN`.
    """
    ts = quote(column)
    if period in ("day", "week"):
        return sql_floor_div(f"{sql_epoch_day(ts)} - ({ORIGIN_DAY})", 1 if period == "day" else 7)
    month = sql_month_index(ts)
    return month if period == "month" else sql_floor_div(month, 3)


def on_cells_duckdb(activity: Activity) -> pd.DataFrame | None:
    """Count distinct customers per segment, cohort and calendar age.

    ``None`` when the fast path does not apply: not DuckDB (or ``fast_path=False``), ages
    in rolling windows or cohorts of another period, a session not in UTC, or more than
    :data:`MAX_PERIODS` periods.

    Parameters
    ----------
    activity : Activity
        The prepared table (:func:`cxlib.cohorts.activity.prepare_activity`).

    Returns
    -------
    pandas.DataFrame or None
        ``segment`` (with ``by``), ``cohort_index``, ``age``, ``n`` — every age with at
        least one active customer, censored or not (the caller censors).
    """
    if (
        not activity.fast_path
        or activity.backend != "duckdb"
        or activity.complete_per_customer
        or not activity.utc_session
    ):
        return None
    relation = activity.source.to_native()
    period = period_sql(TS, activity.period)
    low, high = (
        period_index_of(activity.first_ts, activity.period),
        period_index_of(activity.last_ts, activity.period),
    )
    span = high - low + 1
    if span > MAX_PERIODS:
        return None
    by = activity.by
    # Segment = value on the first row; ties at that time: the smallest non-missing value.
    seg_col = (
        f", struct_pack(t := {quote(TS)}, missing := {quote(by)} IS NULL, v := {quote(by)}) AS sv"
        if by
        else ""
    )
    seg_agg = ", min(sv).v AS segment" if by else ""
    seg = "segment, " if by else ""
    sql = f"""
        WITH rows AS (
            SELECT {quote(CUSTOMER)} AS cid, {period} - ({int(low)}) AS q{seg_col} FROM cx_src
        ),
        customers AS (
            SELECT min(q) AS c, bit_or((1::UHUGEINT) << q::UHUGEINT) AS periods{seg_agg}
            FROM rows GROUP BY cid
        ),
        patterns AS (
            SELECT {seg}c, periods >> c::UHUGEINT AS active, count(*) AS n FROM customers GROUP BY ALL
        )
        SELECT {seg}c + ({int(low)}) AS cohort_index, t.age AS age, sum(n)::BIGINT AS n
        FROM patterns CROSS JOIN range(0, {span}) AS t(age)
        WHERE ((active >> t.age::UHUGEINT) & 1::UHUGEINT) = 1::UHUGEINT
        GROUP BY ALL
    """
    cells = relation.query("cx_src", sql).to_arrow_table().to_pandas()
    return cells.astype({"cohort_index": "int64", "age": "int64", "n": "int64"})
