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
:mod:`~cxlib.scorecard.consistency`, :mod:`~cxlib.scorecard.value`.
"""

from cxlib.scorecard.card import Scorecard, scorecard
from cxlib.scorecard.consistency import Consistency, consistency
from cxlib.scorecard.metrics import METRIC_NAMES, Metric, metric_catalogue
from cxlib.scorecard.survey import CESEstimate, ces, csat, nps
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
    "metric_catalogue",
    "nps",
    "scorecard",
    "value_of_cx",
]
