"""The transition (directly-follows) matrix: how often event A is immediately followed by B.

One window pass on the engine (``shift`` over each unit's ordered events) and one group-by;
the (events × events) counts come back to pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import narwhals.stable.v2 as nw
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import to_pandas
from cxlib.journey._frames import check_events, lazy, sentence_start, timed, unit_keys
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import event_label, plural

__all__ = ["TransitionsResult", "transitions"]

START = "(start)"
END = "(end)"


@dataclass(frozen=True)
class TransitionsResult(ResultBase):
    """Directly-follows counts and probabilities.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per observed transition: ``from`` (str; ``"(start)"`` for a unit's first
        event), ``to`` (str; ``"(end)"`` after its last event), ``count`` (int64),
        ``probability`` (float64, ``count`` over all transitions leaving ``from``).
        Sorted by ``from`` then ``count`` descending.
    count : str
        Unit the sequences belong to (``customers`` or ``sessions``).
    collapse_repeats : bool
    """

    DISPLAY: ClassVar[Display] = Display(percent_cols=("probability",))

    table: pd.DataFrame
    count: str
    collapse_repeats: bool

    def display_table(self) -> pd.DataFrame:
        """``.table`` with the events as words (the data keep their names)."""
        return self.table.assign(**{c: self.table[c].map(event_label) for c in ("from", "to")})

    def matrix(self, values: Literal["probability", "count"] = "probability") -> pd.DataFrame:
        """Wide matrix: rows ``from``, columns ``to`` (missing transitions are 0)."""
        if values not in ("probability", "count"):
            raise ValueError("values must be 'probability' or 'count'")
        wide = self.table.pivot(index="from", columns="to", values=values).fillna(0)
        rows = _state_order(wide.index, first=START)
        cols = _state_order(wide.columns, last=END)
        out = wide.reindex(index=rows, columns=cols).fillna(0)
        return out.astype("int64") if values == "count" else out.astype("float64")

    def figure(self) -> go.Figure:
        """Heatmap of the transition probabilities (rows sum to 1; cells under 0.5 % left blank)."""
        matrix = self.matrix("probability").rename(index=event_label, columns=event_label)
        fig = viz.heatmap(
            matrix,
            title="Which event comes next: row = event, column = next event (share of the row)",
            y_title="event",
        )
        labels = [[f"{v:.0%}" if v >= 0.005 else "" for v in row] for row in matrix.to_numpy()]
        fig.update_traces(text=labels, texttemplate="%{text}")
        fig.update_layout(
            margin=dict(t=150),
            height=170 + 30 * len(matrix.index),
            xaxis=dict(tickangle=-40, tickmode="array", tickvals=list(matrix.columns)),
            yaxis=dict(tickmode="array", tickvals=list(matrix.index)),
        )
        return fig

    def summary(self) -> list[str]:
        """Describe the strongest transitions."""
        inner = self.table[(self.table["from"] != START)]
        if inner.empty:
            return ["No transitions."]
        top = inner.sort_values("count", ascending=False).iloc[0]
        likely = inner[inner["to"] != END].sort_values("probability", ascending=False)
        out = [
            f"The most frequent transition is {event_label(top['from'])} → {event_label(top['to'])} "
            f"({plural(top['count'], 'time')})."
        ]
        if not likely.empty:
            best = likely.iloc[0]
            out.append(
                f"{sentence_start(event_label(best['from']))} is followed by {event_label(best['to'])} "
                f"{best['probability']:.1%} of the time."
            )
        return out


def transitions(
    events: Frame,
    *,
    count: Literal["customers", "sessions"] = "customers",
    collapse_repeats: bool = False,
    include_ends: bool = True,
) -> TransitionsResult:
    """Count the directly-follows matrix of events, with counts and probabilities.

    Each unit's events are ordered by time (same timestamp: by event name); every pair of
    consecutive events is one transition. ``probability`` is the share of transitions out
    of ``from`` that go to ``to`` (the maximum-likelihood first-order Markov estimate).

    Parameters
    ----------
    events : frame
        Any supported frame. Required columns: ``customer_id``, ``ts``, ``event``
        (``session_id`` with ``count="sessions"``).
    count : {"customers", "sessions"}
        Sequences per customer, or per session.
    collapse_repeats : bool, default False
        Merge runs of the same event first (drops self-transitions).
    include_ends : bool, default True
        Add ``(start) → first event`` and ``last event → (end)`` transitions.

    Returns
    -------
    TransitionsResult

    Examples
    --------
    >>> t = transitions(shop.events, count="sessions")  # doctest: +SKIP
    >>> t.matrix().round(2)  # doctest: +SKIP
    """
    keys = unit_keys(count)
    check_events(events, ["customer_id", "ts", "event", *keys], purpose="a transition matrix")
    frame = lazy(events)
    if "session_id" in keys:
        frame = frame.filter(~nw.col("session_id").is_null())
    order_by = ["_t", "event"]
    seq = timed(frame.select(*keys, "event", "ts")).with_columns(
        _to=nw.col("event").shift(-1).over(*keys, order_by=order_by),
        _prev=nw.col("event").shift(1).over(*keys, order_by=order_by),
    )
    seq = seq.with_columns(_first=nw.col("_prev").is_null(), _to=nw.col("_to").fill_null(END))
    grouped = to_pandas(
        seq.group_by("event", "_to", "_first").agg(nw.len().alias("count")).sort("event", "_to", "_first")
    )
    table = _transition_table(grouped, collapse_repeats, include_ends)
    return TransitionsResult(table=table, count=count, collapse_repeats=collapse_repeats)


def _transition_table(grouped: pd.DataFrame, collapse: bool, include_ends: bool) -> pd.DataFrame:
    grouped = grouped.astype({"event": "str", "_to": "str", "count": "int64"})
    pairs = grouped.groupby(["event", "_to"], as_index=False)["count"].sum()
    pairs.columns = ["from", "to", "count"]
    starts = grouped[grouped["_first"].astype(bool)].groupby("event", as_index=False)["count"].sum()
    starts = pd.DataFrame({"from": START, "to": starts["event"], "count": starts["count"]})
    if collapse:
        pairs = pairs[pairs["from"] != pairs["to"]]
    table = pd.concat([starts, pairs], ignore_index=True) if include_ends else pairs[pairs["to"] != END]
    table = table[table["count"] > 0]
    totals = table.groupby("from")["count"].transform("sum")
    table = table.assign(probability=table["count"] / totals)
    table = table.sort_values(["from", "count", "to"], ascending=[True, False, True], kind="stable")
    return table.astype({"from": "str", "to": "str", "count": "int64", "probability": "float64"}).reset_index(
        drop=True
    )


def _state_order(labels: Any, first: str | None = None, last: str | None = None) -> list[str]:
    inner = sorted(str(x) for x in labels if x not in (first, last))
    head = [first] if first is not None and first in set(labels) else []
    tail = [last] if last is not None and last in set(labels) else []
    return head + inner + tail
