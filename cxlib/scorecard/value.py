"""The value of CX: what promoters, passives and detractors are worth per customer.

Each customer's **first** NPS answer puts them in a group (promoter 9–10, passive 7–8,
detractor 0–6; the lowest score if several first answers share a time). Joined to their
orders:

* ``revenue_to_date``: all their revenue in the data (historical, tenure not equalised);
* ``value_12m``: revenue in the ``horizon_days`` (default 365) after the answer — counted
  only for customers whose whole window lies inside the data, so recent answers do not drag
  the average down.

Means carry t intervals; the promoter − detractor gap uses Welch's t
(:mod:`cxlib.scorecard.stats`). The gap is an association, not a causal effect: the same
customers may differ in other ways.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import require_columns
from cxlib.errors import DataError
from cxlib.estimate import Estimate
from cxlib.result import Display, ResultBase
from cxlib.scorecard.cells import ALL, P, aggregate_cells, as_lazy, time_span
from cxlib.scorecard.charts import TOO_FEW
from cxlib.scorecard.stats import cell_estimates, compare

__all__ = ["NPS_GROUPS", "CXValue", "value_of_cx"]

#: Group names by the NPS class (+1, 0, −1).
NPS_GROUPS: dict[int, str] = {1: "promoters", 0: "passives", -1: "detractors"}
_MEASURES = {"revenue_to_date": "__rev", "value_12m": "__v12"}


@dataclass(frozen=True)
class CXValue(ResultBase):
    """Revenue per customer of promoters, passives and detractors (result of :func:`value_of_cx`).

    Attributes
    ----------
    table : pandas.DataFrame
        Rows ``promoters``, ``passives``, ``detractors``, ``all`` (column ``group``, str);
        per measure ``revenue_to_date`` and ``value_12m``: ``<measure>_n`` (Int64,
        customers; missing when suppressed), ``<measure>``, ``<measure>_ci_low``,
        ``<measure>_ci_high`` (float64, shop currency per customer; NaN when fewer than
        ``min_n`` customers).
    gap_to_date, gap_12m : Estimate
        Promoters minus detractors (Welch interval); NaN when either group is suppressed.
    horizon_days : int
    min_n : int
    alpha : float
    currency : str
    end : pandas.Timestamp or None
        Last order in the data: answers after ``end − horizon`` have no complete window.
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=("group", "value_12m_n", "value_12m", "revenue_to_date_n", "revenue_to_date"),
        currency_cols=("value_12m", "revenue_to_date"),
        labels={
            "group": "NPS group",
            "value_12m_n": "Customers (window)",
            "value_12m": "Value in window",
            "revenue_to_date_n": "Customers",
            "revenue_to_date": "Revenue to date",
        },
    )

    table: pd.DataFrame
    gap_to_date: Estimate
    gap_12m: Estimate
    horizon_days: int = 365
    min_n: int = 30
    alpha: float = 0.05
    currency: str = ""
    end: pd.Timestamp | None = None

    @property
    def _window(self) -> str:
        return "12 months" if self.horizon_days == 365 else f"{self.horizon_days} days"

    def _money(self, value: float) -> str:
        return f"{value:,.2f}".replace("-", "−") + (f" {self.currency}" if self.currency else "")

    def figure(self) -> go.Figure:
        """Value per customer by NPS group, both measures, with interval bars."""
        level = round(100 * (1 - self.alpha))
        groups = self.table[self.table["group"] != "all"]
        fig = go.Figure()
        for i, (measure, name) in enumerate(
            [
                ("value_12m", f"Revenue in the {self._window} after answering"),
                ("revenue_to_date", "Revenue to date"),
            ]
        ):
            values = groups[measure]
            fig.add_trace(
                go.Bar(
                    x=groups["group"],
                    y=values,
                    name=name,
                    marker_color=viz.PALETTE[i],
                    error_y=dict(
                        type="data",
                        symmetric=False,
                        array=groups[f"{measure}_ci_high"] - values,
                        arrayminus=values - groups[f"{measure}_ci_low"],
                    ),
                    hovertext=[
                        f"{g}: {self._money(v)} per customer, n={int(n):,}"
                        if np.isfinite(v)
                        else f"{g}: {TOO_FEW}"
                        for g, v, n in zip(
                            groups["group"], values, groups[f"{measure}_n"].fillna(0), strict=True
                        )
                    ],
                    hoverinfo="text",
                )
            )
        unit = f" ({self.currency})" if self.currency else ""
        fig.update_layout(
            template="cxlab",
            barmode="group",
            hovermode="closest",
            title=dict(
                text=f"Value per customer by NPS group{unit} · higher is better",
                yref="container",
                y=1.0,
                yanchor="top",
                pad=dict(t=12),
                subtitle=dict(
                    text=f"first NPS answer per customer · bars: {level}% CI · groups under "
                    f"{self.min_n} customers: {TOO_FEW}",
                    font=dict(size=11),
                ),
            ),
            margin=dict(t=96),
            yaxis=dict(title=dict(text=f"Revenue per customer{unit}")),
            xaxis=dict(title=dict(text="")),
        )
        return fig

    def summary(self) -> list[str]:
        """Say the number that ties CX to money, in words."""
        rows = self.table.set_index("group")
        out = []
        gap = self.gap_12m
        p, d = rows.loc["promoters", "value_12m"], rows.loc["detractors", "value_12m"]
        level = round(100 * (1 - self.alpha))
        if np.isfinite(gap.value):
            out.append(
                f"Promoters spent {self._money(p)} per customer in the {self._window} after answering, "
                "detractors "
                f"{self._money(d)}: a gap of {self._money(gap.value)} per customer "
                f"({level}% CI {self._money(gap.ci_low)} to {self._money(gap.ci_high)})"
                + (
                    "; the interval includes zero, so these data do not show a difference."
                    if gap.ci_low <= 0 <= gap.ci_high
                    else "."
                )
            )
        else:
            out.append(
                f"Too few promoters or detractors whose {self._window} after answering lie inside the data "
                "to "
                f"compare their value (at least {self.min_n} of each are needed)."
            )
        g = self.gap_to_date
        if np.isfinite(g.value):
            out.append(
                f"Revenue to date: promoters {self._money(rows.loc['promoters', 'revenue_to_date'])}, "
                "detractors "
                f"{self._money(rows.loc['detractors', 'revenue_to_date'])} per customer (gap "
                f"{self._money(g.value)}, {level}% CI {self._money(g.ci_low)} to {self._money(g.ci_high)})."
            )
        return out


