"""CX scorecard: the headline CX metrics by segment and period, with honest uncertainty.

NPS, CSAT, CES, retention, repeat rate, cart abandonment, AOV and revenue per customer.

* :func:`nps`, :func:`csat`, :func:`ces` — one series of scores → :class:`~cxlib.Estimate`.
* :func:`scorecard` — every metric by segment and period (:class:`Scorecard`), with what
  changed from the previous period (``.changes()``) and trend charts.
* :func:`consistency` — each metric across channels, with a heterogeneity test and the
  largest gap.
* :func:`value_of_cx` — revenue and 12-month value per customer of promoters, passives and
  detractors: what CX is worth in money.

Sub-modules: :mod:`~cxlib.scorecard.stats` (intervals and tests from summary statistics),
:mod:`~cxlib.scorecard.cells` (period × segment aggregation on the engine),
:mod:`~cxlib.scorecard.survey`, :mod:`~cxlib.scorecard.commerce`,
:mod:`~cxlib.scorecard.carts`, :mod:`~cxlib.scorecard.changes`,
:mod:`~cxlib.scorecard.consistency`, :mod:`~cxlib.scorecard.value`,
:mod:`~cxlib.scorecard.grid` (the cells as managers know them), :mod:`~cxlib.scorecard.impact`
(gaps ranked by customers affected), :mod:`~cxlib.scorecard.targets`.
"""

from cxlib.scorecard.card import Scorecard, scorecard
from cxlib.scorecard.consistency import Consistency, consistency
from cxlib.scorecard.grid import scorecard_grid
from cxlib.scorecard.impact import impact_findings, rank_by_impact
from cxlib.scorecard.metrics import METRIC_NAMES, Metric, metric_catalogue
from cxlib.scorecard.survey import CESEstimate, ces, csat, nps
from cxlib.scorecard.targets import parse_targets
from cxlib.scorecard.value import CXValue, value_of_cx

__all__ = [
    "METRIC_NAMES",
    "CESEstimate",
    "CXValue",
    "Consistency",
    "Metric",
    "Scorecard",
    "ces",
    "consistency",
    "csat",
    "impact_findings",
    "metric_catalogue",
    "nps",
    "parse_targets",
    "rank_by_impact",
    "scorecard",
    "scorecard_grid",
    "value_of_cx",
]
