"""Conversion funnels with explicit semantics: order modes, windows, ties, repeated steps.

Every per-unit computation (anchoring, step matching, time to convert, what drop-outs did
next) runs on the user's backend through Narwhals as joins plus conditional minimums; only
one row per step (and segment) comes back to pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal

import narwhals.stable.v2 as nw
import pandas as pd
import plotly.graph_objects as go

import cxlib.viz  # noqa: F401  (registers the "cxlab" plotly template the figures use)
from cxlib._types import Frame
from cxlib.engine import to_pandas
from cxlib.journey._frames import (
    as_duration,
    check_events,
    duration_micros,
    normalize_by,
    normalize_steps,
    shown_step,
    split_segments,
    step_label,
    unit_keys,
    wilson_interval,
)
from cxlib.journey.matching import event_base, match_steps
from cxlib.privacy import suppress_small
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import event_label, format_interval, format_percent, plural

__all__ = ["FunnelDropouts", "FunnelResult", "funnel", "parse_steps"]

Order = Literal["strict", "any", "direct"]
ORDERS: tuple[str, ...] = ("strict", "any", "direct")
NO_FURTHER_EVENT = "(no further events)"


@dataclass(frozen=True)
class FunnelDropouts(ResultBase):
    """What units that left the funnel did next (from :meth:`FunnelResult.dropouts`).

    Attributes
    ----------
    table : pandas.DataFrame
        ``FunnelResult.next_events``: ``step``, ``step_name``, ``next_event``, ``units``,
        ``share`` (of the units that left after that step).
    count : str
        The unit (``sessions`` or ``customers``).
    sentences : tuple of str
        :meth:`FunnelResult.next_summary`.
    """

    DISPLAY: ClassVar[Display] = Display(
        percent_cols=("share",),
        labels={
            "step": "Left after step",
            "step_name": "Event",
            "next_event": "Next event",
            "units": "Units",
            "share": "Share",
        },
        max_rows=None,
    )

    table: pd.DataFrame
    count: str
    sentences: tuple[str, ...] = ()

    def figure(self) -> go.Figure:
        """Draw horizontal bars: share of leavers per step and next event."""
        from cxlib import viz

        data = self.display_table()
        data = data.assign(move=data["step_name"] + " → " + data["next_event"])
        return viz.bar(
            data,
            "move",
            "share",
            horizontal=True,
            percent=True,
            title="What units did after leaving the funnel",
            labels={"move": "", "share": f"share of the {self.count} that left after the step"},
            height=max(320, 60 + 28 * len(data)),
        )

    def display_table(self) -> pd.DataFrame:
        """Return ``.table`` with the events as words (``product_view`` → ``product view``)."""
        return self.table.assign(
            step_name=self.table["step_name"].map(shown_step),
            next_event=self.table["next_event"].map(event_label),
        )

    def summary(self) -> list[str]:
        """Say where most units left and what they did next."""
        return list(self.sentences)


@dataclass(frozen=True)
class FunnelResult(ResultBase):
    """A funnel: one row per step (and segment), plus what drop-outs did next.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per segment × step. Columns: the ``by`` columns (str) if any; ``step``
        (int64, 1-based); ``step_name`` (str); ``entrants`` (int64, units that reached the
        step); ``conversion_from_start`` and ``conversion_from_previous`` (float64, shares);
        ``conversion_ci_low``/``conversion_ci_high`` (float64, Wilson interval of
        ``conversion_from_start``); ``dropped`` (int64, units that reached the previous step
        but not this one; 0 at step 1); ``drop_off_rate`` (float64, ``1 −
        conversion_from_previous``); ``time_q1_s``, ``time_median_s``, ``time_q3_s``
        (float64, seconds from step 1 to this step among entrants, linear-interpolated
        quartiles); with ``min_n`` > 0 also ``suppressed`` (bool).
    next_events : pandas.DataFrame
        What units that left the funnel did next: ``step`` (int64, the last step they
        reached), ``step_name``, ``next_event`` (str; ``"(no further events)"`` when
        nothing followed), ``units`` (int64), ``share`` (float64, of the units that left
        after that step). Top ``next_events`` rows per step, all segments together.
    steps : tuple of tuple of str
        The steps as sets of event names.
    order, count : str
    window : pandas.Timedelta or None
    by : tuple of str
    alpha : float
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=(
            "step",
            "step_name",
            "entrants",
            "conversion_from_start",
            "conversion_ci_low",
            "conversion_ci_high",
            "conversion_from_previous",
            "dropped",
            "time_median_min",
        ),
        percent_cols=(
            "conversion_from_start",
            "conversion_ci_low",
            "conversion_ci_high",
            "conversion_from_previous",
        ),
        labels={
            "step": "Step",
            "step_name": "Event",
            "entrants": "Reached",
            "conversion_from_start": "Of step 1",
            "conversion_ci_low": "95% CI from",
            "conversion_ci_high": "to",
            "conversion_from_previous": "Of previous step",
            "dropped": "Dropped",
            "time_median_min": "Median minutes from step 1",
        },
        decimals={
            "conversion_from_start": 1,
            "conversion_ci_low": 1,
            "conversion_ci_high": 1,
            "conversion_from_previous": 1,
            "time_median_min": 1,
        },
        max_rows=None,
    )

    table: pd.DataFrame
    next_events: pd.DataFrame
    steps: tuple[tuple[str, ...], ...]
    order: str
    count: str
    window: pd.Timedelta | None
    by: tuple[str, ...]
    alpha: float

    def display_settings(self) -> Display:
        """Show the steps with conversion, interval and median minutes (segment columns first)."""
        shown = self.DISPLAY
        level = round(100 * (1 - self.alpha))
        labels = {**shown.labels, "conversion_ci_low": f"{level}% CI from"}
        return replace(shown, columns=(*self.by, *(shown.columns or ())), labels=labels)

    def display_table(self) -> pd.DataFrame:
        """``.table`` with ``time_median_min`` (minutes from step 1) and the steps as words."""
        return self.table.assign(
            time_median_min=self.table["time_median_s"] / 60,
            step_name=self.table["step_name"].map(shown_step),
        )

    def _segments(self) -> list[tuple[str, pd.DataFrame]]:
        """Return the rows per segment, largest first, with the steps as words for charts and sentences."""
        table = self.table.assign(step_name=self.table["step_name"].map(shown_step))
        if "suppressed" in table:
            table = table[~table["suppressed"]]
        if not self.by:
            return [("all", table)]
        groups = table.groupby(list(self.by), sort=False)
        ordered = sorted(groups, key=lambda kv: -float(kv[1]["entrants"].iloc[0]))
        return [(" / ".join(map(str, k if isinstance(k, tuple) else (k,))), g) for k, g in ordered]

    def figure(self, max_segments: int = 6) -> go.Figure:
        """Funnel chart: units per step, share of step 1 and drop-off in the hover.

        Parameters
        ----------
        max_segments : int, default 6
            With ``by``, the largest segments (by step-1 entrants) drawn side by side.
        """
        fig = go.Figure()
        for name, part in self._segments()[:max_segments]:
            hover = [
                f"{row.step_name}<br>{int(row.entrants):,} {self.count}<br>"
                f"{row.conversion_from_start:.1%} of step 1<br>"
                f"{int(row.dropped):,} dropped since the previous step ({row.drop_off_rate:.1%})"
                for row in part.itertuples()
            ]
            fig.add_trace(
                go.Funnel(
                    name=name,
                    y=[f"{s}. {n}" for s, n in zip(part["step"], part["step_name"], strict=True)],
                    x=part["entrants"],
                    texttemplate="%{value:,}<br>%{percentInitial:.1%}",
                    hovertext=hover,
                    hoverinfo="text",
                )
            )
        unit = self.count
        window = f" within {_format_duration(self.window)}" if self.window is not None else ""
        fig.update_layout(
            template="cxlab",
            title=dict(text=f"Funnel ({self.order} order, {unit}{window})"),
            hovermode="closest",
            showlegend=bool(self.by),
            yaxis=dict(title=dict(text="")),
        )
        return fig

    def time_figure(self) -> go.Figure:
        """Median time from step 1 to each step (bars) with the quartiles (error bars)."""
        fig = go.Figure()
        segments = [(name, part[part["step"] > 1]) for name, part in self._segments()[:6]]
        longest = max([float(part["time_q3_s"].max()) for _, part in segments if not part.empty] or [0.0])
        unit, seconds = next(((u, s) for u, s in _TIME_UNITS if longest >= 2 * s), _TIME_UNITS[-1])
        for name, part in segments:
            scaled = part[["time_q1_s", "time_median_s", "time_q3_s"]] / seconds
            fig.add_trace(
                go.Bar(
                    name=name,
                    x=part["step_name"],
                    y=scaled["time_median_s"],
                    error_y=dict(
                        type="data",
                        symmetric=False,
                        array=(scaled["time_q3_s"] - scaled["time_median_s"]).tolist(),
                        arrayminus=(scaled["time_median_s"] - scaled["time_q1_s"]).tolist(),
                    ),
                    hovertemplate="%{x}: median %{y:,.1f} " + unit + "<extra></extra>",
                )
            )
        fig.update_layout(
            template="cxlab",
            title=dict(text="Time from the first step (median, bars show quartiles)"),
            yaxis=dict(title=dict(text=unit)),
            showlegend=bool(self.by),
            hovermode="closest",
        )
        return fig

    def time_summary(self) -> list[str]:
        """How long those who reached the last step took: the median and the upper quartile."""
        segments = self._segments()
        part = segments[0][1] if segments else self.table.iloc[0:0]
        later = part[part["step"] > 1]
        if later.empty or later["entrants"].fillna(0).sum() == 0:
            return ["Nobody got past the first step, so there is no time to convert."]
        last = part.iloc[-1]
        if not last["entrants"] or pd.isna(last["time_median_s"]):
            return ["Nobody reached the last step."]
        return [
            f"Half of those who reached {last['step_name']} did so within "
            f"{_minutes_or_hours(float(last['time_median_s']))} of the first step; a quarter took longer "
            f"than {_minutes_or_hours(float(last['time_q3_s']))}."
        ]

    def segment_summary(self) -> list[str]:
        """Which segments convert best and worst from the first to the last step (needs ``by``)."""
        if not self.by:
            return []
        segments = [(name, part.iloc[-1]) for name, part in self._segments() if len(part)]
        ends = [(name, row) for name, row in segments if pd.notna(row["conversion_from_start"])]
        if len(ends) < 2:
            return []
        best = max(ends, key=lambda kv: float(kv[1]["conversion_from_start"]))
        worst = min(ends, key=lambda kv: float(kv[1]["conversion_from_start"]))
        level = 1 - self.alpha

        def said(row: pd.Series) -> str:
            interval = format_interval(
                row["conversion_ci_low"], row["conversion_ci_high"], format_percent, level=level
            )
            return f"{row['conversion_from_start']:.1%}, {interval}"

        return [
            f"End-to-end conversion is highest for {best[0]} ({said(best[1])}) and lowest for "
            f"{worst[0]} ({said(worst[1])})."
        ]

    def dropouts(self) -> FunnelDropouts:
        """Return what drop-outs did next as a result of its own (table, bars, sentences)."""
        return FunnelDropouts(table=self.next_events, count=self.count, sentences=tuple(self.next_summary()))

    def next_summary(self) -> list[str]:
        """Where most units left, and what they did next (besides doing nothing)."""
        if self.next_events.empty:
            return []
        left = self.next_events.groupby("step", sort=True)["units"].sum()
        step = int(left.idxmax())
        rows = self.next_events[self.next_events["step"] == step]
        name = shown_step(rows["step_name"].iloc[0])
        idle = rows[rows["next_event"] == NO_FURTHER_EVENT]["share"].sum()
        moved = rows[rows["next_event"] != NO_FURTHER_EVENT]
        out = [
            f"Most {self.count} that left the funnel stopped after {name}; "
            f"{idle:.1%} of them did nothing afterwards."
        ]
        if not moved.empty:
            top = moved.iloc[0]
            out.append(
                f"The most common next event was {event_label(top['next_event'])} ({top['share']:.1%})."
            )
        return out

    def summary(self) -> list[str]:
        """Plain-language sentences with the main numbers (overall or largest segment)."""
        segments = self._segments()
        if not segments or segments[0][1].empty:
            return [f"No {self.count} reached the first step ({shown_step(step_label(self.steps[0]))})."]
        name, part = segments[0]
        first, last = part.iloc[0], part.iloc[-1]
        who = f"In segment {name}, of" if self.by else "Of"
        unit = self.count
        window = f" within {_format_duration(self.window)}" if self.window is not None else ""
        out = [
            f"{who} {plural(first['entrants'], unit[:-1])} {'who' if unit == 'customers' else 'that'} did "
            f"{first['step_name']}, "
            f"{int(last['entrants']):,} ({last['conversion_from_start']:.1%}) reached "
            f"{last['step_name']}{window}."
        ]
        later = part[part["step"] > 1]
        if not later.empty:
            worst = later.loc[later["drop_off_rate"].idxmax()]
            out.append(
                f"The largest drop-off is before {worst['step_name']}: "
                f"{worst['drop_off_rate']:.1%} of those at the previous step did not continue."
            )
            if pd.notna(last["time_median_s"]) and int(last["entrants"]) > 0:
                out.append(
                    f"Median time from {first['step_name']} to {last['step_name']}: "
                    f"{_minutes_or_hours(float(last['time_median_s']))}."
                )
        return out


