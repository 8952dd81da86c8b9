"""How long until a customer orders again? Kaplan–Meier time to the second purchase.

:func:`time_to_repeat` measures, per customer, the time from the first to the second order;
customers without a second order by the end of observation are right-censored there. The
backend returns one row per (segment, whole hour, event) with a count; the Kaplan–Meier
curves and the log-rank test are computed with statsmodels on those counts.

References
----------
Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations.
JASA 53(282). Greenwood's variance; the log–log ("cloglog") pointwise interval as in
Kalbfleisch & Prentice (2002), *The Statistical Analysis of Failure Time Data*, §1.4.
Log-rank test: Mantel (1966), Cancer Chemotherapy Reports 50(3); Peto & Peto (1972).
Median interval: Brookmeyer & Crowley (1982), Biometrics 38(1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from cxlib._types import Frame
from cxlib.cohorts.activity import CUSTOMER, FIRST, SEGMENT, TS, Activity, prepare_activity
from cxlib.cohorts.comparison import segment_phrase
from cxlib.cohorts.counts import ALL
from cxlib.engine import to_pandas
from cxlib.errors import DataError
from cxlib.result import Display, ResultBase
from cxlib.timestamps import epoch_micros
from cxlib.viz.formats import format_interval, format_p, format_percent, plural

__all__ = ["LogRank", "TimeToRepeat", "kaplan_meier", "time_to_repeat"]

HOUR_MICROS = 3_600_000_000
_AT_FIRST = "_cx_at_first"
_LATER = "_cx_later"


@dataclass(frozen=True)
class LogRank:
    """Log-rank test that the time-to-repeat curves of all segments are equal."""

    statistic: float
    dof: int
    p_value: float


def kaplan_meier(days: np.ndarray, event: np.ndarray, count: np.ndarray, alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan–Meier estimate from counted durations (statsmodels ``SurvfuncRight``).

    Parameters
    ----------
    days : array of float
        Durations.
    event : array of bool
        True = second order seen at that duration; False = censored there.
    count : array of int
        Customers with that duration and status.
    alpha : float

    Returns
    -------
    pandas.DataFrame
        ``days`` (distinct event times, starting with 0), ``at_risk``, ``events``,
        ``survival`` (share without a second order after ``days``), ``ci_low``, ``ci_high``
        (log–log interval from Greenwood's variance).
    """
    count = np.asarray(count, dtype="int64")
    time = np.repeat(np.asarray(days, dtype="float64"), count)
    status = np.repeat(np.asarray(event, dtype="int64"), count)
    fit = SurvfuncRight(time, status)
    surv = np.asarray(fit.surv_prob, dtype="float64")
    se = np.asarray(fit.surv_prob_se, dtype="float64")
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(surv)
        se_loglog = se / (surv * np.abs(log_s))
        low = surv ** np.exp(z * se_loglog)
        high = surv ** np.exp(-z * se_loglog)
    ones, zeros = surv >= 1, surv <= 0
    low, high = (
        np.where(ones, 1.0, np.where(zeros, 0.0, low)),
        np.where(ones, 1.0, np.where(zeros, 0.0, high)),
    )
    table = pd.DataFrame(
        {
            "days": np.asarray(fit.surv_times, dtype="float64"),
            "at_risk": np.asarray(fit.n_risk, dtype="int64"),
            "events": np.asarray(fit.n_events, dtype="int64"),
            "survival": surv,
            "ci_low": low,
            "ci_high": high,
        }
    )
    if not len(table) or table["days"].iloc[0] > 0:
        start = pd.DataFrame(
            {
                "days": [0.0],
                "at_risk": [int(count.sum())],
                "events": [0],
                "survival": [1.0],
                "ci_low": [1.0],
                "ci_high": [1.0],
            }
        )
        table = pd.concat([start, table], ignore_index=True)
    return table


def _step_at(curve: pd.DataFrame, t: float, column: str) -> float:
    """Value of a right-continuous step curve at time ``t``."""
    position = int(np.searchsorted(curve["days"].to_numpy(), t, side="right")) - 1
    return float(curve[column].iloc[max(position, 0)])


def _median(curve: pd.DataFrame) -> tuple[float, float, float]:
    """Compute the median time and its interval (Brookmeyer & Crowley).

    The first times where the survival curve, its lower and its upper confidence bound reach
    0.5 or less.
    """

    def first_below(column: str) -> float:
        below = curve.loc[curve[column] <= 0.5, "days"]
        return float(below.iloc[0]) if len(below) else float("nan")

    return first_below("survival"), first_below("ci_low"), first_below("ci_high")


