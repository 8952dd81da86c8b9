"""Cart abandonment: how many carts end without a purchase, by segment and checkout step.

Cart abandonment rate = 1 − purchases / carts (docs/methods.md; Baymard Institute's long-run
average is about 70 %). A unit (session by default, or customer) *has a cart* when it has a
cart event; the cart is *abandoned* when no purchase follows at or after its first cart
event (within ``window``). Per-unit work runs on the engine with the funnel machinery of
:mod:`cxlib.journey.funnels`; one small table of counts per (segment, checkout depth,
purchased) comes back, and every breakdown is summed from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import narwhals.stable.v2 as nw
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import to_pandas
from cxlib.estimate import Estimate
from cxlib.journey._frames import (
    as_duration,
    check_events,
    duration_micros,
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

__all__ = ["CartAbandonmentResult", "cart_abandonment"]


@dataclass(frozen=True)
class CartAbandonmentResult(ResultBase):
    """Cart abandonment overall, by segment, by checkout step, and the last events before it.

    Attributes
    ----------
    overall : Estimate
        Abandonment rate of all carts, Wilson interval, ``n`` = carts.
    table : pandas.DataFrame
        One row per breakdown × segment: ``dimension`` (str, e.g. ``"device"`` or
        ``"channel × device"``), ``segment`` (str, values joined by ``" / "``), ``carts``,
        ``abandoned`` (int64), ``rate``, ``ci_low``, ``ci_high`` (float64); with
        ``min_n`` > 0 also ``suppressed`` (bool).
    steps : pandas.DataFrame
        One row per checkout step: ``step`` (int64), ``step_name`` (str), ``reached``
        (int64, carts that got this far in order), ``abandoned`` (int64, of those, not
        purchased), ``abandon_rate``, ``ci_low``, ``ci_high`` (float64), ``stopped_here``
        (int64, abandoned carts whose furthest step is this one), ``share_of_abandoned``
        (float64).
    last_events : pandas.DataFrame
        The last event of abandoned carts (after the cart event, within the window):
        ``event`` (str), ``units`` (int64), ``share`` (float64); top ``top_events``.
    count : str
    alpha : float
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=("dimension", "segment", "carts", "abandoned", "rate", "ci_low", "ci_high"),
        percent_cols=("rate", "ci_low", "ci_high"),
        labels={
            "dimension": "By",
            "segment": "Segment",
            "carts": "Carts",
            "abandoned": "Abandoned",
            "rate": "Rate",
            "ci_low": "CI low",
            "ci_high": "CI high",
        },
        max_rows=None,
    )

    overall: Estimate
    table: pd.DataFrame
    steps: pd.DataFrame
    last_events: pd.DataFrame
    count: str
    alpha: float

    def figure(self) -> go.Figure:
        """Abandonment rate per segment with its interval, one colour per breakdown."""
        table = self.table[~self.table["suppressed"]] if "suppressed" in self.table else self.table
        fig = go.Figure()
        for dimension, part in table.groupby("dimension", sort=False):
            fig.add_trace(
                go.Bar(
                    name=str(dimension),
                    y=[f"{s}" for s in part["segment"]],
                    x=part["rate"],
                    orientation="h",
                    offsetgroup="rate",
                    error_x=dict(
                        type="data",
                        symmetric=False,
                        array=(part["ci_high"] - part["rate"]).tolist(),
                        arrayminus=(part["rate"] - part["ci_low"]).tolist(),
                    ),
                    customdata=part[["carts", "abandoned"]].to_numpy(),
                    hovertemplate="%{y}: %{x:.1%} of %{customdata[0]:,} carts abandoned<extra></extra>",
                )
            )
        level = round(100 * (1 - self.alpha))
        fig.update_layout(
            template="cxlab",
            title=dict(text=f"Cart abandonment rate by segment ({level}% intervals)"),
            xaxis=dict(title=dict(text="abandoned carts"), tickformat=".0%", rangemode="tozero"),
            yaxis=dict(autorange="reversed", type="category"),
            hovermode="closest",
            height=max(320, 120 + 30 * len(table)),
        )
        fig.add_vline(
            x=self.overall.value,
            line_dash="dot",
            line_color="#616e7c",
            annotation_text=f"all carts {self.overall.value:.1%}",
            annotation_position="top",
        )
        return fig

    def steps_figure(self) -> go.Figure:
        """Where abandoned carts stopped: share of abandoned carts by furthest checkout step."""
        return viz.bar(
            self.steps.assign(step_name=self.steps["step_name"].map(shown_step)),
            "step_name",
            "share_of_abandoned",
            percent=True,
            title="Where abandoned carts stopped (furthest checkout step)",
            labels={"step_name": "", "share_of_abandoned": "share of abandoned carts"},
        )

    def summary(self) -> list[str]:
        """Overall rate, the highest and lowest segments, and the main exit step."""
        if self.overall.n == 0:
            return [f"No {self.count} had a cart."]
        interval = format_interval(
            self.overall.ci_low, self.overall.ci_high, format_percent, level=1 - self.overall.alpha
        )
        out = [
            f"{self.overall.value:.1%} of {plural(self.overall.n, 'cart')} ({self.count}) were abandoned "
            f"({interval})."
        ]
        shown = self.table[~self.table["suppressed"]] if "suppressed" in self.table else self.table
        for dimension, part in shown.groupby("dimension", sort=False):
            if len(part) < 2:
                continue
            hi, lo = part.loc[part["rate"].idxmax()], part.loc[part["rate"].idxmin()]
            out.append(
                f"By {dimension}: highest {hi['segment']} ({hi['rate']:.1%}), "
                f"lowest {lo['segment']} ({lo['rate']:.1%})."
            )
        if not self.steps.empty and self.steps["stopped_here"].sum() > 0:
            top = self.steps.loc[self.steps["stopped_here"].idxmax()]
            where = shown_step(top["step_name"])
            out.append(f"{top['share_of_abandoned']:.1%} of abandoned carts stopped after {where}.")
        return out

    def last_event_summary(self) -> list[str]:
        """Say what most abandoned carts did last."""
        if self.last_events.empty:
            return []
        top = self.last_events.iloc[0]
        last = event_label(top["event"])
        return [f"The last thing most abandoned carts did was {last} ({top['share']:.1%} of them)."]


