"""The planted truths of the sample shop (cxlib.sample.truth.ExperimentTruth).

* ``checkout_redesign``: planted relative conversion lift ≈ +11.6 %; every method's
  interval covers it, the split is healthy and the decision is to ship.
* ``free_shipping_banner``: planted sample-ratio mismatch (48 % instead of 50 % in
  treatment) — flagged at p < 0.001 and the decision is "invalid".
* CUPED on revenue removes ≈ ρ² of the variance, ρ = corr(revenue, pre_revenue) ≈ 0.495.
* The DuckDB relation read from Parquet, a pandas copy and its summary give identical results.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import cxlib
from cxlib import experiments as ab
from cxlib.engine import to_pandas
from cxlib.sample.truth import TRUTH

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
METRICS = {"conversion": "converted", "revenue": "revenue", "aov": ("revenue", "orders")}
X = TRUTH.experiments

pytestmark = pytest.mark.skipif(
    not (SAMPLE / "experiments.parquet").exists(), reason="sample shop not generated"
)


@pytest.fixture(scope="module")
def shop() -> cxlib.Shop:
    return cxlib.open_shop(SAMPLE)


@pytest.fixture(scope="module")
def checkout(shop) -> ab.ExperimentSummary:
    return ab.summarize(shop.experiments, METRICS, experiment="checkout_redesign", covariate="pre_revenue")


@pytest.mark.parametrize("method", ab.METHODS)
@pytest.mark.parametrize("cuped", [False, True])
def test_planted_conversion_lift_is_covered(checkout, method, cuped):
    res = ab.compare(checkout, method=method, cuped=cuped, n_star=40_000)
    row = res.table.set_index("metric").loc["conversion"]
    assert row["ci_low"] <= X.checkout_relative_lift <= row["ci_high"]
    assert row["estimate"] > 0


def test_planted_absolute_conversion_rates_are_covered(checkout):
    means = checkout.means().set_index(["metric", "variant"])
    for variant, truth in zip(("control", "treatment"), X.checkout_conversion, strict=True):
        row = means.loc[("conversion", variant)]
        assert row["ci_low"] <= truth <= row["ci_high"]


def test_checkout_is_healthy_and_ships(shop, checkout):
    res = ab.compare(checkout, cuped=True, guardrails={"aov": 0.05})
    assert not res.srm.mismatch
    assert not ab.balance(checkout).imbalanced
    decision = res.decision(balance=ab.balance(checkout))
    assert decision.verdict == "ship" and decision.variant == "treatment"
    expo = ab.exposure(shop.experiments, experiment="checkout_redesign")
    assert expo.table["period"].min() == pd.Timestamp(X.checkout_window[0])
    assert int(expo.table["units"].sum()) == X.checkout_units


def test_planted_srm_is_flagged(shop):
    check = ab.srm(shop.experiments, experiment="free_shipping_banner")
    assert check.mismatch and check.p_value < 1e-3
    share = check.table.set_index("variant").loc["treatment", "share"]
    assert abs(share - X.banner_treatment_share) < 3 * (0.25 / X.banner_units) ** 0.5
    res = ab.compare(shop.experiments, experiment="free_shipping_banner", metrics=METRICS)
    assert res.decision().verdict == "invalid"
    assert not ab.srm(shop.experiments, experiment="checkout_redesign").mismatch


def test_cuped_variance_reduction_is_rho_squared(checkout):
    row = ab.compare(checkout, cuped=True, relative=False).table.set_index("metric").loc["revenue"]
    rho_low = X.revenue_pre_corr - 3 * X.revenue_pre_corr_sd_20k
    rho_high = X.revenue_pre_corr + 3 * X.revenue_pre_corr_sd_20k
    assert rho_low**2 <= row["variance_reduction"] <= rho_high**2


def test_unit_table_and_summary_agree_on_every_backend(shop, checkout):
    duck = ab.compare(
        shop.experiments, experiment="checkout_redesign", metrics=METRICS, covariate="pre_revenue", cuped=True
    )
    frame = to_pandas(shop.experiments)
    before = frame.copy()
    pandas = ab.compare(
        frame, experiment="checkout_redesign", metrics=METRICS, covariate="pre_revenue", cuped=True
    )
    summary = ab.compare(checkout, cuped=True)
    pd.testing.assert_frame_equal(duck.table, pandas.table, check_exact=False, rtol=1e-10)
    pd.testing.assert_frame_equal(duck.table, summary.table, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(frame, before)


def test_sequential_becomes_conclusive_on_the_planted_lift(shop):
    seq = ab.effect_over_time(
        shop.experiments,
        experiment="checkout_redesign",
        metrics={"conversion": "converted"},
        n_star=X.checkout_units,
    )
    first = seq.conclusive_at.iloc[0]
    assert first["direction"] == "up"
    last = seq.table.iloc[-1]
    assert last["ci_low"] <= X.checkout_relative_lift <= last["ci_high"]


def test_segments_on_the_sample(shop):
    seg = ab.segment_effects(
        ab.with_pre_period_segment(shop.experiments),
        "pre_period_buyer",
        experiment="checkout_redesign",
        metrics={"conversion": "converted"},
        min_n=200,
    )
    assert set(seg.table["pre_period_buyer"]) == {"yes", "no"}
    assert seg.interaction["segments"].iloc[0] == 2
    # The lift is planted as the same relative change for every unit: no interaction expected.
    assert seg.interaction["p_value"].iloc[0] > 0.001
