"""Planning an experiment: power, sample size and minimum detectable effect, with and without CUPED.

Normal approximation of the two-sided test cxlib runs (Wald z-test for proportions,
Welch/z for means), with unpooled variances: for an absolute effect δ, control arm size n
and variant arm size k·n,

    se = sqrt(σ_C²/n + σ_T²/(k·n)),    power = Φ(|δ|/se − z_{1−α/2}) + Φ(−|δ|/se − z_{1−α/2}),

σ² = p(1 − p) for a proportion (σ_T² at the treated rate p + δ) and the given standard
deviation for a mean. CUPED multiplies both variances by (1 − R²), R² the variance
reduction (≈ ρ² of outcome and pre-period covariate; Deng et al., WSDM 2013). Sample size is
the smallest whole n reaching the target power; the minimum detectable effect (MDE) is the
smallest increase detected with that power.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import optimize, stats

from cxlib.result import Display, ResultBase

__all__ = ["Plan", "mde", "power", "sample_size"]

Kind = Literal["proportion", "mean"]


@dataclass(frozen=True)
class Plan(ResultBase):
    """An experiment plan, without CUPED and (when a variance reduction is given) with it.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per scenario (``without CUPED``, ``with CUPED``): ``scenario``,
        ``n_control``, ``n_variant``, ``n_total`` (int64), ``effect`` (absolute),
        ``relative_effect``, ``power`` (float64), ``variance_reduction``.
    kind : str
        ``proportion`` or ``mean``.
    baseline : float
        Control rate or mean.
    sd : float
        Unit standard deviation of the control (√(p(1 − p)) for a proportion).
    alpha : float
    ratio : float
        Variant arm size / control arm size.
    solved_for : str
        ``power``, ``sample_size`` or ``mde``.
    target_power : float or None
    """

    DISPLAY: ClassVar[Display] = Display(
        percent_cols=("relative_effect", "power", "variance_reduction"),
        decimals={"effect": 4},
        labels={
            "scenario": "Scenario",
            "n_control": "Control units",
            "n_variant": "Variant units",
            "n_total": "Total units",
            "effect": "Detectable change (absolute)",
            "relative_effect": "Detectable change (relative)",
            "power": "Power",
            "variance_reduction": "Variance reduction",
        },
    )

    table: pd.DataFrame
    kind: Kind
    baseline: float
    sd: float
    alpha: float
    ratio: float
    solved_for: str
    target_power: float | None

    @property
    def n_control(self) -> int:
        """Control arm size of the last scenario (with CUPED when given, else without)."""
        return int(self.table["n_control"].iloc[-1])

    @property
    def n_total(self) -> int:
        """Total units of the last scenario (with CUPED when given)."""
        return int(self.table["n_total"].iloc[-1])

    @property
    def power(self) -> float:
        """Power of the last scenario."""
        return float(self.table["power"].iloc[-1])

    @property
    def effect(self) -> float:
        """Absolute effect of the last scenario."""
        return float(self.table["effect"].iloc[-1])

    def figure(self) -> go.Figure:
        """Power against total sample size for the first scenario's effect, per scenario.

        All curves use the same effect, so the CUPED curve shows how much sooner the
        target power is reached.
        """
        from cxlib import viz

        fig = go.Figure()
        effect = float(self.table["effect"].iloc[0])
        top = max(int(self.table["n_total"].max() * 2.5), 100)
        grid = np.unique(np.linspace(max(4, top // 200), top, 200).astype(int))
        for i, row in enumerate(self.table.itertuples(index=False)):
            n_c = grid / (1.0 + self.ratio)
            pw = _power(
                self.kind, self.baseline, self.sd, effect, n_c, self.ratio, self.alpha, row.variance_reduction
            )
            colour = viz.PALETTE[i % len(viz.PALETTE)]
            fig.add_trace(
                go.Scatter(
                    x=grid,
                    y=pw,
                    name=row.scenario,
                    line=dict(color=colour),
                    hovertemplate=f"{row.scenario}: n=%{{x:,}}, power=%{{y:.1%}}<extra></extra>",
                )
            )
            if row.effect == effect:
                fig.add_trace(
                    go.Scatter(
                        x=[row.n_total],
                        y=[row.power],
                        mode="markers",
                        showlegend=False,
                        marker=dict(color=colour, size=9),
                        hoverinfo="skip",
                    )
                )
        if self.target_power is not None:
            fig.add_hline(y=self.target_power, line=dict(color="#9aa5b1", dash="dash", width=1))
        relative = self.table["relative_effect"].iloc[0]
        what = f"{relative:+.1%} (relative)" if np.isfinite(relative) else f"{effect:+.3g}"
        fig.update_layout(
            template="cxlab",
            height=380,
            hovermode="closest",
            title=dict(text=f"Power to detect {what} by total sample size"),
            xaxis=dict(title=dict(text="units in the experiment (all arms)")),
            yaxis=dict(title=dict(text="power"), tickformat=".0%", range=[0, 1.02]),
        )
        return fig

    def summary(self) -> list[str]:
        """Say the plan in words."""
        out = [
            f"{row.scenario}: {row.n_total:,} units ({row.n_control:,} control, {row.n_variant:,} variant) "
            f"detect a {row.relative_effect:+.2%} relative change ({row.effect:+.3g} absolute) from a "
            "baseline "
            f"of {self.baseline:.3g} with {row.power:.0%} power at α = {self.alpha:g} (two-sided)."
            for row in self.table.itertuples(index=False)
        ]
        if len(self.table) == 2:
            a, b = self.table.iloc[0], self.table.iloc[1]
            if self.solved_for == "sample_size" and a["n_total"] > 0:
                out.append(
                    f"CUPED (variance reduction {b['variance_reduction']:.0%}) needs "
                    f"{1 - b['n_total'] / a['n_total']:.0%} fewer units."
                )
            elif self.solved_for == "mde":
                out.append(f"CUPED shrinks the detectable effect by {1 - b['effect'] / a['effect']:.0%}.")
        return out


def _sigmas(
    kind: Kind, baseline: float, sd: float, effect: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    effect = np.asarray(effect, dtype="float64")
    if kind == "proportion":
        treated = np.clip(baseline + effect, 0.0, 1.0)
        return np.full_like(effect, baseline * (1.0 - baseline)), treated * (1.0 - treated)
    return np.full_like(effect, sd * sd), np.full_like(effect, sd * sd)


def _power(
    kind: Kind,
    baseline: float,
    sd: float,
    effect: np.ndarray | float,
    n_control: np.ndarray | float,
    ratio: float,
    alpha: float,
    variance_reduction: float,
) -> np.ndarray:
    var_c, var_t = _sigmas(kind, baseline, sd, effect)
    shrink = 1.0 - variance_reduction
    se = np.sqrt(
        shrink * (var_c / np.asarray(n_control, dtype="float64") + var_t / (ratio * np.asarray(n_control)))
    )
    z = stats.norm.ppf(1.0 - alpha / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.abs(np.asarray(effect, dtype="float64")) / se
    return stats.norm.cdf(d - z) + stats.norm.cdf(-d - z)


def plannable_kind(kind: object) -> Kind:
    """Check that a metric kind can be planned.

    Parameters
    ----------
    kind : object
        A metric kind (``proportion``, ``mean``, ``ratio``).

    Returns
    -------
    {"proportion", "mean"}

    Raises
    ------
    ValueError
        For any other kind (ratio metrics are not planned).
    """
    if kind == "proportion":
        return "proportion"
    if kind == "mean":
        return "mean"
    raise ValueError(f"kind must be 'proportion' or 'mean', not {kind!r}")


def _check(
    kind: str, baseline: float, sd: float | None, alpha: float, ratio: float, variance_reduction: float | None
) -> float:
    plannable_kind(kind)
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie in (0, 1)")
    if ratio <= 0:
        raise ValueError("ratio (variant/control arm size) must be positive")
    if variance_reduction is not None and not 0 <= variance_reduction < 1:
        raise ValueError("variance_reduction must lie in [0, 1)")
    if kind == "proportion":
        if not 0 < baseline < 1:
            raise ValueError("a baseline proportion must lie in (0, 1)")
        return float(np.sqrt(baseline * (1 - baseline)))
    if sd is None or sd <= 0:
        raise ValueError("a mean metric needs its unit standard deviation sd > 0")
    return float(sd)


def _absolute(effect: float, baseline: float, relative: bool) -> float:
    return effect * baseline if relative else effect


def _relative(delta: float, baseline: float) -> float:
    return delta / baseline if baseline != 0 else float("nan")


def _scenarios(variance_reduction: float | None) -> list[tuple[str, float]]:
    rows = [("without CUPED", 0.0)]
    if variance_reduction:
        rows.append(("with CUPED", float(variance_reduction)))
    return rows


def _table(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    t = pd.DataFrame(rows)
    for c in ("n_control", "n_variant", "n_total"):
        t[c] = t[c].astype("int64")
    t["scenario"] = t["scenario"].astype("str")
    return t[
        [
            "scenario",
            "n_control",
            "n_variant",
            "n_total",
            "effect",
            "relative_effect",
            "power",
            "variance_reduction",
        ]
    ]


def power(
    *,
    baseline: float,
    effect: float,
    n: int,
    kind: Kind = "proportion",
    sd: float | None = None,
    relative: bool = True,
    ratio: float = 1.0,
    alpha: float = 0.05,
    variance_reduction: float | None = None,
) -> Plan:
    """Power of a two-sided test to detect ``effect`` with ``n`` units in the control arm.

    Parameters
    ----------
    baseline : float
        Control conversion rate (proportion) or mean.
    effect : float
        Effect to detect: relative (0.05 = +5 %) when ``relative``, else absolute.
    n : int
        Units in the control arm; the variant arm gets ``ratio × n``.
    kind : {"proportion", "mean"}, default "proportion"
    sd : float, optional
        Unit standard deviation of a mean metric.
    relative : bool, default True
    ratio : float, default 1.0
    alpha : float, default 0.05
    variance_reduction : float, optional
        Share of variance CUPED removes (e.g. 0.25 for ρ = 0.5); adds a "with CUPED" row.

    Returns
    -------
    Plan

    Examples
    --------
    >>> round(power(baseline=0.10, effect=0.10, n=15_000).power, 3)
    0.807
    """
    sd_c = _check(kind, baseline, sd, alpha, ratio, variance_reduction)
    delta = _absolute(effect, baseline, relative)
    rows = []
    for name, vr in _scenarios(variance_reduction):
        rows.append(
            {
                "scenario": name,
                "n_control": n,
                "n_variant": int(np.ceil(ratio * n)),
                "n_total": n + int(np.ceil(ratio * n)),
                "effect": delta,
                "relative_effect": _relative(delta, baseline),
                "power": float(_power(kind, baseline, sd_c, delta, n, ratio, alpha, vr)),
                "variance_reduction": vr,
            }
        )
    return Plan(_table(rows), kind, baseline, sd_c, alpha, ratio, "power", None)


def sample_size(
    *,
    baseline: float,
    effect: float,
    power: float = 0.8,
    kind: Kind = "proportion",
    sd: float | None = None,
    relative: bool = True,
    ratio: float = 1.0,
    alpha: float = 0.05,
    variance_reduction: float | None = None,
) -> Plan:
    """Smallest control-arm size whose two-sided test detects ``effect`` with ``power``.

    Parameters are those of :func:`power`, with ``power`` the target (default 0.8).

    Returns
    -------
    Plan
        ``n_control`` is the smallest whole number of units reaching the target.

    Examples
    --------
    >>> sample_size(baseline=0.10, effect=0.10).n_control
    14749
    """
    sd_c = _check(kind, baseline, sd, alpha, ratio, variance_reduction)
    if not 0 < power < 1:
        raise ValueError("power must lie in (0, 1)")
    delta = _absolute(effect, baseline, relative)
    if delta == 0:
        raise ValueError("the effect to detect must not be zero")
    rows = []
    for name, vr in _scenarios(variance_reduction):
        f = lambda n, vr=vr: float(_power(kind, baseline, sd_c, delta, n, ratio, alpha, vr)) - power  # noqa: E731
        hi = 2.0
        while f(hi) < 0:
            hi *= 2.0
        n = int(np.ceil(optimize.brentq(f, 1.0 if f(1.0) < 0 else 0.5, hi, xtol=1e-6)))
        while f(n) < 0:
            n += 1
        while n > 1 and f(n - 1) >= 0:
            n -= 1
        n_v = int(np.ceil(ratio * n))
        rows.append(
            {
                "scenario": name,
                "n_control": n,
                "n_variant": n_v,
                "n_total": n + n_v,
                "effect": delta,
                "relative_effect": _relative(delta, baseline),
                "power": float(_power(kind, baseline, sd_c, delta, n, ratio, alpha, vr)),
                "variance_reduction": vr,
            }
        )
    return Plan(_table(rows), kind, baseline, sd_c, alpha, ratio, "sample_size", power)


def mde(
    *,
    baseline: float,
    n: int,
    power: float = 0.8,
    kind: Kind = "proportion",
    sd: float | None = None,
    ratio: float = 1.0,
    alpha: float = 0.05,
    variance_reduction: float | None = None,
) -> Plan:
    """Minimum detectable (upward) effect with ``n`` control units at the target power.

    Parameters are those of :func:`power`; the effect is solved for.

    Returns
    -------
    Plan
        ``effect`` (absolute) and ``relative_effect`` per scenario.

    Examples
    --------
    >>> round(float(mde(baseline=0.10, n=14_749).table["relative_effect"].iloc[0]), 3)
    0.1
    """
    sd_c = _check(kind, baseline, sd, alpha, ratio, variance_reduction)
    if not 0 < power < 1:
        raise ValueError("power must lie in (0, 1)")
    top = (1.0 - baseline) if kind == "proportion" else 100.0 * sd_c
    rows = []
    for name, vr in _scenarios(variance_reduction):
        f = lambda d, vr=vr: float(_power(kind, baseline, sd_c, d, n, ratio, alpha, vr)) - power  # noqa: E731
        if f(top * (1 - 1e-12)) < 0:
            raise ValueError(f"no effect is detectable with {power:.0%} power from {n:,} units per arm")
        delta = float(optimize.brentq(f, 1e-12 * max(sd_c, 1e-12), top * (1 - 1e-12), xtol=1e-14, rtol=1e-12))
        n_v = int(np.ceil(ratio * n))
        rows.append(
            {
                "scenario": name,
                "n_control": n,
                "n_variant": n_v,
                "n_total": n + n_v,
                "effect": delta,
                "relative_effect": _relative(delta, baseline),
                "power": power,
                "variance_reduction": vr,
            }
        )
    return Plan(_table(rows), kind, baseline, sd_c, alpha, ratio, "mde", power)
