"""Segment columns for scorecard cells: from the table itself or, via ``order_id``, from orders.

Surveys usually carry ``channel`` but not ``device`` or ``country``; their ``order_id`` links
them to the order, which does. Missing segment values become ``"unknown"`` later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw

from cxlib.errors import DataError
from cxlib.scorecard.cells import as_lazy

__all__ = ["SEGMENT_UNAVAILABLE", "as_columns", "attach_segments"]

#: ``DataError.rule`` when a table cannot be split by a requested segment column.
SEGMENT_UNAVAILABLE = "segment_unavailable"


def as_columns(by: str | Sequence[str] | None) -> list[str]:
    """Turn the ``by`` option into a list of column names (``None`` → no segments).

    Parameters
    ----------
    by : str, sequence of str or None

    Returns
    -------
    list of str
    """
    if by is None:
        return []
    columns = [by] if isinstance(by, str) else list(by)
    if not all(isinstance(c, str) and c for c in columns) or len(set(columns)) != len(columns):
        raise DataError(
            f"by must be a column name or a list of distinct column names, not {by!r}", rule="bad_option"
        )
    return columns


def attach_segments(
    frame: nw.LazyFrame[Any], by: Sequence[str], table: str, orders: Any = None
) -> nw.LazyFrame[Any]:
    """Make sure ``frame`` holds every ``by`` column, joining them from ``orders`` if needed.

    Parameters
    ----------
    frame : narwhals.LazyFrame
        The table to segment.
    by : sequence of str
        Segment columns.
    table : str
        Contract name of ``frame`` (for messages).
    orders : native frame, optional
        Orders with ``order_id`` and the missing segment columns; used when ``frame`` has an
        ``order_id`` column.

    Returns
    -------
    narwhals.LazyFrame
        ``frame`` with the ``by`` columns (values from the order where the table lacked them;
        null when the order is unknown).

    Raises
    ------
    DataError
        Rule ``segment_unavailable`` when a ``by`` column is neither in the table nor
        reachable through ``order_id``.
    """
    present = frame.collect_schema().names()
    missing = [c for c in by if c not in present]
    if not missing:
        return frame
    order_columns = as_lazy(orders).collect_schema().names() if orders is not None else []
    reachable = "order_id" in present and "order_id" in order_columns
    unreachable = [c for c in missing if not (reachable and c in order_columns)]
    if unreachable:
        how = (
            "and has no order_id to look it up in orders"
            if not reachable
            else "and orders do not have it either"
        )
        raise DataError(
            f"cannot be split by {', '.join(repr(c) for c in unreachable)}: the column is not in the table "
            f"{how}",
            table=table,
            column=unreachable[0],
            rule=SEGMENT_UNAVAILABLE,
        )
    lookup = as_lazy(orders).select(nw.col("order_id").alias("__order_id"), *[nw.col(c) for c in missing])
    return frame.join(lookup, left_on="order_id", right_on="__order_id", how="left")
