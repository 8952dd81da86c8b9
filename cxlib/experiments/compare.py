"""Compare every variant with the control on every metric: frequentist, Bayesian or sequential.

:func:`compare` is the one call an analysis needs. It summarises a unit table on its
backend (or takes a summary), checks the sample ratio, estimates absolute or relative
effects (delta method, optional CUPED), and reports intervals and p-values adjusted for
multiple comparisons (Holm 1979; Benjamini–Hochberg 1995), Bayesian chance to win and
risk, or always-valid confidence sequences — plus guardrail (non-inferiority) tests and a
decision in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib._types import Frame
from cxlib.engine import to_narwhals
from cxlib.experiments.bayesian import beta_binomial, normal_posterior
from cxlib.experiments.frequentist import (
    ADJUSTMENTS,
    adjust_pvalues,
    noninferiority,
)
from cxlib.experiments.health import SRM, SharesLike, srm
from cxlib.experiments.metrics import MetricsLike
from cxlib.experiments.moments import effects
from cxlib.experiments.planning import Plan, mde, plannable_kind
from cxlib.experiments.sequential import always_valid_p, mixture_halfwidth, running_looks
from cxlib.experiments.summary import ExperimentSummary, as_summary, resolve_summary
from cxlib.result import Display, ResultBase
from cxlib.two_groups import interval, p_value
from cxlib.viz.formats import format_money, format_p, plural

if TYPE_CHECKING:
    from cxlib.experiments.decision import Decision
    from cxlib.experiments.health import Balance

__all__ = ["METHODS", "Comparison", "compare"]

Method = Literal["frequentist", "bayesian", "sequential"]
#: Inference methods of :func:`compare`.
METHODS: tuple[str, ...] = ("frequentist", "bayesian", "sequential")
#: Default tuning sample size (units, all arms) of the sequential method.
DEFAULT_N_STAR = 10_000


@dataclass(frozen=True)
class Comparison(ResultBase):
    """Every variant against the control, one row per metric × variant.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns (segment columns first when the summary has them): ``metric``, ``kind``,
        ``higher_is_better`` (bool), ``variant``, ``control`` (str), ``n_control``,
        ``n_variant`` (int64), ``control_mean``, ``variant_mean`` (unadjusted),
        ``estimate`` (relative lift T/C − 1 or absolute difference; CUPED-adjusted when
        ``cuped``; the posterior mean for Bayesian), ``ci_low``, ``ci_high`` (confidence,
        credible or always-valid interval), ``se``, ``p_value`` and the adjusted
        ``p_value_holm``, ``p_value_bh`` (NaN for Bayesian), ``outcome`` (``win``,
        ``loss``, ``inconclusive``), ``cuped`` (bool), ``theta``, ``variance_reduction``;
        Bayesian adds ``chance_to_win``, ``risk`` (expected loss of shipping the
        variant) and ``risk_control`` (of keeping the control), on the scale of the
        estimate.
    data : ExperimentSummary
        The sufficient statistics behind the table.
    method : str
    control : str
    relative : bool
    alpha : float
    adjust : str or None
        Which adjusted p-value decides ``outcome`` (frequentist and sequential).
    srm : SRM
        Sample-ratio check of the same units.
    guardrails : pandas.DataFrame or None
        Non-inferiority tests (see :func:`cxlib.experiments.frequentist.noninferiority`).
    n_star : float or None
        Tuning sample size of the sequential method.
    """

    table: pd.DataFrame
    data: ExperimentSummary
    method: str
    control: str
    relative: bool
    alpha: float
    adjust: str | None
    srm: SRM
    guardrails: pd.DataFrame | None = None
    n_star: float | None = None

    def display_settings(self) -> Display:
        """Effects as percentages when relative; p-values with 3 decimals."""
        effects = ("estimate", "ci_low", "ci_high", "fixed_low", "fixed_high") if self.relative else ()
        shares = ("chance_to_win",) if "chance_to_win" in self.table.columns else ()
        p_values = ("p_value", "p_value_holm", "p_value_bh", "p_value_cmh")
        return Display(percent_cols=effects + shares, decimals=dict.fromkeys(p_values, 3))

    def figure(self) -> go.Figure:
        """Forest plot: the effect of each variant on each metric with its interval."""
        from cxlib import viz

        fig = go.Figure()
        t = self.table
        label = t["metric"].astype(str)
        for key in list(self.data.by):
            label = label + " · " + t[key].astype(str)
        for i, (variant, rows) in enumerate(t.assign(label=label).groupby("variant", sort=False)):
            fig.add_trace(
                go.Scatter(
                    x=rows["estimate"],
                    y=rows["label"],
                    mode="markers",
                    name=str(variant),
                    marker=dict(size=10, color=viz.PALETTE[i % len(viz.PALETTE)]),
                    error_x=dict(
                        type="data",
                        symmetric=False,
                        array=rows["ci_high"] - rows["estimate"],
                        arrayminus=rows["estimate"] - rows["ci_low"],
                    ),
                    hovertemplate="%{y}: %{x:"
                    + (".2%" if self.relative else ".4g")
                    + "}<extra>"
                    + str(variant)
                    + "</extra>",
                )
            )
        fig.add_vline(x=0, line=dict(color="#52606d", width=1))
        level = round(100 * (1 - self.alpha))
        interval_name = {
            "frequentist": "confidence interval",
            "bayesian": "credible interval",
            "sequential": "always-valid confidence sequence",
        }[self.method]
        scale = "relative lift vs " if self.relative else "difference vs "
        fig.update_layout(
            template="cxlab",
            scattermode="group",
            hovermode="closest",
            height=max(300, 120 + 60 * label.nunique()),
            title=dict(text=f"Effect by metric ({scale}{self.control}, {level}% {interval_name})"),
            xaxis=dict(title=dict(text=scale + self.control), zeroline=False),
            yaxis=dict(autorange="reversed", type="category"),
        )
        if self.relative:
            fig.update_xaxes(tickformat=".0%", hoverformat=".2%")
        return fig

    def formatted(self, *, currency: str = "", money: Sequence[str] = ()) -> pd.DataFrame:
        """Render the table as report text: means, lift with its interval, evidence and outcome.

        Parameters
        ----------
        currency : str, optional
            Label written after every amount (``EUR``).
        money : sequence of str
            Metrics whose values are amounts (revenue per visitor, average order value).

        Returns
        -------
        pandas.DataFrame
            Text cells; p-values as ``0.031`` or ``< 0.001``, never ``0.000``.
        """
        t = self.table
        level = round(100 * (1 - self.alpha))
        effect = "{:+.1%}" if self.relative else "{:+.3g}"

        def mean_text(value: float, kind: str, metric: str) -> str:
            if kind == "proportion":
                return f"{value:.2%}"
            return format_money(value, currency) if metric in money else f"{value:,.2f}"

        def means(column: str) -> list[str]:
            return [mean_text(v, k, m) for v, k, m in zip(t[column], t["kind"], t["metric"], strict=True)]

        out = pd.DataFrame(
            {
                "metric": t["metric"].astype(str),
                "variant": t["variant"].astype(str),
                self.control: means("control_mean"),
                "variant value": means("variant_mean"),
                "lift" if self.relative else "difference": [effect.format(v) for v in t["estimate"]],
                f"{level}% interval": [
                    f"{effect.format(lo)} to {effect.format(hi)}"
                    for lo, hi in zip(t["ci_low"], t["ci_high"], strict=True)
                ],
            }
        )
        for key in reversed(self.data.by):
            out.insert(0, key, t[key].astype(str))
        if self.method == "bayesian":
            out["chance to win"] = [f"{v:.1%}" for v in t["chance_to_win"]]
            out["risk"] = [f"{100 * v:.2g}%" if self.relative else f"{v:.2g}" for v in t["risk"]]
        else:
            out["p-value"] = [p_cell(v) for v in t["p_value"]]
            if self.adjust:
                out[f"p ({'Holm' if self.adjust == 'holm' else 'BH'})"] = [
                    p_cell(v) for v in t[f"p_value_{self.adjust}"]
                ]
        if bool(t["cuped"].any()):
            out["CUPED"] = [
                f"−{v:.0%} var." if c else "—"
                for v, c in zip(t["variance_reduction"], t["cuped"], strict=True)
            ]
        out["outcome"] = t["outcome"].astype(str)
        return out

    def cuped_note(self) -> str:
        """Say how much CUPED reduced the variance of each metric (or that it was not used)."""
        used = self.table[self.table["cuped"]].drop_duplicates("metric")
        if used.empty:
            return "CUPED was not used."
        parts = ", ".join(f"{r.variance_reduction:.0%} for {r.metric}" for r in used.itertuples())
        return (
            f"CUPED reduced the variance by {parts}, which is like running the test on that many more units."
        )

    def chance_note(self, metric: str | None = None) -> str:
        """Say the chance to win and the risk of the first variant on ``metric`` (Bayesian only)."""
        if "chance_to_win" not in self.table.columns:
            raise ValueError("chance to win needs method='bayesian'")
        metric = metric or str(self.table["metric"].iloc[0])
        first = self.table[self.table["metric"] == metric].iloc[0]
        risk = (
            f"{100 * first['risk']:.2g}% of the control's {metric}"
            if self.relative
            else f"{first['risk']:.3g}"
        )
        return (
            f"{first['variant']} has a {first['chance_to_win']:.1%} chance to beat {self.control} "
            f"on {metric}; shipping it risks an expected loss of {risk}."
        )

    def guardrail_table(self) -> pd.DataFrame:
        """Return the guardrail tests as report text (lift, worst plausible lift, p, status)."""
        g = self.guardrails
        if g is None:
            raise ValueError("this comparison has no guardrails")
        return pd.DataFrame(
            {
                "Metric": g["metric"].astype(str),
                "Variant": g["variant"].astype(str),
                "Tolerated drop": [f"{v:.1%}" if self.relative else f"{v:.3g}" for v in g["margin"]],
                "Lift": [f"{v:+.1%}" if self.relative else f"{v:+.3g}" for v in g["estimate"]],
                "Worst plausible lift": [f"{v:+.1%}" if self.relative else f"{v:+.3g}" for v in g["bound"]],
                "p (worse than margin)": [p_cell(v) for v in g["p_value"]],
                "Status": g["status"].astype(str),
            }
        )

    def guardrail_note(self) -> str:
        """Say whether the guardrails passed, failed or are inconclusive."""
        if self.guardrails is None:
            return "No guardrail metric available (needs revenue and orders)."
        status = self.guardrails["status"]
        failed = int((status == "fail").sum())
        if failed:
            return f"{plural(failed, 'guardrail')} failed: the metric dropped by more than its margin."
        if bool((status == "pass").all()):
            return "Every guardrail passed: the data rule out a drop beyond the margin."
        return "Some guardrails are inconclusive: the data cannot rule out a drop beyond the margin."

    def plan(self, metric: str | None = None, *, n: int | None = None, power: float = 0.8) -> Plan:
        """Minimum detectable effect of a follow-up test like this one, with and without CUPED.

        Uses the control's observed rate or mean and standard deviation, this test's split
        and, when CUPED was used, its observed variance reduction.

        Parameters
        ----------
        metric : str, optional
            A proportion or mean metric; default the first one.
        n : int, optional
            Control-arm size of the next test; default this test's.
        power : float, default 0.8

        Returns
        -------
        Plan
        """
        rows = self.table[self.table["kind"] != "ratio"]
        if rows.empty:
            raise ValueError("planning needs a proportion or mean metric")
        metric = metric or str(rows["metric"].iloc[0])
        rows = rows[rows["metric"] == metric]
        if rows.empty:
            raise ValueError(f"{metric!r} is not a proportion or mean metric of this comparison")
        data = self.data.table
        control = data[(data["metric"] == metric) & (data["variant"] == self.control)][
            ["n", "sum", "sum_sq"]
        ].sum()
        mean = control["sum"] / control["n"]
        sd = float(
            np.sqrt(max(control["sum_sq"] / control["n"] - mean**2, 0.0) * control["n"] / (control["n"] - 1))
        )
        first = rows.iloc[0]
        reduction = float(np.nanmean(rows["variance_reduction"])) if bool(rows["cuped"].any()) else 0.0
        return mde(
            baseline=float(mean),
            n=int(n or first["n_control"]),
            power=power,
            kind=plannable_kind(first["kind"]),
            sd=sd,
            ratio=float(first["n_variant"]) / float(first["n_control"]),
            alpha=self.alpha,
            variance_reduction=reduction if reduction > 0 else None,
        )

    def decision(
        self,
        primary: str | None = None,
        balance: Balance | None = None,
        *,
        currency: str = "",
        money: Sequence[str] = (),
    ) -> Decision:
        """Ship, don't ship or keep running — with reasons and caveats (see :func:`decide`)."""
        from cxlib.experiments.decision import decide

        return decide(self, primary=primary, balance=balance, currency=currency, money=money)

    def summary(self) -> list[str]:
        """Decide, with reasons and caveats, in plain sentences."""
        return self.decision().summary()


