"""Defaults taken from the data, so that a notebook fits any shop on its first run.

Each function turns a parameter value such as ``"auto"`` or ``""`` into what the data
support, and says what it chose in a sentence the notebook can show:

* :func:`resolve_segment` — ``"auto"``: the first of channel, device, country, source …
  with two or more values and enough customers in each; a named column that does not exist
  is a :class:`~cxlib.DataError` listing the columns that do;
* :func:`lump_segment` — many segment values: the largest ``top`` plus ``"other"``;
* :func:`auto_holdout_weeks` — a quarter of the observed span, with enough calibration;
* :func:`funnel_steps_present` — funnel steps from the event names that occur (contract,
  GA4 and common shop names);
* :func:`choose_control` — the control variant, or a fallback named control/baseline/A;
* :func:`shop_currency` — the shop's currency from a ``currency`` column.

Counting runs on the engine (group-bys over the table); only the small counts come back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib._types import Frame
from cxlib.engine import to_narwhals, to_pandas
from cxlib.errors import DataError

__all__ = [
    "AUTO",
    "FUNNEL_STAGES",
    "SEGMENT_CANDIDATES",
    "Choice",
    "absent",
    "auto_holdout_weeks",
    "choose_control",
    "empty_period",
    "funnel_steps_present",
    "lump_segment",
    "repeat_customers",
    "resolve_segment",
    "segment_sizes",
    "shop_currency",
    "top_values",
]

AUTO = "auto"
#: Columns tried, in order, by ``segment="auto"``.
SEGMENT_CANDIDATES = ("channel", "device", "country", "source", "region", "market", "platform", "segment")
#: Funnel stages and the event names that stand for each (contract, GA4, common shop names).
FUNNEL_STAGES: tuple[tuple[str, ...], ...] = (
    ("product_view", "view_item", "product_viewed", "view_product", "view"),
    ("add_to_cart", "added_to_cart", "product_added", "cart"),
    ("checkout_start", "begin_checkout", "checkout_started", "initiate_checkout", "checkout"),
    ("payment", "add_payment_info", "payment_info_submitted", "add_payment"),
    ("purchase", "order_completed", "checkout_completed", "order_placed", "order"),
)


@dataclass(frozen=True)
class Choice:
    """A value chosen from the data and the sentence that says so (``None``: nothing to say)."""

    value: Any
    note: str | None = None


def _columns(table: Frame) -> list[str]:
    return list(to_narwhals(table).columns)


def segment_sizes(table: Frame, column: str, *, key: str | None = "customer_id") -> pd.DataFrame:
    """Distinct ``key`` values (or rows when ``key`` is None or absent) per value of ``column``.

    Returns
    -------
    pandas.DataFrame
        Columns ``value`` and ``n``, largest first (ties by value); null values left out.
    """
    frame = to_narwhals(table).filter(~nw.col(column).is_null())
    size = nw.col(key).n_unique().alias("n") if key and key in frame.columns else nw.len().alias("n")
    counts = to_pandas(frame.group_by(column).agg(size)).rename(columns={column: "value"})
    counts["value"] = counts["value"].astype(str)
    return counts.sort_values(["n", "value"], ascending=[False, True], ignore_index=True)


def resolve_segment(
    table: Frame,
    value: str | None,
    *,
    table_name: str,
    key: str | None = "customer_id",
    min_n: int = 30,
    candidates: Sequence[str] = SEGMENT_CANDIDATES,
    allowed: Sequence[str] = (),
) -> Choice:
    """Return the segment column to split by.

    Parameters
    ----------
    table : frame
        The table holding the segment column.
    value : str or None
        ``"auto"``: the first of ``candidates`` that exists, has two or more values with at
        least ``min_n`` customers each; ``""``/``None``/``"none"``: no split; otherwise a
        column name.
    table_name : str
        Contract name of the table, for messages.
    key : str, optional
        Column whose distinct values are counted per segment (default ``customer_id``; rows
        when absent).
    min_n : int, default 30
    candidates : sequence of str
    allowed : sequence of str
        Extra names accepted without being columns (e.g. ``pre_period_buyer``).

    Returns
    -------
    Choice
        ``value`` is the column or ``None``; ``note`` says what ``auto`` chose or why no split.

    Raises
    ------
    DataError
        A named column does not exist (the message lists the columns that do).
    """
    text = (value or "").strip()
    if text.lower() in ("", "none"):
        return Choice(None)
    columns = _columns(table)
    candidates = tuple(dict.fromkeys(candidates))
    if text.lower() != AUTO:
        if text in columns or text in allowed:
            return Choice(text)
        raise DataError(
            f"has no column '{text}' to split by; columns found: {', '.join(columns)} "
            "(set the parameter to one of them, to auto, or to empty for no split)",
            table=table_name,
            column=text,
            rule="missing_column",
        )
    for column in candidates:
        if column not in columns:
            continue
        sizes = segment_sizes(table, column, key=key)
        if int((sizes["n"] >= min_n).sum()) >= 2:
            return Choice(
                column,
                f"Split by {column} (chosen automatically: the first of "
                f"{', '.join(candidates[:4])} … with two or more values of {min_n}+ customers).",
            )
    tried = ", ".join(c for c in candidates if c in columns) or "the usual columns"
    return Choice(
        None,
        f"No split by segment: none of {tried} has two or more values with {min_n} or more customers each.",
    )


def top_values(
    table: Frame, column: str | None, *, top: int = 8, key: str | None = "customer_id"
) -> list[str] | None:
    """Return the ``top`` largest values of ``column``, or ``None`` when no grouping is needed.

    ``None`` when the column is absent or has at most ``top + 1`` values (grouping a single
    value as "other" would only hide its name).
    """
    if column is None or column not in _columns(table):
        return None
    sizes = segment_sizes(table, column, key=key)
    return None if len(sizes) <= top + 1 else sizes["value"].head(top).tolist()


def lump_segment(
    table: Frame,
    column: str | None,
    *,
    top: int = 8,
    other: str = "other",
    key: str | None = "customer_id",
    keep: Sequence[str] | None = None,
) -> Choice:
    """Keep the ``top`` largest values of ``column`` and relabel the rest ``other``.

    Parameters
    ----------
    table : frame
    column : str or None
        Segment column; ``None`` returns the table unchanged.
    top : int, default 8
        Values kept by size (distinct ``key`` per value).
    other : str, default "other"
    key : str, optional
    keep : sequence of str, optional
        The values to keep, e.g. :func:`top_values` of another table so that every table of
        a shop groups the same values; default: :func:`top_values` of this table.

    Returns
    -------
    Choice
        ``value`` is the table (same backend, the column cast to text when lumped); ``note``
        says how many values went into ``other``.
    """
    if column is None or column not in _columns(table):
        return Choice(table)
    keep = list(keep) if keep is not None else top_values(table, column, top=top, key=key)
    if keep is None:
        return Choice(table)
    sizes = segment_sizes(table, column, key=key)
    rest = int((~sizes["value"].isin(keep)).sum())
    if rest == 0:
        return Choice(table)
    text = nw.col(column).cast(nw.String)
    lumped = to_narwhals(table).with_columns(
        nw.when(text.is_null() | text.is_in(keep)).then(text).otherwise(nw.lit(other)).alias(column)
    )
    return Choice(
        nw.to_native(lumped),
        f"{column} has {len(sizes)} values: the {len(keep)} largest are shown, the other {rest} together as "
        f"'{other}'.",
    )


def auto_holdout_weeks(
    first: Any,
    last: Any,
    value: int | str = AUTO,
    *,
    share: float = 0.25,
    min_calibration_weeks: int = 12,
    min_holdout_weeks: int = 4,
    max_holdout_weeks: int = 52,
) -> Choice:
    """Weeks at the end of the data held out to test a forecast.

    ``"auto"`` (or a negative number) holds out ``share`` of the observed span, rounded down,
    between ``min_holdout_weeks`` and ``max_holdout_weeks``, and only if at least
    ``min_calibration_weeks`` remain before it; otherwise 0 (no test) with a sentence why.
    A given number is kept if it leaves ``min_calibration_weeks``; otherwise 0 with a note.

    Parameters
    ----------
    first, last : timestamp-like
        First and last order.
    value : int or "auto"
        Also the text of a whole number (``"13"``).

    Returns
    -------
    Choice
        ``value`` is the number of weeks (0: no holdout test).
    """
    span = (pd.Timestamp(last) - pd.Timestamp(first)) / pd.Timedelta(weeks=1)
    if isinstance(value, str) and value.strip().lower() != AUTO:
        if not value.strip().isdigit():
            raise ValueError(f"holdout_weeks must be auto or a whole number of weeks, not {value!r}")
        value = int(value)
    if isinstance(value, int) and value >= 0:
        if value == 0:
            return Choice(0, "The holdout test is switched off (holdout_weeks is 0).")
        if span - value >= min_calibration_weeks:
            return Choice(value)
        return Choice(
            0,
            f"The data span {span:.0f} weeks: a {value}-week holdout would leave fewer than "
            f"{min_calibration_weeks} weeks to fit the models, so the holdout test is left out.",
        )
    weeks = min(max_holdout_weeks, math.floor(span * share))
    if weeks < min_holdout_weeks or span - weeks < min_calibration_weeks:
        return Choice(
            0,
            f"The data span only {span:.0f} weeks, too short to hold out at least {min_holdout_weeks} weeks "
            f"and keep {min_calibration_weeks} weeks to fit the models: the holdout test is left out.",
        )
    return Choice(
        weeks,
        f"The last {weeks} weeks (a quarter of the {span:.0f} weeks observed) are held out "
        "to test the forecast.",
    )


def funnel_steps_present(
    events: Frame, value: str | None = AUTO, *, stages: Sequence[Sequence[str]] = FUNNEL_STAGES
) -> Choice:
    """Funnel steps: the ones given, or (``"auto"``) the stages whose event names occur.

    For each stage in ``stages`` the first event name that occurs in ``events.event`` is
    taken; stages without one are left out. Given steps that never occur are kept and named
    in the note with the event names that do occur.

    Returns
    -------
    Choice
        ``value`` is the step text for :func:`cxlib.journey.parse_steps` (``""`` when fewer
        than two stages occur).
    """
    counts = segment_sizes(events, "event", key=None)
    present = set(counts["value"])
    text = (value or "").strip()
    occurring = ", ".join(counts["value"].head(15))
    if text and text.lower() != AUTO:
        named = [s.strip() for part in text.split(",") for s in part.split("|") if s.strip()]
        absent = [s for s in named if s not in present]
        note = (
            f"Funnel step(s) {', '.join(absent)} never occur in the events; the events that occur are: "
            f"{occurring}."
            if absent
            else None
        )
        return Choice(text, note)
    chosen = [next(name for name in stage if name in present) for stage in stages if present & set(stage)]
    if len(chosen) < 2:
        return Choice(
            "",
            "No funnel: fewer than two known funnel steps (view, cart, checkout, payment, purchase) occur in "
            f"the events; the events that occur are: {occurring}. Name the steps in funnel_steps.",
        )
    return Choice(", ".join(chosen), f"Funnel steps found in the data: {', '.join(chosen)}.")


def choose_control(variants: Sequence[str], requested: str | None = None) -> Choice:
    """Return the control variant: ``requested``, else control/baseline/A/original, else the first.

    Returns
    -------
    Choice
        ``note`` says when the control was not the one requested.
    """
    names = [str(v) for v in variants]
    if requested and requested in names:
        return Choice(requested)
    lowered = {name.lower(): name for name in names}
    fallback = next(
        (lowered[n] for n in ("control", "baseline", "a", "original", "default") if n in lowered),
        sorted(names)[0] if names else None,
    )
    wanted = f"there is no variant '{requested}'; " if requested else ""
    return Choice(fallback, f"Control: {fallback} ({wanted}variants: {', '.join(names)}).")


def shop_currency(table: Frame | None, default: str) -> Choice:
    """Return the currency: the ``currency`` column's value if there is one, else ``default``.

    With several currencies in the column the most frequent is used and the note says that
    amounts are not converted.
    """
    if table is None or "currency" not in _columns(table):
        return Choice(default)
    counts = segment_sizes(table, "currency", key=None)
    if counts.empty:
        return Choice(default)
    main = str(counts["value"].iloc[0])
    if len(counts) == 1:
        return Choice(main)
    return Choice(
        main,
        f"Orders are in {len(counts)} currencies ({', '.join(counts['value'])}); amounts are added "
        f"as they are and labelled {main}, the most frequent.",
    )


def absent(table: Frame | None, columns: Sequence[str], *, table_name: str, purpose: str) -> str | None:
    """Return why a section is left out (the table or its columns are missing), else ``None``.

    Parameters
    ----------
    table : frame or None
    columns : sequence of str
        Columns the section needs.
    table_name : str
        Contract name of the table.
    purpose : str
        What the section shows, e.g. ``"the value of CX"``.

    Returns
    -------
    str or None
        One sentence, e.g. "The value of CX is left out: the surveys table has no
        customer_id column."
    """
    head = purpose[:1].upper() + purpose[1:]
    if table is None:
        return f"{head} is left out: the data have no {table_name} table."
    missing = [c for c in columns if c not in _columns(table)]
    if not missing:
        return None
    names = ", ".join(missing)
    return (
        f"{head} is left out: the {table_name} table has no {names} column{'s' if len(missing) > 1 else ''}."
    )


def repeat_customers(orders: Frame, *, key: str = "customer_id") -> int:
    """Return how many customers have two or more orders (counted on the engine).

    Parameters
    ----------
    orders : frame
        Required column: ``customer_id`` (or ``key``).
    """
    frame = to_narwhals(orders)
    per_customer = frame.group_by(key).agg(nw.len().alias("n")).filter(nw.col("n") >= 2)
    return int(to_pandas(per_customer.select(nw.len().alias("repeaters")))["repeaters"].iloc[0])


def empty_period(shop: Any, tables: Sequence[str], start: Any = None, end: Any = None) -> str | None:
    """Return why there is nothing to report between ``start`` and ``end`` (``None``: there is).

    Parameters
    ----------
    shop : Shop
    tables : sequence of str
        The tables the notebook reports on; absent ones are ignored.
    start, end : str or date, optional
        The notebook's period parameters (empty: open).

    Returns
    -------
    str or None
        A sentence naming the period and the span the data do cover, when none of the
        tables has a row in the period.
    """
    from cxlib.health import filter_period

    if not start and not end:
        return None
    present = [getattr(shop, name) for name in tables if getattr(shop, name, None) is not None]
    spans = []
    for table in present:
        frame = to_narwhals(table)
        if "ts" not in frame.columns:  # e.g. experiments (exposed_ts): not filtered by the period
            continue
        inside = to_narwhals(filter_period(table, start or None, end or None)).select(nw.len().alias("n"))
        if int(to_pandas(inside)["n"].iloc[0]) > 0:
            return None
        span = to_pandas(frame.select(nw.col("ts").min().alias("first"), nw.col("ts").max().alias("last")))
        spans.append((span["first"].iloc[0], span["last"].iloc[0]))
    if not spans:
        return None
    dated = [(a, b) for a, b in spans if pd.notna(a)]
    cover = (
        f"; the data run from {min(a for a, _ in dated):%Y-%m-%d} to {max(b for _, b in dated):%Y-%m-%d}"
        if dated
        else ""
    )
    asked = f"between {start or 'the start'} and {end or 'the end'}"
    names = ", ".join(
        n for n in tables if getattr(shop, n, None) is not None and "ts" in _columns(getattr(shop, n))
    )
    return f"The {names} have no records {asked}{cover}."