def funnel(
    events: Frame,
    steps: Sequence[str | Sequence[str]],
    *,
    window: Any = None,
    order: Order = "strict",
    count: Literal["customers", "sessions"] = "customers",
    by: str | Sequence[str] | None = None,
    next_events: int = 5,
    min_n: int = 0,
    alpha: float = 0.05,
) -> FunnelResult:
    """How many customers (or sessions) go through a sequence of steps, and how fast.

    Semantics (close to Mixpanel's and Amplitude's funnels, made explicit):

    * **Attempt.** Each unit's *first* step-1 event anchors its one and only attempt; the
      conversion window runs from that event (inclusive: a step exactly ``window`` later
      counts). Later attempts are ignored.
    * **order="strict"** (this order): step *k* is the earliest event of step *k* that comes
      after step *k−1*'s event; other events may happen in between. Greedy earliest
      matching is optimal, so a unit reaches the furthest step it can.
    * **order="direct"** (exact order): step *k* must be the very next event of the unit
      (all its events count, not only funnel events).
    * **order="any"**: after the anchor, steps 2..k may happen in any order inside the
      window; step *k* is reached when every step 1..k has happened (a step listed twice
      needs two events). Step sets must be identical or disjoint in this mode.
    * **Ties.** Events are ordered by timestamp; events with the same timestamp are put in
      the order that lets the funnel proceed: by the first step they can fill (events
      outside the funnel last), then by event name. So a later step may share the previous
      step's timestamp, and one event never fills two steps (repeated steps need distinct
      events).
    * **Segments** (``by``): a unit belongs to the segment of its anchoring event (if several
      step-1 events share the anchor time, the smallest segment value).
    * **Time to convert**: time from the anchor to the step's event (for "any": to the
      moment all steps up to *k* were done), summarised by linear-interpolated quartiles.
    * **Next events**: for units that stopped after step *k*, the first event after that
      step's timestamp (ties: smallest event name), across all their events.

    Parameters
    ----------
    events : frame
        Any supported frame (pandas, polars, DuckDB, Spark). Required columns:
        ``customer_id``, ``ts`` (time-zone aware), ``event``; ``session_id`` with
        ``count="sessions"``; the ``by`` columns.
    steps : list
        Each step is an event name or a set/list of event names (any of them fills it).
    window : str or timedelta, optional
        Conversion window from the first step, e.g. ``"7D"`` or ``"30min"``. None: no limit.
    order : {"strict", "any", "direct"}
    count : {"customers", "sessions"}
        Unit of analysis. Sessions are identified by ``(customer_id, session_id)``; events
        without a session id are ignored in that mode.
    by : str or list of str, optional
        Segment columns (any event columns, e.g. ``device``, ``channel``).
    next_events : int, default 5
        How many top next events to keep per step in ``.next_events`` (0 skips the query).
    min_n : int, default 0
        Segments with fewer step-1 entrants are suppressed (numbers blanked, see
        :func:`cxlib.privacy.suppress_small`).
    alpha : float, default 0.05
        One minus the confidence level of the conversion intervals.

    Returns
    -------
    FunnelResult

    Examples
    --------
    >>> shop = cxlib.open_shop("data/sample")  # doctest: +SKIP
    >>> f = funnel(shop.events, ["product_view", "add_to_cart", "purchase"], window="7D")  # doctest: +SKIP
    >>> f.table[["step_name", "entrants", "conversion_from_start"]]  # doctest: +SKIP
    """
    sets = normalize_steps(steps)
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    keys = unit_keys(count)
    by_cols = normalize_by(by)
    check_events(events, ["customer_id", "ts", "event", *keys, *by_cols], purpose="a funnel")
    delta = as_duration(window, "window")
    window_us = duration_micros(delta)

    base = event_base(events, keys, by_cols)
    per_unit = match_steps(base, sets, keys, order=order, window_us=window_us, with_segment=bool(by_cols))

    stats = _aggregate(per_unit, len(sets), bool(by_cols))
    table = _step_table(stats, sets, by_cols, alpha)
    if min_n > 0:
        table = _suppress(table, by_cols, min_n)
    nexts = _empty_next()
    if next_events > 0 and len(sets) > 1:
        reached = [int(stats[f"n{k}"].sum()) for k in range(1, len(sets) + 1)] + [0]
        left_counts = {k: reached[k - 1] - reached[k] for k in range(1, len(sets))}
        nexts = _next_events(base, per_unit, sets, keys, next_events, left_counts)
    return FunnelResult(
        table=table,
        next_events=nexts,
        steps=tuple(sets),
        order=order,
        count=count,
        window=delta,
        by=tuple(by_cols),
        alpha=alpha,
    )


