"""Treatment effects and their standard errors from sufficient statistics.

Arm moments, differences and Welch degrees of freedom come from the two-group core shared
with the scorecard (:mod:`cxlib.two_groups`); this module pairs variants with the control
and adds CUPED.

Vectorised over rows (metrics × variants × segments × periods), so the whole analysis of an
experiment is a handful of numpy operations on the small summary table.

Formulas
--------
* Mean of unit outcomes: Ȳ = Σy/n, s² = (Σy² − (Σy)²/n)/(n − 1); Var(Ȳ) = s²/n. For a
  proportion the variance is p(1 − p)/n (the Wald form statsmodels' ``method="wald"`` uses).
* Ratio metric R = Σx/Σy (delta method; Deng, Knoblich & Lu, KDD 2018, §3):
  Var(R) ≈ (s_x² − 2R s_xy + R² s_y²)/(n ȳ²).
* Absolute effect Ȳ_T − Ȳ_C with Var = Var(Ȳ_T) + Var(Ȳ_C); Welch–Satterthwaite degrees of
  freedom for mean metrics, a normal reference otherwise.
* Relative effect Ȳ_T/Ȳ_C − 1 by the delta method (Deng, Knoblich & Lu 2018):
  Var ≈ Var(Ȳ_T)/Ȳ_C² + Ȳ_T² Var(Ȳ_C)/Ȳ_C⁴.
* CUPED (Deng, Xu, Kohavi & Walker, WSDM 2013): Y_cv = Y − θ(X − X̄) with
  θ = Cov(Y, X)/Var(X) computed on both arms pooled and X̄ the pooled covariate mean; the
  adjusted arm mean is Ȳ_k − θ(X̄_k − X̄) and its unit variance s_y² − 2θ s_xy + θ² s_x²
  (within the arm). The variance shrinks by about ρ².
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlib.errors import DataError
from cxlib.two_groups import effect, group_moments, sample_cov, sample_var, welch_df

__all__ = ["arm_moments", "effects"]


def _col(t: pd.DataFrame, name: str) -> np.ndarray:
    return t[name].to_numpy(dtype="float64", na_value=np.nan)


def arm_moments(
    t: pd.DataFrame, suffix: str = "", *, sample_variance: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Mean (or ratio) of each row and the variance of that mean, without CUPED.

    Parameters
    ----------
    t : pandas.DataFrame
        Summary rows with ``kind`` and the statistic columns (each name + ``suffix``).
    suffix : str
        Column suffix, e.g. ``"_c"`` for control columns of a pair table.
    sample_variance : bool, default False
        Use s²/n for proportions too (instead of p(1 − p)/n); CUPED's comparisons use it.

    Returns
    -------
    mean, var_mean : numpy.ndarray
    """
    ratio = t["kind"].to_numpy() == "ratio"
    extra = (
        {
            "den_sum": _col(t, "den_sum" + suffix),
            "den_sum_sq": _col(t, "den_sum_sq" + suffix),
            "cross_sum": _col(t, "cross_sum" + suffix),
        }
        if ratio.any()
        else {}
    )
    mean, var_mean = group_moments(
        t["kind"].to_numpy(),
        _col(t, "n" + suffix),
        _col(t, "sum" + suffix),
        _col(t, "sum_sq" + suffix),
        sample_variance=sample_variance,
        **extra,
    )
    return mean, var_mean


def _cuped_arms(p: pd.DataFrame) -> dict[str, np.ndarray]:
    """θ pooled over both arms, adjusted means and variances of the adjusted means."""
    n_c, n_t = _col(p, "n_c"), _col(p, "n_t")
    y_c, y_t = _col(p, "sum_c"), _col(p, "sum_t")
    yy_c, yy_t = _col(p, "sum_sq_c"), _col(p, "sum_sq_t")
    x_c, x_t = _col(p, "pre_sum_c"), _col(p, "pre_sum_t")
    xx_c, xx_t = _col(p, "pre_sum_sq_c"), _col(p, "pre_sum_sq_t")
    xy_c, xy_t = _col(p, "pre_cross_sum_c"), _col(p, "pre_cross_sum_t")
    n = n_c + n_t
    with np.errstate(divide="ignore", invalid="ignore"):
        var_x_pooled = sample_var(n, x_c + x_t, xx_c + xx_t)
        cov_pooled = sample_cov(n, y_c + y_t, x_c + x_t, xy_c + xy_t)
        theta = np.where(var_x_pooled > 0, cov_pooled / var_x_pooled, 0.0)
        x_bar = (x_c + x_t) / n
        out: dict[str, np.ndarray] = {"theta": theta}
        for arm, nn, y, yy, x, xx, xy in (
            ("c", n_c, y_c, yy_c, x_c, xx_c, xy_c),
            ("t", n_t, y_t, yy_t, x_t, xx_t, xy_t),
        ):
            unit_var = (
                sample_var(nn, y, yy)
                - 2.0 * theta * sample_cov(nn, y, x, xy)
                + theta**2 * sample_var(nn, x, xx)
            )
            out[f"mean_{arm}"] = y / nn - theta * (x / nn - x_bar)
            out[f"var_mean_{arm}"] = np.maximum(unit_var, 0.0) / nn
    return out


