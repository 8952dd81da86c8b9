"""What every fitted lifetime-value model shares.

Parameters with standard errors, and for the purchase-count models (BG/NBD, Pareto/NBD)
per-customer predictions and matrices.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import require_columns, to_pandas
from cxlib.estimate import Estimate
from cxlib.ltv.mle import MLEResult, as_array, rfm_frame
from cxlib.ltv.summary import UNIT_NAMES
from cxlib.result import Display, ResultBase

if TYPE_CHECKING:
    from cxlib.ltv.summary import RFMSummary

__all__ = ["FittedModel", "TransactionModel"]


@dataclass(frozen=True)
class FittedModel(ResultBase):
    """A model fitted by maximum likelihood.

    Attributes
    ----------
    params : dict of str to float
        Maximum-likelihood estimates.
    se : dict of str to float
        Standard errors from the observed information (inverse negative Hessian); NaN when
        the Hessian is not negative definite.
    cov : numpy.ndarray
        Covariance matrix of the estimates, in the order of ``params``.
    loglik : float
        Maximised log-likelihood.
    n : int
        Number of customers the model was fitted on.
    converged : bool
        Whether the fit converged (a :class:`~cxlib.ltv.mle.FitWarning` was issued if not).
    iterations : int
        Optimizer (BFGS) iterations.
    unit : str
        Time unit of the data (``"W"`` or ``"D"``); rates are per this unit.
    message : str
        ``"converged"`` or what went wrong.
    """

    DISPLAY: ClassVar[Display] = Display(
        decimals=3,
        labels={
            "parameter": "Parameter",
            "estimate": "Estimate",
            "se": "Standard error",
            "ci_low": "95% CI from",
            "ci_high": "to",
        },
    )

    params: dict[str, float]
    se: dict[str, float]
    cov: np.ndarray = field(repr=False)
    loglik: float
    n: int
    converged: bool
    iterations: int
    unit: str
    message: str = field(repr=False)

    NAME: ClassVar[str] = "model"
    PARAMS: ClassVar[tuple[str, ...]] = ()

    def display_settings(self) -> Display:
        """Return the parameter table's settings, captioned with the model's name."""
        return replace(self.DISPLAY, caption=self.NAME)

    @classmethod
    def _from_mle(cls, res: MLEResult, *, n: int, unit: str, **extra: Any) -> Any:
        se = np.sqrt(np.diag(res.cov))
        return cls(
            params={k: float(v) for k, v in zip(cls.PARAMS, res.params, strict=True)},
            se={k: float(v) for k, v in zip(cls.PARAMS, se, strict=True)},
            cov=res.cov,
            loglik=res.loglik,
            n=int(n),
            converged=res.converged,
            iterations=res.iterations,
            unit=unit,
            message=res.message,
            **extra,
        )

    @property
    def theta(self) -> np.ndarray:
        """Parameters as an array, in the order of :attr:`PARAMS`."""
        return np.array([self.params[k] for k in self.PARAMS])

    def with_params(self, values: Mapping[str, float] | np.ndarray) -> Any:
        """Return the same model with other parameter values (for sensitivity and intervals)."""
        if not isinstance(values, Mapping):
            values = dict(zip(self.PARAMS, np.asarray(values, dtype=float), strict=True))
        return dataclasses.replace(self, params={k: float(values[k]) for k in self.PARAMS})

    @property
    def n_params(self) -> int:
        """Number of parameters."""
        return len(self.PARAMS)

    @property
    def aic(self) -> float:
        """Akaike information criterion, 2k − 2 log L."""
        return 2 * self.n_params - 2 * self.loglik

    @property
    def bic(self) -> float:
        """Bayesian information criterion, k log n − 2 log L."""
        return self.n_params * np.log(self.n) - 2 * self.loglik

    def estimate(self, name: str, alpha: float = 0.05) -> Estimate:
        """One parameter with a confidence interval.

        The interval is symmetric on the log scale (θ·exp(±z·se/θ), the delta method for
        log θ), so it stays positive like the parameter.
        """
        value, se = self.params[name], self.se[name]
        z = stats.norm.ppf(1 - alpha / 2)
        spread = np.exp(z * se / value) if np.isfinite(se) else np.nan
        return Estimate(value, value / spread, value * spread, self.n, alpha)

    @property
    def table(self) -> pd.DataFrame:
        """Parameters with standard errors and intervals.

        Columns ``parameter`` (str), ``estimate``, ``se``, ``ci_low``, ``ci_high`` (float64,
        95 % intervals symmetric on the log scale).
        """
        rows = []
        for name in self.PARAMS:
            est = self.estimate(name)
            rows.append((name, est.value, self.se[name], est.ci_low, est.ci_high))
        out = pd.DataFrame(rows, columns=["parameter", "estimate", "se", "ci_low", "ci_high"])
        out["parameter"] = out["parameter"].astype("str")
        return out

    def _param_text(self) -> str:
        return ", ".join(f"{k} = {v:.3g} (SE {self.se[k]:.2g})" for k, v in self.params.items())


@dataclass(frozen=True)
class TransactionModel(FittedModel, ABC):
    """A purchase-count model (BG/NBD or Pareto/NBD): who is alive, how many purchases next.

    Subclasses implement :meth:`expected_purchases` and :meth:`p_alive`; times (``t``,
    ``recency``, ``T``) are in the model's :attr:`unit`.
    """

    T_max: float = 0.0
    frequency_max: int = 0

    @abstractmethod
    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Predict the number of purchases in the next ``t`` units, given each customer's history."""

    @abstractmethod
    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that each customer is still active at the end of the calibration period."""

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        """Predict repeat purchases in the first ``t`` units after a first purchase (E[X(t)])."""
        t = as_array(t)
        zero = np.zeros_like(t)
        return self.expected_purchases(t, zero, zero, zero)

    def predict(self, summary: RFMSummary | Frame, horizon: float) -> pd.DataFrame:
        """Per-customer predictions.

        Parameters
        ----------
        summary : RFMSummary or frame
            Required columns: ``customer_id``, ``frequency``, ``recency``, ``T``.
        horizon : float
            Prediction horizon in the model's unit (weeks for ``unit="W"``).

        Returns
        -------
        pandas.DataFrame
            ``customer_id``, ``frequency`` (int64), ``recency``, ``T``,
            ``expected_purchases``, ``p_alive`` (float64); in the summary's row order.
        """
        frame = rfm_frame(summary)
        require_columns(
            frame,
            ["customer_id", "frequency", "recency", "T"],
            "rfm_summary",
            purpose=f"{self.NAME} predictions",
        )
        df = to_pandas(frame)
        x, tx, T = (df[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
        keys, inverse = np.unique(np.column_stack([x, tx, T]), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        ux, utx, uT = keys[:, 0], keys[:, 1], keys[:, 2]
        return pd.DataFrame(
            {
                "customer_id": df["customer_id"].astype("str").to_numpy(),
                "frequency": x.astype("int64"),
                "recency": tx,
                "T": T,
                "expected_purchases": self.expected_purchases(horizon, ux, utx, uT)[inverse],
                "p_alive": self.p_alive(ux, utx, uT)[inverse],
            }
        )

    def matrix(
        self,
        kind: str = "p_alive",
        *,
        horizon: float | None = None,
        T: float | None = None,
        max_frequency: int | None = None,
        n_recency: int = 11,
    ) -> pd.DataFrame:
        """P(alive) or expected purchases over a grid of frequency × recency at a fixed age T.

        Parameters
        ----------
        kind : {"p_alive", "expected_purchases"}
        horizon : float, optional
            Horizon of the expected purchases, in the model's unit (default: a quarter year,
            13 weeks or 91 days).
        T : float, optional
            Customer age (default: the largest T in the fitted data).
        max_frequency : int, optional
            Largest frequency row (default: the 99th percentile of the fitted data, at least 5).
        n_recency : int
            Number of recency columns, from 0 to T.

        Returns
        -------
        pandas.DataFrame
            Index ``frequency`` 0..max_frequency, columns recency values (rounded), values
            float64. Cells with frequency 0 and recency > 0 are impossible and NaN.
        """
        if kind not in ("p_alive", "expected_purchases"):
            raise ValueError("kind must be 'p_alive' or 'expected_purchases'")
        T = float(T if T is not None else self.T_max)
        max_f = int(max_frequency if max_frequency is not None else max(self.frequency_max, 5))
        freq = np.arange(max_f + 1, dtype=float)
        rec = np.linspace(0.0, T, n_recency)
        xx, rr = np.meshgrid(freq, rec, indexing="ij")
        TT = np.full_like(xx, T)
        if kind == "p_alive":
            values = self.p_alive(xx.ravel(), rr.ravel(), TT.ravel())
        else:
            h = float(horizon if horizon is not None else (13.0 if self.unit == "W" else 91.0))
            values = self.expected_purchases(h, xx.ravel(), rr.ravel(), TT.ravel())
        values = values.reshape(xx.shape)
        values[0, 1:] = np.nan
        out = pd.DataFrame(
            values, index=pd.Index(freq.astype(int), name="frequency"), columns=[f"{v:.0f}" for v in rec]
        )
        out.columns.name = "recency"
        return out

    def figure(self, kind: str = "p_alive", **kwargs: Any) -> go.Figure:
        """Heatmap of :meth:`matrix` (frequency down, recency across)."""
        m = self.matrix(kind, **kwargs)
        unit = UNIT_NAMES.get(self.unit, self.unit)
        title = (
            f"P(alive) by repeat purchases and recency ({self.NAME}, age {float(m.columns[-1]):.0f} {unit})"
            if kind == "p_alive"
            else f"Expected purchases by repeat purchases and recency ({self.NAME})"
        )
        fig = viz.heatmap(
            m,
            title=title,
            percent=kind == "p_alive",
            x_title=f"Recency: age at last purchase ({unit})",
            y_title="Repeat purchases",
        )
        if kind != "p_alive":
            fig.update_traces(texttemplate="%{z:.2f}", colorbar=dict(tickformat=".1f"))
        # Room between the title and the recency axis, which the heatmap puts on top.
        return fig.update_layout(margin=dict(t=110))

    def summary(self) -> list[str]:
        """Describe the fitted parameters and what they mean, in words."""
        unit = UNIT_NAMES.get(self.unit, self.unit)
        year = 52.0 if self.unit == "W" else 365.0
        per_year = float(np.ravel(self.expected_purchases_new(year))[0])
        status = "" if self.converged else f" (did not converge: {self.message})"
        return [
            f"{self.NAME} fitted on {self.n:,} customers: {self._param_text()}; "
            f"log-likelihood {self.loglik:,.1f}{status}.",
            f"A new customer is expected to make {per_year:.2f} repeat purchases in the first year "
            f"(time unit: {unit}).",
        ]
