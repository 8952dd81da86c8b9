"""A/B testing: a trustworthy experiment-analysis engine built on sufficient statistics.

The unit-level ``experiments`` table is reduced on its own backend (pandas, polars, DuckDB,
Spark) to per-variant sums (:func:`summarize`); everything else is computed from those sums:

* health checks first — sample-ratio mismatch (:func:`srm`), exposure over time
  (:func:`exposure`), pre-period balance (:func:`balance`);
* :func:`compare` — proportions, means (Welch) and ratio metrics (delta method), absolute
  or relative lift, optional capping and CUPED, frequentist / Bayesian / sequential
  (always-valid) inference, Holm and Benjamini–Hochberg adjustment, guardrails with a
  non-inferiority margin, and a plain-language decision;
* :func:`effect_over_time` — when a result became conclusive, safely under peeking;
* :func:`segment_effects` — per-segment effects with an interaction test;
* planning — :func:`power`, :func:`sample_size`, :func:`mde`, with and without CUPED.

Examples
--------
>>> import cxlib
>>> from cxlib import experiments as ab
>>> shop = cxlib.open_shop("data/sample")  # doctest: +SKIP
>>> result = ab.compare(
...     shop.experiments,
...     experiment="checkout_redesign",
...     metrics={"conversion": "converted", "revenue": "revenue", "aov": ("revenue", "orders")},
...     covariate="pre_revenue",
...     cuped=True,
... )  # doctest: +SKIP
>>> result.summary()  # doctest: +SKIP
"""

from cxlib.experiments.catalogue import (
    ChosenExperiment,
    ExperimentInfo,
    choose_experiment,
    experiment_catalogue,
    experiment_slugs,
    read_experiments,
)
from cxlib.experiments.compare import METHODS, Comparison, compare
from cxlib.experiments.decision import Decision, decide
from cxlib.experiments.frequentist import adjust_pvalues, noninferiority
from cxlib.experiments.health import SRM, Balance, Exposure, balance, exposure, srm
from cxlib.experiments.metrics import Metric, as_metrics, commerce_metrics
from cxlib.experiments.planning import Plan, mde, power, sample_size
from cxlib.experiments.segments import SegmentEffects, heterogeneity, segment_effects, with_pre_period_segment
from cxlib.experiments.sequential import SequentialResult, always_valid_p, effect_over_time, mixture_halfwidth
from cxlib.experiments.summary import ExperimentSummary, as_summary, summarize

__all__ = [
    "METHODS",
    "SRM",
    "Balance",
    "ChosenExperiment",
    "Comparison",
    "Decision",
    "ExperimentInfo",
    "ExperimentSummary",
    "Exposure",
    "Metric",
    "Plan",
    "SegmentEffects",
    "SequentialResult",
    "adjust_pvalues",
    "always_valid_p",
    "as_metrics",
    "as_summary",
    "balance",
    "choose_experiment",
    "commerce_metrics",
    "compare",
    "decide",
    "effect_over_time",
    "experiment_catalogue",
    "experiment_slugs",
    "exposure",
    "heterogeneity",
    "mde",
    "mixture_halfwidth",
    "noninferiority",
    "power",
    "read_experiments",
    "sample_size",
    "segment_effects",
    "srm",
    "summarize",
    "with_pre_period_segment",
]