def effects(
    table: pd.DataFrame, control: str, *, keys: Sequence[str] = (), relative: bool = True, cuped: bool = False
) -> pd.DataFrame:
    """Every variant against the control, for every metric (and segment/period key).

    Parameters
    ----------
    table : pandas.DataFrame
        Summary table (:attr:`ExperimentSummary.table`).
    control : str
        Control variant.
    keys : sequence of str
        Extra grouping columns of the summary (segments, periods).
    relative : bool, default True
        Relative lift (T/C − 1) instead of the absolute difference.
    cuped : bool, default False
        Adjust proportion and mean metrics that carry covariate statistics.

    Returns
    -------
    pandas.DataFrame
        One row per keys × metric × variant: ``metric, kind, higher_is_better, variant,
        control, n_control, n_variant, control_mean, variant_mean, estimate, se, df``
        (``inf`` for a normal reference), ``cuped`` (bool), ``theta``,
        ``variance_reduction`` (1 − Var_CUPED/Var_plain of the estimate), plus the raw
        ``sum_control``/``sum_variant``.
    """
    variants = table["variant"].astype(str)
    if control not in set(variants):
        raise DataError(
            f"has no variant {control!r} to use as control; variants found: "
            f"{', '.join(sorted(set(variants)))}",
            table="experiments",
            column="variant",
            rule="unknown_control",
        )
    if variants.nunique() < 2:
        raise DataError(
            "has only one variant; an experiment needs a control and at least one other variant",
            table="experiments",
            column="variant",
            rule="single_variant",
        )
    on = [*keys, "metric"]
    c = table[variants == control]
    t = table[variants != control]
    p = t.merge(
        c.drop(columns=["kind", "higher_is_better", "covariate"]), on=on, how="left", suffixes=("_t", "_c")
    )
    p = p.rename(columns={"variant_t": "variant"})
    mean_c, vm_c = arm_moments(p, "_c")
    mean_t, vm_t = arm_moments(p, "_t")
    n_c, n_t = _col(p, "n_c"), _col(p, "n_t")
    kind = p["kind"].to_numpy()
    df = (
        np.where(kind == "mean", welch_df(vm_c, n_c, vm_t, n_t), np.inf)
        if not relative
        else np.full(len(p), np.inf)
    )
    est, se = effect(mean_c, vm_c, mean_t, vm_t, relative)

    has_cov = (kind != "ratio") & ~np.isnan(_col(p, "pre_sum_c")) & ~np.isnan(_col(p, "pre_sum_t"))
    if cuped and not has_cov.any():
        raise DataError(
            "CUPED needs a pre-period covariate: summarise with covariate='pre_revenue' (or your column)",
            table="experiments",
            column="covariate",
            rule="missing_covariate",
        )
    use = has_cov if cuped else np.zeros(len(p), dtype=bool)
    theta = np.full(len(p), np.nan)
    reduction = np.full(len(p), np.nan)
    if use.any():
        adj = _cuped_arms(p)
        est_a, se_a = effect(adj["mean_c"], adj["var_mean_c"], adj["mean_t"], adj["var_mean_t"], relative)
        plain_c = arm_moments(p, "_c", sample_variance=True)
        plain_t = arm_moments(p, "_t", sample_variance=True)
        _, se_plain = effect(plain_c[0], plain_c[1], plain_t[0], plain_t[1], relative)
        df_a = welch_df(adj["var_mean_c"], n_c, adj["var_mean_t"], n_t)
        est = np.where(use, est_a, est)
        se = np.where(use, se_a, se)
        if not relative:
            df = np.where(use & (kind == "mean"), df_a, df)
        theta = np.where(use, adj["theta"], np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            reduction = np.where(use, 1.0 - se_a**2 / se_plain**2, np.nan)

    out = p[[*keys, "metric", "kind", "higher_is_better", "variant"]].copy()
    out.insert(len(keys) + 4, "control", control)
    out["n_control"] = p["n_c"].astype("Int64") if p["n_c"].isna().any() else p["n_c"].astype("int64")
    out["n_variant"] = p["n_t"].astype("int64")
    out["control_mean"] = mean_c
    out["variant_mean"] = mean_t
    out["estimate"] = est
    out["se"] = se
    out["df"] = df
    out["cuped"] = use
    out["theta"] = theta
    out["variance_reduction"] = reduction
    out["sum_control"] = _col(p, "sum_c")
    out["sum_variant"] = _col(p, "sum_t")
    return out.reset_index(drop=True)
