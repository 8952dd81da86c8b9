"""DuckDB fast path for the order, customer and retention cells (hand SQL beside the portable plan).

The portable plan (:func:`cxlib.scorecard.commerce.commerce_cells`) groups the orders by
customer × period × segment, groups that again by customer × period for the totals over all
segments, and joins the customer × period table with itself (shifted by one period) for
retention. On 10M orders each of those three steps hashes some 8M rows. This path hashes that
many rows once:

1. ``per_seg``: orders grouped by customer × period × segment (the one large hash);
2. ``cust``: per customer, the set of periods they bought in (a 128-bit integer, ``bit_or``)
   and their number of ``per_seg`` rows (2M groups on 10M orders);
3. ``per_seg`` joined with ``cust``: retention of a row is bit ``p + 1`` of its customer's
   set; a customer with as many rows as periods bought in every period in one segment only,
   so their ``per_seg`` rows already are their customer × period rows. Only the others
   (customers who bought in two segments in one period) are grouped again for the totals.

Periods come from ``epoch_us(ts)`` (as a plain UTC ``TIMESTAMP`` for months and quarters)
rather than ``year()``/``month()`` on a ``TIMESTAMPTZ``, which costs a time-zone lookup per
row. It applies to DuckDB relations whose ``ts`` is UTC, with periods
(week, month, quarter or none) spanning at most :data:`MAX_PERIODS`; otherwise the portable
plan runs. Both give identical cells (``tests/_duckdb/test_duckdb_scorecard.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib.data.engine_sql import quote
from cxlib.engine import backend, is_utc_zone, to_pandas
from cxlib.scorecard.cells import ALL, Measure, P, Period, as_lazy, long_cells
from cxlib.timestamps import sql_epoch_day, sql_floor_div, sql_month_index

__all__ = ["MAX_PERIODS", "commerce_cells_duckdb", "period_query"]

#: Widest span (periods from the first to the last order) the 128-bit set of periods holds:
#: retention of the last period reads bit ``span``.
MAX_PERIODS = 127
_CUSTOMER_MEASURES: dict[str, Measure] = {
    "purchase_frequency": "k",
    "revenue_per_customer": "rev",
    "repeat_rate": "rep",
}
_ORDER_VALUES = {"aov": "revenue", "return_rate": "returned", "delivery_days": "delivery_days"}


def period_query(select: str, period: Period, ts: str = "ts", source: str = "cx_orders") -> str:
    """``SELECT {select}, p FROM source`` with ``p`` the period index of ``ts``.

    Equal to :func:`cxlib.scorecard.cells.period_index` in UTC (weeks start on Mondays:
    1970-01-01 was a Thursday).

    Parameters
    ----------
    select : str
        SQL select list.
    period : {"week", "month", "quarter"} or None
        ``None``: every row in period 0.
    ts : str, default "ts"
        Timestamp column.
    source : str, default "cx_orders"
        Relation name in the query.

    Returns
    -------
    str
        The query.
    """
    if period is None:
        return f"SELECT {select}, 0 AS p FROM {source}"
    if period == "week":
        index = sql_floor_div(f"{sql_epoch_day(quote(ts))} + 3", 7)
    else:
        month = sql_month_index(quote(ts))
        index = month if period == "month" else sql_floor_div(month, 3)
    return f"SELECT {select}, {index} AS p FROM {source}"


def _applies(frame: nw.LazyFrame[Any], period: Period) -> bool:
    if backend(frame) != "duckdb":
        return False
    if period is None:
        return True
    return is_utc_zone(getattr(frame.collect_schema()["ts"], "time_zone", None))


def _stats(measures: dict[str, Measure]) -> list[str]:
    """Aggregate expressions of :func:`~cxlib.scorecard.cells.long_cells`' wide columns."""
    out = []
    for name, measure in measures.items():
        if isinstance(measure, str):
            x = measure
            out += [
                f"count({x}) AS {name}__n",
                f"sum({x}) AS {name}__sum",
                f"sum({x} * {x}) AS {name}__sumsq",
            ]
        else:
            y, x = measure
            out += [
                f"sum({x}) AS {name}__n",
                f"sum({y}) AS {name}__sum",
                f"sum({y} * {y}) AS {name}__sumsq",
                f"sum(({x} > 0)::BIGINT) AS {name}__clusters",
                f"sum({x} * {x}) AS {name}__den_sum_sq",
                f"sum({x} * {y}) AS {name}__cross_sum",
            ]
    return out


