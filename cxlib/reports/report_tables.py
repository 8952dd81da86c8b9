"""The tables each cxlab report reads, so that its header and index card count only their rows.

A report on experiments should not claim the events' million rows as its data. Each notebook
passes :func:`tables_read` of its own name to :func:`cxlib.viz.report_header`, which then
publishes the coverage (rows read, kept, left out) of those tables only; the index keeps the
entries of the tables :func:`tables_used` names for the run, read from the same list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["REPORT_TABLES", "TABLE_PARAMETERS", "tables_read", "tables_used"]

#: Report (notebook name) -> the tables it reads. A report not listed reads every table.
REPORT_TABLES: dict[str, tuple[str, ...]] = {
    "00_data_health": ("events", "orders", "surveys", "feedback", "experiments"),
    "01_cx_scorecard": ("surveys", "orders", "events"),
    "02_journey_mapping": ("events",),
    "03_cohort_retention": ("orders",),
    "04_customer_lifetime_value": ("orders", "surveys"),
    "05_voice_of_customer": ("feedback", "surveys"),
    "06_ab_test": ("experiments",),
}
#: Report -> parameters whose value names a further table it reads (03's ``activity``).
TABLE_PARAMETERS: dict[str, tuple[str, ...]] = {"03_cohort_retention": ("activity",)}


def tables_read(name: str, parameters: Mapping[str, Any] | None = None) -> tuple[str, ...] | None:
    """Return the tables a report reads; ``None``: every table (a report not listed).

    Parameters
    ----------
    name : str
        The notebook's name (``"05_voice_of_customer"``).
    parameters : mapping, optional
        Its parameter values; those of :data:`TABLE_PARAMETERS` add the table they name
        (``{"activity": "events"}`` for ``03_cohort_retention``).

    Returns
    -------
    tuple of str or None

    Examples
    --------
    >>> tables_read("03_cohort_retention", {"activity": "events"})
    ('orders', 'events')
    """
    if name not in REPORT_TABLES:
        return None
    values = parameters if isinstance(parameters, Mapping) else {}
    extra = tuple(str(values[p]) for p in TABLE_PARAMETERS.get(name, ()) if values.get(p))
    return tuple(dict.fromkeys((*REPORT_TABLES[name], *extra)))


def tables_used(record: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Return the tables a report read, from its run record; ``None``: every table.

    Parameters
    ----------
    record : mapping
        A run record (``name``, ``family`` for one of several pages of a notebook, and
        ``parameters`` with the effective values).

    Returns
    -------
    tuple of str or None
    """
    # one of several pages of a notebook (an experiment's page) reads what its notebook reads
    return tables_read(str(record.get("family") or record.get("name")), record.get("parameters"))
