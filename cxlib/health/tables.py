"""Per-table data-health aggregations, written once with Narwhals.

They run where the table lives (pandas, polars, DuckDB, Spark); only small results come back
as pandas frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib._types import Frame
from cxlib.data.contracts import CONTRACTS, TABLES
from cxlib.defaults import FUNNEL_STAGES
from cxlib.engine import is_utc_zone, to_narwhals, to_pandas
from cxlib.viz.formats import language_name

__all__ = [
    "CUSTOMER_COLUMNS",
    "EVENT_DUPLICATE_KEY",
    "INTERMITTENT",
    "PARTLY_FILLED",
    "ROW_NOUNS",
    "TS_COLUMNS",
    "PartlyFilled",
    "daily_volume",
    "duplicate_ids",
    "duplicate_rows",
    "filter_period",
    "findings_table",
    "missing_by_design",
    "missing_values",
    "overview",
    "table_overview",
    "text_examples",
    "unreadable_texts",
]

#: Timestamp column of each table (the experiments table records exposure time).
TS_COLUMNS: dict[str, str] = {"experiments": "exposed_ts"}
#: Column identifying the customer. Experiments randomise units (visitors, sessions, ...),
#: which are counted as units, never as customers.
CUSTOMER_COLUMNS: dict[str, str] = {"experiments": "unit_id"}
#: Tables whose rows come and go by design, each with the column naming its runs: exposures
#: happen only while an experiment runs, so days between experiments are not gaps.
INTERMITTENT: dict[str, str] = {"experiments": "experiment"}
#: What one row of each table is, for sentences.
ROW_NOUNS: dict[str, str] = {
    "events": "events",
    "orders": "orders",
    "surveys": "survey answers",
    "feedback": "feedback texts",
    "experiments": "experiment units",
}


@dataclass(frozen=True)
class PartlyFilled:
    """Columns filled on some kinds of rows only, by design.

    Attributes
    ----------
    kind : str
        The column telling the kinds of rows apart (``event``).
    columns : tuple of str
        The columns filled only on some kinds.
    expected : tuple of str
        The kinds that must have them (purchase events by their contract, GA4 and common
        shop names). A kind that has them filled on some row counts too.
    noun : str
        What the rows that must have them are, for sentences.
    """

    kind: str
    columns: tuple[str, ...]
    expected: tuple[str, ...]
    noun: str


#: Order id and revenue belong to purchase events only: their absence elsewhere is by design.
PARTLY_FILLED: dict[str, PartlyFilled] = {
    "events": PartlyFilled("event", ("order_id", "revenue"), FUNNEL_STAGES[-1], "purchase events"),
}


def _ts_col(name: str | None) -> str:
    return TS_COLUMNS.get(name or "", "ts")


def _customer_col(name: str | None) -> str:
    return CUSTOMER_COLUMNS.get(name or "", "customer_id")


def _lazy(table: Frame) -> nw.LazyFrame[Any]:
    frame = to_narwhals(table)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def _columns(frame: nw.LazyFrame[Any]) -> list[str]:
    return list(frame.collect_schema().names())


def _utc_ts(frame: nw.LazyFrame[Any], column: str) -> nw.Expr:
    """Return the timestamp column in UTC (converted when it carries another zone).

    DuckDB keeps the zone in the connection: cxlib's connection uses UTC (see
    :func:`cxlib.engine.configure_duckdb`); relations from other zones are converted
    where the backend supports it.
    """
    dtype = frame.collect_schema()[column]
    zone = getattr(dtype, "time_zone", None)
    if isinstance(dtype, nw.Datetime) and zone and not is_utc_zone(zone):
        return nw.col(column).dt.convert_time_zone("UTC")
    return nw.col(column)


def _as_utc(value: Any, *, end: bool = False) -> dt.datetime | None:
    """Parse a date/time bound as an aware UTC datetime; a date-only ``end`` includes that day."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    ts = pd.Timestamp(value)
    date_only = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    date_only = date_only or (isinstance(value, str) and len(value.strip()) <= 10)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    ts = ts.tz_convert("UTC")
    if end and date_only:
        ts = ts + pd.Timedelta(days=1)
    return ts.to_pydatetime()


