"""Predicted value broken down: by segment, by cohort (month of first purchase), by decile.

:meth:`cxlib.ltv.CLVResult.breakdown` returns a :class:`CLVBreakdown`, a result like every
other (``.table``, ``.figure()``, ``.summary()``, ``.show()``), so the notebook shows the
value of each segment, cohort or decile with one call and the sentences come from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import format_count, format_money, format_percent

__all__ = ["DECILE", "CLVBreakdown", "total_figure"]

#: ``by`` of a breakdown into customer deciles by predicted value (1 = most valuable).
DECILE = "decile"

_SEGMENT_COLUMNS = (
    "segment",
    "customers",
    "clv_total",
    "clv_total_ci_low",
    "clv_total_ci_high",
    "clv_mean",
    "share_of_value",
    "p_alive_mean",
    "expected_purchases",
)


def total_figure(table: pd.DataFrame, column: str, horizon_months: int, currency: str) -> go.Figure:
    """Total predicted value by segment with its interval (bar chart).

    Parameters
    ----------
    table : pandas.DataFrame
        As from :meth:`cxlib.ltv.CLVResult.by`: ``segment``, ``clv_total``,
        ``clv_total_ci_low``, ``clv_total_ci_high``, ``suppressed``.
    column : str
        Name of the segment column (axis title).
    horizon_months : int
    currency : str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    seg = table[~table["suppressed"]]
    cur = f" ({currency})" if currency else ""
    fig = viz.bar(
        seg,
        "segment",
        "clv_total",
        title=f"Predicted {horizon_months}-month CLV by {column}",
        labels={"segment": column, "clv_total": f"Total CLV{cur}"},
    )
    fig.update_traces(
        error_y=dict(
            type="data",
            symmetric=False,
            array=(seg["clv_total_ci_high"] - seg["clv_total"]).to_numpy(),
            arrayminus=(seg["clv_total"] - seg["clv_total_ci_low"]).to_numpy(),
        )
    )
    return fig


