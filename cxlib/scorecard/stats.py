"""Intervals and tests computed from summary statistics (n, Σx, Σx²) of a scorecard cell.

Every scorecard metric is the mean of one value per unit (answer, order, customer, cart), or
a ratio of per-customer sums:

* ``"nps"``: x = +1 for a promoter (9–10), 0 for a passive, −1 for a detractor; the NPS is
  100·x̄ and Var(x) = Σx²/n − x̄² = p_P + p_D − (p_P − p_D)², the multinomial variance of
  docs/methods.md. Interval: normal approximation, clipped to [−100, 100].
* ``"proportion"``: x ∈ {0, 1}; Wilson score interval (Wilson 1927).
* ``"mean"``: any x; Student t interval with the sample standard deviation (n − 1).
* ``"ratio"``: Σyᵢ/Σxᵢ over clusters i — a per-order mean when one customer places several
  orders (AOV = revenue / orders). Orders of one customer are not independent, so the
  standard error is the delta-method (linearisation) variance of a ratio estimator with
  customers as clusters, se² = m/(m − 1) · Σ(yᵢ − R·xᵢ)² / (Σxᵢ)² (Cochran 1977, §6.4; the
  cluster-robust sandwich of a mean), and the interval is normal.

Means, variances and differences of two cells (period over period) come from the one
two-group core shared with the experiments, :mod:`cxlib.two_groups`: z with the summed NPS
(or ratio) variances, the unpooled two-proportion z test, or Welch's t test (Welch 1947).
Heterogeneity across k cells (channels) uses Cochran's Q for NPS and ratios (Cochran 1954),
Pearson's chi-square test of homogeneity for proportions, and Welch's one-way ANOVA for means
(Welch 1951).

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*JASA* 22(158), 209–212.
Welch, B. L. (1947). The generalization of "Student's" problem when several different
population variances are involved. *Biometrika* 34(1–2), 28–35.
Welch, B. L. (1951). On the comparison of several mean values: an alternative approach.
*Biometrika* 38(3–4), 330–336.
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., Wiley, ch. 6 (ratio estimators).
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57(1),
289–300 (used by :mod:`cxlib.scorecard.changes`).
Cochran, W. G. (1954). The combination of estimates from different experiments.
*Biometrics* 10(1), 101–129.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from cxlib.intervals import wilson_interval
from cxlib.two_groups import KINDS, Kind, difference, group_moments

__all__ = [
    "Heterogeneity",
    "Kind",
    "cell_estimates",
    "compare",
    "heterogeneity",
    "wilson_interval",
]


def _z(alpha: float) -> float:
    return float(stats.norm.ppf(1.0 - alpha / 2.0))


def cell_estimates(
    kind: Kind | np.ndarray,
    n: np.ndarray,
    total: np.ndarray,
    total_sq: np.ndarray,
    alpha: float = 0.05,
    *,
    clusters: np.ndarray | None = None,
    den_sum_sq: np.ndarray | None = None,
    cross_sum: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Value, standard error and confidence interval of cells from their sums.

    Parameters
    ----------
    kind : {"nps", "proportion", "mean", "ratio"} or array of them
        How to read the sums (see the module docstring); an array gives one kind per cell.
    n, total, total_sq : array_like
        Units, Σx and Σx² per cell. For ``"ratio"``: n = Σxᵢ (the denominator, e.g.
        orders), total = Σyᵢ and total_sq = Σyᵢ² over clusters i (e.g. customers).
    alpha : float, default 0.05
    clusters, den_sum_sq, cross_sum : array_like, optional
        For ``"ratio"`` cells: number of clusters m, Σxᵢ² and Σxᵢyᵢ.

    Returns
    -------
    dict of numpy.ndarray
        ``value`` (NPS in points, shares in [0, 1], means in the unit of x), ``se``,
        ``ci_low``, ``ci_high``. Cells with ``n == 0`` are NaN; a mean of one unit has a
        value but NaN interval.
    """
    n = np.asarray(n, dtype=float)
    total = np.asarray(total, dtype=float)
    kinds = np.broadcast_to(np.asarray(kind, dtype=object), n.shape)
    is_ratio = kinds == "ratio"
    if is_ratio.any():
        # A ratio cell's n is its denominator Σxᵢ; the core counts its clusters as units.
        units = np.where(is_ratio, np.asarray(clusters, dtype=float), n)
        mean, var_mean = group_moments(
            kinds, units, total, total_sq, den_sum=n, den_sum_sq=den_sum_sq, cross_sum=cross_sum
        )
    else:
        mean, var_mean = group_moments(kinds, n, total, total_sq)
    out = {key: np.full(n.shape, np.nan) for key in ("value", "se", "ci_low", "ci_high")}
    z = _z(alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(var_mean)
        normal = (kinds == "nps") | is_ratio
        scale = np.where(kinds == "nps", 100.0, 1.0)
        out["value"] = np.where(n > 0, scale * mean, np.nan)
        out["se"] = np.where(n > 0, scale * se, np.nan)
        low, high = scale * (mean - z * se), scale * (mean + z * se)
        is_nps = kinds == "nps"
        out["ci_low"][normal] = np.where(is_nps, np.clip(low, -100.0, 100.0), low)[normal]
        out["ci_high"][normal] = np.where(is_nps, np.clip(high, -100.0, 100.0), high)[normal]

        is_prop = kinds == "proportion"
        w_low, w_high = wilson_interval(total, n, alpha)
        out["ci_low"][is_prop] = w_low[is_prop]
        out["ci_high"][is_prop] = w_high[is_prop]

        is_mean = kinds == "mean"
        t = stats.t.ppf(1.0 - alpha / 2.0, np.where(n > 1, n - 1.0, np.nan))
        out["ci_low"][is_mean] = (mean - t * se)[is_mean]
        out["ci_high"][is_mean] = (mean + t * se)[is_mean]
    return out


TEST_NAMES: dict[str, str] = {
    "nps": "z (NPS multinomial variance)",
    "proportion": "two-proportion z (unpooled)",
    "mean": "Welch t",
    "ratio": "z (delta method, customers as clusters)",
}


def compare(
    kind: Kind | np.ndarray,
    n_a: np.ndarray,
    value_a: np.ndarray,
    se_a: np.ndarray,
    n_b: np.ndarray,
    value_b: np.ndarray,
    se_b: np.ndarray,
    alpha: float = 0.05,
) -> dict[str, np.ndarray]:
    """Difference ``b − a`` between independent cells, with its interval and test (vectorised).

    Parameters
    ----------
    kind : {"nps", "proportion", "mean", "ratio"} or array of them
        ``"nps"``: z test with Var(NPS_b − NPS_a) = se_a² + se_b² (the multinomial variances
        added, docs/methods.md). ``"proportion"``: two-proportion z test with the unpooled
        (Wald) standard error, the same as the interval's (so p < alpha exactly when the
        interval excludes 0; what the experiments use). ``"mean"``: Welch's t test (Welch
        1947) with Welch–Satterthwaite degrees of freedom. ``"ratio"``: z test with the
        summed delta-method variances. All computed by :func:`cxlib.two_groups.difference`.
    n_a, value_a, se_a, n_b, value_b, se_b : array_like
        The earlier (a) and later (b) cells as in the scorecard table (``se`` of a mean is
        s/√n; of a share √(p(1 − p)/n)).
    alpha : float, default 0.05

    Returns
    -------
    dict of numpy.ndarray
        ``difference``, ``ci_low``, ``ci_high``, ``statistic`` (z or t; NaN when neither
        cell varies), ``p_value`` (two-sided; 1 when neither cell varies and the values are
        equal, 0 when they differ) and ``test``
        (name, object array); 1-d even for scalar input.
    """
    n_a, v_a, se_a, n_b, v_b, se_b = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(x, dtype=float)) for x in (n_a, value_a, se_a, n_b, value_b, se_b))
    )
    kinds = np.broadcast_to(np.asarray(kind, dtype=object), v_a.shape)
    result = difference(kinds, n_a, v_a, se_a**2, n_b, v_b, se_b**2, alpha=alpha)
    return {
        "difference": result["estimate"],
        "ci_low": result["ci_low"],
        "ci_high": result["ci_high"],
        "statistic": result["statistic"],
        "p_value": result["p_value"],
        "test": np.array([TEST_NAMES[k] for k in kinds], dtype=object),
    }


