"""Did the lifetime-value models work? Fit diagnostics, a fair model verdict, sanity checks.

A model that did not converge, ran a parameter to a bound, has no standard errors or whose
dropout process collapsed (BG/NBD ``a → 0`` or ``b`` huge: nobody ever leaves) is flagged
here in words; the notebook shows the flag and keeps such a fit out of its headline. Two
models whose holdout errors are within a few percent are a tie, not a winner. Outputs that
contradict each other (nearly everyone "probably active" while RFM calls many customers
hibernating; intervals that are not numbers) become warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cxlib._types import Frame
from cxlib.engine import to_pandas
from cxlib.ltv.mle import rfm_frame
from cxlib.viz.formats import format_percent

if TYPE_CHECKING:
    from cxlib.ltv.summary import RFMSummary

__all__ = [
    "ACTIVITY",
    "COLLAPSE",
    "INTERVAL",
    "VALUE",
    "Flag",
    "Verdict",
    "fit_problems",
    "model_verdict",
    "modelling_blocker",
    "sanity_warnings",
]

#: Bounds beyond which a dropout process counts as collapsed (per model: parameter, side, limit).
COLLAPSE: dict[str, tuple[tuple[str, str, float], ...]] = {
    "BG/NBD": (("a", "below", 1e-3), ("b", "above", 1e4)),
    "Pareto/NBD": (("s", "below", 1e-3), ("beta", "above", 1e6)),
}


def fit_problems(model: Any) -> list[str]:
    """Sentences on what is wrong with a fitted model (empty list: the fit worked).

    Parameters
    ----------
    model : FittedModel
        A fitted BG/NBD, Pareto/NBD or Gamma-Gamma model (``converged``, ``message``,
        ``params``, ``se``, ``NAME``).

    Returns
    -------
    list of str
    """
    name = model.NAME
    problems = []
    if not model.converged:
        problems.append(f"The {name} fit did not work: {model.message}.")
    params = model.params
    bad = [k for k, v in params.items() if not np.isfinite(v)]
    if bad:
        problems.append(f"The {name} parameter(s) {', '.join(bad)} are not finite numbers.")
    for key, side, limit in COLLAPSE.get(name, ()):
        value = params.get(key, np.nan)
        if (side == "below" and value < limit) or (side == "above" and value > limit):
            problems.append(
                f"The {name} dropout part collapsed ({key} = {value:.3g}): the model treats customers as "
                "never leaving, so its activity and value figures are not used."
            )
            break
    if name == "Gamma-Gamma" and params.get("q", np.inf) <= 1:
        problems.append("The Gamma-Gamma fit has q ≤ 1, so the mean spend per purchase is not defined.")
    if model.converged and any(not np.isfinite(se) for se in model.se.values()):
        problems.append(f"The {name} fit has no standard errors, so its intervals are not shown.")
    return problems


@dataclass(frozen=True)
class Verdict:
    """Which purchase model the holdout test prefers, and the one sentence that says so.

    Attributes
    ----------
    winner : str or None
        The model whose holdout error is meaningfully smaller; ``None`` for a tie or when no
        model is usable. Only a winner is ever called better.
    used : str or None
        The model that values the customers: the winner; in a tie the one with the smaller
        error (the sentence says so, and calls neither better); ``None`` when none is usable.
    sentence : str
        Plain-language verdict; it names only ``winner`` (or, in a tie, both models).
    """

    winner: str | None
    used: str | None
    sentence: str


def model_verdict(comparison: Any, usable: Sequence[str], *, tolerance: float = 0.02) -> Verdict:
    """Pick the better purchase model only when the difference is meaningful.

    The criterion is the holdout error per customer (MAE): how well each model forecast the
    purchases it had not seen. When the calibration fit (AIC) prefers the other model, the
    sentence says so, so that the table of fit statistics never contradicts it.

    Parameters
    ----------
    comparison : ModelComparison
        ``.table`` with ``model`` and ``holdout_mae`` (and optionally ``aic``).
    usable : sequence of str
        Names of the models whose fit worked (see :func:`fit_problems`).
    tolerance : float, default 0.02
        Relative difference in holdout MAE below which the models are tied.

    Returns
    -------
    Verdict
    """
    table = comparison.table[comparison.table["model"].isin(list(usable))].sort_values(
        "holdout_mae", kind="stable"
    )
    if table.empty:
        return Verdict(
            None, None, "No purchase model fitted the calibration data, so the holdout test has no winner."
        )
    if len(table) == 1:
        only = str(table["model"].iloc[0])
        return Verdict(only, only, f"Only {only} fitted the calibration data; it is used.")
    best, second = table.iloc[0], table.iloc[1]
    used = str(best["model"])
    gap = (second["holdout_mae"] - best["holdout_mae"]) / max(second["holdout_mae"], 1e-12)
    if gap < tolerance:
        return Verdict(
            None,
            used,
            "No difference between the models: holdout errors "
            f"{best['holdout_mae']:.3f} ({best['model']}) and "
            f"{second['holdout_mae']:.3f} ({second['model']}) are within {tolerance:.0%}, "
            f"so the holdout test has no winner; the values below use {used}.",
        )
    sentence = (
        f"{used} forecasts the holdout better: its error per customer is {gap:.0%} smaller "
        f"({best['holdout_mae']:.3f} against {second['holdout_mae']:.3f})"
    )
    if "aic" in table.columns and second["aic"] < best["aic"]:
        sentence += (
            f"; {second['model']} fits the calibration period more closely (AIC {second['aic']:,.1f} "
            f"against {best['aic']:,.1f}), but the forecast of unseen purchases decides"
        )
    return Verdict(used, used, sentence + ".")


#: What a sanity check can find unreliable: the share of customers still active, the
#: interval of the predicted value, the predicted value itself.
ACTIVITY, INTERVAL, VALUE = "activity", "interval", "value"


@dataclass(frozen=True)
class Flag:
    """An output of the CLV models that failed a sanity check.

    Attributes
    ----------
    quantity : {"activity", "interval", "value"}
        What is not reliable (:data:`ACTIVITY`, :data:`INTERVAL`, :data:`VALUE`); the key
        findings and the headline numbers leave it out.
    sentence : str
        The warning: the flagged number and why it is not reliable.
    """

    quantity: str
    sentence: str


def sanity_warnings(value: Any, segments: Any = None, *, alive: float = 0.3) -> list[Flag]:
    """Warnings where the outputs contradict each other or are not numbers.

    Nearly every customer "probably active" (P(alive) at least ``alive``) while RFM puts a
    fifth or more in the hibernating segment means the purchase model sees almost no dropout:
    the share of customers still active is then flagged, with the number the key findings
    would have stated. An interval of the total value that is not a number, and a predicted
    value that is not a number, are flagged too.

    Parameters
    ----------
    value : CLVResult
        ``.table`` with ``p_alive``, ``clv``, ``clv_ci_low``, ``clv_ci_high``; ``.total()``.
    segments : RFMSegments, optional
        ``.table`` with ``segment`` and ``share_of_customers``.
    alive : float, default 0.3
        P(alive) below which a customer counts as probably gone.

    Returns
    -------
    list of Flag
        Empty when every check passes; ``flag.sentence`` goes under *Warnings*.
    """
    table = value.table
    out = []
    if len(table):
        active = float((table["p_alive"] >= alive).mean())
        likely = float((table["p_alive"] >= 0.5).mean())
        asleep = 0.0
        if segments is not None and len(segments.table):
            rows = segments.table[segments.table["segment"].isin(["hibernating", "lost"])]
            asleep = float(rows["share_of_customers"].fillna(0).sum())
        if active >= 0.99 and asleep >= 0.2:
            out.append(
                Flag(
                    ACTIVITY,
                    f"The purchase model puts {format_percent(active, 0)} of customers at a {alive:.0%} or "
                    f"higher chance of still being active ({format_percent(likely, 0)} more likely active "
                    f"than not), although RFM puts {format_percent(asleep, 0)} in the hibernating segment: "
                    "the model sees almost nobody leaving, so how many customers are still active is not "
                    "known from it.",
                )
            )
        if not np.isfinite(table["clv"]).all():
            out.append(
                Flag(VALUE, "Some customers' predicted value is not a number, so no total value is stated.")
            )
        else:
            total = value.total()
            if not (np.isfinite(total.ci_low) and np.isfinite(total.ci_high)):
                out.append(
                    Flag(
                        INTERVAL,
                        "The interval of the total predicted value could not be computed "
                        "(no standard errors).",
                    )
                )
    return out


def modelling_blocker(summary: RFMSummary | Frame, *, minimum: int = 20) -> str | None:
    """Return why purchase models cannot be fitted on ``summary`` (``None``: they can).

    The models learn how often customers buy again and when they stop; with fewer than
    ``minimum`` customers who bought more than once there is nothing to learn from.

    Parameters
    ----------
    summary : RFMSummary or frame
        Per-customer summary with ``frequency`` (repeat purchases).
    minimum : int, default 20
    """
    table = to_pandas(rfm_frame(summary))
    customers = len(table)
    repeaters = int((table["frequency"] > 0).sum()) if customers else 0
    if customers == 0:
        return "There are no orders in this period, so nothing can be modelled."
    if repeaters == 0:
        return (
            f"Nobody of the {customers:,} customers has ordered twice yet, so how often customers come back "
            "and what they are worth cannot be estimated."
        )
    if repeaters < minimum:
        return (
            f"Only {repeaters} of {customers:,} customers have ordered more than once; "
            f"at least {minimum} are "
            "needed to estimate how often customers come back, so purchases and value are not modelled."
        )
    return None
