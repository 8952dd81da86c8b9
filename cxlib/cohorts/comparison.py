"""Do segments retain differently? Tests of difference between retention curves at one age.

At a chosen age N every customer observed at N is one Bernoulli trial (retained or not),
so segments are compared as independent proportions pooled over cohorts:

* all segments together: Pearson's chi-square test of homogeneity on the k × 2 table;
* each segment against a reference: the difference of shares with a Wald interval, the
  relative difference (risk ratio − 1) with Katz's log interval, the two-proportion z-test
  with the same (unpooled) standard error as the interval — the two-group core
  :mod:`cxlib.two_groups` that the scorecard and the experiments use — and the
  Cochran–Mantel–Haenszel test stratified by cohort, which compares like with like
  when segments were acquired at different times.

References: Agresti, *Categorical Data Analysis* (3rd ed., 2013), §3.1 (difference of
proportions, relative risk) and §6.4 (Cochran–Mantel–Haenszel); Katz et al. (1978),
Biometrics 34(3) for the log interval of the risk ratio.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.proportion import proportion_confint

from cxlib.result import Display, ResultBase
from cxlib.two_groups import difference, group_moments
from cxlib.viz.formats import format_interval, format_p, format_signed

if TYPE_CHECKING:
    from cxlib.cohorts.retention import RetentionMatrix

__all__ = ["RetentionComparison", "compare_segments", "segment_phrase"]

#: Attributes read as "acquired via <value>" in sentences.
CHANNEL_COLUMNS = frozenset({"channel", "acquisition_channel", "source", "utm_source", "medium"})


def segment_phrase(by: str, segment: str) -> str:
    """Phrase a segment: ``customers acquired via marketplace`` or ``customers with country PL``.

    Parameters
    ----------
    by : str
        Segment column.
    segment : str
        Segment value.

    Returns
    -------
    str
    """
    if by in CHANNEL_COLUMNS:
        return f"customers acquired via {segment}"
    return f"customers with {by} {segment}"


@dataclass(frozen=True)
class RetentionComparison(ResultBase):
    """Retention of segments at one age, compared with a reference segment.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per segment (reference first): ``segment``, ``eligible`` (customers observed
        at the age), ``retained``, ``share``, ``ci_low``, ``ci_high`` (Wilson), ``diff``
        (share − reference share), ``diff_ci_low``, ``diff_ci_high`` (Wald), ``relative``
        (share / reference share − 1), ``relative_ci_low``, ``relative_ci_high`` (Katz log
        interval), ``p_value`` (two-proportion z-test, unpooled), ``p_value_cmh``
        (Cochran–Mantel–Haenszel, stratified by cohort). Reference row: NaN differences.
    age : int
    reference : str
    statistic, dof, p_value : float, int, float
        Chi-square test of homogeneity over all segments in ``table``.
    by : str
    age_words : str
        ``month 3`` (or ``days 90–119`` for rolling windows).
    alpha : float
    left_out : tuple of str
        Segments with fewer than ``max(min_n, 1)`` customers observed at the age.
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=("segment", "eligible", "retained", "share", "diff", "relative", "p_value", "p_value_cmh"),
        percent_cols=(
            "share",
            "ci_low",
            "ci_high",
            "relative",
            "relative_ci_low",
            "relative_ci_high",
        ),
        labels={
            "eligible": "Customers observed",
            "retained": "Came back",
            "share": "Share",
            "diff": "Difference (pp)",
            "relative": "Relative",
            "p_value": "p (z-test)",
            "p_value_cmh": "p (within cohorts)",
        },
        decimals={"diff": 1, "diff_ci_low": 1, "diff_ci_high": 1},
    )

    table: pd.DataFrame
    age: int
    reference: str
    statistic: float
    dof: int
    p_value: float
    by: str
    age_words: str
    alpha: float = 0.05
    left_out: tuple[str, ...] = ()

    def display_settings(self) -> Display:
        """Show the segments at the age, headed by the segment column, captioned with the reference."""
        return replace(
            self.DISPLAY,
            labels={**self.DISPLAY.labels, "segment": self.by},
            caption=f"Retention at {self.age_words}, compared with {self.reference}",
        )

    def display_table(self) -> pd.DataFrame:
        """Return ``.table`` with differences in points and p-values as text (``< 0.001``).

        ``diff`` and its interval are percentage points (``-2.4``, not ``-2.4%``); the
        reference row's p-values are blank.
        """
        shown = self.table.copy()
        for column in ("diff", "diff_ci_low", "diff_ci_high"):
            shown[column] = shown[column] * 100
        for column in ("p_value", "p_value_cmh"):
            shown[column] = [
                format_p(p).removeprefix("p ").removeprefix("= ") if pd.notna(p) else ""
                for p in shown[column]
            ]
        return shown

    def figure(self) -> go.Figure:
        """Share retained per segment at the age, with confidence intervals."""
        from cxlib import viz

        data = self.table.sort_values("share", ascending=False, kind="stable")
        fig = viz.bar(
            data,
            x="segment",
            y="share",
            percent=True,
            title=f"Retained at {self.age_words} by {self.by}",
            labels={"segment": self.by, "share": "Customers retained"},
        )
        fig.update_traces(
            error_y=dict(
                type="data",
                symmetric=False,
                array=(data["ci_high"] - data["share"]).to_numpy(),
                arrayminus=(data["share"] - data["ci_low"]).to_numpy(),
                thickness=1.2,
                width=4,
            ),
            customdata=data[["eligible"]].to_numpy(),
            hovertemplate="%{x}: %{y:.1%} of %{customdata[0]:,} customers<extra></extra>",
        )
        return fig

    def summary(self) -> list[str]:
        """Sentences: the most different segments against the reference, and the overall test."""
        others = self.table[self.table["segment"] != self.reference].dropna(subset=["relative"])
        if others.empty:
            return []
        ref = self.table[self.table["segment"] == self.reference].iloc[0]
        level = 1 - self.alpha
        chosen = others.loc[[others["relative"].idxmin(), others["relative"].idxmax()]].drop_duplicates(
            "segment"
        )
        out = []
        for row in chosen.itertuples(index=False):
            more = "more" if row.relative > 0 else "fewer"
            size = abs(row.relative)
            amount = f"{size:.0%}" if size >= 0.01 else "under 1%"
            verdict = "" if row.p_value < self.alpha else "; not a significant difference"
            out.append(
                f"{segment_phrase(self.by, row.segment).capitalize()} keep {amount} {more} customers at "
                f"{self.age_words} than {self.reference}: {row.share:.1%} vs {ref['share']:.1%} "
                f"(difference {_points(row.diff)} pp, "
                f"{format_interval(row.diff_ci_low, row.diff_ci_high, _points, level=level)}; "
                f"{format_p(row.p_value)}, {format_p(row.p_value_cmh)} within cohorts{verdict})."
            )
        verdict = "differs" if self.p_value < self.alpha else "does not differ significantly"
        out.append(
            f"Across all {len(self.table)} segments, retention at {self.age_words} {verdict} "
            f"(chi-square {self.statistic:.1f}, {self.dof} df, {format_p(self.p_value)})."
        )
        return out


