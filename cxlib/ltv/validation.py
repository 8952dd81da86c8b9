"""How good is the forecast? Holdout checks of the purchase models.

* :func:`holdout_validation`: predicted versus actual purchases in the holdout period, by
  number of repeat purchases in the calibration period (as in Fader, Hardie & Lee 2005),
  with per-customer MAE and RMSE.
* :func:`repeat_transactions_over_time`: cumulative repeat purchases per week, actual versus
  expected, through calibration and holdout (as in Fader, Hardie & Lee 2005).
* :func:`compare_models`: BG/NBD against Pareto/NBD (or any fitted purchase models) by
  log-likelihood, AIC/BIC and holdout error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import require_columns, to_pandas
from cxlib.errors import DataError
from cxlib.ltv.checks import Verdict, fit_problems, model_verdict
from cxlib.ltv.mle import rfm_frame
from cxlib.ltv.models import TransactionModel
from cxlib.ltv.summary import UNIT_DAYS, UNIT_NAMES, daily_repeat_purchases, epoch_days, to_epoch_day
from cxlib.result import Display, ResultBase

if TYPE_CHECKING:
    from cxlib.ltv.summary import RFMSummary

__all__ = [
    "CumulativeRepeats",
    "HoldoutValidation",
    "ModelComparison",
    "compare_models",
    "holdout_validation",
    "repeat_transactions_over_time",
]

_HOLDOUT_COLUMNS = ["customer_id", "frequency", "recency", "T", "frequency_holdout", "duration_holdout"]


def _holdout_frame(summary: RFMSummary | Frame) -> pd.DataFrame:
    frame = rfm_frame(summary)
    require_columns(
        frame,
        _HOLDOUT_COLUMNS,
        "rfm_summary",
        purpose="holdout validation (make the summary with calibration_end=...)",
    )
    return to_pandas(frame)


def _buckets(frequency: np.ndarray, max_frequency: int) -> tuple[np.ndarray, list[str]]:
    code = np.minimum(frequency.astype("int64"), max_frequency)
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    return code, labels


@dataclass(frozen=True)
class HoldoutValidation(ResultBase):
    """Predicted versus actual holdout purchases (see :func:`holdout_validation`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per calibration-frequency bucket: ``frequency`` (str: ``"0"`` … ``"7+"``),
        ``customers`` (int64), ``actual``, ``predicted`` (float64: mean holdout purchases
        per customer).
    customers : pandas.DataFrame
        Per customer: ``customer_id``, ``frequency``, ``actual`` (int64), ``predicted``.
    mae, rmse : float
        Mean absolute and root-mean-square error per customer.
    actual_total, predicted_total : float
        Holdout purchases of all customers.
    model : str
    duration : float
        Holdout length in the model's unit.
    unit : str
    """

    DISPLAY: ClassVar[Display] = Display(decimals=3)

    table: pd.DataFrame
    customers: pd.DataFrame
    mae: float
    rmse: float
    actual_total: float
    predicted_total: float
    model: str
    duration: float
    unit: str

    def figure(self) -> go.Figure:
        """Mean holdout purchases by calibration frequency: actual and predicted."""
        long = self.table.melt(
            id_vars=["frequency"],
            value_vars=["actual", "predicted"],
            var_name="series",
            value_name="purchases",
        )
        fig = viz.line(
            long,
            "frequency",
            "purchases",
            color="series",
            markers=True,
            title=f"Holdout purchases per customer, actual vs {self.model} "
            f"({self.duration:.0f} {UNIT_NAMES[self.unit]})",
            labels={
                "frequency": "Repeat purchases in the calibration period",
                "purchases": "Mean purchases in the holdout",
            },
        )
        return fig.update_xaxes(type="category")

    def summary(self) -> list[str]:
        """Accuracy in words."""
        if not self.actual_total:
            return [
                f"{self.model} predicted {self.predicted_total:,.0f} holdout purchases; nobody bought in the "
                f"holdout period. Per customer MAE {self.mae:.3f}, RMSE {self.rmse:.3f}."
            ]
        bias = self.predicted_total / self.actual_total - 1
        return [
            f"{self.model} predicted {self.predicted_total:,.0f} holdout purchases against "
            f"{self.actual_total:,.0f} actual ({bias:+.1%}); per customer MAE {self.mae:.3f}, "
            f"RMSE {self.rmse:.3f}.",
        ]


def holdout_validation(
    model: TransactionModel, summary: RFMSummary | Frame, *, max_frequency: int = 7
) -> HoldoutValidation:
    """Compare a purchase model's predictions with the purchases of the holdout period.

    Parameters
    ----------
    model : BGNBDModel or ParetoNBDModel
        Fitted on the calibration period.
    summary : RFMSummary or frame
        Made with ``calibration_end``. Required columns: ``customer_id``, ``frequency``,
        ``recency``, ``T``, ``frequency_holdout``, ``duration_holdout``.
    max_frequency : int, default 7
        Calibration frequencies from this value up share one bucket.

    Returns
    -------
    HoldoutValidation

    Notes
    -----
    Predictions are the conditional expectations E[Y(t) | x, t_x, T] with t the holdout
    length, as in Fader, Hardie & Lee (2005).

    Examples
    --------
    >>> rfm = rfm_summary(shop.orders, calibration_end="2026-04-30")  # doctest: +SKIP
    >>> holdout_validation(fit_bgnbd(rfm), rfm).mae  # doctest: +SKIP
    """
    df = _holdout_frame(summary)
    x, tx, T, dur = (
        df[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T", "duration_holdout")
    )
    actual = df["frequency_holdout"].to_numpy(dtype="float64")
    keys, inverse = np.unique(np.column_stack([x, tx, T, dur]), axis=0, return_inverse=True)
    predicted = model.expected_purchases(keys[:, 3], keys[:, 0], keys[:, 1], keys[:, 2])[inverse.ravel()]
    code, labels = _buckets(x, max_frequency)
    k = len(labels)
    count = np.bincount(code, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        table = pd.DataFrame(
            {
                "frequency": labels,
                "customers": count.astype("int64"),
                "actual": np.bincount(code, weights=actual, minlength=k) / count,
                "predicted": np.bincount(code, weights=predicted, minlength=k) / count,
            }
        )
    table["frequency"] = table["frequency"].astype("str")
    err = predicted - actual
    customers = pd.DataFrame(
        {
            "customer_id": df["customer_id"].astype("str").to_numpy(),
            "frequency": x.astype("int64"),
            "actual": actual.astype("int64"),
            "predicted": predicted,
        }
    )
    return HoldoutValidation(
        table=table,
        customers=customers,
        mae=float(np.mean(np.abs(err))),
        rmse=float(np.sqrt(np.mean(err**2))),
        actual_total=float(actual.sum()),
        predicted_total=float(predicted.sum()),
        model=model.NAME,
        duration=float(dur.max()) if len(dur) else 0.0,
        unit=model.unit,
    )


@dataclass(frozen=True)
class CumulativeRepeats(ResultBase):
    """Cumulative repeat purchases over time (see :func:`repeat_transactions_over_time`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per period end: ``date`` (datetime64 UTC), ``actual`` (int64),
        ``expected`` (float64) cumulative repeat purchases; ``actual_period``,
        ``expected_period`` (float64) within the period.
    calibration_end : pandas.Timestamp
    model : str
    """

    DISPLAY: ClassVar[Display] = Display(decimals=1)

    table: pd.DataFrame
    calibration_end: pd.Timestamp
    model: str

    def figure(self) -> go.Figure:
        """Cumulative repeat purchases, actual and expected, with the calibration end marked."""
        long = self.table.melt(
            id_vars=["date"], value_vars=["actual", "expected"], var_name="series", value_name="purchases"
        )
        fig = viz.line(
            long,
            "date",
            "purchases",
            color="series",
            title=f"Cumulative repeat purchases, actual vs {self.model}",
            labels={"date": "", "purchases": "Cumulative repeat purchases"},
        )
        fig.add_vline(x=self.calibration_end, line=dict(dash="dash", color="#616e7c", width=1))
        fig.add_annotation(
            x=self.calibration_end,
            y=1,
            yref="paper",
            text="end of calibration",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font=dict(size=11),
        )
        return fig

    def summary(self) -> list[str]:
        """Describe the gap at the end, in words."""
        last = self.table.iloc[-1]
        if not last["actual"]:
            return [
                f"By {last['date']:%Y-%m-%d} none of the customers had bought again; "
                f"{self.model} expected {last['expected']:,.0f} repeat purchases."
            ]
        gap = last["expected"] / last["actual"] - 1
        return [
            f"By {last['date']:%Y-%m-%d} the customers made {int(last['actual']):,} repeat purchases; "
            f"{self.model} expected {last['expected']:,.0f} ({gap:+.1%})."
        ]


def repeat_transactions_over_time(
    model: TransactionModel,
    orders: Frame,
    calibration_end: Any,
    observation_end: Any = None,
    *,
    step_days: int = 7,
) -> CumulativeRepeats:
    """Cumulative repeat purchases per period, actual versus expected by the model.

    Parameters
    ----------
    model : BGNBDModel or ParetoNBDModel
        Fitted on the calibration period ending ``calibration_end``.
    orders : frame
        Orders table (any backend). Required columns: ``customer_id``, ``ts``, ``revenue``.
    calibration_end, observation_end : date-like
        As in :func:`~cxlib.ltv.rfm_summary`.
    step_days : int, default 7
        Period length.

    Returns
    -------
    CumulativeRepeats
        When nobody bought again, ``actual`` is 0 throughout (a valid, degenerate result:
        the chart shows the model's expectation against a flat line).

    Raises
    ------
    DataError
        When no customer made a first purchase by ``calibration_end``.

    Notes
    -----
    Expected cumulative repeat purchases at day t: Σ_c n_c · E[X(t − c)], the unconditional
    expectation for the n_c customers whose first purchase was on day c (Fader, Hardie & Lee
    2005, eq. 9 for BG/NBD). Actual counts are purchase days after each customer's
    first, counted on the orders' backend.
    """
    repeats, firsts, obs_end = daily_repeat_purchases(orders, calibration_end, observation_end)
    cal = pd.to_datetime(to_epoch_day(calibration_end), unit="D", utc=True)
    if firsts.empty:
        raise DataError(f"has no first purchase up to {cal:%Y-%m-%d}", table="orders", rule="empty")
    first_days = epoch_days(firsts["day"])
    start_day, end_day = int(first_days.min()), to_epoch_day(obs_end)
    ends = np.unique(
        np.minimum(np.arange(start_day + step_days - 1, end_day + step_days, step_days), end_day)
    )
    rep_days = epoch_days(repeats["day"])
    rep_cum = np.concatenate([[0], np.cumsum(repeats["repeat_purchases"].to_numpy())])
    actual = rep_cum[np.searchsorted(rep_days, ends, side="right")]
    # A customer first buying on day c has age (e − c) at the end of day e (as T in rfm_summary).
    age = np.maximum(ends[:, None] - first_days[None, :], 0) / UNIT_DAYS[model.unit]
    per_customer = model.expected_purchases_new(age.ravel()).reshape(age.shape)
    expected = per_customer @ firsts["customers"].to_numpy(dtype="float64")
    table = pd.DataFrame(
        {
            "date": pd.to_datetime(ends, unit="D", utc=True),
            "actual": actual.astype("int64"),
            "expected": expected,
        }
    )
    table["actual_period"] = table["actual"].diff().fillna(table["actual"]).astype("float64")
    table["expected_period"] = table["expected"].diff().fillna(table["expected"])
    return CumulativeRepeats(table, cal, model.NAME)


@dataclass(frozen=True)
class ModelComparison(ResultBase):
    """Purchase models side by side (see :func:`compare_models`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model: ``model`` (str), ``parameters`` (int64), ``loglik``, ``aic``,
        ``bic``, ``holdout_mae``, ``holdout_rmse``, ``predicted_total``, ``actual_total``
        (float64).
    validations : tuple of HoldoutValidation
    usable : tuple of str, optional
        Models whose fit worked (:func:`~cxlib.ltv.checks.fit_problems` found nothing); only
        these can win. ``None``: all.
    """

    DISPLAY: ClassVar[Display] = Display(
        decimals={
            "loglik": 1,
            "aic": 1,
            "bic": 1,
            "holdout_mae": 3,
            "holdout_rmse": 3,
            "predicted_total": 0,
            "actual_total": 0,
        },
        labels={
            "model": "Model",
            "parameters": "Parameters",
            "loglik": "Log-likelihood",
            "aic": "AIC",
            "bic": "BIC",
            "holdout_mae": "MAE per customer",
            "holdout_rmse": "RMSE per customer",
            "predicted_total": "Predicted purchases",
            "actual_total": "Actual purchases",
        },
        caption="Purchase models: calibration fit and holdout error",
    )

    table: pd.DataFrame
    validations: tuple[HoldoutValidation, ...]
    usable: tuple[str, ...] | None = None

    @property
    def best(self) -> str | None:
        """The model the holdout test prefers (:func:`~cxlib.ltv.checks.model_verdict`); ``None`` in a tie."""
        return self.verdict().winner

    def verdict(self, usable: Sequence[str] | None = None, *, tolerance: float = 0.02) -> Verdict:
        """Which model forecasts the holdout better, if any (a tie within ``tolerance`` has none).

        Parameters
        ----------
        usable : sequence of str, optional
            Models whose fit worked (default: :attr:`usable`, else all of :attr:`table`).
        tolerance : float, default 0.02
            Relative difference in holdout MAE below which the models are tied.

        Returns
        -------
        Verdict
        """
        chosen = self.usable if usable is None else usable
        names = list(self.table["model"]) if chosen is None else list(chosen)
        return model_verdict(self, names, tolerance=tolerance)

    def validation(self, model: str) -> HoldoutValidation:
        """Return the holdout validation of one model, by name (``"BG/NBD"``)."""
        for v in self.validations:
            if v.model == model:
                return v
        raise KeyError(f"no model {model!r} in the comparison; models: {', '.join(self.table['model'])}")

    def figure(self) -> go.Figure:
        """Mean holdout purchases by calibration frequency: actual and each model."""
        parts = [self.validations[0].table.assign(series="actual", purchases=lambda d: d["actual"])]
        parts += [
            v.table.assign(series=v.model, purchases=lambda d: d["predicted"]) for v in self.validations
        ]
        long = pd.concat(parts, ignore_index=True)[["frequency", "series", "purchases"]]
        fig = viz.line(
            long,
            "frequency",
            "purchases",
            color="series",
            markers=True,
            title="Holdout purchases per customer: actual and predicted by each model",
            labels={
                "frequency": "Repeat purchases in the calibration period",
                "purchases": "Mean purchases in the holdout",
            },
        )
        return fig.update_xaxes(type="category")

    def summary(self) -> list[str]:
        """Which model forecasts better (a tie says so), then the holdout check of the model used."""
        t = self.table.set_index("model")
        parts = [
            f"{m}: MAE {row['holdout_mae']:.3f}, log-likelihood {row['loglik']:,.1f}"
            for m, row in t.iterrows()
        ]
        verdict = self.verdict()
        out = [f"Holdout error per customer: {'; '.join(parts)}.", verdict.sentence]
        if verdict.used is not None:
            out += self.validation(verdict.used).summary()
        return out


def compare_models(
    summary: RFMSummary | Frame, models: Sequence[TransactionModel], *, max_frequency: int = 7
) -> ModelComparison:
    """Compare fitted purchase models on the calibration fit and the holdout forecast.

    Parameters
    ----------
    summary : RFMSummary or frame
        With holdout columns (see :func:`holdout_validation`).
    models : sequence of BGNBDModel / ParetoNBDModel
        Fitted on the calibration period of ``summary``.
    max_frequency : int, default 7

    Returns
    -------
    ModelComparison
    """
    if not models:
        raise ValueError("compare_models needs at least one fitted model")
    validations = tuple(holdout_validation(m, summary, max_frequency=max_frequency) for m in models)
    table = pd.DataFrame(
        {
            "model": [m.NAME for m in models],
            "parameters": [m.n_params for m in models],
            "loglik": [m.loglik for m in models],
            "aic": [m.aic for m in models],
            "bic": [m.bic for m in models],
            "holdout_mae": [v.mae for v in validations],
            "holdout_rmse": [v.rmse for v in validations],
            "predicted_total": [v.predicted_total for v in validations],
            "actual_total": [v.actual_total for v in validations],
        }
    )
    table["model"] = table["model"].astype("str")
    table["parameters"] = table["parameters"].astype("int64")
    usable = tuple(m.NAME for m in models if not fit_problems(m))
    return ModelComparison(table, validations, usable)
