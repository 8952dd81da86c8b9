"""Customer lifetime value: RFM summaries, BG/NBD, Pareto/NBD, Gamma-Gamma, CLV, validation.

What is each customer worth, who is still active, and how good is the forecast?

* :func:`rfm_summary` — frequency, recency, age and spend per customer, with an optional
  calibration/holdout split, computed on the orders' own backend.
* :func:`fit_bgnbd`, :func:`fit_pareto_nbd`, :func:`fit_gamma_gamma` — exact maximum
  likelihood (vectorised log-likelihoods in log space, analytic gradients, identical
  customers collapsed into weights, standard errors from the Hessian).
* :func:`clv` — discounted lifetime value per customer over a horizon, with intervals;
  :func:`rfm_segments` and :func:`clv_by_nps` — value by RFM segment and by NPS group;
  ``clv(...).breakdown(by)`` — value by segment, cohort or decile.
* :func:`holdout_validation`, :func:`repeat_transactions_over_time`,
  :func:`compare_models` — how good the forecast is.

References: Fader, Hardie & Lee (2005), Marketing Science 24(2) (BG/NBD); Schmittlein,
Morrison & Colombo (1987) and Fader & Hardie's Pareto/NBD note (Pareto/NBD); Fader & Hardie
(2013), "The Gamma-Gamma model of monetary value".

Examples
--------
>>> import cxlib
>>> from cxlib import ltv
>>> shop = cxlib.open_shop("data/sample")  # doctest: +SKIP
>>> rfm = ltv.rfm_summary(shop.orders, calibration_end="2026-04-30")  # doctest: +SKIP
>>> purchases, spend = ltv.fit_bgnbd(rfm), ltv.fit_gamma_gamma(rfm)  # doctest: +SKIP
>>> ltv.holdout_validation(purchases, rfm).mae  # doctest: +SKIP
>>> ltv.clv(purchases, spend, rfm, horizon_months=12).total()  # doctest: +SKIP
"""

from cxlib.ltv.bgnbd import BGNBDModel, fit_bgnbd
from cxlib.ltv.breakdown import CLVBreakdown
from cxlib.ltv.clv import CLVResult, clv
from cxlib.ltv.gamma_gamma import GammaGammaModel, fit_gamma_gamma
from cxlib.ltv.mle import FitWarning
from cxlib.ltv.nps import NPSValue, clv_by_nps
from cxlib.ltv.pareto_nbd import ParetoNBDModel, fit_pareto_nbd
from cxlib.ltv.segments import RFMSegments, rfm_segments
from cxlib.ltv.summary import RFMSummary, rfm_summary
from cxlib.ltv.validation import (
    CumulativeRepeats,
    HoldoutValidation,
    ModelComparison,
    compare_models,
    holdout_validation,
    repeat_transactions_over_time,
)

__all__ = [
    "BGNBDModel",
    "CLVBreakdown",
    "CLVResult",
    "CumulativeRepeats",
    "FitWarning",
    "GammaGammaModel",
    "HoldoutValidation",
    "ModelComparison",
    "NPSValue",
    "ParetoNBDModel",
    "RFMSegments",
    "RFMSummary",
    "clv",
    "clv_by_nps",
    "compare_models",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_pareto_nbd",
    "holdout_validation",
    "repeat_transactions_over_time",
    "rfm_segments",
    "rfm_summary",
]
