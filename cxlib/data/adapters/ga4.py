"""GA4's BigQuery export (``events_YYYYMMDD``): one row per event, as the events contract.

The export nests fields in records (``device.category``, ``traffic_source.medium``,
``ecommerce.purchase_revenue``), repeats ``event_params`` as key/value records, and counts
time in microseconds since the epoch (UTC). It arrives here as Parquet (nested, as BigQuery
writes it, or flattened by a query) or as newline-delimited JSON (BigQuery writes its
integers there as text). :func:`flatten` turns every nested record into columns named
``parent_child`` (``device.category`` and ``device_category`` both become
``device_category``), so the same staging names serve every form.

Staging columns (GA4 names, flattened):

=============================== ===============================================================
column                          becomes
=============================== ===============================================================
``event_name``                  ``event`` (recoded with the ``event_names`` option)
``event_timestamp``             ``ts``: microseconds since 1970-01-01, UTC
``user_pseudo_id``, ``user_id`` ``customer_id``: ``user_pseudo_id`` (option ``user_key:
                                user_id`` prefers ``user_id`` where set)
``ga_session_id``               ``session_id`` = ``user_pseudo_id-ga_session_id``; taken from
                                ``event_params`` when there is no such column
``platform``                    ``channel``: ``WEB`` → ``web``, ``IOS``/``ANDROID`` → ``app``
``device_category``             ``device`` (``desktop``, ``mobile``, ``tablet``)
``traffic_source_source``,      ``source``: a simplified GA4 default channel group
``traffic_source_medium``       (``direct``, ``organic_search``, ``paid_search``, ``email`` …)
``ecommerce_transaction_id``    ``order_id`` (purchase events)
``ecommerce_purchase_revenue``  ``revenue`` (purchase events)
``geo_country``                 ``country``
=============================== ===============================================================

``traffic_source`` is the source that first brought the user (GA4's "first user" source), so
``source`` is the same on all of a user's events. Other columns are left out, except those in
``keep``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import narwhals.stable.v2 as nw

from cxlib.data.adapters.common import present, recode, text
from cxlib.data.engine_sql import quote, sql_columns
from cxlib.data.mapping import TableSpec
from cxlib.engine import to_pandas
from cxlib.errors import MAX_EXAMPLES, DataError

__all__ = ["JSON_COLUMNS", "channel_group", "events_from_ga4", "flatten"]

#: DuckDB types of the GA4 fields cxlib reads from newline-delimited JSON. Given explicitly
#: because a record that is null in the first rows (``ecommerce``) cannot be inferred.
JSON_COLUMNS: dict[str, str] = {
    "event_date": "VARCHAR",
    "event_timestamp": "VARCHAR",
    "event_name": "VARCHAR",
    "event_params": (
        "STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value VARCHAR, "
        "float_value DOUBLE, double_value DOUBLE))[]"
    ),
    "user_id": "VARCHAR",
    "user_pseudo_id": "VARCHAR",
    "platform": "VARCHAR",
    "device": "STRUCT(category VARCHAR, operating_system VARCHAR, language VARCHAR)",
    "geo": "STRUCT(country VARCHAR, continent VARCHAR, region VARCHAR)",
    "traffic_source": "STRUCT(name VARCHAR, medium VARCHAR, source VARCHAR)",
    "ecommerce": "STRUCT(transaction_id VARCHAR, purchase_revenue DOUBLE, total_item_quantity VARCHAR)",
}

_PLATFORMS = {"WEB": "web", "IOS": "app", "ANDROID": "app"}
_SEARCH = (
    "google",
    "bing",
    "yahoo",
    "baidu",
    "duckduckgo",
    "yandex",
    "ecosia",
    "naver",
    "seznam",
    "qwant",
    "startpage",
)
_SOCIAL = (
    "facebook",
    "facebook.com",
    "m.facebook.com",
    "l.facebook.com",
    "fb",
    "instagram",
    "instagram.com",
    "l.instagram.com",
    "t.co",
    "twitter",
    "x.com",
    "linkedin",
    "linkedin.com",
    "lnkd.in",
    "pinterest",
    "pinterest.com",
    "tiktok",
    "tiktok.com",
    "youtube",
    "youtube.com",
    "reddit",
    "reddit.com",
    "snapchat",
)
_SOCIAL_MEDIA = ("social", "social-network", "social-media", "sm", "social network", "social media")
_EMAIL = ("email", "e-mail", "e_mail", "e mail", "newsletter")
_DISPLAY = ("display", "banner", "expandable", "interstitial", "cpm")
_PAID = r"^(?:.*cp.*|ppc|retargeting|paid.*)$"


def flatten(frame: Any, spec: TableSpec) -> Any:
    """Nested records become ``parent_child`` columns; dotted names become underscored.

    Lists (``event_params``, ``items``) are kept as they are; a flattened name that already
    exists as a column is not made again.
    """
    schema = frame.collect_schema()
    flat: list[nw.Expr] = []
    names: list[str] = []
    existing = {name.replace(".", "_") for name, dtype in schema.items() if not isinstance(dtype, nw.Struct)}
    for name, dtype in schema.items():
        if isinstance(dtype, nw.Struct):
            for leaf, expr in _leaves(nw.col(name), name.replace(".", "_"), dtype):
                if leaf not in existing and leaf not in names:
                    flat.append(expr.alias(leaf))
                    names.append(leaf)
        else:
            flat.append(nw.col(name).alias(name.replace(".", "_")))
            names.append(name.replace(".", "_"))
    return frame.select(flat)


def _leaves(expr: nw.Expr, prefix: str, dtype: Any) -> Iterator[tuple[str, nw.Expr]]:
    for fld in dtype.fields:
        child = expr.struct.field(fld.name)
        name = f"{prefix}_{fld.name}"
        if isinstance(fld.dtype, nw.Struct):
            yield from _leaves(child, name, fld.dtype)
        else:
            yield name, child


def channel_group(source: nw.Expr, medium: nw.Expr) -> nw.Expr:
    """Return a simplified GA4 default channel group from a traffic source and medium.

    Rules, first match wins: ``(direct)`` with medium ``(none)``/``(not set)`` → ``direct``;
    a paid medium (``cpc``, ``ppc``, ``paid…``, ``retargeting``) from a search engine →
    ``paid_search``, from a social site → ``paid_social``; an e-mail medium or source →
    ``email``; medium ``organic`` → ``organic_search``; a social site or medium →
    ``social``; a medium containing ``affiliate`` → ``affiliate``; a display medium →
    ``display``; medium ``referral`` → ``referral``; another paid medium → ``paid_other``;
    else ``unassigned``. Null when both are null.
    """
    src = source.str.strip_chars().str.to_lowercase()
    med = medium.str.strip_chars().str.to_lowercase()
    paid = med.str.contains(_PAID)
    rules: list[tuple[nw.Expr, str]] = [
        ((src == "(direct)") & med.is_in(["(none)", "(not set)"]), "direct"),
        (paid & src.is_in(list(_SEARCH)), "paid_search"),
        (paid & src.is_in(list(_SOCIAL)), "paid_social"),
        (med.is_in(list(_EMAIL)) | src.is_in(list(_EMAIL)), "email"),
        (med == "organic", "organic_search"),
        (src.is_in(list(_SOCIAL)) | med.is_in(list(_SOCIAL_MEDIA)), "social"),
        (med.str.contains("affiliate"), "affiliate"),
        (med.is_in(list(_DISPLAY)), "display"),
        (med == "referral", "referral"),
        (paid, "paid_other"),
    ]
    group = (
        nw.when(src.is_null() & med.is_null()).then(nw.lit(None, nw.String)).otherwise(nw.lit("unassigned"))
    )
    for condition, name in reversed(rules):
        group = nw.when(condition.fill_null(False)).then(nw.lit(name)).otherwise(group)
    return group


def events_from_ga4(frame: Any, spec: TableSpec) -> Any:
    """Return the events contract table from a (flattened) GA4 export.

    Parameters
    ----------
    frame : Narwhals DataFrame or LazyFrame
        Flattened export with staging names (module documentation).
    spec : TableSpec
        Options: ``event_names`` (``{GA4 name: cxlab name}``), ``platforms`` (``{GA4
        platform: channel}``), ``user_key`` (``user_pseudo_id`` or ``user_id``).

    Returns
    -------
    Narwhals frame: ``customer_id, ts, event`` and, where the export has them,
    ``session_id, channel, device, source, order_id, revenue, country`` (+ kept columns).
    """
    options = spec.options
    _check_micros(frame)
    computed: dict[str, str] = {"ts": _micros_sql("event_timestamp")}
    if "ga_session_id" not in frame.columns and "event_params" in frame.columns:
        computed["ga_session_id"] = (
            "CAST(list_extract(list_filter("
            + quote("event_params")
            + ", lambda p: p.key = 'ga_session_id'), 1).value.int_value AS VARCHAR)"
        )
    frame = sql_columns(frame, computed, table="events")

    users = present(
        frame,
        ("user_id", "user_pseudo_id")
        if options.get("user_key") == "user_id"
        else ("user_pseudo_id", "user_id"),
    )
    columns: list[nw.Expr] = [
        nw.coalesce(*[text(u) for u in users]).alias("customer_id")
        if len(users) > 1
        else text(users[0]).alias("customer_id"),
        nw.col("ts"),
        recode(text("event_name"), options.get("event_names") or {}).alias("event"),
    ]
    if "ga_session_id" in frame.columns and "user_pseudo_id" in frame.columns:
        columns.append(
            nw.concat_str([text("user_pseudo_id"), nw.lit("-"), text("ga_session_id")]).alias("session_id")
        )
    if "platform" in frame.columns:
        platforms = {str(k).upper(): v for k, v in (options.get("platforms") or _PLATFORMS).items()}
        columns.append(recode(text("platform").str.to_uppercase(), platforms).alias("channel"))
    if "device_category" in frame.columns:
        columns.append(text("device_category").str.to_lowercase().alias("device"))
    if {"traffic_source_source", "traffic_source_medium"} <= set(frame.columns):
        columns.append(
            channel_group(text("traffic_source_source"), text("traffic_source_medium")).alias("source")
        )
    if "ecommerce_transaction_id" in frame.columns:
        order = text("ecommerce_transaction_id")
        columns.append(nw.when(~order.is_in(["(not set)", "(not provided)"])).then(order).alias("order_id"))
    if "ecommerce_purchase_revenue" in frame.columns:
        columns.append(nw.col("ecommerce_purchase_revenue").alias("revenue"))
    if "geo_country" in frame.columns:
        columns.append(text("geo_country").alias("country"))
    columns.extend(nw.col(c) for c in spec.keep if c in frame.columns)
    return frame.select(columns)


def _micros_sql(column: str) -> str:
    """UTC timestamp from an epoch-microsecond column (integer, or text as in JSON exports)."""
    return f"timezone('UTC', make_timestamp(TRY_CAST({quote(column)} AS BIGINT)))"


def _check_micros(frame: Any) -> None:
    """Text timestamps (JSON exports) must be whole numbers; one pass over that column only."""
    if frame.collect_schema()["event_timestamp"].is_integer():
        return
    raw = f"NULLIF(trim(CAST({quote('event_timestamp')} AS VARCHAR)), '')"
    flagged = sql_columns(
        frame.select("event_name", "event_timestamp"),
        {"__cx_bad": f"({raw} IS NOT NULL AND TRY_CAST({raw} AS BIGINT) IS NULL)"},
        table="events",
    )
    bad = nw.col("__cx_bad").fill_null(False)
    n_bad = int(to_pandas(flagged.select(bad.cast(nw.Int64).sum().alias("n")))["n"].iloc[0] or 0)
    if n_bad:
        rows = to_pandas(flagged.filter(bad).select("event_name", "event_timestamp").head(MAX_EXAMPLES))
        raise DataError(
            "values are not whole microseconds since 1970-01-01 UTC, as GA4 writes them "
            "(e.g. 1709535605000000); check that the right column is read as event_timestamp",
            table="events",
            column="event_timestamp",
            rule="unparseable_timestamp",
            rows=rows.to_dict("records"),
            n_rows=n_bad,
        )
