"""Brute-force reference implementations of the cohort analyses (for the tests only).

Written independently of cxlib: plain Python loops over customers and their rows, calendar
arithmetic with ``datetime`` (ISO Mondays for weeks, year/month for months and quarters),
the product-limit formula and Greenwood's variance written out, the log-rank statistic from
its observed-minus-expected definition. Slow on purpose; use on small frames.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import numpy as np
import pandas as pd

ROLLING_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 90}


def calendar_index(ts: dt.datetime, period: str) -> int:
    """Calendar period number, written without cxlib's formulas."""
    if period == "day":
        return ts.date().toordinal()
    if period == "week":
        monday = ts.date() - dt.timedelta(days=ts.weekday())
        return monday.toordinal() // 7
    if period == "month":
        return ts.year * 12 + ts.month - 1
    return ts.year * 4 + (ts.month - 1) // 3


def calendar_start(ts: dt.datetime, period: str) -> dt.date:
    """First day of the calendar period holding ``ts`` (cohort key)."""
    day = ts.date()
    if period == "day":
        return day
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def per_customer(df: pd.DataFrame, by: str | None) -> dict[str, dict]:
    """First timestamp, acquisition segment and all timestamps of each customer."""
    rows: dict[str, list] = defaultdict(list)
    for cid, ts, seg in zip(df["customer_id"], df["ts"], df[by] if by else [None] * len(df), strict=True):
        if cid is None or (isinstance(cid, float) and math.isnan(cid)):
            continue
        rows[cid].append(
            (ts.to_pydatetime(), None if seg is None or (isinstance(seg, float) and math.isnan(seg)) else seg)
        )
    out = {}
    for cid, items in rows.items():
        first = min(t for t, _ in items)
        at_first = [s for t, s in items if t == first and s is not None]
        out[cid] = {
            "first": first,
            "segment": (min(at_first) if at_first else "(missing)") if by else "All customers",
            "times": [t for t, _ in items],
        }
    return out


def retention_reference(
    df: pd.DataFrame,
    *,
    period: str,
    kind: str,
    end: dt.datetime,
    by: str | None = None,
    cohort_period: str | None = None,
) -> dict[tuple[str, int, int], tuple[int, int]]:
    """{(segment, cohort start date, age): (eligible, retained)} for every observed cell.

    ``end`` is the exclusive end of observation (rows at or after it are ignored).
    """
    cohort_period = cohort_period or period
    kept = df[df["ts"] < pd.Timestamp(end)]
    cells: dict[tuple[str, int, int], list[int]] = defaultdict(lambda: [0, 0])
    for info in per_customer(kept, by).values():
        first = info["first"]
        cohort = calendar_start(first, cohort_period)
        if kind == "rolling":
            length = dt.timedelta(days=ROLLING_DAYS[period])
            complete = int((end - first) // length)
            ages = {int((t - first) // length) for t in info["times"]}
        else:
            complete = calendar_index(end, period) - calendar_index(first, period)
            ages = {calendar_index(t, period) - calendar_index(first, period) for t in info["times"]}
        for age in range(complete):
            cell = cells[(info["segment"], cohort, age)]
            cell[0] += 1
            if kind == "on_or_after":
                cell[1] += int(max(ages) >= age)
            else:
                cell[1] += int(age in ages)
    return {k: (v[0], v[1]) for k, v in cells.items()}


def revenue_reference(df: pd.DataFrame, *, period: str, end: dt.datetime, by: str | None = None) -> dict:
    """{(segment, cohort start date, age): dict(customers, revenue, orders, active, ltv,
    orders_per_customer, nrr)} for observed calendar cells.
    """
    kept = df[df["ts"] < pd.Timestamp(end)]
    info = per_customer(kept, by)
    cohorts: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    for cid, c in info.items():
        cohorts[(c["segment"], calendar_start(c["first"], period))].append(cid)
    out = {}
    for (segment, start), members in cohorts.items():
        origin = calendar_index(dt.datetime.combine(start, dt.time(), dt.UTC), period)
        complete = calendar_index(end, period) - origin
        rows = kept[kept["customer_id"].isin(members)]
        ages = np.array([calendar_index(t.to_pydatetime(), period) - origin for t in rows["ts"]])
        revenue = rows["revenue"].to_numpy(dtype=float)
        customers = np.array(rows["customer_id"])
        base = float(np.nansum(revenue[ages == 0]))
        cum_rev = cum_orders = 0.0
        for age in range(complete):
            here = ages == age
            rev = float(np.nansum(revenue[here]))
            cum_rev += rev
            cum_orders += int(here.sum())
            out[(segment, start, age)] = {
                "customers": len(members),
                "revenue": rev,
                "orders": int(here.sum()),
                "active": len(set(customers[here])),
                "ltv": cum_rev / len(members),
                "orders_per_customer": cum_orders / len(members),
                "nrr": rev / base if base > 0 else float("nan"),
            }
    return out


def repeat_durations(df: pd.DataFrame, end: dt.datetime, by: str | None = None) -> pd.DataFrame:
    """Per customer: segment, days to the second order floored to whole hours, event flag."""
    kept = df[df["ts"] < pd.Timestamp(end)]
    rows = []
    for info in per_customer(kept, by).values():
        times = sorted(info["times"])
        stop, event = (times[1], True) if len(times) > 1 else (end, False)
        hours = math.floor((stop - info["first"]).total_seconds() / 3600)
        rows.append({"segment": info["segment"], "days": hours / 24, "event": event})
    return pd.DataFrame(rows)


def kaplan_meier_reference(days: np.ndarray, event: np.ndarray, z: float = 1.959963984540054) -> pd.DataFrame:
    """Product-limit estimate with Greenwood's variance and the log(-log) interval."""
    out = []
    surv, green = 1.0, 0.0
    for t in sorted(set(days[event])):
        at_risk = int((days >= t).sum())
        d = int(((days == t) & event).sum())
        surv *= 1 - d / at_risk
        green += d / (at_risk * (at_risk - d)) if at_risk > d else float("inf")
        se = surv * math.sqrt(green)
        if 0 < surv < 1:
            theta = se / (surv * abs(math.log(surv)))
            low, high = surv ** math.exp(z * theta), surv ** math.exp(-z * theta)
        else:
            low = high = surv
        out.append(
            {"days": t, "at_risk": at_risk, "events": d, "survival": surv, "ci_low": low, "ci_high": high}
        )
    return pd.DataFrame(out)


def logrank_reference(days: np.ndarray, event: np.ndarray, group: np.ndarray) -> tuple[float, float]:
    """Log-rank chi-square and p-value from Σ(O − E) and its covariance over event times."""
    from scipy import stats

    groups = sorted(set(group))
    k = len(groups)
    o_minus_e = np.zeros(k)
    cov = np.zeros((k, k))
    for t in sorted(set(days[event])):
        at_risk = np.array([((days >= t) & (group == g)).sum() for g in groups], dtype=float)
        deaths = np.array([((days == t) & event & (group == g)).sum() for g in groups], dtype=float)
        n, d = at_risk.sum(), deaths.sum()
        o_minus_e += deaths - d * at_risk / n
        if n > 1:
            factor = d * (n - d) / (n * n * (n - 1))
            cov += factor * (np.diag(at_risk) * n - np.outer(at_risk, at_risk))
    stat = float(o_minus_e[:-1] @ np.linalg.solve(cov[:-1, :-1], o_minus_e[:-1]))
    return stat, float(stats.chi2.sf(stat, k - 1))
