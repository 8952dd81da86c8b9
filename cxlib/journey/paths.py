"""Paths through the journey.

Top paths from a start event or to an end event, the Sankey of the first steps, and the step
matrix (share of units whose k-th event is X).

Each unit's events are put in order on the engine (by timestamp; events with the same
timestamp by event name), optionally with repeated consecutive events collapsed, numbered,
and pivoted to at most ``steps`` columns there. Only the distinct paths come back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal

import narwhals.stable.v2 as nw
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import to_pandas
from cxlib.journey._frames import check_count, check_events, lazy, sentence_start, timed, unit_keys
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import event_label, plural

__all__ = ["PathsResult", "StepMatrixResult", "paths", "step_matrix"]

SEP = " > "
END_NODE = "(end)"
START_NODE = "(start)"
OTHER = "other"
ENDED = "(ended)"


@dataclass(frozen=True)
class PathsResult(ResultBase):
    """The most common paths and the flows of their first steps.

    Attributes
    ----------
    table : pandas.DataFrame
        The ``top`` most common paths: ``path`` (str, events joined by ``" > "``),
        ``length`` (int64), ``units`` (int64), ``share`` (float64, of all anchored units).
    all_paths : pandas.DataFrame
        Every distinct path, same columns, most common first.
    links : pandas.DataFrame
        Flows between consecutive steps for the Sankey: ``step`` (int64, position of the
        source, 1-based), ``source``, ``target`` (str; rare events grouped as ``"other"``,
        ``"(end)"``/``"(start)"`` where a journey stops or begins), ``units`` (int64).
    units : int
        Units whose path was taken (those with the anchor event, or all units).
    start, end : str or None
        The anchor event.
    steps : int
    count : str
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=("path", "length", "units", "share"),
        percent_cols=("share",),
        labels={"path": "Path", "length": "Events", "units": "Units", "share": "Share"},
        max_rows=None,
    )

    table: pd.DataFrame
    all_paths: pd.DataFrame
    links: pd.DataFrame
    units: int
    start: str | None
    end: str | None
    steps: int
    count: str

    def display_settings(self) -> Display:
        """Show the top paths, captioned with their anchor."""
        return replace(self.DISPLAY, caption=self._caption())

    def display_table(self) -> pd.DataFrame:
        """Return ``.table`` with the events of each path as words (``add_to_cart`` → ``add to cart``)."""
        return self.table.assign(path=self.table["path"].map(_path_words))

    def figure(self) -> go.Figure:
        """Sankey diagram of the first ``steps`` steps (rare events grouped as "other")."""
        nodes: dict[tuple[int, str], int] = {}
        for row in self.links.itertuples():
            for pos, label in ((row.step, row.source), (row.step + 1, row.target)):
                nodes.setdefault((pos, label), len(nodes))
        labels = [event_label(label) for (_, label) in nodes]
        names = sorted(set(labels))
        colour = {name: viz.PALETTE[i % len(viz.PALETTE)] for i, name in enumerate(names)}
        fig = go.Figure(
            go.Sankey(
                arrangement="snap",
                node=dict(
                    label=labels,
                    customdata=[f"step {pos}" for (pos, _) in nodes],
                    hovertemplate="%{label} (%{customdata}): %{value:,} " + self.count + "<extra></extra>",
                    color=[colour[label] for label in labels],
                    pad=12,
                    thickness=14,
                ),
                link=dict(
                    source=[nodes[(r.step, r.source)] for r in self.links.itertuples()],
                    target=[nodes[(r.step + 1, r.target)] for r in self.links.itertuples()],
                    value=self.links["units"].tolist(),
                    hovertemplate="%{source.label} → %{target.label}: %{value:,}<extra></extra>",
                ),
            )
        )
        fig.update_layout(template="cxlab", title=dict(text=self._title()), hovermode="closest")
        return fig

    def bar_figure(self) -> go.Figure:
        """Horizontal bars of the top paths' shares."""
        return viz.bar(
            self.display_table(),
            "path",
            "share",
            horizontal=True,
            percent=True,
            title=self._title(),
            labels={"path": "", "share": f"share of {self.count}"},
            height=max(320, 60 + 28 * len(self.table)),
        )

    def _caption(self) -> str:
        if self.start:
            return f"Top paths from {event_label(self.start)} (first {self.steps} events)"
        if self.end:
            return f"Top paths to {event_label(self.end)} (last {self.steps} events)"
        return f"Top paths (first {self.steps} events)"

    def _title(self) -> str:
        if self.start:
            return f"Paths from {event_label(self.start)} (first {self.steps} steps)"
        if self.end:
            return f"Paths to {event_label(self.end)} (last {self.steps} steps)"
        return f"First {self.steps} steps of each journey"

    def summary(self) -> list[str]:
        """Describe the most common path and how concentrated paths are."""
        if self.table.empty:
            return ["No journeys matched."]
        top = self.table.iloc[0]
        covered = float(self.table["share"].sum())
        unit = self.count[:-1]
        top_paths = f"The top {plural(len(self.table), 'path')} cover" if len(self.table) > 1 else "It covers"
        return [
            f"The most common path is {_path_words(top['path'])}, taken by {plural(top['units'], unit)} "
            f"({top['share']:.1%}).",
            f"{top_paths} {covered:.1%} of {plural(self.units, unit)}; "
            f"{plural(len(self.all_paths), 'distinct path')} in all.",
        ]


