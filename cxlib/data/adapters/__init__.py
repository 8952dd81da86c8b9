"""Adapters: reshape a known export into a contract table, on the engine.

Renaming is enough for most sources. A few common exports need more: Shopify writes one row
per line item, GA4 nests fields and counts time in microseconds, survey tools write one row
per respondent with a column per question. An adapter takes the export after its columns
were renamed onto the adapter's *staging* names (listed in each adapter module) and returns
the contract table. Adapters run on the table's own engine with Narwhals (DuckDB for files;
pandas or polars frames stay pandas or polars); the few steps Narwhals cannot express run as
DuckDB SQL (:mod:`cxlib.data.engine_sql`). No adapter loops over rows in Python.

:func:`apply_spec` is the whole way from a read table to one ready for validation:
flatten (GA4) → rename → pseudonymise → adapt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cxlib.data.adapters import ga4, reviews, shopify, survey
from cxlib.data.mapping import TableSpec
from cxlib.data.pseudonyms import pseudonymize_columns
from cxlib.errors import DataError

__all__ = ["ADAPTERS", "Adapter", "apply_spec"]


@dataclass(frozen=True)
class Adapter:
    """One export format: what it needs and how it becomes a contract table.

    Attributes
    ----------
    name : str
        Name used in mappings (``adapter: shopify_orders``).
    table : str
        Contract table it makes.
    label : str
        What the export is, for messages.
    required : tuple of tuple of str
        Staging columns needed; each inner tuple lists alternatives (one suffices).
    transform : callable
        ``(frame, spec) -> frame``: the reshaping, after renaming and pseudonymisation.
    prepare : callable, optional
        ``(frame, spec) -> frame`` run before renaming (GA4: flatten nested fields).
    json_columns : dict
        DuckDB types of known top-level keys, used when the export is newline-delimited JSON.
    derived : dict
        Contract column -> staging columns it is made from (for messages).
    """

    name: str
    table: str
    label: str
    required: tuple[tuple[str, ...], ...]
    transform: Callable[[Any, TableSpec], Any]
    prepare: Callable[[Any, TableSpec], Any] | None = None
    json_columns: dict[str, str] = field(default_factory=dict)
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)


ADAPTERS: dict[str, Adapter] = {
    "shopify_orders": Adapter(
        "shopify_orders",
        "orders",
        "Shopify orders export (one row per line item)",
        required=(("order_id",), ("ts",), ("revenue",), ("email", "phone")),
        transform=shopify.orders_from_line_items,
        derived={
            "customer_id": ("email", "phone"),
            "items": ("line_quantity",),
            "returned": ("financial_status",),
            "channel": ("source_name",),
        },
    ),
    "ga4_events": Adapter(
        "ga4_events",
        "events",
        "GA4 BigQuery export (events_*)",
        required=(("event_name",), ("event_timestamp",), ("user_pseudo_id", "user_id")),
        transform=ga4.events_from_ga4,
        prepare=ga4.flatten,
        json_columns=ga4.JSON_COLUMNS,
        derived={
            "customer_id": ("user_pseudo_id", "user_id"),
            "ts": ("event_timestamp",),
            "event": ("event_name",),
            "session_id": ("user_pseudo_id", "ga_session_id"),
            "channel": ("platform",),
            "device": ("device_category",),
            "source": ("traffic_source_source", "traffic_source_medium"),
            "order_id": ("ecommerce_transaction_id",),
            "revenue": ("ecommerce_purchase_revenue",),
        },
    ),
    "survey_wide": Adapter(
        "survey_wide",
        "surveys",
        "survey export (one row per respondent)",
        required=(("response_id",), ("ts",), ("nps", "csat", "ces")),
        transform=survey.answers_from_respondents,
        derived={"metric": ("nps", "csat", "ces"), "score": ("nps", "csat", "ces")},
    ),
    "reviews": Adapter(
        "reviews",
        "feedback",
        "review export",
        required=(("ts",), ("title", "body")),
        transform=reviews.feedback_from_reviews,
        derived={"text": ("title", "body")},
    ),
}


def apply_spec(frame: Any, spec: TableSpec | None, *, salt: str | None = None) -> Any:
    """Turn a table as read into one ready for validation, following its mapping spec.

    Parameters
    ----------
    frame : Narwhals DataFrame or LazyFrame
        The table as read from its source.
    spec : TableSpec, optional
        The table's mapping; ``None`` leaves the frame unchanged.
    salt : str, optional
        Pseudonymisation salt (default ``$CXLAB_SALT``).

    Returns
    -------
    Narwhals frame on the same backend, with contract column names.
    """
    if spec is None:
        return frame
    adapter = ADAPTERS[spec.adapter] if spec.adapter else None
    if adapter is not None and adapter.prepare is not None:
        frame = adapter.prepare(frame, spec)
    renames = spec.renames_for(frame.columns)
    if renames:
        frame = frame.rename(renames)
    frame = pseudonymize_columns(frame, spec.pseudonymize, salt, table=spec.table)
    if adapter is None:
        return frame
    _check_required(frame, spec, adapter, {dst: src for src, dst in renames.items()})
    return adapter.transform(frame, spec)


def _check_required(frame: Any, spec: TableSpec, adapter: Adapter, original: dict[str, str]) -> None:
    present = set(frame.columns)
    for alternatives in adapter.required:
        if present.intersection(alternatives):
            continue
        expected = [_expected_source(spec, name) for name in alternatives]
        wanted = " or ".join(
            f"'{name}'" + (f" (expected: {src})" if src else "")
            for name, src in zip(alternatives, expected, strict=True)
        )
        found = sorted(original.get(c, c) for c in present)
        shown = ", ".join(found[:40]) + (f" and {len(found) - 40} more" if len(found) > 40 else "")
        preset = f"preset: {spec.preset}, " if spec.preset else ""
        raise DataError(
            f"the {adapter.label} has no column for {wanted}. Columns found: {shown}. Map the column that "
            f"holds it, e.g. {spec.table}: {{{preset}columns: {{'Your column': {alternatives[0]}}}}}",
            table=spec.table,
            column=alternatives[0],
            rule="missing_column",
        )


def _expected_source(spec: TableSpec, target: str) -> str:
    sources = [src for src, dst in {**spec.preset_columns, **spec.columns}.items() if dst == target]
    if sources:
        return ", ".join(repr(s) for s in sources)
    if target in spec.match:
        return f"a header matching /{spec.match[target]}/"
    return ""
