"""Errors and warnings raised by cxlib.

Every problem with user data surfaces as :class:`DataError`, which names the table, the
column, the rule that failed and up to five offending rows, so that a user can find and fix
the rows without reading a traceback from deep inside pandas or DuckDB.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["CxlibError", "DataError", "DataWarning"]

MAX_EXAMPLES = 5


class CxlibError(Exception):
    """Base class of every error cxlib raises on purpose."""


class DataError(CxlibError, ValueError):
    """Input data breaks a data contract.

    Parameters
    ----------
    message : str
        What is wrong, in words, and how to fix it.
    table : str, optional
        Contract table name (``events``, ``orders``, ...) or the file that was read.
    column : str, optional
        The offending column, if the problem is about one column.
    rule : str, optional
        Short machine-readable name of the rule (``missing_column``, ``future_timestamp``, ...).
    rows : sequence of dict, optional
        Up to five offending rows (as ``{column: value}``), shown in the message.
    n_rows : int, optional
        How many rows break the rule in all.
    note : str, optional
        Printed last, e.g. other problems found in the same table.
    """

    def __init__(
        self,
        message: str,
        *,
        table: str | None = None,
        column: str | None = None,
        rule: str | None = None,
        rows: Sequence[dict[str, Any]] | None = None,
        n_rows: int | None = None,
        note: str | None = None,
    ) -> None:
        self.table = table
        self.column = column
        self.rule = rule
        self.rows = list(rows or [])[:MAX_EXAMPLES]
        self.n_rows = n_rows
        self.detail = message
        self.note = note
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.table:
            where.append(f"table '{self.table}'")
        if self.column:
            where.append(f"column '{self.column}'")
        head = ", ".join(where)
        text = f"{head}: {self.detail}" if head else self.detail
        if self.rule:
            text += f" [rule: {self.rule}]"
        if self.n_rows is not None:
            text += f"\n{self.n_rows:,} row(s) affected."
        if self.rows:
            text += "\nFirst offending rows:\n" + "\n".join("  " + _format_row(row) for row in self.rows)
        if self.note:
            text += "\n" + self.note
        return text


def _format_row(row: dict[str, Any]) -> str:
    parts = []
    for key, value in row.items():
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        parts.append(f"{key}={shown}")
    return ", ".join(parts)


class DataWarning(UserWarning):
    """Rows were dropped or data was adjusted (for example with ``on_error="drop"``)."""
