"""Effects per segment, a test of whether they differ, and a warning about multiple looks.

Splitting a result by device, country or customer type multiplies the number of looks: with
ten segments at α = 5 %, one "significant" segment is expected by chance alone. This module
reports per-segment effects with Holm-adjusted p-values (Holm 1979), suppresses segments
smaller than ``min_n`` units per arm, and tests the *interaction* — whether the effect
differs between segments at all — with Cochran's Q heterogeneity test:
Q = Σ w_s (θ_s − θ̄)², w_s = 1/se_s², θ̄ = Σ w_s θ_s / Σ w_s, Q ~ χ²(k − 1) under equal effects
(Cochran 1954). For independent segments this is the Wald test of the treatment × segment
interaction terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals
from cxlib.experiments.frequentist import adjust_pvalues
from cxlib.experiments.metrics import MetricsLike
from cxlib.experiments.moments import effects
from cxlib.experiments.summary import TABLE, ExperimentSummary, resolve_summary
from cxlib.result import Display, ResultBase
from cxlib.two_groups import interval, p_value
from cxlib.viz.formats import format_p, plural

__all__ = ["SegmentEffects", "heterogeneity", "segment_effects", "with_pre_period_segment"]


def heterogeneity(estimate: np.ndarray, se: np.ndarray) -> tuple[float, int, float]:
    """Cochran's Q test that several independent estimates share one value.

    Parameters
    ----------
    estimate, se : numpy.ndarray
        Estimates and standard errors (rows with non-finite values or se = 0 are left out).

    Returns
    -------
    q, df, p_value : float, int, float
        NaN statistic and p-value when fewer than two estimates are usable.
    """
    est = np.asarray(estimate, dtype="float64")
    se = np.asarray(se, dtype="float64")
    ok = np.isfinite(est) & np.isfinite(se) & (se > 0)
    k = int(ok.sum())
    if k < 2:
        return float("nan"), max(k - 1, 0), float("nan")
    w = 1.0 / se[ok] ** 2
    pooled = float(np.sum(w * est[ok]) / np.sum(w))
    q = float(np.sum(w * (est[ok] - pooled) ** 2))
    return q, k - 1, float(stats.chi2.sf(q, k - 1))


@dataclass(frozen=True)
class SegmentEffects(ResultBase):
    """Per-segment effects with an interaction test.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per segment, metric and variant: the segment column, ``metric``,
        ``variant``, ``n_control``, ``n_variant`` (int64), ``control_mean``,
        ``variant_mean``, ``estimate``, ``ci_low``, ``ci_high``, ``p_value``,
        ``p_value_holm`` (over every shown segment × metric × variant) and ``suppressed``
        (bool; fewer than ``min_n`` units in an arm, numbers blanked).
    interaction : pandas.DataFrame
        One row per metric and variant: ``segments`` (shown), ``q``, ``df``, ``p_value``
        (Cochran's Q; small p = the effect differs between segments).
    by : str
    min_n : int
    alpha : float
    relative : bool
    """

    table: pd.DataFrame
    interaction: pd.DataFrame
    by: str
    min_n: int
    alpha: float
    relative: bool

    def display_settings(self) -> Display:
        """Segment, metric, units per arm, effect with its interval and Holm-adjusted p-value."""
        effects = ("estimate", "ci_low", "ci_high") if self.relative else ()
        return Display(
            columns=(
                self.by, "metric", "variant", "n_control", "n_variant", "estimate", "ci_low", "ci_high",
                "p_value_holm",
            ),
            percent_cols=effects,
            decimals={"p_value_holm": 3},
            labels={
                self.by: self.by.replace("_", " ").capitalize(),
                "metric": "Metric",
                "variant": "Variant",
                "n_control": "Control units",
                "n_variant": "Variant units",
                "estimate": "Lift" if self.relative else "Difference",
                "ci_low": "CI low",
                "ci_high": "CI high",
                "p_value_holm": "p (Holm)",
            },
        )  # fmt: skip

    def figure(self, metric: str | None = None) -> go.Figure:
        """Forest plot of one metric's effect by segment (first metric by default)."""
        from cxlib import viz

        metric = metric or str(self.table["metric"].iloc[0])
        part = self.table[(self.table["metric"] == metric) & ~self.table["suppressed"]]
        fig = go.Figure()
        for i, (variant, rows) in enumerate(part.groupby("variant", sort=False)):
            fig.add_trace(
                go.Scatter(
                    x=rows["estimate"],
                    y=rows[self.by].astype(str),
                    mode="markers",
                    name=str(variant),
                    marker=dict(size=10, color=viz.PALETTE[i % len(viz.PALETTE)]),
                    error_x=dict(
                        type="data",
                        symmetric=False,
                        array=rows["ci_high"] - rows["estimate"],
                        arrayminus=rows["estimate"] - rows["ci_low"],
                    ),
                )
            )
        fig.add_vline(x=0, line=dict(color="#52606d", width=1))
        fig.update_layout(
            template="cxlab",
            scattermode="group",
            hovermode="closest",
            height=max(280, 120 + 50 * part[self.by].nunique()),
            title=dict(
                text=f"{metric}: effect by {self.by} ({round(100 * (1 - self.alpha))}% CI, unadjusted)"
            ),
            xaxis=dict(title=dict(text="relative lift" if self.relative else "difference")),
            yaxis=dict(autorange="reversed", type="category", title=dict(text=self.by)),
        )
        if self.relative:
            fig.update_xaxes(tickformat=".0%", hoverformat=".2%")
        return fig

    def summary(self) -> list[str]:
        """Interaction verdicts and the multiple-looks warning, in words."""
        out = []
        for row in self.interaction.itertuples(index=False):
            if not np.isfinite(row.p_value):
                out.append(f"{row.metric}, {row.variant}: fewer than two segments large enough to compare.")
            elif row.p_value < self.alpha:
                out.append(
                    f"{row.metric}, {row.variant}: the effect differs between {self.by} segments "
                    f"(interaction {format_p(row.p_value)})."
                )
            else:
                out.append(
                    f"{row.metric}, {row.variant}: no evidence that the effect differs between {self.by} "
                    f"segments (interaction {format_p(row.p_value)})."
                )
        shown = self.table[~self.table["suppressed"]]
        looks = len(shown)
        out.append(
            f"Caution: {looks} segment results are {looks} looks; at α = {self.alpha:g} about "
            f"{looks * self.alpha:.1f} would look significant by chance alone. Holm-adjusted p-values "
            "account for that; treat a lone significant segment as a hypothesis to confirm in a new test."
        )
        hidden = int(self.table["suppressed"].sum())
        if hidden:
            out.append(
                f"{plural(hidden, 'segment result')} with fewer than {self.min_n:,} units in an arm "
                "are not shown."
            )
        return out


def segment_effects(
    summary_or_table: Frame | ExperimentSummary,
    by: str,
    *,
    control: str = "control",
    metrics: MetricsLike | None = None,
    relative: bool = True,
    cuped: bool = False,
    alpha: float = 0.05,
    min_n: int = 100,
    experiment: str | None = None,
    covariate: str | None = None,
    missing: Literal["raise", "zero"] = "raise",
) -> SegmentEffects:
    """Effect of each variant within each segment, with an interaction test.

    Parameters
    ----------
    summary_or_table : frame or ExperimentSummary
        Unit-level table (required columns ``variant``, ``by`` and the metric columns)
        or a summary made with ``by=...``.
    by : str
        Segment column (e.g. ``device``; see :func:`with_pre_period_segment`).
    control, metrics, relative, cuped, alpha : see :func:`cxlib.experiments.compare`
    min_n : int, default 100
        Segments with fewer units in either arm are suppressed (numbers blanked), for
        privacy and because their estimates are noise.
    experiment, covariate, missing : see :func:`cxlib.experiments.summarize`

    Returns
    -------
    SegmentEffects

    Examples
    --------
    >>> seg = segment_effects(
    ...     shop.experiments, "device", experiment="checkout_redesign", metrics={"conversion": "converted"}
    ... )  # doctest: +SKIP
    >>> seg.interaction  # doctest: +SKIP
    """
    summary = resolve_summary(
        summary_or_table, metrics, experiment=experiment, covariate=covariate, missing=missing, by=[by]
    )
    if by not in summary.by:
        raise ValueError(f"the summary is not split by {by!r}; summarise with by={by!r}")
    others = [b for b in summary.by if b != by]
    if others:
        raise ValueError(
            f"segment_effects takes a summary split by {by!r} only; it is also split by {others}"
        )
    eff = effects(summary.table, control, keys=[by], relative=relative, cuped=cuped)
    est, se, df = (eff[c].to_numpy(dtype="float64") for c in ("estimate", "se", "df"))
    lo, hi = interval(est, se, df, alpha)
    p = p_value(est, se, df)
    n_c = eff["n_control"].to_numpy(dtype="float64", na_value=0.0)
    suppressed = (n_c < min_n) | (eff["n_variant"].to_numpy(dtype="float64") < min_n)
    table = eff[[by, "metric", "variant", "n_control", "n_variant", "control_mean", "variant_mean"]].copy()
    for name, values in (("estimate", est), ("ci_low", lo), ("ci_high", hi), ("p_value", p)):
        table[name] = np.where(suppressed, np.nan, values)
    table.loc[suppressed, ["control_mean", "variant_mean"]] = np.nan
    table["p_value_holm"] = adjust_pvalues(table["p_value"], "holm")
    table["suppressed"] = suppressed
    rows = []
    for (metric, variant), part in table.assign(se=np.where(suppressed, np.nan, se)).groupby(
        ["metric", "variant"], sort=False
    ):
        q, dof, pq = heterogeneity(part["estimate"].to_numpy(), part["se"].to_numpy())
        rows.append(
            {
                "metric": metric,
                "variant": variant,
                "segments": int((~part["suppressed"]).sum()),
                "q": q,
                "df": dof,
                "p_value": pq,
            }
        )
    interaction = pd.DataFrame(rows).astype({"segments": "int64", "df": "int64"})
    return SegmentEffects(table.reset_index(drop=True), interaction, by, min_n, alpha, relative)


def with_pre_period_segment(
    experiments: Frame, covariate: str = "pre_revenue", name: str = "pre_period_buyer"
) -> Frame:
    """Add a segment column telling units with pre-period activity from new ones.

    Parameters
    ----------
    experiments : frame
        Unit-level table. Required column: ``covariate``.
    covariate : str, default "pre_revenue"
    name : str, default "pre_period_buyer"
        New column: ``"yes"`` when the covariate is > 0, ``"no"`` when it is 0 or less,
        ``"unknown"`` when it is missing.

    Returns
    -------
    frame
        The same backend as the input (a new frame; the input is not modified).
    """
    require_columns(experiments, [covariate], TABLE, purpose="the pre-period segment")
    frame = to_narwhals(experiments)
    value = nw.col(covariate)
    label = (
        nw.when(value.is_null())
        .then(nw.lit("unknown"))
        .otherwise(nw.when(value > 0).then(nw.lit("yes")).otherwise(nw.lit("no")))
    )
    return frame.with_columns(label.alias(name)).to_native()
