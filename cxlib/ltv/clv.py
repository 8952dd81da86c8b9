"""Customer lifetime value: expected discounted margin per customer over a horizon.

CLV of a customer over H months, with monthly discount rate d (the approach of the
``lifetimes`` package and of Fader, Hardie & Lee 2005, "RFM and CLV", discretised by month):

    CLV = margin · E[spend per purchase] · Σ_{k=1..H} (E[Y(k·M)] − E[Y((k−1)·M)]) / (1+d)^k

where E[Y(t)] is the purchase model's conditional expected number of purchases in the next
t units (BG/NBD or Pareto/NBD), M = 365.25/12 days is one month in the model's unit, and
E[spend] is the Gamma-Gamma conditional expectation. Purchases within month k are discounted
as if they happened at its end. An annual rate R corresponds to d = (1+R)^(1/12) − 1.

Intervals: delta method on the log parameters of both models (fitted independently, so their
covariances form a block-diagonal matrix), symmetric on the log scale. They show how well
the *population parameters* are known, not how much one customer's future varies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import require_columns, to_pandas
from cxlib.estimate import Estimate
from cxlib.ltv.breakdown import DECILE, CLVBreakdown, total_figure
from cxlib.ltv.checks import ACTIVITY, INTERVAL, VALUE
from cxlib.ltv.gamma_gamma import GammaGammaModel
from cxlib.ltv.mle import rfm_frame
from cxlib.ltv.models import TransactionModel
from cxlib.ltv.summary import UNIT_DAYS
from cxlib.privacy import suppress_small
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import format_count, format_interval, format_money, format_percent

if TYPE_CHECKING:
    from cxlib.ltv.checks import Flag
    from cxlib.ltv.summary import RFMSummary

__all__ = ["DAYS_PER_MONTH", "CLVResult", "clv", "discounted_purchases"]

#: Days in the average month; months of CLV horizons are this long.
DAYS_PER_MONTH = 365.25 / 12
_LOG_STEP = 1e-4


def discounted_purchases(
    model: TransactionModel,
    frequency: Any,
    recency: Any,
    T: Any,
    *,
    horizon_months: int,
    discount_rate: float,
) -> np.ndarray:
    """Σ_k (E[Y(k·M)] − E[Y((k−1)·M)]) / (1+d)^k: expected purchases, discounted by month.

    Parameters
    ----------
    model : TransactionModel
        Fitted BG/NBD or Pareto/NBD model.
    frequency, recency, T : array_like
        Customer histories (1-D, same length), in the model's unit.
    horizon_months : int
        Number of months H.
    discount_rate : float
        Monthly discount rate d.

    Returns
    -------
    numpy.ndarray
        One value per customer.
    """
    month = DAYS_PER_MONTH / UNIT_DAYS[model.unit]
    x, tx, T = (np.asarray(v, dtype="float64")[:, None] for v in (frequency, recency, T))
    t = month * np.arange(1, horizon_months + 1, dtype="float64")[None, :]
    cumulative = model.expected_purchases(t, x, tx, T)
    increments = np.diff(cumulative, axis=1, prepend=0.0)
    factors = (1.0 + discount_rate) ** -np.arange(1, horizon_months + 1, dtype="float64")
    return increments @ factors


def _log_cov(model: Any) -> np.ndarray:
    theta = model.theta
    return np.asarray(model.cov) / np.outer(theta, theta)


@dataclass(frozen=True)
class CLVResult(ResultBase):
    """Per-customer lifetime value (see :func:`clv`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per customer: ``customer_id`` (str), ``frequency`` (int64), ``recency``,
        ``T``, ``monetary_value``, ``p_alive``, ``expected_purchases`` (in the horizon,
        undiscounted), ``expected_value`` (spend per purchase), ``clv``, ``clv_ci_low``,
        ``clv_ci_high`` (float64), then the summary's other columns (``orders``, ``revenue``,
        ``first_purchase``, ``cohort``, ``by`` columns; not the holdout columns). In the
        summary's row order.
    horizon_months : int
    discount_rate : float
        Monthly.
    margin : float
    alpha : float
    currency : str
    model : str
        Name of the purchase model.
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=(
            "customer_id",
            "frequency",
            "recency",
            "T",
            "monetary_value",
            "p_alive",
            "expected_purchases",
            "clv",
            "clv_ci_low",
            "clv_ci_high",
        ),
        currency_cols=("monetary_value", "clv", "clv_ci_low", "clv_ci_high"),
        percent_cols=("p_alive",),
        decimals={"recency": 1, "T": 1, "expected_purchases": 2},
    )

    table: pd.DataFrame
    horizon_months: int
    discount_rate: float
    margin: float
    alpha: float
    currency: str
    model: str
    gradients: np.ndarray = field(repr=False)
    cov_log: np.ndarray = field(repr=False)

    def _interval(self, value: float, grad: np.ndarray, n: int) -> Estimate:
        var = float(grad @ self.cov_log @ grad)
        z = stats.norm.ppf(1 - self.alpha / 2)
        if value > 0 and np.isfinite(var):
            spread = np.exp(z * np.sqrt(max(var, 0.0)) / value)
            return Estimate(value, value / spread, value * spread, n, self.alpha)
        return Estimate(value, float("nan"), float("nan"), n, self.alpha)

    def total(self) -> Estimate:
        """Total CLV of all customers, with a delta-method interval (parameter uncertainty)."""
        return self._interval(float(self.table["clv"].sum()), self.gradients.sum(axis=0), len(self.table))

    def by(self, column: str, *, min_n: int = 10) -> pd.DataFrame:
        """CLV by segment (channel, cohort, country, RFM segment, ...).

        Parameters
        ----------
        column : str
            A column of :attr:`table`.
        min_n : int, default 10
            Segments with fewer customers are suppressed (numbers blanked).

        Returns
        -------
        pandas.DataFrame
            ``segment`` (str), ``customers`` (int64 before suppression), ``clv_total``,
            ``clv_total_ci_low``, ``clv_total_ci_high``, ``clv_mean``, ``share_of_value``,
            ``p_alive_mean``, ``expected_purchases`` (float64), ``suppressed`` (bool);
            sorted by ``clv_total`` descending.
        """
        if column not in self.table.columns:
            raise KeyError(f"CLV table has no column {column!r}; columns: {', '.join(self.table.columns)}")
        keys = self.table[column].astype("str").fillna("(missing)")
        codes, labels = pd.factorize(keys, sort=True)
        k = len(labels)
        count = np.bincount(codes, minlength=k)
        clv = np.bincount(codes, weights=self.table["clv"].to_numpy(), minlength=k)
        grads = np.zeros((k, self.gradients.shape[1]))
        np.add.at(grads, codes, self.gradients)
        total = float(self.table["clv"].sum())
        rows = []
        for j, label in enumerate(labels):
            est = self._interval(float(clv[j]), grads[j], int(count[j]))
            rows.append((str(label), int(count[j]), est.value, est.ci_low, est.ci_high))
        out = pd.DataFrame(
            rows, columns=["segment", "customers", "clv_total", "clv_total_ci_low", "clv_total_ci_high"]
        )
        out["clv_mean"] = out["clv_total"] / out["customers"]
        out["share_of_value"] = out["clv_total"] / total if total > 0 else np.nan
        out["p_alive_mean"] = (
            np.bincount(codes, weights=self.table["p_alive"].to_numpy(), minlength=k) / count
        )
        out["expected_purchases"] = np.bincount(
            codes, weights=self.table["expected_purchases"].to_numpy(), minlength=k
        )
        out = out.sort_values("clv_total", ascending=False, kind="stable").reset_index(drop=True)
        return suppress_small(out, "customers", min_n)

    def concentration(self, groups: int = 10) -> pd.DataFrame:
        """Share of total CLV by customer decile (or other quantile groups), highest first.

        Returns
        -------
        pandas.DataFrame
            ``group`` (int64, 1 = most valuable), ``customers`` (int64), ``clv_total``,
            ``share_of_value``, ``cumulative_share`` (float64).
        """
        values = np.sort(self.table["clv"].to_numpy())[::-1]
        n = len(values)
        group = np.minimum((np.arange(n) * groups) // max(n, 1), groups - 1) + 1
        total = values.sum()
        out = pd.DataFrame({"group": np.arange(1, groups + 1, dtype="int64")})
        out["customers"] = np.bincount(group, minlength=groups + 1)[1:].astype("int64")
        out["clv_total"] = np.bincount(group, weights=values, minlength=groups + 1)[1:]
        out["share_of_value"] = out["clv_total"] / total if total > 0 else np.nan
        out["cumulative_share"] = out["share_of_value"].cumsum()
        return out

    def top_share(self, fraction: float = 0.1) -> float:
        """Share of total CLV held by the most valuable ``fraction`` of customers."""
        values = np.sort(self.table["clv"].to_numpy())[::-1]
        top = max(int(np.ceil(fraction * len(values))), 1)
        total = values.sum()
        return float(values[:top].sum() / total) if total > 0 else float("nan")

    def figure(self, bins: int = 40) -> go.Figure:
        """Distribution of CLV across customers (histogram; the top 1 % are in the last bar)."""
        values = self.table["clv"].to_numpy()
        cap = float(np.quantile(values, 0.99)) if len(values) else 0.0
        counts, edges = np.histogram(np.minimum(values, cap), bins=bins, range=(0.0, max(cap, 1e-9)))
        cur = f" ({self.currency})" if self.currency else ""
        fig = go.Figure(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=counts,
                width=np.diff(edges) * 0.95,
                marker=dict(color=viz.PALETTE[0]),
                customdata=np.column_stack([edges[:-1], edges[1:]]),
                hovertemplate="CLV %{customdata[0]:,.0f} to %{customdata[1]:,.0f}: %{y:,} "
                "customers<extra></extra>",
            )
        )
        fig.update_layout(
            template="cxlab",
            hovermode="closest",
            title=dict(text=f"Predicted {self.horizon_months}-month CLV per customer{cur}"),
            xaxis=dict(
                title=dict(text=f"CLV{cur}; values above the 99th percentile ({cap:,.0f}) in the last bar")
            ),
            yaxis=dict(title=dict(text="Customers")),
        )
        return fig

    def segment_figure(self, column: str, *, min_n: int = 10) -> go.Figure:
        """Total CLV by segment with its interval (bar chart)."""
        return total_figure(self.by(column, min_n=min_n), column, self.horizon_months, self.currency)

    def breakdown(self, by: str, *, min_n: int = 10) -> CLVBreakdown:
        """Predicted value by a segment column, by ``"cohort"`` or by ``"decile"``, as a result.

        Parameters
        ----------
        by : str
            A column of :attr:`table` (``"cohort"``, a channel or device column, ...) or
            ``"decile"`` (customers ranked by predicted value, :meth:`concentration`).
        min_n : int, default 10
            Segments with fewer customers are suppressed.

        Returns
        -------
        CLVBreakdown
            ``.show()`` draws the chart, the formatted table and the sentences.
        """
        table = self.concentration() if by == DECILE else self.by(by, min_n=min_n)
        return CLVBreakdown(table, by, self.horizon_months, self.currency, min_n)

    def summary(self, flags: Iterable[Flag] = ()) -> list[str]:
        """Say what the customers are worth, how concentrated the value is, and where to look.

        Parameters
        ----------
        flags : iterable of Flag, optional
            Outputs that failed a sanity check (:func:`cxlib.ltv.checks.sanity_warnings`).
            A flagged number is not stated: the sentences say only that it is not reliable,
            and the warning itself carries the number and the reason. An interval that is not
            a number is left out even when not flagged.
        """
        t = self.table
        if t.empty:
            return ["No customers to value."]
        unreliable = {flag.quantity for flag in flags}
        total = self.total()
        if VALUE in unreliable or not np.isfinite(total.value):
            return [
                "What the customers are worth could not be computed for every customer, so no value is "
                "stated; the warnings say why."
            ]
        n = len(t)

        def money(amount: float) -> str:
            return format_money(amount, self.currency)

        interval = ""
        if INTERVAL not in unreliable and np.isfinite(total.ci_low) and np.isfinite(total.ci_high):
            interval = format_interval(total.ci_low, total.ci_high, money, level=1 - self.alpha) + "; "
        top = max(int(np.ceil(0.1 * n)), 1)
        activity = (
            "the model's estimate of how many customers are still active is not reliable (the warnings "
            "say why)"
            if ACTIVITY in unreliable
            else f"{format_percent(float((t['p_alive'] >= 0.5).mean()), 0)} of customers are more likely "
            "active than not"
        )
        return [
            f"The {format_count(n)} customers are predicted to bring {money(total.value)} in the next "
            f"{self.horizon_months} months, {money(total.value / n)} per customer ({interval}"
            f"{self.model}, {self.discount_rate:.1%} monthly discount, margin {self.margin:.0%}).",
            f"The most valuable 10% of customers ({format_count(top)}) hold "
            f"{format_percent(self.top_share(0.1), 0)} of it; {activity}. "
            "Keeping the most valuable ones buying matters most: the RFM segments below name them.",
        ]