@dataclass(frozen=True)
class Heterogeneity:
    """Test that k independent cells share one value.

    Attributes
    ----------
    statistic : float
        Cochran's Q (NPS), Pearson chi-square (proportions) or Welch's F (means).
    df : float
        Degrees of freedom (numerator df for Welch's F).
    df2 : float
        Denominator df of Welch's F; NaN for chi-square tests.
    p_value : float
        NaN when the cells show no variation at all.
    test : str
    """

    statistic: float
    df: float
    df2: float
    p_value: float
    test: str


def heterogeneity(kind: Kind, n: np.ndarray, value: np.ndarray, se: np.ndarray) -> Heterogeneity:
    """Heterogeneity test across k ≥ 2 independent cells given as arrays of n, value, se.

    Parameters
    ----------
    kind : {"nps", "proportion", "mean", "ratio"}
        ``"nps"`` and ``"ratio"``: Cochran's Q = Σ wᵢ(xᵢ − x̄_w)², wᵢ = 1/seᵢ², χ² with
        k − 1 df (cells without variance are left out).
        ``"proportion"``: Pearson's chi-square test of homogeneity of the 2 × k table.
        ``"mean"``: Welch's (1951) one-way ANOVA for unequal variances.
    n, value, se : array_like
        Per cell, as in the scorecard table.

    Returns
    -------
    Heterogeneity
    """
    n = np.asarray(n, dtype=float)
    value = np.asarray(value, dtype=float)
    se = np.asarray(se, dtype=float)
    if kind == "proportion":
        successes = value * n
        pooled = successes.sum() / n.sum() if len(n) >= 2 else np.nan
        if len(n) < 2 or pooled in (0.0, 1.0):
            return Heterogeneity(np.nan, len(n) - 1.0, np.nan, np.nan, "chi-square homogeneity")
        chi2 = float(np.sum((successes - n * pooled) ** 2 / (n * pooled * (1.0 - pooled))))
        df = len(n) - 1.0
        return Heterogeneity(chi2, df, np.nan, float(stats.chi2.sf(chi2, df)), "chi-square homogeneity")
    keep = se > 0
    if kind in ("nps", "ratio"):
        w = 1.0 / se[keep] ** 2
        k = int(keep.sum())
        if k < 2:
            return Heterogeneity(np.nan, k - 1.0, np.nan, np.nan, "Cochran's Q")
        pooled = np.sum(w * value[keep]) / w.sum()
        q = float(np.sum(w * (value[keep] - pooled) ** 2))
        return Heterogeneity(q, k - 1.0, np.nan, float(stats.chi2.sf(q, k - 1.0)), "Cochran's Q")
    if kind == "mean":
        n, value, se = n[keep], value[keep], se[keep]
        k = len(n)
        if k < 2:
            return Heterogeneity(np.nan, k - 1.0, np.nan, np.nan, "Welch ANOVA")
        w = 1.0 / se**2  # n / s²
        pooled = np.sum(w * value) / w.sum()
        tmp = float(np.sum((1.0 - w / w.sum()) ** 2 / (n - 1.0)))
        a = np.sum(w * (value - pooled) ** 2) / (k - 1.0)
        b = 1.0 + 2.0 * (k - 2.0) / (k**2 - 1.0) * tmp
        f = float(a / b)
        df2 = (k**2 - 1.0) / (3.0 * tmp)
        return Heterogeneity(f, k - 1.0, df2, float(stats.f.sf(f, k - 1.0, df2)), "Welch ANOVA")
    raise ValueError(f"unknown metric kind {kind!r}; expected one of {KINDS}")