@dataclass(frozen=True)
class TimeToRepeat(ResultBase):
    """Kaplan–Meier time from the first to the second order (result of :func:`time_to_repeat`).

    Attributes
    ----------
    table : pandas.DataFrame
        The curves: ``segment`` (with ``by``), ``days``, ``at_risk``, ``events``,
        ``survival`` (share without a second order after ``days``), ``ci_low``,
        ``ci_high``, ``repeat_share`` (= 1 − survival), ``repeat_ci_low``,
        ``repeat_ci_high``.
    groups : pandas.DataFrame
        One row per segment: ``segment``, ``customers``, ``repeaters`` (second order seen),
        ``median_days``, ``median_ci_low``, ``median_ci_high`` (NaN when fewer than half ever
        order again), and for each horizon H ``repeat_H`` with ``repeat_H_ci_low`` /
        ``repeat_H_ci_high``: share with a second order within H days.
    logrank : LogRank or None
        Test of equal curves across segments (``by`` with two or more segments).
    by : str or None
    horizons : tuple of int
    observed_until : pandas.Timestamp
    alpha : float
    left_out : tuple of str
        Segments with fewer than ``min_n`` customers (not estimated).
    """

    table: pd.DataFrame
    groups: pd.DataFrame
    logrank: LogRank | None
    by: str | None
    horizons: tuple[int, ...]
    observed_until: pd.Timestamp
    alpha: float = 0.05
    left_out: tuple[str, ...] = ()

    def display_settings(self) -> Display:
        """One row per segment: customers, repeaters and the share ordering again by each horizon."""
        repeat = tuple(f"repeat_{h}" for h in self.horizons)
        return Display(
            columns=("segment", "customers", "repeaters", *repeat),
            percent_cols=repeat,
            labels={
                "segment": self.by or "segment",
                "customers": "Customers",
                "repeaters": "Ordered again",
                **{f"repeat_{h}": f"Within {h} days" for h in self.horizons},
            },
        )

    def display_table(self) -> pd.DataFrame:
        """Show the per-segment ``groups`` (the curves in ``.table`` are drawn by :meth:`figure`)."""
        return self.groups

    def figure(self) -> go.Figure:
        """Cumulative share of customers with a second order, by days since the first."""
        from cxlib import viz

        frames = []
        for segment, curve in self.table.groupby("segment", sort=False) if self.by else [(ALL, self.table)]:
            grid = np.arange(0, int(np.ceil(curve["days"].max())) + 1, dtype="float64")
            position = np.searchsorted(curve["days"].to_numpy(), grid, side="right") - 1
            frames.append(
                pd.DataFrame(
                    {
                        "segment": segment,
                        "days": grid,
                        "repeat_share": curve["repeat_share"].to_numpy()[position],
                    }
                )
            )
        daily = pd.concat(frames, ignore_index=True)
        fig = viz.line(
            daily,
            x="days",
            y="repeat_share",
            color="segment" if self.by else None,
            percent=True,
            title="Customers with a second order (Kaplan–Meier)",
            labels={"days": "Days since first order", "repeat_share": "Ordered again"},
        )
        fig.update_traces(line_shape="hv")
        return fig

    def summary(self) -> list[str]:
        """Sentences: repeat shares at the horizons, median, fastest and slowest segments, log-rank."""
        level = 1 - self.alpha
        out = []
        overall = self.groups.iloc[0] if self.by is None or len(self.groups) == 1 else None
        if overall is not None:
            shares = [
                f"{overall[f'repeat_{h}']:.1%} within {plural(h, 'day')} ("
                + format_interval(
                    overall[f"repeat_{h}_ci_low"], overall[f"repeat_{h}_ci_high"], format_percent, level=level
                )
                + ")"
                for h in self.horizons
                if not pd.isna(overall[f"repeat_{h}"])
            ]
            if shares:
                out.append("Customers placing a second order (Kaplan–Meier): " + "; ".join(shares) + ".")
            if pd.isna(overall["median_days"]):
                out.append("Fewer than half of the customers order a second time within the observed period.")
            else:
                days = overall["median_days"]
                out.append(f"Half of the customers order again within {plural(round(days), 'day')}.")
            return out
        horizon = next((h for h in reversed(self.horizons) if self.groups[f"repeat_{h}"].notna().all()), None)
        if horizon is not None and self.by is not None and len(self.groups) > 1:
            top = self.groups.loc[self.groups[f"repeat_{horizon}"].idxmax()]
            low = self.groups.loc[self.groups[f"repeat_{horizon}"].idxmin()]
            out.append(
                f"Within {plural(horizon, 'day')} {top[f'repeat_{horizon}']:.1%} of "
                f"{segment_phrase(self.by, top['segment'])} "
                f"ordered again, {low[f'repeat_{horizon}']:.1%} of {segment_phrase(self.by, low['segment'])}."
            )
        if self.logrank is not None:
            verdict = "differ" if self.logrank.p_value < self.alpha else "do not differ significantly"
            out.append(
                f"Times to a second order {verdict} between {self.by} segments (log-rank chi-square "
                f"{self.logrank.statistic:.1f}, {self.logrank.dof} df, {format_p(self.logrank.p_value)})."
            )
        return out