def p_cell(value: Any) -> str:
    """Write a p-value for a table cell: ``0.031``, ``0.47`` or ``< 0.001`` (never ``0.000``)."""
    return format_p(value).removeprefix("p = ").removeprefix("p ")


def _bayesian(
    eff: pd.DataFrame, *, relative: bool, alpha: float, prior: tuple[float, float], prior_sd: float | None
) -> dict[str, np.ndarray]:
    est, se = eff["estimate"].to_numpy(dtype="float64"), eff["se"].to_numpy(dtype="float64")
    hib = eff["higher_is_better"].to_numpy(dtype=bool)
    posterior = normal_posterior(est, se, higher_is_better=hib, alpha=alpha, prior_sd=prior_sd)
    out = {key: np.array(values, dtype="float64") for key, values in posterior.items()}
    exact = (eff["kind"] == "proportion").to_numpy() & ~eff["cuped"].to_numpy(dtype=bool)
    for i in np.flatnonzero(exact):
        row = eff.iloc[i]
        res = beta_binomial(
            float(row["sum_control"]),
            float(row["n_control"]),
            float(row["sum_variant"]),
            float(row["n_variant"]),
            relative=relative,
            higher_is_better=bool(row["higher_is_better"]),
            alpha=alpha,
            prior=prior,
        )
        for key, value in res.items():
            out[key][i] = value
    return out


