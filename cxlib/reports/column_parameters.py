"""Parameters that name a column of the data, checked against the data's schema before a run.

A segment column that does not exist (``-p by chanel``) would otherwise be found only when
the notebook's kernel has loaded the data, as a failed report. :func:`check_column_parameters`
reads the column names from the tables' schemas (through the folder's mapping, without
loading rows) and refuses such a value in one line, listing the columns that exist, before
any kernel starts or any output is written. Only values the user gave are checked: a
notebook's defaults (``auto``, or a column that may be absent and is then left out with a
note) never are.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cxlib.reports.validation import ParameterError

__all__ = ["COLUMN_PARAMETERS", "ColumnParameter", "check_column_parameters"]


@dataclass(frozen=True)
class ColumnParameter:
    """A notebook parameter whose value names a column of a table.

    Attributes
    ----------
    tables : tuple of str
        The table the column is read from: the first of these the data have.
    special : tuple of str
        Values that are not column names (compared case-insensitively).
    """

    tables: tuple[str, ...]
    special: tuple[str, ...] = ("", "auto", "none")


#: Notebook -> parameter -> the table its column comes from.
COLUMN_PARAMETERS: dict[str, dict[str, ColumnParameter]] = {
    "01_cx_scorecard": {"by": ColumnParameter(("orders", "surveys"))},
    "02_journey_mapping": {
        "segment": ColumnParameter(("events",)),
        "attribution_channel": ColumnParameter(("events",), special=("",)),
    },
    "03_cohort_retention": {"by": ColumnParameter(("orders",))},
    "04_customer_lifetime_value": {"segment": ColumnParameter(("orders",))},
    "06_ab_test": {
        "segment": ColumnParameter(("experiments",), special=("", "auto", "none", "pre_period_buyer"))
    },
}

#: Reads the columns of the tables of a data source (see :func:`cxlib.data.columns.table_columns`).
ColumnReader = Callable[[str], Mapping[str, Sequence[str]]]


def _suggestion(value: str, columns: Sequence[str]) -> str:
    """Return `` (did you mean 'x'?)`` for a near miss (case-insensitive), else ``""``."""
    lowered = {c.lower(): c for c in reversed(columns)}
    if value.lower() in lowered:
        return f" (did you mean '{lowered[value.lower()]}'?)"
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1)
    return f" (did you mean '{lowered[close[0]]}'?)" if close else ""


def _read_columns(data: Any, engine: Any) -> dict[str, list[str]] | None:
    """Columns of every table of the notebook's data source; ``None`` when it cannot be read here.

    A source that cannot be read is left to the notebook, which fails with its own page.
    Spark sources are not opened (that would start a Spark session).
    """
    from cxlib.data.columns import table_columns
    from cxlib.reports.paths import resolve_data

    if engine == "spark" or not isinstance(data, str) or not data.strip():
        return None
    try:
        return table_columns(resolve_data(data, engine))
    except Exception:  # unreadable source: the notebook's own error page says why
        return None


def check_column_parameters(
    runs: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]],
    *,
    read_columns: Callable[[Any, Any], dict[str, list[str]] | None] = _read_columns,
) -> None:
    """Refuse a column-naming parameter whose column the data do not have.

    Parameters
    ----------
    runs : sequence of (notebook name, passed, effective)
        For each notebook of the run: the parameters the user gave and the effective ones
        (with the defaults; ``data`` and ``engine`` locate the data).
    read_columns : callable, optional
        ``(data, engine) -> {table: columns}`` or ``None`` when the source cannot be read
        here (then nothing is checked); default reads the schemas through the mapping.

    Raises
    ------
    ParameterError
        One line naming the parameter, notebook, table and value, listing the table's
        columns and suggesting a near miss.
    """
    cache: dict[tuple[Any, Any], dict[str, list[str]] | None] = {}
    for name, passed, effective in runs:
        declared = COLUMN_PARAMETERS.get(name, {})
        given = {p: v for p, v in passed.items() if p in declared and isinstance(v, str)}
        for param, value in given.items():
            spec = declared[param]
            text = value.strip()
            if text.lower() in {s.lower() for s in spec.special}:
                continue
            key = (effective.get("data"), effective.get("engine"))
            if key not in cache:
                cache[key] = read_columns(*key)
            columns = cache[key]
            table = next((t for t in spec.tables if columns and t in columns), None)
            if columns is None or table is None or text in columns[table]:
                continue  # unreadable here, or the table is absent (the notebook is skipped)
            found = list(columns[table])
            raise ParameterError(
                f"parameter '{param}' of {name}: the {table} table has no column '{text}'; "
                f"columns found: {', '.join(found)}{_suggestion(text, found)}"
            )
