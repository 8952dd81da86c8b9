"""Weekly sentiment and aspect shares, with a control-chart rule that flags abnormal weeks.

Counts per day run where the table lives (Narwhals: pandas, polars, DuckDB, Spark); the
at most few hundred daily rows come back to pandas, where they are summed into weeks
(Monday to Sunday, UTC) or months. Each share (negative texts, texts mentioning an aspect) is
watched with a Shewhart p-chart for varying sample sizes: centre line p̄ = Σ count / Σ n over
the baseline periods, limits p̄ ± σ·sqrt(p̄(1 − p̄)/n_t); a period outside its limits is an
alert (Montgomery, *Introduction to Statistical Quality Control*, p-chart with variable
sample size; rule 1 of the Western Electric rules). Periods with fewer than ``min_n`` texts
are neither judged nor shown (small-cell suppression).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.errors import DataError
from cxlib.privacy import suppress_small
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import plural

if TYPE_CHECKING:
    from cxlib.voc.aspects import AspectResult
    from cxlib.voc.sentiment import SentimentResult

__all__ = ["TrendResult", "aspect_trend", "p_chart", "sentiment_trend"]

PERIODS = ("day", "week", "month")


def p_chart(
    count: np.ndarray,
    n: np.ndarray,
    *,
    sigma: float = 3.0,
    min_n: int = 20,
    baseline: np.ndarray | None = None,
) -> pd.DataFrame:
    """Shewhart p-chart with varying sample sizes.

    Parameters
    ----------
    count, n : arrays
        Events (e.g. negative texts) and sample size per period.
    sigma : float, default 3.0
        Width of the limits in standard errors.
    min_n : int, default 20
        Periods with fewer observations are not judged (alert empty).
    baseline : bool array, optional
        Periods that define the centre line (default: all judged periods).

    Returns
    -------
    pandas.DataFrame
        ``share``, ``center``, ``lcl``, ``ucl`` (floats, limits clipped to [0, 1]) and
        ``alert`` (str: ``above``, ``below`` or ``""``).
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    judged = n >= min_n
    use = judged & (np.asarray(baseline, dtype=bool) if baseline is not None else True)
    total = n[use].sum()
    center = count[use].sum() / total if total > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, count / n, np.nan)
        half = sigma * np.sqrt(center * (1 - center) / n)
    lcl = np.clip(center - half, 0.0, 1.0)
    ucl = np.clip(center + half, 0.0, 1.0)
    alert = np.where(judged & (share > ucl), "above", np.where(judged & (share < lcl), "below", ""))
    return pd.DataFrame(
        {
            "share": share,
            "center": np.full(len(n), center),
            "lcl": lcl,
            "ucl": ucl,
            "alert": pd.Series(alert, dtype="str"),
        }
    )


