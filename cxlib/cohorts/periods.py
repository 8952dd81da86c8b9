"""Calendar periods and rolling windows of the cohort analyses.

Periods are numbered with integers so that "periods since acquisition" is a subtraction
that never skips an empty month (the classic cohort-table bug: ranking the months that
happen to have activity shifts every later column). The same numbering is written once as
a Narwhals expression (computed on the user's backend) and once in Python (for the period
bounds, labels and the observation end), and both agree.

* ``day``: whole UTC days since 1900-01-01;
* ``week``: ISO weeks (Monday to Sunday) since the week of 1900-01-01, which is a Monday;
* ``month``: ``12·year + month − 1``;
* ``quarter``: ``4·year + (month − 1) // 3``.

Rolling windows are fixed lengths measured from each customer's own first activity:
24 hours for ``day``, 7 days for ``week``, 30 days for ``month`` and 90 days for
``quarter``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from cxlib.timestamps import epoch_day

__all__ = [
    "PERIODS",
    "ROLLING_SECONDS",
    "Period",
    "age_label",
    "check_period",
    "observation_end",
    "period_index",
    "period_index_of",
    "period_labels",
    "period_starts",
]

Period = Literal["day", "week", "month", "quarter"]
PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter")

DAY_SECONDS = 86_400
#: Length of a rolling window, in seconds, per period name.
ROLLING_SECONDS: dict[str, int] = {
    "day": DAY_SECONDS,
    "week": 7 * DAY_SECONDS,
    "month": 30 * DAY_SECONDS,
    "quarter": 90 * DAY_SECONDS,
}
#: Origin of the day and week numbering (a Monday, so weeks start on Mondays as in ISO 8601).
ORIGIN = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_ORIGIN_TS = pd.Timestamp(ORIGIN)
#: Days from 1970-01-01 to :data:`ORIGIN`.
ORIGIN_DAY = (ORIGIN - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).days


def check_period(period: str, name: str = "period") -> Period:
    """Return ``period`` if it is one of :data:`PERIODS`, else raise ``ValueError``.

    Parameters
    ----------
    period : str
    name : str, default "period"
        Option name for messages.

    Returns
    -------
    str
    """
    known: dict[str, Period] = {"day": "day", "week": "week", "month": "month", "quarter": "quarter"}
    if period not in known:
        raise ValueError(f"{name} must be one of {', '.join(PERIODS)}; got {period!r}")
    return known[period]


def period_index(ts: nw.Expr, period: str) -> nw.Expr:
    """Integer number of the calendar period that contains each timestamp (UTC).

    Parameters
    ----------
    ts : narwhals.Expr
        A UTC datetime expression.
    period : {"day", "week", "month", "quarter"}

    Returns
    -------
    narwhals.Expr
        Integer expression; consecutive periods have consecutive numbers.
    """
    check_period(period)
    if period in ("day", "week"):
        return (epoch_day(ts) - ORIGIN_DAY) // (1 if period == "day" else 7)
    if period == "month":
        return ts.dt.year() * 12 + ts.dt.month() - 1
    return ts.dt.year() * 4 + (ts.dt.month() - 1) // 3


def period_index_of(value: Any, period: str) -> int:
    """Python twin of :func:`period_index` for one timestamp (naive values are UTC).

    Parameters
    ----------
    value : timestamp
    period : str

    Returns
    -------
    int
    """
    check_period(period)
    ts = _utc(value)
    if period in ("day", "week"):
        length = DAY_SECONDS if period == "day" else 7 * DAY_SECONDS
        seconds = (ts - _ORIGIN_TS) // pd.Timedelta(seconds=1)
        return int(seconds // length)
    if period == "month":
        return ts.year * 12 + ts.month - 1
    return ts.year * 4 + (ts.month - 1) // 3


def period_starts(index: Sequence[int] | np.ndarray, period: str) -> pd.DatetimeIndex:
    """First instant (UTC) of each numbered period.

    Parameters
    ----------
    index : array-like of int
    period : str

    Returns
    -------
    pandas.DatetimeIndex
    """
    check_period(period)
    idx = np.asarray(index, dtype="int64")
    if period in ("day", "week"):
        days = idx * (1 if period == "day" else 7)
        return pd.DatetimeIndex(_ORIGIN_TS + pd.to_timedelta(days, unit="D")).as_unit("us")
    months = idx if period == "month" else idx * 3
    years, month0 = np.divmod(months, 12)
    text = [f"{y:04d}-{m + 1:02d}-01" for y, m in zip(years.tolist(), month0.tolist(), strict=True)]
    return pd.DatetimeIndex(pd.to_datetime(text, format="%Y-%m-%d", utc=True)).as_unit("us")


def period_labels(index: Sequence[int] | np.ndarray, period: str) -> list[str]:
    """Readable label of each numbered period.

    ``2024-01-05`` (day), ``2024-W01`` (ISO week), ``2024-01`` (month), ``2024-Q1`` (quarter).

    Parameters
    ----------
    index : array-like of int
    period : str

    Returns
    -------
    list of str
    """
    starts = period_starts(index, period)
    if period == "day":
        return [s.strftime("%Y-%m-%d") for s in starts]
    if period == "week":
        iso = starts.isocalendar()
        return [f"{y:04d}-W{w:02d}" for y, w in zip(iso["year"].tolist(), iso["week"].tolist(), strict=True)]
    if period == "month":
        return [s.strftime("%Y-%m") for s in starts]
    return [f"{s.year:04d}-Q{(s.month - 1) // 3 + 1}" for s in starts]


def age_label(age: int, period: str, rolling: bool = False) -> str:
    """Words for an age: ``month 3``; rolling: ``days 90–119``.

    Parameters
    ----------
    age : int
    period : str
    rolling : bool, default False

    Returns
    -------
    str
    """
    if not rolling:
        return f"{period} {age}"
    days = ROLLING_SECONDS[period] // DAY_SECONDS
    if days == 1:
        return f"day {age}"
    return f"days {age * days}–{(age + 1) * days - 1}"


def _utc(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def observation_end(observed_until: Any, last_ts: Any) -> pd.Timestamp:
    """Return the instant (exclusive, UTC) up to which activity is taken as completely observed.

    Parameters
    ----------
    observed_until : str, date, datetime or None
        A date (``"2026-10-31"`` or a ``datetime.date``) includes that whole day; a date and
        time is taken as the exact end. Naive values are UTC. ``None``: the day of the
        latest record is taken as complete, so the end is the midnight after ``last_ts``.
    last_ts : timestamp or None
        Latest activity timestamp in the table.

    Returns
    -------
    pandas.Timestamp
        Tz-aware UTC, microsecond unit.
    """
    if observed_until is None or (isinstance(observed_until, str) and not observed_until.strip()):
        if last_ts is None or pd.isna(last_ts):
            raise ValueError("cannot infer the end of observation from a table without timestamps")
        return (_utc(last_ts).floor("D") + pd.Timedelta(days=1)).as_unit("us")
    date_only = isinstance(observed_until, dt.date) and not isinstance(observed_until, dt.datetime)
    if isinstance(observed_until, str):
        date_only = len(observed_until.strip()) <= 10
    end = _utc(observed_until)
    if date_only:
        end = end.floor("D") + pd.Timedelta(days=1)
    return end.as_unit("us")
