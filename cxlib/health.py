"""Data health: what is in each table, how complete it is, and how volume moves day by day.

Every aggregation is written once with Narwhals and runs where the table lives (pandas,
polars, DuckDB, Spark); only the small results come back as pandas frames. The
:func:`data_health` result object backs the ``00_data_health`` report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd
import plotly.graph_objects as go

from cxlib.data.contracts import CONTRACTS, TABLES
from cxlib.engine import to_narwhals, to_pandas

__all__ = [
    "DataHealth",
    "data_health",
    "daily_volume",
    "duplicate_ids",
    "duplicate_rows",
    "filter_period",
    "findings_table",
    "missing_values",
    "overview",
    "table_overview",
    "text_examples",
    "unreadable_texts",
]

#: Timestamp column of each table (the experiments table records exposure time).
TS_COLUMNS: dict[str, str] = {"experiments": "exposed_ts"}
#: Column identifying the customer (experiments randomise units).
CUSTOMER_COLUMNS: dict[str, str] = {"experiments": "unit_id"}
#: What one row of each table is, for sentences.
ROW_NOUNS: dict[str, str] = {
    "events": "events",
    "orders": "orders",
    "surveys": "survey answers",
    "feedback": "feedback texts",
    "experiments": "experiment units",
}


def _ts_col(name: str | None) -> str:
    return TS_COLUMNS.get(name or "", "ts")


def _customer_col(name: str | None) -> str:
    return CUSTOMER_COLUMNS.get(name or "", "customer_id")


def _lazy(table: Any) -> nw.LazyFrame[Any]:
    frame = to_narwhals(table)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def _columns(frame: nw.LazyFrame[Any]) -> list[str]:
    return list(frame.collect_schema().names())


def _utc_ts(frame: nw.LazyFrame[Any], column: str) -> nw.Expr:
    """The timestamp column in UTC (converted when it carries another zone).

    DuckDB keeps the zone in the connection: cxlib's connection uses UTC (see
    :func:`cxlib.engine.configure_duckdb`); relations from other zones are converted
    where the backend supports it.
    """
    dtype = frame.collect_schema()[column]
    zone = getattr(dtype, "time_zone", None)
    if isinstance(dtype, nw.Datetime) and zone and zone != "UTC":
        return nw.col(column).dt.convert_time_zone("UTC")
    return nw.col(column)


def _as_utc(value: Any, *, end: bool = False) -> dt.datetime | None:
    """A date/time bound as an aware UTC datetime; a date-only ``end`` includes that day."""
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


def filter_period(table: Any, start: Any = None, end: Any = None, ts_col: str = "ts") -> Any:
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
    exact_end = hi is not None and not (isinstance(end, str) and len(end.strip()) <= 10) and not (
        isinstance(end, dt.date) and not isinstance(end, dt.datetime)
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


def table_overview(table: Any, name: str | None = None) -> dict[str, Any]:
    """Rows, time range, distinct customers and duplicates of one table.

    Parameters
    ----------
    table : native frame
        Any supported frame. Optional columns: the timestamp (``ts``; ``exposed_ts`` for
        experiments), the customer (``customer_id``; ``unit_id`` for experiments) and the
        contract key of ``name`` (e.g. ``order_id``).
    name : str, optional
        Contract table name; decides the columns above. Default: generic (``ts``,
        ``customer_id``, duplicates over all columns).

    Returns
    -------
    dict
        ``table, rows, first_ts, last_ts, days, customers, duplicates, duplicate_key``.
        Missing pieces are ``None``; ``first_ts``/``last_ts`` are UTC ``pandas.Timestamp``.
    """
    frame = _lazy(table)
    names = _columns(frame)
    ts, customer = _ts_col(name), _customer_col(name)
    exprs = [nw.len().alias("rows")]
    if ts in names:
        exprs += [nw.col(ts).min().alias("first_ts"), nw.col(ts).max().alias("last_ts")]
    if customer in names:
        exprs += [
            nw.col(customer).n_unique().alias("n_unique"),
            nw.col(customer).null_count().alias("n_null"),
        ]
    result = to_pandas(frame.select(exprs)).iloc[0]
    rows = int(result["rows"])
    first = _utc(result.get("first_ts")) if ts in names else None
    last = _utc(result.get("last_ts")) if ts in names else None
    customers = None
    if customer in names:
        customers = int(result["n_unique"]) - (1 if int(result["n_null"]) > 0 else 0)
    key = tuple(CONTRACTS[name].key) if name in CONTRACTS and CONTRACTS[name].key else None
    key_cols = [c for c in (key or names) if c in names]
    return {
        "table": name,
        "rows": rows,
        "first_ts": first,
        "last_ts": last,
        "days": (last.normalize() - first.normalize()).days + 1 if first is not None and last is not None else None,
        "customers": customers,
        "duplicates": duplicate_rows(table, key_cols) if key_cols else 0,
        "duplicate_key": ", ".join(key) if key else "all columns",
    }


def _utc(value: Any) -> pd.Timestamp | None:
    if value is None or pd.isna(value):
        return None
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def overview(tables: Mapping[str, Any]) -> pd.DataFrame:
    """:func:`table_overview` for several tables, one row each, in contract order.

    Parameters
    ----------
    tables : mapping
        Table name → native frame (e.g. ``shop.tables()``).

    Returns
    -------
    pandas.DataFrame
        Columns ``table, rows, first_ts, last_ts, days, customers, duplicates, duplicate_key``.
    """
    order = [t for t in TABLES if t in tables] + sorted(t for t in tables if t not in TABLES)
    rows = [table_overview(tables[name], name) for name in order]
    columns = ["table", "rows", "first_ts", "last_ts", "days", "customers", "duplicates", "duplicate_key"]
    out = pd.DataFrame(rows, columns=columns)
    for col in ("first_ts", "last_ts"):
        out[col] = pd.to_datetime(out[col], utc=True)
    for col in ("rows", "days", "customers", "duplicates"):
        out[col] = out[col].astype("Int64")
    return out


def duplicate_rows(table: Any, subset: Sequence[str] | None = None) -> int:
    """Number of rows beyond the first with the same values in ``subset``.

    Parameters
    ----------
    table : native frame
        Required columns: ``subset`` (default: all columns).
    subset : sequence of str, optional

    Returns
    -------
    int
        ``rows - distinct(subset)``; 0 when every row is unique.
    """
    frame = _lazy(table)
    cols = list(subset) if subset else _columns(frame)
    total = to_pandas(frame.select(nw.len().alias("n")))["n"].iloc[0]
    distinct = to_pandas(frame.select(cols).unique().select(nw.len().alias("n")))["n"].iloc[0]
    return int(total) - int(distinct)


def duplicate_ids(table: Any, id_col: str) -> int:
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


def missing_values(table: Any) -> pd.DataFrame:
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
    for name, dtype in schema.items():
        column = nw.col(name).fill_nan(None) if dtype.is_float() else nw.col(name)
        exprs.append(column.is_null().sum().alias(name))
    counts = to_pandas(frame.select(exprs)).iloc[0]
    rows = int(counts["__rows__"])
    names = list(schema.names())
    n_missing = pd.array([int(counts[c]) for c in names], dtype="int64")
    out = pd.DataFrame({"column": pd.array(names, dtype="str"), "n_missing": n_missing})
    out["share"] = (out["n_missing"] / rows).astype("float64") if rows else 0.0
    return out


def daily_volume(table: Any, by: str | None = "channel", ts_col: str = "ts") -> pd.DataFrame:
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
        frame.with_columns(_utc_ts(frame, ts_col).dt.truncate("1d").alias("__date__"), segment.alias("__seg__"))
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
    table: Any,
    column: str = "text",
    n: int = 5,
    ts_col: str = "ts",
    extra: Sequence[str] = ("rating", "source", "lang", "channel"),
) -> pd.DataFrame:
    """The newest non-empty texts of a table, to eyeball encoding and language.

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
        ``ts_col``, ``column`` and the present ``extra`` columns, newest first. The text is
        raw customer text: show it only through :func:`cxlib.privacy.safe_text`
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
    return out.reset_index(drop=True)


