"""DuckDB fast path for the per-customer rows of the RFM summary (hand SQL).

Used by :func:`cxlib.ltv.summary.rfm_summary` on DuckDB relations (and on pandas frames,
which it hands to DuckDB with ``fast_path=True``); other backends run the portable Narwhals
plan. Both give the same table (``tests/_duckdb/test_duckdb_rfm.py``).
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib.data.engine_sql import quote
from cxlib.engine import backend, to_pandas

__all__ = ["rfm_per_customer_duckdb"]


def rfm_per_customer_duckdb(
    days: nw.LazyFrame[Any], cal_day: int, obs_day: int, holdout: bool, by_cols: list[str]
) -> pd.DataFrame | None:
    """Compute the per-customer RFM rows in one DuckDB query (``None`` on other backends).

    The same table as the portable plan of :func:`cxlib.ltv.summary.rfm_summary`
    (``_per_customer``): ``customer_id, first_day, last_day, purchase_days, orders,
    revenue, first_value``, the holdout sums and the ``by`` columns, sorted by customer.

    The portable plan groups the orders by customer and day twice (once for the first day,
    once for the sums it joins to) and joins the orders with their customer's first time for
    the segments. DuckDB has ``arg_min`` and ordered structs, so one pass per level does it:
    orders to customer × day (with the earliest ``(ts, segment)`` of the day), then to
    customers, with the holdout as filtered aggregates. A day whose revenues are all missing is
    worth 0, as in the portable plan (Narwhals sums skip missing values). Tested equal to it.

    Parameters
    ----------
    days : narwhals.LazyFrame
        Orders with ``customer_id``, ``ts`` (UTC), ``revenue``, ``day`` (epoch day) and the
        ``by`` columns (:func:`cxlib.ltv.summary.rfm_summary` prepares them).
    cal_day, obs_day : int
        Last epoch day of the calibration and of the observation period.
    holdout : bool
        Add ``frequency_holdout`` and ``value_holdout`` (days after ``cal_day``).
    by_cols : list of str
        Segment columns: each customer's value on the first order.

    Returns
    -------
    pandas.DataFrame or None
    """
    if backend(days) != "duckdb":
        return None
    quoted = {c: quote(c) for c in by_cols}
    day_firsts = "".join(f", min({{'ts': ts, 'v': {q}}}) AS {q}" for q in quoted.values())
    cal = f"FILTER (WHERE day <= {cal_day})"
    later = f"FILTER (WHERE day > {cal_day})"
    holdout_sums = (
        f", count(*) {later} AS frequency_holdout, sum(value) {later} AS value_holdout" if holdout else ""
    )
    segments = "".join(f", (min({q}) {cal}).v AS {q}" for q in quoted.values())
    sql = f"""
        SELECT customer_id, min(day) {cal} AS first_day, max(day) {cal} AS last_day,
               count(*) {cal} AS purchase_days, sum(orders) {cal} AS orders, sum(value) {cal} AS revenue,
               arg_min(value, day) {cal} AS first_value{holdout_sums}{segments}
        FROM (
            SELECT customer_id, day, coalesce(sum(revenue), 0.0) AS value, count(*) AS orders{day_firsts}
            FROM cx_days WHERE day <= {obs_day} GROUP BY customer_id, day
        )
        GROUP BY customer_id HAVING count(*) {cal} > 0
        ORDER BY customer_id
    """
    return to_pandas(days.to_native().query("cx_days", sql))
