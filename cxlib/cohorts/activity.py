"""Customer activity prepared for cohort analysis: acquisition, cohort, age and observability.

Every cohort function starts here. The table (orders or events, on any backend) becomes a
lazy Narwhals frame with, per row, the customer's first activity (their acquisition), the
segment they were acquired in, their cohort, the age of the row in periods since
acquisition and the number of ages of that customer that are completely observed. All of
it is computed on the user's backend; nothing is collected here except the latest
timestamp when the end of observation has to be inferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from cxlib._types import Frame
from cxlib.cohorts.periods import (
    ROLLING_SECONDS,
    check_period,
    observation_end,
    period_index,
    period_index_of,
    period_labels,
    period_starts,
)
from cxlib.engine import (
    backend,
    check_utc_session,
    is_utc_zone,
    pandas_on_duckdb,
    plain_categoricals,
    require_columns,
    to_narwhals,
    to_pandas,
)
from cxlib.errors import DataError
from cxlib.timestamps import epoch_micros, micros_of

__all__ = [
    "CUSTOMER",
    "MISSING_SEGMENT",
    "TS",
    "Activity",
    "cohort_frame",
    "prepare_activity",
    "segment_labels",
    "table_name",
]

CUSTOMER = "customer_id"
TS = "ts"
#: Label of customers whose segment value is missing.
MISSING_SEGMENT = "(missing)"

# Working column names (prefixed so they never collide with a user's columns).
FIRST = "_cx_first"
ACQ_BY = "_cx_acq_by"
SEGMENT = "_cx_segment"
COHORT = "_cx_cohort"
AGE = "_cx_age"
COMPLETE = "_cx_complete"


@dataclass(frozen=True)
class Activity:
    """A table prepared for cohort analysis (lazy; see :func:`prepare_activity`).

    Attributes
    ----------
    frame : narwhals.LazyFrame
        The user's rows with ``customer_id``, ``ts`` (UTC), the kept columns and
        ``_cx_first`` (first activity of the customer), ``_cx_segment`` (with ``by``) and,
        with ages, ``_cx_cohort`` (cohort period number), ``_cx_age`` (periods or windows
        since acquisition) and, when it differs between customers of a cohort,
        ``_cx_complete`` (number of completely observed ages of the customer: ages
        ``0 … _cx_complete − 1``).
    end : pandas.Timestamp
        End of observation (exclusive, UTC).
    table : str
        Table name used in error messages.
    by : str or None
    period, cohort_period : str
    rolling : bool
    backend : str
        Backend the aggregation runs on (``duckdb`` for pandas input with ``fast_path=True``).
    source : narwhals.LazyFrame
        The selected, filtered rows before any derived column (``customer_id``, ``ts``,
        ``by``, kept columns), for backend-specific fast paths.
    first_ts, last_ts : pandas.Timestamp
        First and last activity before the end of observation (UTC).
    fast_path : bool
        Whether DuckDB fast paths may run (see :func:`prepare_activity`).
    utc_session : bool
        ``ts`` was stored with time zone UTC, so calendar functions of the backend work in UTC.
    """

    frame: nw.LazyFrame[Any]
    end: pd.Timestamp
    table: str
    by: str | None
    period: str
    cohort_period: str
    rolling: bool
    backend: str
    source: nw.LazyFrame[Any]
    first_ts: pd.Timestamp
    last_ts: pd.Timestamp
    fast_path: bool = True
    utc_session: bool = True

    @property
    def keys(self) -> list[str]:
        """Group keys of a cohort cell: segment (with ``by``), cohort."""
        return ([SEGMENT] if self.by else []) + [COHORT]

    @property
    def complete_per_customer(self) -> bool:
        """Whether observed ages differ between customers of one cohort.

        Then ``_cx_complete`` is a column; otherwise every customer of a cohort has the same
        observed ages.
        """
        return self.rolling or self.cohort_period != self.period

    def labels(self, values: pd.Series) -> pd.Series:
        """Label collected segment values as text, the same on every backend.

        An integer attribute that pandas turned into floats around missing values is
        labelled ``3``, not ``3.0``.
        """
        if (
            self.by
            and pd.api.types.is_float_dtype(values)
            and self.source.collect_schema()[self.by].is_integer()
        ):
            values = values.astype("Int64")
        return segment_labels(values)

    def complete_of(self, cohort_index: Any) -> Any:
        """Completely observed ages of calendar cohorts whose cohort period is the age period."""
        return period_index_of(self.end, self.period) - np.asarray(cohort_index, dtype="int64")


def table_name(frame: nw.LazyFrame[Any] | nw.DataFrame[Any], default: str = "orders") -> str:
    """Contract name of an activity table, guessed from its columns (for error messages).

    Parameters
    ----------
    frame : narwhals frame
    default : str, default "orders"

    Returns
    -------
    str
    """
    names = set(frame.collect_schema().names())
    if "order_id" in names:
        return "orders"
    if "event" in names:
        return "events"
    return default


def _utc_ts(frame: nw.LazyFrame[Any], table: str) -> nw.Expr:
    dtype = frame.collect_schema()[TS]
    if not isinstance(dtype, nw.Datetime):
        raise DataError(
            f"'ts' must hold timestamps, found {dtype}; open the table with cxlib.open_table(...) "
            "to parse it",
            table=table,
            column=TS,
            rule="wrong_type",
        )
    zone = dtype.time_zone
    if not zone:
        raise DataError(
            "timestamps have no time zone; open the table with cxlib.open_table(..., timezone=...) "
            "to say which zone they are in",
            table=table,
            column=TS,
            rule="naive_timestamp",
        )
    if not is_utc_zone(zone) and backend(frame) == "duckdb":
        raise DataError(
            f"the DuckDB connection's session time zone is {zone}, so calendar periods would not be UTC; "
            "run `SET TimeZone = 'UTC'` on that connection or open the data with cxlib.open_table(...)",
            table=table,
            column=TS,
            rule="session_time_zone",
        )
    check_utc_session(frame, table)
    column = nw.col(TS)
    return column if is_utc_zone(zone) else column.dt.convert_time_zone("UTC")


def _pandas_ready(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any], by: str | None
) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    """Prepare a pandas frame as Narwhals needs it (a new frame; the user's is not touched).

    ``ts`` in another zone is converted to UTC (Narwhals reads no other pandas zone), an
    unordered categorical ``by`` turned into its plain values (pandas cannot take their
    minimum).
    """
    native = frame.to_native()
    if not isinstance(native, pd.DataFrame):
        return frame
    ready = plain_categoricals(native, [by] if by else [])
    dtype = native[TS].dtype
    if isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) != "UTC":
        ready = ready.assign(**{TS: native[TS].dt.tz_convert("UTC")})
    return frame if ready is native else nw.from_native(ready)


def prepare_activity(
    table: Frame,
    *,
    purpose: str,
    period: str,
    cohort_period: str | None = None,
    rolling: bool = False,
    by: str | None = None,
    observed_until: Any = None,
    keep: Sequence[str] = (),
    ages: bool = True,
    fast_path: bool = True,
    default_table: str = "orders",
) -> Activity:
    """Validate an activity table and add acquisition, cohort, age and observability.

    Parameters
    ----------
    table : native frame
        Orders or events on any supported backend. Required columns: ``customer_id``,
        ``ts`` (tz-aware), ``by`` and ``keep`` when given. Rows without a customer are
        ignored (anonymous events).
    purpose : str
        What the columns are needed for (error messages).
    period : {"day", "week", "month", "quarter"}
        Unit of age.
    cohort_period : str, optional
        Calendar period that groups customers into cohorts. Default: ``period``.
    rolling : bool, default False
        Ages in fixed windows from each customer's first activity (see
        :data:`~cxlib.cohorts.periods.ROLLING_SECONDS`) instead of calendar periods.
    by : str, optional
        Segment column; a customer's segment is its value on their first row (ties at the
        same timestamp: the smallest value).
    observed_until : date or datetime, optional
        End of observation; see :func:`~cxlib.cohorts.periods.observation_end`. Rows at or
        after it are left out.
    keep : sequence of str
        Further columns to carry along (e.g. ``revenue``).
    ages : bool, default True
        Add cohort, age and observed-age columns (not needed for time to repeat).
    fast_path : bool, default True
        Use DuckDB where it is faster: a pandas frame is aggregated by DuckDB in-process,
        over its Arrow buffers without a copy (several times faster than pandas group-bys),
        and DuckDB input uses the hand-written SQL of :mod:`cxlib._duckdb.cohorts`
        where it applies. ``False`` runs the portable Narwhals code on the input's own
        backend. Same numbers (tested); other backends always run natively.
    default_table : str
        Table name for messages when the columns do not tell.

    Returns
    -------
    Activity
    """
    check_period(period)
    cohort_period = check_period(cohort_period or period, "cohort_period")
    if not isinstance(fast_path, bool):
        raise ValueError(f"fast_path must be True or False; got {fast_path!r}")
    frame = to_narwhals(table)
    name = table_name(frame, default_table)
    columns = [CUSTOMER, TS] + ([by] if by else []) + [c for c in keep if c not in (CUSTOMER, TS, by)]
    require_columns(frame, columns, name, purpose=purpose)
    frame = _pandas_ready(frame, by)
    lazy = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    _utc_ts(lazy, name)
    where = backend(frame)
    if fast_path and where == "pandas":
        relation = pandas_on_duckdb(frame.select(columns).to_native())
        if relation is not None:
            lazy, where = nw.from_native(relation), "duckdb"
    ts = _utc_ts(lazy, name)
    utc_session = is_utc_zone(getattr(lazy.collect_schema()[TS], "time_zone", None))
    lazy = lazy.select(*[ts.alias(TS) if c == TS else nw.col(c) for c in columns])
    lazy = lazy.filter(~nw.col(CUSTOMER).is_null() & ~nw.col(TS).is_null())

    if observed_until is not None:
        end = observation_end(observed_until, None)
        lazy = lazy.filter(nw.col(TS) < nw.lit(end.to_pydatetime()))
    bounds = to_pandas(lazy.select(nw.col(TS).min().alias("first"), nw.col(TS).max().alias("last")))
    first_ts, last_ts = bounds["first"].iloc[0], bounds["last"].iloc[0]
    if pd.isna(last_ts):
        raise DataError(
            "no rows with a customer and a timestamp before the end of observation",
            table=name,
            column=CUSTOMER,
            rule="no_rows",
        )
    if observed_until is None:
        end = observation_end(None, last_ts)

    source = lazy
    lazy = lazy.with_columns(nw.col(TS).min().over(CUSTOMER).alias(FIRST))
    if by:
        lazy = lazy.with_columns(nw.when(nw.col(TS) == nw.col(FIRST)).then(nw.col(by)).alias(ACQ_BY))
        lazy = lazy.with_columns(nw.col(ACQ_BY).min().over(CUSTOMER).alias(SEGMENT)).drop(ACQ_BY)
    activity = Activity(
        frame=lazy,
        end=end,
        table=name,
        by=by,
        period=period,
        cohort_period=cohort_period,
        rolling=rolling,
        backend=where,
        source=source,
        first_ts=pd.Timestamp(first_ts),
        last_ts=pd.Timestamp(last_ts),
        fast_path=fast_path,
        utc_session=utc_session,
    )
    if not ages:
        return activity

    first = nw.col(FIRST)
    if rolling:
        window = ROLLING_SECONDS[period] * 1_000_000
        first_us = epoch_micros(first)
        age = (epoch_micros(nw.col(TS)) - first_us) // window
        complete = (nw.lit(micros_of(end)) - first_us) // window
    else:
        first_period = period_index(first, period)
        age = period_index(nw.col(TS), period) - first_period
        # Period q is complete when the period holding the end instant starts after it.
        complete = nw.lit(period_index_of(end, period)) - first_period
    extra = [complete.alias(COMPLETE)] if activity.complete_per_customer else []
    lazy = lazy.with_columns(period_index(first, cohort_period).alias(COHORT), age.alias(AGE), *extra)
    return replace(activity, frame=lazy)


def segment_labels(values: pd.Series) -> pd.Series:
    """Segment values as text labels; missing values become :data:`MISSING_SEGMENT`.

    Parameters
    ----------
    values : pandas.Series

    Returns
    -------
    pandas.Series
    """
    text = values.astype("object").where(values.notna(), MISSING_SEGMENT)
    return text.map(str).astype("object")


def cohort_frame(index: Sequence[int], period: str) -> pd.DataFrame:
    """``cohort`` labels and ``cohort_start`` timestamps of numbered cohort periods.

    Parameters
    ----------
    index : sequence of int
        Cohort period numbers.
    period : str

    Returns
    -------
    pandas.DataFrame
    """
    return pd.DataFrame(
        {
            "cohort_index": list(index),
            "cohort": period_labels(index, period),
            "cohort_start": period_starts(index, period),
        }
    )
