"""Rank channel gaps by business impact: size of the gap × customers affected.

The smallest p-value is not the most important finding: with 10,000 sessions a gap of a
few points is "highly significant", while a channel whose NPS is −1 against 62 elsewhere
rests on a few hundred answers. Managers need the gaps that cost the most customers first.

Impact of a metric's gap between the best and the worst segment::

    impact = gap on a 0–1 scale × customers of the worst segment

The gap is put on a 0–1 scale so that metrics compare: NPS gap / 200 (its range is −100 to
100), shares (including ratios between 0 and 1 such as the return rate) as they are, other
averages and ratios relative to the best segment's value. The
customers of a segment are its customer count in the latest period (the ``n`` of a
customer-based metric such as the repeat purchase rate), the same for every metric, since a
poor experience in a channel reaches all its customers, not only those who answered.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlib.scorecard.charts import format_amount
from cxlib.scorecard.consistency import Consistency, gap_text
from cxlib.viz.formats import format_count, format_p

__all__ = ["impact_findings", "rank_by_impact"]

#: Customer-based metrics whose ``n`` is the number of customers of a segment in a period.
_CUSTOMER_METRICS = ("repeat_rate", "purchase_frequency", "revenue_per_customer", "retention_rate")


def _scaled_gap(row: Any) -> float:
    gap = abs(float(row["gap"]))
    if row["kind"] == "nps":
        return gap / 200.0
    shares = all(0 <= float(row[c]) <= 1 for c in ("best_value", "worst_value"))
    if row["kind"] == "proportion" or (row["kind"] == "ratio" and shares):  # e.g. the return rate
        return gap
    best = abs(float(row["best_value"]))
    return gap / best if best > 0 else np.nan


def rank_by_impact(differences: pd.DataFrame, latest: pd.DataFrame, segment: str) -> pd.DataFrame:
    """Order the channel (segment) gaps by business impact, largest first.

    Parameters
    ----------
    differences : pandas.DataFrame
        ``Consistency.table``: ``metric``, ``best_value``, ``worst_value``, ``worst_segment``,
        ``gap``, ``significant``.
    latest : pandas.DataFrame
        ``Scorecard.latest()``: ``metric``, the segment column, ``n``, ``kind``.
    segment : str
        Name of the segment column (``card.by[0]``).

    Returns
    -------
    pandas.DataFrame
        The significant rows of ``differences`` with ``scaled_gap`` (0–1 scale),
        ``customers`` (of the worst segment) and ``impact`` (their product), sorted by
        ``impact`` descending; rows without a customer count go last.
    """
    kinds = latest.drop_duplicates("metric").set_index("metric")["kind"]
    counts = latest[latest["metric"].isin(_CUSTOMER_METRICS)]
    customers = (
        counts.sort_values("metric", key=lambda m: m.map(_CUSTOMER_METRICS.index))
        .drop_duplicates(segment)
        .set_index(segment)["n"]
    )
    ranked = differences[differences["significant"].astype(bool)].copy()
    ranked["kind"] = ranked["metric"].map(kinds)
    ranked["scaled_gap"] = ranked.apply(_scaled_gap, axis=1) if len(ranked) else pd.Series(dtype="float64")
    ranked["customers"] = ranked["worst_segment"].map(customers).astype("float64")
    ranked["impact"] = ranked["scaled_gap"] * ranked["customers"]
    return ranked.sort_values("impact", ascending=False, na_position="last").drop(columns="kind")


def impact_findings(across: Consistency, latest: pd.DataFrame, *, top: int = 2) -> list[str]:
    """Key findings on the segment gaps that affect the most customers: answer → impact → action.

    Parameters
    ----------
    across : Consistency
        From :func:`cxlib.scorecard.consistency` (one segment column).
    latest : pandas.DataFrame
        ``Scorecard.latest()`` (see :func:`rank_by_impact`).
    top : int, default 2
        How many gaps to describe.

    Returns
    -------
    list of str
        One sentence per gap, largest impact first: the gap between the best and the worst
        segment, the customers of the worst segment it concerns, where to look next; the
        test and its p-values in brackets at the end (small print in the key findings).
    """
    segment = across.by[0]
    ranked = rank_by_impact(across.table, latest, segment).head(top)
    out = []
    for row in ranked.itertuples(index=False):
        metric = across.metrics[str(row.metric)]
        short = metric.label.split(" (")[0]
        worst, best = str(row.worst_segment), str(row.best_segment)
        gap = gap_text(metric, float(row.gap))
        answer = (
            f"{short} lags in {worst}: best {best} {format_amount(metric, row.best_value)}, worst {worst} "
            f"{format_amount(metric, row.worst_value)}, a gap of {gap}"
        )
        customers = float(row.customers)
        reach = (
            f"; it concerns the {format_count(customers)} {worst} customers of {row.period}"
            if np.isfinite(customers)
            else ""
        )
        adjusted = format_p(row.q_value).replace("p", "adjusted p", 1)
        out.append(
            f"{answer}{reach}. Look at what {worst} customers meet first ({row.test}, "
            f"{format_p(row.p_value)}, {adjusted})."
        )
    return out
