"""The scorecard as managers know it: one HTML table of cells, metrics as rows, segments as columns.

Each cell shows the value large; below it the change from the previous period with an arrow
(the direction the number moved) coloured by what the change means (green: significantly
better, red: significantly worse, grey: no clear change — direction-aware, so a falling
cart abandonment is green); the confidence interval small and muted; ``n`` on hover (the
cell's ``title``). NPS cells add a promoter / passive / detractor bar. Optional targets
(:func:`cxlib.scorecard.targets.parse_targets`) add a column saying whether "All" meets
each. An "All" value that lies above every segment (customers buying in several channels)
carries its explanation in its tooltip and in a footnote of the table
(:mod:`cxlib.scorecard.footnotes`).

Everything shown is HTML-escaped; segment names and labels (user data) are also PII-masked.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from cxlib.privacy import safe_text
from cxlib.scorecard.cells import ALL
from cxlib.scorecard.charts import TOO_FEW, format_value, segment_names
from cxlib.scorecard.footnotes import all_above_segments
from cxlib.scorecard.metrics import Metric
from cxlib.viz import HTMLBlock
from cxlib.viz.formats import format_interval, format_p, format_percent

if TYPE_CHECKING:
    from cxlib.scorecard.card import Scorecard

__all__ = ["GRID_CSS", "change_badge", "nps_bar", "scorecard_grid", "target_status"]

#: Arrow by the sign of the change (the number moved up, down or not at all).
ARROWS = {1: "▲", -1: "▼", 0: "▶"}
_VERDICT_CLASS = {"better": "cxsc-better", "worse": "cxsc-worse"}

#: Styles of the scorecard cells (added once with the table).
GRID_CSS = """
table.cxsc td.cxsc-cell{vertical-align:top;text-align:right;min-width:7.5rem}
table.cxsc th.cxsc-metric{white-space:normal;min-width:9rem;max-width:15rem;vertical-align:top}
.cxsc-value{font-size:1.45rem;font-weight:600;line-height:1.15;color:#1f2933}
.cxsc-change{font-size:.85rem;font-weight:600;white-space:nowrap}
.cxsc-better{color:#1a7f37}.cxsc-worse{color:#c62828}.cxsc-flat{color:#616e7c;font-weight:400}
.cxsc-ci,.cxsc-metric small{display:block;font-size:.75rem;color:#7b8794;white-space:nowrap}
.cxsc-few{color:#9aa5b1;font-style:italic}
.cxsc-bar{display:flex;height:.45rem;margin:.25rem 0 0 auto;width:100%;max-width:8rem;border-radius:2px;
  overflow:hidden;background:#e4e7eb}
.cxsc-bar span{display:block;height:100%}
.cxsc-p{background:#1a7f37}.cxsc-pa{background:#c7ccd1}.cxsc-d{background:#c62828}
.cxsc-foot{font-size:.8rem;color:#52606d;margin:.2rem 0 .8rem}
.cxsc-mark{color:#0072B2;font-weight:600;cursor:help}
@media (max-width:600px){table.cxsc th.cxsc-metric{min-width:7rem;max-width:9rem}
  .cxsc-value{font-size:1.2rem}}
@media print{table.cxlab-table.cxsc{table-layout:fixed}
  table.cxsc td.cxsc-cell,table.cxsc th.cxsc-metric{min-width:0}
  .cxsc-change,.cxsc-ci{white-space:normal}.cxsc-value{font-size:11pt}.cxsc-vs{display:none}}
"""


def _signed(metric: Metric, value: float) -> str:
    text = format_value(metric, value, signed=True).replace("-", "−")
    return text + (" points" if metric.kind == "nps" else "")


def change_badge(metric: Metric, change: Mapping[str, Any] | None) -> str:
    """HTML of a cell's change from the previous period: arrow, signed change, colour by verdict.

    Parameters
    ----------
    metric : Metric
        The metric (format, direction).
    change : mapping, optional
        One row of :meth:`Scorecard.changes() <cxlib.scorecard.card.Scorecard.changes>`:
        ``difference``, ``change`` (``better``, ``worse``, ``no clear change``),
        ``previous_period``, ``q_value``. None: no previous period to compare with.

    Returns
    -------
    str
        ``<div class="cxsc-change cxsc-better" title="...">▼ −2.1 pp vs 2026-Q2</div>``; the
        arrow follows the number (▲ up, ▼ down), the colour what it means for the metric
        (``cxsc-better`` green, ``cxsc-worse`` red, ``cxsc-flat`` grey when not significant).
        Empty text when ``change`` is None.
    """
    if change is None:
        return ""
    difference = float(change["difference"])
    sign = int(np.sign(difference)) if np.isfinite(difference) else 0
    verdict = str(change["change"])
    css = _VERDICT_CLASS.get(verdict, "cxsc-flat")
    previous = str(change["previous_period"])
    adjusted = format_p(change["q_value"]).replace("p", "adjusted p", 1)
    meaning = (
        f"{verdict} than {previous}" if verdict in _VERDICT_CLASS else f"no clear change from {previous}"
    )
    title = f"{meaning} ({metric.direction}; {adjusted})"
    return (
        f'<div class="cxsc-change {css}" title="{safe_text(title)}">{ARROWS[sign]} '
        f"{html.escape(_signed(metric, difference))}"
        f'<span class="cxsc-vs"> vs {safe_text(previous)}</span></div>'
    )


def nps_bar(promoters: float, detractors: float) -> str:
    """HTML of a promoter / passive / detractor stacked bar (shares of the answers).

    Parameters
    ----------
    promoters, detractors : float
        Shares in [0, 1]; passives are the rest.

    Returns
    -------
    str
        Three ``<span>`` widths in percent summing to 100, with the shares spelled out in
        ``title`` and ``aria-label``; empty text when a share is missing.
    """
    if not (np.isfinite(promoters) and np.isfinite(detractors)):
        return ""
    passives = max(0.0, 1.0 - promoters - detractors)
    words = (
        f"promoters {format_percent(promoters, 0)}, passives {format_percent(passives, 0)}, "
        f"detractors {format_percent(detractors, 0)}"
    )
    spans = "".join(
        f'<span class="{css}" style="width:{100 * share:.2f}%"></span>'
        for css, share in (("cxsc-p", promoters), ("cxsc-pa", passives), ("cxsc-d", detractors))
    )
    return f'<div class="cxsc-bar" role="img" title="{words}" aria-label="{words}">{spans}</div>'


def target_status(metric: Metric, value: float, target: float) -> str:
    """``"met"``, ``"not met"`` (direction-aware) or ``""`` when the value is missing.

    Parameters
    ----------
    metric : Metric
    value, target : float

    Returns
    -------
    str
    """
    if not np.isfinite(value):
        return ""
    met = value >= target if metric.higher_is_better else value <= target
    return "met" if met else "not met"


def _cell(metric: Metric, row: Any, change: Mapping[str, Any] | None, card: Scorecard, extra: str) -> str:
    """One ``<td>`` of the grid."""
    if bool(row["suppressed"]):
        title = f"fewer than {card.min_n} {row['unit']}: too few for a number"
        return (
            f'<td class="cxsc-cell" title="{safe_text(title)}"><span class="cxsc-few">{TOO_FEW}</span></td>'
        )
    n = int(row["n"])
    title = f"n = {n:,} {row['unit']}" + (f". {extra}" if extra else "")
    mark = '<span class="cxsc-mark">*</span>' if extra else ""
    interval = format_interval(
        row["ci_low"],
        row["ci_high"],
        lambda v: format_value(metric, v).replace("-", "−"),
        level=1 - card.alpha,
    )
    bar = nps_bar(float(row["promoter_share"]), float(row["detractor_share"])) if metric.kind == "nps" else ""
    shown = html.escape(format_value(metric, row["value"]).replace("-", "−"))
    return (
        f'<td class="cxsc-cell" title="{safe_text(title)}" data-n="{n}">'
        f'<div class="cxsc-value">{shown}{mark}</div>'
        f"{change_badge(metric, change)}"
        f'<span class="cxsc-ci">{html.escape(interval)}</span>{bar}</td>'
    )


def _target_cell(metric: Metric, target: float | None, overall: float) -> str:
    if target is None:
        return '<td class="cxsc-cell">—</td>'
    status = target_status(metric, overall, target)
    css = {"met": "cxsc-better", "not met": "cxsc-worse"}.get(status, "cxsc-flat")
    said = f'<div class="cxsc-change {css}">{"All: " + status if status else ""}</div>'
    shown = html.escape(format_value(metric, target).replace("-", "−"))
    return f'<td class="cxsc-cell" title="target for {html.escape(metric.name)}">{shown}{said}</td>'


def scorecard_grid(card: Scorecard, *, targets: Mapping[str, float] | None = None) -> HTMLBlock:
    """Build the latest period of a scorecard as a table of manager-style cells.

    Parameters
    ----------
    card : Scorecard
        From :func:`cxlib.scorecard.scorecard`; its table holds ``metric``, ``period``,
        ``period_start``, the segment columns, ``n``, ``value``, ``ci_low``, ``ci_high``,
        ``suppressed``, ``unit``, ``promoter_share``, ``detractor_share``.
    targets : mapping of str to float, optional
        Target per metric name (:func:`~cxlib.scorecard.targets.parse_targets`); adds a
        ``Target`` column after the metric.

    Returns
    -------
    HTMLBlock
        The table (``class="cxlab-table cxsc"``, key column pinned, scrolling inside its
        box on a phone) and its footnotes.
    """
    latest = card.latest()
    if latest.empty:
        return HTMLBlock('<p class="cxlab-note">No scorecard metric could be computed.</p>')
    latest = latest.assign(__segment=segment_names(latest, card.by))
    changes = card.changes()
    if not changes.empty:
        changes = changes.assign(__segment=segment_names(changes, card.by))
    notes = all_above_segments(latest, card.by[0]) if len(card.by) == 1 else {}
    segments = list(dict.fromkeys(latest["__segment"]))
    goals = dict(targets or {})
    head = "".join(f'<th class="num">{safe_text(s)}</th>' for s in segments)
    target_head = '<th class="num">Target</th>' if goals else ""
    rows, footnotes = [], []
    for name, block in latest.groupby("metric", sort=False):
        metric = card.metrics[str(name)]
        period = str(block["period"].iloc[0])
        by_segment = {str(r["__segment"]): r for _, r in block.iterrows()}
        mine = (
            changes[(changes["metric"] == name) & (changes["period"] == period)]
            if not changes.empty
            else changes
        )
        change_of = {str(r["__segment"]): r for _, r in mine.iterrows()}
        cells = []
        for segment in segments:
            row = by_segment.get(segment)
            if row is None:
                cells.append('<td class="cxsc-cell">—</td>')
                continue
            extra = notes.get(str(name), "") if segment == ALL else ""
            cells.append(_cell(metric, row, change_of.get(segment), card, extra))
        if str(name) in notes:
            footnotes.append(f"* {notes[str(name)]}")
        overall = by_segment.get(ALL)
        overall_value = (
            float(overall["value"]) if overall is not None and not bool(overall["suppressed"]) else np.nan
        )
        target = _target_cell(metric, goals.get(str(name)), overall_value) if goals else ""
        label = (
            f'<th class="txt cxsc-metric">{safe_text(metric.label)}'
            f"<small>{html.escape(metric.direction)} · {safe_text(period)}</small></th>"
        )
        rows.append(f"<tr>{label}{target}{''.join(cells)}</tr>")
    unused = [m for m in goals if m not in set(latest["metric"])]
    if unused:
        footnotes.append(f"Targets for metrics not in this scorecard: {', '.join(unused)}.")
    suppressed = int(card.table["suppressed"].sum())
    if suppressed:
        footnotes.append(
            f"{suppressed:,} of {len(card.table):,} cells over all periods rest on fewer than {card.min_n} "
            f"answers, orders or customers and read “{TOO_FEW}”."
        )
    level = round(100 * (1 - card.alpha))
    footnotes.append(
        "▲▼ change from the previous period: green significantly better, red significantly worse, grey "
        f"no clear change (Benjamini–Hochberg adjusted). Small print: {level}% confidence interval; hover a "
        "cell for n."
    )
    foot = "".join(f'<p class="cxsc-foot">{safe_text(f)}</p>' for f in footnotes)
    return HTMLBlock(
        f"<style>{GRID_CSS}</style>"
        '<div class="cxlab-table-wrap"><table class="cxlab-table cxsc"><thead><tr>'
        f'<th class="txt">Metric</th>{target_head}{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{foot}</div>"
    )
