"""The data-health result object behind the ``00_data_health`` report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from cxlib.data.contracts import TABLES
from cxlib.engine import to_narwhals
from cxlib.health.tables import (
    ROW_NOUNS,
    _overview_frame,
    _profile,
    _ts_col,
    daily_volume,
    filter_period,
    findings_table,
)

__all__ = ["DataHealth", "data_health"]


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
        """Names of the tables described, in the order of :attr:`table`."""
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

    def figure(self, table: str = "events", min_n: int = 10) -> go.Figure:
        """Daily rows of ``table`` by channel (stacked areas; days without rows count 0).

        A day and channel with between 1 and ``min_n - 1`` rows is left out of the chart
        (a gap), as small counts are in every report: an exact small count can point at a
        person.
        """
        from cxlib import viz

        daily = self.daily[self.daily["table"] == table]
        if not daily.empty:
            days = pd.date_range(daily["date"].min(), daily["date"].max(), freq="D")
            grid = pd.MultiIndex.from_product(
                [days, sorted(daily["channel"].unique())], names=["date", "channel"]
            )
            daily = daily.set_index(["date", "channel"])["n"].reindex(grid, fill_value=0).reset_index()
            daily = _suppress_counts(daily, min_n)
        noun = ROW_NOUNS.get(table, "rows")
        return viz.area(
            daily,
            x="date",
            y="n",
            color="channel",
            title=f"Daily {noun} by channel",
            labels={"date": "Day (UTC)", "n": noun.capitalize()},
        )

    def tables_figure(self, tables: Sequence[str] | None = None, min_n: int = 10) -> go.Figure:
        """Daily rows of several tables (all channels together), one small chart per table.

        Days with between 1 and ``min_n - 1`` rows are left out (see :meth:`figure`).
        """
        from cxlib import viz

        chosen = list(tables) if tables is not None else sorted(set(self.daily["table"]))
        data = self.daily[self.daily["table"].isin(chosen)]
        per_table = data.groupby(["table", "date"], as_index=False, sort=True)["n"].sum()
        filled = []
        for name, part in per_table.groupby("table", sort=True):  # one small frame per table
            days = pd.date_range(part["date"].min(), part["date"].max(), freq="D", name="date")
            counts = part.set_index("date")["n"].reindex(days, fill_value=0)
            filled.append(counts.reset_index().assign(table=name))
        per_table = pd.concat(filled, ignore_index=True) if filled else per_table
        per_table = _suppress_counts(per_table, min_n)
        return viz.small_multiples(
            per_table,
            x="date",
            y="n",
            facet="table",
            title="Daily rows per table",
            labels={"date": "Day (UTC)"},
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
                out.append(
                    f"{int(orders['customers']):,} customers placed orders, "
                    f"{per:.2f} orders per customer on average."
                )
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
                + "; ".join(
                    f"{r.table} {int(r.duplicates):,} (by {r.duplicate_key})" for r in dups.itertuples()
                )
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
            by_channel = (
                daily.groupby("channel", sort=False)["n"].sum().sort_values(ascending=False, kind="stable")
            )
            totals = daily.groupby("date")["n"].sum()
            share = by_channel.iloc[0] / by_channel.sum()
            out.append(
                f"{ROW_NOUNS.get(main, main).capitalize()} come mostly from "
                f"{by_channel.index[0]} ({share:.0%}); "
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


def _suppress_counts(frame: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Make counts ``n`` between 1 and ``min_n - 1`` missing (zero days stay 0)."""
    out = frame.copy()
    n = out["n"].astype("float64")
    out["n"] = n.where((n == 0) | (n >= min_n))
    return out


def _bound_text(value: Any) -> str | None:
    """Return a period bound as text, ``None`` when it is missing or blank."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else str(value)


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
    order = [t for t in TABLES if t in kept] + sorted(t for t in kept if t not in TABLES)
    profiles = {name: _profile(kept[name], name) for name in order}
    over = _overview_frame([profiles[name][0] for name in order])
    missing_parts = [profiles[name][1].assign(table=name) for name in order]
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
    return DataHealth(
        table=over,
        missing=missing,
        daily=daily,
        findings=findings_table(findings),
        start=_bound_text(start),
        end=_bound_text(end),
    )