@dataclass(frozen=True)
class TrendResult(ResultBase):
    """Shares over time with control limits.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per period and series: ``period`` (datetime, UTC start of the day, week or
        month), ``series`` (str: ``neg``/``pos`` for sentiment, the aspect for aspects),
        ``label`` (str, display name), ``n`` (int, texts in the period), ``count`` (float),
        ``share`` (float), ``mean_score`` (float, sentiment trends only), ``center``, ``lcl``,
        ``ucl`` (floats) and ``alert`` (str: ``above``/``below``/``""``); counts and shares of
        periods with fewer than ``min_n`` texts are blanked (``suppressed`` True).
    period : str
    sigma : float
    min_n : int
    what : str
        What the shares are, for sentences and titles ("share of negative texts").
    """

    table: pd.DataFrame
    period: str
    sigma: float
    min_n: int
    what: str = "share of texts"

    DISPLAY: ClassVar[Display] = Display(
        columns=("period", "label", "n", "share", "lcl", "ucl", "alert"),
        percent_cols=("share", "lcl", "ucl"),
        labels={
            "period": "Period",
            "label": "Series",
            "n": "Texts",
            "share": "Share",
            "lcl": "Lower limit",
            "ucl": "Upper limit",
            "alert": "Alert",
        },
    )

    def alerts(self) -> pd.DataFrame:
        """Return the rows outside their control limits."""
        return self.table[self.table["alert"] != ""].reset_index(drop=True)

    def display_table(self) -> pd.DataFrame:
        """Return the alerts, the periods a reader should look at (dates without the time)."""
        alerts = self.alerts().sort_values(["period", "label"], kind="stable")
        return alerts.assign(period=alerts["period"].dt.strftime("%Y-%m-%d")).reset_index(drop=True)

    def select(self, series: Sequence[str], *, what: str | None = None) -> TrendResult:
        """Keep only some series (e.g. ``["neg"]``), so chart, alerts and sentences agree.

        Parameters
        ----------
        series : sequence of str
            Values of the ``series`` column.
        what : str, optional
            What the kept shares are ("share of negative texts"); default: unchanged.
        """
        unknown = sorted(set(series) - set(self.table["series"]))
        if unknown:
            raise ValueError(f"unknown series: {', '.join(unknown)}")
        table = self.table[self.table["series"].isin(list(series))].reset_index(drop=True)
        return replace(self, table=table, what=what or self.what)

    def show(self, *, figure: bool = True, table: bool = True, sentences: bool = True) -> None:
        """Display the chart, the table of alerts (when there are any) and the sentences."""
        super().show(figure=figure, table=table and not self.alerts().empty, sentences=sentences)

    def figure(self, series: Sequence[str] | None = None, *, title: str | None = None) -> go.Figure:
        """Shares over time; the limits of a single series as a band, alerts as red markers."""
        t = self.table if series is None else self.table[self.table["series"].isin(list(series))]
        fig = go.Figure()
        names = list(dict.fromkeys(t["series"]))
        colors = viz.segment_colors(t["label"].unique())
        for name in names:
            part = t[t["series"] == name]
            label = str(part["label"].iat[0])
            if len(names) == 1:
                fig.add_trace(
                    go.Scatter(
                        x=part["period"],
                        y=part["ucl"],
                        mode="lines",
                        line=dict(width=0),
                        showlegend=False,
                        hoverinfo="skip",
                    )
                )
                fig.add_trace(
                    go.Scatter(
                        x=part["period"],
                        y=part["lcl"],
                        mode="lines",
                        line=dict(width=0),
                        fill="tonexty",
                        fillcolor="rgba(0,114,178,0.12)",
                        name=f"control limits (±{self.sigma:g}σ)",
                        hoverinfo="skip",
                    )
                )
            fig.add_trace(
                go.Scatter(
                    x=part["period"],
                    y=part["share"],
                    mode="lines",
                    name=label,
                    line=dict(color=colors.get(label)),
                )
            )
            hits = part[part["alert"] != ""]
            if len(hits):
                fig.add_trace(
                    go.Scatter(
                        x=hits["period"],
                        y=hits["share"],
                        mode="markers",
                        name=f"{label}: alert",
                        marker=dict(color="#D55E00", size=10, symbol="circle-open", line=dict(width=2)),
                    )
                )
        fig.update_layout(
            template="cxlab",
            title=dict(text=title or f"{self.what[:1].upper()}{self.what[1:]} per {self.period}"),
            yaxis=dict(tickformat=".0%", title=dict(text="Share of texts")),
            xaxis=dict(title=dict(text=self.period.capitalize())),
        )
        return fig

    def summary(self) -> list[str]:
        """Sentences on the periods that broke their control limits, naming what was watched."""
        alerts = self.alerts()
        judged = self.table["n"] >= self.min_n
        judged_cells = int(judged.sum())
        periods = int(self.table.loc[judged, "period"].nunique()) if len(self.table) else 0
        several = self.table["series"].nunique() > 1
        what = self.what[:1].upper() + self.what[1:]
        limits = f"control limits (±{self.sigma:g}σ)"
        if alerts.empty:
            return [
                f"{what} stayed within {'their' if several else 'its'} {limits} in all "
                f"{plural(periods, self.period)} judged."
            ]
        chance = judged_cells * 2 * stats.norm.sf(self.sigma)
        values = f" among {plural(judged_cells, f'{self.period}-and-series value')}" if several else ""
        out = [
            f"{what}: {plural(len(alerts), 'alert')} outside the {limits}{values} in "
            f"{plural(periods, self.period)} judged; about {chance:.1f} would be expected by chance alone."
        ]
        for r in alerts.sort_values("period").tail(5).itertuples():
            way = "above" if r.alert == "above" else "below"
            out.append(
                f"{r.period:%Y-%m-%d}: {r.label} at {r.share:.0%} is {way} its limits "
                f"({r.lcl:.0%}–{r.ucl:.0%}, n={r.n:,})."
            )
        return out


