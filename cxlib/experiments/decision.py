"""The decision an experiment supports, in plain language, with its caveats.

Rules, in order: a sample-ratio mismatch makes the experiment invalid; a variant that wins
on the primary metric is shipped unless a guardrail fails; a primary metric that only
loses means do not ship; otherwise the result is inconclusive, and the reader learns the
smallest effect the test could have detected (the minimum detectable effect at 80 % power,
(z_{1−α/2} + z_{0.8})·se).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from cxlib.viz.formats import format_interval, format_money, format_p

if TYPE_CHECKING:
    from cxlib.experiments.compare import Comparison
    from cxlib.experiments.health import Balance

__all__ = ["Decision", "decide"]

VERDICTS: tuple[str, ...] = ("ship", "do not ship", "inconclusive", "invalid")


@dataclass(frozen=True)
class Decision:
    """What to do, why, and what to keep in mind.

    Attributes
    ----------
    verdict : str
        ``ship``, ``do not ship``, ``inconclusive`` or ``invalid``.
    primary : str
        The metric the decision rests on.
    variant : str or None
        The variant to ship (``ship`` only).
    headline : str
        One sentence with the verdict and its key number.
    reasons : tuple of str
    caveats : tuple of str
    """

    verdict: str
    primary: str
    variant: str | None
    headline: str
    reasons: tuple[str, ...]
    caveats: tuple[str, ...]

    def summary(self) -> list[str]:
        """Headline, reasons, then caveats."""
        return [self.headline, *self.reasons, *self.caveats]


def _effect_text(value: float, relative: bool) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:+.1%}" if relative else f"{value:+.3g}"


def _row_text(row: pd.Series, comparison: Comparison) -> str:
    eff = _effect_text(row["estimate"], comparison.relative)
    shown = format_interval(
        row["ci_low"],
        row["ci_high"],
        lambda v: _effect_text(v, comparison.relative),
        level=1 - comparison.alpha,
    )
    name = {"frequentist": "CI", "bayesian": "credible interval", "sequential": "always-valid CI"}
    shown = shown.replace(" CI ", f" {name[comparison.method]} ", 1)
    if comparison.method == "bayesian":
        evidence = f"chance to beat {comparison.control} {row['chance_to_win']:.1%}"
    else:
        p = row[f"p_value_{comparison.adjust}"] if comparison.adjust else row["p_value"]
        label = {"holm": "Holm-adjusted ", "bh": "BH-adjusted ", None: ""}[comparison.adjust]
        evidence = label + format_p(p)
    return f"{row['metric']} {eff} for {row['variant']} ({shown}; {evidence})"


def decide(
    comparison: Comparison,
    *,
    primary: str | None = None,
    balance: Balance | None = None,
    currency: str = "",
    money: Sequence[str] = (),
) -> Decision:
    """Turn a :class:`~cxlib.experiments.compare.Comparison` into a decision.

    Parameters
    ----------
    comparison : Comparison
    primary : str, optional
        Primary metric; default the first metric of the comparison.
    balance : Balance, optional
        Pre-period balance check; an imbalance becomes a caveat.
    currency : str, optional
        Label written after amounts (the caps of money metrics).
    money : sequence of str
        Metrics whose values are amounts.

    Returns
    -------
    Decision
    """
    t = comparison.table
    primary = primary or str(t["metric"].iloc[0])
    if primary not in set(t["metric"]):
        raise ValueError(f"primary metric {primary!r} is not in the comparison")
    rows = t[t["metric"] == primary]
    guard = comparison.guardrails
    reasons: list[str] = []
    caveats: list[str] = _caveats(comparison, balance, currency=currency, money=money)

    if comparison.srm.mismatch:
        headline = (
            "Invalid: the units are not split as planned (sample-ratio mismatch, "
            f"{format_p(comparison.srm.p_value)}). Find the cause before reading any metric."
        )
        reasons = [
            _row_text(r, comparison) + " — not trustworthy while the split is broken."
            for _, r in rows.iterrows()
        ]
        return Decision("invalid", primary, None, headline, tuple(reasons), tuple(caveats))

    wins = rows[rows["outcome"] == "win"]
    losses = rows[rows["outcome"] == "loss"]
    failing = set() if guard is None else set(guard.loc[guard["status"] == "fail", "variant"])
    if guard is not None:
        for g in guard.itertuples(index=False):
            text = (
                f"Guardrail {g.metric} for {g.variant}: {_effect_text(g.estimate, comparison.relative)}, "
                f"worst plausible {_effect_text(g.bound, comparison.relative)} against a tolerated "
                f"{_effect_text(-g.margin, comparison.relative)}: {g.status}."
            )
            (caveats if g.status == "inconclusive" else reasons).append(text)

    shippable = wins[~wins["variant"].isin(failing)]
    if not shippable.empty:
        sign = np.where(shippable["higher_is_better"].to_numpy(dtype=bool), 1.0, -1.0)
        best = shippable.iloc[int(np.argmax(sign * shippable["estimate"].to_numpy(dtype="float64")))]
        headline = f"Ship {best['variant']}: " + _row_text(best, comparison) + "."
        reasons.insert(0, f"{best['variant']} beats {comparison.control} on the primary metric {primary}.")
        return Decision("ship", primary, str(best["variant"]), headline, tuple(reasons), tuple(caveats))
    if not wins.empty:
        headline = (
            f"Do not ship: {', '.join(wins['variant'])} improve {primary} but fail a guardrail. "
            + "; ".join(_row_text(r, comparison) for _, r in wins.iterrows())
            + "."
        )
        return Decision("do not ship", primary, None, headline, tuple(reasons), tuple(caveats))
    if len(losses) == len(rows):
        headline = "Do not ship: " + "; ".join(_row_text(r, comparison) for _, r in losses.iterrows()) + "."
        return Decision("do not ship", primary, None, headline, tuple(reasons), tuple(caveats))

    z = stats.norm.ppf(1 - comparison.alpha / 2) + stats.norm.ppf(0.8)
    detectable = ", ".join(
        f"{r['variant']} ±{abs(z * r['se']):{'.1%' if comparison.relative else '.3g'}}"
        for _, r in rows.iterrows()
    )
    headline = (
        "Inconclusive: no detectable difference on "
        + primary
        + " — "
        + "; ".join(_row_text(r, comparison) for _, r in rows.iterrows())
        + "."
    )
    reasons.insert(
        0,
        f"With the units so far the test had 80% power only for effects of about {detectable}; "
        "smaller true effects are plausible.",
    )
    if comparison.method == "sequential":
        reasons.append(
            "The sequential test stays valid if you keep the experiment running and look again later."
        )
    else:
        reasons.append(
            "Decide at the planned sample size; extending a fixed-horizon test after looking "
            "inflates false positives (use method='sequential' to monitor)."
        )
    return Decision("inconclusive", primary, None, headline, tuple(reasons), tuple(caveats))


def _caveats(
    comparison: Comparison, balance: Balance | None, *, currency: str = "", money: Sequence[str] = ()
) -> list[str]:
    t = comparison.table
    out: list[str] = []
    n_tests = len(t)
    if comparison.method != "bayesian" and n_tests > 1:
        which = {"holm": "Holm", "bh": "Benjamini–Hochberg", None: "unadjusted"}[comparison.adjust]
        out.append(f"{n_tests} comparisons (metrics × variants) were tested; outcomes use {which} p-values.")
    if comparison.method == "frequentist":
        out.append("Fixed-horizon test: valid at the planned sample size, not for stopping early on a look.")
    elif comparison.method == "sequential":
        out.append(
            f"Always-valid intervals (mixture SPRT, tuned for {comparison.n_star:,.0f} units): "
            "safe to peek, wider than fixed-horizon intervals."
        )
    else:
        out.append(
            "Bayesian summaries assume a flat prior on the effect (uniform Beta prior for conversions); "
            "risk is the expected loss of shipping the variant if it is in fact worse."
        )
    used = t[t["cuped"]]
    if not used.empty:
        parts = ", ".join(
            f"{m} {v:.0%}" for m, v in used.groupby("metric", sort=False)["variance_reduction"].mean().items()
        )
        out.append(f"CUPED with the pre-period covariate reduced the variance of: {parts}.")
    if comparison.data.caps:
        parts = ", ".join(
            f"{m} at {format_money(c, currency) if m in money else f'{c:.3g}'}"
            for m, c in comparison.data.caps.items()
        )
        out.append(f"Outcomes were capped (winsorised) before analysis: {parts}.")
    if comparison.data.by:
        out.append(
            f"Effects are split by {', '.join(comparison.data.by)}; each split is one more look, "
            "so treat single significant segments as hypotheses."
        )
    if balance is not None and balance.imbalanced:
        out.extend(balance.summary())
    return out
