"""Two independent groups from sufficient statistics: mean, difference, interval and test.

The one core behind the scorecard's period-over-period changes
(:mod:`cxlib.scorecard.stats`) and the experiments' variant-versus-control effects
(:mod:`cxlib.experiments.moments`), so the same data never give two answers. Everything is
vectorised over rows of numpy arrays.

Group moments (n units, Σy, Σy²; for a ratio also Σx, Σx², Σxy over the same units):

* ``"mean"``: Ȳ = Σy/n, s² = (Σy² − (Σy)²/n)/(n − 1), Var(Ȳ) = s²/n.
* ``"proportion"``: y ∈ {0, 1}; Var(p̂) = p̂(1 − p̂)/n (Wald), or s²/n on request.
* ``"nps"``: y ∈ {−1, 0, 1}; Var(Ȳ) = (Σy²/n − Ȳ²)/n = (p_P + p_D − (p_P − p_D)²)/n, the
  multinomial variance of the NPS (NPS = 100·Ȳ).
* ``"ratio"``: R = Σy/Σx with units as clusters (revenue per order, customers placing several
  orders); delta method Var(R) = (s_y² − 2R s_xy + R² s_x²)/(n x̄²) (Deng, Knoblich & Lu
  2018, §3), which equals m/(m − 1)·Σ(yᵢ − R xᵢ)²/(Σxᵢ)² (Cochran 1977, §6.4) with m = n.

Difference of group b against group a (b − a, or b/a − 1 with ``relative``): the variances
add, Var(Ȳ_b − Ȳ_a) = Var(Ȳ_a) + Var(Ȳ_b); a relative difference uses the delta method
Var ≈ Var(Ȳ_b)/Ȳ_a² + Ȳ_b² Var(Ȳ_a)/Ȳ_a⁴. Means use Welch's t with Welch–Satterthwaite
degrees of freedom (Welch 1947); everything else (shares, NPS, ratios, relative
differences) a normal reference. Shares use the unpooled (Wald) standard error for the
test as for the interval, so p < α exactly when the interval excludes 0.

References
----------
Welch, B. L. (1947). The generalization of "Student's" problem when several different
population variances are involved. *Biometrika* 34(1–2), 28–35.
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., Wiley, ch. 6 (ratio estimators).
Deng, A., Knoblich, U. & Lu, J. (2018). Applying the delta method in metric analytics.
*KDD 2018*, 233–242.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import stats

__all__ = [
    "KINDS",
    "Kind",
    "difference",
    "effect",
    "group_moments",
    "interval",
    "p_value",
    "sample_cov",
    "sample_var",
    "welch_df",
]

Kind = Literal["nps", "proportion", "mean", "ratio"]
KINDS: tuple[str, ...] = ("nps", "proportion", "mean", "ratio")


def _floats(value: object) -> np.ndarray:
    return np.asarray(value, dtype="float64")


def _check_kinds(kinds: np.ndarray) -> None:
    unknown = ~np.isin(kinds, KINDS)
    if unknown.any():
        raise ValueError(f"unknown metric kind(s): {sorted(set(kinds[unknown]))}; expected one of {KINDS}")


def sample_var(n: np.ndarray, total: np.ndarray, total_sq: np.ndarray) -> np.ndarray:
    """Sample variance (divisor n − 1) from n, Σy and Σy² (NaN for n < 2).

    Parameters
    ----------
    n, total, total_sq : numpy.ndarray

    Returns
    -------
    numpy.ndarray
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(total_sq - total * total / n, 0.0) / (n - 1.0)


def sample_cov(n: np.ndarray, total_a: np.ndarray, total_b: np.ndarray, cross: np.ndarray) -> np.ndarray:
    """Sample covariance (divisor n − 1) from n, Σa, Σb and Σab.

    Parameters
    ----------
    n, total_a, total_b, cross : numpy.ndarray

    Returns
    -------
    numpy.ndarray
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return (cross - total_a * total_b / n) / (n - 1.0)


def group_moments(
    kind: Kind | np.ndarray,
    n: np.ndarray,
    total: np.ndarray,
    total_sq: np.ndarray,
    *,
    den_sum: np.ndarray | None = None,
    den_sum_sq: np.ndarray | None = None,
    cross_sum: np.ndarray | None = None,
    sample_variance: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean (or ratio) of each group and the variance of that mean.

    Parameters
    ----------
    kind : {"nps", "proportion", "mean", "ratio"} or array of them
        One kind for all rows, or one per row.
    n : array_like
        Units per group (for a ratio: clusters, e.g. customers).
    total, total_sq : array_like
        Σy and Σy² over the units (for a ratio: of the numerator).
    den_sum, den_sum_sq, cross_sum : array_like, optional
        Ratio rows only: Σx, Σx² and Σxy of the denominator.
    sample_variance : bool, default False
        Use s²/n for proportions too (instead of p̂(1 − p̂)/n).

    Returns
    -------
    mean, var_mean : numpy.ndarray
        NaN where a group has no units; ``var_mean`` NaN where it cannot be estimated.
    """
    n, total, total_sq = _floats(n), _floats(total), _floats(total_sq)
    kinds = np.broadcast_to(np.asarray(kind, dtype=object), n.shape)
    _check_kinds(kinds)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, total / n, np.nan)
        unit_var = sample_var(n, total, total_sq)
        if not sample_variance:
            unit_var = np.where(kinds == "proportion", mean * (1.0 - mean), unit_var)
        unit_var = np.where(kinds == "nps", np.maximum(total_sq / n - mean**2, 0.0), unit_var)
        var_mean = unit_var / n
        ratio = kinds == "ratio"
        if ratio.any():
            d, dd, xd = _floats(den_sum), _floats(den_sum_sq), _floats(cross_sum)
            r = total / d
            resid_var = np.maximum(
                unit_var - 2.0 * r * sample_cov(n, total, d, xd) + r * r * sample_var(n, d, dd), 0.0
            )
            var_r = resid_var / (n * (d / n) ** 2)
            mean = np.where(ratio, r, mean)
            var_mean = np.where(ratio, var_r, var_mean)
    return mean, var_mean


