"""The data-health result object behind the ``00_data_health`` report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd
import plotly.graph_objects as go

from cxlib._types import Frame
from cxlib.data import Shop
from cxlib.data.contracts import TABLES
from cxlib.engine import to_narwhals
from cxlib.health.tables import (
    INTERMITTENT,
    OVERVIEW_COLUMNS,
    ROW_NOUNS,
    _overview_frame,
    _profile,
    _ts_col,
    daily_volume,
    filter_period,
    findings_table,
    missing_by_design,
)
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import plural

__all__ = ["DataHealth", "LastDay", "data_health"]

#: The last day is called partial below this share of a typical day, a spike above this multiple.
PARTIAL_SHARE, SPIKE_RATIO = 0.5, 2.0
#: Days before the last one that make a typical day (their median), and the fewest needed.
TYPICAL_DAYS, MIN_TYPICAL_DAYS = 28, 7


@dataclass(frozen=True)
class LastDay:
    """The last day of a table against a typical day (see :meth:`DataHealth.last_day`).

    Attributes
    ----------
    table : str
    date : pandas.Timestamp
        The last day with rows (UTC).
    n : int
        Its rows.
    typical : float
        Median rows per day over up to 28 days before it (days without rows count 0).
    ratio : float
        ``n / typical``.
    verdict : {"partial", "spike", "normal"}
        ``partial`` below half a typical day (an export cut off during the day), ``spike``
        above twice a typical day.
    last_ts : pandas.Timestamp or None
        The table's latest timestamp (for partial days: where the data stop).
    """

    table: str
    date: pd.Timestamp
    n: int
    typical: float
    ratio: float
    verdict: str
    last_ts: pd.Timestamp | None = None

    def sentence(self) -> str:
        """Say what the last day looks like, in one sentence."""
        noun = ROW_NOUNS.get(self.table, "rows")
        head = (
            f"The last day of {self.table}, {self.date:%Y-%m-%d}, has {self.n:,} {noun} against "
            f"{self.typical:,.0f} on a typical day of the weeks before"
        )
        if self.verdict == "partial":
            stop = f" (the data stop at {self.last_ts:%H:%M} UTC)" if self.last_ts is not None else ""
            return (
                f"{head}{stop}: probably a partial day, still being loaded; leave it out of trends "
                "(set end to the day before)."
            )
        if self.verdict == "spike":
            return f"{head}, {self.ratio:.1f} times as many: check for a double load or a campaign."
        return f"{head}, between half and twice as many: no sign of a partial or double load."


@dataclass(frozen=True)
class DataHealth(ResultBase):
    """Health of a shop's tables over a period.

    Attributes
    ----------
    table : pandas.DataFrame
        :func:`overview` (one row per table): ``table, rows, first_ts, last_ts, days,
        customers, units, duplicates, duplicate_key``; experiments count units, not customers.
    missing : pandas.DataFrame
        ``table, column, n_missing, share, rows, by_design, applies_to`` for every column of
        every table. ``share`` is of the ``rows`` that must have the column: the events'
        ``order_id`` and ``revenue`` belong to purchase events only, and their absence on
        other events is counted in ``by_design``, not as missing.
    daily : pandas.DataFrame
        ``table, date, segment, n``: daily rows by segment (``by``, e.g. channel; the
        experiments table by experiment) for tables with a timestamp.
    findings : pandas.DataFrame
        :func:`findings_table` of the validation findings.
    start, end : str or None
        The period asked for.
    notes : tuple of str
        Further sentences for :meth:`summary`.
    by : str or None
        The segment column of :attr:`daily` (experiments: by experiment).
    rows_left_out : int or None
        Rows left out of the shop's tables, each row once even when it broke several rules
        (``Shop.coverage``); ``None`` when only findings were given (see :attr:`rows_affected`).
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=OVERVIEW_COLUMNS,
        labels={
            "table": "Table",
            "rows": "Rows",
            "first_ts": "First record",
            "last_ts": "Last record",
            "days": "Days",
            "customers": "Customers",
            "units": "Experiment units",
            "duplicates": "Duplicates",
            "duplicate_key": "Duplicates by",
        },
    )

    table: pd.DataFrame
    missing: pd.DataFrame
    daily: pd.DataFrame
    findings: pd.DataFrame
    start: str | None = None
    end: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    by: str | None = "channel"
    rows_left_out: int | None = None

    @property
    def rows_affected(self) -> int:
        """Rows that broke a rule, each once: :attr:`rows_left_out`, else the findings' rows summed."""
        if self.rows_left_out is not None:
            return self.rows_left_out
        return int(self.findings["n_rows"].sum()) if len(self.findings) else 0

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

    def _days(self, table: str) -> pd.Series:
        """Rows per day of ``table`` (all segments), every day of its runs, days without rows 0.

        A table that runs intermittently by design (:data:`INTERMITTENT`: the experiments)
        has no row between its runs: those days are missing (not drawn, not gaps), not 0.
        """
        daily = self.daily[self.daily["table"] == table]
        if daily.empty:
            return pd.Series(dtype="float64", index=pd.DatetimeIndex([], name="date"), name="n")
        totals = daily.groupby("date")["n"].sum()
        days = pd.date_range(totals.index.min(), totals.index.max(), freq="D", name="date")
        counts = totals.reindex(days).astype("float64")
        running = self._running(table, days)
        return counts.where(counts.notna() | ~running, 0.0).rename("n")

    def _running(self, table: str, days: pd.DatetimeIndex) -> pd.Series:
        """Whether ``table`` is expected to have rows on each day (always, or inside a run)."""
        if table not in INTERMITTENT:
            return pd.Series(True, index=days)
        daily = self.daily[self.daily["table"] == table]
        spans = daily.groupby("segment")["date"].agg(["min", "max"])
        inside = pd.Series(False, index=days)
        for first, last in spans.itertuples(index=False):  # one span per run (experiment)
            inside |= (days >= first) & (days <= last)
        return inside

    def gaps(self, table: str) -> int:
        """Days without any row between the table's first and last day.

        For a table that runs intermittently (the experiments), only days inside a run
        (between an experiment's first and last exposure) count.
        """
        return int((self._days(table) == 0).sum())

    def last_day(self, table: str) -> LastDay | None:
        """Compare the table's last day with a typical day (a partial day, or a spike).

        A typical day is the median of the up to 28 days before the last one (days
        without rows count 0). ``None`` when fewer than 7 days come before it, or for a
        table that runs intermittently.
        """
        if table in INTERMITTENT:
            return None
        days = self._days(table)
        before = days.iloc[:-1].tail(TYPICAL_DAYS)
        if len(before) < MIN_TYPICAL_DAYS or float(before.median()) <= 0:
            return None
        typical = float(before.median())
        n = int(days.iloc[-1])
        ratio = n / typical
        verdict = "partial" if ratio < PARTIAL_SHARE else "spike" if ratio > SPIKE_RATIO else "normal"
        rows = self.table[self.table["table"] == table]
        last = rows["last_ts"].iloc[0] if len(rows) else None
        return LastDay(
            table=table,
            date=pd.Timestamp(days.index[-1]),
            n=n,
            typical=typical,
            ratio=ratio,
            verdict=verdict,
            last_ts=None if last is None or pd.isna(last) else last,
        )

    def figure(self, table: str = "events", min_n: int = 10) -> go.Figure:
        """Daily rows of ``table`` by segment (stacked areas; days without rows count 0).

        A day and segment with between 1 and ``min_n - 1`` rows is left out of the chart
        (a gap), as small counts are in every report: an exact small count can point at a
        person. A table that runs intermittently (the experiments, by experiment) is not
        drawn between its runs.
        """
        from cxlib import viz

        daily = self.daily[self.daily["table"] == table]
        if not daily.empty:
            days = pd.date_range(daily["date"].min(), daily["date"].max(), freq="D", name="date")
            grid = pd.MultiIndex.from_product(
                [days, sorted(daily["segment"].unique())], names=["date", "segment"]
            )
            counts = daily.set_index(["date", "segment"])["n"].reindex(grid).astype("float64")
            when = grid.get_level_values("date")
            if table in INTERMITTENT:  # each run (experiment) is drawn over its own days only
                spans = daily.groupby("segment")["date"].agg(["min", "max"])
                which = grid.get_level_values("segment")
                running = (when >= spans["min"].reindex(which).to_numpy()) & (
                    when <= spans["max"].reindex(which).to_numpy()
                )
            else:
                running = pd.Series(True, index=when).to_numpy()
            daily = counts.where(counts.notna() | ~running, 0.0).reset_index()
            daily = _suppress_counts(daily, min_n)
        noun = ROW_NOUNS.get(table, "rows")
        segment = INTERMITTENT.get(table, self.by or "")
        if set(daily["segment"]) <= {"all"}:  # no segment column in the data: one series
            segment = ""
        return viz.area(
            daily,
            x="date",
            y="n",
            color="segment",
            title=f"Daily {noun} by {segment}" if segment else f"Daily {noun}",
            labels={
                "date": "Day (UTC)",
                "n": noun.capitalize(),
                "segment": segment.capitalize() or "Segment",
            },
        )

    def tables_figure(self, tables: Sequence[str] | None = None, min_n: int = 10) -> go.Figure:
        """Daily rows of several tables (all segments together), one small chart per table.

        Days with between 1 and ``min_n - 1`` rows are left out (see :meth:`figure`); a
        table that runs intermittently is not drawn between its runs.
        """
        from cxlib import viz

        chosen = list(tables) if tables is not None else sorted(set(self.daily["table"]))
        parts = [
            self._days(name).reset_index().assign(table=name)
            for name in sorted(set(chosen) & set(self.daily["table"]))
        ]
        per_table = (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame({"date": pd.to_datetime([]), "n": [], "table": []})
        )
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
            period = " in the period" if self.start or self.end else ""
            parts.append(
                f"{row.table} {int(row.rows):,} rows{span}" if row.rows else f"{row.table} no rows{period}"
            )
        out.append(f"{len(self.table)} tables: " + "; ".join(parts) + ".")
        if "orders" in self.tables:
            orders = self.table[self.table["table"] == "orders"].iloc[0]
            if not pd.isna(orders["customers"]) and int(orders["customers"]):
                per = int(orders["rows"]) / int(orders["customers"])
                out.append(
                    f"{int(orders['customers']):,} customers placed orders, "
                    f"{per:.2f} orders per customer on average."
                )
        out += self._units_sentence()
        n_find = len(self.findings)
        if n_find == 0:
            out.append("Validation found no broken rules.")
        else:
            top = self.findings.iloc[0]
            where = f"{top['table']}.{top['column']}" if top["column"] else str(top["table"])
            affected = self.rows_affected
            out.append(
                f"Validation found {plural(n_find, 'problem')} affecting {plural(affected, 'row')}; "
                f"the largest: {where} ({top['rule']}, {plural(int(top['n_rows']), 'row')})."
            )
        dups = self.table[self.table["duplicates"].fillna(0) > 0]
        if dups.empty:
            out.append("No duplicate ids.")
        else:
            out.append("Duplicates: " + "; ".join(_duplicates_phrase(r) for r in dups.itertuples()) + ".")
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
        out += self._by_design_sentences()
        out += self._volume_sentences()
        return out + list(self.notes)

    def _units_sentence(self) -> list[str]:
        """Experiment units (visitors, sessions, ...) are counted as units, never as customers."""
        rows = self.table[(self.table["table"] == "experiments") & self.table["units"].notna()]
        if rows.empty:
            return []
        daily = self.daily[self.daily["table"] == "experiments"]
        runs = daily["segment"].nunique() if "experiments" in INTERMITTENT and not daily.empty else 0
        units = int(rows["units"].iloc[0])
        if not units:
            return [f"No experiment exposed any unit{' in the period' if self.start or self.end else ''}."]
        across = f" across {plural(runs, 'experiment')}" if runs else ""
        return [f"The experiments randomised {plural(units, 'unit')}{across}."]

    def _by_design_sentences(self) -> list[str]:
        """Columns filled on some kinds of rows only: say that their absence elsewhere is expected."""
        partly = self.missing[self.missing["by_design"] > 0]
        out = []
        for (table, applies), group in partly.groupby(["table", "applies_to"], sort=False):
            names = " and ".join(f"{table}.{c}" for c in group["column"])
            other = int(group["by_design"].max())
            verb = "belongs" if len(group) == 1 else "belong"
            out.append(
                f"{names} {verb} to {applies} only: their absence on the other "
                f"{other:,} {ROW_NOUNS.get(str(table), 'rows')} is by design, not missing data."
            )
        return out

    def _volume_sentences(self) -> list[str]:
        """Where the main table's rows come from, its busiest and median day, gaps and the last day.

        The median day is over the whole period; the last-day check compares with "a typical
        day of the weeks before" (:meth:`last_day`): two numbers, so two names.
        """
        out = []
        present = set(self.daily["table"])
        main = next((t for t in ("events", "orders") if t in present), None)
        if main is not None:
            daily = self.daily[self.daily["table"] == main]
            by_segment = (
                daily.groupby("segment", sort=False)["n"].sum().sort_values(ascending=False, kind="stable")
            )
            totals = self._days(main)
            noun = ROW_NOUNS.get(main, main)
            source = ""
            if len(by_segment) > 1 or by_segment.index[0] != "all":
                share = by_segment.iloc[0] / by_segment.sum()
                source = f" come mostly from {by_segment.index[0]} ({share:.0%});"
            out.append(
                f"{noun.capitalize()}{source or ':'} the busiest day was {totals.idxmax():%Y-%m-%d} with "
                f"{int(totals.max()):,}, the median day of the period {int(totals.median()):,}."
            )
        for table in [t for t in (*TABLES, *sorted(present - set(TABLES))) if t in present]:
            gaps = self.gaps(table)
            if gaps and (table == main or table in INTERMITTENT):
                inside = " while an experiment ran" if table in INTERMITTENT else " inside the period"
                out.append(
                    f"{plural(gaps, 'day')} without any {ROW_NOUNS.get(table, table)}{inside}: "
                    "check the data loads."
                )
            last = self.last_day(table)
            if last is not None and last.verdict != "normal":
                out.append(last.sentence())
        return out


