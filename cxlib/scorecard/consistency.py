"""Omnichannel consistency: each metric across segments, a heterogeneity test, the largest gap.

Tests (:func:`cxlib.scorecard.stats.heterogeneity`): Cochran's Q on NPS with the
multinomial variances and on per-order ratios with their delta-method variances, Pearson's
chi-square test of homogeneity for shares, Welch's ANOVA for means; a difference counts as
significant after the Benjamini–Hochberg adjustment over the metrics compared. Segments that
are suppressed (fewer than ``min_n`` units) or ``unknown`` take no part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from statsmodels.stats.multitest import multipletests

from cxlib.errors import DataError
from cxlib.result import Display, ResultBase
from cxlib.scorecard.card import Scorecard
from cxlib.scorecard.cells import ALL, UNKNOWN
from cxlib.scorecard.charts import format_amount, format_value, interval_dots, segment_names
from cxlib.scorecard.metrics import METRIC_NAMES, Metric
from cxlib.scorecard.stats import heterogeneity
from cxlib.viz.formats import format_p, plural

__all__ = ["Consistency", "consistency", "gap_text"]


@dataclass(frozen=True)
class Consistency(ResultBase):
    """How consistent each metric is across segments (result of :func:`consistency`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per metric: ``metric``, ``label``, ``period`` (str), ``segments`` (int64,
        segments tested), ``best_segment``, ``best_value``, ``worst_segment``,
        ``worst_value``, ``gap`` (float64, best − worst as a positive distance in the
        metric's unit), ``test`` (str), ``statistic``, ``df``, ``df2`` (float64; ``df2``
        only for Welch's ANOVA), ``p_value`` (float64, NaN if fewer than two segments can be
        tested), ``q_value`` (float64, Benjamini–Hochberg adjusted over the metrics of the
        table), ``significant`` (bool, ``q_value < alpha``).
    cells : pandas.DataFrame
        The scorecard rows compared, plus ``segment`` (str) and ``overall`` (float64, the
        value over all segments).
    by : tuple of str
    metrics : mapping of str to Metric
    alpha : float
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=(
            "label",
            "period",
            "segments",
            "best_segment",
            "best_value",
            "worst_segment",
            "worst_value",
            "gap",
            "test",
            "significant",
        ),
        decimals={"best_value": 2, "worst_value": 2, "gap": 2},
    )  # p-values in a table would read "0.000"; show() uses formatted() with "p < 0.001"

    table: pd.DataFrame
    cells: pd.DataFrame
    by: tuple[str, ...]
    metrics: Mapping[str, Metric]
    alpha: float = 0.05

    def figure(self, metric: str | None = None) -> go.Figure:
        """Each segment's value of ``metric`` with its interval; dashed line: all segments.

        Parameters
        ----------
        metric : str, optional
            Default: ``nps`` when it was compared, else the first metric of the table.

        Returns
        -------
        plotly.graph_objects.Figure
        """
        if metric is None:
            present = list(dict.fromkeys(self.table["metric"]))
            metric = "nps" if "nps" in present or not present else str(present[0])
        rows = self.cells[self.cells["metric"] == metric]
        if rows.empty:
            raise DataError(f"no segments to compare for metric {metric!r}", rule="unknown_metric")
        info = self.table[self.table["metric"] == metric].iloc[0]
        p = info["p_value"]
        level = round(100 * (1 - self.alpha))
        test = f"{info['test']}: {format_p(p)}" if np.isfinite(p) else "fewer than two segments to test"
        note = f"{info['period']} · {test} · bars: {level}% CI"
        return interval_dots(
            rows,
            self.metrics[metric],
            label_column="segment",
            title_what=f"by {' / '.join(self.by)}",
            note=note,
            alpha=self.alpha,
            reference=float(rows["overall"].iloc[0]),
        )

    def show(
        self, metric: str | None = None, *, figure: bool = True, table: bool = True, sentences: bool = True
    ) -> None:
        """Display the chart of ``metric``, the formatted table (:meth:`formatted`) and the sentences.

        Parameters
        ----------
        metric : str, optional
            Metric of the chart and the sentences; default: the chart of :meth:`figure` and
            the sentences of every metric.
        figure, table, sentences : bool, default True
            Which parts to show.
        """
        from IPython.display import display

        from cxlib.viz import PLOTLY_CONFIG, format_table, note

        if figure:
            self.figure(metric).show(config=PLOTLY_CONFIG)
        if table:
            display(format_table(self.formatted(), max_rows=None))
        if sentences and (text := self.summary(None if metric is None else [metric])):
            display(note(" ".join(text)))

    def formatted(self) -> pd.DataFrame:
        """Format a report view of :attr:`table`: text cells in each metric's own format.

        Returns
        -------
        pandas.DataFrame
            Columns ``Metric``, ``Period``, ``Best``, ``Worst``, ``Gap`` and ``Test`` (the
            test, the segments it compared and its p-value, e.g. ``Cochran's Q, 4 segments,
            p < 0.001``): narrow enough for a phone and A4 paper.
        """
        rows = []
        for row in self.table.itertuples(index=False):
            metric = self.metrics[row.metric]
            p = format_p(row.p_value) if np.isfinite(row.p_value) else "not tested"
            rows.append(
                {
                    "Metric": f"{metric.label} · {metric.direction}",
                    "Period": row.period,
                    "Best": "—"
                    if row.best_segment is None
                    else f"{row.best_segment} {format_value(metric, row.best_value)}",
                    "Worst": "—"
                    if row.worst_segment is None
                    else f"{row.worst_segment} {format_value(metric, row.worst_value)}",
                    "Gap": gap_text(metric, row.gap),
                    "Test": f"{row.test}, {plural(row.segments, 'segment')}, {p}",
                }
            )
        return pd.DataFrame(rows, columns=["Metric", "Period", "Best", "Worst", "Gap", "Test"])

    def summary(self, metrics: Sequence[str] | None = None) -> list[str]:
        """One sentence per metric: does it differ across segments, and the largest gap.

        Parameters
        ----------
        metrics : sequence of str, optional
            Default: every metric of the table, in table order.
        """
        out = []
        noun = " / ".join(self.by) + ("s" if len(self.by) == 1 else " combinations")
        chosen = self.table if metrics is None else self.table[self.table["metric"].isin(list(metrics))]
        for row in chosen.itertuples(index=False):
            metric = self.metrics[row.metric]
            short = metric.label.split(" (")[0]
            if not np.isfinite(row.p_value):
                continue
            gap = gap_text(metric, row.gap)
            spread = (
                f"best {row.best_segment} {format_amount(metric, row.best_value)}, worst {row.worst_segment} "
                f"{format_amount(metric, row.worst_value)}, a gap of {gap}"
            )
            if row.significant:
                out.append(f"{short} differs across {noun} ({row.test}, {format_p(row.p_value)}): {spread}.")
            else:
                out.append(
                    f"{short} shows no clear difference across {noun} ({format_p(row.p_value)}, adjusted "
                    f"{format_p(row.q_value).removeprefix('p ').removeprefix('= ')}; {spread})."
                )
        return out


