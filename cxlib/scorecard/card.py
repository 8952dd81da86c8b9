"""The CX scorecard: every metric by segment and period in one tidy table, with uncertainty.

:func:`scorecard` gathers survey metrics (:mod:`~cxlib.scorecard.survey`), order and
customer metrics (:mod:`~cxlib.scorecard.commerce`) and cart abandonment
(:mod:`~cxlib.scorecard.carts`) into a :class:`Scorecard`: the table, what changed from the
previous period (:mod:`~cxlib.scorecard.changes`), trend charts and key sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib._types import Frame
from cxlib.errors import DataError
from cxlib.result import Display, ResultBase
from cxlib.scorecard.carts import cart_cells, cart_unit
from cxlib.scorecard.cells import (
    ALL,
    RATIO_COLUMNS,
    Period,
    check_period,
    period_bounds,
    sort_cells,
    time_span,
)
from cxlib.scorecard.changes import period_changes
from cxlib.scorecard.charts import (
    TOO_FEW,
    format_amount,
    format_ci,
    format_value,
    segment_colours,
    segment_names,
    trend_figure,
)
from cxlib.scorecard.commerce import commerce_cells
from cxlib.scorecard.metrics import METRIC_NAMES, Metric, metric_catalogue
from cxlib.scorecard.segments import SEGMENT_UNAVAILABLE, as_columns
from cxlib.scorecard.stats import cell_estimates
from cxlib.scorecard.survey import survey_cells
from cxlib.viz import HTMLBlock
from cxlib.viz.formats import format_p

if TYPE_CHECKING:
    from cxlib.data.shop import Shop

__all__ = ["TABLE_COLUMNS", "Scorecard", "scorecard"]

#: Columns of :attr:`Scorecard.table` after ``metric``, ``label``, ``period``, ``period_start``,
#: ``period_end`` and the segment columns.
TABLE_COLUMNS: tuple[str, ...] = (
    "n",
    "value",
    "ci_low",
    "ci_high",
    "se",
    "suppressed",
    "unit",
    "kind",
    "higher_is_better",
    "promoter_share",
    "detractor_share",
)


def _option_checks(min_n: Any, alpha: Any) -> None:
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise DataError(f"min_n must be a whole number of at least 1, not {min_n!r}", rule="bad_option")
    if not 0.0 < float(alpha) < 1.0:
        raise DataError(f"alpha must lie strictly between 0 and 1, not {alpha!r}", rule="bad_option")


@dataclass(frozen=True)
class Scorecard(ResultBase):
    """CX metrics by segment and period (the result of :func:`scorecard`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per metric × period × segment: ``metric`` (str, see
        :data:`~cxlib.scorecard.metrics.METRIC_NAMES`), ``label`` (str, with scale and
        direction), ``period`` (str label: ``2024-11``, ``2024-Q4``, ``2024-11-04`` for the
        week from that Monday, or ``all``), ``period_start`` and ``period_end``
        (datetime64[ns], UTC days; the end is the first day after the period), the segment
        columns (str; ``All`` = every segment together, ``unknown`` = missing),
        ``n`` (Int64: answers, orders, customers or carts; missing when suppressed),
        ``value``, ``ci_low``, ``ci_high``, ``se`` (float64; NPS in points, shares in
        [0, 1], money in the shop currency; NaN when suppressed), ``suppressed`` (bool:
        fewer than ``min_n`` units), ``unit`` (str: what ``n`` counts), ``kind`` (str:
        ``nps``, ``proportion``, ``mean`` or ``ratio``: see :mod:`cxlib.scorecard.stats`),
        ``higher_is_better`` (bool), ``promoter_share`` and ``detractor_share`` (float64,
        shares of answers 9–10 and 0–6 on NPS rows; NaN on other metrics and when
        suppressed; passives are the rest).
    by : tuple of str
        Segment columns.
    period : {"week", "month", "quarter"} or None
    metrics : mapping of str to Metric
        Definitions of the metrics in the table (labels, directions, units).
    min_n : int
    alpha : float
    notes : tuple of str
        What was left out and why (missing tables or columns, partial periods).
    """

    table: pd.DataFrame
    by: tuple[str, ...]
    period: Period
    metrics: Mapping[str, Metric]
    min_n: int = 30
    alpha: float = 0.05
    notes: tuple[str, ...] = field(default_factory=tuple)

    def display_settings(self) -> Display:
        """Metric, period, segments, n, value with interval."""
        columns = ("label", "period", *self.by, "n", "value", "ci_low", "ci_high", "suppressed")
        return Display(columns=columns, decimals=2)

    def grid(self, targets: Mapping[str, float] | None = None) -> HTMLBlock:
        """Build the latest period as manager-style cells (see :func:`cxlib.scorecard.grid.scorecard_grid`).

        Parameters
        ----------
        targets : mapping of str to float, optional
            Target per metric (:func:`cxlib.scorecard.targets.parse_targets`), shown as a column.

        Returns
        -------
        HTMLBlock
        """
        from cxlib.scorecard.grid import scorecard_grid

        return scorecard_grid(self, targets=targets)

    def show(
        self,
        metric: str | None = None,
        *,
        figure: bool = True,
        table: bool = True,
        sentences: bool = True,
        targets: Mapping[str, float] | None = None,
    ) -> None:
        """Display the trend of ``metric``, the scorecard cells and the sentences (notebooks, reports).

        Parameters
        ----------
        metric : str, optional
            Metric of the trend chart and the sentences; default: the chart of :meth:`figure`
            and the sentences of every metric.
        figure, table, sentences : bool, default True
            Which parts to show; the table is :meth:`grid` (latest period, every metric).
        targets : mapping of str to float, optional
            Targets for the table's ``Target`` column.
        """
        from IPython.display import display

        from cxlib.viz import PLOTLY_CONFIG, note

        if figure:
            self.figure(metric).show(config=PLOTLY_CONFIG)
        if table:
            display(self.grid(targets))
        if sentences and (text := self.summary(None if metric is None else [metric], notes=False)):
            display(note(" ".join(text)))

    @property
    def period_name(self) -> str:
        """The period unit for labels (``period`` when there are no periods)."""
        return self.period or "period"

    @property
    def span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """First and last day (UTC) covered by the table's periods; ``(None, None)`` if empty."""
        if self.table.empty:
            return None, None
        return self.table["period_start"].min(), self.table["period_end"].max() - pd.Timedelta(days=1)

    def changes(self) -> pd.DataFrame:
        """Each cell against the same segment's previous period, with tests.

        Returns
        -------
        pandas.DataFrame
            See :func:`cxlib.scorecard.changes.period_changes`.
        """
        return period_changes(self.table, self.by, self.alpha)

    def overall(self) -> pd.DataFrame:
        """Rows that cover every segment (all segment columns ``All``)."""
        keep = np.ones(len(self.table), dtype=bool)
        for column in self.by:
            keep &= (self.table[column] == ALL).to_numpy()
        return self.table[keep].reset_index(drop=True)

    def latest(self) -> pd.DataFrame:
        """Return the rows of each metric's last period."""
        last = self.table.groupby("metric")["period_start"].transform("max")
        return self.table[self.table["period_start"] == last].reset_index(drop=True)

    def formatted(self, period: str | None = None) -> pd.DataFrame:
        """Format a report view: metrics as rows, segments as columns, text cells.

        Parameters
        ----------
        period : str, optional
            Period label; default each metric's latest period.

        Returns
        -------
        pandas.DataFrame
            Index = metric labels (scale and direction), first column ``period``, then one
            column per segment (``All`` first); cells read ``31 (CI 28 to 34) · n=1,234`` or
            ``too few answers`` (the ``CI`` keeps number runs from looking like phone numbers
            to the PII masking of report tables).
        """
        rows = self.latest() if period is None else self.table[self.table["period"] == period]
        rows = rows.assign(segment_name=segment_names(rows, self.by))
        cells = []
        for row in rows.itertuples(index=False):
            metric = self.metrics[row.metric]
            text = (
                TOO_FEW
                if row.suppressed
                else (
                    f"{format_value(metric, row.value)} (CI {format_value(metric, row.ci_low)} to "
                    f"{format_value(metric, row.ci_high)}) · n={int(row.n):,}"
                )
            )
            cells.append((f"{metric.label} · {metric.direction}", row.period, row.segment_name, text))
        long = pd.DataFrame(cells, columns=["metric", "period", "segment", "text"])
        if long.empty:
            return pd.DataFrame(columns=["period"])
        order = list(dict.fromkeys(long["metric"]))
        segments = list(dict.fromkeys(long["segment"]))
        wide = long.pivot_table(index=["metric", "period"], columns="segment", values="text", aggfunc="first")
        wide = wide.reset_index(level="period").reindex(order).fillna("—")
        return wide[["period", *[s for s in segments if s in wide.columns]]].rename_axis(columns=None)

    def formatted_changes(self, period: str | None = None, *, significant_only: bool = True) -> pd.DataFrame:
        """Format a report view of :meth:`changes`: text cells in each metric's own format.

        Parameters
        ----------
        period : str, optional
            Period label; default the latest period.
        significant_only : bool, default True
            Keep only significant changes.

        Returns
        -------
        pandas.DataFrame
            Columns ``Metric``, the segment columns, ``From``, ``To``, ``Before``, ``Now``,
            ``Change`` (with interval), ``Adjusted p``, ``Verdict``.
        """
        changes = self.changes()
        if changes.empty:
            return pd.DataFrame(
                columns=["Metric", *self.by, "From", "To", "Before", "Now", "Change", "Adjusted p", "Verdict"]
            )
        chosen = period if period is not None else changes.loc[changes["period_start"].idxmax(), "period"]
        rows = changes[changes["period"] == chosen]
        if significant_only:
            rows = rows[rows["significant"]]
        out = rows[["label", *self.by, "previous_period", "period"]].rename(
            columns={"label": "Metric", "previous_period": "From", "period": "To"}
        )
        metrics = [self.metrics[m] for m in rows["metric"]]
        out["Before"] = [format_value(m, v) for m, v in zip(metrics, rows["previous_value"], strict=True)]
        out["Now"] = [format_value(m, v) for m, v in zip(metrics, rows["value"], strict=True)]
        out["Change"] = [
            f"{format_value(m, d, signed=True)} (CI {format_value(m, lo, signed=True)} to "
            f"{format_value(m, hi, signed=True)})"
            for m, d, lo, hi in zip(metrics, rows["difference"], rows["ci_low"], rows["ci_high"], strict=True)
        ]
        out["Adjusted p"] = [format_p(q).removeprefix("p ").removeprefix("= ") for q in rows["q_value"]]
        out["Verdict"] = rows["change"].to_numpy()
        return out.reset_index(drop=True)

    def figure(self, metric: str | None = None) -> go.Figure:
        """Trend of ``metric`` per segment with intervals; significant changes flagged.

        Parameters
        ----------
        metric : str, optional
            A metric of the table (``nps``, ``csat``, ``ces``, ``retention_rate``, ...).
            Default: ``nps`` when the table has it, else its first metric.

        Returns
        -------
        plotly.graph_objects.Figure
        """
        if metric is None:
            present = list(dict.fromkeys(self.table["metric"]))
            metric = "nps" if "nps" in present or not present else str(present[0])
        if metric not in set(self.table["metric"]):
            raise DataError(
                f"the scorecard has no metric {metric!r}; it has "
                f"{', '.join(dict.fromkeys(self.table['metric']))}",
                rule="unknown_metric",
            )
        changes = self.changes()
        return trend_figure(
            self.table[self.table["metric"] == metric],
            changes[changes["metric"] == metric],
            self.metrics[metric],
            by=self.by,
            period_name=self.period_name,
            alpha=self.alpha,
            min_n=self.min_n,
            colours=segment_colours(list(segment_names(self.table, self.by))),
        )

    def summary(self, metrics: Sequence[str] | None = None, *, notes: bool = True) -> list[str]:
        """Plain sentences: each metric's latest value, its change and where it moved most.

        Parameters
        ----------
        metrics : sequence of str, optional
            Metrics to describe; default all in the table.
        notes : bool, default True
            Add how many cells were suppressed and :attr:`notes` (what was left out).

        Returns
        -------
        list of str
            One sentence per metric (in ``metrics`` order, skipping absent ones), then the notes.
        """
        chosen = [m for m in (metrics or METRIC_NAMES) if m in set(self.table["metric"])]
        changes = self.changes()
        overall = self.overall()
        out = [s for s in (self._sentence(m, overall, changes) for m in chosen) if s]
        if not notes:
            return out
        suppressed = int(self.table["suppressed"].sum())
        if suppressed:
            out.append(
                f"{suppressed:,} of {len(self.table):,} cells rest on fewer than {self.min_n} answers, "
                "orders or "
                f"customers and are shown as “{TOO_FEW}”."
            )
        return out + list(self.notes)

    def _sentence(self, name: str, overall: pd.DataFrame, changes: pd.DataFrame) -> str:
        metric = self.metrics[name]
        rows = overall[overall["metric"] == name].sort_values("period_start")
        if rows.empty:
            return ""
        last = rows.iloc[-1]
        short = metric.label.split(" (")[0]
        when = (
            ""
            if self.period is None
            else f" in {'the week of ' if self.period == 'week' else ''}{last['period']}"
        )
        if last["suppressed"]:
            return f"{short}{when}: {TOO_FEW}."
        interval = format_ci(metric, last["ci_low"], last["ci_high"], self.alpha)
        text = f"{short} {format_amount(metric, last['value'])} ({interval}){when}"
        mine = changes[(changes["metric"] == name) & (changes["period"] == last["period"])]
        total = mine.assign(__segment=segment_names(mine, self.by))
        row = total[total["__segment"] == ALL]
        if row.empty:
            return text + "."
        change = row.iloc[0]
        diff = format_amount(metric, change["difference"], signed=True)
        if metric.kind == "nps":
            diff += " points"
        if not change["significant"]:
            return text + (
                f", no clear change from {change['previous_period']} ({diff}; adjusted "
                f"{format_p(change['q_value'])})."
            )
        verb = "up" if change["difference"] > 0 else "down"
        text += (
            f", {verb} {diff.lstrip('+-')} from {change['previous_period']} — significant "
            f"(adjusted {format_p(change['q_value'])}), {change['change']}"
        )
        segments = total[
            (total["__segment"] != ALL) & (np.sign(total["difference"]) == np.sign(change["difference"]))
        ]
        if self.by and not segments.empty:
            biggest = segments.loc[segments["difference"].abs().idxmax()]
            extra = format_amount(metric, biggest["difference"], signed=True)
            text += f"; the largest move is in {biggest['__segment']} ({extra})"
        return text + "."


def _tables(shop: Shop | Mapping[str, Frame | None]) -> dict[str, Frame]:
    if hasattr(shop, "tables") and callable(shop.tables):
        return dict(shop.tables())
    if isinstance(shop, Mapping):
        return {name: table for name, table in shop.items() if table is not None}
    raise DataError(
        "scorecard needs a Shop (cxlib.open_shop) or a mapping of table name to frame, not "
        f"{type(shop).__name__}",
        rule="bad_input",
    )


def scorecard(
    shop: Shop | Mapping[str, Frame | None],
    by: str | Sequence[str] | None = None,
    period: Period = "month",
    *,
    min_n: int = 30,
    alpha: float = 0.05,
    totals: bool = True,
    complete_periods: bool = True,
    csat_scale: int = 5,
    ces_scale: int = 7,
    ces_higher_is_better: bool = False,
    cart_event: str = "add_to_cart",
    purchase_event: str = "purchase",
    currency: str = "",
) -> Scorecard:
    """Every CX metric by segment and period, with intervals and n per cell.

    Survey metrics come from ``surveys`` (NPS, CSAT, CES; :func:`~cxlib.scorecard.nps`
    etc.), customer and order metrics from ``orders`` (retention rate, repeat purchase rate,
    AOV, purchase frequency, revenue per customer, return rate, delivery days;
    :mod:`cxlib.scorecard.commerce`), cart abandonment from ``events``
    (:mod:`cxlib.scorecard.carts`). Missing tables or columns leave their metrics out (see
    ``notes``). All aggregation runs on the tables' own backend.

    Parameters
    ----------
    shop : cxlib.Shop or mapping
        From :func:`cxlib.open_shop`, or ``{"orders": frame, ...}``. Required columns:
        surveys ``ts, metric, score``; orders ``order_id, customer_id, ts, revenue``
        (optional ``returned``, ``delivery_days``); events ``customer_id, ts, event``
        (optional ``session_id``). Segment columns are taken from each table, for surveys
        also through ``order_id`` from orders.
    by : str or list of str, optional
        Segment column(s), e.g. ``"channel"``, ``["channel", "device"]``, ``"country"``.
    period : {"week", "month", "quarter"} or None, default "month"
        Calendar periods in UTC (weeks start on Monday); ``None`` = the whole span.
    min_n : int, default 30
        Cells with fewer units (answers, orders, customers, carts) are suppressed: no
        value, interval or n, ``suppressed`` True, shown as "too few answers".
    alpha : float, default 0.05
        1 − confidence level; also the false discovery rate of flagged changes.
    totals : bool, default True
        Add rows over all segments (segment ``All``).
    complete_periods : bool, default True
        Leave out periods that the source table covers only in part (the first and last,
        typically), so a half month is never compared with a full one.
    csat_scale, ces_scale : int, default 5 and 7
    ces_higher_is_better : bool, default False
        CES direction: False = effort (1.0), True = CES 2.0 agreement.
    cart_event, purchase_event : str
        Event names for cart abandonment.
    currency : str, optional
        Shop currency for the labels of money metrics (e.g. ``"EUR"``).

    Returns
    -------
    Scorecard
        ``.table`` (tidy), ``.changes()``, ``.figure(metric)``, ``.summary()``,
        ``.formatted()``.

    Examples
    --------
    >>> import cxlib
    >>> from cxlib.scorecard import scorecard
    >>> shop = cxlib.open_shop("data/sample")  # doctest: +SKIP
    >>> card = scorecard(shop, by="channel", period="quarter")  # doctest: +SKIP
    >>> card.table.query("metric == 'nps' and channel == 'All'")  # doctest: +SKIP
    """
    period = check_period(period)
    by_columns = as_columns(by)
    _option_checks(min_n, alpha)
    tables = _tables(shop)
    orders, surveys, events = tables.get("orders"), tables.get("surveys"), tables.get("events")
    if orders is None and surveys is None and events is None:
        raise DataError(
            "the scorecard needs at least one of the tables surveys, orders or events", rule="no_tables"
        )
    catalogue = metric_catalogue(
        csat_scale=csat_scale,
        ces_scale=ces_scale,
        ces_higher_is_better=ces_higher_is_better,
        cart_unit=cart_unit(events) if events is not None else "carts",
        currency=currency,
    )
    notes: list[str] = []
    jobs: list[tuple[str, Frame, Callable[[], pd.DataFrame]]] = []
    if surveys is not None:
        jobs.append(
            (
                "surveys",
                surveys,
                lambda: survey_cells(
                    surveys,
                    orders=orders,
                    csat_scale=csat_scale,
                    ces_scale=ces_scale,
                    by=by_columns,
                    period=period,
                    totals=totals,
                ),
            )
        )
    if orders is not None:
        jobs.append(
            ("orders", orders, lambda: commerce_cells(orders, by=by_columns, period=period, totals=totals))
        )
        if period is None:
            notes.append("Retention rate needs consecutive periods; it is left out when period is None.")
    if events is not None:
        jobs.append(
            (
                "events",
                events,
                lambda: cart_cells(
                    events,
                    cart_event=cart_event,
                    purchase_event=purchase_event,
                    by=by_columns,
                    period=period,
                    totals=totals,
                ),
            )
        )
    missing = [t for t in ("surveys", "orders", "events") if tables.get(t) is None]
    if missing:
        notes.append(f"No {', '.join(missing)} table: the metrics from it are left out.")

    parts, spans = [], {}
    for source, table, job in jobs:
        try:
            cells = job()
        except DataError as exc:
            if exc.rule != SEGMENT_UNAVAILABLE:
                raise
            notes.append(f"{source.capitalize()} left out: {exc.detail}.")
            continue
        if source not in spans:
            spans[source] = time_span(table)
        parts.append(cells.assign(source=source))
    card_table = _assemble(parts, spans, catalogue, by_columns, period, min_n, alpha, complete_periods, notes)
    return Scorecard(card_table, tuple(by_columns), period, catalogue, int(min_n), float(alpha), tuple(notes))


def _assemble(
    parts: list[pd.DataFrame],
    spans: dict[str, tuple[pd.Timestamp | None, pd.Timestamp | None]],
    catalogue: Mapping[str, Metric],
    by: list[str],
    period: Period,
    min_n: int,
    alpha: float,
    complete_periods: bool,
    notes: list[str],
) -> pd.DataFrame:
    """Estimates, period labels, completeness and suppression for the cell sums."""
    columns = ["metric", "label", "period", "period_start", "period_end", *by, *TABLE_COLUMNS]
    cells = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if cells.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    blocks = []
    for source, block in cells.groupby("source", sort=False):
        lo, hi = spans[source]
        bounds = period_bounds(block["period_index"], period, lo, hi)
        block = pd.concat([block, bounds], axis=1)
        if complete_periods and period is not None and lo is not None and hi is not None:
            first_day, after_last = (
                lo.tz_localize(None).normalize(),
                hi.tz_localize(None).normalize() + pd.Timedelta(days=1),
            )
            # retention of period t also uses period t − 1, which must be complete too
            prev_start = period_bounds(block["period_index"] - 1, period)["period_start"]
            start = prev_start.where(block["metric"] == "retention_rate", block["period_start"])
            complete = (start >= first_day) & (block["period_end"] <= after_last)
            is_retention = block["metric"] == "retention_rate"
            dropped = sorted(set(block.loc[~complete & ~is_retention, "period"]))
            if dropped:
                notes.append(
                    f"Partial {period}s of the {source} table left out: {', '.join(dropped)} "
                    f"(the data covers {first_day:%Y-%m-%d} to {hi:%Y-%m-%d})."
                )
            dropped_retention = sorted(set(block.loc[~complete & is_retention, "period"]) - set(dropped))
            if dropped_retention:
                notes.append(
                    f"Retention rate of {', '.join(dropped_retention)} left out: the {period} before is "
                    "partial."
                )
            block = block[complete]
        blocks.append(block)
    cells = pd.concat(blocks, ignore_index=True)
    kinds = cells["metric"].map({m: catalogue[m].kind for m in catalogue}).to_numpy(dtype=object)
    est = cell_estimates(
        kinds,
        cells["n"].to_numpy(),
        cells["total"].to_numpy(),
        cells["total_sq"].to_numpy(),
        alpha,
        **{c: cells[c].to_numpy(dtype=float) for c in RATIO_COLUMNS},
    )
    # impossible values never appear in an interval: shares stay in [0, 1], amounts ≥ 0
    bounded = kinds == "ratio"
    upper = np.where(
        cells["metric"].map({m: catalogue[m].percent for m in catalogue}).to_numpy(dtype=bool), 1.0, np.inf
    )
    est["ci_low"] = np.where(bounded, np.maximum(est["ci_low"], 0.0), est["ci_low"])
    est["ci_high"] = np.where(bounded, np.minimum(est["ci_high"], upper), est["ci_high"])
    small = (cells["n"] < min_n).to_numpy()
    table = cells[["metric", "period", "period_start", "period_end", *by]].copy()
    table.insert(1, "label", cells["metric"].map({m: catalogue[m].label for m in catalogue}).astype("str"))
    table["n"] = pd.array(cells["n"].where(~small), dtype="Int64")
    for key in ("value", "ci_low", "ci_high", "se"):
        table[key] = np.where(small, np.nan, est[key])
    table["suppressed"] = small
    # NPS cells hold x = +1/0/−1 per answer, so Σx = P − D and Σx² = P + D (counts)
    is_nps = (kinds == "nps") & ~small
    with np.errstate(divide="ignore", invalid="ignore"):
        n_answers = cells["n"].to_numpy(dtype=float)
        sums, squares = cells["total"].to_numpy(dtype=float), cells["total_sq"].to_numpy(dtype=float)
        table["promoter_share"] = np.where(is_nps, (squares + sums) / 2 / n_answers, np.nan)
        table["detractor_share"] = np.where(is_nps, (squares - sums) / 2 / n_answers, np.nan)
    table["unit"] = cells["metric"].map({m: catalogue[m].unit for m in catalogue}).astype("str")
    table["kind"] = pd.Series(kinds, index=cells.index).astype("str")
    table["higher_is_better"] = (
        cells["metric"].map({m: catalogue[m].higher_is_better for m in catalogue}).astype(bool)
    )
    return sort_cells(table[columns], by, METRIC_NAMES)