def cart_abandonment(
    events: Frame,
    *,
    by: str | Sequence[str | Sequence[str]] | None = ("device", "channel"),
    cart_event: str = "add_to_cart",
    purchase_event: str = "purchase",
    checkout_steps: Sequence[str] = ("add_to_cart", "checkout_start", "payment"),
    count: Literal["customers", "sessions"] = "sessions",
    window: Any = None,
    alpha: float = 0.05,
    min_n: int = 0,
    top_events: int = 5,
) -> CartAbandonmentResult:
    """Cart abandonment rate with Wilson intervals, by segment and by checkout step.

    Parameters
    ----------
    events : frame
        Any supported frame. Required columns: ``customer_id``, ``ts``, ``event``,
        ``session_id`` (with ``count="sessions"``) and the ``by`` columns.
    by : str or list, default ("device", "channel")
        Breakdowns: each item is a column or a tuple of columns (``("channel", "device")``
        crosses them). A cart's segment is that of its first cart event.
    cart_event, purchase_event : str
    checkout_steps : sequence of str
        The checkout in order, starting with the cart event (prepended if missing); the
        depth of a cart is how far it got in this order (funnel semantics, strict order).
    count : {"sessions", "customers"}
        Unit: a session (the usual definition) or a customer.
    window : str or timedelta, optional
        A purchase must follow the first cart event within this time. None: any time in the
        unit (for sessions, the session).
    alpha : float, default 0.05
    min_n : int, default 0
        Segments with fewer carts are suppressed.
    top_events : int, default 5
        Rows kept in ``.last_events`` (0 skips that query).

    Returns
    -------
    CartAbandonmentResult

    Examples
    --------
    >>> cart_abandonment(shop.events, by=[("channel", "device")]).table  # doctest: +SKIP
    """
    breakdowns = _breakdowns(by)
    columns = list(dict.fromkeys(c for b in breakdowns for c in b))
    keys = unit_keys(count)
    check_events(events, ["customer_id", "ts", "event", *keys, *columns], purpose="cart abandonment")
    steps = list(checkout_steps)
    if not steps or steps[0] != cart_event:
        steps = [cart_event, *[s for s in steps if s != cart_event]]
    sets = normalize_steps(steps)
    window_us = duration_micros(as_duration(window, "window"))

    base = event_base(events, keys, columns)
    per_unit = match_steps(base, sets, keys, order="strict", window_us=window_us, with_segment=bool(columns))
    depth = nw.sum_horizontal(
        *[(~nw.col(f"_d{k}").is_null()).cast(nw.Int64) for k in range(1, len(sets) + 1)]
    )
    extra = ["_seg"] if columns else []
    carts = per_unit.with_columns(_depth=depth).select(*keys, "_t1", "_depth", *extra)
    after_cart = nw.col("_p") >= nw.col("_t1")
    if window_us is not None:
        after_cart = after_cart & (nw.col("_p") <= nw.col("_t1") + nw.lit(window_us))
    purchases = base.filter(nw.col("event") == purchase_event).select(*keys, nw.col("_t").alias("_p"))
    per_cart = (
        carts.join(purchases, on=keys, how="left")
        .with_columns(_p=nw.when(after_cart).then(nw.col("_p")))
        .group_by(keys)
        .agg(
            nw.col("_t1").min(), nw.col("_depth").min(), *[nw.col(c).min() for c in extra], nw.col("_p").min()
        )
        .with_columns(_bought=~nw.col("_p").is_null())
    )
    groups = [*extra, "_depth", "_bought"]
    if top_events > 0:
        per_cart = _with_last_event(base, per_cart, keys, window_us)
        groups.append("_last")
    counted = to_pandas(per_cart.group_by(*groups).agg(nw.len().alias("units")).sort(*groups))
    counted["units"] = counted["units"].astype("int64")
    counted["_bought"] = counted["_bought"].astype(bool)
    if columns:
        counted = pd.concat([split_segments(counted["_seg"], columns), counted.drop(columns="_seg")], axis=1)

    n_carts = int(counted["units"].sum())
    n_abandoned = int(counted.loc[~counted["_bought"], "units"].sum())
    low, high = wilson_interval(n_abandoned, n_carts, alpha)
    overall = Estimate(
        n_abandoned / n_carts if n_carts else float("nan"), float(low), float(high), n_carts, alpha
    )
    table = _segment_table(counted, breakdowns, alpha)
    if min_n > 0:
        table = suppress_small(
            table, "carts", min_n, columns=["carts", "abandoned", "rate", "ci_low", "ci_high"]
        )
    last = _last_events(counted, top_events) if top_events > 0 else _empty_last()
    return CartAbandonmentResult(
        overall=overall,
        table=table,
        steps=_step_table(counted, sets, alpha),
        last_events=last,
        count=count,
        alpha=alpha,
    )