def _period_start(days: pd.Series, period: str) -> pd.Series:
    if period == "day":
        return days
    if period == "week":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return days.dt.tz_localize(None).dt.to_period("M").dt.start_time.dt.tz_localize("UTC")


def _daily(data: Frame, ts_col: str, measures: dict[str, nw.Expr]) -> pd.DataFrame:
    """Per-day sums of 0/1 or numeric measures, computed on the data's own backend."""
    frame = to_narwhals(data)
    out = (
        frame.filter(~nw.col(ts_col).is_null())
        .with_columns(_day=nw.col(ts_col).dt.truncate("1d"), **measures)
        .group_by("_day")
        .agg(_n=nw.len(), **{k: nw.col(k).sum() for k in measures})
        .sort("_day")
    )
    daily = to_pandas(out)
    for k in ["_n", *measures]:
        daily[k] = pd.to_numeric(daily[k]).astype(float)
    daily["_day"] = pd.to_datetime(daily["_day"], utc=True)
    return daily


def _by_period(daily: pd.DataFrame, period: str) -> pd.DataFrame:
    grouped = daily.assign(period=_period_start(daily["_day"], period)).drop(columns="_day")
    return grouped.groupby("period", sort=True).sum().reset_index()


def _chart(
    periods: pd.DataFrame,
    series: dict[str, tuple[str, str]],
    sigma: float,
    min_n: int,
    baseline: int | None,
    extra: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    rows = []
    base = None
    if baseline is not None:
        base = np.arange(len(periods)) < baseline
    for name, (column, label) in series.items():
        chart = p_chart(
            periods[column].to_numpy(), periods["_n"].to_numpy(), sigma=sigma, min_n=min_n, baseline=base
        )
        part = pd.DataFrame(
            {
                "period": periods["period"].to_numpy(),
                "series": name,
                "label": label,
                "n": periods["_n"].astype("int64").to_numpy(),
                "count": periods[column].to_numpy(dtype=float),
            }
        )
        part = pd.concat([part, chart], axis=1)
        for key, values in (extra or {}).items():
            part[key] = values
        rows.append(part)
    table = pd.concat(rows, ignore_index=True)
    table["series"] = table["series"].astype("str")
    table["label"] = table["label"].astype("str")
    cols = ["count", "share", *(extra or {})]
    return suppress_small(table, "n", min_n, columns=cols)


def _check(period: str, sigma: float, min_n: int) -> None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    if sigma <= 0 or min_n < 1:
        raise ValueError("sigma must be positive and min_n at least 1")


def sentiment_trend(
    scored: SentimentResult | Frame,
    *,
    ts_col: str = "ts",
    label_col: str = "label",
    score_col: str = "score",
    period: str = "week",
    sigma: float = 3.0,
    min_n: int = 20,
    baseline: int | None = None,
) -> TrendResult:
    """Share of negative and positive texts per week (or day, month) with p-chart alerts.

    Parameters
    ----------
    scored : SentimentResult or table
        :func:`cxlib.voc.sentiment` output with the timestamp kept (``keep=["ts"]``), or any
        frame with columns ``ts_col``, ``label_col`` (neg/neu/pos) and ``score_col``.
    ts_col, label_col, score_col : str
    period : {"week", "day", "month"}, default "week"
        Weeks run Monday to Sunday (UTC).
    sigma : float, default 3.0
        Control-limit width.
    min_n : int, default 20
        Periods with fewer texts are not judged and their shares are suppressed.
    baseline : int, optional
        Use only the first ``baseline`` periods for the centre line (default: all).

    Returns
    -------
    TrendResult

    Examples
    --------
    >>> s = cxlib.voc.sentiment(shop.feedback, keep=["ts"])  # doctest: +SKIP
    >>> cxlib.voc.sentiment_trend(s).alerts()  # doctest: +SKIP
    """
    _check(period, sigma, min_n)
    data: Frame = scored.table if isinstance(scored, ResultBase) else scored
    require_columns(data, [ts_col, label_col, score_col], "feedback", purpose="a sentiment trend")
    daily = _daily(
        data,
        ts_col,
        {
            "neg": nw.when(nw.col(label_col) == "neg").then(1).otherwise(0),
            "pos": nw.when(nw.col(label_col) == "pos").then(1).otherwise(0),
            "score_sum": nw.col(score_col).fill_nan(None).fill_null(0.0),
        },
    )
    if daily.empty:
        raise DataError("no texts with a timestamp", table="feedback", column=ts_col, rule="empty")
    periods = _by_period(daily, period)
    mean_score = (periods["score_sum"] / periods["_n"]).to_numpy()
    table = _chart(
        periods,
        {"neg": ("neg", "Negative"), "pos": ("pos", "Positive")},
        sigma,
        min_n,
        baseline,
        extra={"mean_score": mean_score},
    )
    return TrendResult(
        table=table, period=period, sigma=sigma, min_n=min_n, what="share of negative and of positive texts"
    )


def aspect_trend(
    result: AspectResult,
    *,
    ts_col: str = "ts",
    aspects: Sequence[str] | None = None,
    value: str = "mention",
    period: str = "week",
    sigma: float = 3.0,
    min_n: int = 20,
    baseline: int | None = None,
) -> TrendResult:
    """Share of texts mentioning each aspect per week (or day, month) with p-chart alerts.

    Parameters
    ----------
    result : AspectResult
        :func:`cxlib.voc.aspects` output with the timestamp kept (``keep=["ts"]``).
    ts_col : str
    aspects : sequence of str, optional
        Aspects to follow (default: all of the taxonomy).
    value : {"mention", "negative"}, default "mention"
        Count texts mentioning the aspect, or mentioning it negatively.
    period, sigma, min_n, baseline
        As in :func:`sentiment_trend`.

    Returns
    -------
    TrendResult
    """
    _check(period, sigma, min_n)
    if value not in ("mention", "negative"):
        raise ValueError("value must be 'mention' or 'negative'")
    wide = result.wide(value)
    if ts_col not in wide.columns:
        raise DataError(
            f"the aspect result has no {ts_col!r} column; call aspects(..., keep=[{ts_col!r}])",
            table="feedback",
            column=ts_col,
            rule="missing_column",
        )
    chosen = list(aspects or result.aspect_names)
    unknown = [a for a in chosen if a not in result.aspect_names]
    if unknown:
        raise ValueError(f"unknown aspect(s): {', '.join(unknown)}")
    daily = _daily(wide[[ts_col, *chosen]], ts_col, {f"_a{i}": nw.col(a) for i, a in enumerate(chosen)})
    if daily.empty:
        raise DataError("no texts with a timestamp", table="feedback", column=ts_col, rule="empty")
    periods = _by_period(daily, period)
    labels = result.taxonomy.labels
    series = {a: (f"_a{i}", labels.get(a, a)) for i, a in enumerate(chosen)}
    table = _chart(periods, series, sigma, min_n, baseline)
    table.insert(table.columns.get_loc("share") + 1, "mean_score", np.nan)
    what = "share of texts mentioning each aspect" + (" negatively" if value == "negative" else "")
    return TrendResult(table=table, period=period, sigma=sigma, min_n=min_n, what=what)