def _points(share: float) -> str:
    """Write a difference of shares in percentage points, with its sign (``+1.2``, ``−3.4``)."""
    return format_signed(share * 100, 1)


def _cmh_p_value(strata: pd.DataFrame) -> float:
    """Cochran–Mantel–Haenszel p-value (no continuity correction) over 2 × 2 strata."""
    strata = strata[(strata["eligible_s"] > 0) & (strata["eligible_r"] > 0)]
    if strata.empty:
        return float("nan")
    tables = np.stack(
        [
            np.stack([strata["retained_s"], strata["eligible_s"] - strata["retained_s"]], axis=-1),
            np.stack([strata["retained_r"], strata["eligible_r"] - strata["retained_r"]], axis=-1),
        ],
        axis=1,
    ).astype("float64")  # shape (strata, 2, 2)
    retained = tables[:, :, 0].sum()
    if retained == 0 or retained == tables.sum():
        return float("nan")
    return float(StratifiedTable(np.moveaxis(tables, 0, -1)).test_null_odds(correction=False).pvalue)


def compare_segments(
    result: RetentionMatrix, age: int | None = None, reference: str | None = None
) -> RetentionComparison:
    """Compare the segments of a :class:`~cxlib.cohorts.retention.RetentionMatrix` at one age.

    Parameters
    ----------
    result : RetentionMatrix
        Made with ``by=...``.
    age : int, optional
        Default: the headline age (month 3, week 4, day 7, quarter 2; or the oldest age).
    reference : str, optional
        Segment the others are compared with. Default: the one with most customers observed
        at the age.

    Returns
    -------
    RetentionComparison
    """
    from cxlib.cohorts.retention import headline_age

    if result.by is None:
        raise ValueError("comparing segments needs a retention matrix made with by=...")
    age = headline_age(result.period, result.max_age) if age is None else int(age)
    if not 0 <= age <= result.max_age:
        raise ValueError(f"age must be between 0 and {result.max_age}; got {age}")
    at_age = result._counts[(result._counts["age"] == age) & (result._counts["eligible"] > 0)]
    pooled = at_age.groupby("segment", sort=False)[["eligible", "retained"]].sum()
    floor = max(result.min_n, 1)
    left_out = tuple(
        str(s) for s in result.segments if s not in pooled.index or pooled.at[s, "eligible"] < floor
    )
    pooled = pooled[pooled["eligible"] >= floor]
    if pooled.empty:
        raise ValueError(f"no segment has at least {floor} customers observed at age {age}")
    if reference is None:
        reference = str(pooled["eligible"].idxmax())
    elif reference not in pooled.index:
        raise ValueError(
            f"reference {reference!r} is not a segment observed at age {age}; segments: "
            f"{', '.join(pooled.index)}"
        )
    order = [reference] + [s for s in pooled.index if s != reference]
    pooled = pooled.loc[order]

    n = pooled["eligible"].to_numpy(dtype="float64")
    k = pooled["retained"].to_numpy(dtype="float64")
    p = k / n
    z = stats.norm.ppf(1 - result.alpha / 2)
    low, high = proportion_confint(k, n, alpha=result.alpha, method="wilson")
    n_r, k_r, p_r = n[0], k[0], p[0]
    # The two-group core shared with the scorecard and the experiments: Wald interval and z test.
    share, var_share = group_moments("proportion", n, k, k)
    versus = difference("proportion", n_r, share[0], var_share[0], n, share, var_share, alpha=result.alpha)
    diff = versus["estimate"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = p / p_r
        se_log = np.sqrt(1 / k - 1 / n + 1 / k_r - 1 / n_r)
        rel_low = np.where((k > 0) & (k_r > 0), ratio * np.exp(-z * se_log) - 1, np.nan)
        rel_high = np.where((k > 0) & (k_r > 0), ratio * np.exp(z * se_log) - 1, np.nan)

    wide = at_age.pivot_table(
        index="cohort_index", columns="segment", values=["eligible", "retained"], aggfunc="sum", fill_value=0
    )
    cmh = [float("nan")]
    for segment in order[1:]:
        strata = pd.DataFrame(
            {
                "eligible_s": wide["eligible"][segment],
                "retained_s": wide["retained"][segment],
                "eligible_r": wide["eligible"][reference],
                "retained_r": wide["retained"][reference],
            }
        )
        cmh.append(_cmh_p_value(strata))

    table = pd.DataFrame(
        {
            "segment": order,
            "eligible": n.astype("int64"),
            "retained": k.astype("int64"),
            "share": p,
            "ci_low": np.asarray(low, dtype="float64"),
            "ci_high": np.asarray(high, dtype="float64"),
            "diff": diff,
            "diff_ci_low": versus["ci_low"],
            "diff_ci_high": versus["ci_high"],
            "relative": ratio - 1,
            "relative_ci_low": rel_low,
            "relative_ci_high": rel_high,
            "p_value": versus["p_value"],
            "p_value_cmh": cmh,
        }
    )
    table.loc[
        0,
        ["diff", "diff_ci_low", "diff_ci_high", "relative", "relative_ci_low", "relative_ci_high", "p_value"],
    ] = np.nan

    contingency = np.stack([k, n - k], axis=-1)
    if len(order) > 1 and contingency.sum(axis=0).min() > 0:
        chi2, p_all, dof, _ = stats.chi2_contingency(contingency, correction=False)
    else:
        chi2, p_all, dof = float("nan"), float("nan"), len(order) - 1
    return RetentionComparison(
        table=table,
        age=age,
        reference=reference,
        statistic=float(chi2),
        dof=int(dof),
        p_value=float(p_all),
        by=result.by,
        age_words=result.age_words(age),
        alpha=result.alpha,
        left_out=left_out,
    )
