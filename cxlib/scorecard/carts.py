"""Cart abandonment from events, per period and segment (device, channel, ...).

Scorecard-level definition (docs/methods.md): cart abandonment = 1 − purchases / carts
created, counted in **sessions**: a cart is a session with at least one cart event
(``add_to_cart``); it is abandoned when the session has no purchase event. Without a
``session_id`` column a customer's events of one UTC day stand in for a session
("customer-days"). The period is that of the session's first cart or purchase event.
Baymard Institute's long-run average is about 70 %.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib._types import Frame
from cxlib.engine import require_columns
from cxlib.scorecard.cells import P, Period, aggregate_cells, as_lazy, period_index
from cxlib.scorecard.segments import attach_segments
from cxlib.timestamps import epoch_day

__all__ = ["cart_cells", "cart_unit"]


def cart_unit(events: Frame) -> str:
    """Say what a cart is counted as for this events table: ``"sessions"`` or ``"customer-days"``.

    Parameters
    ----------
    events : frame
        Events table (any supported frame).

    Returns
    -------
    str
    """
    return "sessions" if "session_id" in as_lazy(events).collect_schema().names() else "customer-days"


def cart_cells(
    events: Frame,
    *,
    by: Sequence[str] = (),
    period: Period = "month",
    totals: bool = True,
    cart_event: str = "add_to_cart",
    purchase_event: str = "purchase",
) -> pd.DataFrame:
    """Cart abandonment sufficient statistics per period and segment.

    Parameters
    ----------
    events : native frame
        Required columns: ``customer_id``, ``ts``, ``event`` and the ``by`` columns.
        Optional: ``session_id`` (else customer-days stand in for sessions).
    by : sequence of str
        Segment columns (e.g. ``["channel", "device"]``). A session whose events carry two
        segment values counts once in each.
    period : {"week", "month", "quarter"} or None
    totals : bool, default True
    cart_event, purchase_event : str
        Event names of adding to the cart and of a completed purchase.

    Returns
    -------
    pandas.DataFrame
        :func:`~cxlib.scorecard.cells.aggregate_cells` rows for ``cart_abandonment``
        (x = 1 for an abandoned cart); ``n`` = carts.
    """
    require_columns(events, ["customer_id", "ts", "event"], "events", purpose="cart abandonment")
    frame = attach_segments(as_lazy(events), by, "events")
    if cart_unit(events) == "sessions":
        frame = frame.filter(~nw.col("session_id").is_null())
        unit = ["session_id"]
    else:
        frame = frame.with_columns(epoch_day(nw.col("ts")).alias("__day"))
        unit = ["customer_id", "__day"]
    frame = frame.filter(nw.col("event").is_in([cart_event, purchase_event])).with_columns(
        (nw.col("event") == cart_event).cast(nw.Int64).alias("__cart"),
        (nw.col("event") == purchase_event).cast(nw.Int64).alias("__buy"),
    )
    carts = (
        frame.group_by(*unit, *by)
        .agg(
            nw.col("ts").min().alias("__ts"),
            nw.col("__cart").max().alias("__cart"),
            nw.col("__buy").max().alias("__buy"),
        )
        .filter(nw.col("__cart") > 0)
        .with_columns(
            period_index("__ts", period).alias(P), (1 - nw.col("__buy")).cast(nw.Float64).alias("__abandoned")
        )
    )
    return aggregate_cells(carts, by, {"cart_abandonment": "__abandoned"}, totals=totals)