def gap_text(metric: Metric, gap: float) -> str:
    """Write a gap between segments in its unit (``36.7 pp``, ``64 points``, ``1.96 EUR``)."""
    if not np.isfinite(gap):
        return "—"
    if metric.percent:
        return f"{100 * gap:.1f} pp"
    return format_amount(metric, gap) + (" points" if metric.kind == "nps" else "")


def consistency(
    card: Scorecard, *, period: str | None = None, metrics: Sequence[str] | None = None
) -> Consistency:
    """Compare every metric across the segments of a scorecard and test for heterogeneity.

    Parameters
    ----------
    card : Scorecard
        From :func:`~cxlib.scorecard.scorecard` with ``by`` set (e.g. ``by="channel"``);
        use ``period=None`` there to compare over the whole span.
    period : str, optional
        Period label to compare (``"2026-Q3"``); default each metric's latest period.
    metrics : sequence of str, optional
        Default: every metric in the scorecard.

    Returns
    -------
    Consistency

    Raises
    ------
    DataError
        The scorecard has no segments (``by`` was None).

    Examples
    --------
    >>> card = scorecard(shop, by="channel", period=None)  # doctest: +SKIP
    >>> consistency(card).summary()[0]  # doctest: +SKIP
    'NPS differs across channels (Cochran's Q, p = 1e-40): best app 38, worst marketplace 12, ...'
    """
    if not card.by:
        raise DataError(
            "consistency needs a scorecard split by segments (by='channel', ...)", rule="bad_option"
        )
    by = list(card.by)
    table = card.table if period is None else card.table[card.table["period"] == period]
    if period is not None and table.empty:
        raise DataError(f"the scorecard has no period {period!r}", rule="unknown_period")
    if period is None:
        last = table.groupby("metric")["period_start"].transform("max")
        table = table[table["period_start"] == last]
    is_all = np.logical_and.reduce([(table[c] == ALL).to_numpy() for c in by])
    overall = table[is_all].set_index("metric")["value"]
    segments = table[~np.logical_or.reduce([(table[c] == ALL).to_numpy() for c in by])]
    segments = segments[~np.logical_or.reduce([(segments[c] == UNKNOWN).to_numpy() for c in by])].copy()
    segments["segment"] = segment_names(segments, by)
    segments["overall"] = segments["metric"].map(overall).astype("float64")
    chosen = [m for m in (metrics or METRIC_NAMES) if m in set(segments["metric"])]
    rows = []
    for name in chosen:
        metric = card.metrics[name]
        cells = segments[(segments["metric"] == name) & ~segments["suppressed"]]
        test = heterogeneity(
            metric.kind,
            cells["n"].to_numpy(dtype=float),
            cells["value"].to_numpy(dtype=float),
            cells["se"].to_numpy(dtype=float),
        )
        ranked = cells.sort_values("value", ascending=not metric.higher_is_better, kind="stable")
        best, worst = (ranked.iloc[0], ranked.iloc[-1]) if len(ranked) else (None, None)
        rows.append(
            {
                "metric": name,
                "label": metric.label,
                "period": str(segments.loc[segments["metric"] == name, "period"].iloc[0]),
                "segments": len(cells),
                "best_segment": None if best is None else best["segment"],
                "best_value": np.nan if best is None else best["value"],
                "worst_segment": None if worst is None else worst["segment"],
                "worst_value": np.nan if worst is None else worst["value"],
                "gap": np.nan if best is None or worst is None else abs(best["value"] - worst["value"]),
                "test": test.test,
                "statistic": test.statistic,
                "df": test.df,
                "df2": test.df2,
                "p_value": test.p_value,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "metric",
            "label",
            "period",
            "segments",
            "best_segment",
            "best_value",
            "worst_segment",
            "worst_value",
            "gap",
            "test",
            "statistic",
            "df",
            "df2",
            "p_value",
        ],
    )
    p = out["p_value"].to_numpy(dtype=float)
    q = np.full(p.shape, np.nan)
    if np.isfinite(p).any():
        q[np.isfinite(p)] = multipletests(p[np.isfinite(p)], method="fdr_bh")[1]
    out["q_value"] = q
    out["significant"] = np.nan_to_num(q, nan=1.0) < card.alpha
    out = out.astype(
        {
            "segments": "int64",
            "significant": "bool",
            "metric": "str",
            "label": "str",
            "period": "str",
            "test": "str",
        }
    )
    return Consistency(out, segments.reset_index(drop=True), tuple(by), card.metrics, card.alpha)
