"""Coverage: per table, how many rows were read, kept and left out, and why.

Nothing is lost silently: every way a row can leave a table on its way in (a mapping's
``where`` filter, a broken row rule with ``on_error="drop"``, a duplicate id) is counted
under one reason, so the reasons add up to the rows left out. Line items rolled up into
orders are not lost; the roll-up is shown as its own step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["LeftOut", "TableCoverage", "coverage_frame", "coverage_sentence"]


@dataclass(frozen=True)
class LeftOut:
    """Rows left out for one reason: a rule on a column, or a mapping step."""

    rule: str
    n_rows: int
    column: str | None = None

    @property
    def reason(self) -> str:
        """``column rule`` in words, e.g. ``ts unparseable_timestamp``."""
        return f"{self.column} {self.rule}" if self.column else self.rule


@dataclass(frozen=True)
class TableCoverage:
    """How one table came in.

    Attributes
    ----------
    table : str
        Contract table name.
    rows_read : int
        Rows in the source (before the mapping's filters and roll-ups).
    rows_kept : int
        Rows of the validated table (after roll-ups: orders, not lines).
    left_out : tuple of LeftOut
        Rows left out, by reason (each row under its first reason only).
    rolled_up : int, optional
        Rows after a line-item roll-up and before validation, when the mapping rolled up.
    filtered : int, optional
        Rows the mapping's ``where`` condition left out on purpose (not counted as lost).
    would_drop : bool
        The counts are what ``on_error="drop"`` would leave out (``cxlab check``), the rows
        are still in the table.
    """

    table: str
    rows_read: int
    rows_kept: int
    left_out: tuple[LeftOut, ...] = field(default_factory=tuple)
    rolled_up: int | None = None
    would_drop: bool = False
    filtered: int | None = None

    @property
    def rows_left_out(self) -> int:
        """Rows left out, all reasons together."""
        return sum(item.n_rows for item in self.left_out)

    @property
    def share_left_out(self) -> float:
        """Rows left out as a share of the rows that reached validation (0 to 1)."""
        base = self.rows_left_out + self.rows_kept
        return self.rows_left_out / base if base else 0.0


def coverage_frame(items: Iterable[TableCoverage]) -> pd.DataFrame:
    """One row per table: rows read, kept, left out (and their share), filtered by the
    mapping, rolled up to (line-item grain), and the reasons with their counts."""
    rows = [
        {
            "table": c.table,
            "rows_read": c.rows_read,
            "rows_kept": c.rows_kept,
            "rows_left_out": c.rows_left_out,
            "share_left_out": c.share_left_out,
            "filtered_by_mapping": c.filtered or 0,
            "rolled_up_to": c.rolled_up,
            "reasons": "; ".join(f"{item.reason} ({item.n_rows:,})" for item in c.left_out),
        }
        for c in items
    ]
    columns = [
        "table",
        "rows_read",
        "rows_kept",
        "rows_left_out",
        "share_left_out",
        "filtered_by_mapping",
        "rolled_up_to",
        "reasons",
    ]
    return pd.DataFrame(rows, columns=columns)


def coverage_sentence(c: TableCoverage) -> str:
    """``orders: 541,909 rows read, 397,924 kept (lines rolled up into 18,536 orders), ...``."""
    text = f"{c.table}: {c.rows_read:,} rows read"
    if c.filtered:
        text += f", {c.filtered:,} filtered out by the mapping's 'where'"
    if c.rolled_up is not None:
        text += f", rolled up into {c.rolled_up:,}"
    text += f", {c.rows_kept:,} kept"
    if c.left_out:
        reasons = ", ".join(f"{item.reason} {item.n_rows:,}" for item in c.left_out)
        text += f", {c.rows_left_out:,} left out ({reasons})"
    else:
        text += ", none left out"
    return text
