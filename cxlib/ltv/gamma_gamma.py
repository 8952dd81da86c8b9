"""The Gamma-Gamma model of spend per purchase (Fader & Hardie 2013), exact MLE.

Each purchase value z ~ Gamma(p, ν) (shape p, rate ν); across customers ν ~ Gamma(q, v).
For a customer with x repeat purchases of mean value m_x, the likelihood of the mean is
(Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"):

    ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m_x + px ln x
           − (px+q) ln(x m_x + v)

Terms in x only are summed once per distinct x, terms in m_x only once per fit; a likelihood
evaluation costs one logarithm per customer row. The gradient is analytic. The model assumes
spend is independent of purchase frequency; the fitted model reports their correlation.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import special

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import require_columns, to_pandas
from cxlib.errors import DataError
from cxlib.ltv.mle import FitWarning, as_array, collapse, dot, maximize, model_unit, rfm_frame, subsample
from cxlib.ltv.models import FittedModel
from cxlib.viz.formats import format_money

if TYPE_CHECKING:
    from cxlib.ltv.summary import RFMSummary

__all__ = ["GammaGammaModel", "fit_gamma_gamma", "gamma_gamma_loglik"]


class _Data:
    def __init__(self, x: np.ndarray, m: np.ndarray, w: np.ndarray) -> None:
        self.x, self.m, self.w = x, m, w
        self.n = float(w.sum())
        levels, inverse = np.unique(x, return_inverse=True)
        self.levels = levels
        self.level_w = np.bincount(inverse.ravel(), weights=w)
        log_m = np.log(m)
        self.sum_x_log_m = dot(w * x, log_m)
        self.sum_log_m = dot(w, log_m)
        self.sum_x_log_x = dot(w * x, np.log(x))
        self.wx = w * x


def gamma_gamma_loglik(theta: np.ndarray, data: _Data) -> tuple[float, np.ndarray]:
    """Log-likelihood of the Gamma-Gamma model and its gradient in (p, q, v).

    Parameters
    ----------
    theta : numpy.ndarray
        Parameters (p, q, v).
    data : _Data
        Collapsed customer rows with weights.

    Returns
    -------
    loglik : float
    gradient : numpy.ndarray
    """
    p, q, v = (float(t) for t in theta)
    lv, lw = data.levels, data.level_w
    pxq, px = p * lv + q, p * lv
    ll = dot(lw, (special.gammaln(pxq) - special.gammaln(px)))
    ll += data.n * (q * np.log(v) - special.gammaln(q))
    ll += p * data.sum_x_log_m - data.sum_log_m + p * data.sum_x_log_x
    log_xmv = np.log(data.x * data.m + v)
    ll -= p * dot(data.wx, log_xmv) + q * dot(data.w, log_xmv)
    dig_pxq = special.digamma(pxq)
    g_p = (
        dot(lw * lv, (dig_pxq - special.digamma(px)))
        + data.sum_x_log_m
        + data.sum_x_log_x
        - dot(data.wx, log_xmv)
    )
    g_q = dot(lw, dig_pxq) - data.n * special.digamma(q) + data.n * np.log(v) - dot(data.w, log_xmv)
    inv = 1.0 / (data.x * data.m + v)
    g_v = data.n * q / v - p * dot(data.wx, inv) - q * dot(data.w, inv)
    return ll, np.array([g_p, g_q, g_v])


@dataclass(frozen=True)
class GammaGammaModel(FittedModel):
    """A fitted Gamma-Gamma spend model (:func:`fit_gamma_gamma`); ``params`` has ``p``, ``q``, ``v``.

    Attributes
    ----------
    frequency_value_correlation : float
        Pearson correlation of frequency and mean spend among the customers fitted; the model
        assumes they are independent (near 0 is reassuring).
    currency : str
        Label of the spend amounts (the summary's currency).
    """

    frequency_value_correlation: float = float("nan")
    currency: str = ""

    NAME = "Gamma-Gamma"
    PARAMS = ("p", "q", "v")

    @property
    def mean_value(self) -> float:
        """Population mean spend per purchase, p·v/(q−1) (infinite for q ≤ 1)."""
        p, q, v = self.theta
        return float(p * v / (q - 1.0)) if q > 1 else float("inf")

    def expected_value(self, frequency: Any, monetary_value: Any) -> np.ndarray:
        """E[Z | x, m_x] = p(v + x·m_x)/(px + q − 1): expected spend of a customer's next purchases.

        A weighted mean of the population mean and the customer's own mean (Fader & Hardie
        2013); customers without repeat purchases get the population mean.
        """
        p, q, v = self.theta
        x, m = np.broadcast_arrays(as_array(frequency), as_array(monetary_value))
        m = np.where(x > 0, m, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = p * (v + x * m) / (p * x + q - 1.0)
        return np.where(p * x + q - 1.0 > 0, out, np.inf)

    def predict(self, summary: RFMSummary | Frame) -> pd.DataFrame:
        """Per-customer expected spend per purchase.

        Parameters
        ----------
        summary : RFMSummary or frame
            Required columns: ``customer_id``, ``frequency``, ``monetary_value``.

        Returns
        -------
        pandas.DataFrame
            ``customer_id`` (str), ``frequency`` (int64), ``monetary_value``,
            ``expected_value`` (float64), in the summary's row order.
        """
        frame = rfm_frame(summary)
        require_columns(
            frame,
            ["customer_id", "frequency", "monetary_value"],
            "rfm_summary",
            purpose="Gamma-Gamma predictions",
        )
        df = to_pandas(frame)
        x = df["frequency"].to_numpy(dtype="float64")
        m = df["monetary_value"].to_numpy(dtype="float64")
        return pd.DataFrame(
            {
                "customer_id": df["customer_id"].astype("str").to_numpy(),
                "frequency": x.astype("int64"),
                "monetary_value": m,
                "expected_value": self.expected_value(x, m),
            }
        )

    def figure(self, max_frequency: int = 10) -> go.Figure:
        """How much a customer's own mean spend counts, by number of repeat purchases.

        The expected spend is w·m_x + (1−w)·population mean with
        w = px/(px + q − 1) (Fader & Hardie 2013).
        """
        p, q, _ = self.theta
        x = np.arange(1, max_frequency + 1)
        df = pd.DataFrame({"repeat purchases": x, "weight": p * x / (p * x + q - 1.0)})
        return viz.line(
            df,
            "repeat purchases",
            "weight",
            percent=True,
            markers=True,
            title="Weight of a customer's own mean spend in the expected spend",
            labels={"repeat purchases": "Repeat purchases", "weight": "Weight of own mean"},
        )

    def summary(self) -> list[str]:
        """Describe the fitted parameters in words."""
        out = [
            f"Gamma-Gamma fitted on {self.n:,} returning customers: {self._param_text()}; "
            f"population mean spend per purchase {format_money(self.mean_value, self.currency)}.",
        ]
        if np.isfinite(self.frequency_value_correlation):
            out.append(
                f"Correlation of purchase frequency and mean spend: {self.frequency_value_correlation:.2f} "
                "(the model assumes none)."
            )
        return out


def fit_gamma_gamma(
    summary: RFMSummary | Frame, *, unit: str | None = None, weights: str | None = None, max_iter: int = 500
) -> GammaGammaModel:
    """Fit the Gamma-Gamma spend model by maximum likelihood on returning customers.

    Parameters
    ----------
    summary : RFMSummary or frame
        Required columns: ``frequency``, ``monetary_value`` (mean value of the repeat
        purchases, as from :func:`~cxlib.ltv.rfm_summary`). Customers with frequency 0 are
        left out (they have no repeat spend).
    unit : {"W", "D"}, optional
        Recorded on the model (spend has no time unit).
    weights : str, optional
        Column with the number of customers per row.
    max_iter : int, default 500

    Returns
    -------
    GammaGammaModel
        With the summary's currency (an :class:`~cxlib.ltv.RFMSummary` made with ``currency=``).

    Raises
    ------
    DataError
        A returning customer has a monetary value of 0 or less, or none are returning.

    Warns
    -----
    FitWarning
        When the fit does not converge, or q ≤ 1 (infinite mean spend).

    Notes
    -----
    Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://www.brucehardie.com/notes/025/. On CDNOW (946 returning customers) the
    estimates are p = 6.25, q = 3.74, v = 15.44 as published.

    Examples
    --------
    >>> spend = fit_gamma_gamma(rfm_summary(shop.orders))  # doctest: +SKIP
    >>> spend.mean_value  # doctest: +SKIP
    """
    rows = collapse(
        summary,
        ["frequency", "monetary_value"],
        weights=weights,
        purpose="the Gamma-Gamma model",
        where=nw.col("frequency") > 0,
    )
    if rows.empty:
        raise DataError(
            "has no customers with repeat purchases; the Gamma-Gamma model needs some",
            table="rfm_summary",
            column="frequency",
            rule="no_repeat_purchases",
        )
    bad = rows["monetary_value"] <= 0
    if bad.any():
        raise DataError(
            "must be positive for customers with repeat purchases",
            table="rfm_summary",
            column="monetary_value",
            rule="not_positive",
            rows=rows.loc[bad, ["frequency", "monetary_value"]].head(5).to_dict("records"),
            n_rows=int(rows.loc[bad, "weight"].sum()),
        )
    x, m, w = (rows[c].to_numpy() for c in ("frequency", "monetary_value", "weight"))
    data = _Data(x, m, w)
    mean = dot(w, m) / data.n
    start = [1.0, 2.0, mean]
    sub = subsample(len(x))
    warm = None
    if sub is not None:
        part = _Data(x[sub], m[sub], w[sub] * (data.n / w[sub].sum()))
        warm = lambda th: gamma_gamma_loglik(th, part)  # noqa: E731
    res = maximize(
        lambda th: gamma_gamma_loglik(th, data),
        start,
        GammaGammaModel.PARAMS,
        n=data.n,
        model="Gamma-Gamma",
        max_iter=max_iter,
        warm=warm,
    )
    corr = _weighted_corr(x, m, w)
    model = GammaGammaModel._from_mle(
        res,
        n=round(data.n),
        unit=model_unit(summary, unit),
        frequency_value_correlation=corr,
        currency=str(getattr(summary, "currency", "") or ""),
    )
    if model.params["q"] <= 1:
        warnings.warn(
            "Gamma-Gamma fit: q ≤ 1, so the mean spend is infinite; expected values of "
            "customers without repeat purchases are infinite.",
            FitWarning,
            stacklevel=2,
        )
    return model


def _weighted_corr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    if len(x) < 2:
        return float("nan")
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    cov = np.average((x - mx) * (y - my), weights=w)
    sx, sy = np.sqrt(np.average((x - mx) ** 2, weights=w)), np.sqrt(np.average((y - my) ** 2, weights=w))
    return float(cov / (sx * sy)) if sx > 0 and sy > 0 else float("nan")