def _duplicates_phrase(row: Any) -> str:
    """``events: 4 rows repeat the customer_id, ts and event of another row``."""
    n = int(row.duplicates)
    keys = [k.strip() for k in str(row.duplicate_key).split(",") if k.strip()]
    key = ", ".join(keys[:-1]) + f" and {keys[-1]}" if len(keys) > 1 else "".join(keys)
    return f"{row.table}: {plural(n, 'row')} repeat{'s' if n == 1 else ''} the {key} of another row"


def _suppress_counts(frame: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Make counts ``n`` between 1 and ``min_n - 1`` missing (zero days stay 0)."""
    out = frame.copy()
    n = out["n"].astype("float64")
    out["n"] = n.where((n == 0) | (n >= min_n))
    return out


def _bound_text(value: Any) -> str | None:
    """Return a period bound as text, ``None`` when it is missing or blank."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else str(value)


def data_health(
    shop: Shop | Mapping[str, Frame],
    *,
    start: Any = None,
    end: Any = None,
    findings: Iterable[Any] | None = None,
    by: str | None = "channel",
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
    by : str or None, default "channel"
        Segment column for the daily volume (absent or ``None``: one segment, ``all``). The
        experiments table is split by experiment: it runs intermittently (one experiment
        after another), and days between experiments are not gaps.

    Returns
    -------
    DataHealth
    """
    tables = dict(shop.tables()) if isinstance(shop, Shop) else dict(shop)
    left_out = None
    if findings is None and isinstance(shop, Shop):
        findings = shop.findings
        left_out = sum(c.rows_left_out for c in shop.coverage)  # each row under one reason
    elif findings is None:
        findings = ()
    kept = {name: filter_period(frame, start, end, ts_col=_ts_col(name)) for name, frame in tables.items()}
    order = [t for t in TABLES if t in kept] + sorted(t for t in kept if t not in TABLES)
    profiles = {name: _profile(kept[name], name) for name in order}
    over = _overview_frame([profiles[name][0] for name in order])
    missing_parts = [
        _missing(profiles[name][1], kept[name], name, int(profiles[name][0]["rows"])).assign(table=name)
        for name in order
    ]
    missing = (
        pd.concat(missing_parts, ignore_index=True)[list(_MISSING_COLUMNS)]
        if missing_parts
        else pd.DataFrame({c: [] for c in _MISSING_COLUMNS})
    )
    daily_parts = []
    for name, frame in kept.items():
        ts = _ts_col(name)
        if ts in to_narwhals(frame).collect_schema().names():
            segment = INTERMITTENT.get(name, by)
            part = daily_volume(frame, by=segment, ts_col=ts).rename(
                columns={segment or "segment": "segment"}
            )
            daily_parts.append(part.assign(table=name))
    daily = (
        pd.concat(daily_parts, ignore_index=True)[["table", "date", "segment", "n"]]
        if daily_parts
        else pd.DataFrame({"table": [], "date": pd.to_datetime([]), "segment": [], "n": []})
    )
    return DataHealth(
        table=over,
        missing=missing,
        daily=daily,
        findings=findings_table(findings),
        start=_bound_text(start),
        end=_bound_text(end),
        by=by,
        rows_left_out=left_out,
    )


_MISSING_COLUMNS = ("table", "column", "n_missing", "share", "rows", "by_design", "applies_to")


def _missing(missing: pd.DataFrame, table: Frame, name: str, rows: int) -> pd.DataFrame:
    """Add the rows each column applies to.

    A column filled on some kinds of rows only (:func:`missing_by_design`) counts as missing
    only on the rows that must have it.
    """
    out = missing.assign(rows=rows, by_design=0, applies_to="all rows")
    partly = missing_by_design(table, name).set_index("column") if rows else None
    if partly is not None and not partly.empty:
        hit = out["column"].isin(partly.index)
        cols = out.loc[hit, "column"]
        for key in ("rows", "n_missing", "by_design", "applies_to"):
            out.loc[hit, key] = partly.loc[cols, key].to_numpy()
        applicable = out["rows"].astype("float64")
        out["share"] = (out["n_missing"] / applicable.where(applicable > 0)).fillna(0.0).astype("float64")
    return out.astype({"n_missing": "int64", "rows": "int64", "by_design": "int64", "applies_to": "str"})
