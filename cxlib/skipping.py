"""A notebook that does not apply to a shop says so: :class:`NotebookSkipped`.

A notebook raises it in its load cell when the shop lacks the table it is about (no
experiments table for the A/B notebook, no text for voice of the customer). ``cxlab run``
recognises it by name in papermill's error and records the notebook as **skipped**, not
failed: a small page with the reason and what to add, a grey card on the index, exit code 0
(unless ``--strict``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

__all__ = ["SKIP_NAME", "NotebookSkipped", "require_tables", "skip", "split_message"]

#: Name of the exception as it appears in a notebook's error output (``ename``).
SKIP_NAME = "NotebookSkipped"
#: Separates the reason from what to add in the exception's message.
_TO_RUN = " To run it: "


class NotebookSkipped(Exception):
    """The shop lacks what this notebook needs; the notebook is skipped, not failed.

    Parameters
    ----------
    reason : str
        One sentence: what is missing.
    add : str, optional
        One sentence: what to add to the data for the notebook to run.
    """

    def __init__(self, reason: str, add: str | None = None) -> None:
        self.reason = reason.strip()
        self.add = add.strip() if add else None
        super().__init__(self.reason + (_TO_RUN + self.add if self.add else ""))


def split_message(message: str) -> tuple[str, str | None]:
    """Split a :class:`NotebookSkipped` message back into ``(reason, add)``."""
    reason, found, add = message.partition(_TO_RUN)
    return reason.strip(), (add.strip() or None) if found else None


def skip(reason: str, *, add: str | None = None) -> NoReturn:
    """Stop the notebook here and have it recorded as skipped.

    Parameters
    ----------
    reason : str
        What is missing (one sentence).
    add : str, optional
        What to add for the notebook to run.

    Raises
    ------
    NotebookSkipped
        Always.
    """
    raise NotebookSkipped(reason, add)


_WHAT = {
    "orders": "one row per order with order_id, customer_id, ts and revenue",
    "events": "one row per page or app event with customer_id, ts and event",
    "surveys": "one row per survey answer with response_id, ts, metric (nps, csat, ces) and score",
    "feedback": "one row per review, ticket or comment with feedback_id, ts and text or rating",
    "experiments": "one row per unit in an experiment with variant and unit_id",
}


def require_tables(shop: Any, tables: Sequence[str], *, what: str, any_of: bool = False) -> None:
    """Skip the notebook unless the shop has the tables it needs.

    Parameters
    ----------
    shop : Shop
        An opened shop (a missing table is ``None``).
    tables : sequence of str
        Table names (``orders``, ``events``, ``surveys``, ``feedback``, ``experiments``).
    what : str
        What the notebook does, for the sentence ("The A/B test analysis needs ...").
    any_of : bool, default False
        Enough if one of the tables is there (e.g. the scorecard: surveys or orders).

    Raises
    ------
    NotebookSkipped
        The tables are missing; the message names them and what each holds.
    """
    missing = [name for name in tables if getattr(shop, name, None) is None]
    if not missing or (any_of and len(missing) < len(tables)):
        return
    joined = (" or " if any_of else " and ").join(
        f"an {n} table" if n[0] in "aeiou" else f"a {n} table" for n in missing
    )
    add = "; ".join(f"{name}.csv or {name}.parquet ({_WHAT.get(name, 'see docs')})" for name in missing)
    skip(f"{what} needs {joined}, and the data have none.", add=f"add {add} to the data folder.")
