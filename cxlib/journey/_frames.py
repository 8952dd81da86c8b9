"""Plumbing shared by the journey functions: lazy frames, event order, options, intervals.

Timestamps are handled as integer microseconds since the Unix epoch (``_t``) on the engine,
so that comparisons and joins are integer operations on every backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import narwhals.stable.v2 as nw
import pandas as pd

from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals
from cxlib.errors import DataError
from cxlib.intervals import wilson_interval
from cxlib.viz.formats import event_label

__all__ = [
    "MISSING",
    "SEGMENT_SEP",
    "as_duration",
    "check_count",
    "check_events",
    "lazy",
    "micros",
    "normalize_by",
    "normalize_steps",
    "segment_expr",
    "sentence_start",
    "shown_step",
    "split_segments",
    "step_label",
    "timed",
    "unit_keys",
    "wilson_interval",
]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: Joins several segment columns into one key on the engine (split again in pandas).
SEGMENT_SEP = "\x1f"
#: Label of a missing segment value.
MISSING = "(missing)"
#: Columns identifying one unit of analysis, by ``count`` option.
UNIT_KEYS: dict[str, tuple[str, ...]] = {
    "customers": ("customer_id",),
    "sessions": ("customer_id", "session_id"),
}
#: Singular noun of each unit, for sentences.
UNIT_NOUNS: dict[str, str] = {"customers": "customer", "sessions": "session"}


def lazy(frame: Frame) -> nw.LazyFrame[Any]:
    """Any supported frame as a Narwhals LazyFrame (eager frames are wrapped, not copied).

    Parameters
    ----------
    frame : frame
        Any supported frame.

    Returns
    -------
    narwhals.LazyFrame
    """
    nw_frame = to_narwhals(frame)
    return nw_frame.lazy() if isinstance(nw_frame, nw.DataFrame) else nw_frame


def micros(column: str = "ts", time_zone: str | None = "UTC") -> nw.Expr:
    """Integer microseconds since 1970-01-01 UTC of a time-zone-aware timestamp column.

    ``time_zone`` is the column's zone; other zones than UTC are converted first (polars
    cannot subtract timestamps of different zones).

    Parameters
    ----------
    column : str, default "ts"
    time_zone : str or None, default "UTC"
        Time zone of the column.

    Returns
    -------
    narwhals.Expr
    """
    col = nw.col(column)
    if time_zone not in (None, "UTC"):
        col = col.dt.convert_time_zone("UTC")
    return (col - nw.lit(EPOCH)).dt.total_microseconds()


def timed(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Replace the ``ts`` column by ``_t``, integer microseconds since the epoch.

    Portable: ``(ts − 1970-01-01 UTC)`` in microseconds. DuckDB: ``epoch_us(ts)``, the same
    number without the time-zone-aware interval arithmetic, which costs DuckDB about ten
    times more. Spark: ``unix_micros(ts)`` (Narwhals has no duration-to-number conversion
    there). Tests check that they agree.

    Parameters
    ----------
    frame : narwhals.LazyFrame
        With a time-zone-aware ``ts``.

    Returns
    -------
    narwhals.LazyFrame
    """
    native = frame.to_native()
    if isinstance(native, duckdb.DuckDBPyRelation):
        return nw.from_native(native.project('* EXCLUDE ("ts"), epoch_us("ts") AS "_t"'))
    if frame.implementation.is_pyspark() or frame.implementation.is_pyspark_connect():
        from pyspark.sql import functions as spark_functions

        return nw.from_native(native.withColumn("_t", spark_functions.unix_micros("ts")).drop("ts"))
    zone = getattr(frame.collect_schema()["ts"], "time_zone", None)
    return frame.with_columns(_t=micros("ts", zone)).drop("ts")


def check_count(count: str) -> str:
    """Validate the ``count`` option (``"customers"`` or ``"sessions"``).

    Parameters
    ----------
    count : str

    Returns
    -------
    str
        The option, unchanged.
    """
    if count not in UNIT_KEYS:
        raise ValueError(f"count must be 'customers' or 'sessions', not {count!r}")
    return count


def unit_keys(count: str) -> list[str]:
    """Columns that identify one unit (a customer, or a customer's session).

    Parameters
    ----------
    count : {"customers", "sessions"}

    Returns
    -------
    list of str
    """
    return list(UNIT_KEYS[check_count(count)])