def count_repeat_times(activity: Activity) -> pd.DataFrame:
    """Aggregate on the backend: customers by segment, whole hours to the second order, event.

    Returns
    -------
    pandas.DataFrame
        ``segment`` (with ``by``), ``hours`` (int), ``event`` (bool), ``customers``.
    """
    end = nw.lit(activity.end.to_pydatetime())
    frame = activity.frame.with_columns(
        nw.when(nw.col(TS) == nw.col(FIRST)).then(nw.lit(1)).otherwise(nw.lit(0)).alias(_AT_FIRST),
        nw.when(nw.col(TS) > nw.col(FIRST)).then(nw.col(TS)).alias(_LATER),
    )
    per_customer = frame.group_by(CUSTOMER).agg(
        nw.col(FIRST).min(),
        nw.col(_AT_FIRST).sum(),
        nw.col(_LATER).min(),
        *([nw.col(SEGMENT).min()] if activity.by else []),
    )
    # Two orders at the first timestamp: the second order came at once.
    second = nw.when(nw.col(_AT_FIRST) >= 2).then(nw.col(FIRST)).otherwise(nw.col(_LATER))
    per_customer = per_customer.with_columns(second.alias("_cx_second"))
    per_customer = per_customer.with_columns(
        (~nw.col("_cx_second").is_null()).alias("event"),
        nw.when(nw.col("_cx_second").is_null()).then(end).otherwise(nw.col("_cx_second")).alias("_cx_stop"),
    )
    per_customer = per_customer.with_columns(
        ((epoch_micros(nw.col("_cx_stop")) - epoch_micros(nw.col(FIRST))) // HOUR_MICROS).alias("hours")
    )
    keys = ([SEGMENT] if activity.by else []) + ["hours", "event"]
    counts = to_pandas(per_customer.group_by(*keys).agg(nw.len().alias("customers"))).rename(
        columns={SEGMENT: "segment"}
    )
    counts["segment"] = activity.labels(counts["segment"]) if activity.by else ALL
    return counts


def time_to_repeat(
    orders: Frame,
    by: str | None = None,
    *,
    horizons: Sequence[int] = (30, 90, 365),
    observed_until: Any = None,
    alpha: float = 0.05,
    min_n: int = 0,
    fast_path: bool = True,
) -> TimeToRepeat:
    """Kaplan–Meier time from a customer's first to second order, by segment, with a log-rank test.

    For each customer: the time from the first order to the second one (two orders at the
    same first timestamp count as an immediate second order). Customers with one order are
    right-censored at ``observed_until``. Durations are floored to whole hours and reported
    in days. ``survival(t)`` is the share of customers still without a second order ``t``
    days after their first; ``repeat_share = 1 − survival``.

    Parameters
    ----------
    orders : native frame
        Orders on any supported backend. Required columns: ``customer_id``, ``ts``
        (tz-aware) and ``by`` if given.
    by : str, optional
        Customer attribute on the first order, e.g. ``"channel"``.
    horizons : sequence of int, default (30, 90, 365)
        Days at which the share with a second order is reported in ``groups``.
    observed_until : date or datetime, optional
        End of observation (a date includes that day). Default: the day of the last order.
    alpha : float, default 0.05
    min_n : int, default 0
        Segments with fewer customers are left out, and each curve stops where fewer than
        ``min_n`` customers are still at risk.
    fast_path : bool, default True
        Use DuckDB where it is faster: a pandas frame is aggregated by DuckDB in-process,
        over its Arrow buffers without a copy (several times faster than pandas group-bys),
        and DuckDB input uses the hand-written SQL of :mod:`cxlib._duckdb.cohorts`
        where it applies. ``False`` runs the portable Narwhals code on the input's own
        backend. Same numbers (tested); other backends always run natively.

    Returns
    -------
    TimeToRepeat
        ``.table`` (curves), ``.groups`` (per segment), ``.logrank``, ``.figure()``,
        ``.summary()``.

    Raises
    ------
    cxlib.DataError
        A required column is missing or ``ts`` has no time zone.

    References
    ----------
    Kaplan & Meier (1958); Greenwood's variance with the log–log interval (Kalbfleisch &
    Prentice 2002); log-rank test (Mantel 1966) via ``statsmodels.duration.survdiff``.

    Examples
    --------
    >>> import cxlib
    >>> from cxlib.cohorts import time_to_repeat
    >>> shop = cxlib.open_shop("data/sample")  # doctest: +SKIP
    >>> km = time_to_repeat(shop.orders, by="channel")  # doctest: +SKIP
    >>> km.logrank.p_value  # doctest: +SKIP
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1; got {alpha!r}")
    horizons = tuple(int(h) for h in horizons)
    activity = prepare_activity(
        orders,
        purpose="time to repeat",
        period="day",
        by=by,
        observed_until=observed_until,
        ages=False,
        fast_path=fast_path,
    )
    counts = count_repeat_times(activity)
    counts["days"] = counts["hours"].astype("float64") / 24.0
    counts["event"] = counts["event"].astype(bool)
    sizes = counts.groupby("segment")["customers"].sum()
    floor = max(min_n, 1)
    kept = sorted(sizes[sizes >= floor].index, key=str)
    left_out = tuple(str(s) for s in sorted(sizes[sizes < floor].index, key=str))
    if not kept:
        raise DataError(
            f"no segment has at least {floor} customers",
            table=activity.table,
            column=by or CUSTOMER,
            rule="too_few_customers",
        )

    curves, groups = [], []
    for segment in kept:
        part = counts[counts["segment"] == segment]
        full = kaplan_meier(
            part["days"].to_numpy(), part["event"].to_numpy(), part["customers"].to_numpy(), alpha
        )
        curve = full[full["at_risk"] >= min_n].copy()  # the tail with few customers at risk is suppressed
        # Known up to the longest follow-up, or up to the first suppressed time.
        known = (
            float(part["days"].max())
            if len(curve) == len(full)
            else float(full["days"].iloc[len(curve)]) - 1e-9
        )
        curve.insert(0, "segment", segment)
        curves.append(curve)
        median, med_low, med_high = _median(curve)
        row: dict[str, Any] = {
            "segment": segment,
            "customers": int(part["customers"].sum()),
            "repeaters": int(part.loc[part["event"], "customers"].sum()),
            "median_days": median,
            "median_ci_low": med_low,
            "median_ci_high": med_high,
        }
        for h in horizons:
            inside = h <= known
            row[f"repeat_{h}"] = 1 - _step_at(curve, h, "survival") if inside else float("nan")
            row[f"repeat_{h}_ci_low"] = 1 - _step_at(curve, h, "ci_high") if inside else float("nan")
            row[f"repeat_{h}_ci_high"] = 1 - _step_at(curve, h, "ci_low") if inside else float("nan")
        groups.append(row)
    table = pd.concat(curves, ignore_index=True)
    table["repeat_share"] = 1 - table["survival"]
    table["repeat_ci_low"] = 1 - table["ci_high"]
    table["repeat_ci_high"] = 1 - table["ci_low"]

    logrank = None
    if by and len(kept) > 1:
        chosen = counts[counts["segment"].isin(kept)]
        n = chosen["customers"].to_numpy(dtype="int64")
        statistic, p_value = survdiff(
            np.repeat(chosen["days"].to_numpy(), n),
            np.repeat(chosen["event"].to_numpy(dtype="int64"), n),
            np.repeat(chosen["segment"].to_numpy(dtype=object).astype(str), n),
        )
        logrank = LogRank(statistic=float(statistic), dof=len(kept) - 1, p_value=float(p_value))
    if not by:
        table = table.drop(columns="segment")
    return TimeToRepeat(
        table=table,
        groups=pd.DataFrame(groups),
        logrank=logrank,
        by=by,
        horizons=horizons,
        observed_until=activity.end,
        alpha=alpha,
        left_out=left_out,
    )
