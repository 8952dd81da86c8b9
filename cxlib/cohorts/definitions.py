"""The same customers' retention under the three definitions, side by side.

``on`` (active in calendar period N), ``on_or_after`` (active in N or any later period) and
``rolling`` (active in the N-th fixed window from each customer's first order) answer
different questions; :func:`compare_definitions` puts the weighted curves of the three
:class:`~cxlib.cohorts.retention.RetentionMatrix` results next to each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from cxlib.cohorts.retention import RetentionMatrix
from cxlib.result import Display, ResultBase

__all__ = ["DEFINITION_NAMES", "RetentionDefinitions", "compare_definitions"]

#: How each kind of retention is named in reports.
DEFINITION_NAMES: dict[str, str] = {
    "on": "Return on",
    "on_or_after": "Return on or after",
    "rolling": "Rolling windows",
}
#: Ages the table quotes (those observed).
TABLE_AGES: tuple[int, ...] = (1, 3, 6, 12)


@dataclass(frozen=True)
class RetentionDefinitions(ResultBase):
    """Weighted retention curves of the same customers under several definitions.

    Attributes
    ----------
    curves : pandas.DataFrame
        ``definition`` (str, see :data:`DEFINITION_NAMES`), ``kind`` (str), ``age`` (int64,
        1 and later), ``share`` (float64) and the other columns of
        :attr:`RetentionMatrix.curve`.
    table : pandas.DataFrame
        One row per definition: ``definition`` and one share column per quoted age
        (``1, 3, 6, 12`` as far as observed; int column names).
    period : str
    """

    curves: pd.DataFrame
    table: pd.DataFrame
    period: str

    def display_settings(self) -> Display:
        """Show one row per definition, the quoted ages as percentages."""
        ages = tuple(c for c in self.table.columns if c != "definition")
        return Display(
            percent_cols=ages,
            labels={"definition": "Definition", **{a: f"{self.period} {a}" for a in ages}},
        )

    def figure(self) -> go.Figure:
        """Draw one line per definition: share of customers retained by age."""
        from cxlib import viz

        return viz.line(
            self.curves,
            x="age",
            y="share",
            color="definition",
            percent=True,
            markers=True,
            title="Share of customers retained, by definition",
            labels={
                "age": f"{self.period.capitalize()}s (or windows) since acquisition",
                "share": "Customers retained",
            },
        )

    def summary(self) -> list[str]:
        """Compare "return on" with "return on or after" at the second quoted age (or the first)."""
        if self.curves.empty:
            return [
                f"The data cover a single {self.period}: no customer could come back in a later "
                f"{self.period} yet."
            ]
        ages = [c for c in self.table.columns if c != "definition"]
        shares = self.table.set_index("definition")
        on, after = DEFINITION_NAMES["on"], DEFINITION_NAMES["on_or_after"]
        if not ages or on not in shares.index or after not in shares.index:
            return []
        age = ages[1] if len(ages) > 1 else ages[0]
        exact, later = float(shares.at[on, age]), float(shares.at[after, age])
        if pd.isna(exact) or pd.isna(later):
            return []
        skip = f": most returning customers skip {self.period}s" if exact < later / 2 else ""
        but = "but" if later > exact else "and"
        return [
            f"At {self.period} {age}, {exact:.1%} of customers ordered in that very {self.period}, {but} "
            f"{later:.1%} ordered in it or later{skip}."
        ]


def compare_definitions(matrices: Mapping[str, RetentionMatrix]) -> RetentionDefinitions:
    """Put the weighted retention curves of several definitions side by side.

    Parameters
    ----------
    matrices : mapping
        Kind (``on``, ``on_or_after``, ``rolling``) → :class:`RetentionMatrix` of the same
        customers (without ``by``, or its :meth:`~RetentionMatrix.overall`), same period.

    Returns
    -------
    RetentionDefinitions

    Examples
    --------
    >>> from cxlib.cohorts import KINDS, retention_matrix
    >>> views = {k: retention_matrix(shop.orders, kind=k) for k in KINDS}  # doctest: +SKIP
    >>> compare_definitions(views).table  # doctest: +SKIP
    """
    periods = {m.period for m in matrices.values()}
    if len(periods) != 1:
        raise ValueError(f"the matrices must share one period; got {', '.join(sorted(periods))}")
    period = periods.pop()
    parts = [
        m.overall().curve.assign(definition=DEFINITION_NAMES.get(kind, kind), kind=kind)
        for kind, m in matrices.items()
    ]
    curves = pd.concat(parts, ignore_index=True)
    curves = curves[curves["age"] >= 1].reset_index(drop=True)
    observed = int(curves["age"].max()) if len(curves) else 0
    ages = [a for a in TABLE_AGES if a <= observed]
    if ages:
        table = (
            curves[curves["age"].isin(ages)]
            .pivot(index="definition", columns="age", values="share")
            .reindex([DEFINITION_NAMES.get(k, k) for k in matrices])
            .reset_index()
        )
        table.columns = pd.Index(["definition", *(int(a) for a in table.columns[1:])])
    else:
        table = pd.DataFrame({"definition": pd.Series(dtype="str")})
    return RetentionDefinitions(curves=curves, table=table, period=period)
