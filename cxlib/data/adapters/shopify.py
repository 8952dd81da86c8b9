"""Shopify's orders export: line items collapsed into one row per order.

Shopify's orders CSV (Admin → Orders → Export) has one row per line item. The order number
(``Name``), ``Email``, ``Created at`` and the ``Lineitem …`` fields repeat on every row of an
order; order-level fields (``Total``, ``Discount Amount``, ``Financial Status``, ``Cancelled
at``, ``Source``, the addresses, ``Phone`` …) are filled on its first row only. This adapter
groups the rows by order number on the engine and keeps, for each order-level field, the one
value given (``max`` ignores the blanks), and sums the line-item quantities.

Staging columns (the ``shopify_orders`` preset maps the export's headers onto them):

=================== ====================== ==========================================
staging column      Shopify header         becomes
=================== ====================== ==========================================
``order_id``        Name                   ``order_id`` (e.g. ``#1001``)
``ts``              Created at             ``ts`` (``2024-03-05 14:22:11 +0100``)
``revenue``         Total                  ``revenue`` (what the customer paid)
``email``           Email                  ``customer_id``: pseudonym of the e-mail,
``phone``           Phone                  else of the phone number
``discount``        Discount Amount        ``discount``
``line_quantity``   Lineitem quantity      ``items`` (sum over the order's rows)
``financial_status`` Financial Status      ``returned`` (refunded or partially refunded)
``cancelled_at``    Cancelled at           cancelled orders are dropped (option)
``source_name``     Source                 ``channel`` (``web``; ``pos`` → ``store`` …)
``country``         Shipping Country       ``country`` (else the billing country)
``billing_country`` Billing Country
``currency``        Currency               ``currency`` (one currency per export)
=================== ====================== ==========================================

Options: ``cancelled`` (``drop``, default, or ``keep`` with a ``cancelled`` flag column),
``returned_statuses`` (financial statuses that count as returned; default ``refunded`` and
``partially_refunded``), ``channels`` (``{Source value: channel}``; other values are kept).
Columns listed in ``keep`` are carried along (their one value per order). Every other column
of the export, among them names, addresses and phone numbers, is left out.
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw

from cxlib.data.adapters.common import join_utc_offset, present, recode, text
from cxlib.data.engine_sql import materialize
from cxlib.data.mapping import TableSpec
from cxlib.data.native import BAD, parse_text_columns
from cxlib.engine import to_pandas
from cxlib.errors import MAX_EXAMPLES, DataError

__all__ = ["orders_from_line_items"]

#: Fields written on an order's first row only (and ``ts``, repeated), kept once per order.
ORDER_FIELDS = (
    "customer_id",
    "ts",
    "revenue",
    "discount",
    "financial_status",
    "cancelled_at",
    "source_name",
    "country",
    "billing_country",
    "currency",
)
_RETURNED = ("refunded", "partially_refunded")


def orders_from_line_items(frame: Any, spec: TableSpec) -> Any:
    """One row per order from Shopify's one-row-per-line-item export.

    Parameters
    ----------
    frame : Narwhals DataFrame or LazyFrame
        The export with staging column names (see the module documentation); ``email`` and
        ``phone`` already pseudonymised.
    spec : TableSpec
        The table's mapping (options, ``keep``).

    Returns
    -------
    Narwhals frame: ``order_id, customer_id, ts, revenue`` and, where the export has them,
    ``discount, items, returned, channel, country, currency`` (+ ``cancelled``, kept columns).
    The orders are computed once (one pass over the export) and held in memory.
    """
    options = spec.options
    keys = present(frame, ("email", "phone"))
    frame = frame.with_columns(
        nw.coalesce(*[text(k) for k in keys]).alias("customer_id")
        if len(keys) > 1
        else text(keys[0]).alias("customer_id")
    )
    frame = _parse_quantities(frame)
    fields = present(frame, (*ORDER_FIELDS, *spec.keep))
    schema = frame.collect_schema()
    # Blank cells are missing values (a CSV read by DuckDB has nulls; a pandas frame may have "").
    frame = frame.with_columns(
        *[text(c).alias(c) for c in fields if schema[c] == nw.String and c != "customer_id"]
    )
    aggregations = [nw.col(c).max() for c in fields] + [nw.col("revenue").min().alias("__cx_revenue_min")]
    if "line_quantity" in frame.columns:
        aggregations.append(nw.col("line_quantity").sum().alias("items"))
    if "__cx_bad_quantity" in frame.columns:
        aggregations += [nw.col("__cx_bad_quantity").max(), nw.col("__cx_bad_lines").sum()]
    orders = materialize(frame.group_by("order_id").agg(*aggregations))
    _check_quantities(orders)
    _check_one_total(orders)
    _check_one_currency(orders)

    derived: list[nw.Expr] = []
    if "billing_country" in orders.columns:
        country = [nw.col(c) for c in ("country", "billing_country") if c in orders.columns]
        derived.append(nw.coalesce(*country).alias("country"))
    if "financial_status" in orders.columns:
        statuses = [s.lower() for s in options.get("returned_statuses", _RETURNED)]
        status = nw.col("financial_status").str.strip_chars().str.to_lowercase()
        derived.append(nw.when(~status.is_null()).then(status.is_in(statuses)).alias("returned"))
    if "source_name" in orders.columns:
        derived.append(recode(text("source_name"), options.get("channels") or {}).alias("channel"))
    if "cancelled_at" in orders.columns:
        derived.append((~text("cancelled_at").is_null()).alias("cancelled"))
    if derived:
        orders = orders.with_columns(*derived)
    if "cancelled" in orders.columns and options.get("cancelled", "drop") == "drop":
        orders = orders.filter(~nw.col("cancelled")).drop("cancelled")
    orders = join_utc_offset(orders, "ts")
    out = present(
        orders,
        (
            "order_id",
            "customer_id",
            "ts",
            "revenue",
            "discount",
            "items",
            "returned",
            "channel",
            "country",
            "currency",
            "cancelled",
            *spec.keep,
        ),
    )
    return orders.select(out)


def _parse_quantities(frame: Any) -> Any:
    """Text quantities become numbers; unparseable ones are kept aside to be reported."""
    if "line_quantity" not in frame.columns or frame.collect_schema()["line_quantity"].is_numeric():
        return frame
    raw = frame.with_columns(nw.col("line_quantity").alias("__cx_raw_quantity"))
    parsed = parse_text_columns(raw, {"line_quantity": "number"}, None)
    bad = nw.col(BAD + "line_quantity").fill_null(False)
    return parsed.with_columns(
        nw.when(bad).then(nw.col("__cx_raw_quantity").cast(nw.String)).alias("__cx_bad_quantity"),
        bad.cast(nw.Int64).alias("__cx_bad_lines"),
    ).drop(BAD + "line_quantity", "__cx_raw_quantity")


def _check_quantities(orders: Any) -> None:
    if "__cx_bad_quantity" not in orders.columns:
        return
    n_bad = int(to_pandas(orders.select(nw.col("__cx_bad_lines").sum().alias("n")))["n"].iloc[0] or 0)
    if n_bad:
        rows = to_pandas(
            orders.filter(~nw.col("__cx_bad_quantity").is_null())
            .select("order_id", nw.col("__cx_bad_quantity").alias("line_quantity"))
            .sort("order_id")
            .head(MAX_EXAMPLES)
        )
        raise DataError(
            "line-item quantities that are not numbers; Shopify writes whole numbers here. "
            "Check that the file is the orders export and was not re-saved with another decimal separator.",
            table="orders",
            column="line_quantity",
            rule="not_numeric",
            rows=rows.to_dict("records"),
            n_rows=n_bad,
        )


def _check_one_total(orders: Any) -> None:
    conflict = orders.filter(nw.col("__cx_revenue_min") != nw.col("revenue"))
    examples = to_pandas(
        conflict.select("order_id", "__cx_revenue_min", "revenue").sort("order_id").head(MAX_EXAMPLES)
    )
    if len(examples):
        n = int(to_pandas(conflict.select(nw.len().alias("n")))["n"].iloc[0])
        raise DataError(
            "one order number carries two different totals. Shopify allows two orders with the "
            "same Name (e.g. after importing orders from another store); export one store at a "
            "time or give them distinct names.",
            table="orders",
            column="order_id",
            rule="duplicate_id",
            rows=[
                {"order_id": r["order_id"], "totals": f"{r['__cx_revenue_min']} / {r['revenue']}"}
                for r in examples.to_dict("records")
            ],
            n_rows=n,
        )


def _check_one_currency(orders: Any) -> None:
    if "currency" not in orders.columns:
        return
    counts = to_pandas(
        orders.filter(~nw.col("currency").is_null())
        .group_by("currency")
        .agg(nw.len().alias("orders"))
        .sort("currency")
    )
    if len(counts) > 1:
        shown = ", ".join(f"{r.currency} ({r.orders:,} orders)" for r in counts.itertuples())
        raise DataError(
            f"the export mixes currencies: {shown}. Revenue in different currencies cannot be "
            "added up; export one store (one currency) at a time.",
            table="orders",
            column="currency",
            rule="mixed_currency",
        )
