"""RFM segments: champions, loyal customers, at risk, hibernating, ... with counts and value.

Each customer gets recency and monetary scores from 1 to 5 (quintiles; ties share the lower
score), a frequency score equal to her number of purchase days capped at 5 (quintiles of
frequency are degenerate when most customers bought once), and a segment from the common
R × F grid of CRM practice:

* champions: R 5, F 4–5; loyal customers: R 3–4, F 4–5
* potential loyalists: R 4–5, F 2–3; new customers: R 5, F 1; promising: R 4, F 1
* need attention: R 3, F 3; about to sleep: R 3, F 1–2
* at risk: R 1–2, F 3–4; can't lose them: R 1–2, F 5; hibernating: R 1–2, F 1–2

R scores how recently a customer bought (5 = most recent), F how many purchase days she has,
M her mean spend per purchase day. The grid is a convention of CRM practice, not a model;
the predicted CLV per segment (from :func:`~cxlib.ltv.clv`) shows what each is worth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import require_columns, to_pandas
from cxlib.ltv.mle import rfm_frame
from cxlib.ltv.summary import UNIT_DAYS
from cxlib.privacy import suppress_small
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import format_count, format_money, format_percent

if TYPE_CHECKING:
    from cxlib.ltv.clv import CLVResult
    from cxlib.ltv.summary import RFMSummary

__all__ = ["SEGMENT_ORDER", "RFMSegments", "rfm_scores", "rfm_segments"]

#: Segments from most to least engaged.
SEGMENT_ORDER: tuple[str, ...] = (
    "champions",
    "loyal customers",
    "potential loyalists",
    "new customers",
    "promising",
    "need attention",
    "about to sleep",
    "at risk",
    "can't lose them",
    "hibernating",
)

# _GRID[r - 1][f - 1] is the segment of recency score r and frequency score f.
_GRID: tuple[tuple[str, ...], ...] = (
    ("hibernating", "hibernating", "at risk", "at risk", "can't lose them"),
    ("hibernating", "hibernating", "at risk", "at risk", "can't lose them"),
    ("about to sleep", "about to sleep", "need attention", "loyal customers", "loyal customers"),
    ("promising", "potential loyalists", "potential loyalists", "loyal customers", "loyal customers"),
    ("new customers", "potential loyalists", "potential loyalists", "champions", "champions"),
)


def _score(values: np.ndarray) -> np.ndarray:
    """Quintile score 1–5 by rank; ties share the lowest rank (and so the lower score)."""
    n = len(values)
    rank = pd.Series(values).rank(method="min").to_numpy()
    return (1 + np.floor(5 * (rank - 1) / max(n, 1))).astype("int64")


def rfm_scores(summary: RFMSummary | Frame) -> pd.DataFrame:
    """Recency, frequency and monetary scores (1–5) and the R × F segment of every customer.

    R and M are quintile scores (ties share the lower score); F is the number of purchase
    days capped at 5.

    Parameters
    ----------
    summary : RFMSummary or frame
        Required columns: ``customer_id``, ``frequency``, ``recency``, ``T`` and either
        ``revenue`` (all purchases) or ``monetary_value`` (repeat purchases). Recency and T
        are in the RFMSummary's unit (weeks for a plain frame).

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (str), ``days_since_last`` (float64), ``purchases`` (int64: purchase
        days), ``mean_value`` (float64), ``r_score``, ``f_score``, ``m_score`` (int64),
        ``rfm`` (str, e.g. ``"545"``), ``segment`` (str); in the summary's row order.
    """
    frame = rfm_frame(summary)
    require_columns(
        frame, ["customer_id", "frequency", "recency", "T"], "rfm_summary", purpose="RFM segments"
    )
    df = to_pandas(frame)
    unit_days = UNIT_DAYS[getattr(summary, "unit", "W")]
    purchases = df["frequency"].to_numpy(dtype="int64") + 1
    days_since = (df["T"].to_numpy(dtype="float64") - df["recency"].to_numpy(dtype="float64")) * unit_days
    if "revenue" in df.columns:
        mean_value = df["revenue"].to_numpy(dtype="float64") / purchases
    else:
        require_columns(frame, ["monetary_value"], "rfm_summary", purpose="RFM segments")
        mean_value = df["monetary_value"].to_numpy(dtype="float64")
    r = _score(-days_since)
    f = np.minimum(purchases, 5).astype("int64")
    m = _score(mean_value)
    grid = np.array(_GRID, dtype=object)
    out = pd.DataFrame(
        {
            "customer_id": df["customer_id"].astype("str").to_numpy(),
            "days_since_last": days_since,
            "purchases": purchases,
            "mean_value": mean_value,
            "r_score": r,
            "f_score": f,
            "m_score": m,
        }
    )
    codes = out["r_score"].astype("str") + out["f_score"].astype("str") + out["m_score"].astype("str")
    out["rfm"] = codes.astype("str")
    out["segment"] = pd.Series(grid[r - 1, f - 1], dtype="str").to_numpy()
    return out


@dataclass(frozen=True)
class RFMSegments(ResultBase):
    """Customers by RFM segment (see :func:`rfm_segments`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per segment, in :data:`SEGMENT_ORDER`: ``segment`` (str), ``customers``,
        ``share_of_customers``, ``mean_purchases``, ``mean_days_since_last``,
        ``revenue``, and with CLV ``clv_total``, ``clv_mean``, ``share_of_value``
        (numbers blanked where ``suppressed``).
    customers : pandas.DataFrame
        Per customer, as from :func:`rfm_scores` (plus ``clv`` when given).
    currency : str
        Label of the money columns (the CLV result's currency).
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=(
            "segment",
            "customers",
            "share_of_customers",
            "mean_purchases",
            "mean_days_since_last",
            "revenue",
            "clv_total",
            "clv_mean",
            "share_of_value",
        ),
        percent_cols=("share_of_customers", "share_of_value"),
        currency_cols=("revenue", "clv_total", "clv_mean"),
        decimals={
            "revenue": 0,
            "clv_total": 0,
            "clv_mean": 2,
            "mean_purchases": 2,
            "mean_days_since_last": 0,
        },
        labels={
            "segment": "Segment",
            "customers": "Customers",
            "share_of_customers": "Share of customers",
            "mean_purchases": "Purchases per customer",
            "mean_days_since_last": "Days since last purchase",
            "revenue": "Revenue so far",
            "clv_total": "Predicted CLV",
            "clv_mean": "CLV per customer",
            "share_of_value": "Share of value",
        },
    )

    table: pd.DataFrame
    customers: pd.DataFrame
    currency: str = ""

    def figure(self) -> go.Figure:
        """Share of customers and (with CLV) share of predicted value, by segment."""
        shown = self.table[~self.table["suppressed"]]
        cols = ["share_of_customers"] + (["share_of_value"] if "share_of_value" in shown.columns else [])
        long = shown.melt(id_vars=["segment"], value_vars=cols, var_name="measure", value_name="share")
        long["measure"] = (
            long["measure"]
            .map({"share_of_customers": "customers", "share_of_value": "predicted value"})
            .astype("str")
        )
        return viz.bar(
            long,
            "segment",
            "share",
            color="measure",
            horizontal=True,
            percent=True,
            title="RFM segments: share of customers and of predicted value",
            labels={"segment": "", "share": "Share"},
        )

    def summary(self) -> list[str]:
        """Describe the largest and the most valuable segments, in words."""
        t = self.table[~self.table["suppressed"]]
        if t.empty:
            return ["Every segment is below the minimum size, so none is shown."]
        big = t.sort_values("customers", ascending=False).iloc[0]
        out = [
            f"The largest segment is {big['segment']} ({format_percent(big['share_of_customers'], 0)} of "
            f"customers, {format_count(big['customers'])})."
        ]
        if "share_of_value" in t.columns:
            rich = t.sort_values("share_of_value", ascending=False).iloc[0]
            worth = format_money(rich["clv_total"], self.currency)
            out.append(
                f"{rich['segment'].capitalize()} hold the most predicted value: "
                f"{format_percent(rich['share_of_value'], 0)} ({worth}) "
                f"with {format_percent(rich['share_of_customers'], 0)} of customers "
                f"({format_count(rich['customers'])}); they are the ones to keep buying."
            )
        return out


def rfm_segments(
    summary: RFMSummary | Frame, *, clv: CLVResult | Frame | None = None, min_n: int = 10
) -> RFMSegments:
    """Segment customers by RFM, with their value.

    Parameters
    ----------
    summary : RFMSummary or frame
        Required columns as for :func:`rfm_scores`.
    clv : CLVResult or DataFrame, optional
        Predicted CLV (columns ``customer_id``, ``clv``) to add value per segment; a
        CLVResult also gives its currency.
    min_n : int, default 10
        Segments with fewer customers are suppressed.

    Returns
    -------
    RFMSegments

    Examples
    --------
    >>> rfm_segments(rfm, clv=value).table  # doctest: +SKIP
    """
    customers = rfm_scores(summary)
    df = to_pandas(rfm_frame(summary))
    customers["revenue"] = (
        df["revenue"].to_numpy(dtype="float64")
        if "revenue" in df.columns
        else customers["mean_value"] * customers["purchases"]
    )
    if clv is not None:
        value = to_pandas(getattr(clv, "table", clv))
        value = value[["customer_id", "clv"]].astype({"customer_id": "str"})
        customers = customers.merge(value, on="customer_id", how="left", validate="one_to_one")
    grouped = customers.groupby("segment", sort=False)
    table = pd.DataFrame(
        {
            "customers": grouped.size(),
            "mean_purchases": grouped["purchases"].mean(),
            "mean_days_since_last": grouped["days_since_last"].mean(),
            "revenue": grouped["revenue"].sum(),
        }
    )
    if clv is not None:
        table["clv_total"] = grouped["clv"].sum()
        table["clv_mean"] = grouped["clv"].mean()
    table = table.reindex([s for s in SEGMENT_ORDER if s in table.index])
    table.index.name = "segment"
    table = table.reset_index()
    table["segment"] = table["segment"].astype("str")
    table["customers"] = table["customers"].astype("int64")
    table.insert(2, "share_of_customers", table["customers"] / max(len(customers), 1))
    if clv is not None:
        total = float(customers["clv"].sum())
        table["share_of_value"] = table["clv_total"] / total if total > 0 else np.nan
    currency = str(getattr(clv, "currency", "") or "")
    return RFMSegments(suppress_small(table, "customers", min_n), customers, currency)