def _path_words(path: str) -> str:
    """Write a path's events as words: ``product_view > add_to_cart`` → ``product view > add to cart``."""
    return SEP.join(event_label(event) for event in str(path).split(SEP))


@dataclass(frozen=True)
class StepMatrixResult(ResultBase):
    """Share of units whose k-th event is X.

    Attributes
    ----------
    table : pandas.DataFrame
        Index = event (plus ``"(ended)"`` for units with fewer than k events), columns =
        positions 1..steps (int), values = share of units (float64; columns sum to 1).
    counts : pandas.DataFrame
        Same shape, numbers of units (int64).
    units : int
    """

    table: pd.DataFrame
    counts: pd.DataFrame
    units: int
    count: str

    def display_settings(self) -> Display:
        """Events as rows, positions as percentage columns."""
        return Display(index=True, percent_cols=tuple(self.table.columns), max_rows=None)

    def display_table(self) -> pd.DataFrame:
        """``.table`` with the events as words (the data keep their names)."""
        return self.table.rename(index=event_label)

    def figure(self) -> go.Figure:
        """Heatmap of the step matrix."""
        return viz.heatmap(
            self.table.rename(index=event_label),
            title=f"Share of {self.count} whose k-th event is …",
            x_title="position in the journey",
            y_title="event",
        )

    def summary(self) -> list[str]:
        """Most common first event and how quickly journeys end."""
        if self.units == 0:
            return ["No journeys."]
        first = self.table[1].drop(ENDED, errors="ignore")
        last_col = self.table.columns[-1]
        ended = float(self.table.loc[ENDED, last_col]) if ENDED in self.table.index else 0.0
        return [
            f"{sentence_start(event_label(first.idxmax()))} is the most common first event "
            f"({first.max():.1%} of "
            f"{plural(self.units, self.count[:-1])}).",
            f"{ended:.1%} of journeys have ended before step {last_col}.",
        ]


def _sequence(events: Frame, keys: list[str], collapse: bool) -> nw.LazyFrame[Any]:
    """Each unit's events numbered 1, 2, ... (``_pos``) in time order (ties: event name)."""
    frame = lazy(events)
    if "session_id" in keys:
        frame = frame.filter(~nw.col("session_id").is_null())
    order_by = ["_t", "event"]
    seq = timed(frame.select(*keys, "event", "ts"))
    if collapse:
        seq = seq.with_columns(_prev=nw.col("event").shift(1).over(*keys, order_by=order_by)).filter(
            nw.col("_prev").is_null() | (nw.col("_prev") != nw.col("event"))
        )
    return seq.with_columns(_one=nw.lit(1)).with_columns(
        _pos=nw.col("_one").cum_sum().over(*keys, order_by=order_by)
    )


