"""The five table contracts (docs/architecture.md §3): required and optional columns, kinds and rules.

A contract says, for each column, what kind of value it holds (``id``, ``timestamp``,
``text``, ``money``, ``number``, ``count``, ``flag``), whether it is required, and the row
rules it obeys (range, allowed values, uniqueness). :mod:`cxlib.data.validate` enforces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CONTRACTS", "SCORE_SCALES", "TABLES", "Column", "Contract"]

Kind = Literal["id", "timestamp", "text", "money", "number", "count", "flag"]

#: Survey metrics and their score scales (inclusive). CES follows the seeds' 1–7 scale.
SCORE_SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

#: Longest feedback or comment text accepted, in characters.
MAX_TEXT_LENGTH = 20_000


@dataclass(frozen=True)
class Column:
    """One contract column.

    Attributes
    ----------
    name : str
        Column name on the contract.
    kind : str
        ``id`` (text key; integers are turned into text), ``timestamp`` (UTC), ``text``,
        ``money`` (float ≥ 0), ``number`` (float), ``count`` (whole number ≥ 0), ``flag`` (bool).
    required : bool
        Must be present; required columns may not hold nulls either.
    minimum, maximum : float, optional
        Inclusive bounds.
    allowed : tuple of str, optional
        The only values accepted (compared after lower-casing).
    max_length : int, optional
        Longest text accepted (characters).
    """

    name: str
    kind: Kind
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Contract:
    """A table contract: its columns and the columns that identify a row uniquely."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns, in contract order."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column | None:
        """Return the column called ``name``, or ``None`` when the contract has none."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def id_columns(self) -> tuple[str, ...]:
        """Columns shown first when printing offending rows."""
        ids = [c.name for c in self.columns if c.kind == "id" and c.required]
        return tuple(ids)


_TS = Column("ts", "timestamp", required=True)

CONTRACTS: dict[str, Contract] = {
    "events": Contract(
        "events",
        (
            Column("customer_id", "id", required=True),
            _TS,
            Column("event", "text", required=True),
            Column("session_id", "id"),
            Column("channel", "text"),
            Column("device", "text"),
            Column("order_id", "id"),
            Column("revenue", "money", minimum=0),
        ),
    ),
    "orders": Contract(
        "orders",
        (
            Column("order_id", "id", required=True),
            Column("customer_id", "id", required=True),
            _TS,
            Column("revenue", "money", required=True, minimum=0),
            Column("channel", "text"),
            Column("device", "text"),
            Column("items", "count", minimum=0),
            Column("discount", "money", minimum=0),
            Column("returned", "flag"),
            Column("delivery_days", "number", minimum=0),
            Column("country", "text"),
        ),
        key=("order_id",),
    ),
    "surveys": Contract(
        "surveys",
        (
            Column("response_id", "id", required=True),
            _TS,
            Column("metric", "text", required=True, allowed=tuple(SCORE_SCALES)),
            Column("score", "count", required=True),
            Column("customer_id", "id"),
            Column("order_id", "id"),
            Column("channel", "text"),
            Column("comment", "text", max_length=MAX_TEXT_LENGTH),
            Column("lang", "text"),
        ),
        key=("response_id",),
    ),
    "feedback": Contract(
        "feedback",
        (
            Column("feedback_id", "id", required=True),
            _TS,
            # optional for star-only reviews: a row needs a text or a rating (rule empty_feedback)
            Column("text", "text", max_length=MAX_TEXT_LENGTH),
            Column("customer_id", "id"),
            Column("rating", "count", minimum=1, maximum=5),
            Column("source", "text"),
            Column("lang", "text"),
            Column("channel", "text"),
        ),
        key=("feedback_id",),
    ),
    "experiments": Contract(
        "experiments",
        (
            # absent: the table holds one experiment, named after its file (cxlib.data.pipeline)
            Column("experiment", "text", required=True),
            Column("variant", "text", required=True),
            Column("unit_id", "id", required=True),
            Column("exposed_ts", "timestamp"),
            Column("converted", "flag"),
            Column("revenue", "money", minimum=0),
            Column("orders", "count", minimum=0),
            Column("pre_revenue", "money", minimum=0),
        ),
        key=("experiment", "unit_id"),
    ),
}

#: Contract table names, in the order reports show them.
TABLES: tuple[str, ...] = tuple(CONTRACTS)
