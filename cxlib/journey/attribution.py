"""Which channels deserve credit: heuristic models and exact Markov-chain attribution.

Input is either events (paths are built on the engine, see :mod:`cxlib.journey.touchpoints`)
or a path table in the ChannelAttribution format (``path``, ``conversions``, ``value``,
``nulls``). Heuristics are computed exactly from the path table; the Markov model solves the
absorbing chain (:mod:`cxlib.journey.markov`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import cxlib.viz  # noqa: F401  (registers the "cxlab" plotly template the figures use)
from cxlib._types import Frame
from cxlib.engine import to_pandas
from cxlib.errors import DataError
from cxlib.journey._frames import as_duration, check_events, duration_micros, lazy
from cxlib.journey.markov import fit_markov
from cxlib.journey.touchpoints import channel_paths
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import event_label, format_money, format_signed, plural

__all__ = ["METHODS", "AttributionResult", "attribution"]

#: Attribution models, in the order their columns appear.
METHODS: tuple[str, ...] = ("first", "last", "linear", "position", "time_decay", "markov")
METHOD_LABELS: dict[str, str] = {
    "first": "first touch",
    "last": "last touch",
    "linear": "linear",
    "position": "position-based",
    "time_decay": "time decay",
    "markov": "Markov chain",
}


@dataclass(frozen=True)
class AttributionResult(ResultBase):
    """Conversions and value credited to each channel by one or more models.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per channel: ``channel`` (str), then per model ``<method>_conversions`` and
        ``<method>_value`` (float64), and for Markov ``removal_effect`` and
        ``removal_effect_value`` (float64). Every model's conversions sum to
        ``total_conversions`` (its values to ``total_value``).
    paths : pandas.DataFrame
        The path table used (``path``, ``conversions``, ``value``, ``nulls``).
    methods : tuple of str
    total_conversions, total_value : float
        Conversions (value) on paths with at least one touchpoint.
    unattributed_conversions, unattributed_value : float
        Conversions (value) without any touchpoint in the lookback window (events input).
    conversion_probability : float or None
        Markov: P(conversion) of a journey from the start state.
    transition_matrix : pandas.DataFrame or None
        Markov: ``from``, ``to``, ``count``, ``probability``.
    order : int
        Markov order.
    currency : str
        Label of the money amounts in sentences (``""``: none).
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=("channel", "last_conversions", "linear_conversions", "markov_conversions", "removal_effect"),
        percent_cols=("removal_effect",),
        decimals={
            "last_conversions": 0,
            "linear_conversions": 0,
            "markov_conversions": 0,
            "removal_effect": 1,
        },
        labels={
            "channel": "Channel",
            "last_conversions": "Last touch",
            "linear_conversions": "Linear",
            "markov_conversions": "Markov",
            "removal_effect": "Removal effect",
        },
        max_rows=None,
    )

    table: pd.DataFrame
    paths: pd.DataFrame
    methods: tuple[str, ...]
    total_conversions: float
    total_value: float
    unattributed_conversions: float
    unattributed_value: float
    conversion_probability: float | None
    transition_matrix: pd.DataFrame | None
    order: int
    currency: str = ""

    def display_table(self) -> pd.DataFrame:
        """Return ``.table`` with the channels as words (``organic_search`` → ``organic search``)."""
        return self.table.assign(channel=self.table["channel"].map(event_label))

    def long(self, measure: str = "conversions") -> pd.DataFrame:
        """Tidy table: ``channel``, ``method`` (label), ``<measure>``, ``share``."""
        if measure not in ("conversions", "value"):
            raise ValueError("measure must be 'conversions' or 'value'")
        parts = []
        total = self.total_conversions if measure == "conversions" else self.total_value
        for method in self.methods:
            values = self.table[f"{method}_{measure}"]
            parts.append(
                pd.DataFrame(
                    {
                        "channel": self.table["channel"],
                        "method": METHOD_LABELS[method],
                        measure: values,
                        "share": values / total if total else values * 0.0,
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)

    def figure(self, measure: str = "conversions") -> go.Figure:
        """Draw grouped bars: each channel's share of conversions (or value) under each model."""
        title = (
            "Share of conversions credited to each channel"
            if measure == "conversions"
            else "Share of conversion value credited to each channel"
        )
        fig = go.Figure()
        long = self.long(measure)
        for method in self.methods:
            part = long[long["method"] == METHOD_LABELS[method]]
            fig.add_trace(
                go.Bar(
                    name=METHOD_LABELS[method],
                    x=part["channel"].map(event_label),
                    y=part["share"],
                    hovertemplate="%{x}: %{y:.1%}<extra>" + METHOD_LABELS[method] + "</extra>",
                )
            )
        fig.update_layout(
            template="cxlab",
            title=dict(text=title),
            barmode="group",
            yaxis=dict(title=dict(text="share"), tickformat=".0%"),
        )
        return fig

    def summary(self) -> list[str]:
        """Totals, the top channel per model, and where Markov differs most from last touch."""
        total = round(self.total_conversions)
        out = [
            f"{plural(total, 'conversion')} worth {format_money(self.total_value, self.currency)} "
            f"{'was' if total == 1 else 'were'} attributed over "
            f"{plural(len(self.table), 'channel')} from {plural(len(self.paths), 'distinct path')}."
        ]
        if round(self.unattributed_conversions):
            had = "had" if round(self.unattributed_conversions) != 1 else "has"
            out.append(
                f"{plural(round(self.unattributed_conversions), 'conversion')} {had} no touchpoint in the "
                "lookback window."
            )
        if self.table.empty:
            return out
        for method in self.methods:
            col = f"{method}_conversions"
            best = self.table.loc[self.table[col].idxmax()]
            share = best[col] / self.total_conversions if self.total_conversions else float("nan")
            channel = event_label(best["channel"])
            out.append(f"{METHOD_LABELS[method].capitalize()} credits {channel} most ({share:.1%}).")
            if len(out) >= 4:
                break
        if "markov" in self.methods and "last" in self.methods:
            gain = self.table["markov_conversions"] - self.table["last_conversions"]
            i = int(np.argmax(np.abs(gain.to_numpy())))
            moved = "gains" if gain.iloc[i] > 0 else "loses"
            out.append(
                f"Markov vs last touch: {event_label(self.table['channel'].iloc[i])} {moved} the most credit "
                f"({format_signed(gain.iloc[i], 0)} conversions)."
            )
        return out


def attribution(
    paths_or_events: Frame,
    method: str | Sequence[str] = "markov",
    *,
    channel: str = "source",
    conversion_event: str = "purchase",
    value: str | None = "revenue",
    lookback: Any = "30D",
    half_life: Any = None,
    position_weights: tuple[float, float, float] = (0.4, 0.2, 0.4),
    order: int = 1,
    max_touchpoints: int = 20,
    currency: str = "",
) -> AttributionResult:
    """Credit conversions (and their value) to channels with heuristic and Markov models.

    Models (each channel's credit summed over paths, weighted by the path's conversions or
    value):

    * ``first`` / ``last``: all credit to the first / last touchpoint.
    * ``linear``: equal credit 1/n to each of the n touchpoints.
    * ``position`` (U-shaped, as Google Analytics' position-based model): ``position_weights``
      = (first, middle, last) = 40/20/40 by default; the middle share is split equally; two
      touchpoints split first:last (50/50); one touchpoint gets everything.
    * ``time_decay`` (as Google Analytics' time-decay model, 7-day half-life): weight
      2^(−age/half-life), normalised per path. From events the age is the real time from
      touchpoint to conversion (default half-life 7 days); from a path table it is the
      number of steps before the conversion (default 1 step).
    * ``markov``: exact removal effects of the absorbing Markov chain (Anderl et al. 2016,
      docs/methods.md); channel c gets total × RE_c / Σ RE. Repeated consecutive channels are
      collapsed, as in ChannelAttribution. Value uses the value removal effects (each state
      converts with its own mean value), see :func:`cxlib.journey.markov.fit_markov`.

    Parameters
    ----------
    paths_or_events : frame
        Either a path table with columns ``path`` (channels joined by ``">"``),
        ``conversions`` and optionally ``value`` and ``nulls`` (the ChannelAttribution
        format), or events with ``customer_id``, ``ts``, ``event`` and the ``channel``
        column (optional ``session_id`` and ``value`` column), from which paths are built:
        the touchpoints (one per session and channel) within ``lookback`` before each
        conversion and after the previous one; touchpoints after a customer's last
        conversion form a non-converting ("null") path.
    method : str or list of str, default "markov"
        One or more of ``first``, ``last``, ``linear``, ``position``, ``time_decay``,
        ``markov``, or ``"all"``.
    channel : str, default "source"
        Events: the column holding a touchpoint's channel (null = not a touchpoint).
    conversion_event : str, default "purchase"
    value : str or None, default "revenue"
        Events: the column with each conversion's value (None: value 0).
    lookback : str or timedelta, default "30D"
    half_life : duration (events) or number of steps (path table), optional
    position_weights : (float, float, float)
        First, middle and last shares of the position-based model; they must sum to 1.
    order : int, default 1
        Markov order (a state is the last ``order`` channels).
    max_touchpoints : int, default 20
        Events: keep the last ``max_touchpoints`` touchpoints of longer paths.
    currency : str, default ""
        Label of the value amounts in the sentences (e.g. ``"EUR"``).

    Returns
    -------
    AttributionResult

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {"path": ["email > web", "web"], "conversions": [3, 1], "value": [300.0, 50.0], "nulls": [2, 5]}
    ... )
    >>> attribution(table, "all").table  # doctest: +SKIP
    """
    methods = _methods(method)
    weights = _position_weights(position_weights)
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be a positive integer, not {order!r}")
    if not isinstance(max_touchpoints, int) or max_touchpoints < 1:
        raise ValueError(f"max_touchpoints must be a positive integer, not {max_touchpoints!r}")
    names = lazy(paths_or_events).collect_schema().names()
    unattributed = (0.0, 0.0)
    decay_credits: pd.DataFrame | None = None
    if "path" in names and "conversions" in names:
        table = _read_path_table(paths_or_events)
        half_life_steps = _half_life_steps(half_life)
    else:
        needed = ["customer_id", "ts", "event", channel] + ([value] if value and value in names else [])
        purpose = "attribution (or pass a path table with 'path' and 'conversions')"
        check_events(paths_or_events, needed, purpose=purpose)
        window = as_duration(lookback, "lookback", allow_none=False)
        half = as_duration("7D" if half_life is None else half_life, "half_life", allow_none=False)
        if half is None or half <= pd.Timedelta(0):
            raise ValueError("half_life must be a positive duration")
        built = channel_paths(
            paths_or_events,
            channel=channel,
            conversion_event=conversion_event,
            value=value if value and value in names else None,
            lookback_us=int(duration_micros(window) or 0),
            max_touchpoints=max_touchpoints,
            half_life_s=half.total_seconds() if "time_decay" in methods else None,
        )
        table = built.paths
        decay_credits = built.time_decay
        half_life_steps = 1.0
        unattributed = (
            built.conversions - float(table["conversions"].sum()),
            built.value - float(table["value"].sum()),
        )
    sequences = [tuple(p.split(" > ")) if p else () for p in table["path"]]
    has_touch = np.array([len(s) > 0 for s in sequences], dtype=bool)
    conv = table["conversions"].to_numpy(dtype="float64")
    val = table["value"].to_numpy(dtype="float64")
    nulls = table["nulls"].to_numpy(dtype="float64")
    total_conv = float(conv[has_touch].sum())
    total_val = float(val[has_touch].sum())

    columns: dict[str, pd.Series] = {}
    for name in methods:
        if name == "markov":
            continue
        if name == "time_decay" and decay_credits is not None:
            credited = decay_credits.set_index("channel")
            columns["time_decay_conversions"] = credited["conversions"]
            columns["time_decay_value"] = credited["value"]
            continue
        conv_credit, val_credit = _heuristic(sequences, conv, val, name, weights, half_life_steps)
        columns[f"{name}_conversions"] = conv_credit
        columns[f"{name}_value"] = val_credit
    probability = None
    transitions = None
    if "markov" in methods:
        fit = fit_markov(sequences, conv, nulls, val, order=order)
        effects = pd.Series(fit.removal_effect, index=fit.channels)
        value_effects = pd.Series(fit.removal_effect_value, index=fit.channels)
        columns["markov_conversions"] = _share(effects) * total_conv
        columns["markov_value"] = _share(value_effects) * total_val
        columns["removal_effect"] = effects
        columns["removal_effect_value"] = value_effects
        probability = fit.conversion_probability
        transitions = fit.transitions
    result = _assemble(columns, methods)
    return AttributionResult(
        table=result,
        paths=table,
        methods=methods,
        total_conversions=total_conv,
        total_value=total_val,
        unattributed_conversions=unattributed[0] + float(conv[~has_touch].sum()),
        unattributed_value=unattributed[1] + float(val[~has_touch].sum()),
        conversion_probability=probability,
        transition_matrix=transitions,
        order=order,
        currency=currency,
    )


def _methods(method: str | Sequence[str]) -> tuple[str, ...]:
    chosen = list(METHODS) if method == "all" else ([method] if isinstance(method, str) else list(method))
    unknown = [m for m in chosen if m not in METHODS]
    if unknown or not chosen:
        raise ValueError(f"method must be 'all' or among {', '.join(METHODS)}; got {method!r}")
    return tuple(m for m in METHODS if m in chosen)


def _position_weights(weights: Sequence[float]) -> tuple[float, float, float]:
    values = tuple(float(w) for w in weights)
    if len(values) != 3 or min(values) < 0 or not math.isclose(sum(values), 1.0, abs_tol=1e-9):
        raise ValueError(f"position_weights must be three non-negative shares summing to 1, not {weights!r}")
    if values[0] + values[2] <= 0:
        raise ValueError("position_weights must give the first or last touchpoint some credit")
    return values[0], values[1], values[2]


def _half_life_steps(half_life: Any) -> float:
    if half_life is None:
        return 1.0
    if isinstance(half_life, (int, float)) and not isinstance(half_life, bool) and half_life > 0:
        return float(half_life)
    raise ValueError(
        "with a path table, half_life is a positive number of steps before the conversion "
        f"(paths carry no times), not {half_life!r}"
    )


def _read_path_table(frame: Frame) -> pd.DataFrame:
    table = to_pandas(frame)
    out = pd.DataFrame({"path": table["path"]})
    if out["path"].isna().any():
        rows = table[out["path"].isna()].head(5).to_dict("records")
        raise DataError(
            "has empty paths",
            table="paths",
            column="path",
            rule="null_value",
            rows=rows,
            n_rows=int(out["path"].isna().sum()),
        )
    out["path"] = [
        " > ".join(part.strip() for part in str(p).split(">") if part.strip()) for p in out["path"]
    ]
    for column, default in (("conversions", None), ("value", 0.0), ("nulls", 0.0)):
        if column not in table.columns:
            out[column] = default
            continue
        numbers = pd.to_numeric(table[column], errors="coerce")
        bad = numbers.isna() | (numbers < 0)
        if bad.any():
            raise DataError(
                "must hold non-negative numbers",
                table="paths",
                column=column,
                rule="negative_or_missing",
                rows=table[bad].head(5).to_dict("records"),
                n_rows=int(bad.sum()),
            )
        out[column] = numbers.astype("float64")
    return out.astype({"path": "str", "conversions": "float64", "value": "float64", "nulls": "float64"})


def _heuristic(
    sequences: list[tuple[str, ...]],
    conv: np.ndarray,
    val: np.ndarray,
    name: str,
    weights: tuple[float, float, float],
    half_life_steps: float,
) -> tuple[pd.Series, pd.Series]:
    """Credits of one heuristic model, exactly, by vectorised weights per touchpoint."""
    lengths = np.array([len(s) for s in sequences], dtype="int64")
    channels = np.array([c for s in sequences for c in s], dtype=object)
    path = np.repeat(np.arange(len(sequences)), lengths)
    n = np.repeat(lengths, lengths).astype("float64")
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    pos = np.arange(len(channels)) - starts
    if name == "first":
        w = (pos == 0).astype("float64")
    elif name == "last":
        w = (pos == n - 1).astype("float64")
    elif name == "linear":
        w = 1.0 / n
    elif name == "position":
        first, middle, last = weights
        ends = np.where(pos == 0, first, last) / (first + last)
        inner = np.where(pos == 0, first, np.where(pos == n - 1, last, middle / np.maximum(n - 2, 1)))
        w = np.where(n == 1, 1.0, np.where(n == 2, ends, inner))
    else:  # time decay by steps before the conversion
        raw = np.exp2(-(n - 1 - pos) / half_life_steps)
        w = raw / np.bincount(path, weights=raw, minlength=len(sequences))[path]
    frame = pd.DataFrame({"channel": channels, "c": w * conv[path], "v": w * val[path]})
    sums = frame.groupby("channel", sort=True)[["c", "v"]].sum()
    return sums["c"], sums["v"]


def _share(effects: pd.Series) -> pd.Series:
    total = float(effects.sum())
    return effects / total if total > 0 else effects * 0.0


def _assemble(columns: dict[str, pd.Series], methods: tuple[str, ...]) -> pd.DataFrame:
    channels = sorted(set().union(*[set(s.index) for s in columns.values()])) if columns else []
    table = pd.DataFrame({"channel": pd.Series(channels, dtype="str")})
    for name, series in columns.items():
        table[name] = series.reindex(channels).fillna(0.0).to_numpy(dtype="float64")
    if channels:
        lead = f"{methods[0]}_conversions"
        table = table.sort_values([lead, "channel"], ascending=[False, True], kind="stable").reset_index(
            drop=True
        )
    return table