def _first_answers(surveys: Frame) -> nw.LazyFrame[Any]:
    """Each customer's first NPS answer: ``customer_id``, ``__first`` (ts), ``__class`` (+1/0/−1)."""
    answers = (
        as_lazy(surveys)
        .filter((nw.col("metric").str.to_lowercase() == "nps") & ~nw.col("customer_id").is_null())
        .select("customer_id", "ts", nw.col("score").cast(nw.Float64).alias("__score"))
    )
    first = answers.group_by("customer_id").agg(nw.col("ts").min().alias("__first"))
    matched = first.join(
        answers.select(nw.col("customer_id").alias("__cid"), nw.col("ts").alias("__ts"), "__score"),
        left_on=["customer_id", "__first"],
        right_on=["__cid", "__ts"],
        how="inner",
    )
    one = matched.group_by("customer_id").agg(nw.col("__first").min(), nw.col("__score").min())
    return one.with_columns(
        ((nw.col("__score") >= 9).cast(nw.Int64) - (nw.col("__score") <= 6).cast(nw.Int64)).alias("__class")
    )


def value_of_cx(
    surveys: Frame,
    orders: Frame,
    *,
    horizon_days: int = 365,
    min_n: int = 30,
    alpha: float = 0.05,
    currency: str = "",
) -> CXValue:
    """Revenue and 12-month value per customer for promoters, passives and detractors.

    Parameters
    ----------
    surveys : native frame
        Required columns: ``customer_id``, ``ts``, ``metric``, ``score`` (NPS rows are used).
    orders : native frame
        Required columns: ``customer_id``, ``ts``, ``revenue``.
    horizon_days : int, default 365
        Window after the answer for ``value_12m``.
    min_n : int, default 30
        Groups with fewer customers are suppressed.
    alpha : float, default 0.05
    currency : str, optional
        Label for money in sentences and charts.

    Returns
    -------
    CXValue

    Examples
    --------
    >>> shop = cxlib.open_shop("data/sample")  # doctest: +SKIP
    >>> value_of_cx(shop.surveys, shop.orders, currency="EUR").summary()  # doctest: +SKIP
    """
    require_columns(surveys, ["customer_id", "ts", "metric", "score"], "surveys", purpose="the value of CX")
    require_columns(orders, ["customer_id", "ts", "revenue"], "orders", purpose="the value of CX")
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, (int, np.integer)) or horizon_days < 1:
        raise DataError(
            f"horizon_days must be a whole number of days ≥ 1, not {horizon_days!r}", rule="bad_option"
        )
    if not 0.0 < float(alpha) < 1.0:
        raise DataError(f"alpha must lie strictly between 0 and 1, not {alpha!r}", rule="bad_option")
    _, end = time_span(orders)
    horizon = dt.timedelta(days=int(horizon_days))
    respondents = _first_answers(surveys)
    bought = as_lazy(orders).select(
        nw.col("customer_id").alias("__ocid"),
        nw.col("ts").alias("__ots"),
        nw.col("revenue").cast(nw.Float64).fill_nan(None).alias("__revenue"),
    )
    joined = respondents.join(bought, left_on="customer_id", right_on="__ocid", how="left").with_columns(
        nw.col("__revenue").fill_null(0.0),
        nw.when((nw.col("__ots") > nw.col("__first")) & (nw.col("__ots") <= nw.col("__first") + horizon))
        .then(nw.col("__revenue"))
        .otherwise(0.0)
        .alias("__in_window"),
    )
    per_customer = joined.group_by("customer_id").agg(
        nw.col("__first").min(),
        nw.col("__class").min(),
        nw.col("__revenue").sum().alias("__rev"),
        nw.col("__in_window").sum().alias("__window_rev"),
    )
    cutoff = (end - pd.Timedelta(days=int(horizon_days))).to_pydatetime() if end is not None else None
    eligible = nw.col("__first") <= nw.lit(cutoff) if cutoff is not None else nw.lit(False)
    per_customer = per_customer.with_columns(
        nw.when(eligible).then(nw.col("__window_rev")).alias("__v12"), nw.lit(0).alias(P)
    )
    cells = aggregate_cells(per_customer, ["__class"], _MEASURES, totals=True)
    return _result(
        cells, horizon_days=int(horizon_days), min_n=min_n, alpha=alpha, currency=currency, end=end
    )


