"""Always-valid inference: confidence sequences that stay valid however often you look.

A fixed-horizon 95 % interval checked every day and acted on as soon as it excludes zero
has a false-positive rate far above 5 %. A *confidence sequence* covers the true effect at
every look simultaneously with probability ≥ 1 − α, so peeking and stopping early are safe.

cxlib uses the normal-mixture boundary: the mixture sequential probability ratio test
(mSPRT) of Johari, Pekelis & Walsh (KDD 2017) and, equivalently, the asymptotic
confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas (2023,
arXiv:2103.06476, Gaussian-mixture boundary). For an estimator with standard error ``se``
after ``n`` units in total,

    half-width = se · sqrt( 2(nρ² + 1)/(nρ²) · log( sqrt(nρ² + 1)/α ) ),

with the mixture variance ρ² = (−2 log α + log(−2 log α + 1))/N* chosen to make the
sequence tightest at a tuning sample size N* (pick the planned total sample size). The
always-valid p-value is 1/Λ_n, Λ_n = exp(z² nρ²/(2(nρ² + 1)))/sqrt(nρ² + 1), z = est/se:
it is ≤ α exactly when the sequence excludes zero; over several looks take its running
minimum and the running intersection of the intervals (:func:`running_looks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib._types import Frame
from cxlib.experiments.frequentist import adjust_pvalues
from cxlib.experiments.metrics import MetricsLike
from cxlib.experiments.moments import effects
from cxlib.experiments.summary import ExperimentSummary, resolve_summary
from cxlib.result import Display, ResultBase
from cxlib.two_groups import interval
from cxlib.viz.formats import format_p

__all__ = [
    "SequentialResult",
    "always_valid_p",
    "effect_over_time",
    "mixture_halfwidth",
    "mixture_rho2",
    "running_looks",
]


def mixture_rho2(alpha: float, n_star: float) -> float:
    """Mixture variance ρ² that makes the confidence sequence tightest at ``n_star`` units.

    Waudby-Smith et al. (2023), the closed-form approximation to the optimal ρ².

    Parameters
    ----------
    alpha : float
    n_star : float
        Tuning sample size (units, both arms).

    Returns
    -------
    float
    """
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie in (0, 1)")
    if n_star <= 0:
        raise ValueError("n_star (tuning sample size) must be positive")
    log_a = -2.0 * np.log(alpha)
    return float((log_a + np.log(log_a + 1.0)) / n_star)


def mixture_halfwidth(se: Any, n: Any, alpha: float, n_star: float) -> np.ndarray:
    """Half-width of the always-valid ``1 - alpha`` confidence sequence at ``n`` units.

    Parameters
    ----------
    se : array-like
        Fixed-horizon standard error of the estimate after ``n`` units.
    n : array-like
        Units so far (both arms together).
    alpha : float
    n_star : float
        Tuning sample size (units, both arms).

    Returns
    -------
    numpy.ndarray
    """
    k = np.asarray(n, dtype="float64") * mixture_rho2(alpha, n_star)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(se, dtype="float64") * np.sqrt(
            2.0 * (k + 1.0) / k * np.log(np.sqrt(k + 1.0) / alpha)
        )


def always_valid_p(estimate: Any, se: Any, n: Any, alpha: float, n_star: float) -> np.ndarray:
    """Always-valid p-value 1/Λ_n of the normal-mixture SPRT at one look (Johari et al. 2017).

    ``alpha`` only sets the mixture variance (as for :func:`mixture_halfwidth`), so that
    p ≤ alpha exactly when the confidence sequence excludes zero.

    Parameters
    ----------
    estimate, se : array-like
        Fixed-horizon estimate and standard error after ``n`` units.
    n : array-like
        Units so far (both arms together).
    alpha : float
    n_star : float
        Tuning sample size (units, both arms).

    Returns
    -------
    numpy.ndarray
        p-values in (0, 1]; 1 for a zero estimate without spread.
    """
    k = np.asarray(n, dtype="float64") * mixture_rho2(alpha, n_star)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = np.asarray(estimate, dtype="float64") / np.asarray(se, dtype="float64")
        log_p = 0.5 * np.log1p(k) - z * z * k / (2.0 * (k + 1.0))
        p = np.minimum(1.0, np.exp(log_p))
    return np.where((np.asarray(se) == 0) & (np.asarray(estimate) == 0), 1.0, p)


def running_looks(
    summary: ExperimentSummary,
    control: str,
    *,
    relative: bool,
    cuped: bool,
    alpha: float,
    n_star: float,
    adjust: str | None,
) -> pd.DataFrame:
    """Every look (exposure day) of a summary made with ``period="day"``, with running inference.

    At each look the estimate uses everyone exposed so far; ``ci_low``/``ci_high`` are the
    running intersection of the confidence sequences and ``p_value`` the running minimum of
    the always-valid p-values (both remain valid over all looks). ``p_value_holm`` and
    ``p_value_bh`` adjust the running p-values across metrics × variants at each look
    (Holm's and BH's adjusted values never rise when the raw ones fall, so a conclusion,
    once reached, stays); ``conclusive`` (p < alpha) uses the ``adjust`` column (raw when
    None).

    Parameters
    ----------
    summary : ExperimentSummary
        Split by ``period`` (UTC exposure day).
    control : str
    relative, cuped, alpha : bool, bool, float
        As in :func:`cxlib.experiments.compare`.
    n_star : float
        Tuning sample size of the confidence sequences (units, both arms).
    adjust : {"holm", "bh"} or None
        Which adjusted p-value decides ``conclusive``.

    Returns
    -------
    pandas.DataFrame
        Segment columns, ``period, metric, kind, higher_is_better, variant, n`` and
        ``estimate, se, ci_low, ci_high, fixed_low, fixed_high, p_value, p_value_holm,
        p_value_bh, conclusive``, sorted by segment, metric, variant and period.
    """
    if "period" not in summary.by:
        raise ValueError("needs a unit-level table or a summary made with period='day'")
    running = summary.cumulative()
    others = [b for b in running.by if b != "period"]
    eff = effects(running.table, control, keys=[*others, "period"], relative=relative, cuped=cuped)
    est, se, df = (eff[c].to_numpy(dtype="float64") for c in ("estimate", "se", "df"))
    n = eff["n_control"].to_numpy(dtype="float64", na_value=np.nan) + eff["n_variant"].to_numpy(
        dtype="float64"
    )
    half = mixture_halfwidth(se, n, alpha, n_star)
    fixed_low, fixed_high = interval(est, se, df, alpha)
    looks = eff[[*others, "period", "metric", "kind", "higher_is_better", "variant"]].copy()
    looks["n"] = pd.array(np.where(np.isfinite(n), n, np.nan), dtype="Int64")
    looks["estimate"] = est
    looks["se"] = se
    looks["ci_low"] = np.where(np.isfinite(half), est - half, -np.inf)
    looks["ci_high"] = np.where(np.isfinite(half), est + half, np.inf)
    looks["fixed_low"] = fixed_low
    looks["fixed_high"] = fixed_high
    p = always_valid_p(est, se, n, alpha, n_star)
    looks["p_value"] = np.where(np.isfinite(p), p, 1.0)
    keys = [*others, "metric", "variant"]
    looks = looks.sort_values([*keys, "period"], kind="stable")
    grouped = looks.groupby(keys, sort=False)
    looks["ci_low"] = grouped["ci_low"].cummax()
    looks["ci_high"] = grouped["ci_high"].cummin()
    looks["p_value"] = grouped["p_value"].cummin()
    by_look = looks.groupby("period", sort=False)["p_value"]
    looks["p_value_holm"] = by_look.transform(lambda v: adjust_pvalues(v.to_numpy(), "holm"))
    looks["p_value_bh"] = by_look.transform(lambda v: adjust_pvalues(v.to_numpy(), "bh"))
    deciding = looks[f"p_value_{adjust}"] if adjust else looks["p_value"]
    looks["conclusive"] = (deciding < alpha).to_numpy()
    return looks.reset_index(drop=True)


@dataclass(frozen=True)
class SequentialResult(ResultBase):
    """The effect of each variant over time with its always-valid confidence sequence.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per period (UTC exposure day), metric and variant: ``period, metric,
        variant, n`` (units so far, both arms), ``estimate``, ``ci_low``, ``ci_high``
        (running intersection of the sequence), ``fixed_low``, ``fixed_high`` (the naive
        fixed-horizon interval at that look, for contrast), ``p_value`` (running minimum
        of the always-valid p-value), ``p_value_holm``, ``p_value_bh`` (adjusted across
        metrics × variants at each look) and ``conclusive`` (bool, by the chosen
        adjustment).
    conclusive_at : pandas.DataFrame
        One row per metric and variant: ``first_conclusive`` (first period from which the
        result is conclusive; NaT if none), ``direction`` (``up``/``down``/``""``).
    alpha : float
    n_star : float
    relative : bool
    adjust : str or None
        Adjustment across metrics × variants behind ``conclusive``.
    """

    table: pd.DataFrame
    conclusive_at: pd.DataFrame
    alpha: float
    n_star: float
    relative: bool
    adjust: str | None = None

    def display_settings(self) -> Display:
        """Effects as percentages when relative; p-values with 3 decimals."""
        effects = ("estimate", "ci_low", "ci_high", "fixed_low", "fixed_high") if self.relative else ()
        shares = ("chance_to_win",) if "chance_to_win" in self.table.columns else ()
        p_values = ("p_value", "p_value_holm", "p_value_bh", "p_value_cmh")
        return Display(percent_cols=effects + shares, decimals=dict.fromkeys(p_values, 3))

    def figure(self, metric: str | None = None) -> go.Figure:
        """Estimate and confidence sequence of one metric over time (first metric by default)."""
        from cxlib import viz

        metric = metric or str(self.table["metric"].iloc[0])
        part = self.table[self.table["metric"] == metric]
        fig = go.Figure()
        for i, (variant, rows) in enumerate(part.groupby("variant", sort=False)):
            colour = viz.PALETTE[i % len(viz.PALETTE)]
            x = rows["period"].tolist()
            fig.add_trace(
                go.Scatter(
                    x=x + x[::-1],
                    y=rows["ci_high"].tolist() + rows["ci_low"].tolist()[::-1],
                    fill="toself",
                    fillcolor=_fade(colour),
                    line=dict(width=0),
                    name=f"{variant}: always-valid {round(100 * (1 - self.alpha))}% sequence",
                    hoverinfo="skip",
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=rows["fixed_low"],
                    line=dict(color=colour, dash="dot", width=1),
                    name=f"{variant}: fixed-horizon interval (not valid when peeking)",
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=x, y=rows["fixed_high"], line=dict(color=colour, dash="dot", width=1), showlegend=False
                )
            )
            fig.add_trace(
                go.Scatter(x=x, y=rows["estimate"], line=dict(color=colour), name=f"{variant}: estimate")
            )
            first = self.conclusive_at[
                (self.conclusive_at["metric"] == metric) & (self.conclusive_at["variant"] == variant)
            ]
            if len(first) and pd.notna(first["first_conclusive"].iloc[0]):
                when = first["first_conclusive"].iloc[0]
                fig.add_vline(x=when, line=dict(color=colour, dash="dash", width=1))
        fig.add_hline(y=0, line=dict(color="#52606d", width=1))
        fig.update_layout(
            template="cxlab",
            title=dict(text=f"{metric}: effect over time"),
            height=420,
            xaxis=dict(title=dict(text="exposure day")),
            yaxis=dict(title=dict(text="relative lift" if self.relative else "difference")),
        )
        if self.relative:
            fig.update_yaxes(tickformat=".0%", hoverformat=".1%")
        return fig

    def planned_reached(self) -> pd.Timestamp | None:
        """Return the first look at which the planned sample (``n_star`` units) was reached, if any."""
        reached = self.table[self.table["n"] >= self.n_star]
        return pd.Timestamp(reached["period"].min()) if len(reached) else None

    def summary(self) -> list[str]:
        """When each result became conclusive, and once which test decides, in words.

        Results that never became conclusive share one sentence; then one sentence says
        whether the planned sample was reached (the fixed-horizon test decides) or not (keep
        running: the always-valid bands stay valid at every look).
        """
        at = self.conclusive_at
        late = at[at["first_conclusive"].isna()]
        out = [
            f"{row.metric}, {row.variant}: conclusive ({row.direction}) from "
            f"{pd.Timestamp(row.first_conclusive):%Y-%m-%d} on; stopping then would have been safe."
            for row in at[at["first_conclusive"].notna()].itertuples(index=False)
        ]
        if len(late):
            which = _listed(f"{r.metric} ({r.variant})" for r in late.itertuples(index=False))
            out.append(
                f"No early stop for {which}: the always-valid bands, which allow looking every day, "
                "never excluded zero."
            )
        reached = self.planned_reached()
        n_last = int(self.table["n"].max()) if len(self.table) else 0
        if reached is not None:
            out.append(
                f"The planned sample ({self.n_star:,.0f} units) was reached on {reached:%Y-%m-%d}, so the "
                "fixed-horizon test (What changed) decides; these bands only show whether stopping "
                "earlier would have been safe."
            )
        else:
            out.append(
                f"The planned sample ({self.n_star:,.0f} units) is not reached yet ({n_last:,} so far); "
                "the always-valid bands stay valid at every look until it is."
            )
        k = len(at)
        if self.adjust and k > 1:
            which = "Holm" if self.adjust == "holm" else "Benjamini–Hochberg"
            out.append(
                f"Conclusions use always-valid p-values {which}-adjusted over the {k} metrics × variants; "
                "the bands are unadjusted."
            )
        return out

    def looks_table(self, metric: str | None = None) -> pd.DataFrame:
        """Return each look of one metric as report text (for the appendix).

        Columns: exposure day, variant, units so far, lift, always-valid interval,
        fixed-horizon interval, always-valid p-value (``< 0.001``, never ``0.000``) and
        whether the result was conclusive at that look.
        """
        metric = metric or str(self.table["metric"].iloc[0])
        t = self.table[self.table["metric"] == metric]
        effect = "{:+.1%}" if self.relative else "{:+.3g}"
        p = t[f"p_value_{self.adjust}"] if self.adjust else t["p_value"]
        return pd.DataFrame(
            {
                "Exposure day": [f"{pd.Timestamp(v):%Y-%m-%d}" for v in t["period"]],
                "Variant": t["variant"].astype(str).to_numpy(),
                "Units so far": t["n"].to_numpy(),
                "Lift" if self.relative else "Difference": [effect.format(v) for v in t["estimate"]],
                "Always-valid interval": [
                    f"{effect.format(lo)} to {effect.format(hi)}"
                    for lo, hi in zip(t["ci_low"], t["ci_high"], strict=True)
                ],
                "Fixed-horizon interval": [
                    f"{effect.format(lo)} to {effect.format(hi)}"
                    for lo, hi in zip(t["fixed_low"], t["fixed_high"], strict=True)
                ],
                "Always-valid p": [format_p(v).removeprefix("p = ").removeprefix("p ") for v in p],
                "Conclusive": np.where(t["conclusive"].to_numpy(dtype=bool), "yes", "no"),
            }
        )


def _listed(items: Any) -> str:
    """Join names as "a, b and c"."""
    names = list(items)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _fade(colour: str, opacity: float = 0.18) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{opacity})"


def effect_over_time(
    summary_or_table: Frame | ExperimentSummary,
    *,
    control: str = "control",
    metrics: MetricsLike | None = None,
    relative: bool = True,
    cuped: bool = False,
    alpha: float = 0.05,
    n_star: float = 10_000,
    experiment: str | None = None,
    covariate: str | None = None,
    ts: str = "exposed_ts",
    missing: Literal["raise", "zero"] = "raise",
    adjust: Literal["holm", "bh"] | None = "holm",
) -> SequentialResult:
    """Estimate the effect after each exposure day, with always-valid confidence sequences.

    Each look uses every unit exposed up to that day (outcomes as recorded in the table),
    so the analysis replays what a daily dashboard would have shown — with intervals that
    stay valid under that daily peeking.

    Parameters
    ----------
    summary_or_table : frame or ExperimentSummary
        Unit-level table (required columns ``variant``, ``ts`` and the metric columns) or a
        summary made with ``period="day"``.
    control : str, default "control"
    metrics : metric spec, optional
        Required with a unit table.
    relative, cuped, alpha : see :func:`cxlib.experiments.compare`
    n_star : float, default 10,000
        Tuning sample size (units, all arms); set it to the planned size before looking.
    experiment, covariate, missing : see :func:`cxlib.experiments.summarize`
    ts : str, default "exposed_ts"
    adjust : {"holm", "bh"} or None, default "holm"
        Adjustment across metrics × variants that decides ``conclusive`` (as in
        :func:`~cxlib.experiments.compare`).

    Returns
    -------
    SequentialResult

    Examples
    --------
    >>> seq = effect_over_time(
    ...     shop.experiments,
    ...     experiment="checkout_redesign",
    ...     metrics={"conversion": "converted"},
    ...     n_star=40_000,
    ... )  # doctest: +SKIP
    >>> seq.conclusive_at  # doctest: +SKIP
    """
    summary = resolve_summary(
        summary_or_table,
        metrics,
        experiment=experiment,
        covariate=covariate,
        missing=missing,
        period="day",
        ts=ts,
    )
    looks = running_looks(
        summary, control, relative=relative, cuped=cuped, alpha=alpha, n_star=n_star, adjust=adjust
    )
    keys = [*[b for b in summary.by if b != "period"], "metric", "variant"]
    table = looks.drop(columns=["kind", "higher_is_better", "se"])
    first = table[table["conclusive"]].groupby(keys, sort=False).first().reset_index()
    at = table.drop_duplicates(keys)[keys].merge(first[[*keys, "period", "estimate"]], on=keys, how="left")
    at = at.rename(columns={"period": "first_conclusive"})
    at["direction"] = np.where(at["estimate"].isna(), "", np.where(at["estimate"] > 0, "up", "down"))
    return SequentialResult(table, at.drop(columns="estimate"), alpha, n_star, relative, adjust)
