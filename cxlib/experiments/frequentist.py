"""Multiple-comparison adjustments and non-inferiority (guardrail) tests.

All functions are vectorised over the rows of an effects table (see
:func:`cxlib.experiments.moments.effects`): an estimate, its standard error and the
degrees of freedom of its reference distribution (``inf`` for the normal). The fixed-horizon
interval and test of each row come from the two-group core shared with the scorecard,
:func:`cxlib.two_groups.interval` and :func:`cxlib.two_groups.p_value`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["ADJUSTMENTS", "adjust_pvalues", "noninferiority"]

#: Multiple-comparison adjustments: name → what they control.
ADJUSTMENTS: dict[str, str] = {"holm": "family-wise error rate", "bh": "false-discovery rate"}


def adjust_pvalues(p: Any, method: str) -> np.ndarray:
    """Adjust p-values for multiple comparisons: Holm (1979) or Benjamini–Hochberg (1995).

    With the m p-values sorted, p₍₁₎ ≤ … ≤ p₍ₘ₎: Holm's step-down adjusted value is
    max_{j≤i} min(1, (m − j + 1)·p₍ⱼ₎); Benjamini–Hochberg's step-up value is
    min_{j≥i} min(1, m·p₍ⱼ₎/j).

    Parameters
    ----------
    p : array-like
        Raw p-values of one family of comparisons; NaN entries are left out and stay NaN.
    method : {"holm", "bh"}
        ``holm`` controls the family-wise error rate, ``bh`` the false-discovery rate.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], "holm").round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    if method not in ADJUSTMENTS:
        raise ValueError(f"method must be one of {', '.join(ADJUSTMENTS)}; got {method!r}")
    values = np.asarray(p, dtype="float64")
    out = np.full(values.shape, np.nan)
    ok = ~np.isnan(values)
    m = int(ok.sum())
    if m == 0:
        return out
    order = np.argsort(values[ok], kind="stable")
    ranked = values[ok][order]
    rank = np.arange(1, m + 1)
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * ranked))
    else:
        adjusted = np.minimum.accumulate(np.minimum(1.0, m * ranked / rank)[::-1])[::-1]
    result = np.empty(m)
    result[order] = adjusted
    out[ok] = result
    return out


def noninferiority(
    effects: pd.DataFrame, margins: Mapping[str, float], alpha: float, bound: np.ndarray | None = None
) -> pd.DataFrame:
    """Test guardrails: is each variant no worse than the control by more than a margin.

    For a metric where higher is better, H0: effect ≤ −margin against H1: effect > −margin
    at one-sided level ``alpha``; the guardrail *passes* when the one-sided lower bound
    exceeds −margin, *fails* when the one-sided upper bound lies below −margin (the metric
    is significantly worse than the margin allows), and is *inconclusive* otherwise.
    Directions flip for metrics where lower is better.

    Parameters
    ----------
    effects : pandas.DataFrame
        Rows with ``metric, variant, estimate, se, df, higher_is_better``.
    margins : mapping
        Metric name → margin on the scale of the estimate (relative: 0.02 = 2 %), ≥ 0.
    alpha : float
        One-sided level.
    bound : numpy.ndarray, optional
        Half-width of the one-sided bound per row (default t_{1−α, df}·se); the sequential
        method passes its always-valid half-width.

    Returns
    -------
    pandas.DataFrame
        ``metric, variant, margin, estimate, bound`` (the one-sided bound facing the
        margin), ``p_value`` (of H0: worse than the margin; NaN when the bound came from
        outside), ``status`` (``pass``/``fail``/``inconclusive``).
    """
    unknown = sorted(set(margins) - set(effects["metric"]))
    if unknown:
        raise ValueError(f"guardrail metric(s) not in the comparison: {', '.join(unknown)}")
    if any(m < 0 for m in margins.values()):
        raise ValueError("guardrail margins must be ≥ 0 (a tolerated worsening)")
    rows = effects[effects["metric"].isin(list(margins))].copy()
    keep = rows.index
    sign = np.where(rows["higher_is_better"].to_numpy(dtype=bool), 1.0, -1.0)
    est = rows["estimate"].to_numpy(dtype="float64")
    se = rows["se"].to_numpy(dtype="float64")
    margin = rows["metric"].map(dict(margins)).to_numpy(dtype="float64")
    if bound is None:
        half = stats.t.ppf(1.0 - alpha, rows["df"].to_numpy(dtype="float64")) * se
        with np.errstate(divide="ignore", invalid="ignore"):
            p = stats.t.sf((sign * est + margin) / se, rows["df"].to_numpy(dtype="float64"))
    else:
        half = np.asarray(bound, dtype="float64")[effects.index.get_indexer(keep)]
        p = np.full(len(rows), np.nan)
    worst = sign * est - half  # one-sided bound in the "better" direction
    best = sign * est + half
    status = np.where(worst > -margin, "pass", np.where(best < -margin, "fail", "inconclusive"))
    out = rows[["metric", "variant"]].copy()
    out["margin"] = margin
    out["estimate"] = est
    out["bound"] = sign * worst
    out["p_value"] = p
    out["status"] = status
    return out.reset_index(drop=True)
