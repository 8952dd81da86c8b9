"""Behavioural scorecard metrics from orders: order value, returns, delivery, customers.

Scorecard-level definitions (docs/methods.md, "Commerce metrics"); a customer is a customer
of a period when they ordered in it:

* average order value (AOV): mean revenue per order; return rate: share of orders with
  ``returned``; delivery time: mean ``delivery_days`` of orders that have one;
* purchase frequency: orders per customer of the period; revenue per customer: revenue per
  customer of the period (historical, not predicted); repeat purchase rate: customers with
  ≥ 2 orders in the period / customers with ≥ 1 order;
* customer retention rate of period t: (E − N)/S with S the customers of period t − 1, E the
  customers of period t and N those of E who did not buy in t − 1 (new or won back), i.e. the
  share of period t − 1's customers who bought again in period t. With segments, S is the
  customers who bought *in that segment* in t − 1; buying again anywhere counts.

One pass over the orders builds a customer × period × segment table (orders, revenue and the
order-level sums); every metric is aggregated from it, so the large table is read once. On
DuckDB a hand-written SQL plan computes the same cells with fewer large hashes
(:mod:`cxlib._duckdb.scorecard`).
Customer-level metrics carry t intervals (means) or Wilson intervals (shares). Order-level
metrics (AOV, return rate, delivery time) are ratios over customers — one customer's orders
are not independent — with delta-method intervals (:mod:`cxlib.scorecard.stats`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib._duckdb import scorecard as scorecard_sql
from cxlib._types import Frame
from cxlib.data.engine_sql import materialize
from cxlib.engine import require_columns
from cxlib.scorecard.cells import ALL, Measure, P, Period, aggregate_cells, as_lazy, period_index
from cxlib.scorecard.segments import attach_segments

__all__ = ["ORDER_COLUMNS", "commerce_cells"]

#: Columns every order metric needs.
ORDER_COLUMNS = ("order_id", "customer_id", "ts", "revenue")
_CUSTOMER_MEASURES: dict[str, Measure] = {
    "purchase_frequency": "__k",
    "revenue_per_customer": "__rev",
    "repeat_rate": "__rep",
}


def _customer_periods(
    frame: nw.LazyFrame[Any], by: Sequence[str], period: Period
) -> tuple[nw.LazyFrame[Any], list[str]]:
    """One row per customer × period × segment: orders ``__k`` and per-measure sums and counts."""
    names = frame.collect_schema().names()
    unit_columns = {"aov": nw.col("revenue").cast(nw.Float64).fill_nan(None)}
    if "returned" in names:
        unit_columns["return_rate"] = nw.col("returned").cast(nw.Float64)
    if "delivery_days" in names:
        unit_columns["delivery_days"] = nw.col("delivery_days").cast(nw.Float64).fill_nan(None)
    frame = frame.with_columns(
        period_index("ts", period).alias(P), *[e.alias(f"__{m}") for m, e in unit_columns.items()]
    )
    sums = []
    for m in unit_columns:
        sums += [nw.col(f"__{m}").count().alias(f"__{m}_n"), nw.col(f"__{m}").sum().alias(f"__{m}_sum")]
    per = frame.group_by("customer_id", P, *by).agg(nw.len().alias("__k"), *sums)
    return materialize(per), list(unit_columns)


def _order_measures(metrics: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Order-level metrics as ratios of per-customer sums (customers as clusters)."""
    return {m: (f"__{m}_sum", f"__{m}_n") for m in metrics}


def _customer_measures(per: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Purchase frequency, revenue and repeat flag per row of a customer × period table."""
    return per.with_columns(
        nw.col("__k").cast(nw.Float64),
        (nw.col("__k") >= 2).cast(nw.Float64).alias("__rep"),
        nw.col("__aov_sum").fill_null(0.0).alias("__rev"),
    )


def _retention(active: nw.LazyFrame[Any], later: nw.LazyFrame[Any], keys: Sequence[str]) -> nw.LazyFrame[Any]:
    joined = active.select("customer_id", P, *keys).join(
        later, left_on=["customer_id", P], right_on=["__cid", "__prev"], how="left"
    )
    return joined.with_columns(nw.col("__kept").fill_null(0.0), (nw.col(P) + 1).alias(P))


def _all_segments(cells: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    for column in by:
        cells[column] = ALL
    return cells


def commerce_cells(
    orders: Frame,
    *,
    by: Sequence[str] = (),
    period: Period = "month",
    totals: bool = True,
    fast_path: bool = True,
) -> pd.DataFrame:
    """Order, customer and retention metrics per period and segment, from one pass over orders.

    Parameters
    ----------
    orders : native frame
        Required columns: ``order_id``, ``customer_id``, ``ts``, ``revenue`` and the ``by``
        columns. Optional: ``returned`` (return rate), ``delivery_days`` (delivery time).
    by : sequence of str
        Segment columns.
    period : {"week", "month", "quarter"} or None
        Retention needs consecutive periods and is left out when None.
    totals : bool, default True
        Also compute every metric over all segments (a customer counts once there).
    fast_path : bool, default True
        Use the hand-written SQL of :mod:`cxlib._duckdb.scorecard` for DuckDB
        relations where it applies; ``False`` always runs the portable plan. Both give
        the same cells (tested).

    Returns
    -------
    pandas.DataFrame
        :func:`~cxlib.scorecard.cells.aggregate_cells` rows for ``aov``, ``return_rate``,
        ``delivery_days`` (ratios over customers: n = orders, with the cluster statistics),
        ``purchase_frequency``, ``revenue_per_customer``,
        ``repeat_rate`` (n = customers) and ``retention_rate`` (n = customers of the
        previous period; the period after the last order is left out).
    """
    require_columns(orders, ORDER_COLUMNS, "orders", purpose="order metrics")
    frame = attach_segments(as_lazy(orders), by, "orders")
    fast = (
        scorecard_sql.commerce_cells_duckdb(frame, by=by, period=period, totals=totals) if fast_path else None
    )
    if fast is not None:
        return fast
    per_segment, order_metrics = _customer_periods(frame, by, period)
    per_customer = per_segment
    if by:
        sums = [nw.col(c).sum() for m in order_metrics for c in (f"__{m}_n", f"__{m}_sum")]
        per_customer = materialize(per_segment.group_by("customer_id", P).agg(nw.col("__k").sum(), *sums))
    measures: dict[str, Measure] = {**_order_measures(order_metrics), **_CUSTOMER_MEASURES}
    parts = [aggregate_cells(_customer_measures(per_segment), by, measures, totals=False)]
    if totals and by:
        parts.append(
            _all_segments(aggregate_cells(_customer_measures(per_customer), [], measures, totals=False), by)
        )
    if period is not None:
        later = per_customer.select(
            nw.col("customer_id").alias("__cid"), (nw.col(P) - 1).alias("__prev"), nw.lit(1.0).alias("__kept")
        )
        retention = [
            aggregate_cells(
                _retention(per_segment, later, by), by, {"retention_rate": "__kept"}, totals=False
            )
        ]
        if totals and by:
            retention.append(
                _all_segments(
                    aggregate_cells(
                        _retention(per_customer, later, []), [], {"retention_rate": "__kept"}, totals=False
                    ),
                    by,
                )
            )
        kept = pd.concat(retention, ignore_index=True)
        if not kept.empty:
            last_order_period = int(kept["period_index"].max()) - 1
            parts.append(kept[kept["period_index"] <= last_order_period])
    return pd.concat(parts, ignore_index=True)