def _breakdowns(by: str | Sequence[str | Sequence[str]] | None) -> list[tuple[str, ...]]:
    if by is None:
        return []
    items = [by] if isinstance(by, str) else list(by)
    out = []
    for item in items:
        cols = (item,) if isinstance(item, str) else tuple(item)
        if not cols or not all(isinstance(c, str) and c for c in cols):
            raise ValueError(f"by must list column names or tuples of column names, not {by!r}")
        out.append(cols)
    return out


def _segment_table(counted: pd.DataFrame, breakdowns: list[tuple[str, ...]], alpha: float) -> pd.DataFrame:
    parts = []
    abandoned = counted["units"].where(~counted["_bought"], 0)
    frame = counted.assign(_abandoned=abandoned)
    for cols in breakdowns:
        grouped = frame.groupby(list(cols), sort=True)[["units", "_abandoned"]].sum().reset_index()
        label = [
            " / ".join(map(str, values)) for values in grouped[list(cols)].itertuples(index=False, name=None)
        ]
        parts.append(
            pd.DataFrame(
                {
                    "dimension": " × ".join(cols),
                    "segment": label,
                    "carts": grouped["units"],
                    "abandoned": grouped["_abandoned"],
                }
            )
        )
    dtypes = {
        "dimension": "str",
        "segment": "str",
        "carts": "int64",
        "abandoned": "int64",
        "rate": "float64",
        "ci_low": "float64",
        "ci_high": "float64",
    }
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in dtypes.items()})
    table = pd.concat(parts, ignore_index=True)
    table["rate"] = table["abandoned"] / table["carts"]
    table["ci_low"], table["ci_high"] = wilson_interval(table["abandoned"], table["carts"], alpha)
    return table.astype(dtypes)[list(dtypes)]