def _anchored(
    seq: nw.LazyFrame[Any], keys: list[str], start: str | None, end: str | None, steps: int
) -> nw.LazyFrame[Any]:
    """Relative position ``_rel`` (0-based) from the first ``start`` / back from the first ``end``."""
    if start is not None or end is not None:
        anchor = start if start is not None else end
        seq = (
            seq.with_columns(_a=nw.when(nw.col("event") == anchor).then(nw.col("_pos")))
            .with_columns(_a=nw.col("_a").min().over(*keys))
            .filter(~nw.col("_a").is_null())
        )
        rel = nw.col("_pos") - nw.col("_a") if start is not None else nw.col("_a") - nw.col("_pos")
    else:
        rel = nw.col("_pos") - 1
    return seq.with_columns(_rel=rel).filter((nw.col("_rel") >= 0) & (nw.col("_rel") < steps))


def _check_path_options(steps: int, start: str | None, end: str | None) -> None:
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, not {steps!r}")
    if start is not None and end is not None:
        raise ValueError("give start or end, not both")


def paths(
    events: Frame,
    *,
    start: str | None = None,
    end: str | None = None,
    steps: int = 5,
    collapse_repeats: bool = True,
    count: Literal["customers", "sessions"] = "customers",
    top: int = 20,
    nodes_per_step: int = 6,
) -> PathsResult:
    """Find the most common paths through the events, and a Sankey of their first steps.

    Each unit's events are ordered by time (same timestamp: by event name). With ``start``
    the path begins at the unit's first ``start`` event and takes up to ``steps`` events;
    with ``end`` it is the up to ``steps`` events that lead to (and include) the unit's
    first ``end`` event; with neither, the unit's first ``steps`` events. Units without the
    anchor event are left out.

    Parameters
    ----------
    events : frame
        Any supported frame. Required columns: ``customer_id``, ``ts``, ``event``
        (``session_id`` with ``count="sessions"``).
    start, end : str, optional
        Anchor event (one of them, or neither).
    steps : int, default 5
        Events per path.
    collapse_repeats : bool, default True
        Merge runs of the same event (``view > view > cart`` becomes ``view > cart``)
        before taking the steps.
    count : {"customers", "sessions"}
    top : int, default 20
        Paths kept in ``.table``.
    nodes_per_step : int, default 6
        Sankey nodes per step; rarer events at that step are grouped as ``"other"``.

    Returns
    -------
    PathsResult

    Examples
    --------
    >>> p = paths(shop.events, end="purchase", steps=4, count="sessions")  # doctest: +SKIP
    >>> p.table.head()  # doctest: +SKIP
    """
    _check_path_options(steps, start, end)
    keys = unit_keys(count)
    check_events(events, ["customer_id", "ts", "event", *keys], purpose="paths")
    rel = _anchored(_sequence(events, keys, collapse_repeats), keys, start, end, steps)
    wide = rel.with_columns(
        *[nw.when(nw.col("_rel") == r).then(nw.col("event")).alias(f"_e{r}") for r in range(steps)]
    )
    per_unit = wide.group_by(keys).agg(*[nw.col(f"_e{r}").max() for r in range(steps)])
    columns = [f"_e{r}" for r in range(steps)]
    counted = (
        per_unit.with_columns(*[nw.col(c).fill_null("") for c in columns])
        .group_by(columns)
        .agg(nw.len().alias("units"))
        .sort(columns)
    )
    distinct = to_pandas(counted)
    sequences = [
        tuple(e for e in row if e)
        for row in distinct[columns].astype("str").itertuples(index=False, name=None)
    ]
    if end is not None:
        sequences = [tuple(reversed(s)) for s in sequences]
    units = distinct["units"].astype("int64").to_numpy()
    total = int(units.sum())
    all_paths = pd.DataFrame(
        {
            "path": [SEP.join(s) for s in sequences],
            "length": [len(s) for s in sequences],
            "units": units,
            "share": units / total if total else units * 0.0,
        }
    ).astype({"path": "str", "length": "int64", "units": "int64", "share": "float64"})
    all_paths = all_paths.sort_values(["units", "path"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    links = _sankey_links(
        sequences, units, steps, aligned_right=end is not None, nodes_per_step=nodes_per_step
    )
    return PathsResult(
        table=all_paths.head(top).reset_index(drop=True),
        all_paths=all_paths,
        links=links,
        units=total,
        start=start,
        end=end,
        steps=steps,
        count=count,
    )


def _sankey_links(
    sequences: list[tuple[str, ...]], units: Any, steps: int, *, aligned_right: bool, nodes_per_step: int
) -> pd.DataFrame:
    """Flows between consecutive positions, rare events grouped per position."""
    grid: list[list[str | None]] = []
    for seq in sequences:
        row: list[str | None] = [None] * (steps + 1)
        if aligned_right:  # paths to an end event: the end event last, "(start)" before short paths
            offset = steps - len(seq)
            row[offset:steps] = list(seq)
            if offset > 0:
                row[offset - 1] = START_NODE
        else:
            row[: len(seq)] = list(seq)
            if len(seq) < steps:
                row[len(seq)] = END_NODE
        grid.append(row)
    frame = pd.DataFrame(grid, columns=list(range(steps + 1)), dtype=object)
    frame["units"] = units
    for col in range(steps + 1):
        totals = frame.groupby(col, dropna=True)["units"].sum()
        keep = set(totals.drop([END_NODE, START_NODE], errors="ignore").nlargest(nodes_per_step).index)
        keep |= {END_NODE, START_NODE}
        frame[col] = frame[col].where(frame[col].isna() | frame[col].isin(keep), OTHER)
    parts = []
    for col in range(steps):
        pair = frame[[col, col + 1, "units"]].dropna(subset=[col, col + 1])
        grouped = pair.groupby([col, col + 1], sort=True)["units"].sum().reset_index()
        grouped.columns = ["source", "target", "units"]
        grouped.insert(0, "step", col + 1)
        parts.append(grouped)
    links = pd.concat(parts, ignore_index=True)
    return links.astype({"step": "int64", "source": "str", "target": "str", "units": "int64"})


def step_matrix(
    events: Frame,
    *,
    steps: int = 10,
    start: str | None = None,
    collapse_repeats: bool = False,
    count: Literal["customers", "sessions"] = "customers",
) -> StepMatrixResult:
    """Share of units whose k-th event is X, for k = 1..steps.

    Parameters
    ----------
    events : frame
        Any supported frame. Required columns: ``customer_id``, ``ts``, ``event``
        (``session_id`` with ``count="sessions"``).
    steps : int, default 10
    start : str, optional
        Count positions from each unit's first ``start`` event (units without it are left
        out); default: from the first event.
    collapse_repeats : bool, default False
        Merge runs of the same event first.
    count : {"customers", "sessions"}

    Returns
    -------
    StepMatrixResult
        ``.table`` rows are events plus ``"(ended)"``; each column sums to 1.

    Examples
    --------
    >>> step_matrix(shop.events, steps=6, count="sessions").table  # doctest: +SKIP
    """
    _check_path_options(steps, start, None)
    check_count(count)
    keys = unit_keys(count)
    check_events(events, ["customer_id", "ts", "event", *keys], purpose="a step matrix")
    rel = _anchored(_sequence(events, keys, collapse_repeats), keys, start, None, steps)
    counted = to_pandas(rel.group_by("_rel", "event").agg(nw.len().alias("units")).sort("_rel", "event"))
    counts = (
        counted.pivot(index="event", columns="_rel", values="units").reindex(columns=range(steps)).fillna(0)
    )
    counts = counts.astype("int64")
    units = int(counts[0].sum()) if len(counts) else 0
    counts.loc[ENDED] = units - counts.sum(axis=0)
    counts.columns = [c + 1 for c in counts.columns]
    counts.index.name = "event"
    order = counts.drop(index=ENDED).sum(axis=1).sort_values(ascending=False, kind="stable").index.tolist()
    counts = counts.loc[[*order, ENDED]].astype("int64")
    shares = counts / units if units else counts.astype("float64")
    return StepMatrixResult(table=shares.astype("float64"), counts=counts, units=units, count=count)
