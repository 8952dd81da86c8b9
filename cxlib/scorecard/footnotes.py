"""Footnotes under the scorecard table for figures that look wrong but are right.

A customer-based rate of "All" can lie above every channel: a customer who orders once on
the web and once in the app is a repeat customer overall but a one-time customer in each
channel. A reader who sees "All 19.8%" above channels of 11–17% suspects a bug; the
footnote under the table says why, next to the number.
"""

from __future__ import annotations

import pandas as pd

from cxlib.scorecard.cells import ALL
from cxlib.viz.formats import format_percent

__all__ = ["all_above_segments", "all_outside_segments"]

#: Customer-based rates whose "All" counts each customer once across channels.
_WHY = {
    "repeat_rate": (
        "a customer who orders once in two channels is a repeat customer overall but a one-time "
        "customer in each channel"
    ),
    "retention_rate": (
        "a customer who buys in one channel and comes back in another is retained overall but "
        "not in either channel"
    ),
}


def all_outside_segments(latest: pd.DataFrame, segment: str) -> list[str]:
    """Sentences for customer-based rates whose "All" lies above every segment.

    Parameters
    ----------
    latest, segment
        As in :func:`all_above_segments`.

    Returns
    -------
    list of str
        The sentences of :func:`all_above_segments`, in its order.
    """
    return list(all_above_segments(latest, segment).values())


def all_above_segments(latest: pd.DataFrame, segment: str) -> dict[str, str]:
    """Explain, per customer-based rate, why its "All" lies above every segment.

    The scorecard grid (:mod:`cxlib.scorecard.grid`) puts the sentence in the "All" cell's
    tooltip and in a footnote of the table.

    Parameters
    ----------
    latest : pandas.DataFrame
        ``Scorecard.latest()``: ``metric``, ``label``, the segment column, ``value``,
        ``suppressed``.
    segment : str
        The segment column (``card.by[0]``).

    Returns
    -------
    dict of str to str
        Metric name → one sentence, for each metric of :data:`_WHY` whose "All" value
        exceeds the highest shown segment value; empty when none does.
    """
    out = {}
    shown = latest[~latest["suppressed"].astype(bool)]
    for metric, why in _WHY.items():
        rows = shown[shown["metric"] == metric]
        total = rows[rows[segment] == ALL]
        parts = rows[rows[segment] != ALL]
        if total.empty or parts.empty:
            continue
        overall, highest = float(total["value"].iloc[0]), float(parts["value"].max())
        if overall > highest:
            name = str(total["label"].iloc[0]).split(" (")[0]
            out[metric] = (
                f"{name} of “All” ({format_percent(overall)}) is above every {segment} (at most "
                f"{format_percent(highest)}) because {why}."
            )
    return out