def filter_period(table: Frame, start: Any = None, end: Any = None, ts_col: str = "ts") -> Frame:
    """Keep the rows of a table whose timestamp falls in ``[start, end]``.

    Parameters
    ----------
    table : native frame
        Any supported frame. Required column: ``ts_col`` (UTC timestamps).
    start, end : str, date or datetime, optional
        Bounds; empty means open. A date-only ``end`` (``"2024-06-30"``) includes that day.
        Naive bounds are taken as UTC.
    ts_col : str, default "ts"

    Returns
    -------
    native frame
        Same backend as the input (lazy stays lazy).
    """
    lo, hi = _as_utc(start), _as_utc(end, end=True)
    frame = to_narwhals(table)
    if lo is None and hi is None:
        return table
    if ts_col not in frame.collect_schema().names():
        return table
    exact_end = (
        hi is not None
        and not (isinstance(end, str) and len(end.strip()) <= 10)
        and not (isinstance(end, dt.date) and not isinstance(end, dt.datetime))
    )
    conditions = []
    if lo is not None:
        conditions.append(nw.col(ts_col) >= nw.lit(lo))
    if hi is not None:
        conditions.append(nw.col(ts_col) <= nw.lit(hi) if exact_end else nw.col(ts_col) < nw.lit(hi))
    combined = conditions[0]
    for cond in conditions[1:]:
        combined = combined & cond
    return frame.filter(combined).to_native()


#: Columns that identify a duplicate event (the events contract has no key): the same
#: customer doing the same thing at the same instant was logged twice.
EVENT_DUPLICATE_KEY: tuple[str, ...] = ("customer_id", "ts", "event")


def _duplicate_key(name: str | None, names: Sequence[str]) -> tuple[list[str], str]:
    if name in CONTRACTS and CONTRACTS[name].key:
        key = list(CONTRACTS[name].key)
    elif name == "events":
        key = list(EVENT_DUPLICATE_KEY)
    else:
        return list(names), "all columns"
    return [c for c in key if c in names], ", ".join(key)