def commerce_cells_duckdb(
    orders: Any, *, by: Sequence[str], period: Period, totals: bool
) -> pd.DataFrame | None:
    """Compute :func:`~cxlib.scorecard.commerce.commerce_cells` in hand-written DuckDB SQL.

    ``None`` when the fast path does not apply (not DuckDB, ``ts`` not UTC, more than
    :data:`MAX_PERIODS` periods, or no orders).

    Parameters
    ----------
    orders : DuckDB relation
        Required columns: ``customer_id``, ``ts``, ``revenue`` and the ``by`` columns;
        optional ``returned`` and ``delivery_days``.
    by, period, totals
        As in :func:`~cxlib.scorecard.commerce.commerce_cells`.

    Returns
    -------
    pandas.DataFrame or None
        The cells of :func:`~cxlib.scorecard.commerce.commerce_cells`, or ``None``.
    """
    frame = as_lazy(orders)
    if not _applies(frame, period):
        return None
    relation = frame.to_native()
    ends = "(SELECT min(ts) AS ts FROM cx_orders UNION ALL SELECT max(ts) FROM cx_orders)"
    low, high = relation.query(
        "cx_orders", f"SELECT min(p), max(p) FROM ({period_query('1', period, source=ends)})"
    ).fetchall()[0]
    if low is None or high - low + 1 > MAX_PERIODS:
        return None
    names = frame.collect_schema().names()
    values = {m: c for m, c in _ORDER_VALUES.items() if c in names}
    segments = [f"s{i}" for i in range(len(by))]
    seg_select = "".join(f", {quote(c)} AS {s}" for c, s in zip(by, segments, strict=True))
    seg_keys = "".join(f", {s}" for s in segments)

    def number(column: str) -> str:
        value = f"{quote(column)}::DOUBLE"
        return f"CASE WHEN isnan({value}) THEN NULL ELSE {value} END"

    value_select = "".join(f", {number(c)} AS v_{m}" for m, c in values.items())
    value_sums = "".join(f", count(v_{m})::DOUBLE AS {m}_n, sum(v_{m}) AS {m}_sum" for m in values)
    part_columns = ["k"] + [f"{m}_{s}" for m in values for s in ("n", "sum")]
    measures: dict[str, Measure] = {m: (f"{m}_sum", f"{m}_n") for m in values}
    measures.update(_CUSTOMER_MEASURES)
    cell_stats = ", ".join(
        [*_stats(measures), "count(*) AS retention_rate__n", "sum(kept) AS retention_rate__sum"]
    )
    derived = "coalesce(aov_sum, 0.0) AS rev, (k >= 2)::DOUBLE AS rep"
    kept = "((periods >> (p + 1)::UHUGEINT) & 1::UHUGEINT)::DOUBLE"
    regroup = ", ".join(f"sum({c}) AS {c}" for c in part_columns)
    with_totals = bool(totals and by)
    # Totals of customers who bought in two segments in one period: their rows summed per period.
    regrouped = f"""UNION ALL
        SELECT p{"".join(f", NULL AS {s}" for s in segments)}, NULL, {cell_stats}
        FROM (SELECT *, {derived} FROM (
            SELECT cid, p, {regroup}, any_value({kept}) AS kept
            FROM per_seg JOIN (SELECT cid, periods FROM cust WHERE several) USING (cid) GROUP BY cid, p
        ))
        GROUP BY ALL"""
    orders_query = period_query(f"customer_id AS cid{seg_select}{value_select}", period)
    sql = f"""
        WITH o AS (
            SELECT * REPLACE (p - {low} AS p) FROM ({orders_query})
        ),
        per_seg AS MATERIALIZED (
            SELECT cid, p{seg_keys}, count(*)::DOUBLE AS k{value_sums} FROM o GROUP BY ALL
        ),
        cust AS MATERIALIZED (
            SELECT cid, periods,
                   seg_rows > bit_count((periods >> 1::UHUGEINT)::HUGEINT)
                              + (periods & 1::UHUGEINT)::BIGINT AS several
            FROM (SELECT cid, bit_or((1::UHUGEINT) << p::UHUGEINT) AS periods, count(*) AS seg_rows
                  FROM per_seg GROUP BY cid)
        )
        SELECT p AS {P}{seg_keys}, several, {cell_stats}
        FROM (SELECT *, {derived}, {kept} AS kept FROM per_seg JOIN cust USING (cid)) GROUP BY ALL
        {regrouped if with_totals else ""}
    """
    wide = to_pandas(relation.query("cx_orders", sql))
    wide[P] = wide[P].astype("int64") + int(low)
    wide["retention_rate__sumsq"] = wide["retention_rate__sum"]
    wide = wide.rename(columns=dict(zip(segments, by, strict=True)))
    return _long(wide, by, measures, with_totals, int(high) if period is not None else None)


def _long(
    wide: pd.DataFrame, by: Sequence[str], measures: dict[str, Measure], totals: bool, last_period: int | None
) -> pd.DataFrame:
    """Build the long cells from the query's sums.

    Retention is moved to the next period, up to ``last_period`` (the last with orders;
    ``None``: no retention).

    Every statistic is a sum over customer rows, so cells add up: a segment cell is the sum of
    its rows with and without ``several``; the total of a period is the sum of the rows of
    customers who never bought in two segments in one period (``several`` false) plus the
    regrouped rows of the others (``several`` missing).
    """
    stats = [c for c in wide.columns if "__" in c and c != P]
    blocks = [
        (
            wide[wide["several"].notna()]
            .groupby([P, *by], dropna=False, sort=True)[stats]
            .sum()
            .reset_index(),
            list(by),
        )
    ]
    if totals:
        single = wide["several"].isna() | ~wide["several"].astype("boolean").fillna(False)
        blocks.append((wide[single].groupby(P, sort=True)[stats].sum().reset_index(), []))
    parts = []
    for rows, keys in blocks:
        cells = [long_cells(rows, keys, measures)]
        if last_period is not None:
            retention = rows.assign(**{P: rows[P] + 1})
            cells.append(long_cells(retention[retention[P] <= last_period], keys, {"retention_rate": "kept"}))
        parts += [c if keys else c.assign(**dict.fromkeys(by, ALL)) for c in cells]
    return pd.concat(parts, ignore_index=True)