def _step_table(counted: pd.DataFrame, sets: list[tuple[str, ...]], alpha: float) -> pd.DataFrame:
    depth = counted["_depth"].astype("int64")
    lost = ~counted["_bought"]
    total_abandoned = int(counted.loc[lost, "units"].sum())
    rows = []
    for k, step in enumerate(sets, start=1):
        reached = int(counted.loc[depth >= k, "units"].sum())
        abandoned = int(counted.loc[(depth >= k) & lost, "units"].sum())
        stopped = int(counted.loc[(depth == k) & lost, "units"].sum())
        rows.append(
            {
                "step": k,
                "step_name": step_label(step),
                "reached": reached,
                "abandoned": abandoned,
                "abandon_rate": abandoned / reached if reached else float("nan"),
                "stopped_here": stopped,
                "share_of_abandoned": stopped / total_abandoned if total_abandoned else float("nan"),
            }
        )
    table = pd.DataFrame(rows)
    table["ci_low"], table["ci_high"] = wilson_interval(table["abandoned"], table["reached"], alpha)
    order = [
        "step",
        "step_name",
        "reached",
        "abandoned",
        "abandon_rate",
        "ci_low",
        "ci_high",
        "stopped_here",
        "share_of_abandoned",
    ]
    return table[order].astype(
        {
            "step": "int64",
            "step_name": "str",
            "reached": "int64",
            "abandoned": "int64",
            "stopped_here": "int64",
        }
    )


def _with_last_event(
    base: nw.LazyFrame[Any], per_cart: nw.LazyFrame[Any], keys: list[str], window_us: int | None
) -> nw.LazyFrame[Any]:
    """Add ``_last``, the unit's last event after the cart event (ties: the largest name).

    Every column of ``per_cart`` is carried through the join, so the per-cart frame is
    referenced once (DuckDB would otherwise compute it twice).
    """
    inside = nw.col("_t") >= nw.col("_t1")
    if window_us is not None:
        inside = inside & (nw.col("_t") <= nw.col("_t1") + nw.lit(window_us))
    carried = [c for c in per_cart.collect_schema().names() if c not in keys]
    return (
        per_cart.with_columns(_bought=nw.col("_bought").cast(nw.Int8))
        .join(base.select(*keys, "_t", "event"), on=keys)
        .filter(inside)
        .with_columns(_tm=nw.col("_t").max().over(*keys))
        .filter(nw.col("_t") == nw.col("_tm"))
        .group_by(keys)
        .agg(*[nw.col(c).min() for c in carried], nw.col("event").max().alias("_last"))
        .with_columns(_bought=nw.col("_bought") == 1)
    )


def _last_events(counted: pd.DataFrame, top: int) -> pd.DataFrame:
    """Find the most frequent last events of abandoned carts, from the counts table."""
    lost = counted[~counted["_bought"]]
    units = lost.groupby("_last")["units"].sum()
    if units.empty:
        return _empty_last()
    out = pd.DataFrame({"event": units.index.astype("str"), "units": units.to_numpy(dtype="int64")})
    out["share"] = out["units"] / int(out["units"].sum())
    out = out.sort_values(["units", "event"], ascending=[False, True], kind="stable").head(top)
    return out.astype({"event": "str", "units": "int64", "share": "float64"}).reset_index(drop=True)


def _empty_last() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event": pd.Series(dtype="str"),
            "units": pd.Series(dtype="int64"),
            "share": pd.Series(dtype="float64"),
        }
    )