def compare(
    summary_or_table: Frame | ExperimentSummary,
    *,
    control: str = "control",
    method: Method = "frequentist",
    relative: bool = True,
    cuped: bool = False,
    alpha: float = 0.05,
    metrics: MetricsLike | None = None,
    experiment: str | None = None,
    covariate: str | None = None,
    missing: Literal["raise", "zero"] = "raise",
    adjust: Literal["holm", "bh"] | None = "holm",
    guardrails: Mapping[str, float] | None = None,
    n_star: float = DEFAULT_N_STAR,
    prior: tuple[float, float] = (1.0, 1.0),
    prior_sd: float | None = None,
    expected_shares: SharesLike = None,
    srm_threshold: float = 0.001,
    ts: str = "exposed_ts",
) -> Comparison:
    """Compare each variant with the control on each metric.

    Parameters
    ----------
    summary_or_table : ExperimentSummary, pandas.DataFrame or frame
        A summary (:func:`summarize`, or a pandas frame with ``variant, metric, n, sum,
        sum_sq`` …), or the unit-level ``experiments`` table (then ``metrics`` is
        required; required columns: ``variant``, the metric columns, the covariate with
        ``cuped``, ``experiment`` when the table holds several).
    control : str, default "control"
    method : {"frequentist", "bayesian", "sequential"}, default "frequentist"
        ``frequentist``: Welch t-test (means, absolute), z-tests (proportions: Wald, as
        statsmodels ``test_proportions_2indep(method="wald")``; ratio metrics and
        relative lifts: delta method). ``bayesian``: chance to win, risk and credible
        intervals (beta–binomial for conversions, normal approximation otherwise).
        ``sequential``: always-valid confidence sequences (mixture SPRT; tuned by
        ``n_star``), safe under continuous peeking.
    relative : bool, default True
        Relative lift (T/C − 1; delta method, Deng, Knoblich & Lu 2018) instead of the
        absolute difference.
    cuped : bool, default False
        CUPED-adjust proportion and mean metrics (Deng et al. 2013; θ pooled over arms).
    alpha : float, default 0.05
        1 − confidence level; also the decision threshold.
    metrics : metric spec, optional
        Metrics to summarise from a unit table, or to pick from a summary.
    experiment : str, optional
        Experiment to analyse in a unit table holding several.
    covariate : str, optional
        Pre-period covariate column for CUPED (e.g. ``"pre_revenue"``).
    missing : {"raise", "zero"}, default "raise"
        See :func:`summarize`.
    adjust : {"holm", "bh"} or None, default "holm"
        Which adjusted p-value decides ``outcome`` across all metrics × variants; both
        adjusted columns are always reported. None uses the raw p-values.
    guardrails : mapping, optional
        Metric → tolerated worsening (non-inferiority margin) on the scale of the
        estimate, e.g. ``{"aov": 0.02}`` for at most −2 % with ``relative=True``.
    n_star : float, default 10,000
        Sequential tuning sample size (units, all arms): set it to the planned size.
    prior : (float, float), default (1, 1)
        Beta prior of conversion rates (Bayesian).
    prior_sd : float, optional
        Normal N(0, prior_sd²) prior on the effect for the normal approximation
        (Bayesian); flat when None.
    expected_shares : mapping, sequence or str, optional
        Planned split for the SRM check (default equal).
    srm_threshold : float, default 0.001
    ts : str, default "exposed_ts"
        Exposure timestamp. With ``method="sequential"`` every exposure day is a look: a
        unit table with this column (or a summary made with ``period="day"``) gives the
        running intersection of the confidence sequences and the running minimum of the
        always-valid p-values; otherwise the single look at the data given.

    Returns
    -------
    Comparison

    Raises
    ------
    DataError
        Missing columns or variants, several experiments, missing covariate for CUPED.

    Examples
    --------
    >>> result = compare(
    ...     shop.experiments,
    ...     experiment="checkout_redesign",
    ...     metrics={"conversion": "converted", "revenue": "revenue"},
    ...     covariate="pre_revenue",
    ...     cuped=True,
    ... )  # doctest: +SKIP
    >>> result.table[["metric", "estimate", "ci_low", "ci_high", "p_value"]]  # doctest: +SKIP
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie in (0, 1)")
    if adjust is not None and adjust not in ADJUSTMENTS:
        raise ValueError(f"adjust must be one of {', '.join(ADJUSTMENTS)} or None")
    period: Literal["day"] | None = None
    if (
        method == "sequential"
        and as_summary(summary_or_table) is None
        and ts in to_narwhals(summary_or_table).collect_schema().names()
    ):
        period = "day"
    summary = resolve_summary(
        summary_or_table,
        metrics,
        experiment=experiment,
        covariate=covariate,
        missing=missing,
        period=period,
        ts=ts,
    )
    looks = None
    if "period" in summary.by:
        if method == "sequential":
            looks = running_looks(
                summary, control, relative=relative, cuped=cuped, alpha=alpha, n_star=n_star, adjust=adjust
            )
        summary = summary.collapse("period")
    keys = list(summary.by)
    eff = effects(summary.table, control, keys=keys, relative=relative, cuped=cuped)
    est, se, df = (eff[c].to_numpy(dtype="float64") for c in ("estimate", "se", "df"))
    n_total = eff["n_control"].to_numpy(dtype="float64", na_value=np.nan) + eff["n_variant"].to_numpy(
        dtype="float64"
    )
    table = eff.drop(columns=["estimate", "se", "df", "sum_control", "sum_variant"]).copy()
    bayes: dict[str, np.ndarray] = {}
    bound = None
    if method == "bayesian":
        bayes = _bayesian(eff, relative=relative, alpha=alpha, prior=prior, prior_sd=prior_sd)
        estimate, lo, hi, p = bayes["mean"], bayes["ci_low"], bayes["ci_high"], np.full(len(eff), np.nan)
    elif method == "sequential":
        half = mixture_halfwidth(se, n_total, alpha, n_star)
        estimate, lo, hi = est, est - half, est + half
        p = always_valid_p(est, se, n_total, alpha, n_star)
        bound = half
        if looks is not None:  # running intersection and running minimum over every exposure day
            on = [*keys, "metric", "variant"]
            last = eff[on].merge(
                looks.groupby(on, sort=False).tail(1)[[*on, "ci_low", "ci_high", "p_value"]],
                on=on,
                how="left",
            )
            lo, hi, p = (last[c].to_numpy(dtype="float64") for c in ("ci_low", "ci_high", "p_value"))
    else:
        estimate = est
        lo, hi = interval(est, se, df, alpha)
        p = p_value(est, se, df)
    position = table.columns.get_loc("variant_mean") + 1
    for offset, (name, values) in enumerate(
        (("estimate", estimate), ("ci_low", lo), ("ci_high", hi), ("se", se), ("p_value", p))
    ):
        table.insert(position + offset, name, values)
    table.insert(position + 5, "p_value_holm", adjust_pvalues(p, "holm"))
    table.insert(position + 6, "p_value_bh", adjust_pvalues(p, "bh"))
    sign = np.where(table["higher_is_better"].to_numpy(dtype=bool), 1.0, -1.0)
    if method == "bayesian":
        win = bayes["chance_to_win"]
        decided = (win >= 1 - alpha) | (win <= alpha)
        better = win >= 0.5
        table["chance_to_win"] = win
        table["risk"] = bayes["risk"]
        table["risk_control"] = bayes["risk_control"]
    else:
        deciding = table[f"p_value_{adjust}"].to_numpy() if adjust else p
        decided = deciding < alpha
        better = sign * estimate > 0
    table.insert(position + 7, "outcome", np.where(decided, np.where(better, "win", "loss"), "inconclusive"))
    table["outcome"] = table["outcome"].astype("str")

    guard = None
    if guardrails:
        guard = noninferiority(eff, guardrails, alpha, bound=bound)
    check = srm(summary, expected_shares, control=control, threshold=srm_threshold)
    return Comparison(
        table.reset_index(drop=True),
        summary,
        method,
        control,
        relative,
        alpha,
        adjust,
        check,
        guard,
        n_star if method == "sequential" else None,
    )