def parse_steps(text: str) -> list[str | list[str]]:
    """Parse funnel steps from text: steps separated by commas, alternatives by ``|``.

    Parameters
    ----------
    text : str
        E.g. a notebook parameter.

    Returns
    -------
    list
        One entry per step: an event name, or a list of alternative event names.

    Examples
    --------
    >>> parse_steps("product_view | search, add_to_cart, purchase")
    [['product_view', 'search'], 'add_to_cart', 'purchase']
    """
    steps: list[str | list[str]] = []
    for part in str(text).split(","):
        names = [n.strip() for n in part.split("|") if n.strip()]
        if names:
            steps.append(names[0] if len(names) == 1 else names)
    if not steps:
        raise ValueError(f"no funnel steps in {text!r}; write them like 'view, add_to_cart, purchase'")
    return steps


# --------------------------------------------------------------------------- aggregation


def _aggregate(per_unit: nw.LazyFrame[Any], n: int, with_segment: bool) -> pd.DataFrame:
    seconds = per_unit.with_columns(*[(nw.col(f"_d{k}") / 1e6).alias(f"_x{k}") for k in range(1, n + 1)])
    aggs: list[nw.Expr] = []
    for k in range(1, n + 1):
        x = nw.col(f"_x{k}")
        aggs += [
            x.count().alias(f"n{k}"),
            x.quantile(0.25, "linear").alias(f"q1_{k}"),
            x.quantile(0.5, "linear").alias(f"q2_{k}"),
            x.quantile(0.75, "linear").alias(f"q3_{k}"),
        ]
    out = seconds.group_by("_seg").agg(*aggs).sort("_seg") if with_segment else seconds.select(*aggs)
    return to_pandas(out)