def check_events(events: Frame, columns: Iterable[str], *, purpose: str, table: str = "events") -> None:
    """Check required columns present and ``ts`` a time-zone-aware timestamp, else :class:`DataError`.

    Parameters
    ----------
    events : frame
    columns : iterable of str
        Required columns.
    purpose : str
        What they are needed for (messages).
    table : str, default "events"

    Returns
    -------
    None
    """
    columns = list(dict.fromkeys(columns))
    require_columns(events, columns, table, purpose=purpose)
    schema = lazy(events).collect_schema()
    if "ts" in columns:
        dtype = schema["ts"]
        if not isinstance(dtype, nw.Datetime) or getattr(dtype, "time_zone", None) is None:
            raise DataError(
                f"must hold time-zone-aware timestamps (found {dtype}); open the table with "
                "cxlib.open_shop/open_table, which converts timestamps to UTC",
                table=table,
                column="ts",
                rule="timestamp_type",
            )


def as_duration(value: Any, name: str, *, allow_none: bool = True) -> pd.Timedelta | None:
    """Parse a non-negative duration option: ``"7D"``, ``"30min"``, a timedelta or ``None``.

    Parameters
    ----------
    value : str, timedelta or None
    name : str
        Option name for messages.
    allow_none : bool, default True

    Returns
    -------
    pandas.Timedelta or None
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise ValueError(f"{name} is required")
    try:
        delta = pd.Timedelta(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a duration such as '7D' or '30min', not {value!r}") from exc
    if pd.isna(delta) or delta < pd.Timedelta(0):
        raise ValueError(f"{name} must be a non-negative duration, not {value!r}")
    return delta


def duration_micros(delta: pd.Timedelta | None) -> int | None:
    """Convert a duration to whole microseconds (``None`` stays ``None``)."""
    return None if delta is None else int(delta // pd.Timedelta(microseconds=1))


def normalize_steps(steps: Sequence[Any], *, minimum: int = 1) -> list[tuple[str, ...]]:
    """Funnel steps as tuples of event names: ``"purchase"`` or ``{"cart", "wishlist"}``.

    Parameters
    ----------
    steps : sequence
        Event names or collections of alternative names.
    minimum : int, default 1
        Fewest steps allowed.

    Returns
    -------
    list of tuple of str
    """
    if isinstance(steps, str) or not isinstance(steps, Sequence):
        raise ValueError("steps must be a list such as ['product_view', 'add_to_cart', 'purchase']")
    out: list[tuple[str, ...]] = []
    for i, step in enumerate(steps, start=1):
        names = (step,) if isinstance(step, str) else tuple(step)
        if not names or not all(isinstance(n, str) and n for n in names):
            raise ValueError(
                f"step {i} must be an event name or a non-empty set of event names, not {step!r}"
            )
        out.append(tuple(sorted(set(names))))
    if len(out) < minimum:
        raise ValueError(f"need at least {minimum} step(s), got {len(out)}")
    return out


def step_label(step: tuple[str, ...]) -> str:
    """Display name of a step: the event, or the events joined by ``" | "``.

    Parameters
    ----------
    step : tuple of str

    Returns
    -------
    str
    """
    return " | ".join(step)


def shown_step(name: str) -> str:
    """Write a step name (``step_label``) as words: ``product_view | search`` → ``product view | search``.

    Tables keep the events as the data name them; sentences, charts and displayed tables
    use this (:func:`cxlib.viz.formats.event_label`).
    """
    return " | ".join(event_label(part) for part in str(name).split(" | "))


def sentence_start(text: str) -> str:
    """Upper-case only the first letter of a name that opens a sentence (``product view``)."""
    return text[:1].upper() + text[1:]


def normalize_by(by: str | Sequence[str] | None) -> list[str]:
    """Segment columns as a list (``None`` → no segments).

    Parameters
    ----------
    by : str, sequence of str or None

    Returns
    -------
    list of str
    """
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    if not all(isinstance(c, str) and c for c in cols):
        raise ValueError(f"by must be a column name or a list of column names, not {by!r}")
    return cols


def segment_expr(by: Sequence[str]) -> nw.Expr:
    """One string key holding the segment columns (nulls → ``"(missing)"``).

    Parameters
    ----------
    by : sequence of str

    Returns
    -------
    narwhals.Expr
    """
    parts = [nw.col(c).cast(nw.String).fill_null(MISSING) for c in by]
    if len(parts) == 1:
        return parts[0]
    return nw.concat_str(parts, separator=SEGMENT_SEP)


def split_segments(keys: pd.Series, by: Sequence[str]) -> pd.DataFrame:
    """Undo :func:`segment_expr`: one column per segment column, as strings.

    Parameters
    ----------
    keys : pandas.Series
        Keys made by :func:`segment_expr`.
    by : sequence of str

    Returns
    -------
    pandas.DataFrame
    """
    if len(by) == 1:
        return pd.DataFrame({by[0]: keys.astype("str").to_numpy()}, index=keys.index)
    parts = keys.astype("str").str.split(SEGMENT_SEP, expand=True, regex=False)
    parts.columns = list(by)
    return parts
