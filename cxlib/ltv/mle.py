"""Maximum-likelihood machinery shared by the lifetime-value models.

* :func:`collapse` turns a per-customer summary (any frame) into its distinct rows with
  weights, on the summary's own backend: customers with identical (frequency, recency, T)
  contribute identical likelihood terms, so millions of customers become far fewer rows.
* :func:`maximize` fits positive parameters on the log scale with BFGS and the models'
  analytic gradients (on large data first on a subsample), then takes Newton steps with a
  Hessian from finite differences of the analytic gradient, so the optimum is found to
  machine precision; it returns the covariance from the observed information (inverse
  negative Hessian at the optimum) and warns with :class:`FitWarning` when the fit did not
  converge.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
from scipy import optimize

from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.errors import DataError
from cxlib.ltv.summary import UNIT_DAYS

if TYPE_CHECKING:
    from cxlib.ltv.summary import RFMSummary

__all__ = ["FitWarning", "MLEResult", "check_rfm", "collapse", "maximize", "rfm_frame"]

#: Bounds of the log parameters (e^±30 covers any sensible time unit and scale).
LOG_BOUND = 30.0

LogLik = Callable[[np.ndarray], tuple[float, np.ndarray]]


class FitWarning(RuntimeWarning):
    """A model fit did not converge, hit a parameter bound, or has no usable standard errors."""


def rfm_frame(summary: RFMSummary | Frame) -> Frame:
    """Return the table inside an :class:`~cxlib.ltv.summary.RFMSummary` (or the frame itself).

    Parameters
    ----------
    summary : RFMSummary or frame

    Returns
    -------
    frame
    """
    return cast("Frame", getattr(summary, "table", summary))


def collapse(
    summary: RFMSummary | Frame,
    columns: Sequence[str],
    *,
    weights: str | None = None,
    purpose: str = "",
    where: nw.Expr | None = None,
) -> pd.DataFrame:
    """Distinct rows of ``columns`` with their total weight, computed on the summary's backend.

    Parameters
    ----------
    summary : frame or RFMSummary
        Per-customer summary (any supported frame).
    columns : sequence of str
        Columns defining identical rows.
    weights : str, optional
        Column of customer counts (for a summary that is already aggregated). Default: each
        row is one customer.
    purpose : str
        For error messages.
    where : narwhals expression, optional
        Keep only the rows where it is true (applied on the backend before grouping).

    Returns
    -------
    pandas.DataFrame
        ``columns`` plus ``weight`` (float64), sorted by ``columns``; rows of zero weight
        are dropped.
    """
    frame = rfm_frame(summary)
    need = list(columns) + ([weights] if weights else [])
    require_columns(frame, need, "rfm_summary", purpose=purpose)
    nw_frame = to_narwhals(frame)
    lazy = nw_frame.lazy() if isinstance(nw_frame, nw.DataFrame) else nw_frame
    exprs = [nw.col(c).fill_nan(None) for c in columns]
    if weights:
        lazy = lazy.select(*exprs, nw.col(weights).alias("__w"))
        agg = nw.col("__w").sum().alias("weight")
    else:
        lazy = lazy.select(*exprs)
        agg = nw.len().alias("weight")
    if where is not None:
        lazy = lazy.filter(where)
    # Sorted here rather than on the backend: a multi-key sort of the few grouped rows in
    # numpy is cheaper than the backend's, and the order is the same on every backend.
    out = to_pandas(lazy.group_by(*columns).agg(agg))
    out = out.iloc[np.lexsort([out[c].to_numpy() for c in reversed(columns)])].reset_index(drop=True)
    for c in columns:
        if out[c].isna().any():
            raise DataError(
                f"has missing values; {purpose or 'the model'} needs a value for every customer",
                table="rfm_summary",
                column=c,
                rule="missing_value",
                n_rows=int(out.loc[out[c].isna(), "weight"].sum()),
            )
        try:
            out[c] = out[c].astype("float64")
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"must be numeric, found {out[c].dtype}", table="rfm_summary", column=c, rule="type"
            ) from exc
    out["weight"] = out["weight"].astype("float64")
    if (out["weight"] < 0).any():
        raise DataError("has negative weights", table="rfm_summary", column=weights, rule="negative")
    return out[out["weight"] > 0].reset_index(drop=True)


def check_rfm(rows: pd.DataFrame) -> None:
    """Raise :class:`DataError` when collapsed (frequency, recency, T) rows break the model.

    Its assumptions: no negative or fractional frequency, negative recency, recency after T,
    or a recency without repeat purchases.

    Parameters
    ----------
    rows : pandas.DataFrame
        Collapsed ``frequency``, ``recency``, ``T`` rows.

    Returns
    -------
    None
    """
    if rows.empty:
        raise DataError("has no customers", table="rfm_summary", rule="empty")
    x, tx, T, w = (rows[c].to_numpy() for c in ("frequency", "recency", "T", "weight"))
    rules = [
        (
            (x < 0) | (x != np.round(x)),
            "frequency",
            "whole_number",
            "must be a whole number of repeat purchases, 0 or more",
        ),
        (tx < 0, "recency", "negative", "must not be negative"),
        (T < 0, "T", "negative", "must not be negative"),
        (
            tx > T + 1e-9,
            "recency",
            "recency_after_T",
            "must not exceed T (the last purchase cannot be after the end of the period)",
        ),
        (
            (x == 0) & (tx != 0),
            "recency",
            "recency_without_repeat",
            "must be 0 for customers without repeat purchases",
        ),
    ]
    for bad, column, rule, text in rules:
        if bad.any():
            examples = rows.loc[bad, ["frequency", "recency", "T"]].head(5).to_dict("records")
            raise DataError(
                text, table="rfm_summary", column=column, rule=rule, rows=examples, n_rows=int(w[bad].sum())
            )


@dataclass(frozen=True)
class MLEResult:
    """Outcome of :func:`maximize`."""

    params: np.ndarray
    cov: np.ndarray
    loglik: float
    converged: bool
    iterations: int
    message: str


def _hessian(
    fg: Callable[[np.ndarray], tuple[float, np.ndarray]], z: np.ndarray, g: np.ndarray, step: float = 1e-5
) -> np.ndarray:
    """Hessian of the objective by forward differences of its analytic gradient."""
    k = len(z)
    hess = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = step
        hess[:, j] = (fg(z + e)[1] - g) / step
    return (hess + hess.T) / 2


def _newton(
    fg: Callable[[np.ndarray], tuple[float, np.ndarray]], z: np.ndarray, value: float, g: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray, bool]:
    """Newton steps from near the optimum until the gradient vanishes.

    The Hessian is computed once at the start and once more at the end (for the standard
    errors and a last step). Returns the point, value, gradient, Hessian and whether the
    gradient vanished.
    """
    hess = _hessian(fg, z, g)
    for rounds in range(2):
        for _ in range(12):
            if np.max(np.abs(g)) < 1e-11:
                break
            try:
                step = np.linalg.solve(hess, -g)
            except np.linalg.LinAlgError:
                return z, value, g, hess, False
            if not np.all(np.isfinite(step)) or float(g @ step) >= 0:
                return z, value, g, hess, False
            new_value, new_g = fg(z + step)
            if not new_value <= value + 1e-14 * abs(value):
                return z, value, g, hess, False
            z, value, g = z + step, new_value, new_g
        if rounds == 0:
            hess = _hessian(fg, z, g)
    return z, value, g, hess, bool(np.max(np.abs(g)) < 1e-9)


def maximize(
    loglik: LogLik,
    start: Sequence[float],
    names: Sequence[str],
    *,
    n: float,
    model: str,
    max_iter: int = 500,
    warm: LogLik | None = None,
) -> MLEResult:
    """Maximise a log-likelihood over positive parameters.

    Parameters
    ----------
    loglik : callable
        ``loglik(theta) -> (value, gradient)`` in the natural parameters (all positive).
    start : sequence of float
        Starting values (positive).
    names : sequence of str
        Parameter names (for warnings).
    n : float
        Number of customers (the objective is scaled by 1/n).
    model : str
        Model name, for warnings.
    max_iter : int
        Iteration limit of BFGS.
    warm : callable, optional
        The log-likelihood of a subsample (scaled to the same size), optimised first to get
        a good starting point cheaply on large data.

    Returns
    -------
    MLEResult
        Estimates, covariance (inverse observed information in the natural parameters;
        NaN when the Hessian is not negative definite), log-likelihood, convergence flag.
    """
    fg = _objective(loglik, n)
    z = np.log(np.asarray(start, dtype=float))
    iterations = 0
    # BFGS rather than L-BFGS-B: with a handful of parameters its pure-numpy steps cost
    # microseconds, while L-BFGS-B's Fortran BLAS calls stall on a busy multi-core machine.
    if warm is not None:
        res = optimize.minimize(
            _objective(warm, n), z, jac=True, method="BFGS", options={"maxiter": max_iter, "gtol": 1e-6}
        )
    else:
        res = optimize.minimize(fg, z, jac=True, method="BFGS", options={"maxiter": max_iter, "gtol": 1e-7})
    z, iterations = res.x, int(res.nit)
    value, g = fg(z)
    z, value, g, hess, done = _newton(fg, z, value, g)
    if not done:  # far from the optimum (a poor warm start): BFGS on all the data, then Newton
        res = optimize.minimize(fg, z, jac=True, method="BFGS", options={"maxiter": max_iter, "gtol": 1e-7})
        iterations += int(res.nit)
        value, g = fg(res.x)
        z, value, g, hess, done = _newton(fg, res.x, value, g)
    theta = np.exp(np.clip(z, -LOG_BOUND, LOG_BOUND))
    problems = []
    at_bound = np.abs(z) > LOG_BOUND - 1e-6
    if at_bound.any():
        problems.append(
            "parameter(s) "
            + ", ".join(k for k, b in zip(names, at_bound, strict=True) if b)
            + " ran to a bound"
        )
    if not np.isfinite(value):
        problems.append("the log-likelihood is not finite at the estimate")
    if not np.max(np.abs(g)) < 1e-5:
        problems.append(f"the gradient is not zero at the estimate (max |g| = {np.max(np.abs(g)):.2g})")
    # Observed information in the natural parameters: H_theta = D^-1 (H_z - diag(g_z)) D^-1.
    hess_theta = (hess - np.diag(g)) / np.outer(theta, theta) * n
    cov = np.full((len(z), len(z)), np.nan)
    if np.all(np.isfinite(hess_theta)) and np.all(np.linalg.eigvalsh(hess_theta) > 0):
        cov = np.linalg.inv(hess_theta)
    else:
        problems.append("the Hessian is not positive definite, so there are no standard errors")
    message = "; ".join(problems) if problems else "converged"
    if problems:
        warnings.warn(f"{model} fit: {message}. Estimates may be unreliable.", FitWarning, stacklevel=3)
    return MLEResult(theta, cov, float(-value * n), not problems, iterations, message)


def _objective(loglik: LogLik, n: float) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """−loglik/n and its gradient in log parameters; outside ±LOG_BOUND a quadratic wall."""

    def fg(z: np.ndarray) -> tuple[float, np.ndarray]:
        inside = np.clip(z, -LOG_BOUND, LOG_BOUND)
        theta = np.exp(inside)
        with np.errstate(all="ignore"):
            value, grad = loglik(theta)
        if not np.isfinite(value) or not np.all(np.isfinite(grad)):
            return np.inf, np.zeros_like(z)
        excess = z - inside
        return -value / n + 0.5 * float(excess @ excess), -grad * theta / n + excess

    return fg


def subsample(n_rows: int, limit: int = 20_000) -> slice | None:
    """Every k-th row (k ≥ 2) so that about ``limit`` rows remain, or None for small data.

    Collapsed rows are sorted by their values, so the stride keeps the spread of the data;
    scaling the weights by k keeps the log-likelihood on the scale of the full data.
    """
    if n_rows <= 2 * limit:
        return None
    return slice(0, None, n_rows // limit)


def start_rate(frequency: np.ndarray, T: np.ndarray, weight: np.ndarray) -> float:
    """Guess a starting value for a rate scale parameter: total age / total repeat purchases."""
    purchases = dot(weight, frequency)
    exposure = dot(weight, T)
    return max(exposure / max(purchases, 1.0), 1e-3)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Return the ``q`` quantile of ``values`` repeated ``weights`` times (lower value at ties)."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, q * cum[-1])])


def model_unit(summary: RFMSummary | Frame, unit: str | None) -> str:
    """Return the time unit of a fit: given, else the RFMSummary's, else weeks."""
    chosen = unit or getattr(summary, "unit", None) or "W"
    if chosen not in UNIT_DAYS:
        raise ValueError(f"unit must be 'W' (weeks) or 'D' (days), got {chosen!r}")
    return chosen


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Inner product of two vectors without BLAS (whose threads stall on a busy machine)."""
    return float(np.einsum("i,i->", a, b))


def as_array(values: Any) -> np.ndarray:
    """Float array of a scalar, sequence or Series."""
    return np.asarray(values, dtype="float64")