def _step_table(
    stats: pd.DataFrame, sets: list[tuple[str, ...]], by: list[str], alpha: float
) -> pd.DataFrame:
    n = len(sets)
    rows = []
    for _, row in stats.iterrows():  # one row per segment: a handful
        start = int(row["n1"])
        previous = start
        for k in range(1, n + 1):
            entrants = int(row[f"n{k}"])
            rows.append(
                {
                    "_seg": row["_seg"] if by else None,
                    "_start": start,
                    "step": k,
                    "step_name": step_label(sets[k - 1]),
                    "entrants": entrants,
                    "conversion_from_start": entrants / start if start else float("nan"),
                    "conversion_from_previous": entrants / previous if previous else float("nan"),
                    "dropped": previous - entrants,
                    "time_q1_s": _num(row[f"q1_{k}"]),
                    "time_median_s": _num(row[f"q2_{k}"]),
                    "time_q3_s": _num(row[f"q3_{k}"]),
                }
            )
            previous = entrants
    table = pd.DataFrame(
        rows,
        columns=[
            "_seg",
            "_start",
            "step",
            "step_name",
            "entrants",
            "conversion_from_start",
            "conversion_from_previous",
            "dropped",
            "time_q1_s",
            "time_median_s",
            "time_q3_s",
        ],
    )
    low, high = wilson_interval(table["entrants"], table["_start"], alpha)
    table["conversion_ci_low"], table["conversion_ci_high"] = low, high
    table["drop_off_rate"] = 1.0 - table["conversion_from_previous"]
    table = table.astype({"step": "int64", "entrants": "int64", "dropped": "int64", "step_name": "str"})
    for col in [
        "conversion_from_start",
        "conversion_from_previous",
        "time_q1_s",
        "time_median_s",
        "time_q3_s",
        "conversion_ci_low",
        "conversion_ci_high",
        "drop_off_rate",
    ]:
        table[col] = table[col].astype("float64")
    ordered = [
        "step",
        "step_name",
        "entrants",
        "conversion_from_start",
        "conversion_ci_low",
        "conversion_ci_high",
        "conversion_from_previous",
        "dropped",
        "drop_off_rate",
        "time_q1_s",
        "time_median_s",
        "time_q3_s",
    ]
    if by:
        segments = split_segments(table["_seg"], by)
        table = pd.concat([segments, table[ordered]], axis=1)
    else:
        table = table[ordered]
    return table.reset_index(drop=True)