def clv(
    transactions: TransactionModel,
    spend: GammaGammaModel,
    summary: RFMSummary | Frame,
    *,
    horizon_months: int = 12,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    alpha: float = 0.05,
    currency: str = "",
    intervals: bool = True,
) -> CLVResult:
    """Predicted customer lifetime value over a horizon, per customer.

    Parameters
    ----------
    transactions : BGNBDModel or ParetoNBDModel
        Fitted purchase model (its unit must match the summary's).
    spend : GammaGammaModel
        Fitted spend model.
    summary : RFMSummary or frame
        Required columns: ``customer_id``, ``frequency``, ``recency``, ``T``,
        ``monetary_value``. Other columns (``cohort``, channels, ...) are carried along
        as segments.
    horizon_months : int, default 12
        Number of months ahead.
    discount_rate : float, default 0.01
        Monthly discount rate (an annual rate R is (1+R)^(1/12) − 1 per month).
    margin : float, default 1.0
        Share of revenue that is profit (1 = value in revenue).
    alpha : float, default 0.05
        One minus the confidence level of the intervals.
    currency : str
        Label for charts and sentences.
    intervals : bool, default True
        Compute delta-method intervals (needs 2·k more model evaluations; switch off for
        speed on very large summaries).

    Returns
    -------
    CLVResult
        ``.table`` per customer; ``.total()``, ``.by(column)``, ``.concentration()``,
        ``.top_share()``, ``.figure()``, ``.summary()``.

    Notes
    -----
    Formula and discounting: module docstring. Spend per purchase: Fader & Hardie (2013),
    conditional expectation; purchases: Fader, Hardie & Lee (2005), eq. 10 (BG/NBD), or the
    Pareto/NBD note.

    Examples
    --------
    >>> value = clv(fit_bgnbd(rfm), fit_gamma_gamma(rfm), rfm, horizon_months=12)  # doctest: +SKIP
    >>> value.total()  # doctest: +SKIP
    """
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be at least 1, got {horizon_months}")
    if discount_rate <= -1:
        raise ValueError(f"discount_rate must be above -1, got {discount_rate}")
    unit = getattr(summary, "unit", transactions.unit)
    if unit != transactions.unit:
        raise ValueError(f"the summary is in unit {unit!r} but the purchase model in {transactions.unit!r}")
    frame = rfm_frame(summary)
    require_columns(
        frame, ["customer_id", "frequency", "recency", "T", "monetary_value"], "rfm_summary", purpose="CLV"
    )
    df = to_pandas(frame)
    x, tx, T, m = (df[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T", "monetary_value"))
    keys, inverse = np.unique(np.column_stack([x, tx, T]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    ux, utx, uT = keys[:, 0], keys[:, 1], keys[:, 2]
    month = DAYS_PER_MONTH / UNIT_DAYS[transactions.unit]

    def discounted(model: TransactionModel) -> np.ndarray:
        return discounted_purchases(
            model, ux, utx, uT, horizon_months=horizon_months, discount_rate=discount_rate
        )

    disc_u = discounted(transactions)
    value = spend.expected_value(x, m)
    disc = disc_u[inverse]
    out = pd.DataFrame(
        {
            "customer_id": df["customer_id"].astype("str").to_numpy(),
            "frequency": x.astype("int64"),
            "recency": tx,
            "T": T,
            "monetary_value": m,
            "p_alive": transactions.p_alive(ux, utx, uT)[inverse],
            "expected_purchases": transactions.expected_purchases(horizon_months * month, ux, utx, uT)[
                inverse
            ],
            "expected_value": value,
            "clv": margin * value * disc,
        }
    )
    k_tx, k_sp = transactions.n_params, spend.n_params
    grads = np.zeros((len(out), k_tx + k_sp))
    cov_log = np.full((k_tx + k_sp, k_tx + k_sp), np.nan)
    if intervals:
        theta = transactions.theta
        for j in range(k_tx):
            up, down = theta.copy(), theta.copy()
            up[j] *= np.exp(_LOG_STEP)
            down[j] *= np.exp(-_LOG_STEP)
            d_disc = discounted(transactions.with_params(up)) - discounted(transactions.with_params(down))
            d_disc /= 2 * _LOG_STEP
            grads[:, j] = margin * value * d_disc[inverse]
        p, q, v = spend.theta
        base = v + np.where(x > 0, x * m, 0.0)
        denom = p * x + q - 1.0
        d_value = np.column_stack(
            [
                p * base * (q - 1.0) / denom**2,  # ∂/∂ln p
                -q * p * base / denom**2,  # ∂/∂ln q
                v * p / denom,  # ∂/∂ln v
            ]
        )
        grads[:, k_tx:] = margin * disc[:, None] * d_value
        cov_log = np.zeros((k_tx + k_sp, k_tx + k_sp))
        cov_log[:k_tx, :k_tx] = _log_cov(transactions)
        cov_log[k_tx:, k_tx:] = _log_cov(spend)
        var = np.einsum("ij,jk,ik->i", grads, cov_log, grads)
        z = stats.norm.ppf(1 - alpha / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = np.exp(z * np.sqrt(np.maximum(var, 0.0)) / out["clv"].to_numpy())
        out["clv_ci_low"] = np.where(out["clv"] > 0, out["clv"] / spread, 0.0)
        out["clv_ci_high"] = np.where(out["clv"] > 0, out["clv"] * spread, 0.0)
    else:
        out["clv_ci_low"] = np.nan
        out["clv_ci_high"] = np.nan
    known = set(out.columns) | {"frequency_holdout", "monetary_value_holdout", "duration_holdout"}
    for column in df.columns:
        if column not in known:
            out[column] = df[column].to_numpy()
    return CLVResult(
        out,
        int(horizon_months),
        float(discount_rate),
        float(margin),
        float(alpha),
        currency,
        transactions.NAME,
        grads,
        cov_log,
    )
