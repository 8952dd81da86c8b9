"""Data health: what is in each table, how complete it is, and how volume moves day by day.

Every aggregation is written once with Narwhals and runs where the table lives (pandas,
polars, DuckDB, Spark); only the small results come back as pandas frames. The
:func:`data_health` result object backs the ``00_data_health`` report.

* :mod:`cxlib.health.tables` — per-table numbers (overview, missing values, duplicates,
  daily volume, text samples);
* :mod:`cxlib.health.result` — :class:`DataHealth` and :func:`data_health` (all tables,
  charts, key findings).
"""

from __future__ import annotations

from cxlib.health.result import DataHealth, LastDay, data_health
from cxlib.health.tables import (
    CUSTOMER_COLUMNS,
    EVENT_DUPLICATE_KEY,
    INTERMITTENT,
    PARTLY_FILLED,
    ROW_NOUNS,
    TS_COLUMNS,
    PartlyFilled,
    daily_volume,
    duplicate_ids,
    duplicate_rows,
    filter_period,
    findings_table,
    missing_by_design,
    missing_values,
    overview,
    table_overview,
    text_examples,
    unreadable_texts,
)

__all__ = [
    "CUSTOMER_COLUMNS",
    "EVENT_DUPLICATE_KEY",
    "INTERMITTENT",
    "PARTLY_FILLED",
    "ROW_NOUNS",
    "TS_COLUMNS",
    "DataHealth",
    "LastDay",
    "PartlyFilled",
    "daily_volume",
    "data_health",
    "duplicate_ids",
    "duplicate_rows",
    "filter_period",
    "findings_table",
    "missing_by_design",
    "missing_values",
    "overview",
    "table_overview",
    "text_examples",
    "unreadable_texts",
]