def _num(value: Any) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def _suppress(table: pd.DataFrame, by: list[str], min_n: int) -> pd.DataFrame:
    if by:
        starts = table.groupby(by, sort=False)["entrants"].transform("first")
    else:
        starts = pd.Series(int(table["entrants"].iloc[0]) if len(table) else 0, index=table.index)
    marked = table.assign(_n=starts)
    numeric = [c for c in table.columns if c not in (*by, "step", "step_name")]
    out = suppress_small(marked, "_n", min_n, columns=numeric).drop(columns="_n")
    return out


# --------------------------------------------------------------------------- next events


def _next_events(
    base: nw.LazyFrame[Any],
    per_unit: nw.LazyFrame[Any],
    sets: list[tuple[str, ...]],
    keys: list[str],
    top: int,
    left_counts: dict[int, int],
) -> pd.DataFrame:
    """Top events that followed the last step reached, for units that left the funnel.

    ``left_counts[k]`` is the number of units whose last step is ``k`` (from the step table),
    so the engine only counts the units that did something afterwards.
    """
    n = len(sets)
    times = [(nw.col("_t1") + nw.col(f"_d{k}")) for k in range(n, 0, -1)]
    reached = nw.sum_horizontal(*[(~nw.col(f"_d{k}").is_null()).cast(nw.Int64) for k in range(1, n + 1)])
    left = (
        per_unit.with_columns(_reached=reached, _tl=nw.coalesce(*times))
        .filter(nw.col("_reached") < n)
        .select(*keys, "_reached", "_tl")
    )
    after = (
        left.join(base.select(*keys, "_t", "event"), on=keys)
        .filter(nw.col("_t") > nw.col("_tl"))
        .with_columns(_tn=nw.col("_t").min().over(*keys))
        .filter(nw.col("_t") == nw.col("_tn"))
        .group_by(*keys, "_reached")
        .agg(nw.col("event").min())
    )
    counts = to_pandas(
        after.group_by("_reached", "event").agg(nw.len().alias("units")).sort("_reached", "event")
    )
    rows = []
    for step, n_left in sorted(left_counts.items()):
        if n_left <= 0:
            continue
        part = counts[counts["_reached"].astype(int) == step]
        followed = int(part["units"].sum())
        items = [(str(e), int(u)) for e, u in zip(part["event"], part["units"], strict=True)]
        if n_left > followed:
            items.append((NO_FURTHER_EVENT, n_left - followed))
        items.sort(key=lambda kv: (-kv[1], kv[0]))
        for event, units in items[:top]:
            rows.append(
                {
                    "step": step,
                    "step_name": step_label(sets[step - 1]),
                    "next_event": event,
                    "units": units,
                    "share": units / n_left,
                }
            )
    if not rows:
        return _empty_next()
    return pd.DataFrame(rows).astype(
        {"step": "int64", "units": "int64", "share": "float64", "step_name": "str", "next_event": "str"}
    )


def _empty_next() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": pd.Series(dtype="int64"),
            "step_name": pd.Series(dtype="str"),
            "next_event": pd.Series(dtype="str"),
            "units": pd.Series(dtype="int64"),
            "share": pd.Series(dtype="float64"),
        }
    )


# --------------------------------------------------------------------------- formatting


_TIME_UNITS: tuple[tuple[str, float], ...] = (
    ("days", 86400.0),
    ("hours", 3600.0),
    ("minutes", 60.0),
    ("seconds", 1.0),
)


def _format_duration(delta: pd.Timedelta | None) -> str:
    """Say a window in words: "7 days", "2 hours", "30 minutes" (exact units when they fit)."""
    if delta is None:
        return "no limit"
    seconds = delta.total_seconds()
    for unit, size in _TIME_UNITS:
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return f"{n} {unit[:-1] if n == 1 else unit}"
    return _format_seconds(seconds)


def _minutes_or_hours(seconds: float) -> str:
    """Say a duration in minutes below two hours, else in hours (one decimal)."""
    return f"{seconds / 60:,.1f} minutes" if seconds < 7200 else f"{seconds / 3600:,.1f} hours"


def _format_seconds(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
