"""The headline numbers of each cxlab report, read from its analysis results.

One function per report; each returns :class:`~cxlib.reports.headline_numbers.Headlines`
(display it in the findings cell) built from results the notebook already has. A verdict
is given only where the analysis compares with something (the previous period, a control
group, a problem threshold); a plain level (retention, CLV) carries no verdict word.

A summary card must never stop a report: if a result lacks what a builder reads, the builder
returns fewer headlines and warns (the warning goes to the notebook's stderr, not the page).
The browser tests check that every report publishes at least one headline.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cxlib.reports.headline_numbers import Headline, Headlines, headline
from cxlib.viz.formats import (
    format_count,
    format_interval,
    format_money,
    format_percent,
    format_signed,
    plural,
)

__all__ = [
    "clv_headlines",
    "cohort_headlines",
    "experiment_headlines",
    "health_headlines",
    "journey_headlines",
    "scorecard_headlines",
    "voc_headlines",
]


def _never_fails(build: Callable[..., list[Headline]]) -> Callable[..., Headlines]:
    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Headlines:
        try:
            return Headlines([h for h in build(*args, **kwargs) if h is not None])
        except Exception as exc:  # a summary card never stops a report
            warnings.warn(
                f"{build.__name__}: no headline numbers ({type(exc).__name__}: {exc})", stacklevel=2
            )
            return Headlines([])

    return wrapper


_CHANGE_VERDICT = {"better": "better", "worse": "worse"}


@_never_fails
def health_headlines(result: Any) -> list[Headline]:
    """Rows checked and rows left out (``cxlib.health.data_health`` result)."""
    tables = result.table
    rows = int(tables["rows"].sum())
    left_out = int(result.rows_affected)  # each row once, however many rules it broke
    return [
        headline("Rows checked", format_count(rows), verdict=None, note=f"in {len(tables):,} tables"),
        headline(
            "Rows left out",
            format_count(left_out),
            verdict="needs attention" if left_out else None,
            note="broke a data rule" if left_out else "every row passed validation",
        ),
    ]


def _latest_change(changes: Any, metric: str) -> Any:
    rows = changes[changes["metric"] == metric]
    if rows.empty:
        return None
    rows = rows[rows["period"] == rows["period"].max()]
    segment = next((c for c in rows.columns if c not in _CHANGE_COLUMNS), None)
    if segment is not None and (rows[segment] == "All").any():
        rows = rows[rows[segment] == "All"]
    return rows.iloc[0]


_CHANGE_COLUMNS = frozenset(
    {
        "metric", "label", "period", "period_start", "previous_period", "value", "previous_value",
        "difference", "ci_low", "ci_high", "p_value", "q_value", "significant", "change", "test",
    }
)  # fmt: skip


@_never_fails
def scorecard_headlines(card: Any) -> list[Headline]:
    """NPS and CSAT of the latest period against the one before (``cxlib.scorecard`` result)."""
    changes = card.changes()
    out: list[Headline] = []
    for metric, label, share in (("nps", "NPS", False), ("csat", "CSAT", True), ("ces", "CES", False)):
        row = _latest_change(changes, metric)
        if row is None or len(out) == 2:
            continue
        value = format_percent(row["value"]) if share else f"{row['value']:.{2 if metric == 'ces' else 0}f}"
        change = (
            format_signed(row["difference"] * 100, 1, "pp")  # as in the scorecard cells: pp for shares
            if share
            else format_signed(
                row["difference"], 2 if metric == "ces" else 0, "points" if metric == "nps" else ""
            )
        )
        out.append(
            headline(
                label,
                value.replace("-", "−"),
                verdict=_CHANGE_VERDICT.get(str(row["change"]), "no clear change"),
                change=change,
                direction=_direction(row["difference"]),
                previous=str(row["previous_period"]),
                note=f"in {row['period']}",
            )
        )
    return out


def _direction(difference: Any) -> str:
    value = float(difference)
    return "up" if value > 0 else ("down" if value < 0 else "flat")


@_never_fails
def journey_headlines(flow: Any, carts: Any = None) -> list[Headline]:
    """Funnel conversion from the first to the last step, and cart abandonment."""
    shown = getattr(flow, "display_table", None)
    table = shown() if callable(shown) else flow.table  # the steps as words: "product view"
    first, last = table.iloc[0], table.iloc[-1]
    out = [
        headline(
            "Funnel conversion",
            format_percent(last["conversion_from_start"]),
            verdict=None,
            note=f"{first['step_name']} → {last['step_name']}, "
            + plural(int(first["entrants"]), str(getattr(flow, "count", "") or "entrant").rstrip("s")),
        )
    ]
    if carts is not None and getattr(carts, "overall", None) is not None:
        overall = carts.overall
        out.append(headline("Cart abandonment", format_percent(overall.value), verdict=None, note="of carts"))
    return out


@_never_fails
def cohort_headlines(overall: Any) -> list[Headline]:
    """Month-1 and month-3 retention, weighted over the cohorts (``matrix.overall()``)."""
    curve = overall.curve
    unit = str(getattr(overall, "period", "month") or "month")
    out = []
    for age in (1, 3):
        rows = curve[(curve["age"] == age) & ~curve["suppressed"].astype(bool)]
        if len(rows):
            out.append(
                headline(
                    f"{unit.capitalize()}-{age} retention",
                    format_percent(rows.iloc[0]["share"]),
                    verdict=None,
                    note=f"of {format_count(rows.iloc[0]['eligible'])} customers",
                )
            )
    return out


@_never_fails
def clv_headlines(value: Any, flags: Iterable[Any] = ()) -> list[Headline]:
    """Predicted value per customer and in total (``cxlib.ltv.clv`` result).

    ``flags`` are the sanity checks' findings (``cxlib.ltv.checks.sanity_warnings``): a value
    flagged as unreliable, or one that is not a number, is no headline; the card then says
    "not estimated" and points to the warnings. (The share of customers still active, which
    a check can also flag, is never a headline.)
    """
    table = value.table
    n = len(table)
    total = float(table["clv"].sum())
    if not math.isfinite(total) or any(getattr(flag, "quantity", None) == "value" for flag in flags):
        return [headline("CLV", "not estimated", verdict="needs attention", note="see the warnings")]
    currency = str(getattr(value, "currency", "") or "")
    months = getattr(value, "horizon_months", None)
    horizon = f"next {months} months" if months else "the horizon"
    return [
        headline(
            "CLV per customer",
            format_money(total / n if n else float("nan"), currency),
            verdict=None,
            note=horizon,
        ),
        headline(
            "Predicted value",
            format_money(total, currency),
            verdict=None,
            note=f"{format_count(n)} customers",
        ),
    ]


@_never_fails
def voc_headlines(result: Any) -> list[Headline]:
    """Negative texts, what weighs most on NPS and the most negative aspect (``cxlib.voc`` result).

    The cards name what the key findings name, from the same methods of the result
    (:meth:`~cxlib.voc.VoiceOfCustomer.weighs_most`, ``aspects.most_negative()``,
    :meth:`~cxlib.voc.VoiceOfCustomer.aspect_effect`): the most negative aspect whose negative
    mentions go with higher NPS answers is said to be no driver of lower scores, not flagged.
    """
    out = []
    if result.sentiment is not None and len(result.sentiment.table):
        negative = float((result.sentiment.table["label"] == "neg").mean())
        out.append(headline("Negative texts", format_percent(negative), verdict=None))
    top = result.weighs_most()
    if top is not None:
        drivers = result.drivers
        out.append(
            headline(
                f"What weighs most on {drivers.name}",
                str(top["label"]),
                verdict="needs attention",
                note=f"{drivers.unit}: {drivers.effect_words(float(top['ols_coef']))}",
            )
        )
    worst = None if result.aspects is None else result.aspects.most_negative()
    if worst is not None:  # the aspect the findings name, in words that agree with its sign
        is_negative = bool(worst["net"] < 0)
        effect = result.aspect_effect(str(worst["aspect"])) if is_negative else None
        no_driver = effect is not None and effect >= 0
        note = f"{format_percent(worst['neg'], 0)} of {format_count(worst['n_mentions'])} mentions negative"
        out.append(
            headline(
                "Most negative aspect" if is_negative else "Least positive aspect",
                str(worst["label"]),
                verdict="needs attention" if is_negative and not no_driver else None,
                note=note + (f"; not a driver of lower {result.drivers.name}" if no_driver else ""),
            )
        )
    return out


_DECISION_VERDICT = {"ship": "better", "do not ship": "worse", "inconclusive": "no clear change"}


@_never_fails
def experiment_headlines(decisions: Any, comparison: Any = None) -> list[Headline]:
    """Show the decision of each experiment (at most three) and, for one, the primary lift.

    ``decisions``: a ``Decision``, a list of them, or a mapping of experiment name to its
    results with a ``"decision"`` entry; with several named experiments each card carries
    the experiment's name. ``comparison``: the ``Comparison`` behind a single decision; it
    adds the lift of the primary metric with its interval (the variant shipped, else the
    first), its verdict from the test's outcome.
    """
    named: list[tuple[str | None, Any]]
    if isinstance(decisions, Mapping):
        named = [(str(name), run["decision"]) for name, run in decisions.items()]
    else:
        items: Iterable[Any] = decisions if isinstance(decisions, (list, tuple)) else [decisions]
        named = [(None, decision) for decision in items]
    out = []
    for name, decision in named[:3]:
        verdict = str(decision.verdict)
        several = len(named) > 1
        out.append(
            headline(
                name if name is not None and several else f"Decision on {decision.primary}",
                verdict.capitalize() + (f": {decision.variant}" if decision.variant else ""),
                verdict=_DECISION_VERDICT.get(verdict, "needs attention"),
                note=f"decision on {decision.primary}" if name is not None and several else None,
            )  # the decision's sentence is the page's first finding; not repeated here
        )
    if comparison is not None and len(named) == 1:
        out.append(_lift_headline(named[0][1], comparison))
    return out


_OUTCOME_VERDICT = {"win": "better", "loss": "worse", "inconclusive": "no clear change"}


def _lift_headline(decision: Any, comparison: Any) -> Headline:
    """Show the primary metric's lift for the shipped (else first) variant, with its interval."""
    rows = comparison.table[comparison.table["metric"] == decision.primary]
    chosen = rows[rows["variant"] == decision.variant] if decision.variant else rows
    row = (chosen if len(chosen) else rows).iloc[0]
    relative = bool(comparison.relative)

    def shown(v: float) -> str:
        return format_signed(100 * v, 1, "%") if relative else format_signed(v, 3)

    level = 1 - float(comparison.alpha)
    return headline(
        f"{'Lift' if relative else 'Change'} in {decision.primary}",
        shown(float(row["estimate"])),
        verdict="needs attention"
        if decision.verdict == "invalid"
        else _OUTCOME_VERDICT.get(str(row["outcome"])),
        note=f"{row['variant']} vs {comparison.control}; "
        + format_interval(row["ci_low"], row["ci_high"], shown, level=level),
    )