def _profile(table: Frame, name: str | None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Overview numbers and missing values of a table in a single pass over it."""
    frame = _lazy(table)
    schema = frame.collect_schema()
    names = list(schema.names())
    ts, customer = _ts_col(name), _customer_col(name)
    exprs = [nw.len().alias("__rows__")]
    if ts in names:
        exprs += [nw.col(ts).min().alias("__first__"), nw.col(ts).max().alias("__last__")]
    if customer in names:
        exprs += [nw.col(customer).n_unique().alias("__n_unique__")]
    for i, (column, dtype) in enumerate(schema.items()):
        expr = nw.col(column).fill_nan(None) if dtype.is_float() else nw.col(column)
        exprs.append(expr.null_count().alias(f"__missing_{i}__"))
    result = to_pandas(frame.select(exprs)).iloc[0]
    rows = _count(result["__rows__"])
    n_missing = [_count(result[f"__missing_{i}__"]) for i in range(len(names))]
    missing = pd.DataFrame(
        {"column": pd.array(names, dtype="str"), "n_missing": pd.array(n_missing, dtype="int64")}
    )
    missing["share"] = (missing["n_missing"] / rows).astype("float64") if rows else 0.0
    first = _utc(result["__first__"]) if ts in names else None
    last = _utc(result["__last__"]) if ts in names else None
    customers = None
    if customer in names:  # n_unique counts a missing id as one more value
        customers = _count(result["__n_unique__"]) - (1 if n_missing[names.index(customer)] > 0 else 0)
    key_cols, key_text = _duplicate_key(name, names)
    overview_row = {
        "table": name,
        "rows": rows,
        "first_ts": first,
        "last_ts": last,
        "days": (last.normalize() - first.normalize()).days + 1
        if first is not None and last is not None
        else None,
        "customers": None if name in CUSTOMER_COLUMNS else customers,
        "units": customers if name in CUSTOMER_COLUMNS else None,
        "duplicates": duplicate_rows(table, key_cols, rows=rows) if key_cols and rows else 0,
        "duplicate_key": key_text,
    }
    return overview_row, missing


def _count(value: Any) -> int:
    """Return an aggregated count as int; SQL engines give NULL, not 0, over no rows."""
    return 0 if value is None or pd.isna(value) else int(value)


def table_overview(table: Frame, name: str | None = None) -> dict[str, Any]:
    """Rows, time range, distinct customers and duplicates of one table.

    Parameters
    ----------
    table : native frame
        Any supported frame. Optional columns: the timestamp (``ts``; ``exposed_ts`` for
        experiments), the customer (``customer_id``; the unit ``unit_id`` for experiments) and the
        contract key of ``name`` (e.g. ``order_id``; events: customer, time and event).
    name : str, optional
        Contract table name; decides the columns above. Default: generic (``ts``,
        ``customer_id``, duplicates over all columns).

    Returns
    -------
    dict
        ``table, rows, first_ts, last_ts, days, customers, units, duplicates, duplicate_key``.
        The experiments table counts distinct ``units`` (visitors, sessions ...), never
        customers. Missing pieces are ``None``; ``first_ts``/``last_ts`` are UTC
        ``pandas.Timestamp``.
    """
    return _profile(table, name)[0]


def _utc(value: Any) -> pd.Timestamp | None:
    if value is None or pd.isna(value):
        return None
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def overview(tables: Mapping[str, Frame]) -> pd.DataFrame:
    """:func:`table_overview` for several tables, one row each, in contract order.

    Parameters
    ----------
    tables : mapping
        Table name → native frame (e.g. ``shop.tables()``).

    Returns
    -------
    pandas.DataFrame
        Columns ``table, rows, first_ts, last_ts, days, customers, units, duplicates,
        duplicate_key``.
    """
    order = [t for t in TABLES if t in tables] + sorted(t for t in tables if t not in TABLES)
    return _overview_frame([table_overview(tables[name], name) for name in order])


#: Columns of the overview table, one row per shop table.
OVERVIEW_COLUMNS = (
    "table",
    "rows",
    "first_ts",
    "last_ts",
    "days",
    "customers",
    "units",
    "duplicates",
    "duplicate_key",
)


def _overview_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(OVERVIEW_COLUMNS))
    for col in ("first_ts", "last_ts"):
        out[col] = pd.to_datetime(out[col], utc=True)
    for col in ("rows", "days", "customers", "units", "duplicates"):
        out[col] = out[col].astype("Int64")
    return out


def duplicate_rows(table: Frame, subset: Sequence[str] | None = None, *, rows: int | None = None) -> int:
    """Count the rows beyond the first with the same values in ``subset``.

    Parameters
    ----------
    table : native frame
        Required columns: ``subset`` (default: all columns).
    subset : sequence of str, optional
    rows : int, optional
        The table's row count, if already known (saves a pass over the table).

    Returns
    -------
    int
        ``rows - distinct(subset)``; 0 when every row is unique.
    """
    frame = _lazy(table)
    cols = list(subset) if subset else _columns(frame)
    if rows is None:
        rows = int(to_pandas(frame.select(nw.len().alias("n")))["n"].iloc[0])
    distinct = to_pandas(frame.select(cols).unique().select(nw.len().alias("n")))["n"].iloc[0]
    return int(rows) - int(distinct)


def duplicate_ids(table: Frame, id_col: str) -> int:
    """Rows whose ``id_col`` repeats an earlier row's id (0 when ids are unique).

    Parameters
    ----------
    table : native frame
        Required column: ``id_col``.
    id_col : str

    Returns
    -------
    int
    """
    return duplicate_rows(table, [id_col])


def missing_values(table: Frame) -> pd.DataFrame:
    """Missing values per column (nulls; NaN counts as missing in float columns).

    Parameters
    ----------
    table : native frame
        Any columns.

    Returns
    -------
    pandas.DataFrame
        One row per column in table order: ``column`` (str), ``n_missing`` (int64),
        ``share`` (float64, of all rows; 0 for an empty table).
    """
    frame = _lazy(table)
    schema = frame.collect_schema()
    exprs = [nw.len().alias("__rows__")]
    for i, (name, dtype) in enumerate(schema.items()):
        column = nw.col(name).fill_nan(None) if dtype.is_float() else nw.col(name)
        exprs.append(column.null_count().alias(f"__missing_{i}__"))
    counts = to_pandas(frame.select(exprs)).iloc[0]
    rows = _count(counts["__rows__"])
    names = list(schema.names())
    n_missing = pd.array([_count(counts[f"__missing_{i}__"]) for i in range(len(names))], dtype="int64")
    out = pd.DataFrame({"column": pd.array(names, dtype="str"), "n_missing": n_missing})
    out["share"] = (out["n_missing"] / rows).astype("float64") if rows else 0.0
    return out


def missing_by_design(table: Frame, name: str | None) -> pd.DataFrame:
    """Missing values of the columns that only some kinds of rows have (:data:`PARTLY_FILLED`).

    A column such as the events' ``order_id`` is expected on purchase events only: a row of
    another kind without it is not missing data. The rows that must have the column are the
    expected kinds (purchase events) and every kind that has it filled on at least one row.

    Parameters
    ----------
    table : native frame
        Required column: the kind column (``event``); the partly filled columns present are
        checked.
    name : str or None
        Contract table name (only ``events`` has such columns).

    Returns
    -------
    pandas.DataFrame
        One row per partly filled column present: ``column``, ``rows`` (rows that must have
        it), ``n_missing`` (of those), ``by_design`` (rows of other kinds, without it) and
        ``applies_to`` (e.g. ``"purchase events"``). Empty when the table has none.
    """
    columns = ["column", "rows", "n_missing", "by_design", "applies_to"]
    spec = PARTLY_FILLED.get(name or "")
    frame = _lazy(table)
    names = _columns(frame)
    present = [c for c in spec.columns if c in names] if spec is not None else []
    if spec is None or spec.kind not in names or not present:
        return pd.DataFrame({c: [] for c in columns})
    schema = frame.collect_schema()
    flags = [nw.col(spec.kind).cast(nw.String).alias("__kind__")]
    for i, column in enumerate(present):
        expr = nw.col(column).fill_nan(None) if schema[column].is_float() else nw.col(column)
        flags.append(expr.is_null().cast(nw.Int64).alias(f"__missing_{i}__"))
    sums = [nw.col(f"__missing_{i}__").sum() for i in range(len(present))]
    kinds = to_pandas(frame.with_columns(flags).group_by("__kind__").agg(nw.len().alias("__rows__"), *sums))
    kinds = kinds.rename(columns={"__kind__": spec.kind})
    expected = kinds[spec.kind].isin(spec.expected)
    rows = []
    for i, column in enumerate(present):
        missing = kinds[f"__missing_{i}__"].astype("int64")
        applies = expected | (missing < kinds["__rows__"])
        extra = sorted(kinds.loc[applies & ~expected, spec.kind].dropna().astype(str))
        rows.append(
            {
                "column": column,
                "rows": int(kinds.loc[applies, "__rows__"].sum()),
                "n_missing": int(missing[applies].sum()),
                "by_design": int(missing[~applies].sum()),
                "applies_to": spec.noun if not extra else f"{spec.noun} and {', '.join(extra[:3])} events",
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"rows": "int64", "n_missing": "int64", "by_design": "int64", "applies_to": "str"})


def daily_volume(table: Frame, by: str | None = "channel", ts_col: str = "ts") -> pd.DataFrame:
    """Rows per UTC day and segment.

    Parameters
    ----------
    table : native frame
        Required column: ``ts_col``. Optional: ``by`` (missing values count as ``"unknown"``;
        an absent column puts every row in ``"all"``).
    by : str or None, default "channel"
    ts_col : str, default "ts"

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime64, the UTC day), ``by`` (or ``"segment"`` when ``by`` is
        None) and ``n`` (int64); sorted by date, then segment. Days without rows are absent.
    """
    frame = _lazy(table)
    names = _columns(frame)
    label = by or "segment"
    if ts_col not in names:
        raise KeyError(f"daily_volume: the table has no '{ts_col}' column")
    segment = nw.col(by).cast(nw.String).fill_null("unknown") if by and by in names else nw.lit("all")
    grouped = (
        frame.with_columns(
            _utc_ts(frame, ts_col).dt.truncate("1d").alias("__date__"), segment.alias("__seg__")
        )
        .group_by("__date__", "__seg__")
        .agg(nw.len().alias("n"))
        .sort("__date__", "__seg__")
    )
    out = to_pandas(grouped).rename(columns={"__date__": "date", "__seg__": label})
    dates = pd.to_datetime(out["date"])
    if dates.dt.tz is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    out["date"] = dates.astype("datetime64[ns]")
    out[label] = out[label].astype("str")
    out["n"] = out["n"].astype("int64")
    return out.sort_values(["date", label], kind="stable").reset_index(drop=True)[["date", label, "n"]]


def text_examples(
    table: Frame,
    column: str = "text",
    n: int = 5,
    ts_col: str = "ts",
    extra: Sequence[str] = ("rating", "source", "lang", "channel"),
) -> pd.DataFrame:
    """List the newest non-empty texts of a table, to eyeball encoding and language.

    Parameters
    ----------
    table : native frame
        Required columns: ``column``, ``ts_col``. Optional: ``extra``.
    column : str, default "text"
    n : int, default 5
    ts_col : str, default "ts"
    extra : sequence of str
        Further columns to include when present.

    Returns
    -------
    pandas.DataFrame
        ``ts_col``, ``column`` and the present ``extra`` columns, newest first; a ``lang``
        column holds the language's name (``pl`` → ``Polish``), as the reports write it. The
        text is raw customer text: show it only through :func:`cxlib.privacy.safe_text`
        (:func:`cxlib.viz.format_table` does).
    """
    frame = _lazy(table)
    names = _columns(frame)
    cols = [ts_col, column, *[c for c in extra if c in names and c not in (ts_col, column)]]
    picked = (
        frame.filter(~nw.col(column).is_null() & (nw.col(column).str.len_chars() > 0))
        .select(cols)
        .sort(ts_col, column, descending=[True, False])
        .head(n)
    )
    out = to_pandas(picked)
    out[ts_col] = pd.to_datetime(out[ts_col], utc=True)
    if "lang" in out.columns:
        out["lang"] = out["lang"].map(language_name)
    return out.reset_index(drop=True)


def unreadable_texts(table: Frame, column: str = "text") -> int:
    """Texts holding the Unicode replacement character (a sign of a wrong file encoding).

    Parameters
    ----------
    table : native frame
        Required column: ``column``.
    column : str, default "text"

    Returns
    -------
    int
    """
    frame = _lazy(table)
    flagged = frame.filter(nw.col(column).str.contains("\ufffd", literal=True))
    return int(to_pandas(flagged.select(nw.len().alias("n")))["n"].iloc[0])


def findings_table(findings: Iterable[Any]) -> pd.DataFrame:
    """Tabulate validation findings (``cxlib.data.Finding``), largest first.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, column, rule, n_rows, message``.
    """
    rows = [
        {
            "table": f.table,
            "column": f.column or "",
            "rule": f.rule,
            "n_rows": int(f.n_rows or 0),
            "message": f.message,
        }
        for f in findings
    ]
    out = pd.DataFrame(rows, columns=["table", "column", "rule", "n_rows", "message"])
    out["n_rows"] = out["n_rows"].astype("int64")
    return out.sort_values(
        ["n_rows", "table", "column"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
