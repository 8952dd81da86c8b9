"""Revenue views of acquisition cohorts: net revenue retention, the LTV curve, orders per customer.

:func:`revenue_retention` sums revenue, orders and active customers per cohort and calendar
age on the user's backend, then derives in pandas, per cohort and age N (calendar periods
since acquisition, censored as in :func:`~cxlib.cohorts.retention.retention_matrix`):

* net revenue retention NRR(N) = revenue of the cohort in period N / its revenue in period 0
  (the cohort's own acquisition-period revenue is the base, as in SaaS cohort NRR);
* cumulative revenue per customer LTV(N) = Σ_{a ≤ N} revenue(a) / cohort size — the
  observed (not modelled) lifetime value curve; see :mod:`cxlib.ltv` for model-based CLV;
* cumulative orders per customer = Σ_{a ≤ N} orders(a) / cohort size.

The weighted curves pool the cohorts observed at each age: Σ numerators / Σ denominators.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib._types import Frame
from cxlib.cohorts.activity import (
    AGE,
    COHORT,
    CUSTOMER,
    SEGMENT,
    TS,
    Activity,
    cohort_frame,
    prepare_activity,
)
from cxlib.cohorts.comparison import segment_phrase
from cxlib.cohorts.counts import ALL, at_least
from cxlib.cohorts.retention import cohort_heatmap, headline_age
from cxlib.engine import to_pandas
from cxlib.errors import DataError
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import format_money

__all__ = ["MEASURES", "RevenueRetention", "revenue_retention"]

REVENUE = "revenue"
_REV = "_cx_revenue"
#: Measures of :meth:`RevenueRetention.matrix` and their chart titles.
MEASURES: dict[str, str] = {
    "nrr": "Net revenue retention (share of period-0 revenue)",
    "ltv": "Cumulative revenue per customer",
    "orders_per_customer": "Cumulative orders per customer",
    "revenue_per_customer": "Revenue per customer in the period",
    "active_share": "Share of customers ordering in the period",
}
#: The age revenue sentences quote: month 12, quarter 4, week 26, day 30 (or the oldest).
LTV_AGES: dict[str, int] = {"day": 30, "week": 26, "month": 12, "quarter": 4}


@dataclass(frozen=True)
class RevenueRetention(ResultBase):
    """Revenue retention of acquisition cohorts (result of :func:`revenue_retention`).

    Attributes
    ----------
    table : pandas.DataFrame
        Net revenue retention matrix (float64): index = cohort label (MultiIndex
        ``(segment, cohort)`` with ``by``), columns = ages ``0, 1, 2 …``; censored or
        suppressed cells NaN. Column 0 is 1 by definition.
    long : pandas.DataFrame
        One row per segment, cohort and age: ``segment`` (with ``by``), ``cohort``,
        ``cohort_start``, ``age``, ``customers`` (Int64), ``observed`` (bool), ``active``
        (Int64, customers ordering in the period), ``orders`` (Int64), ``revenue``,
        ``revenue_per_customer``, ``ltv`` (cumulative revenue per customer),
        ``orders_per_customer`` (cumulative), ``nrr``, ``active_share`` (float64), ``suppressed``.
    curve : pandas.DataFrame
        Pooled over the cohorts observed at each age: ``segment`` (with ``by``), ``age``,
        ``cohorts``, ``customers``, ``ltv``, ``orders_per_customer``, ``nrr``,
        ``active_share``, ``first_spend`` (acquisition-period revenue per customer of the same
        cohorts), ``suppressed``.
    period : str
    by : str or None
    observed_until : pandas.Timestamp
    currency : str
    min_n : int
    """

    table: pd.DataFrame
    long: pd.DataFrame
    curve: pd.DataFrame
    period: str
    by: str | None
    observed_until: pd.Timestamp
    currency: str = ""
    min_n: int = 0
    _counts: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def display_settings(self) -> Display:
        """Cohorts as rows, ages as percentage columns (net revenue retention)."""
        return Display(index=True, percent_cols=tuple(self.table.columns), max_rows=None)

    @property
    def max_age(self) -> int:
        """Oldest age in the table (0 when empty)."""
        return int(self.long["age"].max()) if len(self.long) else 0

    def _money(self, value: float) -> str:
        return format_money(value, self.currency)

    def matrix(self, measure: str = "nrr", segment: str | None = None) -> pd.DataFrame:
        """Wide matrix of one measure (see :data:`MEASURES`), for one segment or all."""
        if measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}; got {measure!r}")
        long = self.long
        index = ["cohort"]
        if self.by is not None:
            if segment is None:
                index = ["segment", "cohort"]
            else:
                long = long[long["segment"] == segment]
        wide = long.pivot(index=index, columns="age", values=measure)
        order = long[index].drop_duplicates()
        wide = wide.reindex(
            pd.MultiIndex.from_frame(order) if len(index) > 1 else pd.Index(order["cohort"], name="cohort")
        )
        wide.columns = pd.Index(wide.columns.astype("int64"), name="age")
        return wide

    def overall(self) -> RevenueRetention:
        """Return the same views for all customers together (segments summed)."""
        if self.by is None:
            return self
        counts = (
            self._counts.groupby(["cohort_index", "age"], sort=True)[
                ["customers", "eligible", "active", "orders", "revenue"]
            ]
            .sum()
            .reset_index()
            .assign(segment=ALL)
        )
        return _assemble(
            counts,
            period=self.period,
            by=None,
            observed_until=self.observed_until,
            currency=self.currency,
            min_n=self.min_n,
        )

    def figure(
        self, view: Literal["ltv", "nrr", "orders", "heatmap"] = "ltv", segment: str | None = None
    ) -> go.Figure:
        """Charts: ``ltv`` / ``nrr`` / ``orders`` curves (one line per segment), ``heatmap`` of NRR.

        The heatmap shows selected ages after acquisition (see
        :func:`cxlib.cohorts.retention.heatmap_ages`); ``.table`` holds every age.
        """
        from cxlib import viz

        x_title = f"{self.period.capitalize()}s since acquisition"
        if view == "heatmap":
            source = self if (self.by is None or segment is not None) else self.overall()
            who = f" · {self.by} = {segment}" if segment is not None else ""
            return cohort_heatmap(
                source.matrix("nrr", segment=segment),
                period=self.period,
                title=f"Net revenue retention by {self.period} cohort{who}",
                x_title=x_title,
            )
        measure = {"ltv": "ltv", "nrr": "nrr", "orders": "orders_per_customer"}.get(view)
        if measure is None:
            raise ValueError(f"view must be ltv, nrr, orders or heatmap; got {view!r}")
        unit = f" ({self.currency})" if self.currency and measure == "ltv" else ""
        fig = viz.line(
            self.curve,
            x="age",
            y=measure,
            color="segment" if self.by is not None else None,
            percent=measure == "nrr",
            markers=True,
            title=MEASURES[measure] + " by cohort age",
            labels={"age": x_title, measure: MEASURES[measure] + unit},
        )
        if measure == "ltv":
            fig.update_yaxes(tickformat=",.0f", hoverformat=",.2f")
        if measure == "orders_per_customer":
            fig.update_yaxes(hoverformat=".2f")
        return fig

    def summary(self) -> list[str]:
        """Plain-language sentences: LTV at a horizon, NRR, orders per customer, segments."""
        curve = self.overall().curve.set_index("age")
        age = headline_age(self.period, self.max_age)
        horizon = max(0, min(LTV_AGES[self.period], self.max_age))
        out = []
        if not pd.isna(curve.at[horizon, "ltv"]):
            out.append(
                f"By {self.period} {horizon} after acquisition a customer has spent "
                f"{self._money(curve.at[horizon, 'ltv'])} "
                f"on average ({self._money(curve.at[horizon, 'first_spend'])} of it in the acquisition "
                f"{self.period}) and placed "
                f"{curve.at[horizon, 'orders_per_customer']:.2f} orders (cohorts that reached "
                f"{self.period} {horizon})."
            )
        if age > 0 and not pd.isna(curve.at[age, "nrr"]):
            out.append(
                f"Net revenue retention at {self.period} {age}: cohorts bring {curve.at[age, 'nrr']:.1%} "
                "of their "
                f"acquisition-{self.period} revenue."
            )
        if self.by is not None:
            at = self.curve[(self.curve["age"] == horizon) & self.curve["ltv"].notna()]
            if len(at) > 1:
                top, low = at.loc[at["ltv"].idxmax()], at.loc[at["ltv"].idxmin()]
                out.append(
                    f"{segment_phrase(self.by, top['segment']).capitalize()} spend the most by "
                    f"{self.period} {horizon}: "
                    f"{self._money(top['ltv'])} per customer; {segment_phrase(self.by, low['segment'])} "
                    "the least: "
                    f"{self._money(low['ltv'])}."
                )
        return out


# --------------------------------------------------------------------------------- engine


def count_revenue(activity: Activity) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate on the backend (one query).

    Cohort sizes, and revenue, orders and active customers per completely observed age.
    """
    keys = activity.keys
    rename = {SEGMENT: "segment", COHORT: "cohort_index", AGE: "age"}
    key = ["segment", "cohort_index"]
    frame = activity.frame.with_columns(nw.col(REVENUE).fill_nan(None).alias(_REV))
    cells = to_pandas(
        frame.group_by(*keys, AGE).agg(
            nw.col(_REV).sum().alias("revenue"),
            nw.len().alias("orders"),
            nw.col(CUSTOMER).n_unique().alias("active"),
        )
    ).rename(columns=rename)
    cells["segment"] = activity.labels(cells["segment"]) if activity.by else ALL
    cells["complete"] = activity.complete_of(cells["cohort_index"])
    # Everyone is active at age 0 (their first order), so age 0 counts the acquired customers.
    acquired = cells[cells["age"] == 0].rename(columns={"active": "customers"})[
        [*key, "complete", "customers"]
    ]
    return acquired, cells[cells["age"] < cells["complete"]].drop(columns="complete")


