"""Cohort retention: acquisition cohorts, retention definitions, revenue retention and survival.

Do customers come back, and which acquisition months and channels bring customers who stay?

* :func:`retention_matrix` — cohort × age retention with three precise definitions
  (``kind="on"``, ``"on_or_after"``, ``"rolling"``), censoring, a weighted average curve,
  breakdowns ``by=`` any customer attribute and tests of difference (``.compare()``);
* :func:`revenue_retention` — net revenue retention, cumulative revenue per customer by
  cohort age (the LTV curve) and orders per customer;
* :func:`time_to_repeat` — Kaplan–Meier time to the second purchase with a log-rank test;
* :func:`compare_definitions` — the same customers' retention under the three definitions.

Aggregation runs on the user's backend (pandas, polars, DuckDB, Spark) through Narwhals;
only per-cohort counts come back to pandas.
"""

from cxlib.cohorts.comparison import RetentionComparison
from cxlib.cohorts.definitions import RetentionDefinitions, compare_definitions
from cxlib.cohorts.retention import KINDS, RetentionMatrix, retention_matrix
from cxlib.cohorts.revenue import RevenueRetention, revenue_retention
from cxlib.cohorts.survival import LogRank, TimeToRepeat, time_to_repeat

__all__ = [
    "KINDS",
    "LogRank",
    "RetentionComparison",
    "RetentionDefinitions",
    "RetentionMatrix",
    "RevenueRetention",
    "TimeToRepeat",
    "compare_definitions",
    "retention_matrix",
    "revenue_retention",
    "time_to_repeat",
]
