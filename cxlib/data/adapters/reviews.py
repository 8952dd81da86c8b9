"""A review export (rating, title, body, date, language) → the feedback contract.

Review platforms and shop review apps (Judge.me, Yotpo, Trustpilot, Google …) export one row
per review with a title and a body. The feedback contract has one ``text``: the title and the
body joined by a blank line (either alone when the other is blank). The ``review_export``
preset finds the columns by their headers.

Staging columns: ``ts`` (review date), ``title``, ``body``, and optional ``feedback_id``,
``rating`` (1–5 stars), ``lang``, ``customer_id`` (pseudonymised reviewer e-mail),
``product``, ``channel``. Without a ``feedback_id`` column each review gets a stable id: the
first 16 hex characters of SHA-256 over its date, reviewer pseudonym, title and body, so that
the same review exported twice is reported as a duplicate. ``source`` is ``review`` (option
``source``). Other columns (reviewer names, IP addresses, replies …) are left out, except
those in ``keep``.
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw

from cxlib.data.adapters.common import join_utc_offset, present, text
from cxlib.data.engine_sql import quote, sql_columns
from cxlib.data.mapping import TableSpec

__all__ = ["feedback_from_reviews"]

_CARRIED = ("rating", "customer_id", "lang", "channel", "product")


def feedback_from_reviews(frame: Any, spec: TableSpec) -> Any:
    """Return the feedback table from a review export.

    Parameters
    ----------
    frame : Narwhals DataFrame or LazyFrame
        The export with staging column names (module documentation).
    spec : TableSpec
        Options: ``source`` (value of the ``source`` column, default ``review``).

    Returns
    -------
    Narwhals frame: ``feedback_id, ts, text, source`` and, where present, ``rating,
    customer_id, lang, channel, product`` (+ kept columns).
    """
    frame = join_utc_offset(frame, "ts")
    parts = present(frame, ("title", "body"))
    frame = frame.with_columns(*[text(p).alias(p) for p in parts])
    joined = nw.concat_str([nw.col(p) for p in parts], separator="\n\n", ignore_nulls=True)
    any_text = nw.any_horizontal(*[~nw.col(p).is_null() for p in parts], ignore_nulls=True)
    frame = frame.with_columns(nw.when(any_text).then(joined).alias("text"))
    if "feedback_id" not in frame.columns:
        frame = sql_columns(
            frame,
            {"feedback_id": _content_id_sql(present(frame, ("ts", "customer_id", "title", "body")))},
            table="feedback",
        )
    carried = present(frame, (*_CARRIED, *spec.keep))
    return frame.select(
        text("feedback_id").alias("feedback_id"),
        nw.col("ts"),
        nw.col("text"),
        nw.lit(str(spec.options.get("source", "review"))).alias("source"),
        *[nw.col(c) for c in carried],
    )


def _content_id_sql(columns: list[str]) -> str:
    parts = ", ".join(f"coalesce(CAST({quote(c)} AS VARCHAR), '')" for c in columns)
    return f"left(sha256(concat_ws(chr(0), 'review', {parts})), 16)"