def _require_numeric(activity: Activity, column: str) -> None:
    dtype = activity.frame.collect_schema()[column]
    if not dtype.is_numeric():
        raise DataError(
            f"'{column}' must be numeric (money in the shop currency), found {dtype}",
            table=activity.table,
            column=column,
            rule="wrong_type",
        )


def revenue_counts(acquired: pd.DataFrame, cells: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """Complete grid ``segment, cohort_index, age, customers, eligible, active, orders, revenue``."""
    if acquired.empty:
        raise DataError(
            "no rows with a customer before the end of observation", table=table, column=TS, rule="no_rows"
        )
    acquired = acquired.astype({"cohort_index": "int64", "complete": "int64", "customers": "int64"})
    n_ages = int(acquired["complete"].max())
    observed = acquired[acquired["complete"] > 0]
    if n_ages <= 0 or observed.empty:
        raise DataError(
            "no cohort has a completely observed period yet; use a shorter period or a later observed_until",
            table=table,
            column=TS,
            rule="not_observable",
        )
    segments = sorted(acquired["segment"].unique(), key=str)
    cohorts = np.arange(int(observed["cohort_index"].min()), int(observed["cohort_index"].max()) + 1)
    grid = pd.MultiIndex.from_product(
        [segments, cohorts, range(n_ages)], names=["segment", "cohort_index", "age"]
    )
    key = ["segment", "cohort_index"]
    eligible = at_least(acquired, key, "complete", "customers", n_ages)
    counts = (
        eligible.reindex(grid.droplevel("age").unique(), fill_value=0).stack().rename("eligible").to_frame()
    )
    counts = counts.reindex(grid, fill_value=0)
    sizes = acquired.groupby(key)["customers"].sum()
    counts["customers"] = sizes.reindex(counts.index.droplevel("age"), fill_value=0).to_numpy()
    values = cells.assign(revenue=cells["revenue"].astype("float64").fillna(0.0)).set_index([*key, "age"])
    for column in ("active", "orders", "revenue"):
        counts[column] = values[column].reindex(counts.index, fill_value=0).to_numpy()
    counts = counts.reset_index()
    return counts.astype(
        {
            "age": "int64",
            "customers": "int64",
            "eligible": "int64",
            "active": "int64",
            "orders": "int64",
            "revenue": "float64",
        }
    )


def _assemble(
    counts: pd.DataFrame,
    *,
    period: str,
    by: str | None,
    observed_until: pd.Timestamp,
    currency: str,
    min_n: int,
) -> RevenueRetention:
    counts = counts.sort_values(["segment", "cohort_index", "age"], kind="stable").reset_index(drop=True)
    labels = cohort_frame(sorted(counts["cohort_index"].unique()), period)
    long = counts.merge(labels, on="cohort_index", how="left", validate="many_to_one")
    observed = long["eligible"] > 0
    small = long["customers"] < min_n
    shown = observed & ~small
    group = long.groupby(["segment", "cohort_index"], sort=False)
    cum_revenue = group["revenue"].cumsum()
    cum_orders = group["orders"].cumsum()
    base_revenue = group["revenue"].transform("first")
    size = long["customers"].where(long["customers"] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        measures = pd.DataFrame(
            {
                "revenue_per_customer": long["revenue"] / size,
                "ltv": cum_revenue / size,
                "orders_per_customer": cum_orders / size,
                "nrr": long["revenue"] / base_revenue.where(base_revenue > 0),
                "active_share": long["active"] / size,
            }
        )
    measures = measures.where(shown)
    long_out = pd.concat([long, measures], axis=1)
    long_out["observed"] = observed
    long_out["suppressed"] = observed & small
    long_out["customers"] = long["customers"].astype("Int64").mask(small)
    for column in ("active", "orders"):
        long_out[column] = long[column].astype("Int64").mask(~shown)
    long_out["revenue"] = long["revenue"].where(shown)

    # Pooled curve over the cohorts observed at each age.
    pooled = long.assign(cum_revenue=cum_revenue, cum_orders=cum_orders, base_revenue=base_revenue)[observed]
    curve = (
        pooled.groupby(["segment", "age"], sort=True)
        .agg(
            cohorts=("cohort_index", "size"),
            customers=("customers", "sum"),
            cum_revenue=("cum_revenue", "sum"),
            cum_orders=("cum_orders", "sum"),
            revenue=("revenue", "sum"),
            base=("base_revenue", "sum"),
            active=("active", "sum"),
        )
        .reset_index()
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        curve["ltv"] = curve["cum_revenue"] / curve["customers"]
        curve["orders_per_customer"] = curve["cum_orders"] / curve["customers"]
        curve["nrr"] = curve["revenue"] / curve["base"].where(curve["base"] > 0)
        curve["active_share"] = curve["active"] / curve["customers"]
        # spend in the acquisition period of the same cohorts (the pooled age 0 holds more)
        curve["first_spend"] = curve["base"] / curve["customers"]
    curve["suppressed"] = curve["customers"] < min_n
    curve.loc[curve["suppressed"], ["ltv", "orders_per_customer", "nrr", "active_share", "first_spend"]] = (
        np.nan
    )
    curve = curve[
        [
            "segment",
            "age",
            "cohorts",
            "customers",
            "ltv",
            "orders_per_customer",
            "nrr",
            "active_share",
            "first_spend",
            "suppressed",
        ]
    ]

    keys = ["segment"] if by is not None else []
    columns = [
        *keys,
        "cohort",
        "cohort_start",
        "age",
        "customers",
        "observed",
        "active",
        "orders",
        "revenue",
        "revenue_per_customer",
        "ltv",
        "orders_per_customer",
        "nrr",
        "active_share",
        "suppressed",
    ]
    if by is None:
        curve = curve.drop(columns="segment")
    result = RevenueRetention(
        table=pd.DataFrame(),
        long=long_out[columns].reset_index(drop=True),
        curve=curve.reset_index(drop=True),
        period=period,
        by=by,
        observed_until=observed_until,
        currency=currency,
        min_n=min_n,
        _counts=counts,
    )
    return replace(result, table=result.matrix("nrr"))


# --------------------------------------------------------------------------------- public


def revenue_retention(
    orders: Frame,
    period: str = "month",
    by: str | None = None,
    *,
    observed_until: Any = None,
    currency: str = "",
    min_n: int = 0,
    fast_path: bool = True,
) -> RevenueRetention:
    """Net revenue retention, the LTV curve and orders per customer of acquisition cohorts.

    Customers are acquired at their first order; cohorts and ages are calendar periods as
    in ``retention_matrix(kind="on")``. For cohort c at age N (periods since acquisition):

    * ``nrr`` = revenue of c in period N / revenue of c in period 0 (net revenue retention;
      1 at age 0; can exceed 1 when returning customers spend more);
    * ``ltv`` = Σ revenue of c in periods 0…N / customers of c (cumulative revenue per
      customer, the observed LTV curve);
    * ``orders_per_customer`` = Σ orders of c in periods 0…N / customers of c;
    * ``revenue_per_customer`` and ``active_share`` = that period's revenue and share of
      customers ordering.

    Periods not completely observed by ``observed_until`` are censored (NaN). The curve
    pools the cohorts observed at each age (ratio of sums, i.e. weighted by cohort size
    for ``ltv`` and by base revenue for ``nrr``).

    Parameters
    ----------
    orders : native frame
        Orders on any supported backend. Required columns: ``customer_id``, ``ts``
        (tz-aware), ``revenue`` (NaN counts as missing and adds nothing), and ``by`` if given.
        Every row counts as one order.
    period : {"day", "week", "month", "quarter"}, default "month"
    by : str, optional
        Customer attribute on the first order, e.g. ``"channel"`` (acquisition channel).
    observed_until : date or datetime, optional
        End of observation (a date includes that day). Default: the day of the last order.
    currency : str, optional
        Label for money in sentences and charts (revenue is in the shop currency).
    min_n : int, default 0
        Cohorts (and curve points) with fewer customers are suppressed.
    fast_path : bool, default True
        Use DuckDB where it is faster: a pandas frame is aggregated by DuckDB in-process,
        over its Arrow buffers without a copy (several times faster than pandas group-bys),
        and DuckDB input uses the hand-written SQL of :mod:`cxlib._duckdb.cohorts`
        where it applies. ``False`` runs the portable Narwhals code on the input's own
        backend. Same numbers (tested); other backends always run natively.

    Returns
    -------
    RevenueRetention
        ``.table`` (NRR matrix), ``.long``, ``.curve``, ``.matrix(measure)``, ``.figure()``,
        ``.summary()``.

    Raises
    ------
    cxlib.DataError
        A required column is missing, ``ts`` has no time zone, or nothing is observable yet.

    Examples
    --------
    >>> import cxlib
    >>> from cxlib.cohorts import revenue_retention
    >>> shop = cxlib.open_shop("data/sample")  # doctest: +SKIP
    >>> rr = revenue_retention(shop.orders, by="channel", currency="EUR")  # doctest: +SKIP
    >>> rr.curve.query("age == 12")[["segment", "ltv"]]  # doctest: +SKIP
    """
    activity = prepare_activity(
        orders,
        purpose="revenue retention",
        period=period,
        by=by,
        observed_until=observed_until,
        keep=[REVENUE],
        fast_path=fast_path,
    )
    _require_numeric(activity, REVENUE)
    acquired, cells = count_revenue(activity)
    counts = revenue_counts(acquired, cells, table=activity.table)
    return _assemble(
        counts, period=period, by=by, observed_until=activity.end, currency=currency, min_n=min_n
    )