def effect(
    mean_a: np.ndarray, var_a: np.ndarray, mean_b: np.ndarray, var_b: np.ndarray, relative: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Difference b − a (or b/a − 1) and its standard error.

    Parameters
    ----------
    mean_a, var_a, mean_b, var_b : numpy.ndarray
        Group means and variances of the means (:func:`group_moments`).
    relative : bool, default False
        Relative difference by the delta method.

    Returns
    -------
    estimate, se : numpy.ndarray
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if relative:
            est = mean_b / mean_a - 1.0
            var = var_b / mean_a**2 + mean_b**2 * var_a / mean_a**4
        else:
            est = mean_b - mean_a
            var = var_a + var_b
    return est, np.sqrt(var)


def welch_df(var_a: np.ndarray, n_a: np.ndarray, var_b: np.ndarray, n_b: np.ndarray) -> np.ndarray:
    """Welch–Satterthwaite degrees of freedom from the variances of the two means.

    Parameters
    ----------
    var_a, n_a, var_b, n_b : numpy.ndarray

    Returns
    -------
    numpy.ndarray
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return (var_a + var_b) ** 2 / (var_a**2 / (n_a - 1.0) + var_b**2 / (n_b - 1.0))


def interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided ``1 − alpha`` interval: estimate ± t_{1−α/2, df}·se (normal where df is inf).

    A difference without spread (``se == 0``) has the interval [estimate, estimate].

    Parameters
    ----------
    estimate, se, df : numpy.ndarray
    alpha : float

    Returns
    -------
    low, high : numpy.ndarray
    """
    q = stats.t.ppf(1.0 - alpha / 2.0, _floats(df))
    half = np.where(se == 0.0, 0.0, q * se)
    return estimate - half, estimate + half


def p_value(estimate: np.ndarray, se: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Two-sided p-value of H0: difference = 0 (t with ``df``, normal where df is inf).

    Without spread (``se == 0``): 1 for a zero difference (no evidence at all, e.g. no
    conversions in either group), 0 for any other.

    Parameters
    ----------
    estimate, se, df : numpy.ndarray

    Returns
    -------
    numpy.ndarray
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.abs(estimate / se)
    p = 2.0 * stats.t.sf(t, _floats(df))
    return np.where(se == 0, np.where(estimate == 0, 1.0, 0.0), p)


def difference(
    kind: Kind | np.ndarray,
    n_a: np.ndarray,
    mean_a: np.ndarray,
    var_a: np.ndarray,
    n_b: np.ndarray,
    mean_b: np.ndarray,
    var_b: np.ndarray,
    *,
    alpha: float = 0.05,
    relative: bool = False,
) -> dict[str, np.ndarray]:
    """Group b against group a: difference, standard error, interval and test (vectorised).

    Parameters
    ----------
    kind : {"nps", "proportion", "mean", "ratio"} or array of them
        ``"mean"`` rows use Welch's t (absolute differences), all others a z test.
    n_a, mean_a, var_a, n_b, mean_b, var_b : array_like
        Units, mean and variance of the mean of each group (:func:`group_moments`).
    alpha : float, default 0.05
    relative : bool, default False
        b/a − 1 (delta method, normal reference) instead of b − a.

    Returns
    -------
    dict of numpy.ndarray
        ``estimate``, ``se``, ``df`` (inf for a normal reference), ``ci_low``, ``ci_high``,
        ``statistic`` (NaN without spread) and ``p_value`` (two-sided); 1-d even for
        scalar input.
    """
    n_a, m_a, v_a, n_b, m_b, v_b = np.broadcast_arrays(
        *(np.atleast_1d(_floats(x)) for x in (n_a, mean_a, var_a, n_b, mean_b, var_b))
    )
    kinds = np.broadcast_to(np.asarray(kind, dtype=object), m_a.shape)
    _check_kinds(kinds)
    est, se = effect(m_a, v_a, m_b, v_b, relative)
    welch = (kinds == "mean") & (not relative)
    df = np.where(welch, welch_df(v_a, n_a, v_b, n_b), np.inf)
    low, high = interval(est, se, df, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(se > 0, est / se, np.nan)
    return {
        "estimate": est,
        "se": se,
        "df": df,
        "ci_low": low,
        "ci_high": high,
        "statistic": statistic,
        "p_value": p_value(est, se, df),
    }
