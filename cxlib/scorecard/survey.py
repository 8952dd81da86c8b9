"""Survey metrics: NPS, CSAT and CES with honest intervals, for one series or per cell.

:func:`nps`, :func:`csat` and :func:`ces` take a series of scores and return an
:class:`~cxlib.Estimate`. :func:`survey_cells` computes the same statistics per period and
segment on the engine for :func:`cxlib.scorecard.scorecard`.

Definitions (docs/methods.md): NPS counts promoters 9–10 and detractors 0–6 on a 0–10 scale,
NPS = 100·(p_P − p_D) with Var(NPS/100) = (p_P + p_D − (p_P − p_D)²)/n. CSAT is the
top-2-box share (4–5 on 1–5) with a Wilson interval. CES is the mean score with a t interval;
CES 1.0 (Dixon, Freeman & Toman 2010) asks for effort, lower is better; CES 2.0 (CEB/Gartner
2013) asks for agreement that the company made it easy, higher is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from cxlib._types import Frame
from cxlib.engine import require_columns
from cxlib.errors import DataError
from cxlib.estimate import Estimate
from cxlib.scorecard.cells import P, Period, aggregate_cells, as_lazy, period_index
from cxlib.scorecard.segments import attach_segments
from cxlib.scorecard.stats import Kind, cell_estimates

__all__ = ["CESEstimate", "ces", "csat", "nps", "survey_cells"]


@dataclass(frozen=True)
class CESEstimate(Estimate):
    """A CES :class:`~cxlib.Estimate` that also records its scale and direction.

    Attributes
    ----------
    scale : int
        Answers run from 1 to ``scale``.
    higher_is_better : bool
        ``False`` for the effort scale (CES 1.0), ``True`` for CES 2.0 agreement.
    """

    scale: int = 7
    higher_is_better: bool = False

    @property
    def direction(self) -> str:
        """``higher is better`` or ``lower is better``."""
        return "higher is better" if self.higher_is_better else "lower is better"

    def __str__(self) -> str:
        return f"{super().__str__()[:-1]}; scale 1–{self.scale}, {self.direction})"


def _scores(scores: Any, metric: str, low: float, high: float) -> np.ndarray:
    """Scores as a float array without missing values; DataError for text or out-of-scale."""
    if isinstance(scores, (list, tuple, np.ndarray, range)):
        values = np.asarray(list(scores), dtype=object)
    else:
        try:
            values = nw.from_native(scores, series_only=True).to_numpy()
        except TypeError as exc:
            raise DataError(
                f"{metric} needs a series of scores (pandas, polars or a list), got {type(scores).__name__}",
                table="surveys",
                column="score",
                rule="not_a_series",
            ) from exc
    raw = pd.Series(values, dtype=object)
    numeric = pd.to_numeric(raw, errors="coerce")
    text = numeric.isna() & raw.notna()
    if text.any():
        raise DataError(
            f"{metric} scores must be numbers",
            table="surveys",
            column="score",
            rule="not_numeric",
            rows=[{"score": v} for v in raw[text].head(5)],
            n_rows=int(text.sum()),
        )
    arr = numeric.dropna().to_numpy(dtype=float)
    outside = (arr < low) | (arr > high)
    if outside.any():
        raise DataError(
            f"{metric} scores must lie between {low:g} and {high:g}",
            table="surveys",
            column="score",
            rule="out_of_scale",
            rows=[{"score": v} for v in arr[outside][:5]],
            n_rows=int(outside.sum()),
        )
    if arr.size == 0:
        raise DataError(f"no {metric} scores to summarise", table="surveys", column="score", rule="no_scores")
    return arr


def _estimate(kind: Kind, x: np.ndarray, alpha: float) -> dict[str, float]:
    est = cell_estimates(kind, np.array([x.size]), np.array([x.sum()]), np.array([(x * x).sum()]), alpha)
    return {key: float(values[0]) for key, values in est.items()}


def _check_scale(scale: int, metric: str) -> None:
    if not isinstance(scale, (int, np.integer)) or isinstance(scale, bool) or scale < 3:
        raise DataError(
            f"{metric} scale must be a whole number of at least 3, not {scale!r}", rule="bad_option"
        )


def _check_alpha(alpha: float) -> None:
    if not 0.0 < float(alpha) < 1.0:
        raise DataError(f"alpha must lie strictly between 0 and 1, not {alpha!r}", rule="bad_option")


def nps(scores: Any, *, alpha: float = 0.05) -> Estimate:
    """Net Promoter Score of 0–10 answers with a multinomial confidence interval.

    Promoters answer 9–10, detractors 0–6; NPS = 100·(p_P − p_D). The interval is
    NPS ± z·100·√((p_P + p_D − (p_P − p_D)²)/n) (docs/methods.md), clipped to [−100, 100].

    Parameters
    ----------
    scores : pandas.Series, polars Series, array or list
        0–10 answers; missing values are ignored.
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    Estimate
        ``value`` in points (−100 to 100), ``n`` = answers.

    Raises
    ------
    DataError
        Scores that are text, outside 0–10, or no scores at all.

    Examples
    --------
    >>> print(nps([10, 9, 9, 8, 7, 6, 3, 10, 10, 5]))
    20 (95% CI -34 to 74, n=10)
    """
    _check_alpha(alpha)
    arr = _scores(scores, "NPS", 0, 10)
    x = (arr >= 9).astype(float) - (arr <= 6).astype(float)
    e = _estimate("nps", x, alpha)
    return Estimate(e["value"], e["ci_low"], e["ci_high"], int(arr.size), alpha)


def csat(scores: Any, *, scale: int = 5, alpha: float = 0.05) -> Estimate:
    """Measure customer satisfaction: the top-2-box share with a Wilson interval.

    Answers run from 1 to ``scale``; the two highest (4 and 5 on a 1–5 scale) count as
    satisfied (docs/methods.md: CSAT is the share of 4 and 5, not the mean). Interval: Wilson
    (1927) score interval.

    Parameters
    ----------
    scores : pandas.Series, polars Series, array or list
        Answers; missing values are ignored.
    scale : int, default 5
    alpha : float, default 0.05

    Returns
    -------
    Estimate
        ``value`` is a share in [0, 1]; ``n`` = answers.

    Examples
    --------
    >>> print(csat([5, 4, 4, 3, 1, 5, 2, 4]))
    0.625 (95% CI 0.306 to 0.863, n=8)
    """
    _check_alpha(alpha)
    _check_scale(scale, "CSAT")
    arr = _scores(scores, "CSAT", 1, scale)
    e = _estimate("proportion", (arr >= scale - 1).astype(float), alpha)
    return Estimate(e["value"], e["ci_low"], e["ci_high"], int(arr.size), alpha)


def ces(scores: Any, *, scale: int = 7, higher_is_better: bool = False, alpha: float = 0.05) -> CESEstimate:
    """Measure the Customer Effort Score: the mean answer with a Student t interval.

    Two conventions are in use and both are supported; the direction travels with the
    result and is printed with it:

    * ``higher_is_better=False`` (default; CES 1.0, Dixon, Freeman & Toman, HBR 2010, and the
      sample shop): "how much effort did it take?", 1 = very little, lower is better;
    * ``higher_is_better=True`` (CES 2.0, CEB/Gartner 2013): agreement with "the company
      made it easy", higher is better.

    Parameters
    ----------
    scores : pandas.Series, polars Series, array or list
        Answers from 1 to ``scale``; missing values are ignored.
    scale : int, default 7
    higher_is_better : bool, default False
    alpha : float, default 0.05

    Returns
    -------
    CESEstimate
        An :class:`~cxlib.Estimate` (mean, t interval, n) that also carries ``scale`` and
        ``higher_is_better``.

    Examples
    --------
    >>> print(ces([2, 3, 1, 4, 2, 2]))
    2.33 (95% CI 1.25 to 3.42, n=6; scale 1–7, lower is better)
    """
    _check_alpha(alpha)
    _check_scale(scale, "CES")
    arr = _scores(scores, "CES", 1, scale)
    e = _estimate("mean", arr, alpha)
    return CESEstimate(
        e["value"],
        e["ci_low"],
        e["ci_high"],
        int(arr.size),
        alpha,
        scale=int(scale),
        higher_is_better=bool(higher_is_better),
    )


def _scales(csat_scale: int, ces_scale: int) -> dict[str, tuple[int, int]]:
    """Score scale (low, high) of each survey metric, given the CSAT and CES scales."""
    return {"nps": (0, 10), "csat": (1, csat_scale), "ces": (1, ces_scale)}


def survey_cells(
    surveys: Frame,
    *,
    by: Sequence[str] = (),
    period: Period = "month",
    orders: Frame | None = None,
    csat_scale: int = 5,
    ces_scale: int = 7,
    totals: bool = True,
) -> pd.DataFrame:
    """NPS, CSAT and CES sufficient statistics per period and segment.

    Parameters
    ----------
    surveys : native frame
        Required columns: ``ts``, ``metric`` (``nps``, ``csat``, ``ces``), ``score``. The
        ``by`` columns, or ``order_id`` to take them from ``orders``.
    by : sequence of str
        Segment columns.
    period : {"week", "month", "quarter"} or None
    orders : native frame, optional
        Orders (``order_id`` plus the ``by`` columns) for segments the surveys lack.
    csat_scale, ces_scale : int
    totals : bool, default True

    Returns
    -------
    pandas.DataFrame
        :func:`cxlib.scorecard.cells.aggregate_cells` output for metrics ``nps`` (x = ±1/0),
        ``csat`` (x = top-2-box 0/1) and ``ces`` (x = score).

    Raises
    ------
    DataError
        A missing column, or scores outside their scale (rule ``out_of_scale``).
    """
    require_columns(surveys, ["ts", "metric", "score"], "surveys", purpose="survey metrics")
    _check_scale(csat_scale, "CSAT")
    _check_scale(ces_scale, "CES")
    scales = _scales(csat_scale, ces_scale)
    frame = attach_segments(as_lazy(surveys), by, "surveys", orders)
    metric = nw.col("metric").str.to_lowercase()
    score = nw.col("score").cast(nw.Float64)
    frame = frame.with_columns(
        (metric == "nps").alias("__is_nps"),
        (metric == "csat").alias("__is_csat"),
        (metric == "ces").alias("__is_ces"),
        score.alias("__score"),
        period_index("ts", period).alias(P),
    )
    s = nw.col("__score")
    frame = frame.with_columns(
        nw.when(nw.col("__is_nps"))
        .then((s >= 9).cast(nw.Float64) - (s <= 6).cast(nw.Float64))
        .alias("__nps"),
        nw.when(nw.col("__is_csat")).then((s >= csat_scale - 1).cast(nw.Float64)).alias("__csat"),
        nw.when(nw.col("__is_ces")).then(s).alias("__ces"),
        *[nw.when(nw.col(f"__is_{m}")).then(s).alias(f"__{m}_score") for m in scales],
    )
    extra = {}
    for m in scales:
        extra[f"{m}__min"] = nw.col(f"__{m}_score").min()
        extra[f"{m}__max"] = nw.col(f"__{m}_score").max()
    cells = aggregate_cells(frame, by, {m: f"__{m}" for m in scales}, totals=totals, extra=extra)
    for m, (low, high) in scales.items():
        lo, hi = cells[f"{m}__min"].min(), cells[f"{m}__max"].max()
        if (pd.notna(lo) and lo < low) or (pd.notna(hi) and hi > high):
            raise DataError(
                f"{m} scores must lie between {low} and {high}; found {lo:g} to {hi:g} "
                f"(set csat_scale / ces_scale if your survey uses another scale)",
                table="surveys",
                column="score",
                rule="out_of_scale",
            )
    return cells.drop(columns=list(extra))