@dataclass(frozen=True)
class CLVBreakdown(ResultBase):
    """Predicted value by segment, cohort or decile (see :meth:`cxlib.ltv.CLVResult.breakdown`).

    Attributes
    ----------
    table : pandas.DataFrame
        By a column: as :meth:`cxlib.ltv.CLVResult.by` (``segment``, ``customers``,
        ``clv_total`` with ``clv_total_ci_low``/``clv_total_ci_high``, ``clv_mean``,
        ``share_of_value``, ``p_alive_mean``, ``expected_purchases``, ``suppressed``); by
        :data:`DECILE`: as :meth:`cxlib.ltv.CLVResult.concentration` (``group``,
        ``customers``, ``clv_total``, ``share_of_value``, ``cumulative_share``).
    by : str
        The segment column, ``"cohort"``, or :data:`DECILE`.
    horizon_months : int
    currency : str
    min_n : int
        Segments with fewer customers are suppressed (blank numbers, not charted).
    """

    table: pd.DataFrame
    by: str
    horizon_months: int
    currency: str
    min_n: int

    def display_settings(self) -> Display:
        """Return the table settings: money with its currency, the segment column named after ``by``."""
        if self.by == DECILE:
            return Display(
                columns=("group", "customers", "clv_total", "share_of_value", "cumulative_share"),
                currency_cols=("clv_total",),
                percent_cols=("share_of_value", "cumulative_share"),
                decimals={"clv_total": 0},
                labels={
                    "group": "Decile (1 = most valuable)",
                    "customers": "Customers",
                    "clv_total": "CLV",
                    "share_of_value": "Share of value",
                    "cumulative_share": "Cumulative share",
                },
            )
        return Display(
            columns=_SEGMENT_COLUMNS,
            currency_cols=("clv_total", "clv_total_ci_low", "clv_total_ci_high", "clv_mean"),
            percent_cols=("share_of_value", "p_alive_mean"),
            decimals={
                "clv_total": 0,
                "clv_total_ci_low": 0,
                "clv_total_ci_high": 0,
                "expected_purchases": 0,
                "clv_mean": 2,
            },
            labels={
                "segment": "Cohort" if self.by == "cohort" else self.by.replace("_", " ").capitalize(),
                "customers": "Customers",
                "clv_total": "CLV",
                "clv_total_ci_low": "95% CI from",
                "clv_total_ci_high": "to",
                "clv_mean": "CLV per customer",
                "share_of_value": "Share of value",
                "p_alive_mean": "Mean P(alive)",
                "expected_purchases": "Expected purchases",
            },
        )

    @property
    def shown(self) -> pd.DataFrame:
        """Rows with enough customers (all deciles; segments and cohorts of ``min_n`` or more)."""
        if self.by == DECILE:
            return self.table
        return self.table[~self.table["suppressed"]]

    def _money(self, amount: float) -> str:
        return format_money(amount, self.currency)

    def figure(self) -> go.Figure:
        """Share of value by decile, mean value by cohort (in time order), or total value by segment."""
        cur = f" ({self.currency})" if self.currency else ""
        if self.by == DECILE:
            return viz.bar(
                self.table.assign(group=self.table["group"].astype("str")),
                "group",
                "share_of_value",
                percent=True,
                title=f"Share of the predicted {self.horizon_months}-month value by customer decile",
                labels={"group": "Decile (1 = most valuable)", "share_of_value": "Share of value"},
            ).update_xaxes(type="category")
        if self.by == "cohort":
            return viz.bar(
                self.shown.sort_values("segment"),
                "segment",
                "clv_mean",
                title="Mean predicted CLV by month of first purchase",
                labels={"segment": "Cohort", "clv_mean": f"CLV per customer{cur}"},
            )
        return total_figure(self.table, self.by, self.horizon_months, self.currency)

    def summary(self) -> list[str]:
        """Where the value is, in words with customers and money."""
        rows = self.shown
        if self.by == DECILE:
            if rows.empty or not np.isfinite(rows["share_of_value"].iloc[0]):
                return ["No predicted value to split into deciles."]
            top = rows.iloc[0]
            half = rows["share_of_value"].iloc[: len(rows) // 2].sum()
            return [
                f"The most valuable 10% of customers ({format_count(top['customers'])}) hold "
                f"{format_percent(top['share_of_value'], 0)} of the predicted value "
                f"({self._money(top['clv_total'])}); the more valuable half holds "
                f"{format_percent(half, 0)}."
            ]
        if self.by == "cohort":
            return self._cohort_sentences(rows)
        if rows.empty:
            return [f"Every {self.by} has fewer than {format_count(self.min_n)} customers, so none is shown."]
        top = rows.iloc[0]
        name = str(top["segment"])
        out = [
            f"{name[:1].upper()}{name[1:]} customers hold {format_percent(top['share_of_value'], 0)} of the "
            f"predicted value ({self._money(top['clv_total'])} from {format_count(top['customers'])} "
            "customers), "
            f"{self._money(top['clv_mean'])} per customer."
        ]
        if len(rows) > 1:
            low = rows.loc[rows["clv_mean"].idxmin()]
            high = rows.loc[rows["clv_mean"].idxmax()]
            out.append(
                f"Per customer, {high['segment']} is worth most ({self._money(high['clv_mean'])}) and "
                f"{low['segment']} least ({self._money(low['clv_mean'])})."
            )
        return out

    def _cohort_sentences(self, rows: pd.DataFrame) -> list[str]:
        if len(rows) < 2:
            return [
                f"Fewer than two monthly cohorts have {self.min_n} or more customers, so none is compared."
            ]
        rows = rows.sort_values("segment")
        high, low = rows.loc[rows["clv_mean"].idxmax()], rows.loc[rows["clv_mean"].idxmin()]
        out = [
            f"Customers first buying in {high['segment']} are worth most ({self._money(high['clv_mean'])} "
            f"each), those of {low['segment']} least ({self._money(low['clv_mean'])})."
        ]
        half = len(rows) // 2
        if rows["clv_mean"].iloc[half:].mean() > rows["clv_mean"].iloc[:half].mean():
            out.append(
                "The newer half of the cohorts is worth more per customer: fewer of their customers "
                "have left yet."
            )
        return out
