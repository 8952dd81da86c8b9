"""Scorecard cells: a period × segment grid of sufficient statistics, built on the engine.

A cell holds ``n``, Σx and Σx² of one per-unit value x, or for a ratio Σyᵢ/Σxᵢ over
clusters the sums Σxᵢ, Σyᵢ, Σyᵢ², Σxᵢ², Σxᵢyᵢ and the number of clusters (see
:mod:`cxlib.scorecard.stats`). The aggregation is written once with Narwhals and runs where
the table lives; only the small cell table comes back to pandas.

Periods are integer indexes computed from the calendar (portable across pandas, polars,
DuckDB and Spark): months ``12·year + month − 1``, quarters ``4·year + quarter − 1``, weeks
(Monday to Sunday, UTC) ``(days since 1970-01-01 + 3) // 7``; ``None`` puts everything
in one period labelled ``"all"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from cxlib._types import Frame
from cxlib.engine import to_narwhals, to_pandas
from cxlib.errors import DataError
from cxlib.timestamps import epoch_day

__all__ = [
    "ALL",
    "PERIODS",
    "RATIO_COLUMNS",
    "UNKNOWN",
    "Period",
    "aggregate_cells",
    "as_lazy",
    "check_period",
    "long_cells",
    "period_bounds",
    "period_index",
    "segment_labels",
    "sort_cells",
    "time_span",
]

Period = Literal["week", "month", "quarter"] | None
PERIODS: tuple[str, ...] = ("week", "month", "quarter")
#: Segment label of the rows that aggregate every segment.
ALL = "All"
#: Segment label for a missing segment value.
UNKNOWN = "unknown"
#: Name of the period index column inside queries (unlikely to clash with user columns).
P = "__period__"


def check_period(period: Any) -> Period:
    """Validate a period option (``"week"``, ``"month"``, ``"quarter"`` or ``None``).

    Parameters
    ----------
    period : {"week", "month", "quarter"} or None

    Returns
    -------
    str or None
        The period, unchanged.
    """
    if period is None or period in PERIODS:
        return period
    raise DataError(
        f"period must be one of {', '.join(PERIODS)} or None (whole span), not {period!r}", rule="bad_option"
    )


def as_lazy(table: Frame) -> nw.LazyFrame[Any]:
    """Any supported frame as a Narwhals LazyFrame.

    Parameters
    ----------
    table : frame
        Any supported frame.

    Returns
    -------
    narwhals.LazyFrame
    """
    frame = to_narwhals(table)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def period_index(ts_column: str, period: Period) -> nw.Expr:
    """Integer index of the calendar period a (UTC) timestamp falls in.

    Parameters
    ----------
    ts_column : str
        Timestamp column (UTC).
    period : {"week", "month", "quarter"} or None

    Returns
    -------
    narwhals.Expr
        Consecutive periods have consecutive indexes; ``None`` gives 0 for every row.
    """
    ts = nw.col(ts_column)
    if period is None:
        return nw.lit(0)
    if period == "month":
        return ts.dt.year() * 12 + ts.dt.month() - 1
    if period == "quarter":
        return ts.dt.year() * 4 + (ts.dt.month() - 1) // 3
    return (epoch_day(ts) + 3) // 7


def period_bounds(
    index: pd.Series,
    period: Period,
    span_start: pd.Timestamp | None = None,
    span_end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Label, first day and first day after each period index.

    Parameters
    ----------
    index : pandas.Series
        Period indexes from :func:`period_index`.
    period : {"week", "month", "quarter"} or None
    span_start, span_end : pandas.Timestamp, optional
        Data span; used as the bounds of the single period when ``period`` is None.

    Returns
    -------
    pandas.DataFrame
        ``period`` (str: ``2024-11``, ``2024-Q4``, ``2024-11-04`` for the week starting
        that Monday, ``all``), ``period_start`` and ``period_end`` (datetime64[ns], UTC days,
        end exclusive); same index as ``index``.
    """
    idx = index.astype("int64").to_numpy()
    if period is None:
        start = (span_start or pd.Timestamp("1970-01-01")).tz_localize(None).normalize()
        end = (span_end or start).tz_localize(None).normalize() + pd.Timedelta(days=1)
        return pd.DataFrame(
            {"period": "all", "period_start": [start] * len(idx), "period_end": [end] * len(idx)},
            index=index.index,
        ).astype({"period": "str", "period_start": "datetime64[ns]", "period_end": "datetime64[ns]"})
    if period == "week":
        start = pd.to_datetime(idx * 7 - 3, unit="D")
        end = start + pd.Timedelta(days=7)
        label = start.strftime("%Y-%m-%d")
    else:
        months_per = 1 if period == "month" else 3
        month0 = idx * months_per if period == "quarter" else idx
        years, months = np.divmod(month0, 12)
        start = pd.to_datetime(pd.DataFrame({"year": years, "month": months + 1, "day": 1}))
        end = start + pd.DateOffset(months=months_per)
        if period == "month":
            label = start.dt.strftime("%Y-%m")
        else:
            label = pd.Series(years.astype(str)) + "-Q" + pd.Series((months // 3 + 1).astype(str))
    out = pd.DataFrame(
        {
            "period": np.asarray(label, dtype=object),
            "period_start": np.asarray(start),
            "period_end": np.asarray(end),
        },
        index=index.index,
    )
    return out.astype({"period": "str", "period_start": "datetime64[ns]", "period_end": "datetime64[ns]"})


def time_span(table: Frame, ts_column: str = "ts") -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last timestamp of a table (UTC), ``(None, None)`` when it is empty.

    Parameters
    ----------
    table : frame
    ts_column : str, default "ts"

    Returns
    -------
    tuple of pandas.Timestamp or None
    """
    frame = as_lazy(table)
    row = to_pandas(
        frame.select(nw.col(ts_column).min().alias("lo"), nw.col(ts_column).max().alias("hi"))
    ).iloc[0]

    def utc(value: Any) -> pd.Timestamp | None:
        if value is None or pd.isna(value):
            return None
        ts = pd.Timestamp(value)
        return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")

    return utc(row["lo"]), utc(row["hi"])


#: A measure: a unit-level column ``x`` (one row per unit), or ``(y, x)``: per-cluster sums
#: of a ratio Σy/Σx (one row per cluster, e.g. a customer's revenue and orders).
Measure = str | tuple[str, str]
#: Columns of the ratio statistics (NaN for unit measures).
RATIO_COLUMNS: tuple[str, ...] = ("clusters", "den_sum_sq", "cross_sum")


def aggregate_cells(
    frame: nw.LazyFrame[Any],
    by: Sequence[str],
    measures: Mapping[str, Measure],
    *,
    totals: bool = True,
    extra: Mapping[str, nw.Expr] | None = None,
) -> pd.DataFrame:
    """Sufficient statistics of each measure per period × segment, in one query on the engine.

    Parameters
    ----------
    frame : narwhals.LazyFrame
        Must hold the period index column ``__period__``, the ``by`` columns and the
        measure columns (nulls are not counted).
    by : sequence of str
        Segment columns.
    measures : mapping
        Metric name → :data:`Measure`.
    totals : bool, default True
        Add rows over all segments (label :data:`ALL`) by summing the segment rows — exact
        for unit measures when every unit falls in one segment row (orders, answers). Not
        for ratio measures or customer-level metrics: compute their totals from a frame
        without segments.
    extra : mapping, optional
        Further aggregations (name → expression), kept as columns of the segment rows
        (missing on total rows).

    Returns
    -------
    pandas.DataFrame
        Long table: ``metric``, ``period_index`` (int64), the ``by`` columns (str, missing
        values :data:`UNKNOWN`), ``n`` (int64: units, or Σx of a ratio), ``total`` (Σx or
        Σy), ``total_sq`` (Σx² or Σy²), :data:`RATIO_COLUMNS` (float64; ratio measures
        only) and the ``extra`` columns; only cells with ``n > 0``.
    """
    squares, exprs = [], []
    for name, measure in measures.items():
        if isinstance(measure, str):
            squares.append((nw.col(measure) * nw.col(measure)).alias(f"__{name}__sq"))
            exprs += [
                nw.col(measure).count().alias(f"{name}__n"),
                nw.col(measure).sum().alias(f"{name}__sum"),
                nw.col(f"__{name}__sq").sum().alias(f"{name}__sumsq"),
            ]
        else:
            y, x = measure
            squares += [
                (nw.col(y) * nw.col(y)).alias(f"__{name}__sq"),
                (nw.col(x) * nw.col(x)).alias(f"__{name}__xsq"),
                (nw.col(x) * nw.col(y)).alias(f"__{name}__cross"),
                (nw.col(x) > 0).cast(nw.Int64).alias(f"__{name}__m"),
            ]
            exprs += [
                nw.col(x).sum().alias(f"{name}__n"),
                nw.col(y).sum().alias(f"{name}__sum"),
                nw.col(f"__{name}__sq").sum().alias(f"{name}__sumsq"),
                nw.col(f"__{name}__m").sum().alias(f"{name}__clusters"),
                nw.col(f"__{name}__xsq").sum().alias(f"{name}__den_sum_sq"),
                nw.col(f"__{name}__cross").sum().alias(f"{name}__cross_sum"),
            ]
    exprs += [expr.alias(name) for name, expr in (extra or {}).items()]
    wide = to_pandas(frame.with_columns(*squares).group_by(P, *by).agg(*exprs).sort(P, *by))
    return long_cells(wide, by, measures, totals=totals, extra=extra)


def long_cells(
    wide: pd.DataFrame,
    by: Sequence[str],
    measures: Mapping[str, Measure],
    *,
    totals: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Build the long cell table of :func:`aggregate_cells` from its wide query result.

    Parameters
    ----------
    wide : pandas.DataFrame
        One row per period × segment: ``__period__``, the ``by`` columns and, per measure
        ``m``, ``m__n``, ``m__sum``, ``m__sumsq`` and for ratio measures ``m__clusters``,
        ``m__den_sum_sq``, ``m__cross_sum`` (as :func:`aggregate_cells` computes them).
    by, measures, totals, extra
        As in :func:`aggregate_cells`.

    Returns
    -------
    pandas.DataFrame
        Long cells (see :func:`aggregate_cells`).
    """
    for column in by:
        wide[column] = segment_labels(wide[column])
    rows = []
    for name, measure in measures.items():
        long = wide[[P, *by, *(extra or {})]].copy()
        long.insert(0, "metric", name)
        long["n"] = wide[f"{name}__n"].fillna(0).astype("int64")
        long["total"] = wide[f"{name}__sum"].astype("float64").fillna(0.0)
        long["total_sq"] = wide[f"{name}__sumsq"].astype("float64").fillna(0.0)
        for column in RATIO_COLUMNS:
            long[column] = np.nan if isinstance(measure, str) else wide[f"{name}__{column}"].astype("float64")
        rows.append(long)
    out = pd.concat(rows, ignore_index=True).rename(columns={P: "period_index"})
    out["period_index"] = out["period_index"].astype("int64")
    out = out[out["n"] > 0]
    if totals and by:
        if any(not isinstance(m, str) for m in measures.values()):
            raise ValueError("totals of ratio measures cannot be summed from segments")
        summed = out.groupby(["metric", "period_index"], as_index=False, sort=False)[
            ["n", "total", "total_sq"]
        ].sum()
        for column in by:
            summed[column] = ALL
        out = pd.concat([out, summed], ignore_index=True)
    return out.reset_index(drop=True)


def segment_labels(values: pd.Series) -> pd.Series:
    """Segment values as text: missing → ``"unknown"``, whole floats without ``.0``.

    Parameters
    ----------
    values : pandas.Series

    Returns
    -------
    pandas.Series
        Strings.
    """
    if pd.api.types.is_float_dtype(values) and bool(((values.dropna() % 1) == 0).all()):
        values = values.astype("Int64")
    return values.astype("string").fillna(UNKNOWN).astype("str")


def sort_cells(frame: pd.DataFrame, by: Sequence[str], metric_order: Sequence[str]) -> pd.DataFrame:
    """Rows in report order: metric (``metric_order``), period, then segments with ``All`` first.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cells with ``metric``, ``period_index`` and the ``by`` columns.
    by : sequence of str
    metric_order : sequence of str

    Returns
    -------
    pandas.DataFrame
    """
    keys = pd.DataFrame(index=frame.index)
    keys["m"] = frame["metric"].map({m: i for i, m in enumerate(metric_order)}).fillna(len(metric_order))
    keys["p"] = frame["period_start"]
    columns = ["m", "p"]
    for i, column in enumerate(by):
        keys[f"a{i}"] = frame[column] != ALL
        keys[f"s{i}"] = frame[column]
        columns += [f"a{i}", f"s{i}"]
    order = keys.sort_values(columns, kind="stable").index
    return frame.loc[order].reset_index(drop=True)
