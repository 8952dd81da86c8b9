"""What changed: each scorecard cell against the same segment's previous period.

Each metric gets the test that fits it (:func:`cxlib.scorecard.stats.compare`): NPS
differences with the added multinomial variances, shares with the two-proportion z test,
means with Welch's t test. A scorecard holds many comparisons (metrics × segments ×
periods), so p-values are adjusted with Benjamini–Hochberg (1995) over the whole table and a
change counts as significant when the adjusted value (``q_value``) is below ``alpha``.
Suppressed cells (too few answers) are never compared.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from cxlib.scorecard.cells import sort_cells
from cxlib.scorecard.metrics import METRIC_NAMES
from cxlib.scorecard.stats import compare

__all__ = ["CHANGE_COLUMNS", "period_changes"]

#: Columns of :func:`period_changes` after the metric, label and segment columns.
CHANGE_COLUMNS: tuple[str, ...] = (
    "period",
    "period_start",
    "previous_period",
    "value",
    "previous_value",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "significant",
    "change",
    "test",
)


def period_changes(table: pd.DataFrame, by: Sequence[str], alpha: float = 0.05) -> pd.DataFrame:
    """Period-over-period differences of every metric and segment of a scorecard table.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`Scorecard.table <cxlib.scorecard.card.Scorecard.table>`.
    by : sequence of str
        Its segment columns.
    alpha : float, default 0.05
        False discovery rate for the ``significant`` flag (and 1 − confidence level of the
        intervals).

    Returns
    -------
    pandas.DataFrame
        One row per metric × segment × period that has an unsuppressed previous period:
        ``metric``, ``label``, the ``by`` columns, then :data:`CHANGE_COLUMNS`:
        ``difference`` = value − previous value (NPS points, share, or mean unit) with its
        interval ``ci_low``/``ci_high``; ``p_value`` two-sided; ``q_value`` Benjamini–
        Hochberg adjusted; ``significant`` (bool) = ``q_value < alpha``; ``change`` is
        ``"better"``, ``"worse"`` or ``"no clear change"`` given the metric's direction;
        ``test`` names the test. Sorted like the table.
    """
    keys = ["metric", *by]
    shown = table[~table["suppressed"]].copy()
    periods = np.sort(table["period_start"].unique())
    shown["__ord"] = np.searchsorted(periods, shown["period_start"].to_numpy())
    previous = shown[[*keys, "__ord", "period", "n", "value", "se"]].rename(
        columns={"period": "previous_period", "n": "n_prev", "value": "previous_value", "se": "se_prev"}
    )
    previous["__ord"] = previous["__ord"] + 1
    pairs = shown.merge(previous, on=[*keys, "__ord"], how="inner", sort=False)
    columns = ["metric", "label", *by, *CHANGE_COLUMNS]
    if pairs.empty:
        out = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
        return out.astype(
            {
                "significant": "bool",
                "metric": "str",
                "label": "str",
                "test": "str",
                "change": "str",
                "period": "str",
                "previous_period": "str",
                "period_start": "datetime64[ns]",
                **dict.fromkeys(by, "str"),
            }
        )
    result = compare(
        pairs["kind"].to_numpy(dtype=object),
        pairs["n_prev"].to_numpy(dtype=float),
        pairs["previous_value"].to_numpy(dtype=float),
        pairs["se_prev"].to_numpy(dtype=float),
        pairs["n"].to_numpy(dtype=float),
        pairs["value"].to_numpy(dtype=float),
        pairs["se"].to_numpy(dtype=float),
        alpha,
    )
    for name in ("difference", "ci_low", "ci_high", "p_value", "test"):
        pairs[name] = result[name]
    p = pairs["p_value"].to_numpy(dtype=float)
    q = np.full(p.shape, np.nan)
    valid = ~np.isnan(p)
    if valid.any():
        q[valid] = multipletests(p[valid], method="fdr_bh")[1]
    pairs["q_value"] = q
    pairs["significant"] = np.nan_to_num(q, nan=1.0) < alpha
    improved = np.where(pairs["higher_is_better"], pairs["difference"] > 0, pairs["difference"] < 0)
    pairs["change"] = np.where(
        ~pairs["significant"], "no clear change", np.where(improved, "better", "worse")
    )
    out = sort_cells(pairs[columns], by, METRIC_NAMES)
    return out.astype({"significant": "bool", "change": "str", "test": "str", "previous_period": "str"})
