"""Channel paths from events: the touchpoints before each conversion, built on the engine.

A *touchpoint* is one channel value per session (the session's first event carrying that
channel; without ``session_id`` every event with a channel value). A *conversion path* is
the customer's touchpoints within ``lookback`` before a conversion event and after their
previous conversion; a *null path* is the touchpoints after a customer's last conversion
(or all, if they never converted), within ``lookback`` before their last touchpoint.
Only the distinct paths (ChannelAttribution format) and per-channel time-decay credits
come back to pandas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib._types import Frame
from cxlib.engine import to_pandas
from cxlib.journey._frames import lazy, timed

__all__ = ["ChannelPaths", "channel_paths"]

PATH_SEP = " > "


@dataclass(frozen=True)
class ChannelPaths:
    """Channel paths built from events.

    Attributes
    ----------
    paths : pandas.DataFrame
        ChannelAttribution format: ``path`` (str, channels joined by ``" > "``),
        ``conversions`` (int64), ``value`` (float64), ``nulls`` (int64); one row per
        distinct path, most conversions first.
    time_decay : pandas.DataFrame or None
        ``channel``, ``conversions``, ``value``: time-decay credits computed from the
        touchpoints' real ages (None unless requested).
    conversions, value : float
        All conversion events and their value, with or without touchpoints.
    """

    paths: pd.DataFrame
    time_decay: pd.DataFrame | None
    conversions: float
    value: float


def _touch_frame(
    events: Frame,
    *,
    channel: str,
    conversion_event: str,
    value: str | None,
    lookback_us: int,
    max_touchpoints: int,
) -> tuple[nw.LazyFrame[Any], nw.LazyFrame[Any]]:
    """Build the per-touch rows of every path and the conversions.

    Touches: ``customer_id, _path, _t, _ch, _end, _conv, _val, _null, _pos, _n``;
    conversions: ``customer_id, _tc, _val``.
    """
    frame = lazy(events)
    names = frame.collect_schema().names()
    cols: list[Any] = ["customer_id", "event", "ts", nw.col(channel).cast(nw.String).alias("_ch")]
    if "session_id" in names:
        cols.append("session_id")
    cols.append((nw.col(value).cast(nw.Float64).fill_null(0.0) if value else nw.lit(0.0)).alias("_val"))
    base = timed(frame.select(*cols))

    touches = base.filter(~nw.col("_ch").is_null())
    if "session_id" in names:
        touches = touches.group_by("customer_id", "session_id", "_ch").agg(nw.col("_t").min())
    touches = touches.select("customer_id", "_t", "_ch")

    conversions = base.filter(nw.col("event") == conversion_event).select(
        "customer_id", nw.col("_t").alias("_tc"), "_val"
    )
    numbered = conversions.with_columns(
        _tp=nw.col("_tc").shift(1).over("customer_id", order_by=["_tc", "_val"])
    ).with_row_index("_path", order_by=["customer_id", "_tc", "_val"])
    converted = (
        numbered.join(touches, on="customer_id")
        .filter(
            (nw.col("_t") <= nw.col("_tc"))
            & (nw.col("_t") >= nw.col("_tc") - lookback_us)
            & (nw.col("_tp").is_null() | (nw.col("_t") > nw.col("_tp")))
        )
        .select(
            "customer_id",
            nw.col("_path").cast(nw.Int64),
            "_t",
            "_ch",
            nw.col("_tc").alias("_end"),
            nw.lit(1).cast(nw.Int64).alias("_conv"),
            "_val",
            nw.lit(0).cast(nw.Int64).alias("_null"),
        )
    )
    last = conversions.group_by("customer_id").agg(nw.col("_tc").max().alias("_tl"))
    unconverted = (
        touches.join(last, on="customer_id", how="left")
        .filter(nw.col("_tl").is_null() | (nw.col("_t") > nw.col("_tl")))
        .with_columns(_end=nw.col("_t").max().over("customer_id"))
        .filter(nw.col("_t") >= nw.col("_end") - lookback_us)
        .select(
            "customer_id",
            nw.lit(-1).cast(nw.Int64).alias("_path"),
            "_t",
            "_ch",
            "_end",
            nw.lit(0).cast(nw.Int64).alias("_conv"),
            nw.lit(0.0).cast(nw.Float64).alias("_val"),
            nw.lit(1).cast(nw.Int64).alias("_null"),
        )
    )
    keys = ["customer_id", "_path"]
    rows = nw.concat([converted, unconverted]).with_columns(_one=nw.lit(1))
    rows = rows.with_columns(
        _pos=nw.col("_one").cum_sum().over(*keys, order_by=["_t", "_ch"]),
        _n=nw.col("_one").sum().over(*keys),
    )
    # keep the last `max_touchpoints` touches of long paths, renumbered from 1
    kept = nw.min_horizontal(nw.col("_n"), nw.lit(max_touchpoints))
    rows = rows.filter(nw.col("_pos") > nw.col("_n") - max_touchpoints).with_columns(
        _pos=nw.col("_pos") - nw.col("_n") + kept, _n=kept
    )
    return rows, conversions


def channel_paths(
    events: Frame,
    *,
    channel: str = "source",
    conversion_event: str = "purchase",
    value: str | None = "revenue",
    lookback_us: int,
    max_touchpoints: int = 20,
    half_life_s: float | None = None,
) -> ChannelPaths:
    """Build the ChannelAttribution path table (and time-decay credits) from events.

    Parameters
    ----------
    events : frame
        Required columns: ``customer_id``, ``ts``, ``event``, ``channel``; optional
        ``session_id`` and the ``value`` column.
    channel : str
        Column naming the marketing channel of a touchpoint (null = not a touchpoint).
    conversion_event : str
    value : str or None
        Column with each conversion's value; None counts value 0.
    lookback_us : int
        Lookback window in microseconds.
    max_touchpoints : int
        Longer paths keep their last ``max_touchpoints`` touchpoints.
    half_life_s : float, optional
        Half-life in seconds (> 0) for time-decay credits: weight 2^(−age/half-life), age =
        time from touchpoint to conversion, normalised per path.

    Returns
    -------
    ChannelPaths
    """
    rows, conversions = _touch_frame(
        events,
        channel=channel,
        conversion_event=conversion_event,
        value=value,
        lookback_us=lookback_us,
        max_touchpoints=max_touchpoints,
    )
    totals = to_pandas(conversions.select(nw.len().alias("n"), nw.col("_val").sum().alias("v")))
    paths, decay = _path_table(rows, max_touchpoints, half_life_s)
    return ChannelPaths(
        paths=paths,
        time_decay=decay,
        conversions=float(totals["n"].iloc[0]),
        value=float(0.0 if pd.isna(totals["v"].iloc[0]) else totals["v"].iloc[0]),
    )


def _path_table(
    rows: nw.LazyFrame[Any], width: int, half_life_s: float | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Distinct paths with their totals, in one engine query.

    With a half-life, each touch's time-decay share of its path (weight 2^(−age/half-life),
    normalised per path) is pivoted beside its channel and summed per distinct path, so the
    per-channel credits come out of the same query.
    """
    slots = [f"_c{i}" for i in range(1, width + 1)]
    wide = rows.with_columns(
        *[nw.when(nw.col("_pos") == i).then(nw.col("_ch")).alias(s) for i, s in enumerate(slots, 1)]
    )
    decay_cols: list[str] = []
    if half_life_s is not None:
        rate = math.log(2.0) / (half_life_s * 1e6)
        keys = ["customer_id", "_path"]
        wide = wide.with_columns(_w=((nw.col("_t") - nw.col("_end")) * rate).exp())
        wide = wide.with_columns(_share=nw.col("_w") / nw.col("_w").sum().over(*keys))
        wide = wide.with_columns(
            _sc=nw.col("_share") * nw.col("_conv"), _sv=nw.col("_share") * nw.col("_val")
        )
        for i in range(1, width + 1):
            decay_cols += [f"_dc{i}", f"_dv{i}"]
        wide = wide.with_columns(
            *[nw.when(nw.col("_pos") == i).then(nw.col("_sc")).alias(f"_dc{i}") for i in range(1, width + 1)],
            *[nw.when(nw.col("_pos") == i).then(nw.col("_sv")).alias(f"_dv{i}") for i in range(1, width + 1)],
        )
    per_path = wide.group_by("customer_id", "_path").agg(
        *[nw.col(s).max() for s in slots],
        nw.col("_conv").max(),
        nw.col("_val").max(),
        nw.col("_null").max(),
        *[nw.col(c).max() for c in decay_cols],
    )
    counted = (
        per_path.with_columns(*[nw.col(s).fill_null("") for s in slots])
        .group_by(slots)
        .agg(
            nw.col("_conv").sum().alias("conversions"),
            nw.col("_val").sum().alias("value"),
            nw.col("_null").sum().alias("nulls"),
            *[nw.col(c).sum() for c in decay_cols],
        )
        .sort(slots)
    )
    table = to_pandas(counted)
    channels = table[slots].astype("str").to_numpy()
    out = pd.DataFrame(
        {
            "path": pd.Series([PATH_SEP.join(c for c in row if c) for row in channels], dtype="str"),
            "conversions": table["conversions"].astype("int64").to_numpy(),
            "value": table["value"].astype("float64").to_numpy(),
            "nulls": table["nulls"].astype("int64").to_numpy(),
        }
    )
    out = out.sort_values(["conversions", "nulls", "path"], ascending=[False, False, True], kind="stable")
    decay = None
    if half_life_s is not None:
        credits = pd.DataFrame(
            {
                "channel": channels.ravel(),
                "conversions": table[[f"_dc{i}" for i in range(1, width + 1)]]
                .to_numpy(dtype="float64")
                .ravel(),
                "value": table[[f"_dv{i}" for i in range(1, width + 1)]].to_numpy(dtype="float64").ravel(),
            }
        )
        credits = credits[credits["channel"] != ""].fillna({"conversions": 0.0, "value": 0.0})
        decay = credits.groupby("channel", as_index=False, sort=True)[["conversions", "value"]].sum()
        decay = decay.astype({"channel": "str", "conversions": "float64", "value": "float64"})
    return out.reset_index(drop=True), decay