def _result(
    cells: pd.DataFrame,
    *,
    horizon_days: int,
    min_n: int,
    alpha: float,
    currency: str,
    end: pd.Timestamp | None,
) -> CXValue:
    names = {**{str(k): v for k, v in NPS_GROUPS.items()}, ALL: "all"}
    cells = cells.assign(group=cells["__class"].map(names))
    est = cell_estimates(
        "mean", cells["n"].to_numpy(), cells["total"].to_numpy(), cells["total_sq"].to_numpy(), alpha
    )
    cells = cells.assign(**est)
    table = pd.DataFrame({"group": ["promoters", "passives", "detractors", "all"]})
    gaps = {}
    for measure in _MEASURES:
        part = cells[cells["metric"] == measure].set_index("group").reindex(table["group"])
        n = part["n"].fillna(0).to_numpy(dtype=float)
        small = n < min_n
        table[f"{measure}_n"] = pd.array(np.where(small, np.nan, n), dtype="Int64")
        for key, column in (
            ("value", measure),
            ("ci_low", f"{measure}_ci_low"),
            ("ci_high", f"{measure}_ci_high"),
        ):
            table[column] = np.where(small, np.nan, part[key].to_numpy(dtype=float))
        se = np.where(small, np.nan, part["se"].to_numpy(dtype=float))
        p, d = 0, 2  # promoters, detractors
        diff = compare(
            "mean", n[d], table[measure].iloc[d], se[d], n[p], table[measure].iloc[p], se[p], alpha
        )
        value = float(diff["difference"][0]) if not (small[p] or small[d]) else np.nan
        gaps[measure] = Estimate(
            value,
            float(diff["ci_low"][0]) if np.isfinite(value) else np.nan,
            float(diff["ci_high"][0]) if np.isfinite(value) else np.nan,
            int(n[p] + n[d]),
            alpha,
        )
    return CXValue(
        table,
        gaps["revenue_to_date"],
        gaps["value_12m"],
        horizon_days,
        int(min_n),
        float(alpha),
        currency,
        end,
    )