def unreadable_texts(table: Any, column: str = "text") -> int:
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
    flagged = frame.with_columns(nw.col(column).str.contains("\ufffd", literal=True).alias("__bad__"))
    result = to_pandas(flagged.select(nw.col("__bad__").sum().alias("n")))["n"].iloc[0]
    return 0 if pd.isna(result) else int(result)


def findings_table(findings: Iterable[Any]) -> pd.DataFrame:
    """Validation findings (``cxlib.data.Finding``) as a table, largest first.

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
    return out.sort_values(["n_rows", "table", "column"], ascending=[False, True, True], kind="stable").reset_index(
        drop=True
    )


@dataclass(frozen=True)
class DataHealth:
    """Health of a shop's tables over a period.

    Attributes
    ----------
    table : pandas.DataFrame
        :func:`overview` (one row per table).
    missing : pandas.DataFrame
        ``table, column, n_missing, share`` for every column of every table.
    daily : pandas.DataFrame
        ``table, date, channel, n``: daily rows by channel for tables with a timestamp.
    findings : pandas.DataFrame
        :func:`findings_table` of the validation findings.
    start, end : str or None
        The period asked for.
    """

    table: pd.DataFrame
    missing: pd.DataFrame
    daily: pd.DataFrame
    findings: pd.DataFrame
    start: str | None = None
    end: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def tables(self) -> list[str]:
        return list(self.table["table"])

    @property
    def first_ts(self) -> pd.Timestamp | None:
        """Earliest timestamp over all tables (UTC), ``None`` without timestamps."""
        value = self.table["first_ts"].min() if len(self.table) else None
        return None if value is None or pd.isna(value) else value

    @property
    def last_ts(self) -> pd.Timestamp | None:
        """Latest timestamp over all tables (UTC), ``None`` without timestamps."""
        value = self.table["last_ts"].max() if len(self.table) else None
        return None if value is None or pd.isna(value) else value

    def gaps(self, table: str) -> int:
        """Days between the table's first and last day with no rows at all."""
        daily = self.daily[self.daily["table"] == table]
        if daily.empty:
            return 0
        days = daily["date"].drop_duplicates()
        span = (days.max() - days.min()).days + 1
        return int(span - len(days))

    def figure(self, table: str = "events") -> go.Figure:
        """Daily rows of ``table`` by channel (stacked bars)."""
        from cxlib import viz

        daily = self.daily[self.daily["table"] == table]
        noun = ROW_NOUNS.get(table, "rows")
        fig = viz.bar(
            daily,
            x="date",
            y="n",
            color="channel",
            barmode="stack",
            title=f"Daily {noun} by channel",
            labels={"date": "Day (UTC)", "n": noun.capitalize()},
        )
        fig.update_layout(bargap=0.05, hovermode="x unified")
        return fig

    def tables_figure(self, tables: Sequence[str] | None = None) -> go.Figure:
        """Daily rows of several tables (all channels together), one line per table."""
        from cxlib import viz

        chosen = list(tables) if tables is not None else sorted(set(self.daily["table"]))
        data = self.daily[self.daily["table"].isin(chosen)]
        per_table = data.groupby(["table", "date"], as_index=False, sort=True)["n"].sum()
        return viz.line(
            per_table,
            x="date",
            y="n",
            color="table",
            title="Daily rows per table",
            labels={"date": "Day (UTC)", "n": "Rows"},
        )

    def missing_figure(self, min_share: float = 0.0) -> go.Figure:
        """Share of missing values per column (columns with any missing value)."""
        from cxlib import viz

        data = self.missing[self.missing["share"] > min_share].copy()
        data["label"] = data["table"] + "." + data["column"]
        data = data.sort_values("share", ascending=False, kind="stable")
        return viz.bar(
            data,
            x="label",
            y="share",
            horizontal=True,
            percent=True,
            title="Missing values by column",
            labels={"label": "", "share": "Missing"},
            height=max(260, 60 + 24 * len(data)),
        )

    def summary(self) -> list[str]:
        """Key findings in plain words, computed from the results."""
        out: list[str] = []
        if self.table.empty:
            return ["No tables were found in the data source."]
        parts = []
        for row in self.table.itertuples(index=False):
            span = ""
            if row.first_ts is not None and not pd.isna(row.first_ts):
                span = f" ({row.first_ts:%Y-%m-%d} to {row.last_ts:%Y-%m-%d})"
            parts.append(f"{row.table} {int(row.rows):,} rows{span}")
        out.append(f"{len(self.table)} tables: " + "; ".join(parts) + ".")
        if "orders" in self.tables:
            orders = self.table[self.table["table"] == "orders"].iloc[0]
            if not pd.isna(orders["customers"]) and int(orders["customers"]):
                per = int(orders["rows"]) / int(orders["customers"])
                out.append(f"{int(orders['customers']):,} customers placed orders, {per:.2f} orders per customer on average.")
        n_find = len(self.findings)
        if n_find == 0:
            out.append("Validation found no broken rules.")
        else:
            top = self.findings.iloc[0]
            where = f"{top['table']}.{top['column']}" if top["column"] else str(top["table"])
            affected = int(self.findings["n_rows"].sum())
            out.append(
                f"Validation found {_plural(n_find, 'problem')} affecting {_plural(affected, 'row')}; "
                f"the largest: {where} ({top['rule']}, {_plural(int(top['n_rows']), 'row')})."
            )
        dups = self.table[self.table["duplicates"].fillna(0) > 0]
        if dups.empty:
            out.append("No duplicate ids.")
        else:
            out.append(
                "Duplicates: "
                + "; ".join(f"{r.table} {int(r.duplicates):,} (by {r.duplicate_key})" for r in dups.itertuples())
                + "."
            )
        worst = self.missing[self.missing["share"] > 0].sort_values("share", ascending=False, kind="stable")
        if worst.empty:
            out.append("No missing values in any column.")
        else:
            top3 = worst.head(3)
            out.append(
                "Most incomplete columns: "
                + ", ".join(f"{r.table}.{r.column} {r.share:.1%}" for r in top3.itertuples())
                + "."
            )
        main = next((t for t in ("events", "orders") if t in set(self.daily["table"])), None)
        if main is not None:
            daily = self.daily[self.daily["table"] == main]
            by_channel = daily.groupby("channel", sort=False)["n"].sum().sort_values(ascending=False, kind="stable")
            totals = daily.groupby("date")["n"].sum()
            share = by_channel.iloc[0] / by_channel.sum()
            out.append(
                f"{ROW_NOUNS.get(main, main).capitalize()} come mostly from {by_channel.index[0]} ({share:.0%}); "
                f"the busiest day was {totals.idxmax():%Y-%m-%d} with {int(totals.max()):,}, "
                f"a typical day has {int(totals.median()):,}."
            )
            gaps = self.gaps(main)
            if gaps:
                out.append(
                    f"{_plural(gaps, 'day')} without any {ROW_NOUNS.get(main, main)} inside the period: "
                    "check the data loads."
                )
        return out + list(self.notes)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def data_health(
    shop: Any,
    *,
    start: Any = None,
    end: Any = None,
    findings: Iterable[Any] | None = None,
    by: str = "channel",
) -> DataHealth:
    """Health of every table of a shop over a period.

    Parameters
    ----------
    shop : cxlib.data.Shop or mapping
        A shop (``cxlib.open_shop``) or a mapping table name → native frame.
    start, end : str, date or datetime, optional
        Period to keep (see :func:`filter_period`); the experiments table is filtered on
        ``exposed_ts`` when it has one.
    findings : iterable of cxlib.data.Finding, optional
        Validation findings (``cxlib.check_shop``); default ``shop.findings`` if present.
    by : str, default "channel"
        Segment column for the daily volume.

    Returns
    -------
    DataHealth
    """
    tables = dict(shop.tables()) if hasattr(shop, "tables") else dict(shop)
    if findings is None:
        findings = getattr(shop, "findings", ()) or ()
    kept = {name: filter_period(frame, start, end, ts_col=_ts_col(name)) for name, frame in tables.items()}
    over = overview(kept)
    missing_parts = [missing_values(frame).assign(table=name) for name, frame in kept.items()]
    missing = (
        pd.concat(missing_parts, ignore_index=True)[["table", "column", "n_missing", "share"]]
        if missing_parts
        else pd.DataFrame({"table": [], "column": [], "n_missing": [], "share": []})
    )
    daily_parts = []
    for name, frame in kept.items():
        ts = _ts_col(name)
        if ts in to_narwhals(frame).collect_schema().names():
            part = daily_volume(frame, by=by, ts_col=ts).rename(columns={by: "channel"})
            daily_parts.append(part.assign(table=name))
    daily = (
        pd.concat(daily_parts, ignore_index=True)[["table", "date", "channel", "n"]]
        if daily_parts
        else pd.DataFrame({"table": [], "date": pd.to_datetime([]), "channel": [], "n": []})
    )
    text = lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else str(v)  # noqa: E731
    return DataHealth(
        table=over,
        missing=missing,
        daily=daily,
        findings=findings_table(findings),
        start=text(start),
        end=text(end),
    )
